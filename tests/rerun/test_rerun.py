"""Reruns whose minimal change is known by construction give exactly that change, and nothing before
the freeze date moves."""

from __future__ import annotations

import datetime as dt

import pytest

from rota_solver.errors import CannotRerun
from rota_solver.model import builder
from rota_solver.rerun import diff_text, freeze_date, held_sessions_changed, rerun
from rota_solver.rota import Rota
from rota_solver.term_calendar import build_term_calendar
from tests.factories import rule
from tests.rerun.helpers import (
    FREEZE,
    OPTIONS,
    THURSDAY,
    published_rota,
    rerun_checked,
    rerun_school_data,
    scenario_of,
    with_class,
)

WEEK_5 = [dt.date(2026, 10, 5) + dt.timedelta(days=n) for n in range(5)]


def uids(rota: Rota, keep: object) -> set[str]:
    return {f"session.{s.id}" for s in rota.sessions if keep(s)}  # type: ignore[operator]


def before_freeze(rota: Rota) -> list[object]:
    return [s for s in rota.sessions if s.date < FREEZE]


def test_a_class_losing_its_slot_to_pe_moves_alone() -> None:
    data = rerun_school_data()
    published = published_rota(scenario_of(data))
    cell = next(p for p in published.pattern if p.class_id == "1-2")
    pe = {"day": cell.weekday, "start": cell.start.isoformat(), "end": cell.end.isoformat(), "what": "PE"}
    changed = scenario_of(with_class(data, "1-2", busy=[{**pe, "since": FREEZE.isoformat()}]))

    result = rerun_checked(changed, published)

    expected = uids(published, lambda s: s.class_id == "1-2" and s.date >= FREEZE)
    assert len(expected) == 3  # teaching weeks 4, 5 and 6
    assert {c.uid for c in result.diff.changes} == expected
    assert {c.kind for c in result.diff.changes} == {"moved"}
    assert list(result.diff.by_class) == ["1-2"]
    for change in result.diff.changes:
        assert change.before is not None and change.after is not None
        # Moved within its own week, to a slot clear of the PE lesson.
        assert change.after.date.isocalendar().week == change.before.date.isocalendar().week
        assert change.after.start != change.before.start
    # Each moved session keeps its id: the same feed event, a higher SEQUENCE.
    for uid in expected:
        assert result.rota.revisions[uid].sequence == 1
    assert before_freeze(result.rota) == before_freeze(published)


def test_a_librarian_away_for_a_week_changes_only_her_duties_that_week() -> None:
    data = rerun_school_data()
    published = published_rota(scenario_of(data))
    away = published.pattern[0].staff_ids[0]
    staff = [
        {**m, "days_off": [d.isoformat() for d in WEEK_5]} if m["id"] == away else m for m in data["staff"]
    ]
    changed = scenario_of({**data, "staff": staff})

    result = rerun_checked(changed, published)

    expected = uids(published, lambda s: s.date in WEEK_5 and away in s.staff_ids)
    assert expected
    assert {c.uid for c in result.diff.changes} == expected
    assert {c.kind for c in result.diff.changes} == {"changed"}
    for change in result.diff.changes:
        assert change.before is not None and change.after is not None
        assert (change.after.date, change.after.start) == (change.before.date, change.before.start)
        assert away not in change.after.staff_ids and change.after.staff_ids
    assert away in result.diff.by_staff


def test_a_room_closed_for_two_weeks_cancels_just_its_sessions() -> None:
    data = rerun_school_data()
    published = published_rota(scenario_of(data))
    closed = {"name": "Roof repairs", "start": "2026-10-05", "end": "2026-10-16"}
    rooms = [{**data["rooms"][0], "closed": [closed]}]
    changed = scenario_of({**data, "rooms": rooms})

    result = rerun_checked(changed, published)

    expected = uids(published, lambda s: s.date >= dt.date(2026, 10, 5))
    assert len(expected) == 8
    assert {c.uid for c in result.diff.changes} == expected
    assert {c.kind for c in result.diff.changes} == {"cancelled"}
    assert {c.uid for c in result.rota.cancelled} == expected
    assert all(c.revision.sequence == 1 for c in result.rota.cancelled)
    assert {x.cause for x in result.rota.lost if x.date >= dt.date(2026, 10, 5)} == {"room_closed"}


def test_a_large_schools_first_fit_start_gives_way_to_the_published_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Schools of HINT_FROM_CLASSES classes start the weekly search from the first-fit table; a rerun
    # starts from the published one instead (both at once made the model invalid).
    monkeypatch.setattr(builder, "HINT_FROM_CLASSES", 1)
    data = rerun_school_data()
    published = published_rota(scenario_of(data))
    changed = scenario_of(with_class(data, "1-1", busy=[]))
    result = rerun_checked(changed, published)
    assert result.diff.empty


def test_a_change_that_needs_no_move_changes_nothing() -> None:
    data = rerun_school_data()
    published = published_rota(scenario_of(data))
    used = {(p.weekday, p.start) for p in published.pattern if p.class_id == "1-1"}
    free_day = next(d for d in ("tue", "thu", "fri") if all(day != d for day, _ in used))
    choir = {"day": free_day, "start": "11:30", "end": "12:30", "what": "Choir", "since": FREEZE.isoformat()}
    changed = scenario_of(with_class(data, "1-1", busy=[choir]))

    result = rerun_checked(changed, published)

    assert result.diff.empty
    assert result.rota.sessions == published.sessions
    assert result.rota.revisions == {} and result.rota.cancelled == []
    assert "changes nothing" in diff_text(changed, result.diff)


def test_a_change_taking_effect_mid_week_keeps_that_week_whole() -> None:
    # Today Monday of week 4: the freeze is Wednesday, when the Wednesday class's slot becomes PE.
    data = rerun_school_data()
    published = published_rota(scenario_of(data))
    cell = next(p for p in published.pattern if p.weekday == "wed")
    wednesday = dt.date(2026, 9, 30)
    pe = {"day": "wed", "start": "11:30", "end": "12:30", "what": "PE", "since": wednesday.isoformat()}
    changed = scenario_of(with_class(data, cell.class_id, busy=[pe]))

    result = rerun_checked(changed, published, today=dt.date(2026, 9, 28))

    assert result.diff.freeze == wednesday
    assert set(result.diff.by_class) == {cell.class_id}
    week_4 = [s for s in result.rota.sessions if s.class_id == cell.class_id and s.teaching_week == 4]
    lost = [x for x in result.rota.lost if x.class_id == cell.class_id and x.cause == "pattern_change"]
    assert len(week_4) + len(lost) == 1  # held once, or reported lost to the change: never twice


def test_a_rerun_of_a_rerun_raises_the_sequence_again() -> None:
    data = rerun_school_data()
    published = published_rota(scenario_of(data))
    cell = next(p for p in published.pattern if p.class_id == "1-2")
    pe = {"day": cell.weekday, "start": cell.start.isoformat(), "end": cell.end.isoformat(), "what": "PE"}
    first_data = with_class(data, "1-2", busy=[{**pe, "since": FREEZE.isoformat()}])
    first = rerun_checked(scenario_of(first_data), published)

    # A week later its new slot is taken too.
    new_cell = next(p for p in first.rota.pattern if p.class_id == "1-2")
    later = dt.date(2026, 10, 5)
    pe2 = {"day": new_cell.weekday, "start": new_cell.start.isoformat(), "end": new_cell.end.isoformat()}
    second_data = with_class(first_data, "1-2", busy=[{**pe2, "what": "Art", "since": later.isoformat()}])
    second = rerun_checked(scenario_of(second_data), first.rota, today=dt.date(2026, 10, 1))

    assert second.diff.freeze == later
    assert {c.kind for c in second.diff.changes} == {"moved"}
    moved = uids(published, lambda s: s.class_id == "1-2" and s.date >= later)
    assert {c.uid for c in second.diff.changes} == moved
    assert {second.rota.revisions[c.uid].sequence for c in second.diff.changes} == {2}
    # The first rerun's week-4 move is carried, unchanged, with its sequence.
    week_4 = next(c.uid for c in first.diff.changes if c.before and c.before.date < later)
    assert second.rota.revisions[week_4] == first.rota.revisions[week_4]
    assert second.rota.revision == 2
    assert second.rota.first_version_time == published.version_time


def test_same_inputs_give_the_same_rerun() -> None:
    data = rerun_school_data()
    published = published_rota(scenario_of(data))
    changed = scenario_of(with_class(data, "1-3", busy=[{"day": "mon", "period": "p5", "what": "PE"}]))
    one = rerun_checked(changed, published)
    two = rerun_checked(changed, published)
    # Everything but the report's timings.
    assert one.rota.model_copy(update={"report": two.rota.report}) == two.rota
    assert one.diff == two.diff


def test_the_freeze_date_gives_two_school_days_notice() -> None:
    calendar = build_term_calendar(scenario_of(rerun_school_data()))
    assert freeze_date(calendar, THURSDAY) == FREEZE
    assert freeze_date(calendar, dt.date(2026, 9, 25)) == dt.date(2026, 9, 29)  # Friday -> Tuesday
    assert freeze_date(calendar, dt.date(2026, 9, 26), 1) == dt.date(2026, 9, 28)  # a Saturday
    assert freeze_date(calendar, dt.date(2026, 10, 15)) == dt.date(2026, 10, 17)  # past the last day


def test_a_rota_of_another_term_cannot_be_rerun() -> None:
    data = rerun_school_data()
    published = published_rota(scenario_of(data))
    other = scenario_of({**data, "term": {"start": "2026-09-07", "end": "2026-10-23"}})
    with pytest.raises(CannotRerun, match="solve it afresh"):
        rerun(other, published, today=THURSDAY, options=OPTIONS)


def test_a_change_reaching_back_before_the_freeze_is_refused_with_the_fix() -> None:
    data = rerun_school_data()
    published = published_rota(scenario_of(data))
    cell = next(p for p in published.pattern if p.class_id == "1-2")
    undated = {
        "day": cell.weekday,
        "start": cell.start.isoformat(),
        "end": cell.end.isoformat(),
        "what": "PE",
    }
    changed = scenario_of(with_class(data, "1-2", busy=[undated]))
    with pytest.raises(CannotRerun, match=f"since: {FREEZE}"):
        rerun(changed, published, today=THURSDAY, options=OPTIONS)


def test_a_day_off_in_a_rerun_leaves_the_rules_that_need_no_staff_alone() -> None:
    """Issue 14 item 1: both librarians away for a week cancel that week's duties, never the quiet
    reading that needs no staff."""
    data = rerun_school_data()
    data["rules"] = [
        *data["rules"],
        rule(
            id="quiet",
            windows=["afternoon"],
            staffing={},
            preferences={"days": ["mon", "wed"]},
            max_gap_days=28,
        ),
    ]
    published = published_rota(scenario_of(data))
    staff = [{**m, "days_off": [d.isoformat() for d in WEEK_5]} for m in data["staff"]]
    changed = scenario_of({**data, "staff": staff})

    result = rerun_checked(changed, published)

    quiet = uids(published, lambda s: s.rule_id == "quiet")
    assert result.diff.changes and not {c.uid for c in result.diff.changes} & quiet
    assert quiet == uids(result.rota, lambda s: s.rule_id == "quiet")
    assert not [x for x in result.rota.lost if x.rule_id == "quiet"]


def test_a_freeze_before_today_is_refused_and_rewriting_the_past_counts_the_held_sessions() -> None:
    """Issue 14 item 8: a freeze date before today would change sessions that took place."""
    data = rerun_school_data()
    published = published_rota(scenario_of(data))
    away = published.pattern[0].staff_ids[0]
    week_2 = [dt.date(2026, 9, 14) + dt.timedelta(days=n) for n in range(5)]
    staff = [
        {**m, "days_off": [d.isoformat() for d in week_2]} if m["id"] == away else m for m in data["staff"]
    ]
    changed = scenario_of({**data, "staff": staff})
    with pytest.raises(CannotRerun, match=f"freeze date 2026-09-14 is before today {THURSDAY}"):
        rerun(changed, published, today=THURSDAY, freeze=dt.date(2026, 9, 14), options=OPTIONS)

    result = rerun_checked(changed, published, freeze=dt.date(2026, 9, 14), rewrite_past=True)

    held = [c for c in result.diff.changes if c.before is not None and c.before.date < THURSDAY]
    assert held and held_sessions_changed(result.diff, THURSDAY) == len(held)
