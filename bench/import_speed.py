"""How long `rota import` takes for a 1,000-lesson timetable (25 classes x 5 days x 8 periods), as a
FET data-and-timetable file and as an XLSX long table; target under 1 s each.

    python -m bench.import_speed [--repeat N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import time

from openpyxl import Workbook

from rota_solver.timetable_import import ImportOptions, import_timetable

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
HOURS = [f"{8 + i}:00 - {8 + i}:45" for i in range(8)]
SUBJECTS = ["Maths", "English", "Science", "History", "Art", "PE", "Music", "Geography"]
CLASSES = [f"{grade}{letter}" for grade in range(1, 6) for letter in "ABCDE"]


def lessons() -> list[tuple[str, int, int, str, str]]:
    return [
        (c, d, h, SUBJECTS[(i + d + h) % len(SUBJECTS)], f"Teacher {(i * 7 + h) % 40}")
        for i, c in enumerate(CLASSES)
        for d in range(len(DAYS))
        for h in range(len(HOURS))
    ]


def fet_xml() -> bytes:
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<fet version="6.8.5">']
    out.append("<Institution_Name>Bench</Institution_Name>")
    out.append(f"<Days_List><Number_of_Days>{len(DAYS)}</Number_of_Days>")
    out += [f"<Day><Name>{d}</Name></Day>" for d in DAYS]
    out.append(f"</Days_List>\n<Hours_List><Number_of_Hours>{len(HOURS)}</Number_of_Hours>")
    out += [f"<Hour><Name>{h}</Name></Hour>" for h in HOURS]
    out.append("</Hours_List>\n<Students_List>")
    for grade in range(1, 6):
        out.append(f"<Year><Name>Year {grade}</Name><Number_of_Students>140</Number_of_Students>")
        out += [f"<Group><Name>{c}</Name><Number_of_Students>28</Number_of_Students></Group>"
                for c in CLASSES if c.startswith(str(grade))]  # fmt: skip
        out.append("</Year>")
    out.append("</Students_List>\n<Activities_List>")
    placed = []
    for n, (c, d, h, subject, teacher) in enumerate(lessons(), start=1):
        out.append(
            f"<Activity>\n\t<Teacher>{teacher}</Teacher>\n\t<Subject>{subject}</Subject>\n\t<Students>{c}</Students>"
            f"\n\t<Duration>1</Duration>\n\t<Total_Duration>1</Total_Duration>\n\t<Id>{n}</Id>"
            f"\n\t<Activity_Group_Id>0</Activity_Group_Id>\n\t<Active>true</Active>\n</Activity>"
        )
        placed.append(
            f"<ConstraintActivityPreferredStartingTime>\n\t<Weight_Percentage>100</Weight_Percentage>"
            f"\n\t<Activity_Id>{n}</Activity_Id>\n\t<Preferred_Day>{DAYS[d]}</Preferred_Day>"
            f"\n\t<Preferred_Hour>{HOURS[h]}</Preferred_Hour>\n\t<Permanently_Locked>true</Permanently_Locked>"
            f"\n\t<Active>true</Active>\n</ConstraintActivityPreferredStartingTime>"
        )
    out.append("</Activities_List>\n<Time_Constraints_List>")
    out += placed
    out.append("</Time_Constraints_List>\n</fet>\n")
    return "\n".join(out).encode()


def xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Class", "Day", "Period", "Subject", "Teacher"])
    for c, d, h, subject, teacher in lessons():
        sheet.append([c, DAYS[d], HOURS[h], subject, teacher])
    raw = io.BytesIO()
    book.save(raw)
    return raw.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    options = ImportOptions(term_start=dt.date(2026, 9, 7), term_end=dt.date(2026, 12, 18))
    for name, data in (("bench.fet", fet_xml()), ("bench.xlsx", xlsx())):
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            result = import_timetable(data, name, options=options)
            times.append(time.perf_counter() - start)
        lessons_in = sum(len(c.busy) for c in result.scenario.classes)
        size, classes = len(data) / 1024, len(result.scenario.classes)
        print(f"{name}: {size:.0f} kB, {classes} classes, {lessons_in} lessons: "
              f"best {min(times):.3f} s of {args.repeat} (target under 1 s)")  # fmt: skip


if __name__ == "__main__":
    main()
