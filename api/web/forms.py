"""Web forms <-> the scenario dict, for the set-up pages.

An input's ``name`` is the dotted path of the value it edits (``classes.3.size``, ``rules.0.staffing.
librarian``), which is also the ScenarioProblem path of that value (``classes[3].size``) with its
brackets turned into dots: a problem finds its input by that path, or the nearest input above it
(``classes[3].busy[0].period`` lands on the class's row when the page shows no lesson of it).

A page is described by :class:`Field` s (one input or group of checkboxes each), :class:`Row` s (an
item of a list, with its inputs) and :class:`Block` s (a fieldset, a table of rows, or a list of
cards); :func:`assign` puts every problem on its nearest one, and returns the problems left for the
top of the form and those of other pages.

Reading a post never trusts the form: :class:`FormInput` keeps only text values, caps their length
and number (``MAX_TEXT``, ``MAX_VALUES``) and records what it refused as problems of the form.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from starlette.datastructures import FormData

from rota_solver import ScenarioProblem

MAX_TEXT = 2000
"""Characters one input may hold (a name, a list of dates); more is refused, and said so."""
MAX_VALUES = 400
"""Values one input may send (ticked boxes, ids in a list); more is refused, and said so."""
_INT = re.compile(r"^[+-]?\d{1,15}$")
_SPLIT = re.compile(r"[\s,;，、；]+")
_INDEX = re.compile(r"\[(\d+)\]")


def dotted(path: str) -> str:
    """A ScenarioProblem path as input names spell it: ``classes[3].size`` -> ``classes.3.size``."""
    return _INDEX.sub(r".\1", path).lstrip(".")


def section_key(path: str) -> str:
    """The scenario's top-level key a problem path is under (``""`` for the whole file)."""
    return dotted(path).split(".", 1)[0]


# --- what a page shows ---------------------------------------------------------------------------


@dataclass
class Field:
    """One input (or one group of checkboxes) of a form."""

    name: str
    label: str
    kind: str = "text"
    """text, number, date, time, select, checks, checkbox, textarea, static."""
    value: Any = ""
    """A string; a list of strings for ``checks``; a bool for ``checkbox``."""
    options: list[tuple[str, str]] = field(default_factory=list)
    hint: str = ""
    hint_lang: str | None = None
    """The hint's language when it differs from the page's (field descriptions are in English)."""
    hide_label: bool = False
    """The label is read by screen readers only (an input in a table cell, under its column)."""
    attrs: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return "f-" + _html_id(self.name)

    @property
    def hint_id(self) -> str:
        return "h-" + _html_id(self.name)

    @property
    def error_id(self) -> str:
        return "e-" + _html_id(self.name)

    @property
    def describedby(self) -> str:
        ids = ([self.hint_id] if self.hint else []) + ([self.error_id] if self.errors else [])
        return " ".join(ids)

    def checked(self, option: str) -> bool:
        return isinstance(self.value, list) and option in self.value


@dataclass
class Row:
    """One item of a list: its inputs, what is wrong with it as a whole, how to remove it."""

    anchor: str
    """Its path, e.g. ``periods.3``; a new row's is ``periods.n0``."""
    label: str
    fields: list[Field]
    hidden: list[tuple[str, str]] = field(default_factory=list)
    remove: str | None = None
    """Name of its remove checkbox (or button); None for a blank row to add one."""
    links: list[tuple[str, str]] = field(default_factory=list)
    """(href, text) of pages about it (a class's timetable)."""
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return "r-" + _html_id(self.anchor)

    @property
    def error_id(self) -> str:
        return "re-" + _html_id(self.anchor)


@dataclass
class Block:
    """A part of a form: ``fields`` (a fieldset), ``table`` (a row per item) or ``cards`` (a
    fieldset per item, for items with many inputs)."""

    kind: str
    anchor: str
    title: str
    fields: list[Field] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    hint: str = ""
    remove_label: str = ""
    remove_style: str = "checkbox"
    """``checkbox`` (ticked rows go on save) or ``button`` (one remove button per row)."""
    pager: list[tuple[str, str, bool]] = field(default_factory=list)
    """(href, text, current) links to the other pages of a long list."""
    hidden: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return "b-" + _html_id(self.anchor)

    @property
    def error_id(self) -> str:
        return "be-" + _html_id(self.anchor)


def _html_id(name: str) -> str:
    """An id attribute for a path: any character but ASCII letters, digits, ``-`` and ``_`` is
    spelled as its code point, so that two paths never share an id."""
    out = []
    for char in name:
        if char.isascii() and (char.isalnum() or char in "-_"):
            out.append(char)
        elif char == ".":
            out.append("--")
        else:
            out.append(f"_{ord(char):x}_")
    return "".join(out)


def targets_of(blocks: Iterable[Block]) -> dict[str, Field | Row | Block]:
    """Every path on the page a problem can land on: blocks, rows, inputs, and the groups of a row's
    nested inputs (``rules.0.frequency`` lands on the first of its inputs)."""
    found: dict[str, Field | Row | Block] = {}
    for block in blocks:
        found.setdefault(block.anchor, block)
        for f in block.fields:
            _add_field(found, f, block.anchor)
        for row in block.rows:
            found.setdefault(row.anchor, row)
            for f in row.fields:
                _add_field(found, f, row.anchor)
    return found


def _add_field(found: dict[str, Field | Row | Block], f: Field, parent: str) -> None:
    if f.kind == "static":
        return
    found.setdefault(f.name, f)
    rest = f.name[len(parent) + 1 :] if f.name.startswith(parent + ".") else ""
    parts = rest.split(".")
    for k in range(1, len(parts)):
        found.setdefault(f"{parent}.{'.'.join(parts[:k])}", f)


def assign(
    problems: Sequence[ScenarioProblem],
    targets: Mapping[str, Field | Row | Block],
    here: Sequence[str],
) -> tuple[list[str], list[ScenarioProblem]]:
    """Put each problem on the nearest target of its path: its own words where the target is its
    very field, ``path: words`` where it is a row or block above it. Returns the problems of this
    page that found no target (for the top of the form, as ``path: words``) and the problems of
    other pages (paths under none of the prefixes ``here``)."""
    top: list[str] = []
    elsewhere: list[ScenarioProblem] = []
    for problem in problems:
        path = dotted(problem.path)
        parts = path.split(".") if path else []
        for k in range(len(parts), 0, -1):
            target = targets.get(".".join(parts[:k]))
            if target is not None:
                words = problem.message if k == len(parts) else f"{problem.path}: {problem.message}"
                if words not in target.errors:
                    target.errors.append(words)
                break
        else:
            if any(path == p or path.startswith(p + ".") for p in here):
                top.append(f"{problem.path or '<file>'}: {problem.message}")
            else:
                elsewhere.append(problem)
    return top, elsewhere


# --- reading a post ------------------------------------------------------------------------------


class FormInput:
    """A posted form's text values (files and the CSRF token left out), with caps."""

    def __init__(self, form: FormData | Mapping[str, Any]) -> None:
        self.values: dict[str, list[str]] = {}
        items = form.multi_items() if isinstance(form, FormData) else list(form.items())
        for name, value in items:
            if isinstance(value, str) and name != "csrf":
                self.values.setdefault(name, []).append(value)
        self.problems: list[ScenarioProblem] = []

    def has(self, name: str) -> bool:
        return name in self.values

    def text(self, name: str) -> str:
        """The input's value, spaces at its ends left out; at most MAX_TEXT characters."""
        values = self.values.get(name)
        if not values:
            return ""
        value = values[0].strip()
        if len(value) > MAX_TEXT:
            self.refuse(name, f"at most {MAX_TEXT:,} characters")
            return value[:MAX_TEXT]
        return value

    def texts(self, name: str) -> list[str]:
        """Every value of the input (ticked boxes), each once, in order; at most MAX_VALUES."""
        values = list(dict.fromkeys(v.strip()[:MAX_TEXT] for v in self.values.get(name, [])))
        if len(values) > MAX_VALUES:
            self.refuse(name, f"at most {MAX_VALUES} values")
            return values[:MAX_VALUES]
        return values

    def words(self, name: str) -> list[str]:
        """The input's text split at commas, spaces and line ends (ids, dates)."""
        items = [w for w in _SPLIT.split(self.text(name)) if w]
        if len(items) > MAX_VALUES:
            self.refuse(name, f"at most {MAX_VALUES} values")
            return items[:MAX_VALUES]
        return items

    def lines(self, name: str) -> list[str]:
        items = [line.strip() for line in self.text(name).splitlines() if line.strip()]
        if len(items) > MAX_VALUES:
            self.refuse(name, f"at most {MAX_VALUES} lines")
            return items[:MAX_VALUES]
        return items

    def names_under(self, prefix: str) -> list[str]:
        """The names of the form's inputs that start with ``prefix``."""
        return [n for n in self.values if n.startswith(prefix)]

    def refuse(self, name: str, message: str) -> None:
        self.problems.append(ScenarioProblem(_problem_path(name), message))


def _problem_path(name: str) -> str:
    """An input's name as a ScenarioProblem path: ``classes.3.size`` -> ``classes[3].size``."""
    out = ""
    for part in name.split("."):
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out


# --- values between inputs and the scenario dict -----------------------------------------------


def number(text: str) -> int | str:
    """A whole number as an int; anything else as typed (validation words what is wrong)."""
    return int(text) if _INT.match(text) else text


def time_text(value: Any) -> str:
    """A time as an input shows it: ``11:30:00`` -> ``11:30``."""
    text = "" if value is None else str(value)
    if re.fullmatch(r"\d{2}:\d{2}:00", text):
        return text[:5]
    return text


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def get_in(data: Mapping[str, Any], path: str) -> Any:
    """``data``'s value at a dotted path of keys, or None."""
    current: Any = data
    for part in path.split("."):
        if not isinstance(current, dict):
            return None
        current = current.get(part)
    return current


def set_in(data: dict[str, Any], path: str, value: Any) -> None:
    """Set the value at a dotted path, making the dicts on the way."""
    parts = path.split(".")
    current = data
    for part in parts[:-1]:
        child = current.get(part)
        if not isinstance(child, dict):
            child = {}
            current[part] = child
        current = child
    current[parts[-1]] = value


def pop_in(data: dict[str, Any], path: str) -> None:
    """Remove the value at a dotted path, and every dict on the way that is left empty."""
    parts = path.split(".")
    trail: list[dict[str, Any]] = [data]
    for part in parts[:-1]:
        child = trail[-1].get(part)
        if not isinstance(child, dict):
            return
        trail.append(child)
    trail[-1].pop(parts[-1], None)
    for depth in range(len(parts) - 1, 0, -1):
        if trail[depth]:
            break
        trail[depth - 1].pop(parts[depth - 1], None)


# --- YAML a person uploads -----------------------------------------------------------------------


class _UploadLoader(yaml.SafeLoader):
    """SafeLoader reading a scenario into plain JSON data: times (``11:30``) and dates stay text,
    as the scenario loader keeps them (YAML 1.1 would make ``11:30`` the number 690)."""

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        value = str(node.value)
        if ":" in value:
            return "0" + value if value.index(":") == 1 else value
        return super().construct_yaml_int(node)

    def construct_text(self, node: yaml.ScalarNode) -> Any:
        return str(node.value)


_UploadLoader.add_constructor("tag:yaml.org,2002:int", _UploadLoader.construct_yaml_int)
_UploadLoader.add_constructor("tag:yaml.org,2002:timestamp", _UploadLoader.construct_text)
_UploadLoader.add_constructor("tag:yaml.org,2002:binary", _UploadLoader.construct_text)


def yaml_data(text: str) -> dict[str, Any] | None:
    """The mapping a scenario file holds, as plain JSON data (to keep as a draft); None when the
    text is no YAML mapping at all."""
    try:
        plain = _plain(yaml.load(text, Loader=_UploadLoader), 0)
    except (yaml.YAMLError, RecursionError, ValueError, OverflowError):
        return None
    return plain if isinstance(plain, dict) else None


def _plain(value: Any, depth: int) -> Any:
    """JSON data: mapping keys as text, sets as lists, floats that JSON cannot hold as text."""
    if depth > 60:
        raise ValueError("too deep")
    if isinstance(value, dict):
        return {text_of(k): _plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v, depth + 1) for v in value]
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)
