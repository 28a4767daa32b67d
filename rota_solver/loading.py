"""Read a scenario file (YAML or JSON) into a :class:`Scenario`, with line numbers in errors.

Whatever the text, the answer is a scenario or :class:`InvalidScenario` naming the line: impossible
dates, keys given twice, nesting too deep, lists past the scenario's limits, and characters no
name may hold (control characters, lone surrogates) are refused here, before validation.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import InvalidScenario, ScenarioProblem
from .scenario import LIMITS, FieldError, Loc, Scenario

MAX_DEPTH = 40
"""Deepest nesting of lists and mappings a scenario may have (a real one has about 8)."""


# libyaml's parser where PyYAML has it: a 1 MB file composes in a third of the pure-Python time.
_SafeLoader = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader


class _Loader(_SafeLoader):  # type: ignore[valid-type,misc]
    """SafeLoader that keeps ``11:30`` a string: YAML 1.1 would read it as base-60 690."""

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        value = str(node.value)
        if ":" in value:
            return "0" + value if value.index(":") == 1 else value  # 8:00 -> 08:00, as pydantic wants
        return super().construct_yaml_int(node)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):  # 2026-02-30, 2026-13-01, 0000-01-01
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} is not a date that exists", node.start_mark
            ) from None


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


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
    _check_characters(text, source)
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is not None:
            _check_nodes(root, source)
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise InvalidScenario([ScenarioProblem("", f"not valid YAML: {problem}", line)], source) from None
    except RecursionError:
        problem = ScenarioProblem("", f"nested more than {MAX_DEPTH} levels deep", 1)
        raise InvalidScenario([problem], source) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise InvalidScenario(
            [ScenarioProblem("", "expected a mapping with school, term, classes, ...", 1)], source
        )
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise InvalidScenario(_problems(exc, root), source) from None


def _check_characters(text: str, source: str | None) -> None:
    """No control character (but tab and line ends) and no lone surrogate, anywhere: they would reach
    printed pages and calendar files."""
    found = _FORBIDDEN.search(text)
    if found is not None:
        line = text.count("\n", 0, found.start()) + 1
        problem = ScenarioProblem(
            "", f"character U+{ord(found.group()):04X} is not allowed in a scenario", line
        )
        raise InvalidScenario([problem], source)


_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _forbidden(c: str) -> bool:
    return _FORBIDDEN.match(c) is not None


def _check_nodes(root: yaml.Node, source: str | None) -> None:
    """Keys given twice (YAML would keep the last silently), nesting past MAX_DEPTH, lists past the
    scenario's limits, and escaped characters no name may hold; iteratively, so depth is no risk."""
    stack: list[tuple[yaml.Node, int, str]] = [(root, 1, "")]
    while stack:
        node, depth, path = stack.pop()
        line = node.start_mark.line + 1
        if depth > MAX_DEPTH:
            raise InvalidScenario(
                [ScenarioProblem(path, f"nested more than {MAX_DEPTH} levels deep", line)], source
            )
        if isinstance(node, yaml.ScalarNode):
            bad = next((c for c in str(node.value) if _forbidden(c)), None)
            if bad is not None:
                message = f"character U+{ord(bad):04X} is not allowed in a scenario"
                raise InvalidScenario([ScenarioProblem(path, message, line)], source)
        elif isinstance(node, yaml.SequenceNode):
            limit = LIMITS.get(path)
            if limit is not None and len(node.value) > limit:
                message = f"{len(node.value)} entries; at most {limit} are allowed"
                raise InvalidScenario([ScenarioProblem(path, message, line)], source)
            stack += [(child, depth + 1, f"{path}[{i}]") for i, child in enumerate(node.value)]
        elif isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                name = str(key.value)
                here = key.start_mark.line + 1
                if name in seen and name != "<<":
                    where = f"{path}.{name}" if path else name
                    message = f"{name!r} is given twice, on lines {seen[name]} and {here}"
                    raise InvalidScenario([ScenarioProblem(where, message, here)], source)
                seen[name] = here
                stack.append((value, depth + 1, f"{path}.{name}" if path else name))


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
