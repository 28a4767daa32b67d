"""The set-up pages' inputs, declared once per value: a :class:`Col` says where a value sits in a
scenario item, how it is shown and how a post is read back. A section is a few :class:`Record` s
(one item: the school, the term) and :class:`ListPart` s (a table or cards of items: periods,
rules); :func:`build_part` makes its blocks for a page and :func:`read_part` reads a post into a
copy of the scenario dict, keeping every value the page does not show.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from ..forms import (
    Block,
    Field,
    FormInput,
    Row,
    as_dict,
    as_list,
    get_in,
    number,
    pop_in,
    set_in,
    text_of,
    time_text,
)
from ..i18n import ALL, Translator
from .setup_data import default, description, nullable

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
_MISSING = object()


@dataclass
class Options:
    """The choices a page offers, from the scenario as it is (ids of periods, rooms, ...)."""

    weekdays: list[str]
    periods: list[str]
    windows: list[str]
    rooms: list[str]
    classes: list[str]
    grades: list[int]
    roles: list[str]
    helpers: list[str]
    staff: list[str]
    teacher_groups: list[str]
    rules: list[str]

    @classmethod
    def of(cls, data: dict[str, Any]) -> Options:
        def ids(key: str) -> list[str]:
            found = [as_dict(item).get("id") for item in as_list(data.get(key))]
            return list(dict.fromkeys(i for i in found if isinstance(i, str) and i))

        weekdays = [d for d in as_list(as_dict(data.get("term")).get("weekdays", DEFAULT_WEEKDAYS))]
        school_days = [d for d in WEEKDAYS if d in weekdays] or list(DEFAULT_WEEKDAYS)
        grades = sorted(
            {g for c in as_list(data.get("classes")) if isinstance(g := as_dict(c).get("grade"), int)}
        )
        roles = [as_dict(m).get("role", "librarian") for m in as_list(data.get("staff"))]
        role_ids = [r for r in roles if isinstance(r, str) and r]
        if data.get("helper_groups"):
            role_ids.append("helper")
        return cls(
            weekdays=school_days,
            periods=ids("periods"),
            windows=ids("windows"),
            rooms=ids("rooms"),
            classes=ids("classes"),
            grades=grades,
            roles=list(dict.fromkeys(role_ids or ["librarian"])),
            helpers=ids("helper_groups"),
            staff=ids("staff"),
            teacher_groups=ids("teacher_groups"),
            rules=ids("rules"),
        )


@dataclass
class Page:
    """What a section's inputs need to be drawn: the words, the choices, the school."""

    t: Translator
    lang: str
    school: str
    opts: Options

    def hint_lang(self) -> str | None:
        return None if self.lang == "en" else "en"


OptionsOf = Callable[[Page], list[tuple[str, str]]]


@dataclass
class Col:
    """One value of an item: where it is, how it is shown, how a post is read."""

    key: str
    """Its dotted place in the item, e.g. ``frequency.per_week``."""
    label: str
    """Message key of its label."""
    kind: str = "text"
    """text, int, time, date, select, checks, bool, words, lines, roles, static."""
    model: str = ""
    """The scenario model the value is a field of (for its description and default)."""
    name: str = ""
    """Its field name in ``model``; the key's last part by default."""
    options: OptionsOf | None = None
    ints: bool = False
    """checks, words: the values are whole numbers."""
    all_is_none: bool = False
    """checks: every option ticked is the default (every school weekday)."""
    blank: bool = True
    """select: offers an empty choice."""
    split: str = "words"
    """words: ``words`` split at spaces and commas (ids, dates), ``commas`` at commas only (subjects)."""
    show: Callable[[Any], str] | None = None
    """lines, static: the value as text."""
    parse: Callable[[list[str]], Any] | None = None
    """lines: the value from the lines typed (None: left out)."""
    hint: bool = True
    fixed: bool = False
    """Shown as text on the items there are, an input only on a blank row (a pin's cell)."""

    @property
    def field(self) -> str:
        return self.name or self.key.rsplit(".", 1)[-1]

    def describe(self) -> str:
        return description(self.model, self.field) if self.hint and self.model else ""


def _lookup(item: dict[str, Any], key: str) -> Any:
    current: Any = item
    for part in key.split("."):
        if not isinstance(current, dict) or part not in current:
            return _MISSING
        current = current[part]
    return current


def _choices(col: Col, page: Page, current: list[str]) -> list[tuple[str, str]]:
    offered = col.options(page) if col.options else []
    known = {value for value, _ in offered}
    return offered + [(v, v) for v in current if v not in known and v != ""]


def fields_of(
    col: Col, prefix: str, item: dict[str, Any], page: Page, row_label: str | None, blank: bool = False
) -> list[Field]:
    """The inputs of one value (several for a staffing of several roles). A ``blank`` row's inputs
    are empty (boxes as their default), so that a row left alone adds nothing."""
    name = f"{prefix}.{col.key}"
    t = page.t
    raw = _lookup(item, col.key)
    if raw is _MISSING:
        shows_default = col.model and (not blank or col.kind in ("bool", "checks"))
        raw = default(col.model, col.field) if shows_default else None
    label = t(col.label) if col.label in ALL else col.label
    shown = f"{label} ({row_label})" if row_label is not None else label
    base: dict[str, Any] = {
        "hint": col.describe() if row_label is None else "",
        "hint_lang": page.hint_lang(),
        "hide_label": row_label is not None,
    }
    if col.kind == "roles":
        given = as_dict(raw)
        roles = list(dict.fromkeys([*page.opts.roles, *(k for k in given if isinstance(k, str))]))
        return [
            Field(
                f"{name}.{role}",
                f"{shown}: {role}" if row_label is None else f"{label} {role} ({row_label})",
                "number",
                text_of(given.get(role)),
                attrs={"min": "0", "step": "1", "inputmode": "numeric", "class": "short"},
                **{**base, "hint": ""},
            )
            for role in roles
        ]
    if col.kind == "checks":
        values = (
            [v for v, _ in _choices(col, page, [])]
            if raw is None and col.all_is_none
            else [text_of(v) for v in (raw if isinstance(raw, list) else [] if raw is None else [raw])]
        )
        return [Field(name, shown, "checks", values, _choices(col, page, values), **base)]
    if col.kind == "bool":
        return [Field(name, shown, "checkbox", raw if isinstance(raw, bool) else bool(raw), **base)]
    if col.kind == "select":
        value = text_of(raw)
        options = ([("", "—")] if col.blank else []) + _choices(col, page, [value])
        return [Field(name, shown, "select", value, options, **base)]
    if col.kind == "words":
        value = ", ".join(text_of(v) for v in raw) if isinstance(raw, list) else text_of(raw)
        return [Field(name, shown, "text", value, **base)]
    if col.kind in ("lines", "static"):
        value = col.show(raw) if col.show else text_of(raw)
        return [Field(name, shown, "textarea" if col.kind == "lines" else "static", value, **base)]
    if col.kind == "int":
        attrs = {"step": "1", "inputmode": "numeric", "class": "short"}
        return [Field(name, shown, "number", text_of(raw), attrs=attrs, **base)]
    if col.kind == "time":
        return [Field(name, shown, "time", time_text(raw), **base)]
    if col.kind == "date":
        return [Field(name, shown, "date", text_of(raw), **base)]
    return [Field(name, shown, "text", text_of(raw), **base)]


def read_col(form: FormInput, prefix: str, item: dict[str, Any], col: Col, page: Page) -> None:
    """Put the posted value of ``col`` into ``item`` (left out when empty, so the default holds)."""
    name = f"{prefix}.{col.key}"
    value: Any
    if col.kind == "static":
        return
    if col.kind == "roles":
        given = as_dict(get_in(item, col.key))
        staffing = {}
        for role in dict.fromkeys([*page.opts.roles, *(k for k in given if isinstance(k, str))]):
            text = form.text(f"{name}.{role}")
            if text:
                staffing[role] = number(text)
        _put(item, col, staffing)
        return
    if col.kind == "checks":
        ticked: list[Any] = form.texts(name)
        offered = [v for v, _ in (col.options(page) if col.options else [])]
        if col.all_is_none and offered and set(ticked) == set(offered):
            if not _equivalent(ticked, _lookup(item, col.key), col.kind):
                pop_in(item, col.key)
            return
        value = [number(v) for v in ticked] if col.ints else ticked
        _put(item, col, col.parse(value) if col.parse else value)
        return
    if col.kind == "bool":
        value = form.has(name)
        if value == bool(default(col.model, col.field)):
            pop_in(item, col.key)
        else:
            set_in(item, col.key, value)
        return
    if col.kind == "words":
        words = form.words(name) if col.split == "words" else _commas(form.text(name))
        _put(item, col, [number(w) for w in words] if col.ints else words)
        return
    if col.kind == "lines":
        value = col.parse(form.lines(name)) if col.parse else form.lines(name)
        _put(item, col, value)
        return
    text = form.text(name)
    _put(item, col, number(text) if col.kind == "int" or col.ints else text)


def _commas(text: str) -> list[str]:
    return [w.strip() for w in text.replace("，", ",").replace("、", ",").split(",") if w.strip()]


def _equivalent(value: Any, current: Any, kind: str) -> bool:
    """Whether the value typed says what the scenario says already, only written otherwise
    (``14:00`` for ``14:00:00``, the same boxes in another order)."""
    if current is _MISSING:
        return False
    if kind == "time" and isinstance(current, str):
        return bool(time_text(current) == value)
    if isinstance(value, list) and isinstance(current, list) and len(value) == len(current):
        return sorted(map(text_of, value)) == sorted(map(text_of, current)) and all(
            type(a) is type(b)
            for a, b in zip(sorted(value, key=text_of), sorted(current, key=text_of), strict=True)
        )
    return False


def _put(item: dict[str, Any], col: Col, value: Any) -> None:
    if _equivalent(value, _lookup(item, col.key), col.kind):
        return  # keep it as the scenario writes it
    known = default(col.model, col.field) if col.model else None
    if known is not None and _same(value, known):
        pop_in(item, col.key)  # the default, as a person would leave it out
    elif value in ("", [], {}, None):
        if col.model and nullable(col.model, col.field) and known is not None:
            set_in(item, col.key, None)  # empty means none (no cap), not the default
        else:
            pop_in(item, col.key)
    else:
        set_in(item, col.key, value)


def _same(value: Any, known: Any) -> bool:
    if isinstance(known, str) and isinstance(value, str):
        return time_text(value) == time_text(known)
    return type(value) is type(known) and bool(value == known)


def is_filled(form: FormInput, prefix: str, cols: list[Col]) -> bool:
    """Whether a blank row was filled in (boxes ticked by default and choices do not count)."""
    for col in cols:
        name = f"{prefix}.{col.key}"
        known = default(col.model, col.field) if col.model else None
        text = form.text(name)
        if col.kind in ("text", "int", "time", "date", "words", "lines") and text and text != text_of(known):
            return True
        if col.kind == "roles" and any(form.text(n) for n in form.names_under(name + ".")):
            return True
    return False


# --- parts of a section --------------------------------------------------------------------------


@dataclass
class Record:
    """One item at ``key`` (``school``, ``term``), shown as a fieldset."""

    key: str
    title: str
    cols: list[Col]
    hint: str = ""
    toggle: str = ""
    """Message key of a box that says whether the item is there at all (the stocktake); unticked,
    the item and everything under it is left out."""


@dataclass
class ListPart:
    """The list at ``key`` (``periods``, ``term.closures``): a table or cards, a row per item."""

    key: str
    title: str
    cols: list[Col]
    layout: str = "table"
    new_rows: int = 1
    page_size: int = 200
    remove_style: str = "checkbox"
    links: Callable[[Page, int, dict[str, Any]], list[tuple[str, str]]] | None = None
    notes: Callable[[Page, dict[str, Any]], list[str]] | None = None
    hint: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


Part = Record | ListPart

REFERENCES: dict[str, list[tuple[str, str]]] = {
    "periods": [("windows", "periods[]"), ("classes", "busy[].period")],
    "windows": [
        ("rules", "windows[]"),
        ("rules", "preferences.windows[]"),
        ("helper_groups", "windows[]"),
        ("activities", "windows[]"),
        ("stocktake.shifts", "window"),
    ],
    "rooms": [("rules", "room"), ("activities", "room")],
    "classes": [
        ("rules", "classes[]"),
        ("helper_groups", "class_id"),
        ("activities", "participants.classes[]"),
        ("pins", "class_id"),
    ],
    "rules": [("activities", "before_first[]"), ("pins", "rule")],
    "staff": [("activities", "participants.staff[]")],
    "helper_groups": [("activities", "participants.helper_groups[]")],
    "teacher_groups": [("activities", "participants.teacher_groups[]")],
}
"""Where other sections name the ids of a list (``[]``: a list of ids; ``busy[].period``: a field
of each item of a list): a renamed id is renamed there too."""


def rename(data: dict[str, Any], key: str, old: str, new: str) -> None:
    """Rename the id ``old`` of the list ``key`` to ``new`` wherever the scenario names it."""
    for list_key, field_path in REFERENCES.get(key, []):
        for item in as_list(get_in(data, list_key)):
            if not isinstance(item, dict):
                continue
            if "[]." in field_path:
                outer, inner = field_path.split("[].", 1)
                for entry in as_list(get_in(item, outer)):
                    if isinstance(entry, dict) and entry.get(inner) == old:
                        entry[inner] = new
                continue
            path = field_path.removesuffix("[]")
            value = get_in(item, path)
            if field_path.endswith("[]"):
                if isinstance(value, list) and old in value:
                    set_in(item, path, [new if v == old else v for v in value])
            elif value == old:
                set_in(item, path, new)


def row_label(index: int, item: dict[str, Any]) -> str:
    for key in ("id", "name", "date", "start", "number", "window", "class_id"):
        value = item.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
            return str(value)
    return f"#{index + 1}"


def build_part(part: Part, data: dict[str, Any], page: Page, page_number: int = 1) -> Block:
    t = page.t
    if isinstance(part, Record):
        item = as_dict(get_in(data, part.key))
        fields = [f for col in part.cols for f in fields_of(col, part.key, item, page, None)]
        if part.toggle:
            on = get_in(data, part.key) is not None
            fields.insert(0, Field(f"{part.key}._on", t(part.toggle), "checkbox", on))
        return Block(
            "fields",
            part.key,
            t(part.title),
            fields=fields,
            hint=t(part.hint) if part.hint else "",
            hidden=[(f"{part.key}._shown", "1")],
        )
    items = as_list(get_in(data, part.key))
    pages = max(1, -(-len(items) // part.page_size))
    page_number = min(max(1, page_number), pages)
    first = (page_number - 1) * part.page_size
    rows: list[Row] = []
    for i in range(first, min(len(items), first + part.page_size)):
        item = as_dict(items[i])
        label = row_label(i, item)
        in_table = label if part.layout == "table" else None
        rows.append(
            Row(
                f"{part.key}.{i}",
                label,
                [
                    f
                    for col in part.cols
                    for f in fields_of(
                        replace(col, kind="static") if col.fixed else col,
                        f"{part.key}.{i}",
                        item,
                        page,
                        in_table,
                    )
                ],
                hidden=[(f"{part.key}.{i}._row", text_of(item.get("id", "")))],
                remove=f"{part.key}.{i}._remove",
                links=part.links(page, i, item) if part.links else [],
                notes=part.notes(page, item) if part.notes else [],
            )
        )
    if page_number == pages:
        for j in range(part.new_rows):
            label = t("setup.new_row") if part.new_rows == 1 else t("setup.new_row_n", n=j + 1)
            in_table = label if part.layout == "table" else None
            rows.append(
                Row(
                    f"{part.key}.n{j}",
                    label,
                    [
                        f
                        for col in part.cols
                        for f in fields_of(col, f"{part.key}.n{j}", {}, page, in_table, blank=True)
                    ],
                    hidden=[(f"{part.key}.n{j}._row", "")],
                )
            )
    if part.layout == "cards":  # a card's hints once, on the first card of the page: not on all of them
        for row in rows[1:]:
            for f in row.fields:
                f.hint = ""
    pager = []
    notes = [t("setup.rename_note")] if part.key in REFERENCES else []
    if pages > 1:
        pager = [(f"?page={n}", str(n), n == page_number) for n in range(1, pages + 1)]
        last = min(len(items), first + part.page_size)
        notes.append(t("setup.showing", first=first + 1, last=last, total=len(items)))
    return Block(
        part.layout,
        part.key,
        t(part.title),
        columns=[t(c.label) for c in part.cols],
        rows=rows,
        hint=t(part.hint) if part.hint else "",
        remove_label=t("setup.remove"),
        remove_style=part.remove_style,
        pager=pager,
        notes=notes,
    )


def read_parts(parts: list[Part], form: FormInput, data: dict[str, Any], page: Page) -> None:
    """Read the post of a section's parts into ``data`` (the whole scenario dict, changed in place)."""
    for part in parts:
        read_part(part, form, data, page)
    for part in parts:
        shown = isinstance(part, Record) and part.toggle and form.has(f"{part.key}._shown")
        if shown and not form.has(f"{part.key}._on"):
            pop_in(data, part.key)


def read_part(part: Part, form: FormInput, data: dict[str, Any], page: Page) -> None:
    """Read the post of ``part`` into ``data`` (the whole scenario dict, changed in place)."""
    if isinstance(part, Record):
        if not form.has(f"{part.key}._shown"):
            return  # the form did not show it
        item = copy.deepcopy(as_dict(get_in(data, part.key)))
        for col in part.cols:
            read_col(form, part.key, item, col, page)
        if item:
            set_in(data, part.key, item)
        else:
            pop_in(data, part.key)
        return
    items = copy.deepcopy(as_list(get_in(data, part.key)))
    shown = sorted(
        {
            int(index)
            for n in form.names_under(part.key + ".")
            if n.endswith("._row")
            and (index := n[len(part.key) + 1 : -len("._row")]).isdigit()
            and int(index) < len(items)
        }
    )
    removed: set[int] = set()
    renamed: list[tuple[str, str]] = []
    pressed = form.text("_remove_one")
    for i in shown:
        prefix = f"{part.key}.{i}"
        item = as_dict(items[i])
        if form.text(f"{prefix}._row") != text_of(item.get("id", ""))[:2000].strip():
            form.refuse(
                part.key, "the list changed since this page was opened (in another window?): reload it"
            )
            return
        if form.has(f"{prefix}._remove") or pressed == prefix:
            removed.add(i)
            continue
        old_id = item.get("id")
        item = copy.deepcopy(item)
        for col in part.cols:
            if not col.fixed:
                read_col(form, prefix, item, col, page)
        new_id = item.get("id")
        if isinstance(old_id, str) and old_id and isinstance(new_id, str) and new_id and new_id != old_id:
            renamed.append((old_id, new_id))
        items[i] = item
    added = []
    for j in range(part.new_rows):
        prefix = f"{part.key}.n{j}"
        if form.has(f"{prefix}._row") and is_filled(form, prefix, part.cols):
            item = {}
            for col in part.cols:
                read_col(form, prefix, item, col, page)
            added.append(item)
    kept = [item for i, item in enumerate(items) if i not in removed] + added
    if kept:
        set_in(data, part.key, kept)
    else:
        pop_in(data, part.key)
    still = {as_dict(item).get("id") for item in kept}
    for old_id, new_id in renamed:
        if old_id not in still:  # a period listed again for other days keeps its other rows' id
            rename(data, part.key, old_id, new_id)
