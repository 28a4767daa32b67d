"""The browser suite's own checks catch what they are for: axe-core finds a missing label and too
little contrast, and the keyboard walk finds a control out of the tab order and one without a
visible focus. (A check that passes everything would make every flow's green meaningless.)"""

from __future__ import annotations

import pytest

from tests.web.browser.conftest import Pages, assert_keyboard_reachable, axe_violations

GOOD = """<!doctype html><html lang="en"><head><title>Good</title>
<style>:focus-visible { outline: 3px solid #f5a300; }</style></head>
<body><main><h1>Good</h1><form><label for="a">Name</label><input id="a">
<button type="submit">Send</button></form><a href="#top">Top</a></main></body></html>"""


def test_axe_finds_a_field_without_label_and_grey_on_grey(pages: Pages) -> None:
    page = pages.new("en")
    page.set_content(
        """<!doctype html><html lang="en"><head><title>Bad</title></head><body><main>
        <h1>Bad</h1><input id="nameless"><p style="color:#bbb;background:#ccc">faint words</p>
        </main></body></html>"""
    )
    found = {v["id"]: v for v in axe_violations(page)}
    assert {"label", "color-contrast"} <= set(found), found
    assert found["label"]["impact"] == "critical" and found["label"]["targets"] == ["#nameless"]
    assert found["color-contrast"]["impact"] == "serious"

    page.set_content(GOOD)
    assert [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")] == []


def test_the_keyboard_walk_finds_a_control_it_cannot_reach_or_see_focused(pages: Pages) -> None:
    page = pages.new("en")
    page.set_content(GOOD)
    assert_keyboard_reachable(page, "good")

    page.set_content(GOOD.replace('<button type="submit">', '<button type="submit" tabindex="-1">'))
    with pytest.raises(AssertionError, match="out of the tab order"):
        assert_keyboard_reachable(page, "button out of the tab order")

    page.set_content(GOOD.replace("<a href", '<a style="outline:none" href'))
    with pytest.raises(AssertionError, match="no visible focus"):
        assert_keyboard_reachable(page, "a link without focus outline")
