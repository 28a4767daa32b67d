"""The dated stage of a rerun on the part of the term its change reaches (rota_solver.term.reach) makes
exactly as few changes as the full dated model, and leaves as little unmet: generated schools of the
benchmark's shape after each of its changes, a school closed for a day or a week (a change reaching
much or all of the school), and hypothesis-generated schools and changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from bench.rerun import CHANGES, school_closed
from rota_solver import term
from rota_solver.errors import CannotRerun, NoRotaExists
from rota_solver.rerun import RerunResult, freeze_date, rerun
from rota_solver.rerun.keep import PublishedLayer
from rota_solver.rota import Rota
from rota_solver.scenario import Scenario
from rota_solver.term import model as term_model
from rota_solver.term_calendar import build_term_calendar
from rota_solver.verify import verify
from tests.rerun.generated import (
    OPTIONS,
    TODAY,
    Published,
    hidden,
    property_examples,
    published_on_a_drawn_day,
    published_schools,
)
from tests.rerun.test_rerun_property import changes
from tests.strategies import schools

EXAMPLES = property_examples(10, 10)

KINDS: dict[str, Callable[[dict[str, Any], Rota, dt.date], dict[str, Any]]] = {
    **CHANGES,
    "school closed a day": lambda data, published, freeze: school_closed(data, published, freeze, days=1),
    "school closed a week": lambda data, published, freeze: school_closed(data, published, freeze, days=7),
}


@pytest.fixture(scope="module")
def published() -> Published:
    return published_schools()


class Reached:
    """Whether the dated stage took the reach's answer or fell back to the full model."""

    def __init__(self) -> None:
        self.proven: list[bool] = []


@pytest.fixture
def reached(monkeypatch: pytest.MonkeyPatch) -> Iterator[Reached]:
    record = Reached()
    solve_in_reach = term._solve_in_reach

    def recorded(*args: Any, **kwargs: Any) -> Any:
        tried = solve_in_reach(*args, **kwargs)
        record.proven.append(tried.solved is not None)
        return tried

    monkeypatch.setattr(term, "_solve_in_reach", recorded)
    yield record


def full_model_rerun(
    monkeypatch: pytest.MonkeyPatch, changed: Scenario, published: Rota, today: dt.date
) -> RerunResult:
    """The rerun as before the reach: the layer names none, so the dated stage runs the full model."""
    with monkeypatch.context() as patch:
        patch.setattr(PublishedLayer, "reach", lambda self, *args: None)
        return rerun(changed, published, today=today, options=OPTIONS)


def assert_same_answer(reduced: RerunResult, full: RerunResult, changed: Scenario) -> None:
    """Nothing the verifier finds that the full model's rota does not have too, and both the dated
    model's optimum: as many changes, as much unmet (in the model's units: gap windows, items) and the
    same wishes' cost. (Which classes bear an unmet gap may differ between two optima, so the rotas'
    unmet lists may count differently. The generated schools meet a verifier finding older than the
    reach, in both rotas alike: a session given way before the freeze to an orientation the change
    then leaves unplaced is "lost for no reason".)"""
    assert hidden(changed, reduced) <= hidden(changed, full)
    assert reduced.rota.report.stages[1].status == full.rota.report.stages[1].status
    assert len(reduced.diff.changes) == len(full.diff.changes)
    wishes = {"MakeupSessions", "DisplacedSessions", "ExtraReturnsSessions", "LessonsTaken", "ActivityRhythm"}
    for result in (reduced, full):
        assert {t.name for t in result.rota.report.terms} >= {"Unmet"}
    figures = [
        (
            sum(t.units for t in result.rota.report.terms if t.name == "Unmet"),
            sum(t.cost for t in result.rota.report.terms if t.name in wishes),
        )
        for result in (reduced, full)
    ]
    assert figures[0] == figures[1]


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize(("classes", "seed"), [(24, 0), (36, 1)])
def test_the_reach_makes_as_few_changes_as_the_full_model(
    kind: str,
    classes: int,
    seed: int,
    published: Published,
    reached: Reached,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scenario, rota = published(classes, seed)
    freeze = freeze_date(build_term_calendar(scenario), TODAY)
    changed = Scenario.model_validate(KINDS[kind](scenario.model_dump(mode="json"), rota, freeze))
    reduced = rerun(changed, rota, today=TODAY, options=OPTIONS)
    assert reduced.rota.report.stages[1].status == "optimal"
    assert not hidden(changed, reduced)
    full = full_model_rerun(monkeypatch, changed, rota, TODAY)
    assert_same_answer(reduced, full, changed)
    assert reached.proven  # the reach was tried (and, when proven, is the answer checked above)


@pytest.mark.parametrize("kind", list(CHANGES))
def test_the_benchmarks_changes_are_proven_on_their_reach(
    kind: str, published: Published, reached: Reached
) -> None:
    """The speed-up is kept: each of bench.rerun's changes is answered by its reach, not the full model."""
    scenario, rota = published(24, 0)
    freeze = freeze_date(build_term_calendar(scenario), TODAY)
    changed = Scenario.model_validate(CHANGES[kind](scenario.model_dump(mode="json"), rota, freeze))
    result = rerun(changed, rota, today=TODAY, options=OPTIONS)
    assert result.rota.report.status == "optimal"
    assert reached.proven == [True]


def test_a_closure_for_the_whole_school_still_works(published: Published, reached: Reached) -> None:
    """A week with no school moves every class's sessions: the reach is everyone, the full model runs
    once (as the held model, needing no bound), proven, and the verifier passes."""
    scenario, rota = published(24, 0)
    freeze = freeze_date(build_term_calendar(scenario), TODAY)
    changed = Scenario.model_validate(school_closed(scenario.model_dump(mode="json"), rota, freeze, days=7))
    result = rerun(changed, rota, today=TODAY, options=OPTIONS)
    assert result.rota.report.stages[1].status == "optimal"
    assert all(v.listed_unmet for v in verify(changed, result.rota))
    before = [s for s in rota.sessions if s.date < freeze]
    assert [s for s in result.rota.sessions if s.date < freeze] == before
    assert reached.proven == [True]
    assert not any(s.date in closed_days(changed) for s in result.rota.sessions)


def closed_days(scenario: Scenario) -> set[dt.date]:
    out = set()
    for closure in scenario.term.closures:
        day = closure.start
        while day <= closure.last:
            out.add(day)
            day += dt.timedelta(days=1)
    return out


@settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(data=schools(), st_data=st.data())
def test_generated_reruns_make_as_few_changes_as_the_full_model(
    data: dict[str, Any], st_data: st.DataObject
) -> None:
    drawn = published_on_a_drawn_day(data, st_data)
    if drawn is None:
        return
    _, rota, today, freeze = drawn
    try:
        changed = Scenario.model_validate(st_data.draw(changes(data, rota, freeze)))
        reduced = rerun(changed, rota, today=today, options=OPTIONS)
    except (ValidationError, NoRotaExists, CannotRerun):
        return
    with pytest.MonkeyPatch.context() as patch:
        full = full_model_rerun(patch, changed, rota, today)
    assert_same_answer(reduced, full, changed)


def test_a_bound_that_wants_far_more_than_its_reach_grows_it_before_any_held_model(
    published: Published, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 48 generated classes the closed room reaches 8 classes, and the bound model's rota gives
    sessions of 12 more their way otherwise than published: the reach takes them in before a held
    model is built (the held model of 8 classes could not have proven it), and the answer is still
    the full model's."""
    scenario, rota = published(48, 0)
    freeze = freeze_date(build_term_calendar(scenario), TODAY)
    change = CHANGES["room closed two weeks"]
    changed = Scenario.model_validate(change(scenario.model_dump(mode="json"), rota, freeze))
    built: list[tuple[str, int]] = []
    build = term_model.build_term_model

    def recorded(tm: term_model.TermModel, *args: Any) -> Any:
        # A bound model keeps the gap limits of its reach's classes only.
        built.append(("held", 0) if tm.gap_classes is None else ("bound", len(tm.gap_classes)))
        return build(tm, *args)

    with monkeypatch.context() as patch:
        patch.setattr(term, "build_term_model", recorded)
        reduced = rerun(changed, rota, today=TODAY, options=OPTIONS)
    # The first bound, then the held and bound models of the grown reach: none held of the first.
    assert [kind for kind, _ in built] == ["bound", "held", "bound"]
    assert built[2][1] > built[0][1]
    assert reduced.rota.report.stages[1].status == "optimal"
    assert not hidden(changed, reduced)
    full = full_model_rerun(monkeypatch, changed, rota, TODAY)
    assert_same_answer(reduced, full, changed)
