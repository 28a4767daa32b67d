"""Who is asking, for the web app's pages: the session cookie, the CSRF check every form passes,
and the rule that a librarian reaches only her own school.

The cookie holds a random token (the database keeps its sha256): HttpOnly, SameSite=Lax, and
Secure when the service is reached over https (directly, or behind a proxy when ``ROTA_PUBLIC_URL``
starts with https). Every POST carries the session's CSRF token in a hidden field; forms shown
before signing in carry a token that is also in a short-lived cookie (double submit).
"""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request

from ..deps import SchoolSlug, SessionDep, StateDep
from .accounts import SignedIn, session_of

SESSION_COOKIE = "rota_session"
ANON_CSRF_COOKIE = "rota_csrf"


class NeedsSignIn(Exception):
    """Answered with a redirect to the sign-in page (and back here after it)."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


class Forbidden(Exception):
    """Answered with a 403 page in the reader's language."""


class BadCsrf(Exception):
    """Answered with a 403 page saying to reload the form."""


def secure_cookies(request: Request, state: StateDep) -> bool:
    public = state.settings.public_url or ""
    return request.url.scheme == "https" or public.startswith("https://")


async def signed_in_or_none(request: Request, session: SessionDep) -> SignedIn | None:
    return session_of(session, request.cookies.get(SESSION_COOKIE, ""))


MaybeSignedIn = Annotated[SignedIn | None, Depends(signed_in_or_none)]


async def signed_in(request: Request, who: MaybeSignedIn) -> SignedIn:
    if who is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise NeedsSignIn(target)
    return who


SignedInDep = Annotated[SignedIn, Depends(signed_in)]


async def admin_signed_in(who: SignedInDep) -> SignedIn:
    if not who.account.is_admin:
        raise Forbidden()
    return who


AdminSignedIn = Annotated[SignedIn, Depends(admin_signed_in)]


async def school_editor(school: SchoolSlug, who: SignedInDep) -> SignedIn:
    """The signed-in admin, or the librarian of ``school``; 403 for anyone else."""
    if not who.account.may_edit(school):
        raise Forbidden()
    return who


SchoolEditor = Annotated[SignedIn, Depends(school_editor)]


async def form_csrf_ok(request: Request, who: MaybeSignedIn) -> None:
    """Refuses a form post whose ``csrf`` field is not the session's token (or, signed out, the
    token of the ``rota_csrf`` cookie)."""
    form = await request.form()
    sent = form.get("csrf")
    expected = who.csrf if who is not None else request.cookies.get(ANON_CSRF_COOKIE, "")
    if not isinstance(sent, str) or not expected or not secrets.compare_digest(sent, expected):
        raise BadCsrf()


CsrfChecked = Depends(form_csrf_ok)
"""Put in a POST route's ``dependencies=[...]``."""


def anonymous_csrf(request: Request) -> str:
    """The token of a signed-out form: the cookie's, or a new one the response must set."""
    token = request.cookies.get(ANON_CSRF_COOKIE) or secrets.token_urlsafe(32)
    request.state.anonymous_csrf = token
    return token


def sign_in_path(next_path: str) -> str:
    return "/app/sign-in?next=" + quote(next_path, safe="/")


def safe_next(next_path: str | None) -> str:
    """Only a path of this app: never another site (an open redirect)."""
    if (
        next_path
        and next_path.startswith("/app/")
        and not next_path.startswith("//")
        and "\\" not in next_path
    ):
        return next_path
    return "/app/"
