"""Rendering the web app's pages: one Jinja2 environment, every page given the same frame (who is
signed in, the language, the CSRF token its forms carry, the school it is about)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .accounts import SignedIn
from .i18n import Translator, pick_locale

TEMPLATES = Path(__file__).parent / "templates"
LANG_COOKIE = "rota_lang"

env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,
)


def compile_templates() -> int:
    """Compile every page template now (0.1-0.2 s for the largest), for a server process to do
    at start-up rather than on each template's first reader; returns how many."""
    names = env.list_templates(extensions=["html"])
    for name in names:
        env.get_template(name)
    return len(names)


def locale_of(request: Request, who: SignedIn | None) -> str:
    """The signed-in person's language; else the one they picked; else their browser's."""
    if who is not None:
        return who.account.locale
    picked = request.cookies.get(LANG_COOKIE)
    if picked in ("zh-CN", "en"):
        return picked
    return pick_locale(request.headers.get("accept-language"))


def render(
    request: Request,
    template: str,
    who: SignedIn | None,
    status_code: int = 200,
    *,
    locale: str | None = None,
    school: str | None = None,
    **context: Any,
) -> HTMLResponse:
    """The page ``template`` (under ``templates/``) as a response. ``locale`` overrides the
    reader's language (the teachers' page speaks the school's); ``school`` is the slug the page is
    about, for the navigation."""
    lang = locale or locale_of(request, who)
    t = Translator(lang)
    body = env.get_template(template).render(
        request=request,
        t=t,
        lang=lang,
        who=who,
        account=who.account if who else None,
        csrf=who.csrf if who else getattr(request.state, "anonymous_csrf", ""),
        school=school,
        path=request.url.path,
        **context,
    )
    response = HTMLResponse(body, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


def weekday_key(day: str) -> str:
    return f"weekday.{day}"


def _date(value: dt.date | dt.datetime | None, fmt: str = "%Y-%m-%d") -> str:
    return value.strftime(fmt) if value is not None else ""


env.filters["date"] = _date
