"""Reruns: after the scenario changed mid-term, rerun it against the school's published rota, then
read what the new version changes before publishing it.

A rerun is a job like a solve (``GET /jobs/{id}`` for its progress, ``DELETE`` to cancel, one job
per school). It keeps the published rota before the freeze date (by default two school days after
today in the school's timezone) and changes as few published sessions as it can after it. The new
version is stored but not published: read its changes, then publish it as any other version.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from pydantic import AfterValidator

from rota_solver import NOTICE_SCHOOL_DAYS, diff_text

from .. import storage
from ..changes_page import changes_html
from ..deps import MAX_NUMBER, RunnerDep, SchoolSlug, SessionDep, VersionNumber, require_admin
from ..schemas import UNAUTHORIZED, ConflictBody, Job, Responses, error
from ..storage import RerunParams

router = APIRouter(
    tags=["reruns"],
    dependencies=[Depends(require_admin)],
    responses=UNAUTHORIZED,
)

_MAX_NOTICE_DAYS = 60
"""More school days than any term has: a larger notice is surely a typing mistake."""
FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(2999, 12, 31)
"""The dates a rerun takes: far enough either way for any term, and clear of the calendar's ends
(a rerun counts days on from today and the freeze date)."""


def _in_range(day: dt.date) -> dt.date:
    if not FIRST_DATE <= day <= LAST_DATE:
        raise ValueError(f"{day} is out of range for a rerun: give a date from {FIRST_DATE} to {LAST_DATE}")
    return day


RerunDate = Annotated[dt.date, AfterValidator(_in_range)]


@router.post(
    "/schools/{school}/reruns",
    status_code=status.HTTP_202_ACCEPTED,
    responses=error(404, "No such school or scenario version.")
    | error(422, "A freeze date before today: sessions that already took place would change.")
    | error(
        409,
        "A job of this school is already queued or running, or no rota version is published to rerun "
        "against.",
        ConflictBody,
    ),
    summary="Start rerunning the school's changed scenario against its published rota",
)
def start_rerun(
    school: SchoolSlug,
    runner: RunnerDep,
    response: Response,
    scenario_version: Annotated[
        int | None,
        Query(ge=1, le=MAX_NUMBER, description="Scenario version to rerun; the latest if left out."),
    ] = None,
    today: Annotated[
        RerunDate | None,
        Query(
            description="Today's date for the rerun (for replays and tests); the school's date if left out. "
            f"From {FIRST_DATE} to {LAST_DATE}."
        ),
    ] = None,
    freeze: Annotated[
        RerunDate | None,
        Query(
            description="Nothing before this date changes; `notice_days` school days after today if left "
            f"out. From {FIRST_DATE} to {LAST_DATE}."
        ),
    ] = None,
    notice_days: Annotated[
        int,
        Query(ge=0, le=_MAX_NOTICE_DAYS, description="School days of notice when no `freeze` is given."),
    ] = NOTICE_SCHOOL_DAYS,
) -> Job:
    # The school's today is no earlier than the date at UTC-12: a freeze before that, or before the
    # today given, would change sessions that already took place (the job refuses the rest).
    earliest_today = today or dt.datetime.now(dt.timezone(-dt.timedelta(hours=12))).date()
    if freeze is not None and freeze < earliest_today:
        raise HTTPException(
            422,
            detail=f"the freeze date {freeze} is before today {earliest_today}: sessions from then on "
            "already took place and must not change; give a freeze date from today on",
        )
    params = RerunParams(today=today, freeze=freeze, notice_days=notice_days)
    job = Job.of(runner.start(school, scenario_version, rerun=params))
    response.headers["Location"] = job.url
    return job


_MEDIA_TYPES = {
    "json": "application/json",
    "text": "text/plain; charset=utf-8",
    "html": "text/html; charset=utf-8",
}
_CHANGES: Responses = {
    200: {
        "content": {media_type.split(";")[0]: {} for media_type in _MEDIA_TYPES.values()},
        "description": "What the rerun changed: `json` is the diff (as `rota rerun` writes changes.json: "
        "every change with before and after, indexed by class, staff and room), `text` the same in the "
        "school's language (changes.txt), `html` that as a page.",
    }
}


@router.get(
    "/schools/{school}/rotas/{number}/changes",
    response_class=Response,
    responses=_CHANGES | error(404, "No such school or rota version, or the version was not a rerun."),
    summary="What a rerun version changes against the version it was rerun from (JSON, text or HTML)",
)
def get_changes(
    school: SchoolSlug,
    number: VersionNumber,
    session: SessionDep,
    fmt: Annotated[
        Literal["json", "text", "html"],
        Query(alias="format", description="`json` (default), `text` or `html`."),
    ] = "json",
) -> Response:
    info, diff, scenario = storage.get_changes(session, school, number)
    if fmt == "text":
        body = diff_text(scenario, diff)
    elif fmt == "html":
        body = changes_html(scenario, diff, number=info.number, based_on=info.based_on)
    else:
        body = diff.model_dump_json(indent=2)
    headers = {"X-Rota-Based-On": str(info.based_on), "X-Rota-Changes": str(len(diff.changes))}
    return Response(body, media_type=_MEDIA_TYPES[fmt], headers=headers)
