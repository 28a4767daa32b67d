"""The teachers' calendars: the public page at the feed address (no account), in the school's
language, with every class's webcal link, address, copy button and QR code and the steps of four
calendar apps, served with ETag and 304 and rendered once per published version; and the
librarian's page that hands it out and replaces the addresses."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import segno

from api.web.pages import teachers
from tests.factories import school_dict
from tests.web.helpers import AUTH, librarian_of, post_form, upload_scenario, wait_for_job

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

PAGE = "/app/s/tiny/teachers"
_CARD = re.compile(r'<li class="feed-card" id="feed-([^"]+)">(.*?)</li>', re.S)
_ROW = re.compile(r'<tr id="feed-([^"]+)">(.*?)</tr>', re.S)


def solve_and_publish(client: TestClient) -> str:
    """Solve the school's scenario and publish the rota through the JSON API; the feed address's
    path (``/feeds/<token>/``)."""
    started = client.post("/schools/tiny/solves", headers=AUTH)
    job = wait_for_job(client, started.json()["id"])
    assert job["status"] == "succeeded", job
    assert client.post(f"/schools/tiny/rotas/{job['rota_version']}/publish", headers=AUTH).status_code == 200
    return feed_path(client)


def feed_path(client: TestClient) -> str:
    return httpx.URL(client.get("/schools/tiny", headers=AUTH).json()["feed_url"]).path


def cards(page: str) -> dict[str, str]:
    """Each calendar's card on a page, by feed key."""
    return dict(_CARD.findall(page))


def rows(page: str) -> dict[str, str]:
    """Each calendar's row on the librarian's page, by feed key."""
    return dict(_ROW.findall(page))


def qr_path(url: str) -> str:
    """The path segno draws for the QR code of ``url``."""
    svg = segno.make(url, error="m").svg_inline(scale=3)
    found = re.search(r' d="([^"]+)"', svg)
    assert found is not None
    return found.group(1)


def check_links(card: str, base: str, key: str) -> None:
    """The feed's webcal link, and its address with a copy button that says when it has copied."""
    webcal = f"webcal://testserver{base}{key}.ics"
    https = f"http://testserver{base}{key}.ics"
    assert f'href="{webcal}"' in card and f'href="{https}"' in card
    button = re.search(r"<button[^>]*data-copy=\"([^\"]+)\"[^>]*>", card)
    assert button is not None and button.group(1) == https
    assert " hidden" in button.group(0), "shown by app.js, which does the copying"
    status = re.search(r'aria-controls="([^"]+)"', button.group(0))
    assert status is not None and f'id="{status.group(1)}" class="copied" role="status"' in card


def check_card(card: str, base: str, key: str) -> None:
    """A card has the feed's links and copy button, and the webcal link's QR code."""
    check_links(card, base, key)
    webcal = f"webcal://testserver{base}{key}.ics"
    assert "<svg" in card and f' d="{qr_path(webcal)}"' in card, "the QR code is the webcal link's"
    assert 'role="img" aria-label=' in card


def public(client: TestClient, path: str, **headers: str) -> httpx.Response:
    """``path`` as a teacher fetches it: without the librarian's cookies."""
    saved = httpx.Cookies(client.cookies)
    client.cookies.clear()
    try:
        response: httpx.Response = client.get(path, headers=headers)
    finally:
        client.cookies = saved
    return response


def test_the_public_page_lists_every_class_with_webcal_link_copy_button_and_qr_in_english(
    tmp_path: Path,
) -> None:
    with librarian_of(tmp_path) as client:
        base = solve_and_publish(client)
        page = public(client, base)
        assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
        text = page.text
        assert '<html lang="en">' in text and "<title>Tiny School · Library calendars</title>" in text
        found = cards(text)
        for key in ("class-1-1", "class-1-2", "library", "staff-lib", "room-library"):
            check_card(found[key], base, key)
        assert list(found)[:2] == ["class-1-1", "class-1-2"], "the class calendars come first"
        assert '<h3 class="feed-name">Class 1-1</h3>' in found["class-1-1"]
        assert '<h3 class="feed-name">Ms Lee</h3>' in found["staff-lib"]
        for heading in ("Google Calendar", "Outlook", "Apple Calendar (iPhone, iPad, Mac)", "Thunderbird"):
            assert f">{heading}</h3>" in text
        for step in ("“From URL”", "“Subscribe from web”", "New Calendar Subscription", "“On the Network”",
                     "Add Subscribed Calendar", "every few hours"):  # fmt: skip
            assert step in text, step
        assert 'href="rota.html"' in text and public(client, base + "rota.html").status_code == 200
        assert 'href="../../app/static/teachers.css"' in text
        assert public(client, "/app/static/teachers.css").status_code == 200
        assert "<script>" not in text, "no inline script: app.js does the copying"


def test_the_public_page_of_a_chinese_school_is_in_chinese(tmp_path: Path) -> None:
    data = school_dict(
        school={"name": "阳光小学", "timezone": "Asia/Shanghai", "locale": "zh-CN"},
        staff=[{"id": "lib", "name": "李老师", "role": "librarian"}],
        rooms=[{"id": "library", "name": "图书室", "seats": 60, "classes_at_once": 1}],
        classes=[
            {"id": "1-1", "name": "一年级1班", "grade": 1, "size": 30, "homeroom_teacher": "王老师"},
            {"id": "1-2", "name": "一年级2班", "grade": 1, "size": 30},
        ],
    )
    with librarian_of(tmp_path) as client:
        upload_scenario(client, "tiny", data)
        base = solve_and_publish(client)
        text = public(client, base, **{"Accept-Language": "en"}).text
        assert '<html lang="zh-CN">' in text and "<title>阳光小学 · 图书馆日历订阅</title>" in text
        found = cards(text)
        check_card(found["class-1-1"], base, "class-1-1")
        check_card(found["class-1-2"], base, "class-1-2")
        assert '<h3 class="feed-name">一年级1班</h3>' in found["class-1-1"]
        assert "班主任：王老师" in found["class-1-1"] and "班主任" not in found["class-1-2"]
        assert ">订阅<" in found["class-1-1"] and "复制地址" in found["class-1-1"]
        for heading in (
            "班级日历",
            "全校日历",
            "值班人员",
            "如何订阅",
            "Google 日历",
            "苹果日历（iPhone、iPad、Mac）",
        ):
            assert heading in text, heading
        for step in ("通过网址添加", "从 Web 订阅", "新建日历订阅", "在网络上", "添加已订阅的日历", "微信"):
            assert step in text, step
        assert "Subscribe" not in text and "Google Calendar" not in text


def test_the_public_page_is_rendered_once_per_version_and_answers_conditional_requests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    renders: list[int] = []
    real = teachers.render_public_page

    def counting(*args: Any) -> teachers.PublicPage:
        renders.append(1)
        return real(*args)

    monkeypatch.setattr(teachers, "render_public_page", counting)
    with librarian_of(tmp_path) as client:
        base = solve_and_publish(client)
        first = public(client, base, **{"Accept-Encoding": "identity"})
        etag = first.headers["ETag"]
        assert etag == f'W/"{hashlib.sha256(first.content).hexdigest()}"'
        assert first.headers["Cache-Control"] == "max-age=300" and "Last-Modified" in first.headers
        assert public(client, base, **{"If-None-Match": etag}).status_code == 304
        assert (
            public(client, base, **{"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304
        )
        head = client.head(base)
        assert head.status_code == 200 and head.content == b"" and head.headers["ETag"] == etag
        packed = public(client, base, **{"Accept-Encoding": "gzip"})
        assert packed.headers["Content-Encoding"] == "gzip" and packed.headers["ETag"] == etag
        assert packed.content == first.content
        assert len(renders) == 1, "rendered once, then served from memory"

        # another version, published from the page: rendered at once, before anyone asks
        renamed = school_dict()
        renamed["classes"][0]["name"] = "Class 1 Blue"
        upload_scenario(client, "tiny", renamed)
        started = client.post("/schools/tiny/solves", headers=AUTH)
        assert wait_for_job(client, started.json()["id"])["status"] == "succeeded"
        answer = post_form(client, PAGE, "/app/s/tiny/rotas/2/publish", {})
        assert answer.status_code == 303 and len(renders) == 2
        second = public(client, base)
        assert len(renders) == 2 and second.headers["ETag"] != etag and "Class 1 Blue" in second.text
        assert public(client, base, **{"If-None-Match": etag}).status_code == 200


def test_the_librarian_hands_out_the_page_and_can_replace_its_address(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        base = feed_path(client)
        before = client.get(PAGE)
        assert before.status_code == 200
        assert 'id="nothing-published"' in before.text and 'href="/app/s/tiny/rotas/"' in before.text
        assert f'<a id="page-address" href="http://testserver{base}">' in before.text
        assert 'data-copy="http://testserver' + base + '"' in before.text
        assert f' d="{qr_path("http://testserver" + base)}"' in before.text, "the QR code of the page"
        assert rows(before.text) == {}

        solve_and_publish(client)
        page = client.get(PAGE).text
        assert 'id="nothing-published"' not in page
        found = rows(page)
        check_links(found["class-1-1"], base, "class-1-1")
        assert f'href="http://testserver{base}#feed-class-1-1"' in found["class-1-1"], "its QR code"
        assert list(found) == list(cards(public(client, base).text)), "the same calendars as the public page"
        assert "<caption>Class calendars</caption>" in page

        refused = post_form(client, PAGE, "/app/s/tiny/teachers/feed-token", {})
        assert refused.status_code == 422
        assert 'aria-invalid="true"' in refused.text and 'id="rotate-confirm-error"' in refused.text
        assert feed_path(client) == base
        assert client.post("/app/s/tiny/teachers/feed-token", data={"confirm": "yes"}).status_code == 403

        answer = post_form(client, PAGE, "/app/s/tiny/teachers/feed-token", {"confirm": "yes"})
        assert answer.status_code == 303 and answer.headers["location"] == PAGE + "?done=rotated"
        new = feed_path(client)
        assert new != base
        assert (
            public(client, base).status_code == 404
            and public(client, base + "class-1-1.ics").status_code == 404
        )
        assert public(client, new).status_code == 200
        after = client.get(answer.headers["location"]).text
        assert "The addresses are replaced" in after and f"http://testserver{new}" in after
        assert base not in after


def test_the_librarians_page_needs_the_schools_librarian(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        upload_scenario(client, "other")
        assert client.get("/app/s/other/teachers").status_code == 403
        client.cookies.clear()
        answer = client.get(PAGE)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/app/sign-in")
