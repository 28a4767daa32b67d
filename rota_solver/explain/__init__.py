"""Why no rota exists, in the librarian's words: which requirements conflict, with their figures
and relaxations tested to work.

Only called once the ordinary solve has failed, so a school with a rota pays nothing for it:

1. counting pre-checks (:mod:`.prechecks`) prove the conflicts that are a matter of numbers (too few
   free slots, staff or seats) at once, each naming the requirement groups its count rests on;
2. otherwise CP-SAT finds a set of conflicting groups in the weekly model built with a literal per
   group (:mod:`.groups`, :mod:`.core`);
3. either set is shrunk by solving again without each member, until every member is needed;
4. candidate relaxations of its groups (:mod:`.relax`) are tried on copies of the scenario and kept
   only when solving again works; sentences come from :mod:`.words`.

Activities, final returns and stocktake shifts do not make a school infeasible (the dated stage
reports them unmet): :func:`explain_unmet` explains those in the rota's unmet list.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence

from ortools.sat.python import cp_model

from ..conflict import Change, Conflict, ConflictGroup, Explanation, Suggestion
from ..control import RunControl
from ..errors import NoRotaExists, NoSolutionInTime
from ..model.hard_rules import HARD_RULES, HardRule
from ..model.variables import GroupKey, build_variables
from ..rota import Rota, Unmet
from ..scenario import Scenario
from ..solve import SolveOptions, solve
from ..term_calendar import build_term_calendar
from .core import Core, minimal_core
from .groups import build_guarded, describe
from .prechecks import (
    each_activity_has_a_free_slot,
    term_item_key,
    term_items_without_pattern,
    weekly_prechecks,
)
from .relax import Candidate, working_suggestions
from .words import Words, group_order

PROBE_SECONDS = 1.0
"""Longest single solve while explaining (a probe of the core search, or a relaxation's test)."""
COUNTING_PROBE_SECONDS = 0.5
"""Longest probe when shrinking what a count of a whole room or role found: CP-SAT rarely decides
those in time, and the count has already proven the conflict."""
COUNTING_CHECKS = ("each_room_has_slots_for_its_classes", "each_role_has_hours_for_its_duties")
UNMET_VERDICT_SECONDS = 10.0
"""Longest solve that tests one relaxation of an unmet item (the whole term is solved again)."""
STAGE = "explaining"
MAX_CONFLICTS = 4
"""Conflicts explained at most: the librarian fixes the first ones and solves again."""

__all__ = [
    "Change",
    "Conflict",
    "ConflictGroup",
    "Explanation",
    "Suggestion",
    "explain_infeasibility",
    "explain_unmet",
]


def explain_infeasibility(
    scenario: Scenario,
    hard_rules: Sequence[HardRule] = HARD_RULES,
    budget_seconds: float = 60.0,
    seed: int = 0,
    control: RunControl | None = None,
) -> Explanation:
    """The conflicts that leave ``scenario`` without a weekly table (call it when there is none).

    ``budget_seconds`` bounds the whole explanation: the search for the conflicting groups (each
    probe at most PROBE_SECONDS) and the solves that test relaxations (a relaxation still untested
    when it runs out is not suggested), and never past ``control``'s deadline.
    """
    words = Words(scenario)
    control = control or RunControl()
    budget_seconds = min(budget_seconds, control.left())
    deadline = time.monotonic() + budget_seconds
    # Local conflicts are proven in well under a second; a counting conflict can keep a probe
    # undecided for minutes (SOLVER-NOTES), so probes are short and the first undecided one ends
    # the shrinking.
    probe = min(PROBE_SECONDS, budget_seconds / 3)
    findings = weekly_prechecks(scenario)
    # Building the model with a literal per group takes seconds for a school of hundreds of
    # classes: only with time left to search it; otherwise the counts' own findings stand.
    guarded = build_guarded(scenario, hard_rules) if deadline > time.monotonic() else None
    # (groups, sentence, the check that found it or "solver", proven minimal, smallest set known)
    found: list[tuple[tuple[GroupKey, ...], str, str, bool, bool]] = []
    timed_out = False
    for finding in findings:
        if len(found) == MAX_CONFLICTS:
            break
        limit = min(probe, COUNTING_PROBE_SECONDS) if finding.check in COUNTING_CHECKS else probe
        if guarded is None:
            core = Core(tuple(finding.groups), False, "timeout")
        else:
            start = [key for key in finding.groups if key in guarded.literals]
            core = minimal_core(guarded, start, limit, max(0.0, deadline - time.monotonic()), seed, control)
        if core.outcome == "no_conflict":
            continue  # the count's groups alone are satisfiable: nothing to report from it
        counted = tuple(sorted(dict.fromkeys(finding.groups), key=group_order))
        text, minimal = finding.text, core.outcome == "conflict" and core.minimal
        groups = core.groups if core.outcome == "conflict" else counted
        core_classes = [key for key in groups if key[0] == "demand"]
        if finding.check in COUNTING_CHECKS and len(core_classes) < sum(k[0] == "demand" for k in counted):
            # The count's figures add up every class it counts: list them all, and say how few
            # already conflict (the smallest set) rather than name a part the figures do not match.
            if minimal:
                text += words.say("count_all", core=len(core_classes))
            groups, minimal, known = counted, False, minimal
        else:
            known = minimal
        if groups not in [f[0] for f in found]:
            found.append((groups, text, finding.check, minimal, known))
    if not found and guarded is not None:
        core = minimal_core(guarded, None, probe, max(0.0, deadline - time.monotonic()), seed, control)
        if core.outcome == "conflict":
            details = [describe(scenario, key, words).detail for key in core.groups]
            found.append((core.groups, words.conflict(details), "solver", core.minimal, core.minimal))
        else:
            timed_out = True
    elif not found:
        timed_out = True
    conflicts = []
    for groups, text, found_by, minimal, known in found:

        def verdict(
            changed: Scenario, groups: tuple[GroupKey, ...] = groups, check: str = found_by
        ) -> bool | None:
            left = min(probe, deadline - time.monotonic())
            return (
                _weekly_verdict(changed, groups, check, len(found) > 1, hard_rules, control.child(left))
                if left > 0
                else None
            )

        # Without time left no relaxation could be tested: do not build them either.
        suggestions = (
            working_suggestions(scenario, groups, verdict, until=deadline)
            if deadline > time.monotonic()
            else []
        )
        conflicts.append(
            Conflict(
                groups=[describe(scenario, key, words) for key in groups],
                text=text + ("" if known else words.say("not_minimal")),
                suggestions=suggestions,
                found_by="solver" if found_by == "solver" else "precheck",
                minimal=minimal,
            )
        )
    note = words.say("unexplained", seconds=round(budget_seconds, 1)) if timed_out else None
    return Explanation(conflicts=conflicts, note=note)


def _weekly_has_rota(scenario: Scenario, hard_rules: Sequence[HardRule], control: RunControl) -> bool:
    """Whether the weekly table exists (no objective: feasibility is all a relaxation must show)."""
    rm = build_variables(scenario)
    for hard_rule in hard_rules:
        hard_rule(rm)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    return control.search(solver, rm.model, stage=STAGE) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def _weekly_verdict(
    changed: Scenario,
    groups: Sequence[GroupKey],
    check: str,
    several: bool,
    hard_rules: Sequence[HardRule],
    control: RunControl,
) -> bool | None:
    """True: the changed school has a weekly table. False: it has none, but the count that found
    this conflict no longer fails for the same room, person or class. None: the change does not help.

    The counts go first: the solver can be slow to prove a counting conflict, the counts are not.
    """
    still = weekly_prechecks(changed)
    if not still and _weekly_has_rota(changed, hard_rules, control):
        return True
    if not several or check == "solver":
        return None
    limits = {key for key in groups if key[0] != "demand"}
    same = [f for f in still if f.check == check and limits & {key for key in f.groups if key[0] != "demand"}]
    return None if same else False


# --- the dated stage -----------------------------------------------------------------------------


def unmet_key(unmet: Unmet) -> GroupKey | None:
    """The requirement group of an unmet item (None for a gap, which the counts do not explain)."""
    if unmet.kind == "activity":
        return ("activity", unmet.subject)
    if unmet.kind == "returns":
        class_id, _, rule_id = unmet.subject.partition("/")
        return ("returns", rule_id, class_id)
    if unmet.kind == "stocktake_shift":
        return ("stocktake_shift", unmet.subject)
    return None


def explain_unmet(scenario: Scenario, rota: Rota, control: RunControl | None = None) -> Rota:
    """``rota`` with each unmet activity, returns session and stocktake shift explained: why it
    cannot be placed, with figures, and relaxations tested by solving again within ``control``'s
    deadline (each test at most UNMET_VERDICT_SECONDS; one not tested in time is not suggested).
    A gap says how long the class waits against its limit and why (sessions lost, no free slot for a
    make-up), with the same kind of tested suggestions. Every unmet item gets its sentence, even
    when no time is left to test a suggestion. The rota is returned unchanged when nothing is unmet."""
    if not rota.unmet:
        return rota
    control = control or RunControl()

    words = Words(scenario)
    calendar = build_term_calendar(scenario)
    # The counts behind the sentences take seconds at 240 classes. When the limit cut the dated
    # stage short and no time is left, each item says the time ran out before it was placed: the
    # truth then, where a count could not tell why the search did not place it.
    cut = any(stage.name == "term_dates" and stage.status != "optimal" for stage in rota.report.stages)
    in_time = control.left() > 0 or not cut
    findings = {f.groups[0]: f for f in each_activity_has_a_free_slot(scenario, calendar)} if in_time else {}
    items = term_items_without_pattern(scenario, calendar) if in_time else []
    spots = {term_item_key(item): len(item.spots) for item in items}
    options = SolveOptions(seed=rota.report.seed)
    unmet = []
    for item in rota.unmet:
        key = unmet_key(item)
        if key is None:
            unmet.append(_explain_gap(scenario, rota, item, words, options, control))
            continue
        finding = findings.get(key)
        groups = finding.groups if finding is not None else (key,)
        what = describe(scenario, key, words).detail
        if not in_time:
            text = words.say("out_of_time", what=what)
        elif finding is not None:
            text = finding.text
        else:
            text = words.say("clash", what=what, spots=spots.get(key, 0))

        def verdict(changed: Scenario, key: GroupKey = key) -> bool | None:
            return _term_verdict(changed, options, control, lambda u: unmet_key(u) == key)

        conflict = Conflict(
            groups=[describe(scenario, g, words) for g in groups],
            text=text,
            # Without time left no relaxation could be tested: do not build them either.
            suggestions=(
                working_suggestions(scenario, groups, verdict, until=time.monotonic() + control.left())
                if control.left() > 0
                else []
            ),
            found_by="precheck" if finding is not None else "solver",
            minimal=False,  # the count names what blocks each slot; it is not shrunk by solving
        )
        unmet.append(item.model_copy(update={"explanation": conflict}))
    return rota.model_copy(update={"unmet": unmet})


def _explain_gap(
    scenario: Scenario, rota: Rota, item: Unmet, words: Words, options: SolveOptions, control: RunControl
) -> Unmet:
    """A gap: the longest wait between the class's sessions of the rule against its limit, the
    sessions lost in it, and suggestions (a longer limit, one more class at once, other windows)
    tested by solving the whole term again."""
    class_id, _, rule_id = item.subject.partition("/")
    rule_index = next(i for i, r in enumerate(scenario.rules) if r.id == rule_id)
    rule = scenario.rules[rule_index]
    dates = sorted(
        {s.date for s in rota.sessions if s.class_id == class_id and s.rule_id == rule_id}
        | {scenario.term.start, scenario.term.end}
    )
    first, last = max(
        itertools.pairwise(dates),
        key=lambda pair: (pair[1] - pair[0]).days,
        default=(dates[0], dates[-1]),
    )
    wait = (last - first).days
    lost = [x for x in rota.lost if x.class_id == class_id and x.rule_id == rule_id and first < x.date < last]
    reasons = list(dict.fromkeys(x.reason for x in lost))
    text = words.say(
        "gap",
        cls=words.cls(class_id),
        rule=words.rule(rule),
        days=wait,
        first=words.date(first),
        last=words.date(last),
        limit=rule.gap_limit,
        lost=words.say("gap_lost", n=len(lost), reasons=words.labels.join(reasons)) if lost else "",
        windows=words.windows(rule.windows),
    )
    groups: tuple[GroupKey, ...] = (("demand", rule_id, class_id), ("room", rule.room))
    # The wait itself first, then a day more (whether the limit counts the last day or not).
    longer = [wait, wait + 1] if wait > rule.gap_limit else [rule.gap_limit + 1]
    ladder = [
        Candidate(
            words.say("s_gap_days", rule=words.rule(rule), n=n, old=rule.gap_limit),
            Change(path=f"rules[{rule_index}].max_gap_days", value=n),
        )
        for n in longer
        if n <= 120
    ]

    def verdict(changed: Scenario) -> bool | None:
        same_gap: Callable[[Unmet], bool] = lambda u: u.kind == "gap" and u.subject == item.subject  # noqa: E731
        return _term_verdict(changed, options, control, same_gap)

    conflict = Conflict(
        groups=[describe(scenario, g, words) for g in groups],
        text=text,
        suggestions=(
            working_suggestions(
                scenario, groups, verdict, first=[ladder], until=time.monotonic() + control.left()
            )
            if control.left() > 0
            else []
        ),
        found_by="solver",
        minimal=False,
    )
    return item.model_copy(update={"explanation": conflict})


def _term_verdict(
    changed: Scenario, options: SolveOptions, control: RunControl, still: Callable[[Unmet], bool]
) -> bool | None:
    """Solve the changed school again (at most UNMET_VERDICT_SECONDS, within the deadline): True if
    nothing is unmet, False if the item is placed but something else is not, None if the item
    (``still``) stays unmet or no rota came in time."""
    if control.left() <= 0:
        return None
    try:
        again = solve(changed, options, control=control.child(UNMET_VERDICT_SECONDS))
    except (NoRotaExists, NoSolutionInTime):
        return None
    if any(still(u) for u in again.unmet):
        return None
    return not again.unmet
