"""Build the term stage's items: returns, activities, stocktake shifts and make-up candidates."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ..rota import DatedSession, LostSession, Unmet
from ..scenario import GradeRule, Scenario, minutes
from ..term_calendar import SchoolDay, TermCalendar, occurrence_days
from .items import Fixed, Item, Spot, SpotFinder
from .layer import TermLayer


@dataclass
class TermInputs:
    """Everything the term model needs: what is fixed, and what is to be placed."""

    held: list[DatedSession]
    """Pattern sessions that take place for sure, unless listed in ``displaceable``."""
    lost: list[LostSession]
    displaceable: dict[str, list[str]] = field(default_factory=dict)
    """Pattern session id -> ids of the items (orientation, event day) it may give way to."""
    items: list[Item] = field(default_factory=list)
    stops: dict[str, dt.date] = field(default_factory=dict)
    """Rule id -> last date its gap limit is measured to (a school day: see :func:`rule_stops`)."""
    gap_days: dict[str, list[dt.date]] = field(default_factory=dict)
    """Rule id -> the days its gap limit counts, in order (see :func:`gap_days`)."""
    settled_unmet: list[Unmet] = field(default_factory=list)
    """Requirements a layer (a rerun) carries over unmet, their chance gone before its freeze."""
    finder: SpotFinder | None = None
    """What found the items' spots: its answers, cached, serve the term models too."""


SpotKeep = Callable[[Item], frozenset[tuple[dt.date, int]] | None]
"""For a rerun's reduced model: the only spots, as (date, start minute), an item may take, or ``None``
for all of them (see :func:`build_inputs`)."""


def limited_by_keep(item: Item) -> bool:
    """Whether :func:`build_inputs`'s ``keep`` limits the item's spots: not a stocktake shift's (one
    spot), nor an activity's that may displace sessions (:func:`activity_items`)."""
    activity = item.activity
    return item.kind != "shift" and not (activity is not None and (activity.all_day or activity.before_first))


class _Kept:
    """The spots ``keep`` allows one item: all of them, or those it names (looked at day by day, so
    that an item held to one spot costs one day's look-up, not the term's)."""

    def __init__(self, keep: SpotKeep | None, item: Item) -> None:
        self.spots = keep(item) if keep is not None else None
        self.dates = {day for day, _ in self.spots} if self.spots is not None else None

    def day(self, date: dt.date) -> bool:
        return self.dates is None or date in self.dates

    def spot(self, spot: Spot) -> bool:
        return self.spots is None or (spot.date, spot.start) in self.spots


def borrowing_rules(scenario: Scenario) -> list[GradeRule]:
    return [r for r in scenario.rules if r.kind == "borrowing"]


def rule_stops(scenario: Scenario, calendar: TermCalendar) -> dict[str, dt.date]:
    """Last date each rule's gap limit is measured to: the last school day up to the date the rule
    stops (loans due for borrowing, the stocktake eve for the rest if it stops, else the term's end).
    A term that ends with a closure or a weekend has no wait after its last school day."""
    stocktake = scenario.stocktake
    school_days = [d.date for d in calendar.days]
    stops = {}
    for rule in scenario.rules:
        if stocktake is None:
            stop = scenario.term.end
        elif rule.kind == "borrowing":
            stop = stocktake.loans_due
        elif not stocktake.reading_continues:
            stop = stocktake.start - dt.timedelta(days=1)
        else:
            stop = scenario.term.end
        stops[rule.id] = max((d for d in school_days if d <= stop), default=stop)
    return stops


def gap_days(scenario: Scenario, calendar: TermCalendar, stop: dt.date) -> list[dt.date]:
    """The days a gap limit counts, from the term's start to ``stop``: every calendar day, except
    that a stretch with no school holding a holiday or closure (a break, with its weekends) is left
    out by its whole weeks, as the rotation pauses over a week with no school. So a two-week break
    adds nothing to a class's wait, and a one-day closure still counts."""
    school = {d.date for d in calendar.days}
    off = {d.date for d in calendar.days_off if d.kind in ("holiday", "closure")}
    days: list[dt.date] = []
    stretch: list[dt.date] = []
    day = scenario.term.start
    while day <= stop + dt.timedelta(days=1):
        if day <= stop and day not in school:
            stretch.append(day)
        else:
            if stretch and off.intersection(stretch):
                stretch = stretch[len(stretch) // 7 * 7 :]
            days += stretch
            stretch = []
            if day <= stop:
                days.append(day)
        day += dt.timedelta(days=1)
    return days


def stop_for_stocktake(
    scenario: Scenario, sessions: list[DatedSession]
) -> tuple[list[DatedSession], list[LostSession]]:
    """Borrowing ends when loans fall due: a table borrowing session on loans_due or later is lost
    (the loans-due day is for returns only: the final returns session may be held on it, as an
    extra session, but no ordinary borrowing); other sessions pause on stocktake days unless they go on."""
    stocktake = scenario.stocktake
    if stocktake is None:
        return sessions, []
    words = _STOCKTAKE_WORDS[scenario.school.locale]
    borrowing = {r.id for r in borrowing_rules(scenario)}
    kept, lost = [], []
    for s in sessions:
        if s.origin != "pattern":
            kept.append(s)  # a rerun's published make-ups and returns session: placed with this in view
            continue
        if s.rule_id in borrowing and s.date >= stocktake.loans_due:
            reason = words[0]
        elif (
            s.rule_id not in borrowing
            and not stocktake.reading_continues
            and stocktake.start <= s.date <= stocktake.end
        ):
            reason = words[1]
        else:
            kept.append(s)
            continue
        lost.append(
            LostSession(
                date=s.date,
                rule_id=s.rule_id,
                class_id=s.class_id,
                start=s.start.time(),
                reason=reason,
                cause="stocktake",
            )
        )
    return kept, lost


_STOCKTAKE_WORDS = {
    "zh-CN": ("图书清点：借阅已截止", "图书清点：阅览暂停"),
    "en": ("stocktake: borrowing has closed", "stocktake: reading paused"),
}


def activity_items(
    scenario: Scenario, calendar: TermCalendar, finder: SpotFinder, keep: SpotKeep | None = None
) -> list[Item]:
    """Each activity's occurrences (per class, teacher group or all together), with their spots; an
    activity that may displace sessions (all-day, or ``before_first``) always with all of them, since
    which sessions may give way follows from its spots (:func:`displaceable_sessions`)."""
    items = []
    sizes = {c.id: c.pupils for c in scenario.classes}
    for activity in scenario.activities:
        who = activity.participants
        classes = [c.id for c in scenario.activity_classes(activity)]
        helpers = [g.id for g in scenario.activity_helper_groups(activity)]
        helper_seats = sum(g.members for g in scenario.helper_groups if g.id in helpers)
        instances: list[tuple[str, tuple[str, ...], tuple[str, ...], int]] = []
        if who.each_class:
            instances = [(f".{c}", (c,), (), sizes[c]) for c in classes]
        elif who.teacher_groups:
            members = {t.id: t.members for t in scenario.teacher_groups}
            instances = [(f".{t}", tuple(classes), (t,), members[t]) for t in who.teacher_groups]
        else:
            instances = [("", tuple(classes), (), sum(sizes[c] for c in classes) + helper_seats)]
        for occurrence, days in enumerate(occurrence_days(calendar, activity), start=1):
            for suffix, its_classes, groups, seats in instances:
                item = Item(
                    key=f"{activity.id}.{occurrence}{suffix}",
                    kind="activity",
                    label=activity.name or activity.id,
                    required=True,
                    spots=[],
                    room=activity.room,
                    seats=seats,
                    staffing=dict(activity.staffing),
                    classes=its_classes,
                    helper_groups=tuple(helpers),
                    staff=tuple(who.staff),
                    teacher_groups=groups,
                    activity=activity,
                    occurrence=occurrence,
                    all_day=activity.all_day,
                    last_day=max((d.date for d in days), default=None),
                )
                if activity.all_day:
                    item.spots = [Spot(d.date, 0, 0, "", d.follows) for d in days]
                else:
                    assert activity.duration_minutes is not None
                    kept = _Kept(None if activity.before_first else keep, item)
                    item.spots = finder.usable_spots(
                        item,
                        (
                            spot
                            for d in days
                            if kept.day(d.date)
                            for spot in finder.window_spots(d, activity.windows, activity.duration_minutes)
                            if kept.spot(spot)
                        ),
                    )
                items.append(item)
    return items


def returns_items(
    scenario: Scenario,
    calendar: TermCalendar,
    finder: SpotFinder,
    held: list[DatedSession],
    keep: SpotKeep | None = None,
) -> list[Item]:
    """One final returns session per borrowing class: its last borrowing session in the returns
    window turned into one, or an extra session in a free slot. An item ``keep`` limits still gets
    one free slot if it has any: whether it has one decides the class's make-ups near the end
    (:func:`makeup_items`), as without the limit."""
    stocktake = scenario.stocktake
    if stocktake is None:
        return []
    first = stocktake.loans_due - dt.timedelta(days=stocktake.returns_within_days - 1)
    days = [d for d in calendar.days if first <= d.date <= stocktake.loans_due]
    label = {"zh-CN": "还书", "en": "Return all books"}[scenario.school.locale]
    items = []
    rules = borrowing_rules(scenario)
    own: dict[tuple[str, str], list[DatedSession]] = defaultdict(list)
    for s in held:
        own[(s.class_id, s.rule_id)].append(s)
    for rule in rules:
        for school_class in scenario.rule_classes(rule):
            item = Item(
                key=f"returns.{school_class.id}"
                if len(rules) == 1
                else f"returns.{rule.id}.{school_class.id}",
                kind="returns",
                label=label,
                required=True,
                spots=[],
                room=rule.room,
                seats=school_class.pupils,
                staffing=dict(rule.staffing),
                classes=(school_class.id,),
                rule_id=rule.id,
            )
            # The final session: the class's last borrowing session if it falls in the window,
            # or an extra one after it.
            last = max(own.get((school_class.id, rule.id), []), key=lambda s: s.start, default=None)
            after = (last.date, minutes(last.end.time())) if last is not None else (first, 0)
            if last is not None and last.date >= first:
                item.convertible = [last.id]
            candidates = [
                s
                for d in days
                for s in finder.window_spots(d, rule.windows, rule.duration_minutes)
                if (s.date, s.start) >= after
            ]
            kept = _Kept(keep, item)
            item.spots = finder.usable_spots(item, (s for s in candidates if kept.spot(s)))
            if not item.spots and kept.spots is not None:
                item.spots = next(([s] for s in candidates if finder.usable(item, s)), [])
            items.append(item)
    return items


def shift_items(scenario: Scenario, calendar: TermCalendar, finder: SpotFinder) -> list[Item]:
    stocktake = scenario.stocktake
    if stocktake is None:
        return []
    label = {"zh-CN": "图书清点", "en": "Stocktake"}[scenario.school.locale]
    items = []
    for day in calendar.days:
        if not stocktake.start <= day.date <= stocktake.end:
            continue
        for i, shift in enumerate(stocktake.shifts):
            window = scenario.window(shift.window)
            if day.follows not in scenario.window_days(window):
                continue
            start, end = scenario.window_span(window, day.follows)
            spot = Spot(day.date, minutes(start), minutes(end), window.id, day.follows)
            item = Item(
                key=f"stocktake.{day.date.isoformat()}.{i + 1}",
                kind="shift",
                label=label,
                required=True,
                spots=[],
                room=None,
                seats=0,
                staffing=dict(shift.staffing),
                last_day=day.date,
            )
            item.spots = [spot] if finder.usable(item, spot) else []
            items.append(item)
    return items


def displaceable_sessions(
    scenario: Scenario, held: list[DatedSession], items: list[Item]
) -> dict[str, list[str]]:
    """Pattern sessions that may give way: before a class's orientation, or on an event day."""
    out: dict[str, list[str]] = defaultdict(list)
    by_class: dict[str, list[DatedSession]] = defaultdict(list)
    for s in held:
        by_class[s.class_id].append(s)
    for item in items:
        activity = item.activity
        if activity is None or not item.spots:
            continue
        last = max(spot.date for spot in item.spots)
        dates = {spot.date for spot in item.spots}
        if activity.before_first:
            for class_id in item.classes:
                for s in by_class[class_id]:
                    if s.rule_id in activity.before_first and s.date <= last:
                        out[s.id].append(item.key)
        if activity.all_day:
            for s in held:
                if s.date in dates and (s.class_id in item.classes or s.room_id == activity.room):
                    out[s.id].append(item.key)
    return dict(out)


def makeup_items(
    scenario: Scenario,
    calendar: TermCalendar,
    finder: SpotFinder,
    inputs: TermInputs,
    keep: SpotKeep | None = None,
) -> list[Item]:
    """Make-up candidates for lost sessions (and displaceable ones) that could leave a gap too long."""
    held_dates: dict[tuple[str, str], list[dt.date]] = defaultdict(list)
    for s in inputs.held:
        if s.id not in inputs.displaceable:
            held_dates[(s.class_id, s.rule_id)].append(s.date)
    # Returns sessions count for their borrowing rule: a window they may fill is not a sure gap.
    returns_days = {
        (item.classes[0], item.rule_id): {spot.date for spot in item.spots}
        for item in inputs.items
        if item.kind == "returns"
    }
    stocktake = scenario.stocktake
    returns_from = (
        {
            r.id: stocktake.loans_due - dt.timedelta(days=stocktake.returns_within_days - 1)
            for r in borrowing_rules(scenario)
        }
        if stocktake is not None
        else {}
    )
    days_in_week: dict[int, list[SchoolDay]] = defaultdict(list)
    for d in calendar.days:
        days_in_week[d.teaching_week].append(d)
    losses: list[tuple[str, str, dt.date, str | None]] = [
        (x.class_id, x.rule_id, x.date, None)
        for x in inputs.lost
        if x.cause in ("day_off", "staff_away", "room_closed", "pattern_change")
    ]
    losses += [(s.class_id, s.rule_id, s.date, s.id) for s in inputs.held if s.id in inputs.displaceable]
    one_event_days = _one_event_days(inputs)
    all_day = {i.key for i in inputs.items if i.all_day}
    week_near = _weeks_near(calendar)
    items = []
    counter: dict[tuple[str, str], int] = defaultdict(int)
    for class_id, rule_id, lost_date, session_id in sorted(
        losses, key=lambda x: (x[0], x[1], x[2], x[3] or "")
    ):
        rule = next(r for r in scenario.rules if r.id == rule_id)
        stop = inputs.stops[rule_id]
        if lost_date > stop:
            continue
        sure = [d for d in held_dates[(class_id, rule_id)] if d != lost_date or session_id is None]
        if session_id is not None and (event := _only_event(inputs, session_id, all_day)) is not None:
            # That event takes one day: the class's other sessions it alone could displace are held.
            sure += [d for d in one_event_days[(class_id, rule_id, event)] if d != lost_date]
        if _windows_covered_without(lost_date, sure, rule.gap_limit, inputs.gap_days[rule_id]):
            continue
        if returns_days.get((class_id, rule_id)) and lost_date + dt.timedelta(days=rule.gap_limit) > stop:
            continue  # the returns session near the end keeps the gap
        week = week_near(lost_date)
        # A borrowing class's make-ups come before its final returns session's window.
        last_day = stop if rule_id not in returns_from else returns_from[rule_id] - dt.timedelta(days=1)
        candidate_days = [d for w in (week, week + 1) for d in days_in_week.get(w, []) if d.date <= last_day]
        school_class = scenario.school_class(class_id)
        counter[(class_id, rule_id)] += 1
        item = Item(
            key=f"{rule_id}.{class_id}.makeup{counter[(class_id, rule_id)]}",
            kind="makeup",
            label=rule.name or rule.id,
            required=False,
            spots=[],
            room=rule.room,
            seats=school_class.pupils,
            staffing=dict(rule.staffing),
            classes=(class_id,),
            rule_id=rule_id,
            gives_way_to=session_id,
            lost_date=lost_date,
        )
        same_rule_days = set(held_dates[(class_id, rule_id)])
        kept = _Kept(keep, item)
        item.spots = finder.usable_spots(
            item,
            (
                s
                for d in candidate_days
                if d.date not in same_rule_days and d.date != lost_date and kept.day(d.date)
                for s in finder.window_spots(d, rule.windows, rule.duration_minutes)
                if kept.spot(s)
            ),
        )
        if item.spots:
            items.append(item)
    return items


def _only_event(inputs: TermInputs, session_id: str, all_day: set[str]) -> str | None:
    """The all-day event (of the keys ``all_day``) that is the only thing a displaceable session may
    give way to, if any."""
    keys = set(inputs.displaceable.get(session_id, []))
    if len(keys) != 1:
        return None
    (key,) = keys
    return key if key in all_day else None


def _one_event_days(inputs: TermInputs) -> dict[tuple[str, str, str], list[dt.date]]:
    """(class, rule, event) -> dates of the class's sessions of the rule that only that all-day
    event may displace."""
    all_day = {i.key for i in inputs.items if i.all_day}
    days: dict[tuple[str, str, str], list[dt.date]] = defaultdict(list)
    for s in inputs.held:
        keys = set(inputs.displaceable.get(s.id, []))
        if len(keys) == 1 and keys <= all_day:
            days[(s.class_id, s.rule_id, next(iter(keys)))].append(s.date)
    return days


def _weeks_near(calendar: TermCalendar) -> Callable[[dt.date], int]:
    """The teaching week of a date that may itself be a day off: the week of the nearest school day
    (the first of the date's Monday-to-Sunday week, else the next one's, else the last week)."""
    by_monday: dict[dt.date, int] = {}
    for d in calendar.days:
        monday = d.date - dt.timedelta(days=d.date.weekday())
        by_monday[monday] = min(by_monday.get(monday, d.teaching_week), d.teaching_week)
    ordered = sorted(calendar.days, key=lambda d: d.date)
    dates = [d.date for d in ordered]
    later_min = [0] * len(ordered)
    least = calendar.teaching_weeks
    for i in range(len(ordered) - 1, -1, -1):
        least = min(least, ordered[i].teaching_week)
        later_min[i] = least

    def week_near(day: dt.date) -> int:
        monday = day - dt.timedelta(days=day.weekday())
        if monday in by_monday:
            return by_monday[monday]
        at = bisect.bisect_right(dates, day)
        return later_min[at] if at < len(dates) else calendar.teaching_weeks

    return week_near


def _windows_covered_without(lost: dt.date, sure: list[dt.date], gap: int, counted: list[dt.date]) -> bool:
    """Whether every gap window (``gap`` consecutive days of ``counted``) holding ``lost`` already
    has a sure session; a ``lost`` date left out of the count (in a break) is held by the windows
    next to it."""
    at = bisect.bisect_left(counted, lost)
    inside = at < len(counted) and counted[at] == lost
    first = max(0, at - gap + 1 if inside else at - gap)
    ordered = sorted(sure)
    for i in range(first, min(at, len(counted) - gap) + 1):
        start, end = counted[i], counted[i + gap - 1]
        j = bisect.bisect_left(ordered, start)
        if j == len(ordered) or ordered[j] > end:
            return False
    return True


def build_inputs(
    scenario: Scenario,
    calendar: TermCalendar,
    held: list[DatedSession],
    lost: list[LostSession],
    fixed: Fixed,
    layer: TermLayer | None = None,
    keep: SpotKeep | None = None,
    finder: SpotFinder | None = None,
) -> TermInputs:
    """Items and displaceable sessions; with a ``layer`` (a rerun), only what is not yet settled.

    ``keep`` (a rerun's reduced model) limits items to the spots it names, and saves looking at any
    other: every item the same as without it, but with fewer spots (a returns item keeps one more,
    and an activity that may displace sessions all of them). ``finder``: one from an earlier call
    for the same ``fixed`` and layer, whose cached answers serve this one too."""
    finder = finder or SpotFinder(scenario, calendar, fixed, layer.freeze if layer is not None else None)
    stops = rule_stops(scenario, calendar)
    inputs = TermInputs(
        held=held,
        lost=lost,
        stops=stops,
        gap_days={rule_id: gap_days(scenario, calendar, stop) for rule_id, stop in stops.items()},
        finder=finder,
    )
    inputs.items = returns_items(scenario, calendar, finder, held, keep)
    inputs.items += activity_items(scenario, calendar, finder, keep)
    inputs.items += shift_items(scenario, calendar, finder)
    if layer is not None:
        inputs.settled_unmet = layer.settled_unmet(inputs.items)
        inputs.items = layer.fit_items(inputs.items, held)
    inputs.displaceable = displaceable_sessions(scenario, held, inputs.items)
    if layer is not None:
        inputs.displaceable = layer.fit_displaceable(inputs.displaceable, held)
    makeups = makeup_items(scenario, calendar, finder, inputs, keep)
    if layer is not None:
        inputs.settled_unmet += layer.settled_unmet(makeups)
        makeups = layer.fit_items(makeups, held)
    inputs.items += makeups
    return inputs
