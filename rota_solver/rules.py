"""One id per hard-rule family, shared by the model's rule, the verifier's check, the explainer's
group kinds and the printed labels, so that one rule has one name everywhere.

The lowest layer of the package: it imports nothing from it, and holds names only, never logic
(the verifier still shares no code with the model).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class RuleId(StrEnum):
    """A hard-rule family. The values are the verifier's rule names, as ``Violation.rule`` prints them."""

    SESSION_ON_SCHOOL_DAY = "SessionOnSchoolDay"
    """A session is on a school day and carries its timetable weekday, teaching week and week label."""
    TIMES_IN_SCHOOL_TIMEZONE = "TimesInSchoolTimezone"
    """Start and end are aware times in the school's timezone, on the date, the rule's duration apart."""
    RULE_MATCHES_SESSION = "RuleMatchesSession"
    """A session's rule exists and applies to its class, in the rule's room and of its kind."""
    SESSION_IN_ALLOWED_WINDOW = "SessionInAllowedWindow"
    """A session fills one slot of one of its rule's windows, on a weekday the window exists."""
    CLASS_NOT_BUSY = "ClassNotBusy"
    """A class never comes while its own timetable has it elsewhere."""
    CLASS_ONE_SESSION_AT_A_TIME = "ClassOneSessionAtATime"
    """A class is in one session or event at a time, and in none on the day of its all-day event."""
    ROOM_CAPACITY = "RoomCapacity"
    """A room never holds more classes than classes_at_once, nor more people than its seats."""
    ROOM_OPEN = "RoomOpen"
    """Nothing takes place in a room on a day it is closed."""
    TABLE_KEPT = "TableKept"
    """Every weekly-table cell on every school day following its weekday is held there or listed lost."""
    PINNED_SESSION_KEPT = "PinnedSessionKept"
    """Each pin of the scenario ("keep this session here") is a cell of the weekly table: the class's
    session of the rule in the pin's cycle week, on its weekday at its start time."""
    FREQUENCY = "Frequency"
    """Each class comes as often as its rule asks, in its phase, with phases balanced over the classes."""
    SPACING = "Spacing"
    """A class's sessions of one rule in a week are at least min_days_apart days apart."""
    STAFFING = "Staffing"
    """A session has exactly the staff its rule asks for, by role."""
    STAFF_AVAILABLE = "StaffAvailable"
    """Staff work only in their weekly hours and not on days off; helper groups only in their windows."""
    STAFF_ONE_PLACE_AT_A_TIME = "StaffOnePlaceAtATime"
    """A person or helper group is on one duty at a time (several classes sharing one duty is one)."""
    STAFF_DAILY_CAP = "StaffDailyCap"
    """Nobody has more duties in a day than their max_sessions_per_day."""
    HELPERS_OWN_CLASS_FREE = "HelpersOwnClassFree"
    """Helpers are never on duty while their own class is busy or in a session."""
    NO_DUPLICATE_SESSION_IDS = "NoDuplicateSessionIds"
    """Session ids are unique among sessions, and event ids among events."""
    GAP_LIMIT = "GapLimit"
    """No class waits longer than its rule's gap limit between sessions."""
    RETURNS_BEFORE_DUE = "ReturnsBeforeDue"
    """With a stocktake, each borrowing class has one final returns session, on or
    before the day loans are due."""
    NO_BORROWING_DURING_STOCKTAKE = "NoBorrowingDuringStocktake"
    """No borrowing from loans_due on, no session on stocktake days, and every stocktake shift staffed."""
    ACTIVITY_PLACED = "ActivityPlaced"
    """Each activity takes place once per occurrence and participant, as the activity asks."""
    SUMMARY_ADDS_UP = "SummaryAddsUp"
    """Each class's summary row counts the rota's own sessions and losses, and its columns add up."""


GROUP_RULES: Mapping[str, tuple[RuleId, ...]] = MappingProxyType(
    {
        # The explainer's GroupKind (rota_solver.conflict), kept as the API's JSON values, and the
        # rules whose constraints it switches off. ``staff`` is one person's hours and daily cap together.
        "demand": (RuleId.FREQUENCY,),
        "spacing": (RuleId.SPACING,),
        "phases": (RuleId.FREQUENCY,),
        "timetable": (RuleId.CLASS_NOT_BUSY,),
        "room": (RuleId.ROOM_CAPACITY,),
        "seats": (RuleId.ROOM_CAPACITY,),
        "staffing": (RuleId.STAFFING,),
        "staff": (RuleId.STAFF_AVAILABLE, RuleId.STAFF_DAILY_CAP),
        "helper_class": (RuleId.HELPERS_OWN_CLASS_FREE,),
        "activity": (RuleId.ACTIVITY_PLACED,),
        "returns": (RuleId.RETURNS_BEFORE_DUE,),
        "stocktake_shift": (RuleId.NO_BORROWING_DURING_STOCKTAKE,),
        "pin": (RuleId.PINNED_SESSION_KEPT,),
    }
)
"""Explainer group kind -> the rule families its group belongs to."""


KEPT_ELSEWHERE: Mapping[RuleId, tuple[str, ...]] = MappingProxyType(
    {
        # The weekly model's HARD_RULES state the other rules; these the solver keeps by construction
        # (variables exist only where the rule allows) or in the term stage. Dotted names, tested to exist.
        RuleId.SESSION_ON_SCHOOL_DAY: ("rota_solver.expand.expand_pattern", "rota_solver.term.plan"),
        RuleId.TIMES_IN_SCHOOL_TIMEZONE: ("rota_solver.expand.expand_pattern", "rota_solver.term"),
        RuleId.RULE_MATCHES_SESSION: ("rota_solver.model.variables.build_variables",),
        RuleId.SESSION_IN_ALLOWED_WINDOW: ("rota_solver.slots.rule_slots",),
        RuleId.ROOM_OPEN: ("rota_solver.expand.expand_pattern", "rota_solver.term.items.SpotFinder"),
        RuleId.NO_DUPLICATE_SESSION_IDS: ("rota_solver.expand.expand_pattern", "rota_solver.term"),
        RuleId.GAP_LIMIT: ("rota_solver.term.model.gaps_within_limit",),
        RuleId.RETURNS_BEFORE_DUE: ("rota_solver.term.plan.returns_items",),
        RuleId.NO_BORROWING_DURING_STOCKTAKE: (
            "rota_solver.term.plan.stop_for_stocktake",
            "rota_solver.term.plan.shift_items",
        ),
        RuleId.ACTIVITY_PLACED: (
            "rota_solver.term.plan.activity_items",
            "rota_solver.term.model.each_item_placed_once",
        ),
        RuleId.SUMMARY_ADDS_UP: ("rota_solver.expand.summarise",),
        RuleId.TABLE_KEPT: ("rota_solver.expand.expand_pattern", "rota_solver.term.plan.stop_for_stocktake"),
    }
)
"""Rule families no weekly hard-rule function states, and where the solver keeps each."""
