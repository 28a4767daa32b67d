"""Solving from the web app: start a solve, watch it live and cancel it, read the result in words,
and apply a tested suggestion as the next scenario version.

A solve started here goes through ``state.runner.start``, the same application path as the JSON
API's ``POST /schools/{school}/solves`` and the CLI: nothing here calls the solver. The pages read
only what the job and the stored rota already hold (no re-solving, no re-verifying), and the lists
are one query each, so every page stays well under 100 ms for a 120-class school.

Pages (all under ``/app/s/{school}``):

* ``GET /solve``: the version to solve, the time limit, the running job, recent runs; the form.
* ``POST /solve``: start a job, then 303 to its progress page (409 page if one is running).
* ``GET /jobs/{id}``: live progress (``solve.js`` polls ``/jobs/{id}/status``; without
  JavaScript the page refreshes itself), the Cancel button, and the end: 303 to the rota, or the
  conflicts with their suggestion buttons, or why it failed or that it was cancelled.
* ``GET /jobs/{id}/status``: the progress as a small JSON object.
* ``POST /jobs/{id}/cancel``: cancel it.
* ``GET /rotas/{n}``: the result: what is proven, what each wish cost and who bears it, the
  term's counts, what could not be met with its suggestion buttons, Publish, links to the views.
* ``POST /apply-suggestion``: set ``value`` at ``path`` in the working scenario and save it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from rota_solver import Explanation, Labels, Rota, RotaDiff, Scenario, labels_for, parse_scenario

from ... import storage
from ...deps import MAX_NUMBER, SchoolSlug, SessionDep, StateDep, VersionNumber
from ...errors import Conflict, NotFound
from ...models import Publication, RotaVersion, ScenarioDraft, ScenarioVersion, School, SolveJob
from ...parsed import rota_of, scenario_of
from ...storage import ChangeSummary, JobInfo
from ..auth import CsrfChecked, SchoolEditor
from ..i18n import Translator
from ..scenario_edit import as_data, edited, problems_of, save_working, working_scenario
from ..templating import render

router = APIRouter(prefix="/app/s/{school}", include_in_schema=False)

RECENT_JOBS = 10
ACTIVE = ("queued", "running")
PHASES = (
    "queued",
    "building",
    "weekly_pattern",
    "weekly_staff",
    "term_dates",
    "explaining",
    "verifying",
    "done",
    "requeued",
)
OUTCOMES = ("solved", "solved_with_unmet", "stopped_at_limit", "no_rota", "cannot_rerun", "verifier_failed")
LOST_CAUSES = (
    "day_off",
    "outside_term",
    "staff_away",
    "room_closed",
    "stocktake",
    "activity",
    "pattern_change",
)
UNMET_KINDS = ("gap", "returns", "activity", "stocktake_shift")
MANY_BEARERS = 12
"""A wish borne by more than this many is listed in a disclosure (the first ones stay visible)."""

JobId = Annotated[str, Path(max_length=64)]


# --- small reads: one query each, none of them loading a scenario text or a rota -----------------


@dataclass(frozen=True)
class LatestVersion:
    number: int
    submitted_at: dt.datetime
    submitted_by: str


@dataclass(frozen=True)
class JobRow:
    """A job as the list of recent runs shows it."""

    id: str
    kind: str
    status: str
    outcome: str | None
    scenario_version: int
    rota_version: int | None
    created_at: dt.datetime
    seconds: float


def _school_id(s: Session, slug: str) -> int:
    found = s.scalar(select(School.id).where(School.slug == slug))
    if found is None:
        raise NotFound(f"school {slug}")
    return found


def _latest_version(s: Session, school_id: int) -> LatestVersion | None:
    row = s.execute(
        select(ScenarioVersion.number, ScenarioVersion.submitted_at, ScenarioVersion.submitted_by)
        .where(ScenarioVersion.school_id == school_id)
        .order_by(ScenarioVersion.number.desc())
        .limit(1)
    ).first()
    return LatestVersion(row[0], row[1], row[2]) if row is not None else None


def _has_draft(s: Session, school_id: int) -> bool:
    """A draft is kept only while it does not validate (``save_working``), so it has problems."""
    return s.scalar(select(ScenarioDraft.school_id).where(ScenarioDraft.school_id == school_id)) is not None


def _recent_jobs(s: Session, school_id: int, limit: int) -> list[JobRow]:
    rota = aliased(RotaVersion)
    rows = s.execute(
        select(
            SolveJob.id,
            SolveJob.kind,
            SolveJob.status,
            SolveJob.outcome,
            ScenarioVersion.number,
            rota.number,
            SolveJob.created_at,
            SolveJob.elapsed_seconds,
            SolveJob.started_at,
        )
        .join(ScenarioVersion, SolveJob.scenario_version_id == ScenarioVersion.id)
        .outerjoin(rota, SolveJob.rota_version_id == rota.id)
        .where(SolveJob.school_id == school_id)
        .order_by(SolveJob.created_at.desc(), SolveJob.id.desc())
        .limit(limit)
    ).all()
    now = storage.utcnow()
    out = []
    for job_id, kind, status, outcome, scenario_number, rota_number, created, elapsed, started in rows:
        if status == "running" and started is not None:
            elapsed = (now - started).total_seconds()
        out.append(JobRow(job_id, kind, status, outcome, scenario_number, rota_number, created, elapsed))
    return out


@dataclass(frozen=True)
class RotaHead:
    """What the result page says about a rota version besides the rota itself."""

    number: int
    scenario_version: int
    created_at: dt.datetime
    published: bool
    based_on: int | None
    changes: ChangeSummary | None


def load_rota(s: Session, school_id: int, number: int) -> tuple[RotaHead, Rota, Scenario]:
    """Rota version ``number`` with the scenario it was solved for: one query for both rows, one
    for the publication, each text parsed at most once per process (:mod:`api.parsed`)."""
    found = s.execute(
        select(RotaVersion, ScenarioVersion)
        .join(ScenarioVersion, RotaVersion.scenario_version_id == ScenarioVersion.id)
        .where(RotaVersion.school_id == school_id, RotaVersion.number == number)
    ).first()
    if found is None:
        raise NotFound(f"rota version {number}")
    row, scenario_row = found
    published_id = s.scalar(
        select(Publication.rota_version_id)
        .where(Publication.school_id == school_id)
        .order_by(Publication.id.desc())
        .limit(1)
    )
    based_on = None
    if row.based_on_id is not None:
        based_on = s.scalar(select(RotaVersion.number).where(RotaVersion.id == row.based_on_id))
    changes = None
    if row.changes_json is not None:
        changes = ChangeSummary.of(RotaDiff.model_validate_json(row.changes_json))
    head = RotaHead(
        row.number, scenario_row.number, row.created_at, row.id == published_id, based_on, changes
    )
    return head, rota_of(row.rota_json), scenario_of(scenario_row.text, scenario_row.digest)


def _job_of(s: Session, school: str, job_id: str) -> JobInfo:
    """The job, if it is this school's: another school's job is not found here."""
    job = storage.get_job(s, job_id)
    if job.school != school:
        raise NotFound(f"job {job_id!r} of school {school!r}")
    return job


# --- words ----------------------------------------------------------------------------------------


def phase_text(t: Translator, status: str, phase: str | None) -> str:
    """What the job is doing, in a sentence."""
    if status == "queued" or (phase is None and status == "running"):
        return t("solve.phase.queued")
    if phase in PHASES:
        return t(f"solve.phase.{phase}")
    return t("solve.phase.other", phase=phase or "")


def number_text(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def figures_text(t: Translator, job: JobInfo) -> str:
    if job.best_objective is None:
        return t("solve.job.no_figures") if job.status == "running" else ""
    if job.bound is None:
        return t("solve.job.best_only", best=number_text(job.best_objective))
    return t("solve.job.figures", best=number_text(job.best_objective), bound=number_text(job.bound))


def seconds_text(t: Translator, job: JobInfo) -> str:
    return t(
        "solve.job.seconds_of",
        elapsed=f"{min(job.elapsed_seconds, job.time_limit_seconds):.1f}",
        limit=number_text(job.time_limit_seconds),
    )


def outcome_text(t: Translator, outcome: str | None) -> str:
    return t(f"solve.outcome.{outcome}") if outcome in OUTCOMES else t("solve.outcome.none")


def names_of(scenario: Scenario) -> dict[str, str]:
    """Printed names by the ids reports use: classes, staff, helper teams, activities, teacher
    groups, rooms and rules (a class's name wins where two lists share an id)."""
    names: dict[str, str] = {}
    for items in (
        scenario.rules,
        scenario.rooms,
        scenario.teacher_groups,
        scenario.activities,
        scenario.helper_groups,
        scenario.staff,
    ):
        names.update({item.id: item.name or item.id for item in items})
    names.update({c.id: c.label for c in scenario.classes})
    return names


def subject_name(names: dict[str, str], subject: str) -> str:
    """An unmet item's or a bearer's subject in names: an id, or an occurrence such as
    ``orientation.1.1-1`` (activity, occurrence, class) whose named parts are named."""
    if subject in names:
        return names[subject]
    named = [names[part] for part in subject.split(".") if part in names]
    return " · ".join(named) if named else subject


# --- conflicts and their suggestions, ready for the template -------------------------------------


@dataclass(frozen=True)
class SuggestionView:
    text: str
    path: str
    value_json: str
    solves: bool


@dataclass(frozen=True)
class ConflictView:
    text: str
    details: list[str]
    minimal: bool
    suggestions: list[SuggestionView]


def conflict_view(conflict: Any) -> ConflictView:
    """A ``rota_solver`` conflict (of a job's explanation or an unmet item) in the solver's own words."""
    return ConflictView(
        text=conflict.text,
        details=[group.detail for group in conflict.groups],
        minimal=conflict.minimal,
        suggestions=[
            SuggestionView(
                text=s.text,
                path=s.change.path,
                value_json=json.dumps(s.change.value, ensure_ascii=False),
                solves=s.solves,
            )
            for s in conflict.suggestions
        ],
    )


def explanation_views(explanation: Explanation | None) -> list[ConflictView]:
    return [conflict_view(c) for c in explanation.conflicts] if explanation is not None else []


# --- the solve page --------------------------------------------------------------------------------


@router.get("/solve")
def solve_page(
    request: Request,
    school: SchoolSlug,
    session: SessionDep,
    state: StateDep,
    who: SchoolEditor,
    saved: Annotated[int | None, Query(ge=1, le=MAX_NUMBER)] = None,
    unchanged: Annotated[int | None, Query(ge=1, le=MAX_NUMBER)] = None,
) -> Response:
    school_id = _school_id(session, school)
    latest = _latest_version(session, school_id)
    jobs = _recent_jobs(session, school_id, RECENT_JOBS)
    known = latest.number if latest is not None else 0
    return render(
        request,
        "solve/solve.html",
        who,
        school=school,
        latest=latest,
        draft=_has_draft(session, school_id),
        limit=number_text(state.settings.job_time_limit_seconds),
        active=next((j for j in jobs if j.status in ACTIVE), None),
        jobs=jobs,
        saved=saved if saved is not None and saved <= known else None,
        unchanged=unchanged if unchanged is not None and unchanged <= known else None,
    )


@router.post("/solve", dependencies=[CsrfChecked])
def start_solve(
    request: Request, school: SchoolSlug, session: SessionDep, state: StateDep, who: SchoolEditor
) -> Response:
    _school_id(session, school)  # 404 for a school that does not exist
    t = Translator(who.account.locale)
    try:
        job = state.runner.start(school)
    except NotFound:  # the school has no valid scenario version yet
        return render(
            request,
            "solve/message.html",
            who,
            409,
            school=school,
            title=t("solve.title"),
            message=t("solve.no_scenario"),
            problems=[],
            links=[(f"/app/s/{school}/setup/", t("nav.setup"))],
        )
    except Conflict as exc:
        return render(
            request,
            "solve/message.html",
            who,
            409,
            school=school,
            title=t("solve.busy_title"),
            message=t("solve.busy"),
            problems=[],
            links=[(f"/app/s/{school}/jobs/{exc.running_job}", t("solve.running_link"))]
            if exc.running_job
            else [],
        )
    return RedirectResponse(f"/app/s/{school}/jobs/{job.id}", status_code=303)


# --- a job: progress, cancel, the end -------------------------------------------------------------


def status_body(t: Translator, school: str, job: JobInfo) -> dict[str, Any]:
    done = job.status not in ACTIVE
    page = f"/app/s/{school}/jobs/{job.id}"
    return {
        "id": job.id,
        "status": job.status,
        "status_text": t(f"solve.status.{job.status}"),
        "status_line": t("solve.job.status", status=t(f"solve.status.{job.status}")),
        "phase": job.phase,
        "stage_text": phase_text(t, job.status, job.phase),
        "elapsed_seconds": job.elapsed_seconds,
        "time_limit_seconds": job.time_limit_seconds,
        "seconds_text": seconds_text(t, job),
        "best_objective": job.best_objective,
        "bound": job.bound,
        "figures_text": figures_text(t, job),
        "outcome": job.outcome,
        "rota_version": job.rota_version,
        "done": done,
        "next": (f"/app/s/{school}/rotas/{job.rota_version}" if job.rota_version else page) if done else None,
    }


@router.get("/jobs/{job_id}")
def job_page(
    request: Request, school: SchoolSlug, job_id: JobId, session: SessionDep, who: SchoolEditor
) -> Response:
    job = _job_of(session, school, job_id)
    if job.status == "succeeded" and job.rota_version is not None:
        return RedirectResponse(f"/app/s/{school}/rotas/{job.rota_version}", status_code=303)
    t = Translator(who.account.locale)
    labels = labels_for(who.account.locale)
    return render(
        request,
        "solve/job.html",
        who,
        school=school,
        job=job,
        active=job.status in ACTIVE,
        stage=phase_text(t, job.status, job.phase),
        status_text=t(f"solve.status.{job.status}"),
        seconds=seconds_text(t, job),
        figures=figures_text(t, job),
        outcome=outcome_text(t, job.outcome),
        cut_short=labels.join([labels.stage(s) for s in job.cut_short]),
        conflicts=explanation_views(job.explanation),
        note=job.explanation.note if job.explanation is not None else None,
        made_for=job.scenario_version,
    )


@router.get("/jobs/{job_id}/status")
def job_status(school: SchoolSlug, job_id: JobId, session: SessionDep, who: SchoolEditor) -> Response:
    job = _job_of(session, school, job_id)
    response = JSONResponse(status_body(Translator(who.account.locale), school, job))
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/jobs/{job_id}/cancel", dependencies=[CsrfChecked])
def cancel_job(
    school: SchoolSlug, job_id: JobId, session: SessionDep, state: StateDep, who: SchoolEditor
) -> Response:
    _job_of(session, school, job_id)
    state.runner.cancel(job_id)
    return RedirectResponse(f"/app/s/{school}/jobs/{job_id}", status_code=303)


# --- the result page -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TermRow:
    name: str
    title: str
    description: str
    weight: int
    units: int
    cost: int
    bearers: list[str]


@dataclass(frozen=True)
class StageRow:
    title: str
    status: str
    proves: str


@dataclass(frozen=True)
class ShortRow:
    class_name: str
    rule_name: str
    planned: int
    held: int
    lost: int
    made_up: int


@dataclass(frozen=True)
class UnmetView:
    kind: str
    subject: str
    message: str
    conflict: ConflictView | None


def term_rows(rota: Rota, labels: Labels, t: Translator, names: dict[str, str]) -> list[TermRow]:
    rows = []
    for term in rota.report.terms:
        # Unmet requirements count one each; their penalty counts a gap's days past its limit.
        units = len(term.bearers) if term.name == "Unmet" else term.units
        bearers = [
            t("solve.result.bearer", name=subject_name(names, bearer), count=count)
            for bearer, count in sorted(term.bearers.items(), key=lambda item: (-item[1], item[0]))
        ]
        rows.append(
            TermRow(
                name=term.name,
                title=labels.penalty(term.name),
                description=labels.penalty_description(term.name, term.description),
                weight=term.weight,
                units=units,
                cost=term.cost,
                bearers=bearers,
            )
        )
    return rows


def short_rows(rota: Rota, names: dict[str, str]) -> list[ShortRow]:
    """Classes holding fewer sessions of a rule than their weekly table planned."""
    return [
        ShortRow(
            names.get(c.class_id, c.class_id),
            names.get(c.rule_id, c.rule_id),
            c.planned,
            c.held,
            c.lost,
            c.made_up,
        )
        for c in rota.summaries
        if c.held < c.planned
    ]


def view_months(rota: Rota) -> list[str]:
    months = []
    day = rota.term_start.replace(day=1)
    while day <= rota.term_end:
        months.append(f"{day.year:04d}-{day.month:02d}")
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


@router.get("/rotas/{number}")
def rota_result(
    request: Request, school: SchoolSlug, number: VersionNumber, session: SessionDep, who: SchoolEditor
) -> Response:
    info, rota, scenario = load_rota(session, _school_id(session, school), number)
    lang = who.account.locale
    t = Translator(lang)
    labels = labels_for(lang)
    names = names_of(scenario)
    report = rota.report
    lost_by: Counter[str] = Counter(lost.cause for lost in rota.lost)
    return render(
        request,
        "solve/result.html",
        who,
        school=school,
        info=info,
        rota=rota,
        report=report,
        bound=report.best_bound if report.whole_term_bound is None else report.whole_term_bound,
        gap=report.objective - report.best_bound if report.whole_term_gap is None else report.whole_term_gap,
        stages=[
            StageRow(labels.stage(s.name), labels.status(s.status), labels.proof(s.proof, s.proves))
            for s in report.stages
        ],
        proven="" if report.stages else labels.translate(report.proven),
        terms=term_rows(rota, labels, t, names),
        many=MANY_BEARERS,
        made_up=sum(1 for s in rota.sessions if s.origin == "makeup"),
        lost_by=[(cause, lost_by[cause]) for cause in LOST_CAUSES if lost_by[cause]],
        short=short_rows(rota, names),
        unmet=[
            UnmetView(
                kind=u.kind,
                subject=subject_name(names, u.subject),
                message=u.message,
                conflict=conflict_view(u.explanation) if u.explanation is not None else None,
            )
            for u in rota.unmet
        ],
        unmet_kinds=UNMET_KINDS,
        made_for=info.scenario_version,
        classes=[(c.id, c.label) for c in scenario.classes],
        staff=[(m.id, m.name or m.id) for m in scenario.staff],
        months=[(m, labels.month(int(m[5:]))) for m in view_months(rota)],
    )


# --- applying a suggestion ----------------------------------------------------------------------

_STEP = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)((?:\[\d{1,4}\])*)")
_INDEX = re.compile(r"\[(\d+)\]")
MAX_PATH = 200


class Refused(Exception):
    """A suggestion that cannot be applied: the message says why, in the reader's language."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


def parse_path(path: str) -> list[str | int] | None:
    """``rules[0].windows`` -> ``["rules", 0, "windows"]``; None when it is not such a path or
    does not start with a field of the scenario."""
    if not path or len(path) > MAX_PATH:
        return None
    steps: list[str | int] = []
    for part in path.split("."):
        found = _STEP.fullmatch(part)
        if found is None:
            return None
        steps.append(found.group(1))
        steps.extend(int(i) for i in _INDEX.findall(found.group(2)))
    if steps[0] not in Scenario.model_fields:
        return None
    return steps


_MISSING = object()


def value_at(data: Any, steps: list[str | int]) -> Any:
    """The value at ``steps`` in ``data``, or ``_MISSING``."""
    here = data
    for step in steps:
        if isinstance(step, int):
            if not isinstance(here, list) or step >= len(here):
                return _MISSING
            here = here[step]
        else:
            if not isinstance(here, dict) or step not in here:
                return _MISSING
            here = here[step]
    return here


def set_at(data: dict[str, Any], steps: list[str | int], value: Any) -> bool:
    """Set ``value`` at ``steps`` in ``data`` (making a missing mapping on the way, as a field left at
    its default is absent); False when the path leads nowhere (an index past a list's end, a step
    into a plain value)."""
    here: Any = data
    for step, following in itertools.pairwise(steps):
        if isinstance(step, int):
            if not isinstance(here, list) or step >= len(here):
                return False
            here = here[step]
            continue
        if not isinstance(here, dict):
            return False
        if step not in here:
            if isinstance(following, int):
                return False  # a missing list has no item to change
            here[step] = {}
        here = here[step]
    last = steps[-1]
    if isinstance(last, int):
        if not isinstance(here, list) or last >= len(here):
            return False
        here[last] = value
    elif isinstance(here, dict):
        here[last] = value
    else:
        return False
    return True


def same_items(made_for: dict[str, Any], working: dict[str, Any], steps: list[str | int]) -> bool:
    """Every list item the path passes through is the same item (same ``id``) in the working
    scenario as in the version the suggestion was made for: else the index points elsewhere now."""
    for end, step in enumerate(steps):
        if not isinstance(step, int) or end + 1 == len(steps):
            continue
        then = value_at(made_for, steps[: end + 1])
        now = value_at(working, steps[: end + 1])
        if then is _MISSING or now is _MISSING:
            return False
        then_id = then.get("id") if isinstance(then, dict) else then
        now_id = now.get("id") if isinstance(now, dict) else now
        if then_id != now_id:
            return False
    return True


def apply_change(
    s: Session, school: str, path: str, value_json: str, made_for: int, by: str, t: Translator
) -> tuple[str, int | None]:
    """Apply one suggestion to the working scenario: ``("saved", n)``, ``("unchanged", n)`` or
    ``("draft", None)``; :class:`Refused` when it cannot be applied (nothing is then saved)."""
    steps = parse_path(path)
    if steps is None:
        raise Refused(t("solve.apply.bad_path", path=path[:MAX_PATH]))
    try:
        value = json.loads(value_json)
    except ValueError:
        raise Refused(t("solve.apply.bad_value")) from None
    try:
        base = storage.scenario_version(s, school, made_for)
    except NotFound:
        raise Refused(t("solve.apply.unknown_version", n=made_for)) from None
    working = working_scenario(s, school)
    data = edited(working.data)
    moved_on = working.latest is None or working.latest.number != made_for or working.is_draft
    then = as_data(parse_scenario(base.text)) if moved_on else data
    if not same_items(then, data, steps):
        raise Refused(t("solve.apply.stale", n=made_for, path=path))
    now = value_at(data, steps)
    if now == value and not working.is_draft and working.latest is not None:
        return "unchanged", working.latest.number
    if moved_on and value_at(then, steps) != now:
        # Changed since: the suggestion's value (often the old list plus one) would undo that.
        raise Refused(t("solve.apply.stale", n=made_for, path=path))
    if not set_at(data, steps, value):
        raise Refused(t("solve.apply.bad_path", path=path))
    before = {(p.path, p.message) for p in working.problems}
    new = [p for p in problems_of(data) if (p.path, p.message) not in before]
    if new:
        raise Refused(
            t("solve.apply.invalid"), [f"{p.path}: {p.message}" if p.path else p.message for p in new]
        )
    saved = save_working(s, school, data, by)
    if saved.version is None:
        return "draft", None
    return "saved", saved.version.number


@router.post("/apply-suggestion", dependencies=[CsrfChecked])
def apply_suggestion(
    request: Request,
    school: SchoolSlug,
    session: SessionDep,
    who: SchoolEditor,
    path: Annotated[str, Form(max_length=1000)],
    value: Annotated[str, Form(max_length=100_000)],
    made_for: Annotated[int, Form(ge=1, le=MAX_NUMBER)],
) -> Response:
    t = Translator(who.account.locale)
    try:
        result, number = apply_change(session, school, path, value, made_for, who.account.username, t)
    except Refused as refused:
        return render(
            request,
            "solve/message.html",
            who,
            422,
            school=school,
            title=t("solve.apply.refused_title"),
            message=refused.message,
            problems=refused.problems,
            links=[(f"/app/s/{school}/solve", t("solve.job.again"))],
        )
    if result == "draft":
        return render(
            request,
            "solve/message.html",
            who,
            200,
            school=school,
            title=t("solve.apply.draft_title"),
            message=t("solve.apply.draft"),
            problems=[],
            links=[(f"/app/s/{school}/setup/", t("solve.draft_link"))],
        )
    return RedirectResponse(f"/app/s/{school}/solve?{result}={number}", status_code=303)
