"""same_slot_every_week (SameSlotEveryWeek): a week in which a class's session is not where it was a
turn earlier costs weight 4."""

from __future__ import annotations

from typing import Any

from rota_solver.scenario import Scenario
from tests.factories import rule, tiny_school
from tests.model.helpers import solve_and_verify, term


def school(busy: bool) -> Scenario:
    """Mondays only; two 30-minute lunch slots (11:30, 12:00) in a room for one class.

    1-1 reads every week. 2-1 and 2-2 borrow every other week (one in week A, one in B), in the same
    room. With ``busy``, 2-1 can only take 12:00 and 2-2 only 11:30, so 1-1 must switch slots
    between A and B.
    """
    first: list[dict[str, Any]] = [{"day": "mon", "start": "11:30", "end": "12:00"}] if busy else []
    second: list[dict[str, Any]] = [{"day": "mon", "start": "12:00", "end": "12:30"}] if busy else []
    return tiny_school(
        term={"start": "2026-09-07", "end": "2026-09-18", "weekdays": ["mon"]},
        classes=[
            {"id": "1-1", "grade": 1, "size": 30},
            {"id": "2-1", "grade": 2, "size": 30, "busy": first},
            {"id": "2-2", "grade": 2, "size": 30, "busy": second},
        ],
        rules=[
            rule(duration_minutes=30),
            rule(
                id="borrowing",
                kind="borrowing",
                grades=[2],
                duration_minutes=30,
                frequency={"every_weeks": 2},
            ),
        ],
    )


def test_a_class_pushed_out_of_its_slot_in_week_b_pays_once_a_cycle() -> None:
    rota = solve_and_verify(school(busy=True))
    # Cycle of 2 weeks. 1-1's slot differs between A and B: week B is compared with week A,
    # 1 moved session x weight 4. The every-other-week classes have no earlier turn in the cycle.
    same = term(rota, "SameSlotEveryWeek")
    assert (same.units, same.cost, same.bearers) == (1, 4, {"1-1": 1})
    assert rota.report.objective == 4
    slots = {s.cycle_week: s.start.isoformat() for s in rota.pattern if s.class_id == "1-1"}
    assert sorted(slots.values()) == ["11:30:00", "12:00:00"]


def test_a_class_free_to_stay_keeps_its_slot() -> None:
    rota = solve_and_verify(school(busy=False))
    same = term(rota, "SameSlotEveryWeek")
    assert (same.units, same.cost, same.bearers) == (0, 0, {})
    assert rota.report.objective == 0
    assert len({s.start for s in rota.pattern if s.class_id == "1-1"}) == 1
