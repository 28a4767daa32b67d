"""The rota as a spreadsheet, ``rota.xlsx``: a sheet for each week of the rotation laid out as the
printable weekly table (times down, weekdays across), the term month by month, and every class's
counts (rota.summaries). Plain cells, no formulas or macros; the same rota always gives the same bytes
(fixed document dates, and fixed times on the zip entries)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .labels import labels_for
from .printable import _kind_styles, _overview, _slots, _summary_columns, _week_page, _weekdays
from .rota import Rota
from .scenario import Scenario

_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_FIXED = dt.datetime(2000, 1, 1)


def _sheet_title(text: str, used: set[str]) -> str:
    title = "".join(ch for ch in text if ch not in "[]:*?/\\")[:31] or "Sheet"
    base, n = title, 2
    while title in used:
        title = f"{base[:28]} {n}"
        n += 1
    used.add(title)
    return title


def _widths(ws: Worksheet, widths: list[int]) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def rota_xlsx(scenario: Scenario, rota: Rota) -> bytes:
    labels = labels_for(scenario.school.locale)
    kinds = _kind_styles(scenario, rota, labels)
    weekdays = _weekdays(scenario, rota.pattern)
    slots = _slots(scenario, rota.pattern, labels)
    book = Workbook()
    book.remove(book.worksheets[0])
    used: set[str] = set()
    for cycle_week in range(max(rota.cycle_weeks, 1)):
        page = _week_page(scenario, rota, labels, kinds, weekdays, slots, cycle_week)
        ws = book.create_sheet(_sheet_title(page.title or labels.heading("title"), used))
        ws.append([f"{scenario.school.name} · {page.title or labels.heading('title')}", page.weeks])
        ws["A1"].font = _BOLD
        ws.append([labels.heading("time"), *(labels.weekday(wd) for wd in weekdays)])
        for cell in ws[2]:
            cell.font = _BOLD
        for row in page.rows:
            slot = "\n".join([*row.slot.names, row.slot.time])
            cells = [
                "\n".join(
                    f"{e.class_name} {e.kind_label} · {e.room}" + (f" · {e.staff}" if e.staff else "")
                    for e in entries
                )
                for entries in row.cells
            ]
            ws.append([slot, *cells])
        for row_cells in ws.iter_rows(min_row=3):
            for cell in row_cells:
                cell.alignment = _WRAP
        ws.freeze_panes = "B3"
        _widths(ws, [18, *([34] * len(weekdays))])
    term = book.create_sheet(_sheet_title(labels.heading("overview"), used))
    term.append([scenario.school.name, labels.heading("overview")])
    term["A1"].font = _BOLD
    for month in _overview(scenario, rota, labels):
        term.append([])
        term.append([month.title, month.weeks])
        term.cell(term.max_row, 1).font = _BOLD
        if not month.items:
            term.append(["", labels.heading("nothing_this_month")])
        for item in month.items:
            lines = "\n".join(labels.format("entry_separator").join(line) for line in item.lines)
            term.append([item.when, item.title + (f" ({item.note})" if item.note else ""), lines])
            for cell in term[term.max_row]:
                cell.alignment = _WRAP
    _widths(term, [22, 40, 80])
    counts = book.create_sheet(_sheet_title(labels.heading("summary"), used))
    keys = ("required", "on_makeup_days", "planned", "lost", "made_up", "extra_returns", "held")
    counts.append([labels.heading("class"), labels.heading("rule"), *(labels.heading(k) for k in keys)])
    for cell in counts[1]:
        cell.font = _BOLD
    for column in _summary_columns(scenario, rota.summaries, labels):
        for s in column:
            counts.append([s.class_name, s.rule_name, *(getattr(s, k) for k in keys)])
    counts.freeze_panes = "A2"
    _widths(counts, [18, 22, *([12] * len(keys))])
    book.properties.creator = "library-rota"
    book.properties.created = _FIXED
    book.properties.modified = _FIXED
    raw = io.BytesIO()
    book.save(raw)
    return _fixed_zip(raw.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with every entry dated 1980-01-01, so equal workbooks are equal bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", content)
            target.writestr(fixed, content)
    return out.getvalue()
