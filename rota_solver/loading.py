"""Read a scenario file (YAML or JSON) into a :class:`Scenario`, with line numbers in errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import InvalidScenario, ScenarioProblem
from .scenario import FieldError, Loc, Scenario


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps ``11:30`` a string: YAML 1.1 would read it as base-60 690."""

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        value = str(node.value)
        if ":" in value:
            return "0" + value if value.index(":") == 1 else value  # 8:00 -> 08:00, as pydantic wants
        return super().construct_yaml_int(node)


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate the scenario at ``path``; raise :class:`InvalidScenario`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidScenario([ScenarioProblem("", f"cannot read file: {exc.strerror}")], str(path)) from None
    except UnicodeDecodeError:
        raise InvalidScenario([ScenarioProblem("", "file is not UTF-8 text")], str(path)) from None
    return parse_scenario(text, source=str(path))


def parse_scenario(text: str, source: str | None = None) -> Scenario:
    """Validate scenario text (YAML or JSON); raise :class:`InvalidScenario`."""
    try:
        root = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise InvalidScenario([ScenarioProblem("", f"not valid YAML: {problem}", line)], source) from None
    if not isinstance(data, dict):
        raise InvalidScenario(
            [ScenarioProblem("", "expected a mapping with school, term, classes, ...", 1)], source
        )
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise InvalidScenario(_problems(exc, root), source) from None


def _problems(exc: ValidationError, root: yaml.Node | None) -> list[ScenarioProblem]:
    problems = []
    for error in exc.errors():
        loc: Loc = tuple(part for part in error["loc"] if not _is_union_tag(part))
        message = error["msg"]
        inner = (error.get("ctx") or {}).get("error")
        if isinstance(inner, FieldError):
            loc = loc + inner.loc
            message = inner.message
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        problems.append(ScenarioProblem(format_path(loc), message, _line_of(root, loc)))
    return problems


def _is_union_tag(part: str | int) -> bool:
    # pydantic inserts the chosen member's type name for unions, e.g. 'time' or 'list[...]'.
    return isinstance(part, str) and ("[" in part or part in {"time", "int", "str"})


def format_path(loc: Loc) -> str:
    """``('rules', 1, 'room')`` -> ``rules[1].room``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_of(node: yaml.Node | None, loc: Loc) -> int | None:
    """1-based line of the deepest node that ``loc`` reaches (of its key, in a mapping)."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if str(key.value) == str(part):
                    child, line = value, key.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
            line = child.start_mark.line + 1
        if child is None:
            break
        node = child
    return line
