"""Bring in a school's timetable: the body is the file (FET, its CSV export or a spreadsheet's CSV, an
XLSX workbook, or aSc Timetables' XML), merged into the school's latest scenario (which keeps all it
had) and stored as its next version; a school without one gets a new scenario with a template of the
library's part. A file that cannot be imported is 422 with one line saying where and why."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from rota_solver import ImportOptions, ImportProblem, import_timetable

from .. import storage
from ..deps import AdminDep, SchoolSlug, SessionDep, require_admin
from ..schemas import UNAUTHORIZED, ScenarioVersion, error

router = APIRouter(tags=["scenarios"], dependencies=[Depends(require_admin)], responses=UNAUTHORIZED)

_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The timetable file, as `rota import` reads it.",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


class ImportedVersion(ScenarioVersion):
    """The scenario version the import stored, with what was read and what was skipped and why."""

    read: list[str] = Field(description="What was read, one line each.")
    skipped: list[str] = Field(description="What was skipped or assumed, with its place in the file.")


@router.post(
    "/schools/{school}/scenario/import",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=_BODY,
    responses=error(422, "The file cannot be imported: where and why, in one line.")
    | error(413, "The body is larger than the service accepts."),
    summary="Import a timetable into the school's scenario, stored as its next version",
)
async def import_scenario(
    school: SchoolSlug,
    request: Request,
    session: SessionDep,
    who: AdminDep,
    response: Response,
    format: Annotated[Literal["fet", "csv", "xlsx", "asc"], Query(description="The file's format.")],
    grade_pattern: Annotated[str | None, Query(max_length=200)] = None,
    class_level: Annotated[Literal["year", "group", "subgroup"] | None, Query()] = None,
    term_start: dt.date | None = None,
    term_end: dt.date | None = None,
    timezone: Annotated[str, Query(max_length=64)] = "UTC",
) -> ImportedVersion:
    data = await request.body()
    try:
        existing = storage.latest_scenario(session, school).text
    except storage.NotFound:
        existing = None
    options = ImportOptions(
        grade_pattern=grade_pattern, timezone=timezone, term_start=term_start, term_end=term_end
    )
    try:
        result = await run_in_threadpool(  # fet-cl may run: off the event loop
            partial(import_timetable, data, f"upload.{format}", format, existing=existing, options=options,
                    class_level=class_level)
        )  # fmt: skip
    except ImportProblem as problem:
        raise HTTPException(422, detail=problem.line()) from None
    info = storage.save_scenario(session, school, result.text, "yaml", who)
    version = ScenarioVersion.of(info)
    response.headers["Location"] = version.url
    return ImportedVersion(**version.model_dump(), read=result.read, skipped=result.skipped)
