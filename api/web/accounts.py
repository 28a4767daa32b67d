"""Accounts of the web app, in the service's database: users, signed-in browsers, the sign-in rate
limit and the first-run link. Only hashes of secrets are stored (argon2id for passwords, sha256
for the random session and setup tokens, which carry 256 bits and need no slow hash)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..models import School, SetupToken, SignInFailure, User, WebSession
from ..storage import SLUG_PATTERN, new_feed_token, utcnow

SESSION_HOURS = 12
"""A browser stays signed in this long after signing in."""
SETUP_LINK_HOURS = 24
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 20
FAILURE_WINDOW = dt.timedelta(minutes=15)
"""Sign-in is refused for a username after 5 failures (or for a client address after 20) within
this window, whatever the password: guessing a password by trying them becomes impractical."""
MIN_PASSWORD = 10
USERNAME_PATTERN = r"^[a-z0-9][a-z0-9_.\-]{1,63}$"
LOCALES = ("zh-CN", "en")

_hasher = PasswordHasher()
_USERNAME = re.compile(USERNAME_PATTERN)
# A hash to verify against when the username is unknown, so both answers take as long.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class Account:
    """Who is signed in."""

    id: int
    username: str
    display_name: str
    role: str
    school_slug: str | None
    """A librarian's school; None for an admin."""
    locale: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def may_edit(self, slug: str) -> bool:
        return self.is_admin or self.school_slug == slug


@dataclass(frozen=True)
class SignedIn:
    """A browser's session: the cookie's token (shown once) and the CSRF token its forms carry."""

    token: str
    csrf: str
    account: Account


class AccountError(ValueError):
    """Input a form should show next to its field: ``field`` names it, ``key`` is the message
    (``api.web.i18n.account``) and ``fields`` fill it, in the reader's language."""

    def __init__(self, field: str, key: str, **fields: object) -> None:
        super().__init__(f"{field}: {key} {fields}")
        self.field = field
        self.key = key
        self.fields = fields


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normal_username(username: str) -> str:
    return username.strip().lower()


def check_new_account(s: Session, username: str, password: str, locale: str) -> str:
    """The username as stored; :class:`AccountError` for a taken or malformed one, a short password
    or an unknown language."""
    name = normal_username(username)
    if not _USERNAME.match(name):
        raise AccountError("username", "account.error.username_form")
    if s.scalar(select(User.id).where(User.username == name)) is not None:
        raise AccountError("username", "account.error.username_taken", name=name)
    if len(password) < MIN_PASSWORD:
        raise AccountError("password", "account.error.password_short", n=MIN_PASSWORD)
    if locale not in LOCALES:
        raise AccountError("locale", "account.error.locale")
    return name


def create_user(
    s: Session,
    *,
    username: str,
    password: str,
    display_name: str,
    role: str,
    school_slug: str | None,
    locale: str,
) -> Account:
    name = check_new_account(s, username, password, locale)
    school_id = None
    if role == "librarian":
        if school_slug is None:
            raise AccountError("school", "account.error.no_school")
        school_id = s.scalar(select(School.id).where(School.slug == school_slug))
        if school_id is None:
            raise AccountError("school", "account.error.unknown_school", slug=school_slug)
    elif role != "admin":
        raise AccountError("role", "account.error.role")
    user = User(
        username=name,
        display_name=display_name.strip() or name,
        password_hash=_hasher.hash(password),
        role=role,
        school_id=school_id,
        locale=locale,
        created_at=utcnow(),
    )
    s.add(user)
    s.flush()
    return _account(s, user)


def list_users(s: Session) -> list[Account]:
    return [_account(s, u) for u in s.scalars(select(User).order_by(User.role, User.username))]


def has_admin(s: Session) -> bool:
    return s.scalar(select(User.id).where(User.role == "admin").limit(1)) is not None


def set_locale(s: Session, user_id: int, locale: str) -> None:
    if locale not in LOCALES:
        raise AccountError("locale", "account.error.locale")
    user = s.get(User, user_id)
    if user is not None:
        user.locale = locale


class TooManyAttempts(Exception):
    def __init__(self, minutes: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {minutes} minutes")
        self.minutes = minutes


def sign_in(
    s: Session, username: str, password: str, address: str, now: dt.datetime | None = None
) -> SignedIn | None:
    """A new session for the right password, None for a wrong one (recorded against the username
    and the address); :class:`TooManyAttempts` while either is over its limit."""
    now = now or utcnow()
    name = normal_username(username)[:64]
    keys = (f"user:{name}", f"addr:{address[:150]}")
    since = now - FAILURE_WINDOW
    s.execute(delete(SignInFailure).where(SignInFailure.at < since))
    counts = [
        s.scalar(select(func.count()).select_from(SignInFailure).where(SignInFailure.key == k)) or 0
        for k in keys
    ]
    if counts[0] >= MAX_FAILURES_PER_USER or counts[1] >= MAX_FAILURES_PER_ADDRESS:
        oldest = s.scalar(select(func.min(SignInFailure.at)).where(SignInFailure.key.in_(keys)))
        wait = FAILURE_WINDOW - (now - oldest) if oldest is not None else FAILURE_WINDOW
        raise TooManyAttempts(max(1, int(wait.total_seconds() // 60) + 1))
    user = s.scalar(select(User).where(User.username == name))
    if not _password_matches(user.password_hash if user else _DUMMY_HASH, password) or user is None:
        for k in keys:
            s.add(SignInFailure(key=k, at=now))
        return None
    s.execute(delete(SignInFailure).where(SignInFailure.key == keys[0]))
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return new_session(s, user, now)


def _password_matches(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def new_session(s: Session, user: User | int, now: dt.datetime | None = None) -> SignedIn:
    now = now or utcnow()
    if isinstance(user, int):
        found = s.get(User, user)
        if found is None:
            raise LookupError(f"no user {user}")
        user = found
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    s.add(
        WebSession(
            token_hash=_sha(token),
            user_id=user.id,
            csrf_token=csrf,
            created_at=now,
            expires_at=now + dt.timedelta(hours=SESSION_HOURS),
        )
    )
    s.flush()
    return SignedIn(token, csrf, _account(s, user))


def session_of(s: Session, token: str, now: dt.datetime | None = None) -> SignedIn | None:
    """The live session a cookie's token names, or None."""
    if not token or len(token) > 100:
        return None
    row = s.get(WebSession, _sha(token))
    if row is None or row.expires_at <= (now or utcnow()):
        return None
    user = s.get(User, row.user_id)
    if user is None:
        return None
    return SignedIn(token, row.csrf_token, _account(s, user))


def sign_out(s: Session, token: str) -> None:
    s.execute(delete(WebSession).where(WebSession.token_hash == _sha(token)))


def new_setup_link_token(s: Session, now: dt.datetime | None = None) -> str:
    """A one-time token to create the first admin account (earlier unused ones stay valid until
    they expire, so a restart does not break a link just printed)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    s.execute(delete(SetupToken).where(SetupToken.expires_at <= now))
    s.add(
        SetupToken(
            token_hash=_sha(token), created_at=now, expires_at=now + dt.timedelta(hours=SETUP_LINK_HOURS)
        )
    )
    s.flush()
    return token


def setup_token_valid(s: Session, token: str, now: dt.datetime | None = None) -> bool:
    if not token or len(token) > 100 or has_admin(s):
        return False
    row = s.get(SetupToken, _sha(token))
    return row is not None and row.expires_at > (now or utcnow())


def use_setup_token(s: Session, token: str) -> None:
    s.execute(delete(SetupToken))


def _account(s: Session, user: User) -> Account:
    slug = s.scalar(select(School.slug).where(School.id == user.school_id)) if user.school_id else None
    return Account(user.id, user.username, user.display_name, user.role, slug, user.locale)


def create_empty_school(s: Session, slug: str, name: str) -> None:
    """A school with no scenario yet: its librarian builds one through the forms."""
    if not re.match(SLUG_PATTERN, slug):
        raise AccountError("slug", "account.error.slug_form")
    if s.scalar(select(School.id).where(School.slug == slug)) is not None:
        raise AccountError("slug", "account.error.slug_taken", slug=slug)
    if not name.strip():
        raise AccountError("name", "account.error.school_name")
    s.add(School(slug=slug, name=name.strip(), created_at=utcnow(), feed_token=new_feed_token()))
    s.flush()
