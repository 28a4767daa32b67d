"""Layers you can see: imports run one way (scenario -> term calendar -> model -> dated stage ->
pipeline -> explain/verify -> application -> front ends), with no loops, and the service imports
only the solver package's public API."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("rota_solver", "calendars", "api")

LAYERS: list[tuple[str, ...]] = [
    # data, and what every layer may use
    ("rota_solver.scenario", "rota_solver.rules", "rota_solver.conflict", "rota_solver.errors",
     "rota_solver.rota", "rota_solver.loading", "rota_solver.labels", "rota_solver.html_document",
     "rota_solver.progress", "rota_solver.control", "rota_solver.model.overlap", "rota_solver.cp_bulk",
     "rota_solver.solver_options",
     "rota_solver.timetable_import"),
    # the term calendar; outputs of a rota
    ("rota_solver.term_calendar", "rota_solver.slots", "rota_solver.outputs", "rota_solver.printable",
     "rota_solver.table_csv", "rota_solver.table_xlsx", "calendars"),
    ("rota_solver.model",),
    ("rota_solver.term", "rota_solver.early_table"),
    ("rota_solver.weekly_stage",),
    ("rota_solver.expand", "rota_solver.solve", "rota_solver.rerun"),
    ("rota_solver.explain", "rota_solver.verify"),
    ("rota_solver.application",),
    ("rota_solver.cli", "api"),
]  # fmt: skip


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[module_name(path)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Every module of ours that ``name`` imports, TYPE_CHECKING and function-level ones included."""
    out: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target in PACKAGES and not name.startswith(target):
                out.add(target)  # another package's public API
            elif target.split(".")[0] in PACKAGES:
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    out.add(sub if sub in known else target)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] in PACKAGES}
    return out - {name}


def rank(name: str) -> int:
    if name == "rota_solver":  # the package's public API: re-exports, for the front ends
        return len(LAYERS) - 1
    best = max(
        ((len(prefix), i) for i, layer in enumerate(LAYERS) for prefix in layer if
         name == prefix or name.startswith(prefix + ".")),
        default=None,
    )  # fmt: skip
    assert best is not None, f"{name} is in no layer: add it to LAYERS"
    return best[1]


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def test_imports_run_down_the_layers() -> None:
    upward = [
        f"{name} -> {target}"
        for name, targets in graph().items()
        for target in targets
        if rank(target) > rank(name)
    ]
    assert upward == []


def test_no_module_imports_itself_through_others() -> None:
    edges = graph()
    loops: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                loops.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    # The package's __init__ re-exports its submodules, which never import it back.
    assert [loop for loop in loops if "rota_solver" not in loop] == []


def test_the_service_uses_only_the_public_api() -> None:
    private = [
        f"{name} -> {target}"
        for name, targets in graph().items()
        if name.split(".")[0] == "api"
        for target in targets
        if target.startswith("rota_solver.")
    ]
    assert private == []
