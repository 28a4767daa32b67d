"""The public API is what ``__init__`` declares, and the README's Python example runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import rota_solver

README = Path(__file__).resolve().parent.parent / "README.md"


def test_every_exported_name_exists_and_nothing_private_is_exported() -> None:
    for name in rota_solver.__all__:
        assert hasattr(rota_solver, name), name
        assert not name.startswith("_")
    assert sorted(rota_solver.__all__) == sorted(set(rota_solver.__all__))


def test_readme_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert blocks, "the README shows the library in Python"
    monkeypatch.chdir(README.parent)
    namespace: dict[str, object] = {"OUT": tmp_path}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
    assert (tmp_path / "rota.html").exists()
