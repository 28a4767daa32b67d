"""The web app for the librarian, the teachers and the admin, served by ``rota serve`` at
``/app/``: server-rendered pages (Jinja2) over the same storage and job runner as the JSON API,
so a solve started here is the same job, through the same application path, as one started by a
script. Plain forms work without JavaScript; ``static/app.js`` adds the live progress bar, copy
buttons and the like.
"""

from __future__ import annotations

import time
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import Conflict, NotFound
from .auth import BadCsrf, Forbidden, NeedsSignIn, sign_in_path
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
        t = Translator(locale_of(request, None))
        key = "error.csrf" if isinstance(exc, BadCsrf) else "error.forbidden"
        return render(request, "error.html", None, 403, message=t(key))

    app.add_exception_handler(NeedsSignIn, needs_sign_in)
    app.add_exception_handler(Forbidden, forbidden)
    app.add_exception_handler(BadCsrf, forbidden)


def error_page(request: Request, exc: Exception) -> Response:
    """A page's NotFound (404) or Conflict (409) as a page in the reader's language, not JSON."""
    t = Translator(locale_of(request, None))
    if isinstance(exc, NotFound):
        return render(request, "error.html", None, 404, message=t("error.not_found"))
    assert isinstance(exc, Conflict)
    return render(request, "error.html", None, 409, message=str(exc))
