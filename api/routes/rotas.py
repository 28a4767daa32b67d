"""A school's rota versions: list them, read one (JSON, CSV or the printable HTML), publish one,
and rotate the token of the school's feed addresses."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Response

from rota_solver import printable_html, rota_csv

from .. import storage
from ..deps import (
    PublicBaseDep,
    SchoolSlug,
    ServiceState,
    SessionDep,
    StateDep,
    VersionNumber,
    require_admin,
)
from ..schemas import UNAUTHORIZED, FeedToken, Responses, RotaVersion, School, error
from ..web.pages.teachers import warm

router = APIRouter(
    tags=["rotas"],
    dependencies=[Depends(require_admin)],
    responses=UNAUTHORIZED,
)

_NOT_FOUND = error(404, "No such school or rota version.")
_MEDIA_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
}


@router.get("/schools", summary="Every school the service keeps, by slug")
def list_schools(session: SessionDep, public: PublicBaseDep) -> list[School]:
    return [School.of(info, public) for info in storage.list_schools(session)]


@router.get(
    "/schools/{school}",
    responses=error(404, "No such school."),
    summary="The school: its name, published rota version and feed address",
)
def get_school(school: SchoolSlug, session: SessionDep, public: PublicBaseDep) -> School:
    return School.of(storage.get_school(session, school), public)


@router.get("/schools/{school}/rotas", responses=_NOT_FOUND, summary="Every rota version of the school")
def list_rotas(school: SchoolSlug, session: SessionDep) -> list[RotaVersion]:
    return [RotaVersion.of(info) for info in storage.list_rotas(session, school)]


_ROTA: Responses = {
    200: {
        "content": {media_type.split(";")[0]: {} for media_type in _MEDIA_TYPES.values()},
        "description": "The rota: `json` is everything (as `rota solve` writes rota.json), `csv` one "
        "row per session, activity and special day, `html` the printable table.",
    }
}


@router.get(
    "/schools/{school}/rotas/{number}",
    response_class=Response,
    responses=_ROTA | _NOT_FOUND,
    summary="One rota version as JSON, CSV or printable HTML",
)
def get_rota(
    school: SchoolSlug,
    number: VersionNumber,
    session: SessionDep,
    fmt: Annotated[
        Literal["json", "csv", "html"],
        Query(alias="format", description="`json` (default), `csv` or `html`."),
    ] = "json",
) -> Response:
    info, rota, scenario = storage.get_rota(session, school, number)
    if fmt == "csv":
        body = rota_csv(scenario, rota)
    elif fmt == "html":
        body = printable_html(scenario, rota)
    else:
        body = rota.model_dump_json(indent=2)
    headers = {"X-Rota-Status": info.status, "X-Rota-Published": "true" if info.published else "false"}
    return Response(body, media_type=_MEDIA_TYPES[fmt], headers=headers)


@router.post(
    "/schools/{school}/rotas/{number}/publish",
    responses=_NOT_FOUND,
    summary="Publish a rota version: the school's feeds serve it from now on",
)
def publish_rota(
    school: SchoolSlug,
    number: VersionNumber,
    session: SessionDep,
    state: StateDep,
    public: PublicBaseDep,
    background: BackgroundTasks,
) -> RotaVersion:
    published = storage.publish(session, school, number, dt.datetime.now(dt.UTC))
    state.feed_cache.forget(school)  # the feeds' fast path must not answer with the old version
    token = storage.get_school(session, school).feed_token
    # Built after the answer (and the commit), not when the first teacher opens the feeds.
    background.add_task(_warm_feeds, state, token, f"{public}/feeds/{token}/")
    state.feeds_changed(background, token)
    return RotaVersion.of(published)


def _warm_feeds(state: ServiceState, token: str, base: str) -> None:
    with state.session_factory() as session:
        warm(state.feed_cache, session, token, base)


@router.post(
    "/schools/{school}/feed-token",
    responses=_NOT_FOUND,
    summary="Rotate the school's feed token: the old feed addresses stop working at once",
)
def rotate_feed_token(
    school: SchoolSlug,
    session: SessionDep,
    public: PublicBaseDep,
    state: StateDep,
    background: BackgroundTasks,
) -> FeedToken:
    old = storage.get_school(session, school).feed_token
    info = storage.rotate_feed_token(session, school)
    state.feed_cache.forget(school)
    state.feeds_changed(background, old)
    return FeedToken.of(info, public)
