"""Why no rota exists, in the librarian's words: counting checks of demand against supply."""

from __future__ import annotations

from .scenario import GradeRule, Scenario
from .slots import Slot, class_busy_at, rule_slots, staff_available_at


def explain_infeasibility(scenario: Scenario) -> list[str]:
    """Sentences naming the requirements that cannot all be met, with their figures.

    Each check is a necessary condition; when none fails, the conflict lies in how several
    rules interact, and the answer says so rather than a bare "infeasible".
    """
    found = _class_free_days(scenario) + _room_supply(scenario) + _staff_supply(scenario)
    return found or [
        "the rules together leave no possible rota, though each passes the simple counts: "
        "try allowing more windows or days, or fewer sessions per week"
    ]


def _class_free_days(scenario: Scenario) -> list[str]:
    out = []
    for rule in scenario.rules:
        slots = rule_slots(scenario, rule)
        for school_class in scenario.rule_classes(rule):
            free_days = sorted(
                {s.weekday for s in slots if not class_busy_at(scenario, school_class, s)},
                key=scenario.term.weekdays.index,
            )
            need = rule.frequency.sessions
            # Spaced days: greedily the most that fit at least min_days_apart apart.
            order = {d: i for i, d in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}
            spaced: list[str] = []
            for day in free_days:
                if not spaced or order[day] - order[spaced[-1]] >= rule.spacing.min_days_apart:
                    spaced.append(day)
            if len(spaced) < need:
                out.append(
                    f"class {school_class.label} needs {need} {_rule_name(rule)} session(s) a week "
                    f"{rule.spacing.min_days_apart} day(s) apart, but its timetable leaves the rule's "
                    f"windows free only on {', '.join(free_days) or 'no day'}"
                )
    return out


def _room_supply(scenario: Scenario) -> list[str]:
    out = []
    for room in scenario.rooms:
        rules = [r for r in scenario.rules if r.room == room.id]
        demand = 0.0
        slots: set[Slot] = set()
        for rule in rules:
            demand += len(scenario.rule_classes(rule)) * rule.frequency.sessions / rule.frequency.weeks
            slots |= set(rule_slots(scenario, rule))
        supply = _disjoint_count(slots) * room.classes_at_once
        if demand > supply:
            out.append(
                f"{room.name or room.id}: {', '.join(_rule_name(r) for r in rules)} need {demand:g} class "
                f"sessions a week, but the room has only {supply} (slots x {room.classes_at_once} "
                "class(es) at once) in the allowed windows"
            )
    return out


def _staff_supply(scenario: Scenario) -> list[str]:
    out = []
    for rule in scenario.rules:
        slots = rule_slots(scenario, rule)
        for role, need in rule.staffing.items():
            if need == 0:
                continue
            able = [
                m.id
                for m in scenario.staff
                if m.role == role and any(staff_available_at(scenario, m, s) for s in slots)
            ] + [
                g.id
                for g in scenario.helper_groups
                if g.role == role and any(s.window_id in g.windows for s in slots)
            ]
            if len(able) < need:
                out.append(
                    f"{_rule_name(rule)} needs {need} {role}(s) per session, but only {len(able)} "
                    f"can work in its windows"
                )
    return out


def _disjoint_count(slots: set[Slot]) -> int:
    """Most sessions that fit one after another: greedy interval scheduling per weekday."""
    total = 0
    for day in sorted({s.weekday for s in slots}):
        end = -1
        for slot in sorted((s for s in slots if s.weekday == day), key=lambda s: s.end):
            if slot.start >= end:
                total += 1
                end = slot.end
    return total


def _rule_name(rule: GradeRule) -> str:
    return rule.name or rule.id
