"""rota.xlsx: a sheet per rotation week laid out as the printable table, the term, the class counts;
read back with openpyxl, and converted by headless LibreOffice where it is installed."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from rota_solver import SolveOptions, load_scenario, solve, write_outputs

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scenario = load_scenario(ROOT / "scenarios" / "riverside_primary.yaml")
    rota = solve(scenario, SolveOptions(time_limit_seconds=30))
    out = tmp_path_factory.mktemp("rota")
    write_outputs(scenario, rota, out)
    return out


def test_the_workbook_reads_back(written: Path) -> None:
    book = load_workbook(written / "rota.xlsx")
    assert len(book.sheetnames) == 3  # one week (riverside borrows weekly), the term, the counts
    week = book.worksheets[0]
    header = [c.value for c in week[2]]
    assert header[1:] == ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    cells = [c.value for row in week.iter_rows(min_row=3) for c in row[1:] if c.value]
    assert any("Year 1A" in str(v) for v in cells)
    counts = book.worksheets[-1]
    rows = list(counts.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 12 and all(isinstance(r[2], int) for r in rows)
    with zipfile.ZipFile(written / "rota.xlsx") as archive:
        assert not [n for n in archive.namelist() if "vba" in n.casefold()]  # no macros


def test_libreoffice_converts_it(written: Path, tmp_path: Path) -> None:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:  # scripts/test.sh installs it where the machine can (apt-get install libreoffice-calc)
        pytest.skip("LibreOffice is not installed")
    subprocess.run(
        [office, "--headless", "--convert-to", "csv", "--outdir", str(tmp_path), str(written / "rota.xlsx")],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    text = (tmp_path / "rota.csv").read_text(encoding="utf-8", errors="replace")
    assert "Monday" in text and "Year 1A" in text
