"""The web app in a real browser: Debian's Chromium driven by Playwright (Python), against a real
``rota serve`` on a loopback port, one server per test module.

- No browser is downloaded (never ``playwright install``): Playwright drives ``/usr/bin/chromium``,
  which ``scripts/test.sh`` installs with apt. Without it the tests fail, saying so.
- :func:`check_page` runs axe-core (``tests/web/node``, installed by ``npm ci`` in ``scripts/test.sh``)
  in the page, fails on any serious or critical WCAG 2 A/AA violation, and saves a full-page
  screenshot as ``docs/screenshots/<name>.png`` (the README links them).
- :func:`assert_keyboard_reachable` walks a page with the Tab key: every visible control is reached,
  and shows a visible focus outline when it is.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Locator,
    Page,
    Playwright,
    Response,
    sync_playwright,
)

from api.local_server import LocalServer, local_server, rota_serve_command
from tests.factories import school_dict

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "tests" / "web" / "node" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
ADMIN_TOKEN = "browser-tests-admin-token-0123456789"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "correct horse battery"
JOB_TIME_LIMIT = "20"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BAD_IMPACTS = ("serious", "critical")
_FIRST_RUN = re.compile(r"create it \(once\) at\s+(\S+)")


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium. Run scripts/test.sh "
            "(it installs chromium, chromium-driver, a CJK and an emoji font with apt).",
            pytrace=False,
        )
    if not AXE.exists():
        pytest.fail(
            f"{AXE} is missing: run scripts/test.sh (npm ci --prefix tests/web/node installs axe-core).",
            pytrace=False,
        )
    driver = sync_playwright().start()
    try:
        yield driver
    finally:
        driver.stop()


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    launched = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
    try:
        yield launched
    finally:
        launched.close()


@dataclass
class Served:
    """A running ``rota serve`` and the one-time link it printed for the first admin account."""

    server: LocalServer
    first_run_url: str

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def url(self, path: str) -> str:
        return self.server.base_url + path

    def api(self) -> httpx.Client:
        """The JSON API with the admin token (for checks behind the pages, and quick set-ups)."""
        return httpx.Client(base_url=self.server.base_url, headers=AUTH, timeout=30)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """``rota serve`` for this module, on a new data directory (so: no admin account yet)."""
    tmp = tmp_path_factory.mktemp("serve")
    settings = {"ROTA_JOB_TIME_LIMIT_SECONDS": JOB_TIME_LIMIT}
    with local_server(
        tmp / "data", ADMIN_TOKEN, rota_serve_command, tmp / "serve.log", ROOT, settings
    ) as server:
        found = _FIRST_RUN.search(server.log_tail())
        assert found is not None, f"rota serve printed no first-run link:\n{server.log_tail()}"
        yield Served(server, found.group(1))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failed test's report ends with the end of the server's log (a 500's traceback is there)."""
    outcome: Any = yield
    report = outcome.get_result()
    served = getattr(item, "funcargs", {}).get("served")
    if report.when == "call" and report.failed and isinstance(served, Served):
        report.sections.append(("rota serve's log (its end)", served.server.log_tail()))


@dataclass
class Pages:
    """Opens pages in new browser contexts (each its own cookies), in a language."""

    browser: Browser
    contexts: list[BrowserContext] = field(default_factory=list)

    def new(self, locale: str) -> Page:
        """A page whose browser asks for ``locale`` (``zh-CN`` or ``en``) in Accept-Language."""
        context = self.browser.new_context(
            locale="zh-CN" if locale == "zh-CN" else "en-GB",
            viewport={"width": 1280, "height": 900},
            reduced_motion="reduce",
            timezone_id="Asia/Shanghai",
        )
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: _page_errors.append(f"{page.url}: {error}"))
        page.on("response", _note_bad_response)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


_page_errors: list[str] = []


def _note_bad_response(response: Response) -> None:
    """A server error, or a missing script or stylesheet, on any page is a failure of the test."""
    if response.status >= 500 or (response.status == 404 and "/static/" in response.url):
        _page_errors.append(f"{response.request.method} {response.url}: {response.status}")


@pytest.fixture(autouse=True)
def no_page_errors() -> Iterator[None]:
    """Every test fails on a JavaScript error, a 5xx answer or a missing static file in its pages."""
    _page_errors.clear()
    yield
    assert not _page_errors, "errors on the pages:\n" + "\n".join(_page_errors)


@pytest.fixture
def pages(browser: Browser) -> Iterator[Pages]:
    """Pages for one test, closed after it."""
    opened = Pages(browser)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="module")
def kept_pages(browser: Browser) -> Iterator[Pages]:
    """Pages kept for a whole module, for flows whose tests build on each other (one browser
    session signed in throughout)."""
    opened = Pages(browser)
    try:
        yield opened
    finally:
        opened.close()


# ---------------------------------------------------------------------------------------------------
# The checks every page of a flow gets


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2 A and AA violations of the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(
        """async () => {
            const result = await axe.run(
                document, {runOnly: ["wcag2a", "wcag2aa"], resultTypes: ["violations"]});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(" ")),
                summary: v.nodes.map(n => n.failureSummary)}));
        }"""
    )
    return found


def check_page(page: Page, name: str, screenshot: bool = True) -> None:
    """Screenshot the page into docs/screenshots/<name>.png (full page; unless ``screenshot`` is
    False, for a page another flow already shows) and fail on any serious or critical accessibility
    violation axe-core finds in it (printed: rule, help, elements)."""
    page.wait_for_load_state("load")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if screenshot:
        shot = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(shot), full_page=True, animations="disabled", caret="hide")
    bad = [v for v in axe_violations(page) if v["impact"] in BAD_IMPACTS]
    report = "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"      {t}  -- {s}" for t, s in zip(v["targets"], v["summary"], strict=True))
        for v in bad
    )
    assert not bad, f"{name} ({page.url}): serious accessibility violations:\n{report}"
    lang = page.evaluate("() => document.documentElement.lang")
    assert lang in ("zh-CN", "en"), f"{name}: <html lang> is {lang!r}"


_MARK_CONTROLS = """() => {
    // Native controls (whatever their tabindex: one of -1 is a fault), and other elements that put
    // themselves in the tab order (tabindex >= 0; <main tabindex=-1>, a skip link's target, is not one).
    const all = [...document.querySelectorAll(
        'a[href], button, input:not([type=hidden]), select, textarea, details > summary, '
        + '[tabindex]:not([tabindex^="-"])')];
    // Shown: laid out, visible, not inside a closed <details> (but its summary is), not inert.
    const shown = el => el.getClientRects().length > 0
        && el.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true})
        && !el.closest('details:not([open]) > :not(summary)') && !el.closest('[inert]') && !el.disabled;
    const controls = all.filter(shown);
    const out = [];
    controls.forEach((el, i) => {
        el.dataset.kbCheck = String(i);
        const radio = el.type === 'radio' ? 'radio:' + el.name : null;
        out.push({i, radio, tabIndex: el.tabIndex,
                  what: el.outerHTML.slice(0, 120)});
    });
    return out;
}"""

_FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    // A date or time field's picker button (inside the field) has the browser's own focus ring.
    const picker = /^(date|time|datetime-local|month|week)$/.test(el.type || '') && !el.matches(':focus');
    return {mark: el.dataset.kbCheck ?? null, visible: outline || style.boxShadow !== 'none' || picker,
            what: el.outerHTML.slice(0, 120)};
}"""


def assert_keyboard_reachable(page: Page, name: str, max_controls: int = 150) -> None:
    """Every visible link, button and field of the page is reached by pressing Tab from the top,
    each showing a visible focus indicator (an outline or a shadow) when it is; none is taken out of
    the tab order. Radio buttons count as one stop per group, as browsers tab them."""
    controls: list[dict[str, Any]] = page.evaluate(_MARK_CONTROLS)
    assert 0 < len(controls) <= max_controls, f"{name}: {len(controls)} controls"
    unreachable = [c["what"] for c in controls if c["tabIndex"] < 0]
    assert not unreachable, f"{name}: controls out of the tab order: {unreachable}"
    # Start from the top of the page: focus a (not tabbable) marker before everything else.
    page.evaluate(
        """() => { const start = document.createElement('span'); start.id = 'kb-check-start';
        start.tabIndex = -1; document.body.prepend(start); start.focus(); }"""
    )
    reached: set[str] = set()
    no_outline: list[str] = []
    wanted = {str(c["i"]) for c in controls}
    # A date or time field takes a Tab stop per part (day, month, year; hours, minutes).
    for _ in range(4 * len(controls) + 10):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if focused is None:
            continue
        if focused["mark"] is not None:
            reached.add(focused["mark"])
        if not focused["visible"]:
            no_outline.append(focused["what"])
        if wanted <= reached:
            break
    page.evaluate("() => document.getElementById('kb-check-start')?.remove()")
    groups_reached = {c["radio"] for c in controls if c["radio"] and str(c["i"]) in reached}
    missed = [
        c["what"]
        for c in controls
        if str(c["i"]) not in reached and not (c["radio"] and c["radio"] in groups_reached)
    ]
    assert not missed, f"{name}: not reached with the Tab key: {missed}"
    assert not no_outline, f"{name}: no visible focus on: {no_outline}"


# ---------------------------------------------------------------------------------------------------
# Keyboard only


def focused_is(page: Page, target: Locator) -> bool:
    handle = target.element_handle()
    assert handle is not None
    return bool(page.evaluate("el => document.activeElement === el", handle))


def tab_to(page: Page, target: Locator, max_presses: int = 120) -> None:
    """Press Tab until ``target`` has the focus (fails if it never does: not keyboard-reachable)."""
    target.wait_for(state="visible")
    for _ in range(max_presses):
        if focused_is(page, target):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target} on {page.url}")


def key_type(page: Page, target: Locator, text: str) -> None:
    """Tab to a field and type into it, keyboard only."""
    tab_to(page, target)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def key_select(page: Page, select: Locator, option_text: str) -> None:
    """Tab to a <select> and choose an option by typing its first letters (the keyboard's way)."""
    tab_to(page, select)
    page.keyboard.type(option_text[:3])
    chosen = select.evaluate("el => el.options[el.selectedIndex].text")
    assert chosen == option_text, f"typing chose {chosen!r}, not {option_text!r}"


def key_press(page: Page, target: Locator, key: str = "Enter") -> None:
    """Tab to a control and press a key on it (Enter for links and buttons, Space for checkboxes)."""
    tab_to(page, target)
    page.keyboard.press(key)


# ---------------------------------------------------------------------------------------------------
# Shared steps


def submit(page: Page, button: Locator) -> None:
    """Click a form's button and wait for the page it leads to."""
    with page.expect_navigation():
        button.click()


def key_submit(page: Page, target: Locator, key: str = "Enter") -> None:
    """Keyboard only: Tab to a button (or a field of a form) and press Enter; wait for the next page."""
    tab_to(page, target)
    with page.expect_navigation():
        page.keyboard.press(key)


def make_admin(page: Page, served: Served, name: str, username: str, locale: str, shot: str | None) -> None:
    """The first-run link's form: the admin account, signed in on the admin page."""
    page.goto(served.first_run_url)
    if shot:
        check_page(page, shot)
    page.fill("#f-display_name", name)
    page.fill("#f-username", username)
    page.fill("#f-password", PASSWORD)
    page.select_option("#f-locale", locale)
    submit(page, page.locator("main form button[type=submit]"))
    assert page.url.endswith("/app/admin"), page.url


def admin_creates_school(
    page: Page,
    school_name: str,
    slug: str,
    librarian: str,
    librarian_name: str,
    locale: str,
    shot: str | None = None,
) -> None:
    """On the admin page: a new school, then its librarian's account (in ``locale``)."""
    page.fill("#s-name", school_name)
    page.fill("#s-slug", slug)
    submit(page, page.locator("form[action='/app/admin/schools'] button[type=submit]"))
    assert page.locator("p.notice[role=status]").is_visible(), page.content()[:2000]
    admin_creates_librarian(page, slug, librarian, librarian_name, locale, shot)


def admin_creates_librarian(
    page: Page, slug: str, librarian: str, librarian_name: str, locale: str, shot: str | None = None
) -> None:
    """On the admin page: a librarian's account for the school ``slug``."""
    page.fill("#f-display_name", librarian_name)
    page.fill("#f-username", librarian)
    page.fill("#f-password", PASSWORD)
    page.select_option("#f-school", slug)
    page.select_option("#f-locale", locale)
    submit(page, page.locator("form[action='/app/admin/librarians'] button[type=submit]"))
    row = page.locator("table tbody tr", has_text=slug)
    assert librarian in row.inner_text(), row.inner_text()
    if shot:
        check_page(page, shot)


def sign_in(page: Page, served: Served, username: str, password: str = PASSWORD) -> None:
    page.goto(served.url("/app/sign-in"))
    page.fill("#username", username)
    page.fill("#password", password)
    submit(page, page.locator("main form[action='/app/sign-in'] button[type=submit]"))
    assert "/app/sign-in" not in page.url, f"sign-in failed: {page.url}"


def to_result(page: Page, result: re.Pattern[str]) -> int:
    """From a run's progress page to its result page, whose URL matches ``result`` (its group 1 is
    the rota version): the page's script goes there when the run ends; a run that had already ended
    when the page was drawn has no script, but a link to its rota."""
    ended = page.locator("#job-end a[href*='/rotas/']")
    if ended.count():
        submit(page, ended)
    page.wait_for_url(result, timeout=40_000)
    found = result.search(page.url)
    assert found is not None, page.url
    return int(found.group(1))


def next_monday(after_days: int) -> dt.date:
    """The first Monday at least ``after_days`` from today: a term in the future, so that a rerun's
    freeze date (two school days from today) is before it and every session may still move."""
    day = dt.date.today() + dt.timedelta(days=after_days)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def wait_until(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds} s")
        time.sleep(0.2)


def future_school(name: str, locale: str, **overrides: Any) -> dict[str, Any]:
    """The factories' tiny school (two grade-1 classes reading once a week at lunch), named and in
    ``locale``, over two weeks starting on a Monday two weeks ahead (so a rerun may change it)."""
    start = next_monday(14)
    data = school_dict(**overrides)
    data["school"] = {**data["school"], "name": name, "locale": locale}
    data["term"] = {
        **data["term"],
        "start": start.isoformat(),
        "end": (start + dt.timedelta(days=11)).isoformat(),
    }
    return data


def upload(served: Served, slug: str, data: dict[str, Any]) -> None:
    """A scenario version through the JSON API (it creates the school)."""
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    with served.api() as api:
        answer = api.put(
            f"/schools/{slug}/scenario", content=text, headers={"Content-Type": "application/yaml"}
        )
    assert answer.status_code in (200, 201), answer.text


def school_with_librarian(
    pages: Pages, served: Served, slug: str, data: dict[str, Any], librarian: str, locale: str
) -> Page:
    """A school of ``data`` (through the API) and its librarian's account (made by the admin on the
    admin page, after the first-run link): a page signed in as the librarian."""
    upload(served, slug, data)
    admin = pages.new(locale)
    make_admin(admin, served, "Admin", "admin", locale, shot=None)
    admin_creates_librarian(admin, slug, librarian, librarian.title(), locale)
    page = pages.new(locale)
    sign_in(page, served, librarian)
    return page
