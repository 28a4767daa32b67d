"""``rota rerun``: the changed scenario against the published rota.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from rota_solver.cli import main
from rota_solver.rota import Rota
from tests.rerun.helpers import FREEZE, THURSDAY, rerun_school_data, with_class


def publish(tmp_path: Path) -> tuple[dict[str, Any], Path]:
    data = rerun_school_data()
    path = tmp_path / "school.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert main(["solve", str(path), "--out", str(tmp_path / "published")]) == 0
    return data, tmp_path / "published" / "rota.json"


def test_rerun_writes_the_new_files_and_what_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, published = publish(tmp_path)
    cell = next(p for p in Rota.model_validate_json(published.read_bytes()).pattern if p.class_id == "1-3")
    pe = {"day": cell.weekday, "start": str(cell.start)[:5], "end": str(cell.end)[:5], "what": "PE"}
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(with_class(data, "1-3", busy=[{**pe, "since": str(FREEZE)}])))
    out = tmp_path / "new"
    capsys.readouterr()

    code = main(
        ["rerun", str(changed), "--published", str(published), "--today", str(THURSDAY), "--out", str(out)]
    )

    assert code == 0
    printed = capsys.readouterr().out
    assert "3 moved" in printed and "Class 1-3" in printed
    assert (out / "changes.txt").read_text(encoding="utf-8") in printed
    changes = json.loads((out / "changes.json").read_text(encoding="utf-8"))
    assert changes["freeze"] == str(FREEZE)
    assert {c["kind"] for c in changes["changes"]} == {"moved"}
    assert list(changes["by_class"]) == ["1-3"]
    rota = Rota.model_validate_json((out / "rota.json").read_bytes())
    assert rota.revision == 1 and rota.frozen_before == FREEZE
    moved = [c["uid"] for c in changes["changes"]]
    feed = (out / "calendars" / "class-1-3.ics").read_text(encoding="utf-8")
    for uid in moved:
        block = feed[feed.index(f"UID:{uid}@") :]
        assert "SEQUENCE:1" in block[: block.index("END:VEVENT")]


def test_rerun_with_no_change_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, published = publish(tmp_path)
    same = tmp_path / "same.yaml"
    same.write_text(yaml.safe_dump(data))
    out = tmp_path / "new"
    assert (
        main(["rerun", str(same), "--published", str(published), "--today", str(THURSDAY), "--out", str(out)])
        == 0
    )
    assert "changes nothing" in capsys.readouterr().out
    for feed in (tmp_path / "published" / "calendars").glob("*.ics"):
        assert (out / "calendars" / feed.name).read_bytes() == feed.read_bytes(), feed.name


def test_rerun_of_another_term_or_a_broken_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, published = publish(tmp_path)
    longer = tmp_path / "longer.yaml"
    longer.write_text(yaml.safe_dump({**data, "term": {"start": "2026-09-07", "end": "2026-10-23"}}))
    out = str(tmp_path / "new")
    assert main(["rerun", str(longer), "--published", str(published), "--out", out]) == 2
    assert "cannot rerun" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text("{}")
    same = tmp_path / "same.yaml"
    same.write_text(yaml.safe_dump(data))
    assert main(["rerun", str(same), "--published", str(broken), "--out", out]) == 2
    assert "invalid rota" in capsys.readouterr().err


def test_a_freeze_before_today_is_refused_unless_rewriting_the_past(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 14 item 8: --freeze before today would silently change sessions already held."""
    data, published = publish(tmp_path)
    cell = next(p for p in Rota.model_validate_json(published.read_bytes()).pattern if p.class_id == "1-3")
    pe = {"day": cell.weekday, "start": str(cell.start)[:5], "end": str(cell.end)[:5], "what": "PE"}
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(with_class(data, "1-3", busy=[pe])))
    week_1 = "2026-09-07"
    args = [
        "rerun",
        str(changed),
        "--published",
        str(published),
        "--today",
        str(THURSDAY),
        "--freeze",
        week_1,
    ]
    capsys.readouterr()

    assert main([*args, "--out", str(tmp_path / "refused")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"freeze date {week_1} is before today {THURSDAY}" in err
    assert "--rewrite-past" in err
    assert not (tmp_path / "refused" / "rota.json").exists()

    assert main([*args, "--rewrite-past", "--out", str(tmp_path / "rewritten")]) == 0
    printed = capsys.readouterr().out
    # 1-3's lesson now clashes every week: its sessions of weeks 1-3 (held) move with the rest.
    assert f"--rewrite-past: 3 session(s) that already took place (before {THURSDAY}) change" in printed
