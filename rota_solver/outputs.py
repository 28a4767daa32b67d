"""Write a solved rota to a directory: rota.json, rota.csv, rota.xlsx and the printable rota.html."""

from __future__ import annotations

from pathlib import Path

from .conflict import Explanation
from .printable import explanation_html, printable_html
from .rota import Rota
from .scenario import Scenario
from .table_csv import rota_csv
from .table_xlsx import rota_xlsx


def rota_json(rota: Rota) -> str:
    return rota.model_dump_json(indent=2) + "\n"


def write_outputs(scenario: Scenario, rota: Rota, out_dir: Path) -> list[Path]:
    """Write every output file; each is written whole to a temporary name first, so a
    failure never leaves a half-written file where the last good one was."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, str | bytes] = {
        "rota.json": rota_json(rota),
        "rota.csv": rota_csv(scenario, rota),
        "rota.xlsx": rota_xlsx(scenario, rota),
        "rota.html": printable_html(scenario, rota),
    }
    return [_write(out_dir, name, content) for name, content in files.items()]


def write_explanation(scenario: Scenario, explanation: Explanation, out_dir: Path) -> Path:
    """Write ``explanation.html``, the printable page saying why no rota exists (no rota files)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return _write(out_dir, "explanation.html", explanation_html(scenario, explanation))


def _write(out_dir: Path, name: str, content: str | bytes) -> Path:
    target = out_dir / name
    partial = out_dir / f".{name}.partial"
    if isinstance(content, bytes):
        partial.write_bytes(content)
    else:
        partial.write_text(content, encoding="utf-8", newline="")
    partial.replace(target)
    return target
