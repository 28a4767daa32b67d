"""A rerun settles the weekly table in the model of the published cells (and every cell of the
classes a new lesson keeps from one of theirs), not the whole weekly model, when the published
table still holds (a librarian away some days, a room closed for a while) or moving only those
classes is proven to make the fewest changes: the same table, duties, weekly penalty and changes
as the whole model gives, on generated schools and hypothesis-generated ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from bench.rerun import CHANGES
from rota_solver.errors import CannotRerun, NoRotaExists
from rota_solver.rerun import RerunResult, freeze_date, rerun
from rota_solver.rerun.keep import PublishedLayer
from rota_solver.rota import Rota
from rota_solver.scenario import Scenario
from rota_solver.term_calendar import build_term_calendar
from tests.rerun.generated import (
    OPTIONS,
    TODAY,
    Published,
    hidden,
    property_examples,
    published_on_a_drawn_day,
    published_schools,
)
from tests.rerun.test_rerun_fewest_changes_bound import figures
from tests.rerun.test_rerun_property import changes
from tests.strategies import schools

EXAMPLES = property_examples(20, 8)


def both_ways(changed: Scenario, published: Rota, today: dt.date) -> tuple[RerunResult, RerunResult, int]:
    """The rerun as it is (counting the weekly models of the published cells alone that settled the
    table) and with the layer offering no cells of its own (the whole model, as before)."""
    answers: list[bool] = []
    price = PublishedLayer.price_weekly_changes

    def counted(self: PublishedLayer, built: Any, calendar: Any) -> bool:
        held: bool = price(self, built, calendar)
        answers.append(held)
        return held

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(PublishedLayer, "price_weekly_changes", counted)
        quick = rerun(changed, published, today=today, options=OPTIONS)
        settled = int(bool(answers) and answers[0] and len(answers) == 1)
        patch.setattr(PublishedLayer, "own_cells", lambda self, scenario: None)
        whole = rerun(changed, published, today=today, options=OPTIONS)
    return quick, whole, settled


def assert_same(quick: RerunResult, whole: RerunResult) -> None:
    assert quick.rota.pattern == whole.rota.pattern
    assert quick.rota.report.stages[0].status == whole.rota.report.stages[0].status

    assert figures(quick) == figures(whole)
    assert len(quick.diff.changes) == len(whole.diff.changes)


@pytest.fixture(scope="module")
def published() -> Published:
    return published_schools()


@pytest.mark.parametrize("kind", list(CHANGES))
@pytest.mark.parametrize("classes", [24, 36])
def test_the_published_cells_alone_give_the_whole_models_answer(
    kind: str, classes: int, published: Published
) -> None:
    scenario, rota = published(classes)
    freeze = freeze_date(build_term_calendar(scenario), TODAY)
    changed = Scenario.model_validate(CHANGES[kind](scenario.model_dump(mode="json"), rota, freeze))
    quick, whole, settled = both_ways(changed, rota, TODAY)
    assert_same(quick, whole)
    assert not hidden(changed, quick)
    # Settled in the model of the table's own cells (and the moved class's): a leave or a closed room
    # (dated) leaves the table as it is; a lesson on a published cell moves only that class.
    assert settled == 1


@settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(data=schools(), st_data=st.data())
def test_generated_changes_give_the_whole_models_answer(data: dict[str, Any], st_data: st.DataObject) -> None:
    drawn = published_on_a_drawn_day(data, st_data)
    if drawn is None:
        return
    _, rota, today, freeze = drawn
    try:
        changed = Scenario.model_validate(st_data.draw(changes(data, rota, freeze)))
        quick, whole, _ = both_ways(changed, rota, today)
    except (ValidationError, NoRotaExists, CannotRerun):
        return
    assert_same(quick, whole)
    assert hidden(changed, quick) <= hidden(changed, whole)
