"""The key pages in English, in a real browser, each checked with axe-core and screenshotted: the
overview, set-up (a class's timetable grid clicked with the keyboard), solving with the progress
page of a long run cancelled by keyboard, the result, the weekly table, a class's, a staff member's
and a month's views, publishing, the teachers' pages, the change form and a rerun's changes.

The tests run in order and build on each other (one school on one server)."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import yaml
from playwright.sync_api import Page

from tests.slow_school import slow_school
from tests.web.browser.conftest import (
    PASSWORD,
    Pages,
    Served,
    assert_keyboard_reachable,
    check_page,
    future_school,
    key_press,
    key_submit,
    school_with_librarian,
    submit,
    to_result,
    upload,
)

SLUG = "riverside"
BASE = f"/app/s/{SLUG}"
RESULT = re.compile(rf"{BASE}/rotas/(\d+)$")
JOB = re.compile(r"/app/s/[\w-]+/jobs/([\w-]+)$")

state: dict[str, Any] = {}


def school() -> dict[str, Any]:
    return future_school(
        "Riverside Primary",
        "en",
        staff=[{"id": "lib", "name": "Ms Lee", "role": "librarian"}],
        classes=[
            {"id": "1-1", "name": "Class 1-1", "grade": 1, "size": 30},
            {"id": "1-2", "name": "Class 1-2", "grade": 1, "size": 30},
        ],
    )


def librarian() -> Page:
    """The librarian's page, signed in by the first test and kept for the module."""
    page: Page = state["page"]
    return page


def test_overview_and_set_up(served: Served, kept_pages: Pages) -> None:
    data = school()
    state["start"] = dt.date.fromisoformat(data["term"]["start"])
    page = school_with_librarian(kept_pages, served, SLUG, data, "lee", "en")
    state["page"] = page
    assert page.url.endswith(BASE + "/"), page.url
    assert page.locator("h1").inner_text() == "Riverside Primary"
    check_page(page, "school-home-en")
    assert_keyboard_reachable(page, "overview")

    page.goto(served.url(BASE + "/setup/"))
    assert page.locator(".status-todo").count() == 0
    check_page(page, "setup-index-en")
    assert_keyboard_reachable(page, "set-up index", max_controls=200)
    page.goto(served.url(BASE + "/setup/periods"))
    check_page(page, "setup-periods-en")
    assert_keyboard_reachable(page, "periods", max_controls=200)
    page.goto(served.url(BASE + "/setup/term"))
    check_page(page, "setup-term-en")

    # A lesson on Class 1-1's timetable grid, set with the keyboard (Space on the cell's box).
    page.goto(served.url(BASE + "/setup/classes/1-1"))
    cell = page.locator("#setup-form input[type=checkbox]").first
    assert not cell.is_checked()
    key_press(page, cell, " ")
    assert cell.is_checked()
    key_submit(page, page.locator("#save"))
    assert page.locator(".error-summary").count() == 0, page.locator("main").inner_text()
    check_page(page, "setup-class-timetable-en")
    with served.api() as api:
        saved = yaml.safe_load(api.get(f"/schools/{SLUG}/scenario").text)
    busy = next(c for c in saved["classes"] if c["id"] == "1-1").get("busy", [])
    assert len(busy) == 1, busy


def test_a_long_run_shows_its_progress_and_is_cancelled_by_keyboard(served: Served, pages: Pages) -> None:
    """A 120-class school's run, by the admin (who may open every school): the progress bar and its
    stage while it runs, then Cancel, pressed with the keyboard."""
    slow = yaml.safe_load(slow_school())
    upload(served, "big", slow)
    admin = pages.new("en")
    admin.goto(served.url("/app/sign-in"))
    admin.fill("#username", "admin")
    admin.fill("#password", PASSWORD)
    submit(admin, admin.locator("main form[action='/app/sign-in'] button[type=submit]"))
    admin.goto(served.url("/app/s/big/solve"))
    # Hold the live updates while the page is checked, so that it stays as drawn.
    held: list[Any] = []
    admin.route("**/status", lambda route: held.append(route))
    submit(admin, admin.locator("#solve-start"))
    assert JOB.search(admin.url), admin.url
    assert admin.locator("#job-live").is_visible()
    assert admin.locator("#job-progress").is_visible()
    check_page(admin, "job-progress-en")
    assert_keyboard_reachable(admin, "progress")
    # The race that once made this test flaky, forced: Cancel is sent (its submit event), then a
    # late status answer says the run is done and names another page. The page must stay.
    deadline = time.monotonic() + 15
    while not held:
        assert time.monotonic() < deadline, "no status request was made"
        admin.wait_for_timeout(20)
    admin.evaluate(
        "document.getElementById('job-cancel-form').dispatchEvent(new Event('submit', {bubbles: true}))"
    )
    job_page = admin.url
    done = {"done": True, "next": served.url("/app/s/big/solve"), "status_line": "succeeded"}
    done |= {"time_limit_seconds": 60, "elapsed_seconds": 2, "seconds_text": "2 s"}
    done |= {"figures_text": "", "stage_text": ""}
    for route in held:
        route.fulfill(json=done, headers={"Cache-Control": "no-store"})
    admin.wait_for_timeout(500)  # time for a heeded answer to navigate
    assert admin.url == job_page, admin.url
    admin.unroute("**/status")
    key_submit(admin, admin.locator("#job-cancel"))
    assert JOB.search(admin.url), admin.url
    assert admin.locator("#job-end").is_visible()
    assert "cancelled" in admin.locator("#job-status").inner_text()
    check_page(admin, "job-cancelled-en")
    with served.api() as api:
        job = api.get(f"/jobs/{JOB.search(admin.url).group(1)}").json()  # type: ignore[union-attr]
    assert job["status"] == "cancelled", job


def test_solve_result_and_views(served: Served) -> None:
    page = librarian()
    page.goto(served.url(BASE + "/solve"))
    check_page(page, "solve-page-en")
    key_submit(page, page.locator("#solve-start"))
    number = to_result(page, RESULT)
    state["first"] = number
    assert "proven" in page.locator("#result-status").inner_text().lower()
    check_page(page, "result-page-en")
    assert_keyboard_reachable(page, "result", max_controls=200)

    page.goto(served.url(f"{BASE}/rotas/"))
    check_page(page, "rotas-en")
    page.goto(served.url(f"{BASE}/rotas/{number}/week"))
    assert page.locator(".week-grid .entry").count() >= 2
    check_page(page, "week-en")
    # From the week page's index to a class's term, a staff member's duties and a month.
    submit(page, page.locator("#index a", has_text="Class 1-1"))
    assert page.url.endswith(f"/rotas/{number}/class/1-1"), page.url
    check_page(page, "class-term-en")
    page.goto(served.url(f"{BASE}/rotas/{number}/week"))
    submit(page, page.locator("#index a", has_text="Ms Lee"))
    assert page.url.endswith(f"/rotas/{number}/staff/lib"), page.url
    check_page(page, "staff-term-en")
    month = state["start"].strftime("%Y-%m")
    page.goto(served.url(f"{BASE}/rotas/{number}/month/{month}"))
    assert page.locator("table").count() >= 1
    check_page(page, "month-en")


def test_publish_teachers_pages_and_a_rerun(served: Served, pages: Pages) -> None:
    page = librarian()
    first = state["first"]
    page.goto(served.url(f"{BASE}/rotas/{first}"))
    key_submit(page, page.locator("#publish"))
    assert page.url.startswith(served.url(BASE + "/teachers")), page.url
    check_page(page, "teachers-librarian-en")
    assert_keyboard_reachable(page, "teachers (librarian)", max_controls=200)
    address = page.locator("#page-address").get_attribute("href")
    assert address

    teacher = pages.new("zh-CN")  # the page speaks the school's language, not the browser's
    teacher.goto(address)
    assert teacher.locator("html").get_attribute("lang") == "en"
    assert teacher.locator("h1").inner_text().startswith("Riverside Primary")
    assert teacher.locator("a[href^='webcal://']").count() >= 2
    assert teacher.locator(".qr-box svg").count() >= 2
    check_page(teacher, "teachers-public-en")

    # The room closed for the second week, through the change form.
    start = state["start"]
    page.goto(served.url(BASE + "/changes"))
    check_page(page, "changes-form-en")
    page.select_option("#room-room_id", "library")
    page.fill("#room-first_day", (start + dt.timedelta(days=7)).isoformat())
    page.fill("#room-last_day", (start + dt.timedelta(days=11)).isoformat())
    page.fill("#room-reason", "Repairs")
    submit(page, page.locator("#room-submit"))
    assert JOB.search(page.url), f"no rerun started: {page.url}\n{page.locator('main').inner_text()}"
    rerun = to_result(page, RESULT)
    assert rerun > first
    page.goto(served.url(f"{BASE}/rotas/{rerun}/changes"))
    check_page(page, "rerun-changes-en")
    assert "Library" in page.locator("main").inner_text()
    submit(page, page.locator("#publish-button"))
    check_page(page, "teachers (rerun published)", screenshot=False)
    with served.api() as api:
        assert api.get(f"/schools/{SLUG}").json()["published_version"] == rerun
