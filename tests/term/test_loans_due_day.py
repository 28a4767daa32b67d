"""Issue 14 item 4: the loans-due day has one meaning everywhere. Loans fall due ON ``loans_due``:
it is the last day a class's final returns session may be held, and from it on (it included) there
is no ordinary borrowing session. The model, the verifier, the field's description and the printout
all say so."""

from __future__ import annotations

import datetime as dt

from rota_solver.labels import labels_for
from rota_solver.rota import Rota
from rota_solver.rules import RuleId
from rota_solver.scenario import Stocktake
from rota_solver.verify import verify
from tests.term.helpers import day, of_origin, solve_term
from tests.term.test_stocktake import LOANS_DUE, pattern, school


def test_a_one_day_returns_window_holds_the_returns_session_on_the_loans_due_day_itself() -> None:
    # returns_within_days=1: the window is the loans-due Friday alone. 1-2's table session that day
    # is borrowing and so lost; its final returns session is held that same day, as is 1-1's.
    scenario = school({"returns_within_days": 1})
    rota = solve_term(scenario, pattern)

    for class_id in ("1-1", "1-2"):
        [returns] = of_origin(rota, "returns", class_id)
        assert returns.date == LOANS_DUE
    borrowing = [s for s in rota.sessions if s.rule_id == "borrowing" and s.origin != "returns"]
    assert max(s.date for s in borrowing) < LOANS_DUE
    assert [(x.class_id, x.cause) for x in rota.lost if x.date == LOANS_DUE] == [("1-2", "stocktake")]


def _moved(rota: Rota, session_id: str, to: dt.date) -> Rota:
    sessions = []
    for s in rota.sessions:
        if s.id == session_id:
            shift = dt.timedelta(days=(to - s.date).days)
            s = s.model_copy(update={"date": to, "start": s.start + shift, "end": s.end + shift})
        sessions.append(s)
    return rota.model_copy(update={"sessions": sessions})


def test_the_verifier_takes_returns_on_the_loans_due_day_and_nothing_after_it() -> None:
    scenario = school({"returns_within_days": 1})
    rota = solve_term(scenario, pattern)
    [returns] = of_origin(rota, "returns", "1-1")
    assert verify(scenario, rota) == []

    # The day after loans are due is too late for the returns session.
    late = verify(scenario, _moved(rota, returns.id, LOANS_DUE + dt.timedelta(days=1)))
    assert RuleId.RETURNS_BEFORE_DUE in {v.rule for v in late}

    # An ordinary borrowing session on the loans-due day is borrowing after loans closed.
    as_borrowing = [
        s.model_copy(update={"origin": "pattern", "kind": "borrowing", "id": "plain"})
        if s.id == returns.id
        else s
        for s in rota.sessions
    ]
    found = verify(scenario, rota.model_copy(update={"sessions": as_borrowing}))
    assert any(v.rule == RuleId.NO_BORROWING_DURING_STOCKTAKE and "plain" in v.session_ids for v in found), (
        found
    )


def test_the_day_before_loans_are_due_still_borrows() -> None:
    scenario = school({"returns_within_days": 1})
    rota = solve_term(scenario, pattern)
    thursday_before = [s for s in rota.sessions if s.date == day("2026-10-22")]
    assert all(s.origin == "pattern" for s in thursday_before)
    moved = [s for s in rota.sessions if s.rule_id == "borrowing" and s.origin == "pattern"][-1]
    # Moved onto the day before loans are due, an ordinary borrowing session breaks no stocktake rule.
    found = verify(scenario, _moved(rota, moved.id, day("2026-10-22")))
    assert not {RuleId.NO_BORROWING_DURING_STOCKTAKE} & {v.rule for v in found}


def test_the_words_say_the_same() -> None:
    description = Stocktake.model_fields["loans_due"].description or ""
    assert "last day" in description and "returns" in description and "this day included" in description
    zh = labels_for("zh-CN").heading("loans_due_note")
    assert "当天前" not in zh and "最迟当天" in zh and "只还不借" in zh
    en = labels_for("en").heading("loans_due_note")
    assert "end of this day" in en and "returns only, no borrowing" in en


def test_a_returns_session_at_the_time_of_the_cell_borrowing_lost_holds_that_cell() -> None:
    # 1-2 is busy in Friday's second period, so its final returns session on the loans-due Friday
    # can only be at 14:00: the very cell borrowing lost that day. The class comes as usual, to
    # return its books; the cell is not also listed lost (the verifier refuses "held and lost").
    classes = [
        {"id": "1-1", "name": "Class 1-1", "grade": 1, "size": 30},
        {"id": "1-2", "name": "Class 1-2", "grade": 1, "size": 30, "busy": [{"day": "fri", "period": "p6"}]},
    ]
    scenario = school({"returns_within_days": 1}, classes=classes)
    rota = solve_term(scenario, pattern)

    [returns] = of_origin(rota, "returns", "1-2")
    assert (returns.date, returns.start.time()) == (LOANS_DUE, dt.time(14, 0))
    assert [x for x in rota.lost if x.date == LOANS_DUE] == []
