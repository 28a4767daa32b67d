"""What names say: weekdays in several languages, bell times in the many ways schools write them,
grades in class names ("5A", "Year 3", "Grade 7B", "三年级2班", "初二(1)班", Greek "Β2", "XII-Science"),
and ids the scenario accepts."""

from __future__ import annotations

import datetime as dt
import re
import statistics
import unicodedata
from collections.abc import Sequence
from itertools import pairwise

from ..scenario import WEEKDAYS, Weekday
from .model import Bell, Day, ImportProblem

_DAY_WORDS: dict[Weekday, tuple[str, ...]] = {
    "mon": ("monday", "mon", "mo", "montag", "lundi", "lunes", "lunedi", "segunda", "maandag", "deutera",
            "deftera", "deytera", "poniedzialek", "ponedelnik", "pazartesi", "lun", "星期一", "周一", "一"),
    "tue": ("tuesday", "tue", "tu", "di", "dienstag", "mardi", "martes", "martedi", "terca", "dinsdag",
            "triti", "wtorek", "vtornik", "sali", "mar", "星期二", "周二", "二"),
    "wed": ("wednesday", "wed", "we", "mi", "mittwoch", "mercredi", "miercoles", "mercoledi", "quarta",
            "woensdag", "tetarti", "sroda", "sreda", "carsamba", "mer", "星期三", "周三", "三"),
    "thu": ("thursday", "thu", "th", "do", "donnerstag", "jeudi", "jueves", "giovedi", "quinta",
            "donderdag", "pempti", "czwartek", "chetverg", "persembe", "jeu", "星期四", "周四", "四"),
    "fri": ("friday", "fri", "fr", "freitag", "vendredi", "viernes", "venerdi", "sexta", "vrijdag",
            "paraskevi", "paraskeyi", "piatek", "pyatnitsa", "cuma", "ven", "星期五", "周五", "五"),
    "sat": ("saturday", "sat", "sa", "samstag", "samedi", "sabado", "sabato", "zaterdag", "savvato",
            "sobota", "cumartesi", "sam", "星期六", "周六", "六"),
    "sun": ("sunday", "sun", "su", "so", "sonntag", "dimanche", "domingo", "domenica", "zondag",
            "kyriaki", "niedziela", "voskresenye", "pazar", "dim", "星期日", "星期天", "周日", "日"),
}  # fmt: skip
_WEEKDAY_OF = {word: day for day, words in _DAY_WORDS.items() for word in words}

_GREEK = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i", "κ": "k",
    "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s", "ς": "s", "τ": "t",
    "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
}  # fmt: skip
_CYRILLIC = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", [
    "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s", "t",
    "u", "f", "h", "ts", "ch", "sh", "sch", "", "y", "", "e", "yu", "ya"], strict=True))  # fmt: skip


def plain(text: str) -> str:
    """Lower case, accents off, Greek and Cyrillic spelt in Latin letters."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    out = []
    for ch in decomposed:
        if unicodedata.combining(ch):
            continue
        out.append(_GREEK.get(ch) or _CYRILLIC.get(ch) or ch)
    return "".join(out)


def weekday_of(name: str) -> Weekday | None:
    text = plain(name).strip()
    if text in _WEEKDAY_OF:
        return _WEEKDAY_OF[text]
    word = re.split(r"[\s.,/()\-]+", text)[0] if text else ""
    return _WEEKDAY_OF.get(word)


def days_from_names(names: Sequence[str], source: str, where: str) -> tuple[list[Day], str]:
    """The timetable's days: by weekday name (a weekday seen again starts week 2), or else in order
    (up to 7 days one week; 10 or 12 days two weeks of 5 or 6). Returns the days and how they were read."""
    if not names:
        raise ImportProblem(source, where, "expected the timetable's days, found none")
    weekdays = [weekday_of(n) for n in names]
    if all(weekdays):
        days: list[Day] = []
        week, seen = 1, set[Weekday]()
        for name, wd in zip(names, weekdays, strict=True):
            assert wd is not None
            if wd in seen:
                week, seen = week + 1, set()
            seen.add(wd)
            days.append(Day(name, wd, week))
        if week > 2:
            raise ImportProblem(source, where, "expected one or two weeks of days, found more")
        return days, "by their names"
    count = len(names)
    if count <= 7:
        return [Day(n, WEEKDAYS[i]) for i, n in enumerate(names)], "in order, from Monday"
    if count in (10, 12):
        per_week = count // 2
        days = [Day(n, WEEKDAYS[i % per_week], i // per_week + 1) for i, n in enumerate(names)]
        return days, f"in order: a two-week timetable of {per_week} days a week, from Monday"
    raise ImportProblem(
        source, where, f"expected weekday names, or up to 7 days (10 or 12 for two weeks); found {count}"
    )


_TIME = re.compile(r"(?<!\d)(\d{1,2})\s*[:.h]\s*(\d{2})(?!\d)")


def _times(name: str) -> list[dt.time]:
    found = []
    for hour, minute in _TIME.findall(name):
        h, m = int(hour), int(minute)
        if h < 24 and m < 60:
            found.append(dt.time(h, m))
    return found


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def _time(total: int) -> dt.time:
    total = max(0, min(total, 23 * 60 + 59))
    return dt.time(total // 60, total % 60)


def bells_from_names(names: Sequence[str], first_start: dt.time = dt.time(8, 0)) -> list[Bell]:
    """Bell times from period names such as ``08:10``, ``07:50 - 08:05``, ``9.30 - 11.00``,
    ``08:15~08:30``; an afternoon written on a 12-hour clock (``1.45``) follows the morning; a period
    with no start follows the last, 45 minutes long with 5-minute breaks (marked assumed)."""
    parsed: list[list[int]] = []
    previous = -1
    for name in names:
        times = [_minutes(t) for t in _times(name)]
        if times and 0 <= times[0] < previous and times[0] + 12 * 60 <= 19 * 60:
            times = [t + 12 * 60 if t < 12 * 60 else t for t in times]
        if times:
            previous = times[0]
        parsed.append(times)
    lengths = [t[1] - t[0] for t in parsed if len(t) >= 2 and t[1] > t[0]]
    starts = [t[0] for t in parsed if t]
    gaps = [b - a for a, b in pairwise(starts) if b > a]
    usual = int(statistics.median(lengths or gaps or [45]))
    bells: list[Bell] = []
    cursor = _minutes(first_start)
    for i, (name, times) in enumerate(zip(names, parsed, strict=True)):
        assumed = False
        if not times:
            start, end, assumed = cursor, cursor + usual, True
        elif len(times) >= 2 and times[1] > times[0]:
            start, end = times[0], times[1]
        else:
            start = times[0]
            following = next((t[0] for t in parsed[i + 1 :] if t), None)
            end = following if following is not None and following > start else start + usual
            end = min(end, start + max(usual, 1) * 2)
        bells.append(Bell(name.strip() or str(i + 1), _time(start), _time(max(end, start + 1)), assumed))
        cursor = max(end, start + 1) + (5 if assumed else 0)
    return bells


_CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10,
          "xi": 11, "xii": 12, "xiii": 13}  # fmt: skip
_GREEK_GRADES = {"α": 1, "β": 2, "γ": 3, "δ": 4, "ε": 5, "στ": 6, "ς": 6}
_GRADE_WORDS = r"(?:year|yr|grade|gr|class|klasse|kl|jahrgang|std|standard|form|classe|clase|curso|p|y|g)"


def chinese_number(text: str) -> int | None:
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CHINESE_DIGITS.get(text[1:], 0)
    if len(text) == 1:
        return _CHINESE_DIGITS.get(text)
    return None


def _number(token: str) -> int | None:
    token = token.strip()
    if token.isdigit():
        return int(token)
    low = token.casefold()
    if low in _ROMAN:
        return _ROMAN[low]
    return chinese_number(token)


def infer_grade(name: str, pattern: re.Pattern[str] | None = None) -> int | None:
    """The grade a class name states, 0-13, or None when it does not say."""
    if pattern is not None:
        match = pattern.search(name)
        if match is None:
            return None
        grade = _number(match.group(1) if match.groups() else match.group(0))
        return grade if grade is not None and 0 <= grade <= 13 else None
    text = unicodedata.normalize("NFKC", name).strip()
    low = text.casefold()
    if re.match(r"^(reception|pre-?primary|pre-?school|kindergarten|kg|gr\.?\s*r|grade\s*r|幼)", low):
        return 0
    cn = re.search(r"([一二三四五六七八九十]+|\d+)\s*年级", text)
    if cn:
        return _checked(chinese_number(cn.group(1)))
    cn = re.match(r"^(初|高)([一二三])", text)
    if cn:
        return _checked((6 if cn.group(1) == "初" else 9) + (chinese_number(cn.group(2)) or 0))
    greek = re.match(r"^(στ|[αβγδες])(?=[\d\s\-_.]|$)", low)
    if greek:
        return _GREEK_GRADES[greek.group(1)]
    word = re.match(rf"^{_GRADE_WORDS}\.?\s*[-_]?\s*(\d{{1,2}})(?!\d)", low)
    if word:
        return _checked(int(word.group(1)))
    roman = re.match(r"^(xiii|xii|xi|x|ix|viii|vii|vi|v|iv|iii|ii|i)(?=[\s\-_.(/]|$)", low)
    if roman:
        return _ROMAN[roman.group(1)]
    digits = re.match(r"^(\d{1,2})(?!\d)", low)
    if digits:
        return _checked(int(digits.group(1)))
    return None


def _checked(grade: int | None) -> int | None:
    return grade if grade is not None and 0 <= grade <= 13 else None


def slug(name: str) -> str:
    """An id the scenario accepts (letters, digits, ``_.-``) spelt from ``name``; may be empty."""
    text = plain(unicodedata.normalize("NFKC", name))
    text = re.sub(r"[^a-z0-9_.\-]+", "-", text).strip("-.")
    return text[:60]


def class_ids(names: Sequence[str], grades: Sequence[int]) -> list[str]:
    """One id per class name: its Latin spelling (Α1 -> a1), or grade-number for a name with no Latin
    letters (三年级2班 -> 3-2); unique, with -2, -3... where two would be the same."""
    ids: list[str] = []
    used: set[str] = set()
    per_grade: dict[int, int] = {}
    for name, grade in zip(names, grades, strict=True):
        candidate = slug(name)
        if not re.search(r"[a-z]", candidate) and not name.isascii():
            per_grade[grade] = per_grade.get(grade, 0) + 1
            digits = re.findall(r"\d+", name)
            tail = digits[-1] if len(digits) >= 2 or (digits and str(grade) not in digits) else None
            candidate = f"{grade}-{tail or per_grade[grade]}"
        base, n = candidate, 2
        while candidate in used:
            candidate, n = f"{base}-{n}", n + 1
        used.add(candidate)
        ids.append(candidate)
    return ids
