"""A rerun in a real browser, in Chinese: the librarian solves (keyboard only) and publishes, then
her colleague's leave goes in through the change form, the rerun's progress page leads to its
result, the changes page lists who is affected, and she publishes the rerun."""

from __future__ import annotations

import datetime as dt
import re

import yaml

from tests.web.browser.conftest import (
    Pages,
    Served,
    assert_keyboard_reachable,
    check_page,
    future_school,
    key_submit,
    school_with_librarian,
    submit,
    to_result,
)

SLUG = "hongqi"
RESULT = re.compile(r"/app/s/hongqi/rotas/(\d+)$")
JOB = re.compile(r"/app/s/hongqi/jobs/([\w-]+)$")


def school() -> dict[str, object]:
    data = future_school(
        "红旗小学",
        "zh-CN",
        staff=[{"id": "lib", "name": "刘老师", "role": "librarian"}],
        classes=[
            {"id": "1-1", "name": "一年级1班", "grade": 1, "size": 30},
            {"id": "1-2", "name": "一年级2班", "grade": 1, "size": 30},
        ],
        rooms=[{"id": "library", "name": "阅览室", "seats": 60, "classes_at_once": 1}],
    )
    return data


def test_a_leave_reruns_shows_its_changes_and_is_published(served: Served, pages: Pages) -> None:
    data = school()
    start = dt.date.fromisoformat(str(data["term"]["start"]))  # type: ignore[index]
    page = school_with_librarian(pages, served, SLUG, data, "liu", "zh-CN")

    # Solve, keyboard only.
    page.goto(served.url(f"/app/s/{SLUG}/solve"))
    assert page.locator("h1").inner_text() == "排班运算"
    check_page(page, "solve", screenshot=False)
    assert_keyboard_reachable(page, "solve")
    key_submit(page, page.locator("#solve-start"))
    assert JOB.search(page.url), page.url
    first = to_result(page, RESULT)
    check_page(page, "result", screenshot=False)

    # Publish it (keyboard): the teachers' page says so.
    key_submit(page, page.locator("#publish"))
    assert f"/app/s/{SLUG}/teachers" in page.url, page.url
    check_page(page, "teachers (published)", screenshot=False)
    with served.api() as api:
        assert api.get(f"/schools/{SLUG}").json()["published_version"] == first

    # The change form: 刘老师 is away the whole second week.
    page.goto(served.url(f"/app/s/{SLUG}/changes"))
    check_page(page, "changes-form-zh-CN")
    assert_keyboard_reachable(page, "change form", max_controls=200)
    page.select_option("#leave-staff_id", "lib")
    page.fill("#leave-first_day", (start + dt.timedelta(days=7)).isoformat())
    page.fill("#leave-last_day", (start + dt.timedelta(days=11)).isoformat())
    submit(page, page.locator("#leave-submit"))
    assert JOB.search(page.url), f"no rerun started: {page.url}\n{page.locator('main').inner_text()}"
    with served.api() as api:
        scenario = yaml.safe_load(api.get(f"/schools/{SLUG}/scenario").text)
    away = [dt.date.fromisoformat(str(d)) for d in scenario["staff"][0]["days_off"]]
    assert away == [start + dt.timedelta(days=d) for d in range(7, 12)], away

    # The progress page goes to the rerun's result by itself.
    rerun = to_result(page, RESULT)
    assert rerun > first
    check_page(page, "rerun-result-zh-CN")

    # Its changes, per class, staff member and room.
    page.goto(served.url(f"/app/s/{SLUG}/rotas/{rerun}/changes"))
    check_page(page, "rerun-changes-zh-CN")
    changes = page.locator("main").inner_text()
    for name in ("一年级1班", "一年级2班", "刘老师", "阅览室"):
        assert name in changes, changes
    assert page.locator("#changes-summary").inner_text().strip()

    # Publish the rerun from there.
    submit(page, page.locator("#publish-button"))
    assert f"/app/s/{SLUG}/teachers" in page.url, page.url
    check_page(page, "teachers (rerun published)", screenshot=False)
    with served.api() as api:
        assert api.get(f"/schools/{SLUG}").json()["published_version"] == rerun
