"""Bring in the timetable a school already has: FET (XML, with or without its timetable, and its CSV
export), aSc Timetables' XML export, or a spreadsheet (XLSX or CSV, a long table or a grid per
class), read into one model (classes, days, periods with times, lessons with subject and teacher)
and written as scenario data: a new scenario, or the next version of an existing one.

It sits at the scenario layer: it reads files and writes scenario text, and knows nothing of solving.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml

from .asc import read_asc
from .fet import ClassLevel, read_fet
from .fet_csv import read_fet_csv
from .model import ImportProblem, Timetable
from .spreadsheet import SheetMapping, read_spreadsheet, sheets_of_csv, sheets_of_xlsx
from .writer import ImportOptions, ImportResult, build_scenario

ImportFormat = Literal["fet", "csv", "xlsx", "asc"]
IMPORT_FORMATS: tuple[ImportFormat, ...] = ("fet", "csv", "xlsx", "asc")


def guess_format(name: str, data: bytes) -> ImportFormat:
    """The format of a file from its name, else from its first bytes."""
    suffix = Path(name).suffix.casefold()
    if suffix == ".fet":
        return "fet"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \r\n\t")
    if head.startswith(b"PK"):
        return "xlsx"
    if b"<fet" in head:
        return "fet"
    if b"<timetable" in head:
        return "asc"
    if suffix == ".xml":
        return "asc"
    return "csv"


def mapping_from_text(text: str, source: str) -> SheetMapping:
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        raise ImportProblem(source, where, "expected YAML") from None
    return SheetMapping.from_data(data, source)


def read_timetable(
    data: bytes,
    source: str,
    fmt: ImportFormat | None = None,
    *,
    mapping: SheetMapping | None = None,
    class_level: ClassLevel | None = None,
    students_csv: bytes | None = None,
    fet_seconds: int = 60,
) -> Timetable:
    """Read ``data`` (the file's bytes; ``source`` names it in messages) in ``fmt`` (guessed when None).
    Raises :class:`ImportProblem`."""
    fmt = fmt or guess_format(source, data)
    if fmt == "fet":
        return read_fet(data, source, class_level=class_level, fet_seconds=fet_seconds)
    if fmt == "asc":
        return read_asc(data, source)
    if fmt == "xlsx":
        return read_spreadsheet(sheets_of_xlsx(data, source), source, mapping)
    first_line = data[:512].decode("utf-8", "replace").lstrip("\ufeff")
    if '"Activity Id"' in first_line.split("\n", 1)[0] and mapping is None:
        return read_fet_csv(data, source, students_csv=students_csv, class_level=class_level)
    return read_spreadsheet(sheets_of_csv(data, source), source, mapping)


def import_timetable(
    data: bytes,
    source: str,
    fmt: ImportFormat | None = None,
    *,
    existing: str | None = None,
    options: ImportOptions | None = None,
    mapping: SheetMapping | None = None,
    class_level: ClassLevel | None = None,
    students_csv: bytes | None = None,
    fet_seconds: int = 60,
) -> ImportResult:
    """Read a timetable and write it as a scenario: new, or merged into ``existing`` (its YAML text),
    which keeps all it had. Raises :class:`ImportProblem` (nothing to write)."""
    table = read_timetable(
        data, source, fmt, mapping=mapping, class_level=class_level, students_csv=students_csv,
        fet_seconds=fet_seconds,
    )  # fmt: skip
    return build_scenario(table, options, existing)


__all__ = [
    "IMPORT_FORMATS",
    "ClassLevel",
    "ImportFormat",
    "ImportOptions",
    "ImportProblem",
    "ImportResult",
    "SheetMapping",
    "Timetable",
    "guess_format",
    "import_timetable",
    "mapping_from_text",
    "read_timetable",
]
