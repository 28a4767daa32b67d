"""Signing in and out, the language switch, the first-run admin account, and the admin's page of
schools and librarian accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from ... import storage
from ...deps import SessionDep, StateDep
from ..accounts import (
    AccountError,
    TooManyAttempts,
    create_empty_school,
    create_user,
    list_users,
    new_session,
    set_locale,
    setup_token_valid,
    sign_in,
    sign_out,
    use_setup_token,
)
from ..auth import (
    ANON_CSRF_COOKIE,
    SESSION_COOKIE,
    AdminSignedIn,
    CsrfChecked,
    MaybeSignedIn,
    anonymous_csrf,
    safe_next,
    secure_cookies,
)
from ..i18n import Translator
from ..templating import LANG_COOKIE, locale_of, render

router = APIRouter(prefix="/app", include_in_schema=False)


def _see(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def _set_session_cookie(response: Response, token: str, secure: bool) -> None:
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="lax", secure=secure, path="/", max_age=12 * 3600
    )


def _with_anon_csrf(request: Request, response: Response, token: str, secure: bool) -> Response:
    if request.cookies.get(ANON_CSRF_COOKIE) != token:
        response.set_cookie(
            ANON_CSRF_COOKIE, token, httponly=True, samesite="lax", secure=secure, path="/app/"
        )
    return response


@router.get("/")
def home(who: MaybeSignedIn) -> Response:
    if who is None:
        return _see("/app/sign-in")
    if who.account.is_admin:
        return _see("/app/admin")
    return _see(f"/app/s/{who.account.school_slug}/")


@router.get("/sign-in")
def sign_in_page(request: Request, who: MaybeSignedIn, state: StateDep, next: str = "/app/") -> Response:
    if who is not None:
        return _see(safe_next(next))
    token = anonymous_csrf(request)
    page = render(request, "sign_in.html", None, next_path=safe_next(next), error=None, username="")
    return _with_anon_csrf(request, page, token, secure_cookies(request, state))


@router.post("/sign-in", dependencies=[CsrfChecked])
def sign_in_post(
    request: Request,
    session: SessionDep,
    state: StateDep,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form(max_length=2000)] = "/app/",
) -> Response:
    t = Translator(locale_of(request, None))
    address = request.client.host if request.client else "unknown"
    anonymous_csrf(request)
    try:
        signed = sign_in(session, username, password, address)
    except TooManyAttempts as exc:
        return render(
            request,
            "sign_in.html",
            None,
            429,
            next_path=safe_next(next),
            error=t("account.too_many", minutes=exc.minutes),
            username=username,
        )
    if signed is None:
        session.commit()  # the failure counts even though the answer is an error page
        return render(
            request,
            "sign_in.html",
            None,
            401,
            next_path=safe_next(next),
            error=t("account.wrong"),
            username=username,
        )
    response = _see(safe_next(next))
    _set_session_cookie(response, signed.token, secure_cookies(request, state))
    response.delete_cookie(ANON_CSRF_COOKIE, path="/app/")
    return response


@router.post("/sign-out", dependencies=[CsrfChecked])
def sign_out_post(request: Request, session: SessionDep) -> Response:
    sign_out(session, request.cookies.get(SESSION_COOKIE, ""))
    response = _see("/app/sign-in")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/language", dependencies=[CsrfChecked])
def language_post(
    request: Request,
    session: SessionDep,
    who: MaybeSignedIn,
    locale: Annotated[str, Form(pattern="^(zh-CN|en)$")],
    next: Annotated[str, Form(max_length=2000)] = "/app/",
) -> Response:
    response = _see(safe_next(next))
    if who is not None:
        set_locale(session, who.account.id, locale)
    else:
        response.set_cookie(LANG_COOKIE, locale, samesite="lax", path="/", max_age=365 * 86400)
    return response


@router.get("/setup/{token}")
def first_run_page(request: Request, token: str, session: SessionDep, state: StateDep) -> Response:
    if not setup_token_valid(session, token):
        t = Translator(locale_of(request, None))
        return render(request, "error.html", None, 410, message=t("account.first_run_used"))
    csrf = anonymous_csrf(request)
    page = render(
        request,
        "first_run.html",
        None,
        action=f"/app/setup/{token}",
        values={},
        errors={},
        submit="account.create_admin",
    )
    return _with_anon_csrf(request, page, csrf, secure_cookies(request, state))


@router.post("/setup/{token}", dependencies=[CsrfChecked])
def first_run_post(
    request: Request,
    token: str,
    session: SessionDep,
    state: StateDep,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    display_name: Annotated[str, Form(max_length=200)] = "",
    locale: Annotated[str, Form(max_length=8)] = "zh-CN",
) -> Response:
    if not setup_token_valid(session, token):
        t = Translator(locale_of(request, None))
        return render(request, "error.html", None, 410, message=t("account.first_run_used"))
    anonymous_csrf(request)
    values = {"username": username, "display_name": display_name, "locale": locale}
    try:
        account = create_user(
            session,
            username=username,
            password=password,
            display_name=display_name,
            role="admin",
            school_slug=None,
            locale=locale,
        )
    except AccountError as exc:
        return render(
            request,
            "first_run.html",
            None,
            422,
            action=f"/app/setup/{token}",
            values=values,
            errors={exc.field: Translator(locale_of(request, None))(exc.key, **exc.fields)},
            submit="account.create_admin",
        )
    use_setup_token(session, token)
    signed = new_session(session, account.id)
    response = _see("/app/admin")
    _set_session_cookie(response, signed.token, secure_cookies(request, state))
    return response


def _admin_page(
    request: Request,
    session: SessionDep,
    who: AdminSignedIn,
    status_code: int = 200,
    *,
    notice: str | None = None,
    school_values: dict[str, str] | None = None,
    school_errors: dict[str, str] | None = None,
    user_values: dict[str, str] | None = None,
    user_errors: dict[str, str] | None = None,
) -> Response:
    librarians: dict[str, list[str]] = {}
    for account in list_users(session):
        if account.school_slug:
            librarians.setdefault(account.school_slug, []).append(account.username)
    return render(
        request,
        "admin.html",
        who,
        status_code,
        schools=storage.list_schools(session),
        librarians=librarians,
        notice=notice,
        school_values=school_values or {},
        school_errors=school_errors or {},
        user_values=user_values or {},
        user_errors=user_errors or {},
    )


@router.get("/admin")
def admin_page(request: Request, session: SessionDep, who: AdminSignedIn) -> Response:
    return _admin_page(request, session, who)


@router.post("/admin/schools", dependencies=[CsrfChecked])
def create_school_post(
    request: Request,
    session: SessionDep,
    who: AdminSignedIn,
    name: Annotated[str, Form(max_length=200)],
    slug: Annotated[str, Form(max_length=100)],
) -> Response:
    t = Translator(who.account.locale)
    slug = slug.strip().lower()
    try:
        create_empty_school(session, slug, name)
    except AccountError as exc:
        return _admin_page(
            request,
            session,
            who,
            422,
            school_values={"name": name, "slug": slug},
            school_errors={exc.field: t(exc.key, **exc.fields)},
        )
    return _admin_page(request, session, who, notice=t("admin.school_created", name=name.strip()))


@router.post("/admin/librarians", dependencies=[CsrfChecked])
def create_librarian_post(
    request: Request,
    session: SessionDep,
    who: AdminSignedIn,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    school: Annotated[str, Form(max_length=100)],
    display_name: Annotated[str, Form(max_length=200)] = "",
    locale: Annotated[str, Form(max_length=8)] = "zh-CN",
) -> Response:
    t = Translator(who.account.locale)
    values = {"username": username, "display_name": display_name, "school": school, "locale": locale}
    try:
        create_user(
            session,
            username=username,
            password=password,
            display_name=display_name,
            role="librarian",
            school_slug=school,
            locale=locale,
        )
    except AccountError as exc:
        return _admin_page(
            request, session, who, 422, user_values=values, user_errors={exc.field: t(exc.key, **exc.fields)}
        )
    return _admin_page(
        request,
        session,
        who,
        notice=t("admin.librarian_created", username=username.strip().lower(), school=school),
    )
