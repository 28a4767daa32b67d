"""The librarian's flow in a real browser, in Chinese: from an empty school (made by the admin) to
published calendars. She signs in with the keyboard only, builds a small school through the
set-up forms (school, term, periods, windows, a room, one staff member, two classes, one rule),
makes a mistake on purpose (a period ending before it starts), sees rota validate's message next to
the field and fixes it; solves (the progress page, the result page); keeps a session where it is
(a pin) on the weekly table, solves again and finds it kept; publishes; and the teachers' page,
opened with no account, lists every class with its webcal link and QR code.

The tests run in order and build on each other (one school on one server)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml
from playwright.sync_api import Page

from rota_solver import parse_scenario, verify
from rota_solver.rota import Rota
from tests.web.browser.conftest import (
    PASSWORD,
    Pages,
    Served,
    admin_creates_school,
    assert_keyboard_reachable,
    check_page,
    key_submit,
    key_type,
    make_admin,
    next_monday,
    submit,
    to_result,
)

SLUG = "sunshine"
BASE = f"/app/s/{SLUG}"
RESULT = re.compile(rf"{BASE}/rotas/(\d+)$")
JOB = re.compile(rf"{BASE}/jobs/([\w-]+)$")
START = next_monday(14)
END = START + dt.timedelta(days=11)
CLASSES = {"1-1": "一年级1班", "1-2": "一年级2班"}

state: dict[str, Any] = {}
"""What the earlier tests leave for the later ones: the signed-in page, rota numbers, the pin."""


def save(page: Page) -> None:
    """Save a set-up form; the page it answers with (saved, or the problems) is checked too."""
    submit(page, page.locator("#save"))
    check_page(page, page.url.rsplit("/", 1)[-1] + " saved", screenshot=False)


def no_problems_here(page: Page) -> None:
    summary = page.locator(".error-summary")
    assert summary.count() == 0, summary.inner_text()


def test_the_admin_makes_the_school_and_the_librarian_signs_in_by_keyboard(
    served: Served, pages: Pages, kept_pages: Pages
) -> None:
    admin = pages.new("zh-CN")
    make_admin(admin, served, "王主任", "admin", "zh-CN", shot=None)
    admin_creates_school(admin, "阳光小学", SLUG, "zhang", "张老师", "zh-CN")

    # Her browser, kept for the rest of the module.
    page = kept_pages.new("zh-CN")
    state["page"] = page
    page.goto(served.url(BASE + "/"))  # signed out: to the sign-in page, and back here after it
    assert "/app/sign-in?next=" in page.url, page.url
    check_page(page, "sign-in", screenshot=False)
    key_type(page, page.locator("#username"), "zhang")
    key_type(page, page.locator("#password"), PASSWORD)
    key_submit(page, page.get_by_role("button", name="登录"))
    assert page.url.endswith(BASE + "/"), page.url
    assert page.locator("h1").inner_text() == "阳光小学"
    check_page(page, "school home", screenshot=False)


def test_she_builds_the_school_in_the_forms_fixing_a_mistake_on_the_way(served: Served) -> None:
    page = state["page"]
    page.goto(served.url(BASE + "/setup/"))
    check_page(page, "setup-index-empty-zh-CN")

    # School: the name the admin gave; the language of the printed rota and calendars.
    page.goto(served.url(BASE + "/setup/school"))
    assert page.locator("#f-school--name").input_value() == "阳光小学"
    page.select_option("#f-school--locale", "zh-CN")
    save(page)
    no_problems_here(page)

    # Term: two weeks, Monday to Friday.
    page.goto(served.url(BASE + "/setup/term"))
    page.fill("#f-term--name", "春季学期")
    page.fill("#f-term--start", START.isoformat())
    page.fill("#f-term--end", END.isoformat())
    save(page)
    no_problems_here(page)
    check_page(page, "setup-term-zh-CN")

    # Periods, with a mistake: the fifth period ends before it starts.
    page.goto(served.url(BASE + "/setup/periods"))
    for row, (pid, name, start, end) in enumerate(
        [("p5", "第五节", "14:00", "13:40"), ("p6", "第六节", "14:50", "15:30")]
    ):
        page.fill(f"#f-periods--n{row}--id", pid)
        page.fill(f"#f-periods--n{row}--name", name)
        page.fill(f"#f-periods--n{row}--start", start)
        page.fill(f"#f-periods--n{row}--end", end)
    save(page)
    wrong = page.locator("input[name$='.end'][aria-invalid='true']")
    assert wrong.count() == 1, page.locator("main").inner_text()
    assert wrong.input_value() == "13:40"  # what she typed is kept
    described = (wrong.get_attribute("aria-describedby") or "").split()
    message = " ".join(page.locator(f"[id='{i}']").inner_text() for i in described)
    assert "ends 13:40:00 at or before it starts 14:00:00" in message, message  # rota validate's words
    assert page.locator(".error-summary").is_visible()
    check_page(page, "setup-periods-error-zh-CN")
    wrong.fill("14:40")
    save(page)
    no_problems_here(page)
    assert page.locator("input[aria-invalid='true']").count() == 0

    # A lunch window.
    page.goto(served.url(BASE + "/setup/windows"))
    page.fill("#f-windows--n0--id", "lunch")
    page.fill("#f-windows--n0--name", "午间")
    page.fill("#f-windows--n0--start", "11:30")
    page.fill("#f-windows--n0--end", "12:30")
    save(page)
    no_problems_here(page)

    # The reading room.
    page.goto(served.url(BASE + "/setup/rooms"))
    page.fill("#f-rooms--n0--id", "library")
    page.fill("#f-rooms--n0--name", "阅览室")
    page.fill("#f-rooms--n0--seats", "60")
    page.fill("#f-rooms--n0--classes_at_once", "1")
    save(page)
    no_problems_here(page)

    # One librarian.
    page.goto(served.url(BASE + "/setup/staff"))
    page.fill("#f-staff--n0--id", "lib")
    page.fill("#f-staff--n0--name", "张老师")
    page.fill("#f-staff--n0--role", "librarian")
    save(page)
    no_problems_here(page)

    # Two grade-1 classes.
    page.goto(served.url(BASE + "/setup/classes"))
    for row, (cid, name) in enumerate(CLASSES.items()):
        page.fill(f"#f-classes--n{row}--id", cid)
        page.fill(f"#f-classes--n{row}--name", name)
        page.fill(f"#f-classes--n{row}--grade", "1")
        page.fill(f"#f-classes--n{row}--size", "30")
    save(page)
    no_problems_here(page)
    check_page(page, "setup-classes-zh-CN")

    # One rule: grade 1 reads once a week at lunch, 20 minutes, with the librarian.
    page.goto(served.url(BASE + "/setup/rules"))
    page.fill("#f-rules--n0--id", "reading")
    page.fill("#f-rules--n0--name", "阅读课")
    page.fill("#f-rules--n0--kind", "reading")
    page.check("input[name='rules.n0.grades'][value='1']")
    page.select_option("#f-rules--n0--room", "library")
    page.fill("#f-rules--n0--frequency--per_week", "1")
    page.fill("#f-rules--n0--duration_minutes", "20")
    page.check("input[name='rules.n0.windows'][value='lunch']")
    page.fill("#f-rules--n0--staffing--librarian", "1")
    save(page)
    no_problems_here(page)
    check_page(page, "setup-rules-zh-CN")

    # Every section done: a valid scenario version, as rota validate reads it.
    page.goto(served.url(BASE + "/setup/"))
    assert page.locator(".status-todo").count() == 0, page.locator("main").inner_text()
    check_page(page, "setup-index-zh-CN")
    with served.api() as api:
        text = api.get(f"/schools/{SLUG}/scenario").text
    scenario = parse_scenario(text)
    assert [c.id for c in scenario.classes] == list(CLASSES)
    assert [(p.id, p.end) for p in scenario.periods] == [("p5", dt.time(14, 40)), ("p6", dt.time(15, 30))]
    assert scenario.rules[0].windows == ["lunch"] and scenario.rules[0].grades == [1]


def solve_by_keyboard(page: Page, served: Served) -> int:
    """Solve, pressing the button with the keyboard; the progress page goes to the result by itself."""
    page.goto(served.url(BASE + "/solve"))
    key_submit(page, page.locator("#solve-start"))
    assert JOB.search(page.url), page.url  # the progress page (test_pages_en holds one still)
    return to_result(page, RESULT)


def test_she_solves(served: Served) -> None:
    page = state["page"]
    page.goto(served.url(BASE + "/solve"))
    check_page(page, "solve-page-zh-CN")
    assert_keyboard_reachable(page, "solve")
    number = solve_by_keyboard(page, served)
    state["first"] = number
    assert "已证明" in page.locator("#result-status").inner_text()
    check_page(page, "result-page-zh-CN")


def test_she_pins_a_session_and_it_is_kept_when_solved_again(served: Served) -> None:
    page = state["page"]
    first = state["first"]
    page.goto(served.url(f"{BASE}/rotas/{first}/week"))
    check_page(page, "week-zh-CN")
    assert_keyboard_reachable(page, "week", max_controls=200)
    entry = page.locator(".week-grid .entry:not(.pinned)").first
    cell = {k: entry.get_attribute(f"data-{k}") for k in ("class", "rule", "day", "start", "week")}
    key_submit(page, entry.locator("button.pin-button"))
    assert page.locator("#pin-notice").is_visible(), page.locator("main").inner_text()
    check_page(page, "week-pinned-zh-CN")
    with served.api() as api:
        saved = yaml.safe_load(api.get(f"/schools/{SLUG}/scenario").text)
    pin = {k: str(v) for k, v in saved["pins"][0].items()}
    assert pin["class_id"] == cell["class"] and pin["rule"] == cell["rule"] and pin["day"] == cell["day"]
    assert pin["start"].startswith(str(cell["start"])) and pin.get("week", "") == (cell["week"] or "")

    # Solve again: the new rota keeps the session in that cell, marked as pinned.
    second = solve_by_keyboard(page, served)
    assert second > first
    state["second"] = second
    page.goto(served.url(f"{BASE}/rotas/{second}/week"))
    check_page(page, "week again", screenshot=False)
    kept = page.locator(
        f".week-grid .entry[data-class='{cell['class']}'][data-rule='{cell['rule']}']"
        f"[data-day='{cell['day']}'][data-start='{cell['start']}'][data-week='{cell['week']}']"
    )
    assert kept.count() == 1 and "pinned" in (kept.get_attribute("class") or "")
    with served.api() as api:
        rota_json = api.get(f"/schools/{SLUG}/rotas/{second}").text
        scenario = parse_scenario(api.get(f"/schools/{SLUG}/scenario").text)
    assert verify(scenario, Rota.model_validate_json(rota_json)) == []

    # The other views of the new rota: all versions, a class's term, the librarian's, a month.
    page.goto(served.url(f"{BASE}/rotas/"))
    check_page(page, "rotas-zh-CN")
    page.goto(served.url(f"{BASE}/rotas/{second}/class/1-1"))
    assert "一年级1班" in page.locator("h1").inner_text()
    check_page(page, "class-term-zh-CN")
    page.goto(served.url(f"{BASE}/rotas/{second}/staff/lib"))
    check_page(page, "staff-term-zh-CN")
    page.goto(served.url(f"{BASE}/rotas/{second}/month/{START:%Y-%m}"))
    check_page(page, "month-zh-CN")


def test_she_publishes_and_teachers_subscribe_with_no_account(served: Served, pages: Pages) -> None:
    page = state["page"]
    second = state["second"]
    page.goto(served.url(f"{BASE}/rotas/{second}"))
    key_submit(page, page.locator("#publish"))
    assert page.url.startswith(served.url(BASE + "/teachers")), page.url
    check_page(page, "teachers-librarian-zh-CN")
    address = page.locator("#page-address").get_attribute("href")
    assert address and "/feeds/" in address, address

    # A teacher opens the page with no account.
    teacher = pages.new("en")  # whatever her browser says, the page speaks the school's language
    teacher.goto(address)
    assert teacher.locator("html").get_attribute("lang") == "zh-CN"
    assert "阳光小学" in teacher.locator("h1").inner_text()
    check_page(teacher, "teachers-public-zh-CN")
    assert_keyboard_reachable(teacher, "teachers' page", max_controls=200)
    for name in CLASSES.values():
        card = teacher.locator(".feed-card", has=teacher.locator(".feed-name", has_text=name))
        assert card.count() == 1, name
        webcal = card.locator("a[href^='webcal://']")
        assert webcal.count() == 1 and (webcal.get_attribute("href") or "").endswith(".ics")
        assert card.locator(".qr-box svg").count() == 1
        copy = card.locator("button[data-copy]")
        assert copy.is_visible()  # app.js shows the copy buttons
    for app in ("google", "outlook", "apple", "thunderbird"):  # the steps for each calendar app
        steps = teacher.locator(f"section[aria-labelledby='h-howto-{app}']")
        assert steps.locator(f"#h-howto-{app}").is_visible() and steps.locator("li").count() >= 2, app
    # The feed itself answers, with the classes' sessions.
    https = teacher.locator(".feed-card a[href^='http'][type='text/calendar']").first.get_attribute("href")
    with served.api() as api:
        feed = api.get(str(https).replace(served.base_url, ""))
    assert feed.status_code == 200 and "BEGIN:VCALENDAR" in feed.text
