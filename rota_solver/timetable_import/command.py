"""``rota import``: read a timetable file, print what was read and skipped, and write the scenario
(a new file; an existing scenario given with ``--into`` is kept, and its next version written beside it).
Exit 0 when written, 2 when the file cannot be imported (one line says where and why; nothing is written)."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from . import IMPORT_FORMATS, ImportOptions, ImportProblem, import_timetable, mapping_from_text

EXIT_OK, EXIT_INVALID = 0, 2


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "import",
        help="bring in a school's timetable (FET, aSc XML, XLSX or CSV) as a scenario or a new version",
    )
    parser.add_argument(
        "file", type=Path, help="the timetable: .fet, FET's _timetable.csv, aSc .xml, .xlsx, .csv"
    )
    parser.add_argument("--format", choices=IMPORT_FORMATS, help="the file's format (default: from its name)")
    parser.add_argument(
        "--into", type=Path, help="a scenario to merge into: kept as it is; its next version is written"
    )
    parser.add_argument("--out", type=Path, help="the scenario to write (never over an existing file)")
    parser.add_argument(
        "--mapping", type=Path, help="spreadsheets: YAML saying the layout, sheet and columns"
    )
    parser.add_argument(
        "--grade-pattern", help="regular expression whose first group is the grade in a class name"
    )
    parser.add_argument(
        "--grades", type=Path, help="YAML mapping of class name to grade, over what names say"
    )
    parser.add_argument(
        "--class-level", choices=("year", "group", "subgroup"), help="FET: which sets are classes"
    )
    parser.add_argument("--school-name", help="a new scenario's school name")
    parser.add_argument("--timezone", default="UTC", help="a new scenario's IANA timezone (default UTC)")
    parser.add_argument("--locale", choices=("en", "zh-CN"), help="a new scenario's language")
    parser.add_argument("--term-start", type=dt.date.fromisoformat, help="a new scenario's first day of term")
    parser.add_argument("--term-end", type=dt.date.fromisoformat, help="a new scenario's last day of term")
    parser.add_argument("--fet-time-limit", type=int, default=60, help="seconds fet-cl may take (default 60)")


def next_version(path: Path) -> Path:
    """``path`` if it is free, else the next free ``<stem>-vN<suffix>`` beside it."""
    if not path.exists():
        return path
    match = re.fullmatch(r"(.*)-v(\d+)", path.stem)
    stem, n = (match.group(1), int(match.group(2)) + 1) if match else (path.stem, 2)
    while (candidate := path.with_name(f"{stem}-v{n}{path.suffix or '.yaml'}")).exists():
        n += 1
    return candidate


def run_import(args: argparse.Namespace) -> int:
    try:
        result, out = _import(args)
    except ImportProblem as problem:
        print(problem.line(), file=sys.stderr)
        return EXIT_INVALID
    for line in result.read:
        print(f"read: {line}")
    for line in result.skipped:
        print(f"skipped: {line}")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    partial.write_text(result.text, encoding="utf-8")
    partial.replace(out)
    print(f"wrote {out} ({len(result.scenario.classes)} classes); check it with: rota validate {out}")
    return EXIT_OK


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImportProblem(str(path), "", f"cannot read the {what}: {exc.strerror}") from None


def _import(args: argparse.Namespace) -> tuple[Any, Path]:
    data = _read(args.file, "timetable")
    mapping = None
    if args.mapping is not None:
        mapping = mapping_from_text(
            _read(args.mapping, "mapping").decode("utf-8", "replace"), str(args.mapping)
        )
    grades: dict[str, int] = {}
    if args.grades is not None:
        loaded = yaml.safe_load(_read(args.grades, "grades").decode("utf-8", "replace"))
        if not isinstance(loaded, dict) or not all(isinstance(v, int) for v in loaded.values()):
            raise ImportProblem(str(args.grades), "", "expected a mapping of class name to grade number")
        grades = {str(k): v for k, v in loaded.items()}
    existing = None
    if args.into is not None:
        existing = _read(args.into, "scenario").decode("utf-8", "replace")
    students = None
    if args.file.name.endswith("_timetable.csv"):
        sibling = args.file.with_name(args.file.name.removesuffix("_timetable.csv") + "_students.csv")
        students = sibling.read_bytes() if sibling.exists() else None
    options = ImportOptions(
        grade_pattern=args.grade_pattern,
        grades=grades,
        school_name=args.school_name,
        timezone=args.timezone,
        locale=args.locale,
        term_start=args.term_start,
        term_end=args.term_end,
    )
    if args.grade_pattern is not None:
        try:
            re.compile(args.grade_pattern)
        except re.error as exc:
            raise ImportProblem("--grade-pattern", "", f"expected a regular expression: {exc}") from None
    result = import_timetable(
        data, str(args.file), args.format, existing=existing, options=options, mapping=mapping,
        class_level=args.class_level, students_csv=students, fet_seconds=args.fet_time_limit,
    )  # fmt: skip
    out = args.out or (args.into if args.into is not None else Path(f"{args.file.stem}.yaml"))
    return result, next_version(out)
