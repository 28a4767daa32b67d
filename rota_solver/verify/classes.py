"""Classes: never busy elsewhere, in one place at a time, as often as their rules ask, spaced
apart, and never waiting longer than the gap limit."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict
from itertools import combinations

from ..rota import DatedSession, LostSession, Rota
from ..rules import RuleId
from ..scenario import (
    GradeRule,
    Scenario,
)
from ._common import (
    _DAY,
    _at,
    _busy_on,
    _calendar,
    _classes,
    _describe,
    _describe_event,
    _Found,
    _group,
    _hhmm,
    _is_makeup,
    _overlap,
    _rule_class_ids,
    _rules,
    _school_days,
    _teaching_week_lookup,
    _unmet_note,
    check,
)
from .index import _event_over, _first_event_per_class, _index, _Item


@check(RuleId.CLASS_NOT_BUSY)
def check_class_not_busy(scenario: Scenario, rota: Rota, found: _Found) -> None:
    """No session overlaps a busy period of its class on the weekday the date follows."""
    classes = _classes(scenario)
    for s in rota.sessions:
        school_class = classes.get(s.class_id)
        if school_class is None:
            continue
        for busy in _busy_on(scenario, school_class, s):
            found.add(f"{_describe(scenario, s)} overlaps class {s.class_id}'s {busy} ({s.follows}).", s.id)


@check(RuleId.CLASS_ONE_SESSION_AT_A_TIME)
def check_class_one_session_at_a_time(scenario: Scenario, rota: Rota, found: _Found) -> None:
    """A class is never in two overlapping sessions or timed events, nor in any on the day of its
    all-day event."""
    index = _index(scenario, rota)
    for day, items in index.by_date.items():
        per_class: dict[str, list[_Item]] = defaultdict(list)
        for item in items:
            for class_id in item.classes:
                per_class[class_id].append(item)
        for class_id, group in per_class.items():
            for a, b in combinations(group, 2):
                if _overlap(a.span, b.span):
                    found.add(f"Class {class_id} is in {a.what} and {b.what} at once.", a.id, b.id)
        for event in index.all_day.get(day, []):
            for class_id in dict.fromkeys(event.class_ids):
                for item in per_class.get(class_id, []):
                    all_day = _describe_event(scenario, event)
                    found.add(
                        f"Class {class_id} is at all-day {all_day}, but also in {item.what}.",
                        item.id,
                        event.id,
                    )


class _LostReasons:
    """Whether a pattern session was lost for a reason of the kind its entry names."""

    def __init__(self, scenario: Scenario, rota: Rota) -> None:
        calendar = _calendar(scenario)
        index = _index(scenario, rota)
        self.scenario = scenario
        self.days_off = {d.date for d in calendar.days_off}
        self.school_days = {d.date for d in calendar.days}
        self.closed: dict[dt.date, set[str]] = defaultdict(set)
        for room in scenario.rooms:
            for closure in room.closed:
                day = closure.start
                while day <= closure.last:
                    self.closed[day].add(room.id)
                    day += dt.timedelta(days=1)
        self.week_of = _teaching_week_lookup(scenario)
        self.changeover_week = self.week_of(rota.frozen_before) if rota.frozen_before else None
        self.away: dict[dt.date, set[str]] = defaultdict(set)
        for member in scenario.staff:
            for day in member.days_off:
                self.away[day].add(member.role)
        self.event_classes: dict[dt.date, set[str]] = defaultdict(set)
        self.event_rooms: dict[dt.date, set[str]] = defaultdict(set)
        for day, events in index.all_day.items():
            for event in events:
                self.event_classes[day].update(event.class_ids)
                if event.room_id is not None:
                    self.event_rooms[day].add(event.room_id)
        # (class, rule) -> when each before_first activity's first event for the class is over.
        self.first_over: dict[tuple[str, str], list[dt.datetime]] = defaultdict(list)
        for activity in scenario.activities:
            if not activity.before_first:
                continue
            firsts = _first_event_per_class(scenario, index.activity_events.get(activity.id, []))
            for class_id, event in firsts.items():
                for rule_id in activity.before_first:
                    self.first_over[(class_id, rule_id)].append(_event_over(scenario, event))

    def ok(self, rule: GradeRule, entry: LostSession) -> bool:
        day = entry.date
        if entry.cause == "stocktake":
            stocktake = self.scenario.stocktake
            if stocktake is None:
                return False
            if rule.kind == "borrowing":
                return day >= stocktake.loans_due
            return not stocktake.reading_continues and stocktake.start <= day <= stocktake.end
        if entry.cause == "activity":
            if entry.class_id in self.event_classes.get(day, set()) or rule.room in self.event_rooms.get(
                day, set()
            ):
                return True
            start = _at(day, entry.start)
            return any(start < over for over in self.first_over.get((entry.class_id, rule.id), []))
        if day in self.days_off:
            return True
        if day not in self.school_days:
            return False
        if entry.cause == "room_closed":
            return rule.room in self.closed.get(day, set())
        if entry.cause == "pattern_change":
            # Only in the week a rerun takes effect, where the old table's sessions already held
            # leave the new one no room for this one.
            return self.changeover_week is not None and self.week_of(day) == self.changeover_week
        needed = {role for role, count in rule.staffing.items() if count > 0}
        return bool(needed & self.away.get(day, set()))


def _balance(placed: Counter[int], unplaced: int, returned: int, phases: int, weeks: int) -> Counter[int]:
    """Classes per phase, spreading the classes with no table session over the phases they may be in:
    ``unplaced`` ones with nothing this term, ``returned`` ones whose only session became their
    final returns session (which says nothing of their phase)."""
    counts = Counter({p: placed[p] for p in range(phases)})
    # A class with nothing this term can only rightly be in a phase without teaching weeks
    # (anywhere else the coverage check already failed); filling the emptiest phase first is
    # the kindest reading.
    allowed = [p for p in range(phases) if p >= weeks] or list(range(phases))
    for _ in range(unplaced):
        counts[min(allowed, key=lambda p: (counts[p], p))] += 1
    for _ in range(returned):
        counts[min(range(phases), key=lambda p: (counts[p], p))] += 1
    return counts


@check(RuleId.FREQUENCY)
def check_frequency(scenario: Scenario, rota: Rota, found: _Found) -> None:
    """Every class gets its rule's sessions in every teaching week of its phase (held, made up, or
    lost for a reason), phases are balanced across the rule's classes, and no session is lost without
    reason."""
    calendar = _calendar(scenario)
    week_of = _teaching_week_lookup(scenario)
    rules = _rules(scenario)
    rule_classes = _rule_class_ids(scenario)
    reasons = _LostReasons(scenario, rota)
    weeks = range(1, calendar.teaching_weeks + 1)

    # Pattern sessions and lost ones set a class's phase; make-ups and returns are extra by design.
    pattern: dict[tuple[str, str], list[int]] = defaultdict(list)
    extra: dict[tuple[str, str], list[int]] = defaultdict(list)
    # Pattern sessions on ordinary days: a make-up day repeats another weekday, so only these are capped.
    ordinary: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
    makeup_dates = {d.date for d in calendar.days if d.makeup}
    for s in rota.sessions:
        week = week_of(s.date)
        if week is None:
            continue
        key = (s.rule_id, s.class_id)
        if s.origin != "pattern":
            extra[key].append(week)
            continue
        pattern[key].append(week)
        if s.date not in makeup_dates:
            ordinary[key][week] += 1
    for entry in rota.lost:
        rule = rules.get(entry.rule_id)
        when = f"{entry.date} {_hhmm(entry.start)}"
        what = f"Lost session of class {entry.class_id}, rule {entry.rule_id} on {when}"
        if rule is None or entry.class_id not in rule_classes[rule.id]:
            found.add(f"{what} matches no rule of that class.")
            continue
        if not reasons.ok(rule, entry):
            # It does not excuse a missing session either, so it is not counted below.
            found.add(f"{what} is lost for no reason of its kind ({entry.cause}).")
            continue
        week = week_of(entry.date)
        if week is not None:
            pattern[(rule.id, entry.class_id)].append(week)

    for rule in scenario.rules:
        n, k = rule.frequency.sessions, rule.frequency.weeks
        placed: Counter[int] = Counter()
        unplaced = returned = 0
        for school_class in scenario.rule_classes(rule):
            key = (rule.id, school_class.id)
            phased = Counter(pattern[key])
            per_week = phased + Counter(extra[key])
            who = f"Class {school_class.id}, rule {rule.id},"
            for week, count in sorted(ordinary[key].items()):
                if count > n:
                    found.add(f"{who} has {count} sessions in teaching week {week}, more than {n}.")
            if k == 1:
                for week in weeks:
                    if per_week[week] < n:
                        got = per_week[week]
                        found.add(f"{who} has {got} of {n} sessions (held or lost) in teaching week {week}.")
                continue
            if not phased:
                # With fewer teaching weeks than k, a class may rightly be in a phase with no week; and
                # in a short term its only session may have become the final returns session.
                if len(weeks) >= k and not extra[key]:
                    found.add(f"{who} has no session at all this term (one every {k} weeks).")
                if extra[key]:
                    returned += 1
                else:
                    unplaced += 1
                continue
            phase = (min(phased) - 1) % k
            placed[phase] += 1
            if any((w - 1) % k != phase for w in phased):
                found.add(f"{who} has sessions in teaching weeks {sorted(phased)}, not 1 in {k} weeks.")
            for week in weeks:
                if (week - 1) % k == phase and per_week[week] < 1:
                    found.add(f"{who} has no session (held or lost) in teaching week {week} of its phase.")
        if k > 1:
            counts = _balance(placed, unplaced, returned, k, len(weeks))
            if max(counts.values()) - min(counts.values()) > 1:
                spread = ", ".join(f"{counts[p]} in phase {p + 1}" for p in range(k))
                found.add(f"Rule {rule.id} spreads its classes unevenly over its {k}-week cycle: {spread}.")


@check(RuleId.TABLE_KEPT)
def check_table_kept(scenario: Scenario, rota: Rota, found: _Found) -> None:
    """Every cell of the weekly table (``rota.pattern``) on every school day that follows its weekday
    in its cycle week is held there (a dated session of the table, or the final returns session it
    became) or listed lost, not both; and no table session is held where the table has no cell.

    A make-up day runs its followed weekday's row once more, so a week with one has an extra
    occurrence that must not silently vanish. In a rerun the old table ran until the week the new
    one took effect: only the weeks after it are checked. A rota without its weekly table (one made
    by hand for a test) has nothing to check against."""
    if not rota.pattern:
        return
    calendar = _calendar(scenario)
    changeover: int | None = None
    if rota.frozen_before is not None:
        later = [d.teaching_week for d in calendar.days if d.date >= rota.frozen_before]
        changeover = min(later) if later else calendar.teaching_weeks + 1
    checked = {d.date: d for d in calendar.days if changeover is None or d.teaching_week > changeover}
    cells: dict[tuple[int, str], list[tuple[str, str, dt.time]]] = defaultdict(list)
    for cell in rota.pattern:
        cells[(cell.cycle_week, cell.weekday)].append((cell.class_id, cell.rule_id, cell.start))
    held: dict[tuple[str, str, dt.date, dt.time], list[DatedSession]] = defaultdict(list)
    for s in rota.sessions:
        if s.origin != "makeup" and s.date in checked:
            held[(s.class_id, s.rule_id, s.date, s.start.time())].append(s)
    lost = Counter((x.class_id, x.rule_id, x.date, x.start) for x in rota.lost if x.date in checked)
    due: set[tuple[str, str, dt.date, dt.time]] = set()
    for day in checked.values():
        for class_id, rule_id, start in cells.get((day.cycle_week, day.follows), []):
            key = (class_id, rule_id, day.date, start)
            due.add(key)
            where = f"Class {class_id}'s rule {rule_id} table session on {day.date} {_hhmm(start)}"
            where += f" ({day.follows}'s timetable{', a make-up day' if day.makeup else ''})"
            ids = [s.id for s in held.get(key, [])]
            if not ids and not lost[key]:
                found.add(f"{where} is neither held nor listed lost.")
            elif ids and lost[key]:
                found.add(f"{where} is both held and listed lost.", *ids)
            elif lost[key] > 1:
                found.add(f"{where} is listed lost {lost[key]} times.")
    for key, sessions in held.items():
        pattern = [s for s in sessions if s.origin == "pattern"]
        if pattern and key not in due:
            found.add(
                f"{_describe(scenario, pattern[0])} is a table session where the weekly table has no cell.",
                *(s.id for s in pattern),
            )
    for key in lost:
        if key not in due:
            class_id, rule_id, date, start = key
            found.add(
                f"Lost session of class {class_id}, rule {rule_id} on {date} {_hhmm(start)} is not a "
                "cell of the weekly table on that school day."
            )


@check(RuleId.PINNED_SESSION_KEPT)
def check_pinned_session_kept(scenario: Scenario, rota: Rota, found: _Found) -> None:
    """Each pin of the scenario ("keep this session here") is a cell of the weekly table
    (``rota.pattern``): the class's session of the rule in the pin's cycle week (A is week 0, as is a
    pin without a week), on its weekday at its start time. TableKept then holds the dated sessions
    to that cell."""
    cells: dict[tuple[str, str, int], list[tuple[str, dt.time]]] = defaultdict(list)
    for cell in rota.pattern:
        cells[(cell.class_id, cell.rule_id, cell.cycle_week)].append((cell.weekday, cell.start))
    for i, pin in enumerate(scenario.pins):
        week = "ABCDEFGH".index(pin.week) if pin.week is not None else 0
        held = cells.get((pin.class_id, pin.rule, week), [])
        if (pin.day, pin.start) in held:
            continue
        label = f" in week {pin.week}" if pin.week is not None else ""
        order = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        instead = ", ".join(
            f"{d} {_hhmm(t)}" for d, t in sorted(held, key=lambda x: (order.index(x[0]), x[1]))
        )
        found.add(
            f"Class {pin.class_id}'s rule {pin.rule} session is pinned to {pin.day} {_hhmm(pin.start)}"
            f"{label} (pins[{i}]), but the weekly table has it "
            + (f"at {instead} instead." if instead else "nowhere in that week.")
        )


@check(RuleId.SPACING)
def check_spacing(scenario: Scenario, rota: Rota, found: _Found) -> None:
    """Two pattern sessions of one class and rule in one teaching week, both on ordinary days, are at
    least the rule's min_days_apart calendar days apart."""
    rules = _rules(scenario)
    days = _school_days(scenario)
    week_of = _teaching_week_lookup(scenario)

    def ordinary(s: DatedSession) -> bool:
        day = days.get(s.date)
        return s.origin == "pattern" and (day is None or not _is_makeup(scenario, day))

    candidates = [s for s in rota.sessions if s.rule_id in rules and ordinary(s)]
    for group in _group(candidates, lambda s: (s.class_id, s.rule_id, week_of(s.date))):
        gap = rules[group[0].rule_id].spacing.min_days_apart
        for a, b in combinations(group, 2):
            apart = abs((a.date - b.date).days)
            if apart < gap:
                found.add(
                    f"Class {a.class_id} has rule {a.rule_id} sessions {a.id} ({a.date}) and "
                    f"{b.id} ({b.date}) {apart} days apart, fewer than {gap}.",
                    a.id,
                    b.id,
                )


def _stop(scenario: Scenario, rule: GradeRule) -> dt.date:
    """Last date a rule's gap limit is measured to: the last school day up to loans due for
    borrowing, the stocktake eve for the rest when reading pauses, else the term's end."""
    stocktake = scenario.stocktake
    end = scenario.term.end
    if stocktake is not None:
        if rule.kind == "borrowing":
            end = stocktake.loans_due
        elif not stocktake.reading_continues:
            end = stocktake.start - _DAY
    school = [d.date for d in _calendar(scenario).days if d.date <= end]
    return max(school, default=end)


def _counted_days(scenario: Scenario, stop: dt.date) -> dict[dt.date, int]:
    """Each day a gap limit counts, term start to ``stop``, with its position: in a run of days with
    no school that holds a holiday or closure, whole weeks are not counted (a two-week break adds
    nothing to a wait; the run's last days, fewer than seven, do count)."""
    calendar = _calendar(scenario)
    school = {d.date for d in calendar.days}
    off = {d.date for d in calendar.days_off if d.kind in ("holiday", "closure")}
    runs: list[list[dt.date]] = [[]]
    day = scenario.term.start
    while day <= stop:
        if day in school:
            runs += [[day], []]
        else:
            runs[-1].append(day)
        day += _DAY
    counted: dict[dt.date, int] = {}
    for run in runs:
        if run and run[0] not in school and any(d in off for d in run):
            run = run[-(len(run) % 7) :] if len(run) % 7 else []
        for d in run:
            counted[d] = len(counted)
    return counted


@check(RuleId.GAP_LIMIT)
def check_gap_limit(scenario: Scenario, rota: Rota, found: _Found) -> None:
    """Every run of gap_limit counted days (term start to the rule's last school day, a break's
    whole weeks not counted) has a session (any origin) of each class of the rule, unless the class
    could come on none of its school days; an unmet entry excuses nothing."""
    index = _index(scenario, rota)
    calendar = _calendar(scenario)
    term = scenario.term
    held: dict[tuple[str, str], set[dt.date]] = defaultdict(set)
    for s in rota.sessions:
        held[(s.rule_id, s.class_id)].add(s.date)
    for rule in scenario.rules:
        limit = rule.gap_limit
        stop = _stop(scenario, rule)
        counted = _counted_days(scenario, stop)
        order = sorted(counted, key=counted.__getitem__)
        weekdays = {day for w in rule.windows for day in scenario.window_days(scenario.window(w))}
        # Days a class of the rule could come: its windows exist, and its room is not given over to an event.
        open_days = [
            d.date
            for d in calendar.days
            if term.start <= d.date <= stop
            and d.follows in weekdays
            and all(e.room_id != rule.room for e in index.all_day.get(d.date, []))
        ]
        for school_class in scenario.rule_classes(rule):
            could = [
                day
                for day in open_days
                if all(school_class.id not in e.class_ids for e in index.all_day.get(day, []))
            ]
            dates = sorted(d for d in held[(rule.id, school_class.id)] if term.start <= d <= stop)
            previous = term.start - _DAY
            for following in [*dates, stop + _DAY]:
                first, last = previous + _DAY, following - _DAY
                previous = following
                # Counted days of the wait: school days are always counted.
                lo, hi = bisect.bisect_left(order, first), bisect.bisect_right(order, last)
                if hi - lo < limit:
                    continue
                at = bisect.bisect_left(could, first)
                if at == len(could) or could[at] > last:
                    continue  # no day in the gap on which the class could come
                begin = max(lo, counted[could[at]] - (limit - 1))
                start, end = order[begin], order[begin + limit - 1]
                note = _unmet_note(rota, "gap", [f"{school_class.id}/{rule.id}"])
                days = f"{limit} days" if (end - start).days < limit else f"{limit} counted days"
                found.add(
                    f"Class {school_class.id} has no rule {rule.id} session in the {days} "
                    f"{start}..{end}, longer than its gap limit allows{note}.",
                    listed_unmet=bool(note),
                )
                break
