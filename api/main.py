"""The rota service: a school's scenarios, solve jobs, rota versions and calendar feeds over HTTP.

Run it with ``rota serve`` (or ``uvicorn api.main:app_factory --factory``). :func:`create_app`
builds the app; its lifespan opens the database (migrating it to the newest schema), fails any
job a restart interrupted, and on shutdown stops the job runner: threads of this process, or with
``ROTA_BROKER_URL`` the task queue (:mod:`api.queue`) that ``rota worker`` processes serve. Library
errors become HTTP statuses here, in one place: NotFound 404, Conflict 409 (``api.errors``, raised
by storage and the job runner), InvalidScenario 422.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.utils import validation_error_definition, validation_error_response_definition
from fastapi.responses import JSONResponse, Response

from rota_solver import InvalidScenario, compile_printable_template

from .db import init_db, make_engine, make_session_factory
from .deps import ServiceState
from .errors import Conflict, NotFound
from .feed_cache import FeedCache
from .feed_fast_path import FeedFastPath, FeedsFirstApp
from .jobs import JobRunner, Jobs
from .middleware import AllowHeader, GZipExceptFeeds, redact_access_log
from .routes import ROUTERS
from .schemas import ConflictBody, ErrorBody, Health, Problem, ProblemReport
from .settings import Settings, get_settings
from .static_feeds import StaticFeeds, keeping_in_step
from .web import error_page, install, is_page
from .web.templating import compile_templates

log = logging.getLogger(__name__)

DESCRIPTION = """\
Stores each school's scenario, solves it in the background, keeps every rota version, and
serves the published one as iCalendar feeds. When the scenario changes mid-term, a rerun
(`POST /schools/{school}/reruns`) keeps the published rota up to a freeze date, moves as little as
it can after it, and stores a new version with what changed (`/schools/{school}/rotas/{n}/changes`),
to publish when it suits.

Every endpoint except the feeds (`/feeds/{token}/...`), `/health` and these docs needs the admin
token: `Authorization: Bearer <token>`. The feeds are public to whoever knows the token in their
address; rotating it (`POST /schools/{school}/feed-token`) ends every old address.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service for ``settings`` (default: read from the ``ROTA_*`` environment)."""
    settings = settings if settings is not None else get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        admin_token = settings.check()
        engine = make_engine(settings.resolved_database_url())
        try:
            init_db(engine)
            session_factory = make_session_factory(engine)
            runner: Jobs
            if settings.broker_url:
                from .queue import QueueJobs  # Celery is imported only for the task queue

                runner = QueueJobs(session_factory, settings)
            else:
                runner = JobRunner(session_factory, settings)
            try:
                interrupted = runner.recover_on_startup()
                if interrupted:
                    log.warning("%d job(s) interrupted by a restart were marked failed", interrupted)
                cache = FeedCache()
                static = StaticFeeds(settings.static_feeds_dir) if settings.static_feeds_dir else None
                state = ServiceState(settings, admin_token, session_factory, runner, cache, static)
                app.state.service = state
                with keeping_in_step(static, session_factory, cache, settings.static_feeds_recheck_seconds):
                    yield
            finally:
                app.state.service = None
                runner.shutdown()
        finally:
            engine.dispose()

    app = FeedsFirstApp(
        title="Library rota service",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        max_body_size=settings.max_body_bytes,  # 413 once a body grows past it, chunked or not
    )
    _add_error_handlers(app)
    app.add_middleware(GZipExceptFeeds)
    app.add_middleware(AllowHeader)
    app.feed_fast_path = FeedFastPath(settings.feed_recheck_seconds)

    @app.get("/health", tags=["service"], summary="The service is up")
    def health() -> Health:
        return Health(status="ok")

    for router in ROUTERS:
        app.include_router(router)
    install(app)
    _document_both_422s(app)
    return app


_VALIDATION_ERROR = {"$ref": "#/components/schemas/HTTPValidationError"}


def _document_both_422s(app: FastAPI) -> None:
    """Where a route documents a 422 of its own (an invalid scenario's problems, a rerun's freeze
    date), its parameters can still fail FastAPI's validation, which answers 422 with ``detail``:
    the OpenAPI says either may come, so that it and the bodies agree."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                response = operation.get("responses", {}).get("422")
                content = (response or {}).get("content", {}).get("application/json")
                if not operation.get("parameters") or content is None:
                    continue
                own = content.get("schema")
                if own is None or own == _VALIDATION_ERROR:
                    continue
                content["schema"] = {"anyOf": [own, _VALIDATION_ERROR]}
                response["description"] += (
                    " Parameters that do not validate are answered with `detail`, a list of problems, as "
                    "everywhere else."
                )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault("ValidationError", validation_error_definition)
        components.setdefault("HTTPValidationError", validation_error_response_definition)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def app_factory() -> FastAPI:
    """For ``uvicorn api.main:app_factory --factory``: the app with settings from the environment."""
    configure_logging()
    app = create_app()
    prepare_server_process()
    return app


def prepare_server_process() -> None:
    """For a server process, once its app is built, so that no reader waits for start-up work:

    - every page template is compiled (the first view of a page spent 0.1-0.2 s compiling it);
    - the ~200,000 objects of the imports, the app and the templates are moved out of the garbage
      collector's sight, and full collections made rarer. A full collection of them took
      80-110 ms, which fell on whichever page was being served (``bench.web_pages``: slowest page
      331 ms with Python's defaults, 61 ms with this)."""
    compile_templates()
    compile_printable_template()
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def configure_logging() -> None:
    """The service's own messages (each job's life: queued, started, phases, outcome, duration)
    to standard error beside uvicorn's, once per process; feed tokens left out of the access log."""
    redact_access_log()
    service = logging.getLogger("api")
    if not service.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s:     %(name)s: %(message)s"))
        service.addHandler(handler)
        service.setLevel(logging.INFO)
        service.propagate = False


def _add_error_handlers(app: FastAPI) -> None:
    async def not_found(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, NotFound)
        if is_page(request):
            return error_page(request, exc)
        return JSONResponse(ErrorBody(detail=f"not found: {exc.what}").model_dump(), status_code=404)

    async def conflict(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Conflict)
        if is_page(request):
            return error_page(request, exc)
        body = ConflictBody(detail=str(exc), running_job=exc.running_job or None)
        return JSONResponse(body.model_dump(), status_code=409)

    async def invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, InvalidScenario)
        body = ProblemReport(problems=[Problem.of(p) for p in exc.problems])
        return JSONResponse(body.model_dump(), status_code=422)

    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(Conflict, conflict)
    app.add_exception_handler(InvalidScenario, invalid)
