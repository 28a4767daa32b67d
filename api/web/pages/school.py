"""A school's overview: its scenario version (or draft), rota versions and recent runs."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ... import storage
from ...deps import SchoolSlug, SessionDep
from ..auth import SchoolEditor
from ..scenario_edit import working_scenario
from ..templating import render

router = APIRouter(prefix="/app/s/{school}", include_in_schema=False)


@router.get("/")
def school_home(request: Request, school: SchoolSlug, session: SessionDep, who: SchoolEditor) -> Response:
    info = storage.get_school(session, school)
    working = working_scenario(session, school)
    return render(
        request,
        "school_home.html",
        who,
        school=school,
        info=info,
        working=working,
        rotas=storage.list_rotas(session, school)[::-1][:20],
        jobs=storage.list_jobs(session, school, 10),
    )
