"""An independent check of a rota against the scenario's hard rules.

Plain Python over the dated sessions and placed events, sharing no code with the CP-SAT models,
so that a modelling mistake in the solver cannot hide itself: every rule is restated here from
the scenario and the term calendar alone. Only the rule ids (:mod:`rota_solver.rules`) are shared.

Sessions of every origin (weekly pattern, make-up, returns) obey the same slot, class, room and
staff rules; timed activity events and stocktake shifts share the classes, rooms and people with
them. An all-day event takes its classes away for the day and gives its room over to it.

One module per rule family: ``sessions``, ``classes``, ``rooms``, ``staff``, ``stocktake``,
``activities``, ``summaries``; ``index`` and ``_common`` hold what they share.
"""

from __future__ import annotations

from ..rota import Rota
from ..scenario import Scenario
from ._common import Check, Violation
from .activities import check_activity_placed
from .classes import (
    check_class_not_busy,
    check_class_one_session_at_a_time,
    check_frequency,
    check_gap_limit,
    check_pinned_session_kept,
    check_spacing,
    check_table_kept,
)
from .rooms import check_room_capacity, check_room_open
from .sessions import (
    check_no_duplicate_session_ids,
    check_rule_matches_session,
    check_session_in_allowed_window,
    check_session_on_school_day,
    check_times_in_school_timezone,
)
from .staff import (
    check_helpers_own_class_free,
    check_staff_available,
    check_staff_daily_cap,
    check_staff_one_place_at_a_time,
    check_staffing,
)
from .stocktake import check_no_borrowing_during_stocktake, check_returns_before_due
from .summaries import check_summary_adds_up

CHECKS: tuple[Check, ...] = (
    check_session_on_school_day,
    check_times_in_school_timezone,
    check_rule_matches_session,
    check_session_in_allowed_window,
    check_class_not_busy,
    check_class_one_session_at_a_time,
    check_room_capacity,
    check_room_open,
    check_frequency,
    check_table_kept,
    check_pinned_session_kept,
    check_spacing,
    check_staffing,
    check_staff_available,
    check_staff_one_place_at_a_time,
    check_staff_daily_cap,
    check_helpers_own_class_free,
    check_no_duplicate_session_ids,
    check_gap_limit,
    check_returns_before_due,
    check_no_borrowing_during_stocktake,
    check_activity_placed,
    check_summary_adds_up,
)
"""Every check, in the order verify runs them."""


def verify(scenario: Scenario, rota: Rota) -> list[Violation]:
    """Every hard-rule violation of the rota's dated sessions and events, check by check in CHECKS order."""
    return [violation for check in CHECKS for violation in check(scenario, rota)]


__all__ = [
    "CHECKS",
    "Check",
    "Violation",
    "check_activity_placed",
    "check_class_not_busy",
    "check_class_one_session_at_a_time",
    "check_frequency",
    "check_gap_limit",
    "check_helpers_own_class_free",
    "check_no_borrowing_during_stocktake",
    "check_no_duplicate_session_ids",
    "check_pinned_session_kept",
    "check_returns_before_due",
    "check_room_capacity",
    "check_room_open",
    "check_rule_matches_session",
    "check_session_in_allowed_window",
    "check_session_on_school_day",
    "check_spacing",
    "check_staff_available",
    "check_staff_daily_cap",
    "check_staff_one_place_at_a_time",
    "check_staffing",
    "check_summary_adds_up",
    "check_table_kept",
    "check_times_in_school_timezone",
    "verify",
]
