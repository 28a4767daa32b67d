"""The JSON bodies the rota service answers with: every field described, for the OpenAPI page at /docs.

Each model is built from the storage layer's dataclasses by its ``of`` class method, so the HTTP
shape is defined here once and the storage layer stays free of HTTP concerns.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from rota_solver import Explanation, ScenarioProblem

from .storage import ChangeSummary, JobInfo, RerunInfo, RotaVersionInfo, ScenarioVersionInfo, SchoolInfo

JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]
JobKind = Literal["solve", "rerun"]
Responses = dict[int | str, dict[str, Any]]
"""Extra responses of a route, for the OpenAPI page."""


class _Body(BaseModel):
    model_config = ConfigDict(frozen=True)


class Health(_Body):
    """The service answers."""

    status: Literal["ok"] = Field(description="Always `ok` when the service is up.")


class ErrorBody(_Body):
    """What went wrong, in one sentence."""

    detail: str = Field(description="What went wrong.")


class ConflictBody(_Body):
    """The request clashes with the state of the school, e.g. a solve already runs, or a rerun finds
    nothing published."""

    detail: str = Field(description="What clashed.")
    running_job: str | None = Field(
        description="Id of the school's queued or running job, when that is the clash; else null."
    )


class Problem(_Body):
    """One thing wrong with a scenario, as `rota validate` reports it."""

    path: str = Field(description="Dotted field path, e.g. `rules[1].room`; empty for the whole document.")
    line: int | None = Field(description="1-based line of the submitted text, when known.")
    message: str = Field(description="What is wrong, in words.")

    @classmethod
    def of(cls, problem: ScenarioProblem) -> Problem:
        return cls(path=problem.path, line=problem.line, message=problem.message)


class ProblemReport(_Body):
    """Every problem of an invalid scenario."""

    problems: list[Problem] = Field(description="Every problem found, in document order.")


class ValidationResult(_Body):
    """A scenario that can be solved."""

    valid: Literal[True] = Field(description="Always true: an invalid scenario is answered with 422.")
    classes: int = Field(description="Number of classes the scenario describes.")
    warnings: list[str] = Field(
        default=[],
        description="Warnings, one line each in the school's language, e.g. a year of the term for which "
        "the holiday data has no official make-up working days (调休): list them under term.makeup_days.",
    )


class ScenarioVersion(_Body):
    """One stored version of a school's scenario."""

    school: str = Field(description="The school's slug, as in the URL.")
    number: int = Field(description="Version number, 1 for the first upload, counting up.")
    format: Literal["yaml", "json"] = Field(description="Format the scenario was submitted in.")
    submitted_at: dt.datetime = Field(description="When it was stored (UTC).")
    submitted_by: str = Field(description="Who stored it.")
    digest: str = Field(
        description="SHA-256 of the validated scenario (hex), the `scenario_digest` of rotas solved from it."
    )
    url: str = Field(description="Path of this version's text (GET it with the admin token).")

    @classmethod
    def of(cls, info: ScenarioVersionInfo) -> ScenarioVersion:
        return cls(
            school=info.school,
            number=info.number,
            format=info.format,
            submitted_at=info.submitted_at,
            submitted_by=info.submitted_by,
            digest=info.digest,
            url=f"/schools/{info.school}/scenario?version={info.number}",
        )


class RerunJobParams(_Body):
    """What a rerun job reruns against, and from when it may change things."""

    published_version: int = Field(
        description="The rota version that was published when the rerun started: it reruns against it."
    )
    today: dt.date = Field(description="The rerun's today: as given, or the school's date when it started.")
    freeze: dt.date | None = Field(
        description="Freeze date as given: nothing before it changes. Null: `notice_days` school days "
        "after `today` (the rerun version's changes say which date that was)."
    )
    notice_days: int = Field(
        description="School days of notice counted from `today` when no freeze is given."
    )

    @classmethod
    def of(cls, info: RerunInfo) -> RerunJobParams:
        return cls(
            published_version=info.published_version,
            today=info.today,
            freeze=info.freeze,
            notice_days=info.notice_days,
        )


class Job(_Body):
    """A solve or rerun job and its live progress."""

    id: str = Field(description="Job id.")
    school: str = Field(description="The school's slug.")
    kind: JobKind = Field(
        description="`solve`: solve the scenario afresh; `rerun`: rerun it against the published rota."
    )
    scenario_version: int = Field(description="Scenario version being solved.")
    rerun: RerunJobParams | None = Field(description="A rerun's parameters; null for a solve.")
    status: JobStatus = Field(
        description="`queued`, `running`, then `succeeded` (a rota version was stored), `failed` "
        "(see `error`) or `cancelled`."
    )
    phase: str | None = Field(
        description="Current phase: `weekly_pattern`, `weekly_staff`, `term_dates`, `explaining`, "
        "`verifying`, then `done`; null before it starts."
    )
    best_objective: float | None = Field(
        description="Penalty of the best rota found so far in the current stage; null before the first one."
    )
    bound: float | None = Field(
        description="Best proven lower bound of the penalty in the current stage; null before it is known."
    )
    elapsed_seconds: float = Field(description="Seconds the job has run (or ran).")
    time_limit_seconds: float = Field(
        description="Seconds the whole job may take: every solver stage and the explanation of a failure "
        "end within it (the job ends within about 2 s more)."
    )
    outcome: str | None = Field(
        default=None,
        description="How the run ended, the same as `rota solve` reports: `solved`, `solved_with_unmet`, "
        "`no_rota`, `stopped_at_limit` (with the best verified rota found, if any), `verifier_failed`, "
        "`cannot_rerun`; null while it runs, or when it was cancelled or interrupted.",
    )
    cut_short: list[str] = Field(
        default_factory=list,
        description="Stages the time limit ended before they were finished (`weekly_pattern`, "
        "`weekly_staff`, `term_dates`, `explaining`); the rota's report says what is still proven.",
    )
    error: str | None = Field(description="Why the job failed; null unless `status` is `failed`.")
    attempts: int = Field(
        default=0,
        description="How many times a process started the job: 0 while it waits, 1 once started, 2 when "
        "the task-queue worker running it died and another one retried it (at most once).",
    )
    explanation: Explanation | None = Field(
        default=None,
        description="When no rota exists: the conflicting requirements (kind, subject, detail), each "
        "conflict in words and relaxations tested to work (text and the scenario change); else null.",
    )
    rota_version: int | None = Field(description="Rota version the job stored; null until it has.")
    created_at: dt.datetime = Field(description="When the job was started (UTC).")
    finished_at: dt.datetime | None = Field(description="When the job ended (UTC); null while it runs.")
    url: str = Field(description="Path to poll this job at.")

    @classmethod
    def of(cls, info: JobInfo) -> Job:
        return cls(
            id=info.id,
            school=info.school,
            kind=info.kind,
            scenario_version=info.scenario_version,
            rerun=RerunJobParams.of(info.rerun) if info.rerun is not None else None,
            status=info.status,
            phase=info.phase,
            best_objective=info.best_objective,
            bound=info.bound,
            elapsed_seconds=info.elapsed_seconds,
            time_limit_seconds=info.time_limit_seconds,
            error=info.error,
            attempts=info.attempts,
            explanation=info.explanation,
            outcome=info.outcome,
            cut_short=list(info.cut_short),
            rota_version=info.rota_version,
            created_at=info.created_at,
            finished_at=info.finished_at,
            url=f"/jobs/{info.id}",
        )


class ChangeCounts(_Body):
    """How much a rerun changed against the version it was rerun from."""

    freeze: dt.date = Field(description="Freeze date of the rerun: nothing before it changed.")
    total: int = Field(description="Sessions and activities changed in any way; 0 when nothing changed.")
    moved: int = Field(description="Events moved to another date or time.")
    changed: int = Field(description="Events at the same time with another room or other staff.")
    cancelled: int = Field(description="Published events dropped.")
    added: int = Field(description="Events that were not published before.")

    @classmethod
    def of(cls, summary: ChangeSummary) -> ChangeCounts:
        return cls(
            freeze=summary.freeze,
            total=summary.total,
            moved=summary.moved,
            changed=summary.changed,
            cancelled=summary.cancelled,
            added=summary.added,
        )


class RotaVersion(_Body):
    """One stored rota of a school."""

    school: str = Field(description="The school's slug.")
    number: int = Field(description="Rota version number, counting up from 1.")
    scenario_version: int = Field(description="Scenario version it was solved from.")
    created_at: dt.datetime = Field(description="When the solve stored it (UTC).")
    status: str = Field(
        description="Solver status (`optimal`, `feasible`), or `failed` when the verifier rejected it."
    )
    objective: int = Field(description="Total penalty of the soft wishes (lower is better).")
    published: bool = Field(description="Whether this is the version the school's feeds serve.")
    based_on: int | None = Field(
        description="For a rerun: the published version it was rerun against; null for a fresh solve."
    )
    changes: ChangeCounts | None = Field(
        description="For a rerun: how much it changed (details at `changes_url`); null for a fresh solve."
    )
    url: str = Field(description="Path of the rota (`?format=json|csv|html`).")
    changes_url: str | None = Field(
        description="For a rerun: path of what it changed (`?format=json|text|html`); null for a fresh solve."
    )

    @classmethod
    def of(cls, info: RotaVersionInfo) -> RotaVersion:
        return cls(
            school=info.school,
            number=info.number,
            scenario_version=info.scenario_version,
            created_at=info.created_at,
            status=info.status,
            objective=info.objective,
            published=info.published,
            based_on=info.based_on,
            changes=ChangeCounts.of(info.changes) if info.changes is not None else None,
            url=f"/schools/{info.school}/rotas/{info.number}",
            changes_url=f"/schools/{info.school}/rotas/{info.number}/changes"
            if info.changes is not None
            else None,
        )


class School(_Body):
    """A school the service knows."""

    slug: str = Field(description="The school's slug, as in the URLs.")
    name: str = Field(description="The school's name, from its latest scenario.")
    created_at: dt.datetime = Field(description="When its first scenario was stored (UTC).")
    published_version: int | None = Field(
        description="Rota version its feeds serve; null before one is published."
    )
    feed_url: str = Field(
        description="Base address of the school's feeds; its index page lists every calendar. "
        "Anyone who has it can read the published rota."
    )

    @classmethod
    def of(cls, info: SchoolInfo, base_url: str) -> School:
        return cls(
            slug=info.slug,
            name=info.name,
            created_at=info.created_at,
            published_version=info.published_version,
            feed_url=feed_url(info, base_url),
        )


def feed_url(info: SchoolInfo, base_url: str) -> str:
    """The school's feed index address, under the service's ``base_url``."""
    return f"{base_url.rstrip('/')}/feeds/{info.feed_token}/"


class FeedToken(_Body):
    """The school's feed address after the token was rotated: every old address stops working."""

    school: str = Field(description="The school's slug.")
    feed_url: str = Field(
        description="Base address of the school's feeds; its index page lists every calendar. "
        "Hand it to the teachers: anyone who has it can read the published rota."
    )

    @classmethod
    def of(cls, info: SchoolInfo, base_url: str) -> FeedToken:
        return cls(school=info.slug, feed_url=feed_url(info, base_url))


def error(status: int, description: str, model: type[BaseModel] = ErrorBody) -> Responses:
    """An error response of a route, for the OpenAPI page."""
    return {status: {"model": model, "description": description}}


UNAUTHORIZED = error(401, "Missing or wrong admin token.")
