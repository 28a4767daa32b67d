"""What a rerun changed, event by event, and the identity each changed event keeps.

A session is the same session before and after when it serves the same class and rule in the
same teaching week: if its time, room or staff differ it *moved* (or *changed*, at the same time)
and keeps its id, so its feed UID stays and its SEQUENCE goes up. A published session with no
counterpart is *cancelled*; a new one with none is *added*. Activities and stocktake shifts are
matched by id, which names the activity, its occurrence and its participants.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..rota import ActivityEvent, CancelledEvent, DatedSession, Revision, Rota

ChangeKind = Literal["moved", "changed", "cancelled", "added"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EventState(_Out):
    """Where and when an event is, on one side of the change."""

    date: dt.date = Field(description="Date.")
    start: dt.datetime | None = Field(description="Start (school timezone); none for all-day events.")
    end: dt.datetime | None = Field(description="End (school timezone); none for all-day events.")
    room_id: str | None = Field(description="Room.")
    staff_ids: list[str] = Field(description="Staff and helper groups on duty.")


class Change(_Out):
    """One event that a rerun moved, changed (same time, other room or staff), cancelled or added."""

    kind: ChangeKind = Field(description="moved, changed, cancelled or added.")
    uid: str = Field(description="Feed UID before the @: session.<id> or activity.<id>.")
    what: Literal["session", "activity"] = Field(description="A library session or an activity event.")
    name: str = Field(description="Rule id of a session, activity id of an activity.")
    class_ids: list[str] = Field(description="Classes concerned.")
    before: EventState | None = Field(description="As published; none when added.")
    after: EventState | None = Field(description="As rerun; none when cancelled.")

    @property
    def staff_ids(self) -> list[str]:
        """Everyone on duty before or after: all of them need to hear about it."""
        seen = [
            *(self.before.staff_ids if self.before else []),
            *(self.after.staff_ids if self.after else []),
        ]
        return sorted(set(seen))

    @property
    def room_ids(self) -> list[str]:
        rooms = {s.room_id for s in (self.before, self.after) if s is not None and s.room_id is not None}
        return sorted(rooms)

    @property
    def first_date(self) -> dt.date:
        return min(s.date for s in (self.before, self.after) if s is not None)


class RotaDiff(_Out):
    """Everything a rerun changed after its freeze date, and who is affected."""

    freeze: dt.date = Field(description="Nothing before this date changed.")
    changes: list[Change] = Field(description="Every change, in date order.")
    by_class: dict[str, list[int]] = Field(description="Class id -> indexes into changes.")
    by_staff: dict[str, list[int]] = Field(description="Staff or helper group id -> indexes into changes.")
    by_room: dict[str, list[int]] = Field(description="Room id -> indexes into changes.")

    @property
    def empty(self) -> bool:
        return not self.changes

    def counts(self) -> dict[ChangeKind, int]:
        out: dict[ChangeKind, int] = {"moved": 0, "changed": 0, "cancelled": 0, "added": 0}
        for change in self.changes:
            out[change.kind] += 1
        return out


def _session_state(s: DatedSession) -> EventState:
    return EventState(date=s.date, start=s.start, end=s.end, room_id=s.room_id, staff_ids=list(s.staff_ids))


def _activity_state(a: ActivityEvent) -> EventState:
    return EventState(date=a.date, start=a.start, end=a.end, room_id=a.room_id, staff_ids=list(a.staff_ids))


def _pair_sessions(
    old: list[DatedSession], new: list[DatedSession]
) -> tuple[list[tuple[DatedSession, DatedSession]], list[DatedSession], list[DatedSession]]:
    """(old, new) pairs, old ones left over, new ones left over: per class, rule and teaching week,
    identical times first, then the rest in time order; a session moved into the next week is still
    the same session when both weeks have one left over."""

    def key(s: DatedSession) -> tuple[str, str, int]:
        return (s.class_id, s.rule_id, s.teaching_week)

    olds: dict[tuple[str, str, int], list[DatedSession]] = defaultdict(list)
    news: dict[tuple[str, str, int], list[DatedSession]] = defaultdict(list)
    for s in sorted(old, key=lambda s: s.start):
        olds[key(s)].append(s)
    for s in sorted(new, key=lambda s: s.start):
        news[key(s)].append(s)
    pairs: list[tuple[DatedSession, DatedSession]] = []
    left_old: list[DatedSession] = []
    left_new: list[DatedSession] = []
    for group in sorted(set(olds) | set(news)):
        a, b = olds.get(group, []), news.get(group, [])
        same = {(s.start, s.origin): s for s in b}
        exact = [(s, same.pop((s.start, s.origin))) for s in a if (s.start, s.origin) in same]
        matched_old = {id(s) for s, _ in exact}
        matched_new = {id(s) for _, s in exact}
        rest_a = [s for s in a if id(s) not in matched_old]
        rest_b = [s for s in b if id(s) not in matched_new]
        pairs += exact
        pairs += list(zip(rest_a, rest_b, strict=False))
        left_old += rest_a[len(rest_b) :]
        left_new += rest_b[len(rest_a) :]
    # Across neighbouring weeks: a class whose session moved over a weekend.
    spare_new: dict[tuple[str, str], list[DatedSession]] = defaultdict(list)
    for s in left_new:
        spare_new[(s.class_id, s.rule_id)].append(s)
    still_old = []
    for s in left_old:
        candidates = [
            n for n in spare_new[(s.class_id, s.rule_id)] if abs(n.teaching_week - s.teaching_week) == 1
        ]
        if candidates:
            partner = min(candidates, key=lambda n: (abs((n.start - s.start).total_seconds()), n.start))
            spare_new[(s.class_id, s.rule_id)].remove(partner)
            pairs.append((s, partner))
        else:
            still_old.append(s)
    still_new = [s for group in spare_new.values() for s in group]
    return pairs, still_old, still_new


def _kind_of(before: EventState, after: EventState) -> ChangeKind | None:
    if (before.date, before.start, before.end) != (after.date, after.start, after.end):
        return "moved"
    if before.room_id != after.room_id or sorted(before.staff_ids) != sorted(after.staff_ids):
        return "changed"
    return None


def _index(changes: list[Change], keys: Iterable[tuple[int, list[str]]]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for i, ids in keys:
        for one in ids:
            out[one].append(i)
    return dict(sorted(out.items()))


def carry_over(published: Rota, rota: Rota, freeze: dt.date) -> tuple[Rota, RotaDiff]:
    """The rerun ``rota`` with the published identities, revisions and cancelled events carried over,
    and the diff against ``published``. Events before ``freeze`` are the published ones already."""
    stamp = rota.version_time
    changes: list[Change] = []
    revisions: dict[str, Revision] = {}
    cancelled: list[CancelledEvent] = [c for c in published.cancelled if c.date >= freeze]

    def carried(uid: str) -> Revision | None:
        return published.revisions.get(uid)

    # Sessions
    pairs, gone, fresh = _pair_sessions(published.sessions, rota.sessions)
    renamed: dict[int, str] = {}
    for old, new in pairs:
        uid = f"session.{old.id}"
        renamed[id(new)] = old.id
        kind = _kind_of(_session_state(old), _session_state(new))
        before = published.revision_of(uid)
        if kind is None:
            kept = carried(uid)
            if kept is not None:
                revisions[uid] = kept
            continue
        revisions[uid] = Revision(sequence=before.sequence + 1, modified=stamp)
        changes.append(_session_change(kind, uid, old, new))
    taken = {s.id for s in published.sessions} | {c.uid.removeprefix("session.") for c in cancelled}
    for new in sorted(fresh, key=lambda s: (s.start, s.id)):
        sid = _fresh_id(new.id, taken, rota.revision)
        taken.add(sid)
        renamed[id(new)] = sid
        uid = f"session.{sid}"
        revisions[uid] = Revision(sequence=0, modified=stamp)
        changes.append(_session_change("added", uid, None, new.model_copy(update={"id": sid})))
    for old in gone:
        uid = f"session.{old.id}"
        revision = Revision(sequence=published.revision_of(uid).sequence + 1, modified=stamp)
        cancelled.append(CancelledEvent(uid=uid, session=old, revision=revision))
        changes.append(_session_change("cancelled", uid, old, None))
    sessions = [s.model_copy(update={"id": renamed[id(s)]}) for s in rota.sessions]

    # Activities and stocktake shifts
    old_events = {a.id: a for a in published.activities}
    new_events = {a.id: a for a in rota.activities}
    for event_id, new_event in new_events.items():
        uid = f"activity.{event_id}"
        old_event = old_events.get(event_id)
        if old_event is None:
            revisions[uid] = Revision(sequence=0, modified=stamp)
            changes.append(_activity_change("added", uid, None, new_event))
            continue
        kind = _kind_of(_activity_state(old_event), _activity_state(new_event))
        if kind is None:
            kept = carried(uid)
            if kept is not None:
                revisions[uid] = kept
            continue
        revisions[uid] = Revision(sequence=published.revision_of(uid).sequence + 1, modified=stamp)
        changes.append(_activity_change(kind, uid, old_event, new_event))
    for event_id, old_event in old_events.items():
        if event_id not in new_events:
            uid = f"activity.{event_id}"
            revision = Revision(sequence=published.revision_of(uid).sequence + 1, modified=stamp)
            cancelled.append(CancelledEvent(uid=uid, activity=old_event, revision=revision))
            changes.append(_activity_change("cancelled", uid, old_event, None))
    # Calendar days (holidays, closures) keep what they had, so unchanged ones stay byte-identical.
    for uid, revision in published.revisions.items():
        if uid.startswith("day."):
            revisions[uid] = revision

    changes.sort(key=lambda c: (c.first_date, c.uid, c.kind))
    diff = RotaDiff(
        freeze=freeze,
        changes=changes,
        by_class=_index(changes, ((i, c.class_ids) for i, c in enumerate(changes))),
        by_staff=_index(changes, ((i, c.staff_ids) for i, c in enumerate(changes))),
        by_room=_index(changes, ((i, c.room_ids) for i, c in enumerate(changes))),
    )
    cancelled.sort(key=lambda c: (c.date, c.uid))
    carried_rota = rota.model_copy(
        update={
            "sessions": sessions,
            "revision": published.revision + 1,
            "frozen_before": freeze,
            "first_version_time": published.first_version_time or published.version_time,
            "revisions": dict(sorted(revisions.items())),
            "cancelled": cancelled,
        }
    )
    return carried_rota, diff


def _fresh_id(session_id: str, taken: set[str], revision: int) -> str:
    """The session's own id, or one marked with the revision that added it when a published session
    (moved or cancelled) already has that id."""
    if session_id not in taken:
        return session_id
    n = 1
    while f"{session_id}.r{revision + 1}" + ("" if n == 1 else f".{n}") in taken:
        n += 1
    return f"{session_id}.r{revision + 1}" + ("" if n == 1 else f".{n}")


def _session_change(kind: ChangeKind, uid: str, old: DatedSession | None, new: DatedSession | None) -> Change:
    either = old or new
    assert either is not None
    return Change(
        kind=kind,
        uid=uid,
        what="session",
        name=either.rule_id,
        class_ids=[either.class_id],
        before=_session_state(old) if old else None,
        after=_session_state(new) if new else None,
    )


def _activity_change(
    kind: ChangeKind, uid: str, old: ActivityEvent | None, new: ActivityEvent | None
) -> Change:
    either = old or new
    assert either is not None
    return Change(
        kind=kind,
        uid=uid,
        what="activity",
        name=either.activity_id,
        class_ids=sorted(set(either.class_ids) | set(new.class_ids if new else [])),
        before=_activity_state(old) if old else None,
        after=_activity_state(new) if new else None,
    )
