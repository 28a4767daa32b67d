"""Accounts and roles: the first-run link, sign-in and its rate limit, CSRF on every form, the
session cookie's flags, sign-out, and who reaches which school."""

from __future__ import annotations

from pathlib import Path

from tests.web.helpers import (
    PASSWORD,
    add_account,
    csrf_of,
    post_form,
    setup_link,
    sign_in,
    upload_scenario,
    web_client,
)


def test_first_run_link_makes_the_admin_once_and_signs_her_in(tmp_path: Path) -> None:
    with web_client(tmp_path) as client:
        link = setup_link(client)
        made = post_form(
            client,
            link,
            link,
            {"username": "Admin", "password": PASSWORD, "display_name": "Ms Li", "locale": "en"},
        )
        assert made.status_code == 303 and made.headers["location"] == "/app/admin"
        assert "Ms Li" in client.get("/app/admin").text
        client.cookies.clear()
        assert client.get(link).status_code == 410  # used up
        assert sign_in(client, "admin").status_code == 303  # usernames ignore case


def test_a_short_password_is_refused_next_to_its_field(tmp_path: Path) -> None:
    with web_client(tmp_path) as client:
        link = setup_link(client)
        refused = post_form(client, link, link, {"username": "admin", "password": "short", "locale": "en"})
        assert refused.status_code == 422
        assert 'id="e-password"' in refused.text and "至少 10 个字符" in refused.text  # the reader's language


def test_session_cookie_is_httponly_and_samesite_and_sign_out_ends_it(tmp_path: Path) -> None:
    with web_client(tmp_path) as client:
        add_account(client, "admin", "admin")
        signed = sign_in(client, "admin")
        cookie = signed.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
        page = client.get("/app/admin")
        assert page.status_code == 200
        out = client.post("/app/sign-out", data={"csrf": csrf_of(page.text)})
        assert out.status_code == 303
        assert client.get("/app/admin").status_code == 303  # back to the sign-in page


def test_cookie_is_secure_behind_https(tmp_path: Path) -> None:
    with web_client(tmp_path, "https://testserver", public_url="https://library.example") as client:
        add_account(client, "admin", "admin")
        assert "secure" in sign_in(client, "admin").headers["set-cookie"].lower()


def test_a_form_without_the_csrf_token_is_refused(tmp_path: Path) -> None:
    with web_client(tmp_path) as client:
        add_account(client, "admin", "admin")
        sign_in(client, "admin")
        forged = client.post("/app/admin/schools", data={"name": "X", "slug": "x"})
        assert forged.status_code == 403
        wrong = client.post("/app/admin/schools", data={"name": "X", "slug": "x", "csrf": "guess"})
        assert wrong.status_code == 403
        signed_out_forged = client.post("/app/sign-in", data={"username": "admin", "password": PASSWORD})
        assert signed_out_forged.status_code == 403


def test_sign_in_is_rate_limited_per_username(tmp_path: Path) -> None:
    with web_client(tmp_path) as client:
        add_account(client, "admin", "admin")
        client.headers["Accept-Language"] = "en-GB,en;q=0.8"
        for _ in range(5):
            assert sign_in(client, "admin", "wrong password!").status_code == 401
        refused = sign_in(client, "admin")  # even the right password, for a while
        assert refused.status_code == 429 and "Try again in" in refused.text


def test_admin_creates_a_school_and_its_librarian_who_sees_only_her_school(tmp_path: Path) -> None:
    with web_client(tmp_path) as client:
        add_account(client, "admin", "admin")
        sign_in(client, "admin")
        made = post_form(
            client, "/app/admin", "/app/admin/schools", {"name": "Sunshine Primary", "slug": "sunshine"}
        )
        assert made.status_code == 200 and "Sunshine Primary" in made.text
        taken = post_form(client, "/app/admin", "/app/admin/schools", {"name": "Again", "slug": "sunshine"})
        assert taken.status_code == 422 and 'id="se-slug"' in taken.text
        lib = post_form(
            client,
            "/app/admin",
            "/app/admin/librarians",
            {"username": "wang", "password": PASSWORD, "school": "sunshine", "locale": "zh-CN"},
        )
        assert lib.status_code == 200, lib.text
        upload_scenario(client, "other")
        client.cookies.clear()
        assert sign_in(client, "wang").headers["location"] == "/app/"
        assert client.get("/app/").headers["location"] == "/app/s/sunshine/"
        home = client.get("/app/s/sunshine/")
        assert home.status_code == 200 and 'lang="zh-CN"' in home.text
        assert client.get("/app/s/other/").status_code == 403
        assert client.get("/app/admin").status_code == 403


def test_pages_need_signing_in_and_come_back_after_it(tmp_path: Path) -> None:
    with web_client(tmp_path) as client:
        upload_scenario(client, "tiny")
        add_account(client, "lib", "librarian", "tiny")
        away = client.get("/app/s/tiny/")
        assert away.status_code == 303 and away.headers["location"] == "/app/sign-in?next=/app/s/tiny/"
        page = client.get(away.headers["location"])
        back = client.post(
            "/app/sign-in",
            data={
                "username": "lib",
                "password": PASSWORD,
                "next": "/app/s/tiny/",
                "csrf": csrf_of(page.text),
            },
        )
        assert back.headers["location"] == "/app/s/tiny/"


def test_sign_in_never_redirects_to_another_site(tmp_path: Path) -> None:
    with web_client(tmp_path) as client:
        add_account(client, "lib", "admin")
        page = client.get("/app/sign-in")
        back = client.post(
            "/app/sign-in",
            data={
                "username": "lib",
                "password": PASSWORD,
                "next": "//evil.example/",
                "csrf": csrf_of(page.text),
            },
        )
        assert back.headers["location"] == "/app/"


def test_language_switch_for_a_signed_in_person(tmp_path: Path) -> None:
    with web_client(tmp_path) as client:
        add_account(client, "admin", "admin", locale="en")
        sign_in(client, "admin")
        assert 'lang="en"' in client.get("/app/admin").text
        post_form(client, "/app/admin", "/app/language", {"locale": "zh-CN", "next": "/app/admin"})
        assert "学校" in client.get("/app/admin").text
