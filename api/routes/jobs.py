"""Solve jobs: start one for a school, watch its progress, cancel it.

A school has at most one queued or running job, a solve or a rerun (``api.routes.reruns``);
starting another answers 409 with the running job's id. A job that succeeds stores a new rota
version (``GET /schools/{school}/rotas``); the published version does not change until it is
published.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from .. import storage
from ..deps import MAX_NUMBER, RunnerDep, SchoolSlug, SessionDep, require_admin
from ..schemas import UNAUTHORIZED, ConflictBody, Job, error

router = APIRouter(
    tags=["solve jobs"],
    dependencies=[Depends(require_admin)],
    responses=UNAUTHORIZED,
)


@router.post(
    "/schools/{school}/solves",
    status_code=status.HTTP_202_ACCEPTED,
    responses=error(404, "No such school or scenario version.")
    | error(409, "A solve of this school is already queued or running.", ConflictBody),
    summary="Start solving the school's scenario (the latest version unless `?scenario_version=N`)",
)
def start_solve(
    school: SchoolSlug,
    runner: RunnerDep,
    response: Response,
    scenario_version: Annotated[
        int | None,
        Query(ge=1, le=MAX_NUMBER, description="Scenario version to solve; the latest if left out."),
    ] = None,
) -> Job:
    job = Job.of(runner.start(school, scenario_version))
    response.headers["Location"] = job.url
    return job


@router.get(
    "/schools/{school}/jobs",
    responses=error(404, "No such school."),
    summary="The school's solve and rerun jobs, newest first",
)
def list_jobs(
    school: SchoolSlug,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=1000, description="At most this many jobs (the newest).")] = 100,
) -> list[Job]:
    return [Job.of(info) for info in storage.list_jobs(session, school, limit)]


@router.get(
    "/jobs/{job_id}",
    responses=error(404, "No such job."),
    summary="A job's status and live progress: stage, best penalty, bound, elapsed time",
)
def get_job(job_id: str, session: SessionDep) -> Job:
    return Job.of(storage.get_job(session, job_id))


@router.delete(
    "/jobs/{job_id}",
    responses=error(404, "No such job."),
    summary="Cancel a queued or running job (a finished job is returned as it is)",
)
def cancel_job(job_id: str, runner: RunnerDep) -> Job:
    return Job.of(runner.cancel(job_id))
