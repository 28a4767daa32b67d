"""What the service keeps: schools, scenario versions, solve jobs, rota versions, publications.

Every function takes a :class:`~sqlalchemy.orm.Session` first and returns frozen dataclasses, never
ORM objects. Functions that change something are one unit of work each: they commit when the
session's transaction began on its own (``with session_factory() as s``), and only flush when the
caller began it (``with session_factory.begin() as s``), leaving the commit to the caller.

Scenarios are stored as the text submitted and re-read with :func:`rota_solver.parse_scenario`;
rotas as ``Rota.model_dump_json()`` and re-read with ``Rota.model_validate_json``, a rerun's
changes likewise as ``RotaDiff`` JSON.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any, Literal, cast, get_args

from sqlalchemy import CursorResult, Update, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, SessionTransactionOrigin, defer

from rota_solver import (
    NOTICE_SCHOOL_DAYS,
    Explanation,
    InvalidScenario,
    Rota,
    RotaDiff,
    Scenario,
    ScenarioProblem,
    parse_scenario,
    scenario_digest,
)

from .errors import Conflict, NotFound
from .models import ACTIVE_JOB_STATES, Publication, RotaVersion, ScenarioVersion, School, SolveJob
from .parsed import remember_rota, remember_scenario

__all__ = [
    "SLUG_PATTERN",
    "ChangeSummary",
    "ClaimedJob",
    "Conflict",
    "JobInfo",
    "JobKind",
    "JobStatus",
    "NotFound",
    "RerunInfo",
    "RerunInputs",
    "RerunParams",
    "RotaVersionInfo",
    "ScenarioFormat",
    "ScenarioVersionInfo",
    "SchoolInfo",
    "UnpublishedSchool",
    "get_changes",
    "get_job",
    "get_rota",
    "get_school",
    "latest_scenario",
    "list_jobs",
    "list_rotas",
    "list_schools",
    "new_feed_token",
    "publish",
    "published",
    "rotate_feed_token",
    "save_scenario",
    "scenario_version",
    "unpublished_school",
]

ScenarioFormat = Literal["yaml", "json"]
JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]
JobKind = Literal["solve", "rerun"]

SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"
"""School slugs: lower-case letters, digits, `-` and `_`, at most 63 characters."""
_SLUG = re.compile(SLUG_PATTERN)
_SUBMITTER_MAX = 200


@dataclass(frozen=True)
class SchoolInfo:
    slug: str
    name: str
    created_at: dt.datetime
    published_version: int | None
    feed_token: str


@dataclass(frozen=True)
class UnpublishedSchool:
    """A school whose feed token is known but which has published nothing yet."""

    name: str
    locale: str


@dataclass(frozen=True)
class ScenarioVersionInfo:
    school: str
    number: int
    text: str
    format: ScenarioFormat
    submitted_at: dt.datetime
    submitted_by: str
    digest: str


@dataclass(frozen=True)
class RerunParams:
    """What a rerun job was started with (``today`` and ``freeze`` as given: None for the default)."""

    today: dt.date | None = None
    freeze: dt.date | None = None
    notice_days: int = NOTICE_SCHOOL_DAYS


@dataclass(frozen=True)
class RerunInfo:
    """A rerun job's parameters as stored: the published version it reruns against and its today."""

    published_version: int
    today: dt.date
    freeze: dt.date | None
    notice_days: int


@dataclass(frozen=True)
class RerunInputs:
    """What a rerun job's worker needs besides the scenario."""

    published: Rota
    today: dt.date
    freeze: dt.date | None
    notice_days: int


@dataclass(frozen=True)
class ClaimedJob:
    """A job just marked running: its scenario text and, for a rerun, the rerun's inputs."""

    text: str
    rerun: RerunInputs | None
    time_limit_seconds: float = 60.0
    """The job's own limit, fixed when it was queued."""
    attempt: int = 1
    """1 for the first start, 2 for the retry after the process running it died."""


@dataclass(frozen=True)
class JobInfo:
    id: str
    school: str
    scenario_version: int
    kind: JobKind
    status: JobStatus
    phase: str | None
    best_objective: float | None
    bound: float | None
    elapsed_seconds: float
    time_limit_seconds: float
    error: str | None
    explanation: Explanation | None
    rota_version: int | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
    rerun: RerunInfo | None = None
    outcome: str | None = None
    """How the run ended (``rota_solver.application.OutcomeKind``), once it has."""
    cut_short: tuple[str, ...] = ()
    """A rerun's parameters; None for a solve."""
    attempts: int = 0
    """How many times a process has started the job (2: retried after its worker died)."""


@dataclass(frozen=True)
class ChangeSummary:
    """How much a rerun changed: its freeze date and the changes of each kind."""

    freeze: dt.date
    moved: int
    changed: int
    cancelled: int
    added: int

    @property
    def total(self) -> int:
        return self.moved + self.changed + self.cancelled + self.added

    @classmethod
    def of(cls, diff: RotaDiff) -> ChangeSummary:
        return cls(freeze=diff.freeze, **diff.counts())


@dataclass(frozen=True)
class RotaVersionInfo:
    school: str
    number: int
    scenario_version: int
    created_at: dt.datetime
    status: str
    objective: int
    published: bool
    based_on: int | None = None
    """For a rerun: the version it was rerun against; None for a fresh solve."""
    changes: ChangeSummary | None = None
    """For a rerun: what it changed; None for a fresh solve."""


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --- schools and scenarios ---------------------------------------------------------------------


def save_scenario(s: Session, slug: str, text: str, fmt: ScenarioFormat, by: str) -> ScenarioVersionInfo:
    """Store ``text`` as the school's next scenario version, creating the school on first save.

    The text is validated first: :class:`rota_solver.InvalidScenario` leaves the database as it
    was. The school's name follows its newest scenario. ``ValueError`` for a bad slug or format.
    """
    if not _SLUG.match(slug):
        raise ValueError(f"school slug {slug!r} does not match {SLUG_PATTERN}")
    if fmt not in get_args(ScenarioFormat):
        raise ValueError(f"scenario format {fmt!r} is not yaml or json")
    scenario = parse_scenario(text)
    _refuse_lone_surrogates(text, scenario)
    digest = scenario_digest(scenario)
    # Simultaneous uploads may pick the same next number (or both create the school): the loser's
    # commit breaks a unique constraint, and it tries again with the numbers as they are now.
    # Only a unit of work of its own can be retried; in the caller's transaction the error stands.
    retries = _SAVE_ATTEMPTS if _owns_transaction(s) else 1
    for attempt in range(1, retries + 1):
        try:
            version = _add_scenario_version(s, slug, scenario.school.name, text, fmt, by, digest)
            _commit(s)
        except IntegrityError:
            if retries == 1:
                raise
            s.rollback()
            if attempt == retries:
                raise Conflict(
                    f"school {slug!r} had {retries} other scenario uploads at the same moment: "
                    "upload again"
                ) from None
            time.sleep(random.uniform(0.0, 0.01 * attempt))
            continue
        remember_scenario(digest, scenario)
        return _scenario_info(slug, version)
    raise AssertionError("unreachable")  # pragma: no cover


_SAVE_ATTEMPTS = 20
"""How often an upload that lost a race for its version number tries again before answering 409."""


def _add_scenario_version(
    s: Session, slug: str, name: str, text: str, fmt: ScenarioFormat, by: str, digest: str
) -> ScenarioVersion:
    now = utcnow()
    school = s.scalar(select(School).where(School.slug == slug).with_for_update())
    if school is None:
        school = School(slug=slug, name=name, created_at=now, feed_token=new_feed_token())
        s.add(school)
        s.flush()
    else:
        school.name = name
    version = ScenarioVersion(
        school_id=school.id,
        number=_next_number(s, ScenarioVersion, school.id),
        text=text,
        format=fmt,
        submitted_at=now,
        submitted_by=by[:_SUBMITTER_MAX],
        digest=digest,
    )
    s.add(version)
    s.flush()
    return version


def _refuse_lone_surrogates(text: str, scenario: Scenario) -> None:
    """:class:`InvalidScenario` when the text or what it says holds a lone UTF-16 surrogate (a
    JSON ``"\\ud800"`` escape): no database or JSON answer can carry one."""
    try:
        text.encode("utf-8")
        scenario.model_dump_json(warnings=False).encode("utf-8")
    except ValueError:  # UnicodeEncodeError, or pydantic's serialization error wrapping one
        raise InvalidScenario(
            [ScenarioProblem("", "the scenario holds a lone UTF-16 surrogate (e.g. \\ud800): not text")]
        ) from None


def get_school(s: Session, slug: str) -> SchoolInfo:
    return _school_info(s, _school(s, slug))


def list_schools(s: Session) -> list[SchoolInfo]:
    """Every school, by slug."""
    return [_school_info(s, school) for school in s.scalars(select(School).order_by(School.slug))]


def latest_scenario(s: Session, slug: str) -> ScenarioVersionInfo:
    school = _school(s, slug)
    version = s.scalar(
        select(ScenarioVersion)
        .where(ScenarioVersion.school_id == school.id)
        .order_by(ScenarioVersion.number.desc())
        .limit(1)
    )
    if version is None:
        raise NotFound(f"scenario of school {slug!r}")
    return _scenario_info(slug, version)


def scenario_version(s: Session, slug: str, number: int) -> ScenarioVersionInfo:
    return _scenario_info(slug, _scenario_row(s, _school(s, slug), number))


# --- rota versions and publication -------------------------------------------------------------


def list_rotas(s: Session, slug: str) -> list[RotaVersionInfo]:
    """The school's rota versions, oldest first."""
    school = _school(s, slug)
    published_id = _published_rota_id(s, school.id)
    rows = s.execute(
        select(RotaVersion, ScenarioVersion.number)
        .join(ScenarioVersion, RotaVersion.scenario_version_id == ScenarioVersion.id)
        .where(RotaVersion.school_id == school.id)
        .order_by(RotaVersion.number)
        .options(defer(RotaVersion.rota_json), defer(RotaVersion.report_json))  # the listing needs neither
    ).all()
    numbers = {rota.id: rota.number for rota, _ in rows}
    return [_rota_info(slug, rota, scenario_number, published_id, numbers) for rota, scenario_number in rows]


def get_rota(s: Session, slug: str, number: int) -> tuple[RotaVersionInfo, Rota, Scenario]:
    """A rota version with the rota and the scenario it was solved from."""
    school = _school(s, slug)
    row = _rota_row(s, school, number)
    scenario_row = s.get_one(ScenarioVersion, row.scenario_version_id)
    info = _rota_info(slug, row, scenario_row.number, _published_rota_id(s, school.id), _based_on(s, row))
    return info, Rota.model_validate_json(row.rota_json), parse_scenario(scenario_row.text)


def get_changes(s: Session, slug: str, number: int) -> tuple[RotaVersionInfo, RotaDiff, Scenario]:
    """What rerun version ``number`` changed against the version it was rerun from, with the
    scenario it was rerun for. :class:`NotFound` for a version solved afresh (it has no changes)."""
    school = _school(s, slug)
    row = _rota_row(s, school, number)
    if row.changes_json is None:
        raise NotFound(
            f"changes of rota version {number} of school {slug!r}: it was solved afresh, not rerun "
            "against a published version"
        )
    scenario_row = s.get_one(ScenarioVersion, row.scenario_version_id)
    info = _rota_info(slug, row, scenario_row.number, _published_rota_id(s, school.id), _based_on(s, row))
    return info, RotaDiff.model_validate_json(row.changes_json), parse_scenario(scenario_row.text)


def publish(s: Session, slug: str, number: int, at: dt.datetime) -> RotaVersionInfo:
    """Make rota version ``number`` the one the school's feeds show (again publishing the
    version already published changes nothing)."""
    school = _school(s, slug)
    row = _rota_row(s, school, number)
    if _published_rota_id(s, school.id) != row.id:
        s.add(Publication(school_id=school.id, rota_version_id=row.id, published_at=at))
        _commit(s)
    scenario_number = s.get_one(ScenarioVersion, row.scenario_version_id).number
    return _rota_info(slug, row, scenario_number, row.id, _based_on(s, row))


def published(
    s: Session, slug: str | None, token: str
) -> tuple[SchoolInfo, RotaVersionInfo, Rota, Scenario, dt.datetime]:
    """The published rota of the school whose feed token is ``token`` (and slug ``slug``, if given),
    with its scenario and when it was published. :class:`NotFound` if the token is unknown, belongs
    to another school, or nothing is published: the three look alike to a caller."""
    school = s.scalar(select(School).where(School.feed_token == token)) if token else None
    if school is None or (slug is not None and school.slug != slug):
        raise NotFound("published rota")
    publication = _latest_publication(s, school.id)
    if publication is None:
        raise NotFound("published rota")
    row = s.get_one(RotaVersion, publication.rota_version_id)
    scenario_row = s.get_one(ScenarioVersion, row.scenario_version_id)
    return (
        _school_info(s, school),
        _rota_info(school.slug, row, scenario_row.number, row.id, _based_on(s, row)),
        Rota.model_validate_json(row.rota_json),
        parse_scenario(scenario_row.text),
        publication.published_at,
    )


def unpublished_school(s: Session, token: str) -> UnpublishedSchool | None:
    """The school whose feed token is ``token`` when it has published nothing yet (its name and
    its newest scenario's locale, to say so in its language); None for an unknown token or a school
    that has published."""
    school = s.scalar(select(School).where(School.feed_token == token)) if token else None
    if school is None or _latest_publication(s, school.id) is not None:
        return None
    text = s.scalar(
        select(ScenarioVersion.text)
        .where(ScenarioVersion.school_id == school.id)
        .order_by(ScenarioVersion.number.desc())
        .limit(1)
    )
    locale = parse_scenario(text).school.locale if text is not None else "en"
    return UnpublishedSchool(name=school.name, locale=locale)


def rotate_feed_token(s: Session, slug: str) -> SchoolInfo:
    """Give the school a new feed token; feed URLs with the old one stop working."""
    school = _school(s, slug)
    school.feed_token = new_feed_token()
    _commit(s)
    return _school_info(s, school)


# --- solve jobs (the HTTP layer reads; api.jobs writes) ------------------------------------------


def get_job(s: Session, job_id: str) -> JobInfo:
    job = s.get(SolveJob, job_id)
    if job is None:
        raise NotFound(f"job {job_id!r}")
    return _job_info(s, job)


def list_jobs(s: Session, slug: str, limit: int) -> list[JobInfo]:
    """The school's jobs, newest first, at most ``limit``."""
    school = _school(s, slug)
    jobs = s.scalars(
        select(SolveJob)
        .where(SolveJob.school_id == school.id)
        .order_by(SolveJob.created_at.desc(), SolveJob.id.desc())
        .limit(limit)
    )
    return [_job_info(s, job) for job in jobs]


def create_job(
    s: Session,
    slug: str,
    scenario_number: int | None,
    time_limit_seconds: float,
    job_id: str,
    rerun: RerunParams | None = None,
    owner: str | None = None,
    lease_until: dt.datetime | None = None,
    max_attempts: int = 1,
) -> JobInfo:
    """A queued job, held by ``owner`` until ``lease_until`` (renewed with :func:`renew_leases`;
    a job for the task queue has no owner until a worker claims it, and may start ``max_attempts`` times),
    for the school's scenario ``scenario_number`` (default: the newest): a solve,
    or with ``rerun`` a rerun against the version the school has published now.

    :class:`Conflict` if the school already has a queued or running job (a partial unique index
    makes that hold even for concurrent starts), or for a rerun when nothing is published.
    A rerun without ``today`` gets the school's date now, in the scenario's timezone.
    """
    school = _school(s, slug)
    active = _active_job(s, school.id)
    if active is not None:
        raise _conflict(slug, active)
    if scenario_number is None:
        scenario_row = s.scalar(
            select(ScenarioVersion)
            .where(ScenarioVersion.school_id == school.id)
            .order_by(ScenarioVersion.number.desc())
            .limit(1)
        )
        if scenario_row is None:
            raise NotFound(f"scenario of school {slug!r}")
    else:
        scenario_row = _scenario_row(s, school, scenario_number)
    job = SolveJob(
        id=job_id,
        school_id=school.id,
        scenario_version_id=scenario_row.id,
        kind="solve",
        status="queued",
        elapsed_seconds=0.0,
        time_limit_seconds=time_limit_seconds,
        created_at=utcnow(),
        owner=owner,
        lease_until=lease_until,
        attempts=0,
        max_attempts=max_attempts,
    )
    if rerun is not None:
        published_id = _published_rota_id(s, school.id)
        if published_id is None:
            raise Conflict(
                f"school {slug!r} has no published rota to rerun against: publish a rota version first "
                f"(POST /schools/{slug}/rotas/{{number}}/publish), or solve afresh"
            )
        today = rerun.today
        if today is None:  # the school's today, not the server's: they differ around midnight
            today = dt.datetime.now(parse_scenario(scenario_row.text).school.tz).date()
        job.kind = "rerun"
        job.rerun_of_id = published_id
        job.rerun_today = today
        job.rerun_freeze = rerun.freeze
        job.rerun_notice_days = rerun.notice_days
    s.add(job)
    try:
        _commit(s)
    except IntegrityError:
        s.rollback()
        active = _active_job(s, school.id)
        if active is None:
            raise
        raise _conflict(slug, active) from None
    return _job_info(s, job)


def claim_job(
    s: Session,
    job_id: str,
    at: dt.datetime,
    owner: str | None = None,
    lease_until: dt.datetime | None = None,
) -> ClaimedJob | None:
    """Mark a queued job running (held by ``owner`` until ``lease_until`` when given, else by the
    owner it has); its scenario text (and a rerun's inputs), or None if it is no longer queued
    (another process claimed it first, or it was cancelled). Atomic: of two processes handed the
    same job, one gets it."""
    values: dict[str, Any] = {
        "status": "running",
        "phase": "building",
        "started_at": at,
        "attempts": SolveJob.attempts + 1,
        "best_objective": None,
        "bound": None,
    }
    if owner is not None:
        values |= {"owner": owner, "lease_until": lease_until}
    changed = _set_job(
        s, update(SolveJob).where(SolveJob.id == job_id, SolveJob.status == "queued").values(**values)
    )
    if not changed:
        s.rollback()
        return None
    _commit(s)
    job = s.get_one(SolveJob, job_id)
    s.refresh(job)
    text = s.get_one(ScenarioVersion, job.scenario_version_id).text
    limit, attempt = job.time_limit_seconds, job.attempts
    if job.kind != "rerun":
        return ClaimedJob(text, None, limit, attempt)
    published_id, today, notice_days = _rerun_of(job)
    published = Rota.model_validate_json(s.get_one(RotaVersion, published_id).rota_json)
    inputs = RerunInputs(published, today, job.rerun_freeze, notice_days)
    return ClaimedJob(text, inputs, limit, attempt)


@dataclass(frozen=True)
class JobState:
    """Who holds an active job, for a queue worker deciding what to do with its message."""

    status: JobStatus
    owner: str | None
    lease_until: dt.datetime | None


def job_state(s: Session, job_id: str) -> JobState | None:
    """The job's status and holder; None for an unknown job."""
    job = s.get(SolveJob, job_id)
    if job is None:
        return None
    s.refresh(job)
    return JobState(cast(JobStatus, job.status), job.owner, job.lease_until)


def record_progress(
    s: Session,
    job_id: str,
    phase: str,
    elapsed_seconds: float,
    best_objective: float | None = None,
    bound: float | None = None,
    owner: str | None = None,
) -> None:
    """Update a running job's phase and figures (figures left as they were when None); with
    ``owner``, only while that process holds it."""
    values: dict[str, Any] = {"phase": phase, "elapsed_seconds": elapsed_seconds}
    if best_objective is not None:
        values["best_objective"] = best_objective
    if bound is not None:
        values["bound"] = bound
    statement = update(SolveJob).where(SolveJob.id == job_id, SolveJob.status == "running")
    if owner is not None:
        statement = statement.where(SolveJob.owner == owner)
    _set_job(s, statement.values(**values))
    _commit(s)


def finish_job(
    s: Session,
    job_id: str,
    status: Literal["succeeded", "failed", "cancelled"],
    at: dt.datetime,
    elapsed_seconds: float,
    error: str | None = None,
    rota: Rota | None = None,
    changes: RotaDiff | None = None,
    explanation: Explanation | None = None,
    outcome: str | None = None,
    cut_short: tuple[str, ...] = (),
    owner: str | None = None,
) -> bool:
    """End a running job; with ``rota`` (status succeeded), store it as the school's next rota
    version, for a rerun with its ``changes`` and the version it was rerun against. False, storing
    nothing, if the job was no longer running (cancelled meanwhile) or, with ``owner``, no longer
    that process's (its lease ran out and another worker retried it): one rota per job."""
    values: dict[str, Any] = {
        "status": status,
        "finished_at": at,
        "elapsed_seconds": elapsed_seconds,
        "error": error,
        "explanation_json": explanation.model_dump_json() if explanation is not None else None,
        "outcome": outcome,
        "cut_short": ",".join(cut_short) or None,
    }
    if rota is not None:
        values.update(phase="done", best_objective=rota.report.objective, bound=rota.report.best_bound)
    statement = update(SolveJob).where(SolveJob.id == job_id, SolveJob.status == "running")
    if owner is not None:
        statement = statement.where(SolveJob.owner == owner)
    changed = _set_job(s, statement.values(**values))
    if not changed:
        s.rollback()
        return False
    rota_json = rota.model_dump_json() if rota is not None else None
    if rota is not None:
        job = s.get_one(SolveJob, job_id)
        row = RotaVersion(
            school_id=job.school_id,
            number=_next_number(s, RotaVersion, job.school_id),
            scenario_version_id=job.scenario_version_id,
            created_at=at,
            status=rota.report.status,
            objective=rota.report.objective,
            rota_json=rota_json,
            report_json=rota.report.model_dump_json(),
            based_on_id=job.rerun_of_id,
            changes_json=changes.model_dump_json() if changes is not None else None,
        )
        s.add(row)
        s.flush()
        job.rota_version_id = row.id
    _commit(s)
    if rota is not None and rota_json is not None:
        remember_rota(rota_json, rota)
    return True


def cancel_job(s: Session, job_id: str, at: dt.datetime) -> JobInfo:
    """Mark a queued or running job cancelled; a finished job is returned as it is."""
    job = s.get(SolveJob, job_id)
    if job is None:
        raise NotFound(f"job {job_id!r}")
    started = job.started_at
    elapsed = (at - started).total_seconds() if started is not None else 0.0
    _set_job(
        s,
        update(SolveJob)
        .where(SolveJob.id == job_id, SolveJob.status.in_(ACTIVE_JOB_STATES))
        .values(status="cancelled", finished_at=at, elapsed_seconds=elapsed, error="cancelled on request"),
    )
    _commit(s)
    s.refresh(job)
    return _job_info(s, job)


def renew_leases(s: Session, owner: str, until: dt.datetime) -> list[str]:
    """Extend the lease of every active job of ``owner``; the ids of its jobs no longer active
    (cancelled, perhaps through another server process) are not among those renewed."""
    _set_job(
        s,
        update(SolveJob)
        .where(SolveJob.owner == owner, SolveJob.status.in_(ACTIVE_JOB_STATES))
        .values(lease_until=until),
    )
    _commit(s)
    rows = s.scalars(
        select(SolveJob.id).where(SolveJob.owner == owner, SolveJob.status.in_(ACTIVE_JOB_STATES))
    )
    return list(rows)


def requeue_expired_jobs(s: Session, at: dt.datetime, wait_until: dt.datetime) -> list[str]:
    """Put back on the queue every running job whose lease ran out before ``at`` (its worker died)
    and that may start again (``attempts < max_attempts``): queued, no owner, held until
    ``wait_until``, phase ``requeued``; the ids of those jobs. The task
    queue hands the job's message to a worker again (late acknowledgement), which claims it."""
    expired = list(
        s.scalars(
            select(SolveJob.id).where(
                SolveJob.status == "running",
                SolveJob.lease_until < at,
                SolveJob.attempts < SolveJob.max_attempts,
            )
        )
    )
    if not expired:
        return []
    _set_job(
        s,
        update(SolveJob)
        .where(
            SolveJob.id.in_(expired),
            SolveJob.status == "running",
            SolveJob.lease_until < at,  # not renewed meanwhile
            SolveJob.attempts < SolveJob.max_attempts,
        )
        .values(
            status="queued",
            owner=None,
            lease_until=wait_until,
            phase="requeued",
            best_objective=None,
            bound=None,
        ),
    )
    _commit(s)
    return expired


def fail_expired_jobs(s: Session, at: dt.datetime, error: str, queued_error: str | None = None) -> list[str]:
    """Mark failed every active job whose lease ran out before ``at`` (its process died, or, for a
    job waiting on the task queue, no worker took it in time: then ``queued_error``, if given); the
    ids of those jobs. Jobs from before leases existed count as expired. A job that had been
    retried says so."""
    rows = s.execute(
        select(SolveJob.id, SolveJob.status, SolveJob.owner, SolveJob.attempts).where(
            SolveJob.status.in_(ACTIVE_JOB_STATES),
            or_(SolveJob.lease_until.is_(None), SolveJob.lease_until < at),
        )
    ).all()
    failed = []
    for job_id, status, owner, attempts in rows:
        reason = error
        if status == "queued" and owner is None and queued_error is not None:
            reason = queued_error
        elif attempts > 1:
            reason = f"{error}; it had been retried once already ({attempts} attempts): not retried again"
        changed = _set_job(
            s,
            update(SolveJob)
            .where(
                SolveJob.id == job_id,
                SolveJob.status.in_(ACTIVE_JOB_STATES),
                or_(SolveJob.lease_until.is_(None), SolveJob.lease_until < at),  # not renewed meanwhile
            )
            .values(status="failed", finished_at=at, error=reason),
        )
        if changed:
            failed.append(job_id)
    _commit(s)
    return failed


def fail_active_jobs(
    s: Session,
    at: dt.datetime,
    error: str,
    only: set[str] | None = None,
    exclude: set[str] | None = None,
) -> int:
    """Mark queued and running jobs failed with ``error`` (those in ``only``, if given, and not in
    ``exclude``); how many were."""
    statement = update(SolveJob).where(SolveJob.status.in_(ACTIVE_JOB_STATES))
    if only is not None:
        if not only:
            return 0
        statement = statement.where(SolveJob.id.in_(only))
    if exclude:
        statement = statement.where(SolveJob.id.not_in(exclude))
    count = _set_job(s, statement.values(status="failed", finished_at=at, error=error))
    _commit(s)
    return count


# --- helpers -----------------------------------------------------------------------------------


def _owns_transaction(s: Session) -> bool:
    """Whether ``s``'s transaction is this function's to commit (it began on its own)."""
    transaction = s.get_transaction()
    return transaction is None or transaction.origin is SessionTransactionOrigin.AUTOBEGIN


def _commit(s: Session) -> None:
    if _owns_transaction(s):
        s.commit()
    else:
        s.flush()  # the caller began the transaction and commits it


def _set_job(s: Session, statement: Update) -> int:
    result = cast(CursorResult[Any], s.execute(statement, execution_options={"synchronize_session": False}))
    return result.rowcount


def _school(s: Session, slug: str) -> School:
    school = s.scalar(select(School).where(School.slug == slug))
    if school is None:
        raise NotFound(f"school {slug!r}")
    return school


def _scenario_row(s: Session, school: School, number: int) -> ScenarioVersion:
    row = s.scalar(
        select(ScenarioVersion).where(
            ScenarioVersion.school_id == school.id, ScenarioVersion.number == number
        )
    )
    if row is None:
        raise NotFound(f"scenario version {number} of school {school.slug!r}")
    return row


def _rota_row(s: Session, school: School, number: int) -> RotaVersion:
    row = s.scalar(
        select(RotaVersion).where(RotaVersion.school_id == school.id, RotaVersion.number == number)
    )
    if row is None:
        raise NotFound(f"rota version {number} of school {school.slug!r}")
    return row


def _next_number(s: Session, table: type[ScenarioVersion] | type[RotaVersion], school_id: int) -> int:
    highest = s.scalar(select(func.max(table.number)).where(table.school_id == school_id))
    return (highest or 0) + 1


def _latest_publication(s: Session, school_id: int) -> Publication | None:
    return s.scalar(
        select(Publication).where(Publication.school_id == school_id).order_by(Publication.id.desc()).limit(1)
    )


def _published_rota_id(s: Session, school_id: int) -> int | None:
    publication = _latest_publication(s, school_id)
    return publication.rota_version_id if publication is not None else None


def _active_job(s: Session, school_id: int) -> SolveJob | None:
    return s.scalar(
        select(SolveJob).where(SolveJob.school_id == school_id, SolveJob.status.in_(ACTIVE_JOB_STATES))
    )


def _conflict(slug: str, job: SolveJob) -> Conflict:
    return Conflict(f"school {slug!r} already has job {job.id} {job.status}", running_job=job.id)


def _school_info(s: Session, school: School) -> SchoolInfo:
    published_id = _published_rota_id(s, school.id)
    number = s.get_one(RotaVersion, published_id).number if published_id is not None else None
    return SchoolInfo(
        slug=school.slug,
        name=school.name,
        created_at=school.created_at,
        published_version=number,
        feed_token=school.feed_token,
    )


def _scenario_info(slug: str, row: ScenarioVersion) -> ScenarioVersionInfo:
    return ScenarioVersionInfo(
        school=slug,
        number=row.number,
        text=row.text,
        format=cast(ScenarioFormat, row.format),
        submitted_at=row.submitted_at,
        submitted_by=row.submitted_by,
        digest=row.digest,
    )


def _rerun_of(job: SolveJob) -> tuple[int, dt.date, int]:
    """A rerun job's published version id, today and notice days (all set when it was started)."""
    assert job.rerun_of_id is not None and job.rerun_today is not None
    assert job.rerun_notice_days is not None
    return job.rerun_of_id, job.rerun_today, job.rerun_notice_days


def _based_on(s: Session, row: RotaVersion) -> dict[int, int]:
    """Rota version number by id, for the version ``row`` was rerun against (if any)."""
    if row.based_on_id is None:
        return {}
    return {row.based_on_id: s.get_one(RotaVersion, row.based_on_id).number}


def _rota_info(
    slug: str,
    row: RotaVersion,
    scenario_number: int,
    published_id: int | None,
    numbers: dict[int, int] | None = None,
) -> RotaVersionInfo:
    """``numbers``: rota version number by id, holding the version ``row`` was rerun against."""
    changes = None
    if row.changes_json is not None:
        changes = ChangeSummary.of(RotaDiff.model_validate_json(row.changes_json))
    return RotaVersionInfo(
        school=slug,
        number=row.number,
        scenario_version=scenario_number,
        created_at=row.created_at,
        status=row.status,
        objective=row.objective,
        published=row.id == published_id,
        based_on=(numbers or {}).get(row.based_on_id) if row.based_on_id is not None else None,
        changes=changes,
    )


def _job_info(s: Session, job: SolveJob) -> JobInfo:
    school = s.get_one(School, job.school_id)
    scenario_row = s.get_one(ScenarioVersion, job.scenario_version_id)
    rota_number = s.get_one(RotaVersion, job.rota_version_id).number if job.rota_version_id else None
    rerun = None
    if job.kind == "rerun":
        published_id, today, notice_days = _rerun_of(job)
        rerun = RerunInfo(
            published_version=s.get_one(RotaVersion, published_id).number,
            today=today,
            freeze=job.rerun_freeze,
            notice_days=notice_days,
        )
    elapsed = job.elapsed_seconds
    if job.status == "running" and job.started_at is not None:
        elapsed = (utcnow() - job.started_at).total_seconds()
    return JobInfo(
        id=job.id,
        school=school.slug,
        scenario_version=scenario_row.number,
        kind=cast(JobKind, job.kind),
        status=cast(JobStatus, job.status),
        phase=job.phase,
        best_objective=job.best_objective,
        bound=job.bound,
        elapsed_seconds=round(elapsed, 3),
        time_limit_seconds=job.time_limit_seconds,
        error=job.error,
        explanation=Explanation.model_validate_json(job.explanation_json) if job.explanation_json else None,
        outcome=job.outcome,
        cut_short=tuple(job.cut_short.split(",")) if job.cut_short else (),
        rota_version=rota_number,
        created_at=job.created_at,
        finished_at=job.finished_at,
        rerun=rerun,
        attempts=job.attempts,
    )
