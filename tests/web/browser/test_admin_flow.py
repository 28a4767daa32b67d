"""The admin's flow in a real browser: the first-run link ``rota serve`` prints makes the admin
account (keyboard only), the admin creates a school and its librarian, and the librarian signs in;
in zh-CN, then the same pages in English."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.web.browser.conftest import (
    PASSWORD,
    Pages,
    Served,
    admin_creates_school,
    assert_keyboard_reachable,
    check_page,
    key_select,
    key_submit,
    key_type,
    submit,
)


def sign_out(page: Page) -> None:
    submit(page, page.locator("form[action='/app/sign-out'] button"))
    assert page.url.endswith("/app/sign-in"), page.url


def test_admin_makes_her_account_then_a_school_and_its_librarian(served: Served, pages: Pages) -> None:
    page = pages.new("zh-CN")
    page.goto(served.first_run_url)
    assert page.locator("h1").inner_text() == "创建管理员账号"
    check_page(page, "first-run-zh-CN")
    assert_keyboard_reachable(page, "first-run")

    # Keyboard only: Tab to each field, type, Enter on the button.
    key_type(page, page.locator("#f-display_name"), "王主任")
    key_type(page, page.locator("#f-username"), "admin")
    key_type(page, page.locator("#f-password"), PASSWORD)
    assert page.locator("#f-locale").input_value() == "zh-CN"  # the browser's language
    key_submit(page, page.get_by_role("button", name="创建管理员账号"))
    assert page.url.endswith("/app/admin"), page.url
    assert "当前用户:王主任" in page.locator("header").inner_text()
    assert page.locator("table caption").inner_text() == "本服务的所有学校"
    check_page(page, "admin-zh-CN")
    assert_keyboard_reachable(page, "admin")

    # A school and its librarian, whose pages will be in Chinese.
    admin_creates_school(
        page, "阳光小学", "sunshine", "zhang", "张老师", "zh-CN", shot="admin-school-created-zh-CN"
    )
    assert "已为 sunshine 创建账号 zhang。" in page.locator("p.notice").inner_text()
    with served.api() as api:
        schools = api.get("/schools").json()
    assert "sunshine" in str(schools), schools

    # A mistake is shown next to its field, tied to it for screen readers.
    page.fill("#f-username", "li")
    page.fill("#f-password", "short")
    submit(page, page.locator("form[action='/app/admin/librarians'] button[type=submit]"))
    password = page.locator("#f-password")
    assert password.get_attribute("aria-invalid") == "true"
    assert password.get_attribute("aria-describedby") == "e-password"
    assert "10" in page.locator("#e-password").inner_text()
    check_page(page, "admin-field-error-zh-CN")

    # The link works once.
    sign_out(page)
    page.goto(served.first_run_url)
    assert "此链接已使用或已过期" in page.locator("main").inner_text()
    check_page(page, "first-run link used", screenshot=False)

    # The librarian signs in and lands on her school, in Chinese.
    page.goto(served.url("/app/sign-in"))
    check_page(page, "sign-in-zh-CN")
    page.fill("#username", "zhang")
    page.fill("#password", "wrong password!")
    submit(page, page.get_by_role("button", name="登录"))
    assert page.locator("#sign-in-error").inner_text() == "用户名或密码不正确。"
    assert page.locator("#username").get_attribute("aria-describedby") == "sign-in-error"
    page.fill("#password", PASSWORD)
    submit(page, page.get_by_role("button", name="登录"))
    assert page.url.endswith("/app/s/sunshine/"), page.url
    assert page.locator("h1").inner_text() == "阳光小学"
    check_page(page, "school-home-empty-zh-CN")

    # She may not open the admin's page.
    page.goto(served.url("/app/admin"))
    assert "您的账号无权打开此页面" in page.locator("main").inner_text()
    check_page(page, "forbidden", screenshot=False)


def test_the_same_pages_in_english(served: Served, pages: Pages) -> None:
    page = pages.new("en")
    page.goto(served.url("/app/sign-in"))
    assert page.locator("h1").inner_text() == "Sign in"
    check_page(page, "sign-in-en")
    assert_keyboard_reachable(page, "sign-in")

    # Keyboard only: the admin signs in.
    key_type(page, page.locator("#username"), "admin")
    key_type(page, page.locator("#password"), PASSWORD)
    key_submit(page, page.locator("#password"))  # Enter in a field sends its form
    assert page.url.endswith("/app/admin"), page.url
    assert page.locator("h1").inner_text() == "学校"  # her account's language wins over the browser's

    # The language switch in the header, by keyboard: English from now on.
    key_select(page, page.locator("#lang-pick"), "English")
    key_submit(page, page.locator("form[action='/app/language'] button"))
    assert page.locator("h1").inner_text() == "Schools"
    assert page.locator("html").get_attribute("lang") == "en"
    admin_creates_school(page, "Riverside Primary", "riverside", "lee", "Ms Lee", "en")
    assert "Account lee created for riverside." in page.locator("p.notice").inner_text()
    check_page(page, "admin-en")
