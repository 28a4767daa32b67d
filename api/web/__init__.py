"""The web app for the librarian, the teachers and the admin, served by ``rota serve`` at
``/app/``: server-rendered pages (Jinja2) over the same storage and job runner as the JSON API,
so a solve started here is the same job, through the same application path, as one started by a
script. Plain forms work without JavaScript; ``static/app.js`` adds the live progress bar, copy
buttons and the like.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import Conflict, NotFound
from .accounts import session_of
from .auth import SESSION_COOKIE, BadCsrf, Forbidden, NeedsSignIn, sign_in_path
from .i18n import Translator
from .pages import account, publish, rotas, school, setup, solve, teachers
from .templating import locale_of, render

STATIC = Path(__file__).parent / "static"
PAGE_ROUTERS = [
    account.router,
    school.router,
    setup.router,
    solve.router,
    rotas.router,
    publish.router,
    teachers.router,
]


class ServerTiming:
    """Each page says how long the server took (``Server-Timing: app;dur=<ms>``; the page-speed
    benchmark reads it). Plain ASGI, and only on ``/app`` paths: the feeds pay nothing for it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith("/app"):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                took = (time.perf_counter() - started) * 1000
                headers = MutableHeaders(scope=message)
                headers.append("Server-Timing", f"app;dur={took:.1f}")
            await send(message)

        await self.app(scope, receive, timed_send)


def is_page(request: Request) -> bool:
    return request.url.path.startswith("/app/") or request.url.path == "/app"


def install(app: FastAPI) -> None:
    """Add the pages, their static files and their error pages to ``app``."""
    for router in PAGE_ROUTERS:
        app.include_router(router)
    app.mount("/app/static", StaticFiles(directory=STATIC), name="static")

    app.add_middleware(ServerTiming)

    @app.get("/", include_in_schema=False)
    def root() -> Response:
        return RedirectResponse("/app/", status_code=307)

    @app.get("/app", include_in_schema=False)
    def app_root() -> Response:
        return RedirectResponse("/app/", status_code=307)

    async def needs_sign_in(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, NeedsSignIn)
        return RedirectResponse(sign_in_path(exc.next_path), status_code=303)

    async def forbidden(request: Request, exc: Exception) -> Response:
        t = Translator(_reader_locale(request))
        key = "error.csrf" if isinstance(exc, BadCsrf) else "error.forbidden"
        return render(request, "error.html", None, 403, message=t(key))

    app.add_exception_handler(NeedsSignIn, needs_sign_in)
    app.add_exception_handler(RequestValidationError, _invalid_request(app))
    app.add_exception_handler(Forbidden, forbidden)
    app.add_exception_handler(BadCsrf, forbidden)


def _invalid_request(app: FastAPI) -> Callable[[Request, Exception], Awaitable[Response]]:
    """A page's form or query that FastAPI cannot read (a field missing or too long, a number that
    is not one) as a 422 page in the reader's language; the API keeps FastAPI's JSON answer."""

    async def handle(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if not is_page(request):
            return await request_validation_exception_handler(request, exc)
        t = Translator(_reader_locale(request))
        fields = ", ".join(
            ".".join(str(part) for part in error.get("loc", ())[1:]) or "?" for error in exc.errors()
        )
        return render(request, "error.html", None, 422, message=t("error.invalid_form", fields=fields))

    return handle


def _reader_locale(request: Request) -> str:
    """The signed-in reader's language (an error page has no dependencies to say who it is)."""
    state = getattr(request.app.state, "service", None)
    token = request.cookies.get(SESSION_COOKIE, "")
    if state is not None and token:
        with state.session_factory() as session:
            who = session_of(session, token)
        if who is not None:
            return who.account.locale
    return locale_of(request, None)


def error_page(request: Request, exc: Exception) -> Response:
    """A page's NotFound (404) or Conflict (409) as a page in the reader's language, not JSON."""
    t = Translator(_reader_locale(request))
    if isinstance(exc, NotFound):
        return render(request, "error.html", None, 404, message=t("error.not_found"))
    assert isinstance(exc, Conflict)
    return render(request, "error.html", None, 409, message=str(exc))
