"""A rerun's diff as text in the school's language: a summary line, then each change grouped by
class, by staff member and by room, so every homeroom teacher and librarian finds their part."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..labels import Labels, labels_for
from ..scenario import Scenario
from .diff import Change, EventState, RotaDiff


@dataclass(frozen=True)
class DiffWords:
    summary: str
    nothing: str
    by_class: str
    by_staff: str
    by_room: str
    kinds: Mapping[str, str]
    arrow: str
    bullet: str
    staff_now: str


_WORDS = {
    "zh-CN": DiffWords(
        summary="重新排班：{freeze}之前的安排保持不变；之后改期 {moved} 次，调整值班或场地 {changed} 次，"
        "取消 {cancelled} 次，新增 {added} 次。",
        nothing="重新排班没有带来任何变化：{freeze}之后的所有安排与已发布的版本完全相同。",
        by_class="按班级",
        by_staff="按值班人员",
        by_room="按场地",
        kinds={"moved": "改期", "changed": "调整", "cancelled": "取消", "added": "新增"},
        arrow=" → ",
        bullet="· ",
        staff_now="值班：{names}",
    ),
    "en": DiffWords(
        summary="Rerun: nothing before {freeze} changes; after it {moved} moved, {changed} with other staff "
        "or room, {cancelled} cancelled, {added} added.",
        nothing="The rerun changes nothing: after {freeze} every session is exactly as published.",
        by_class="By class",
        by_staff="By staff",
        by_room="By room",
        kinds={"moved": "moved", "changed": "changed", "cancelled": "cancelled", "added": "added"},
        arrow=" → ",
        bullet="- ",
        staff_now="staff: {names}",
    ),
}


class _Names:
    def __init__(self, scenario: Scenario, labels: Labels) -> None:
        self.labels = labels
        self.classes = {c.id: c.label for c in scenario.classes}
        self.rules = {r.id: r.name or r.id for r in scenario.rules}
        self.activities = {a.id: a.name or a.id for a in scenario.activities}
        self.people = {m.id: m.name or m.id for m in scenario.staff}
        self.people.update({g.id: g.name or g.id for g in scenario.helper_groups})
        self.rooms = {r.id: r.name or r.id for r in scenario.rooms}

    def what(self, change: Change) -> str:
        if change.what == "session":
            return self.rules.get(change.name, change.name)
        if change.name == "stocktake":
            return {"zh-CN": "图书清点", "en": "Stocktake"}[self.labels.locale]
        return self.activities.get(change.name, change.name)

    def when(self, state: EventState) -> str:
        day = self.labels.date_weekday(state.date)
        if state.start is None or state.end is None:
            return day
        return f"{day} {state.start:%H:%M}-{state.end:%H:%M}"

    def staff(self, ids: list[str]) -> str:
        return self.labels.join([self.people.get(i, i) for i in ids])


@dataclass(frozen=True)
class DiffSection:
    """Changes grouped one way (by class, staff or room): a title, then each subject's lines."""

    title: str
    groups: list[tuple[str, list[str]]]


@dataclass(frozen=True)
class DiffSections:
    """A diff in words: the summary sentence, then the sections (none when nothing changed)."""

    summary: str
    sections: list[DiffSection]


def diff_sections(scenario: Scenario, diff: RotaDiff) -> DiffSections:
    """The diff in the school's language, as data for a text or a page; says so plainly when
    nothing changed."""
    labels = labels_for(scenario.school.locale)
    words = _WORDS[scenario.school.locale]
    freeze = labels.date_weekday(diff.freeze)
    if diff.empty:
        return DiffSections(words.nothing.format(freeze=freeze), [])
    names = _Names(scenario, labels)
    ways = (
        (words.by_class, diff.by_class, names.classes),
        (words.by_staff, diff.by_staff, names.people),
        (words.by_room, diff.by_room, names.rooms),
    )
    sections = [
        DiffSection(
            title,
            [
                (known.get(subject, subject), [change_line(names, words, diff.changes[i]) for i in indexes])
                for subject, indexes in groups.items()
            ],
        )
        for title, groups, known in ways
    ]
    return DiffSections(words.summary.format(freeze=freeze, **diff.counts()), sections)


def diff_text(scenario: Scenario, diff: RotaDiff) -> str:
    """The diff as plain text: the summary, then each section with its subjects and their changes."""
    words = _WORDS[scenario.school.locale]
    found = diff_sections(scenario, diff)
    lines = [found.summary, ""] if found.sections else [found.summary]
    colon = "：" if scenario.school.locale == "zh-CN" else ":"
    for section in found.sections:
        lines.append(f"{section.title}{colon}")
        for subject, changes in section.groups:
            lines.append(f"  {subject}")
            lines += [f"    {words.bullet}{line}" for line in changes]
        lines.append("")
    return "\n".join(lines) + ("" if found.sections else "\n")


def page_title(scenario: Scenario, number: int, based_on: int | None) -> str:
    """Title of the page of a rerun's changes."""
    template = _TITLES[scenario.school.locale]
    return template.format(school=scenario.school.name, number=number, based_on=based_on or "?")


_TITLES = {
    "zh-CN": "{school}：第{number}版排班的变更（基于第{based_on}版重新排班）",
    "en": "{school}: what rota version {number} changes (rerun of version {based_on})",
}


def change_line(names: _Names, words: DiffWords, change: Change) -> str:
    classes = names.labels.join([names.classes.get(c, c) for c in change.class_ids])
    head = f"{classes} {names.what(change)}".strip()
    kind = words.kinds[change.kind]
    before, after = change.before, change.after
    if before is not None and after is not None:
        if change.kind == "moved":
            text = f"{head} {names.when(before)}{words.arrow}{names.when(after)}"
        else:
            text = f"{head} {names.when(after)}"
        if before.room_id != after.room_id:
            rooms = [names.rooms.get(r, r) if r else "-" for r in (before.room_id, after.room_id)]
            text += f", {rooms[0]}{words.arrow}{rooms[1]}"
        if sorted(before.staff_ids) != sorted(after.staff_ids):
            staff = f"{names.staff(before.staff_ids)}{words.arrow}{names.staff(after.staff_ids)}"
            text += ", " + words.staff_now.format(names=staff)
    else:
        state = change.after or change.before
        assert state is not None
        text = f"{head} {names.when(state)}"
    return f"{text} ({kind})" if names.labels.locale == "en" else f"{text}（{kind}）"
