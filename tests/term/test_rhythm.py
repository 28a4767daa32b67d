"""A fortnightly activity keeps its rhythm: 14 days apart, unless a holiday forces otherwise, and then
the rota's ActivityRhythm penalty names the occurrence (issue 14 item 3)."""

from __future__ import annotations

import itertools
from typing import Any

from rota_solver.scenario import Scenario
from tests.factories import tiny_school
from tests.model.helpers import term
from tests.term.helpers import events_of, solve_term


def helpers_meeting_school(**term_overrides: Any) -> Scenario:
    """The helpers meet every two weeks for 20 minutes at lunch, with the librarian; eight weeks."""
    return tiny_school(
        term={"start": "2026-09-07", "end": "2026-10-30", **term_overrides},
        activities=[
            {
                "id": "helpers",
                "kind": "meeting",
                "participants": {"staff": ["lib"]},
                "when": {"every_weeks": 2},
                "duration_minutes": 20,
                "windows": ["afternoon"],
                "room": "library",
            }
        ],
    )


def test_a_fortnightly_meeting_is_14_days_apart() -> None:
    rota = solve_term(helpers_meeting_school())

    dates = sorted(e.date for e in events_of(rota, "helpers"))
    assert len(dates) == 4
    assert [(b - a).days for a, b in itertools.pairwise(dates)] == [14, 14, 14]
    rhythm = term(rota, "ActivityRhythm")
    assert rhythm.units == 0


def test_a_closure_on_the_rhythm_moves_one_occurrence_and_the_rota_says_which() -> None:
    # Ms Lee can meet only on Wednesdays. Closed Wed 23 Sep (weeks 1-2's rhythm, 14 days after
    # 9 Sep) and Wed 14 Oct (the other rhythm, 14 days after 30 Sep): whichever week of the block
    # the meeting keeps, one occurrence must take the other Wednesday of its block.
    scenario = helpers_meeting_school(
        closures=[{"name": "Sports day", "start": "2026-09-23"}, {"name": "Open day", "start": "2026-10-14"}]
    )
    data = scenario.model_dump(mode="json", exclude_unset=True)
    data["staff"][0]["availability"] = [{"days": ["wed"], "start": "08:00", "end": "17:00"}]
    rota = solve_term(Scenario.model_validate(data))

    dates = sorted(e.date for e in events_of(rota, "helpers"))
    gaps = [(b - a).days for a, b in itertools.pairwise(dates)]
    assert len(dates) == 4 and sorted(gaps) in ([7, 14, 21], [14, 14, 21], [7, 14, 14]), dates
    rhythm = term(rota, "ActivityRhythm")
    assert rhythm.units == 1 and len(rhythm.bearers) == 1
    [moved] = rhythm.bearers
    assert moved.startswith("helpers.")
    assert "holiday or clash" in rhythm.description
