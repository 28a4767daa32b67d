"""Generated schools, rerun after a generated change from a generated day: the verifier finds nothing
beyond what the rota reports unmet, nothing before the freeze changes, an unchanged scenario gives
an empty diff, and every change the diff lists is a real difference."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from rota_solver.errors import CannotRerun, NoRotaExists
from rota_solver.rerun import rerun
from rota_solver.rota import Rota
from rota_solver.scenario import Scenario
from rota_solver.solve import SolveOptions, solve
from rota_solver.verify import verify
from tests.rerun.generated import property_examples
from tests.strategies import schools

EXAMPLES = property_examples(5, 10)
OPTIONS = SolveOptions(time_limit_seconds=10, workers=1, seed=0)


@st.composite
def changes(draw: st.DrawFn, data: dict[str, Any], published: Rota, freeze: dt.date) -> dict[str, Any]:
    """A class loses a table cell to a lesson from the freeze on, a librarian is away some days,
    or a room closes for some days; or nothing changes."""
    kind = draw(st.sampled_from(["lesson", "away", "closed", "none"]))
    days = [d for d in (freeze + dt.timedelta(days=n) for n in range(21)) if d <= published.term_end]
    changed = {**data}
    if kind == "lesson" and published.pattern:
        cell = draw(st.sampled_from(published.pattern))
        lesson = {
            "day": cell.weekday,
            "start": cell.start.isoformat(),
            "end": cell.end.isoformat(),
            "since": freeze.isoformat(),
        }
        changed["classes"] = [
            {**c, "busy": [*c.get("busy", []), lesson]} if c["id"] == cell.class_id else c
            for c in data["classes"]
        ]
    elif kind == "away" and days and data["staff"]:
        who = draw(st.integers(0, len(data["staff"]) - 1))
        off = draw(st.lists(st.sampled_from(days), min_size=1, max_size=5, unique=True))
        staff = [dict(m) for m in data["staff"]]
        staff[who]["days_off"] = sorted({*staff[who].get("days_off", []), *(d.isoformat() for d in off)})
        changed["staff"] = staff
    elif kind == "closed" and days:
        first = draw(st.sampled_from(days))
        room = draw(st.integers(0, len(data["rooms"]) - 1))
        rooms = [dict(r) for r in data["rooms"]]
        last = min(first + dt.timedelta(days=draw(st.integers(0, 9))), published.term_end)
        rooms[room]["closed"] = [{"name": "repairs", "start": first.isoformat(), "end": last.isoformat()}]
        changed["rooms"] = rooms
    return changed


@settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(data=schools(), st_data=st.data())
def test_every_rerun_of_a_generated_school_passes_the_verifier(
    data: dict[str, Any], st_data: st.DataObject
) -> None:
    try:
        scenario = Scenario.model_validate(data)
        published = solve(scenario, OPTIONS)
    except (ValidationError, NoRotaExists):
        return
    term_days = (published.term_end - published.term_start).days
    today = published.term_start + dt.timedelta(days=st_data.draw(st.integers(0, term_days)))

    same = rerun(scenario, published, today=today, options=OPTIONS)
    assert same.diff.empty, same.diff.changes[:3]
    assert same.rota.sessions == published.sessions

    freeze = same.diff.freeze
    try:
        changed = Scenario.model_validate(st_data.draw(changes(data, published, freeze)))
        result = rerun(changed, published, today=today, options=OPTIONS)
    except (ValidationError, NoRotaExists, CannotRerun):
        return
    violations = verify(changed, result.rota)
    assert all(v.listed_unmet for v in violations), violations
    assert [s for s in result.rota.sessions if s.date < freeze] == [
        s for s in published.sessions if s.date < freeze
    ]
    for change in result.diff.changes:
        assert change.first_date >= freeze
        assert change.before != change.after
