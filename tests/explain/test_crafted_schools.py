"""Crafted schools with one conflict each: the explainer reports exactly the minimal set of
requirement groups, and every suggestion it makes, applied to the scenario, gives a rota the
independent verifier accepts."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rota_solver.application import SolveRequest, run
from rota_solver.conflict import Conflict
from rota_solver.control import RunControl
from rota_solver.explain import explain_unmet
from rota_solver.explain.core import minimal_core
from rota_solver.explain.groups import build_guarded
from rota_solver.explain.relax import apply_change
from rota_solver.rota import Rota
from rota_solver.scenario import Scenario
from rota_solver.solve import SolveOptions, solve
from rota_solver.verify import verify
from tests.explain import schools

OPTIONS = SolveOptions(time_limit_seconds=10, workers=1, seed=0)

Groups = set[tuple[str, tuple[str, ...]]]

WEEKLY: dict[str, tuple[Callable[[], Scenario], Groups, str]] = {
    "two classes whose only free slot coincides in a one-class room": (
        schools.two_classes_share_one_free_slot,
        {
            ("demand", ("reading", "1-1")),
            ("demand", ("reading", "1-2")),
            ("timetable", ("1-1",)),
            ("timetable", ("1-2",)),
            ("room", ("library",)),
        },
        "precheck",
    ),
    "a helper team on duty only during its own class's lessons": (
        schools.helpers_busy_in_their_own_lessons,
        {("demand", ("reading", "1-1")), ("staffing", ("reading", "helper")), ("helper_class", ("hg",))},
        "precheck",
    ),
    "a helper team that never works in the rule's windows": (
        schools.helpers_never_in_the_rule_windows,
        {("demand", ("reading", "1-1")), ("staffing", ("reading", "helper")), ("staff", ("hg",))},
        "precheck",
    ),
    "too few librarian hours for the duties": (
        schools.too_few_librarian_hours,
        {
            ("demand", ("reading", "1-1")),
            ("demand", ("reading", "1-2")),
            ("demand", ("reading", "1-3")),
            ("demand", ("reading", "1-4")),
            ("room", ("library",)),
            ("staffing", ("reading", "librarian")),
            ("staff", ("lib",)),
        },
        "precheck",
    ),
    "a timetable leaving fewer free days than the frequency with spacing": (
        schools.timetable_leaves_two_adjacent_days,
        {("demand", ("reading", "1-1")), ("spacing", ("reading",)), ("timetable", ("1-1",))},
        "precheck",
    ),
    "a class bigger than the room's seats": (
        schools.class_too_big_for_the_room,
        {("demand", ("reading", "1-1")), ("seats", ("library",))},
        "precheck",
    ),
    "two rules of one class wanting its only free slot": (
        schools.two_rules_want_the_one_free_slot,
        {("demand", ("borrowing", "1-1")), ("demand", ("reading", "1-1")), ("timetable", ("1-1",))},
        "solver",
    ),
}


def explanation_of(scenario: Scenario) -> list[Conflict]:
    outcome = run(SolveRequest(scenario, OPTIONS))
    assert outcome.kind == "no_rota" and outcome.exit_code == 1
    assert outcome.explanation is not None
    assert outcome.explanation.note is None
    return outcome.explanation.conflicts


def explained(scenario: Scenario) -> Rota:
    """The rota as the application service gives it: unmet items explained, verified."""
    outcome = run(SolveRequest(scenario, OPTIONS))
    assert outcome.kind == "solved_with_unmet" and outcome.rota is not None
    return outcome.rota


def groups_of(conflict: Conflict) -> Groups:
    return {(g.kind, tuple(g.subject)) for g in conflict.groups}


def assert_solves_and_verifies(scenario: Scenario, conflict: Conflict) -> None:
    assert conflict.suggestions, "every crafted conflict has a relaxation the librarian can make"
    for suggestion in conflict.suggestions:
        changed = apply_change(scenario, suggestion.change)
        assert changed is not None, suggestion
        rota = solve(changed, OPTIONS)
        assert suggestion.solves and not rota.unmet, suggestion
        assert verify(changed, rota) == [], suggestion


@pytest.mark.parametrize("name", sorted(WEEKLY), ids=sorted(WEEKLY))
def test_crafted_school_reports_its_exact_minimal_conflict(name: str) -> None:
    make, expected, found_by = WEEKLY[name]
    scenario = make()
    conflicts = explanation_of(scenario)
    assert len(conflicts) == 1
    conflict = conflicts[0]
    assert groups_of(conflict) == expected
    assert (conflict.found_by, conflict.minimal) == (found_by, True)
    assert all(g.detail for g in conflict.groups)
    assert_solves_and_verifies(scenario, conflict)


@pytest.mark.parametrize("name", sorted(WEEKLY), ids=sorted(WEEKLY))
def test_the_solver_alone_finds_the_same_minimal_set(name: str) -> None:
    """CP-SAT's sufficient assumptions, shrunk, agree with what the counting checks named."""
    make, expected, _ = WEEKLY[name]
    core = minimal_core(build_guarded(make()))
    assert core.outcome == "conflict" and core.minimal
    assert {(k[0], k[1:]) for k in core.groups} == expected


def test_the_words_carry_the_figures() -> None:
    [conflict] = explanation_of(schools.two_classes_share_one_free_slot())
    assert conflict.text == (
        "Library: the 2 classes of reading need 2 class session(s) a week, but after class timetables the "
        "room has only 1 (1 free slot(s) a week, on Monday in lunch 11:30–12:30, x 1 class(es) at a time)"
    )
    assert [s.text for s in conflict.suggestions] == [
        "let Library hold 2 classes at once instead of 1",
        "allow the afternoon 14:00–15:30 window for reading",
    ]
    assert conflict.suggestions[1].change.model_dump() == {
        "path": "rules[0].windows",
        "value": ["lunch", "afternoon"],
    }
    [conflict] = explanation_of(schools.too_few_librarian_hours())
    assert "at least 4 librarian duties a week" in conflict.text and "at most 3" in conflict.text


def test_a_conflict_found_by_the_solver_lists_each_group_with_its_figures() -> None:
    [conflict] = explanation_of(schools.two_rules_want_the_one_free_slot())
    assert conflict.text.startswith("These requirements cannot all be met together: ")
    assert "Class 1-1's timetable leaves 1 of its 15 library slots free: Monday 11:30" in conflict.text


def test_the_explanation_is_in_the_school_language() -> None:
    scenario = schools.timetable_leaves_two_adjacent_days()
    chinese = scenario.model_copy(update={"school": scenario.school.model_copy(update={"locale": "zh-CN"})})
    [conflict] = explanation_of(chinese)
    assert conflict.text == (
        "Class 1-1需要reading每周2次，每次至少间隔2天，但课表只在周一、周二留出reading的时段"
        "（lunch 11:30–12:30），共6个空闲时段"
    )
    assert [s.text for s in conflict.suggestions] == [
        "允许reading使用afternoon 14:00–15:30时段",
        "把同一班级reading的间隔从2天改为1天",
    ]


def test_the_same_school_gives_the_same_explanation() -> None:
    first = explanation_of(schools.too_few_librarian_hours())
    assert explanation_of(schools.too_few_librarian_hours()) == first


def test_a_count_names_the_days_of_its_slots_and_every_class_it_counts() -> None:
    """12 sessions of six classes in grades 1-2 against 4 slots: the conflict lists all six classes
    (not the three that already conflict), names the days, and climbs the ladders: the least
    classes at once that works (3, not 2), the window on every other afternoon (10 slots: tested,
    too few, not suggested), then other windows."""
    scenario = schools.six_classes_on_two_afternoons()
    [conflict] = explanation_of(scenario)
    assert conflict.text == (
        "Library: the 6 classes of reading need 12 class session(s) a week, but after class timetables the "
        "room has only 4 (4 free slot(s) a week, on Monday, Wednesday in afternoon 14:00–15:30, x 1 "
        "class(es) at a time); 3 of these classes already need more than that"
    )
    assert groups_of(conflict) == {
        *{("demand", ("reading", f"{g}-{n}")) for g in (1, 2) for n in (1, 2, 3)},
        ("room", ("library",)),
    }
    assert (conflict.found_by, conflict.minimal) == ("precheck", False)
    assert [s.text for s in conflict.suggestions] == [
        "let Library hold 3 classes at once instead of 1",
        "allow the morning 08:00–09:30 window for reading",
    ]
    assert_solves_and_verifies(scenario, conflict)


def test_a_window_on_only_some_days_is_widened_by_the_days_it_lacks() -> None:
    scenario = schools.three_classes_on_two_afternoons()
    [conflict] = explanation_of(scenario)
    assert [(s.text, s.change.path, s.change.value) for s in conflict.suggestions] == [
        ("let Library hold 2 classes at once instead of 1", "rooms[0].classes_at_once", 2),
        ("open the afternoon 14:00–15:30 window on Friday too", "windows[2].days", ["mon", "wed", "fri"]),
        ("allow the morning 08:00–09:30 window for reading", "rules[0].windows", ["afternoon", "morning"]),
    ]
    assert_solves_and_verifies(scenario, conflict)


# --- the dated stage: activities, returns and stocktake are reported unmet, with the reason ------


TERM: dict[str, tuple[Callable[[], Scenario], str, Groups]] = {
    "orientation that cannot fit before the first borrowing week": (
        schools.orientation_school,
        "orientation.1.1-1",
        {("activity", ("orientation.1.1-1",)), ("timetable", ("1-1",))},
    ),
    "an activity with more pupils than its room seats": (
        schools.talk_too_big_for_the_library,
        "talk.1",
        {("activity", ("talk.1",)), ("seats", ("library",))},
    ),
    "a stocktake shift needing more librarians than there are": (
        schools.stocktake_needs_two_librarians,
        "stocktake.2026-09-17.1",
        {("stocktake_shift", ("stocktake.2026-09-17.1",))},
    ),
}


@pytest.mark.parametrize("name", sorted(TERM), ids=sorted(TERM))
def test_an_unmet_dated_requirement_is_explained_with_working_suggestions(name: str) -> None:
    make, subject, expected = TERM[name]
    scenario = make()
    rota = explained(scenario)
    [unmet] = [u for u in rota.unmet if u.subject == subject]
    assert unmet.explanation is not None
    assert groups_of(unmet.explanation) == expected
    assert_solves_and_verifies(scenario, unmet.explanation)


def test_orientation_words_name_the_week_the_window_and_the_lessons() -> None:
    scenario = schools.orientation_school()
    rota = explained(scenario)
    [unmet] = rota.unmet
    assert unmet.explanation is not None
    assert unmet.explanation.text == (
        "Orientation for Class 1-1 must take place in teaching week(s) 1 in afternoon 14:00–15:30 (40 min), "
        "before the class's first borrowing session; but of its 10 possible slot(s), Class 1-1 has lessons "
        "in 10"
    )
    assert [s.text for s in unmet.explanation.suggestions] == [
        "allow the lunch 11:30–12:30 window for Orientation"
    ]


def test_an_activity_too_big_for_its_room_says_so_with_both_figures() -> None:
    """The seats, not the timetables, are the reason: both figures, and a room that fits or one
    class at a time."""
    rota = explained(schools.talk_too_big_for_the_library())
    [unmet] = rota.unmet
    assert unmet.explanation is not None
    assert unmet.explanation.text == (
        "Author talk must take place in teaching week(s) 1 in afternoon 14:00–15:30 (40 min); but its 10 "
        "class(es) come together, and Library has only 100 seats for their 389 pupils"
    )
    assert [s.text for s in unmet.explanation.suggestions] == [
        "hold Author talk in Hall (400 seats) instead",
        "give each class its own Author talk (at most 40 pupils at once)",
    ]


def test_a_real_gap_says_how_long_the_class_waits_and_why_with_tested_suggestions() -> None:
    """The library closes for week 2; each class's week-1 session is its only slot, so the wait
    runs past max_gap_days: the sentence gives the wait, the limit and the lost session; the longer
    limit solves, and a wider window clears this class's gap (the other class's gap remains)."""
    scenario = schools.library_closed_for_a_week()
    rota = explained(scenario)
    assert sorted(u.subject for u in rota.unmet if u.kind == "gap") == ["1-1/reading", "1-2/reading"]
    [unmet] = [u for u in rota.unmet if u.subject == "1-2/reading"]
    assert unmet.explanation is not None
    assert unmet.explanation.text == (
        "Class 1-2 waits 14 days for reading (7 Sep to 21 Sep), but at most 10 are allowed: 1 session(s) "
        "lost (repairs); no free slot of lunch 11:30–11:50 in between can take a make-up"
    )
    suggestions = unmet.explanation.suggestions
    assert suggestions[0].text == "let a class wait up to 14 days between reading sessions instead of 10"
    assert suggestions[0].solves and len(suggestions) >= 2
    for suggestion in suggestions:
        changed = apply_change(scenario, suggestion.change)
        assert changed is not None
        again = solve(changed, OPTIONS)
        assert [v for v in verify(changed, again) if not v.listed_unmet] == []
        assert not any(u.subject == unmet.subject for u in again.unmet), suggestion
        assert suggestion.solves == (not again.unmet), suggestion


UNMET_SCHOOLS = [
    *(make for make, _, _ in TERM.values()),
    schools.library_closed_for_a_week,
]


@pytest.mark.parametrize("make", UNMET_SCHOOLS, ids=lambda make: make.__name__)
def test_every_unmet_item_is_explained_even_with_no_time_left(make: Callable[[], Scenario]) -> None:
    """Through the service every unmet item (gaps included) has its explanation; with no time to
    test a suggestion, each still has its sentence."""
    scenario = make()
    rota = explained(scenario)
    assert rota.unmet and all(u.explanation is not None and u.explanation.text for u in rota.unmet)
    bare = rota.model_copy(update={"unmet": [u.model_copy(update={"explanation": None}) for u in rota.unmet]})
    late = explain_unmet(scenario, bare, RunControl(0.0))
    assert [u.explanation.text if u.explanation else None for u in late.unmet] == [
        u.explanation.text if u.explanation else None for u in rota.unmet
    ]
    assert all(u.explanation is not None and u.explanation.suggestions == [] for u in late.unmet)
