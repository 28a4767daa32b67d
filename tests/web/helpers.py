"""Driving the web app in tests without a browser: an app on a temporary SQLite file, accounts made
through the pages themselves, forms posted with the CSRF token the page carried."""

from __future__ import annotations

import re
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import yaml
from pydantic import SecretStr
from starlette.exceptions import StarletteDeprecationWarning

from api.main import create_app
from api.settings import Settings
from api.web.accounts import create_user, new_setup_link_token
from tests.factories import school_dict

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

ADMIN_TOKEN = "test-admin-token-0123456789"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf" value="([^"]*)"')


def web_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": tmp_path / "data",
        "admin_token": SecretStr(ADMIN_TOKEN),
        "job_time_limit_seconds": 20.0,
    }
    values.update(overrides)
    return Settings(**values)


@contextmanager
def web_client(tmp_path: Path, base_url: str = "http://testserver", **overrides: Any) -> Iterator[TestClient]:
    app = create_app(web_settings(tmp_path, **overrides))
    with TestClient(app, base_url=base_url, follow_redirects=False) as client:
        yield client


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


def post_form(client: TestClient, page: str, action: str, data: dict[str, Any]) -> httpx.Response:
    """Open ``page`` (for its CSRF token), then post ``data`` to ``action`` as its form would."""
    opened = client.get(page)
    assert opened.status_code == 200, (page, opened.status_code, opened.text[:500])
    response: httpx.Response = client.post(action, data={**data, "csrf": csrf_of(opened.text)})
    return response


def add_account(
    client: TestClient, username: str, role: str, school: str | None = None, locale: str = "en"
) -> None:
    """An account made straight in the app's database (pages that make them are tested on their own)."""
    state = client.app.state.service  # type: ignore[attr-defined]
    with state.session_factory() as session:
        create_user(
            session,
            username=username,
            password=PASSWORD,
            display_name=username.title(),
            role=role,
            school_slug=school,
            locale=locale,
        )
        session.commit()


def setup_link(client: TestClient) -> str:
    state = client.app.state.service  # type: ignore[attr-defined]
    with state.session_factory() as session:
        token = new_setup_link_token(session)
        session.commit()
    return f"/app/setup/{token}"


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> httpx.Response:
    response = post_form(
        client, "/app/sign-in", "/app/sign-in", {"username": username, "password": password, "next": "/app/"}
    )
    return response


def upload_scenario(client: TestClient, school: str, data: dict[str, Any] | None = None) -> None:
    """A scenario version through the JSON API (creates the school)."""
    text = yaml.safe_dump(data or school_dict(), allow_unicode=True, sort_keys=False)
    response = client.put(
        f"/schools/{school}/scenario", content=text, headers={**AUTH, "Content-Type": "application/yaml"}
    )
    assert response.status_code == 201, response.text


@contextmanager
def librarian_of(
    tmp_path: Path, school: str = "tiny", locale: str = "en", **overrides: Any
) -> Iterator[TestClient]:
    """A client signed in as the librarian of ``school``, which has the factories' tiny scenario."""
    with web_client(tmp_path, **overrides) as client:
        upload_scenario(client, school)
        add_account(client, "lib", "librarian", school, locale)
        assert sign_in(client, "lib").status_code == 303
        yield client


def wait_for_job(client: TestClient, job_id: str, timeout: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job: dict[str, Any] = client.get(f"/jobs/{job_id}", headers=AUTH).json()
        if job["status"] in ("succeeded", "failed", "cancelled") or time.monotonic() > deadline:
            return job
        time.sleep(0.05)
