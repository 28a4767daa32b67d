"""Pins from the weekly table ("keep this session here"): the button stores a new scenario version
with the pin; solving again keeps the session in the pinned cell, and the independent verifier
holds a rota to it; unpinning takes the pin out; a pin for a cell the school does not have is
refused with the validator's words, saving nothing."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.web.scenario_edit import save_working
from rota_solver import Rota, parse_scenario, verify
from tests.web.helpers import AUTH, csrf_of, librarian_of, upload_scenario
from tests.web.test_rota_views import (
    SCHOOL,
    VIEWS,
    expected_anchor,
    scenario_text,
    section,
    solve_school,
    views_school,
)

WEEK = f"{VIEWS}/1/week"
PINS = f"{VIEWS}/1/pins"


def form_of(page: str, anchor: str) -> dict[str, str]:
    """The hidden fields of the pin form of the session ``anchor``, as the browser sends them."""
    entry = section(page, f'id="{anchor}"', "</form>")
    return {
        name: html.unescape(value) for name, value in re.findall(r'name="([^"]+)" value="([^"]*)"', entry)
    }


def latest_version(client: TestClient) -> int:
    got = client.get(f"/schools/{SCHOOL}/scenario", headers=AUTH)
    return int(got.headers["X-Scenario-Version"])


def pins_now(client: TestClient) -> list[Any]:
    return list(parse_scenario(scenario_text(client)).pins)


def anchor_of(p: Any) -> str:
    return expected_anchor(p.cycle_week, p.weekday, p.start, p.class_id, p.rule_id)


@pytest.fixture
def solved(tmp_path: Path) -> Iterator[tuple[TestClient, Rota]]:
    with librarian_of(tmp_path) as client:
        upload_scenario(client, SCHOOL, views_school())
        number, rota = solve_school(client)
        assert number == 1
        yield client, rota


def test_keep_here_stores_a_new_scenario_version_with_the_pin(solved: tuple[TestClient, Rota]) -> None:
    client, rota = solved
    before = latest_version(client)
    p = next(p for p in rota.pattern if p.week_label == "B" and p.rule_id == "borrowing")
    page = client.get(WEEK).text
    sent = form_of(page, anchor_of(p))
    assert sent["action"] == "pin" and sent["week"] == "B" and sent["csrf"] == csrf_of(page)
    pinned = client.post(PINS, data=sent)
    assert pinned.status_code == 303
    assert pinned.headers["location"] == f"{WEEK}?done=pinned#{anchor_of(p)}"
    assert latest_version(client) == before + 1
    assert pins_now(client) == [p.as_pin()]
    assert {"class_id": p.class_id, "rule": p.rule_id, "day": p.weekday, "week": "B"}.items() <= (
        pins_now(client)[0].model_dump().items()
    )

    shown = client.get(pinned.headers["location"]).text
    assert "Pinned: solve again to apply" in shown and f'href="/app/s/{SCHOOL}/solve"' in shown
    entry = section(shown, f'id="{anchor_of(p)}"', "</div>")
    assert "📌 Pinned" in entry and 'value="unpin"' in entry and ">Unpin<" in entry
    # the rota shown has not changed: the same sessions in the same cells
    assert sorted(re.findall(r'<div class="entry[^"]*" id="([^"]+)"', shown)) == sorted(
        anchor_of(q) for q in rota.pattern
    )
    others = [q for q in rota.pattern if q != p]
    assert all("📌" not in section(shown, f'id="{anchor_of(q)}"', "</div>") for q in others)

    again = client.post(PINS, data=sent)
    assert again.status_code == 303 and "done=already" in again.headers["location"]
    assert latest_version(client) == before + 1


def test_solving_again_keeps_the_session_in_the_pinned_cell_and_the_verifier_holds_rotas_to_it(
    solved: tuple[TestClient, Rota],
) -> None:
    client, rota = solved
    p = next(p for p in rota.pattern if p.week_label == "A" and p.rule_id == "reading")
    taken = {(q.weekday, q.start) for q in rota.pattern if q.cycle_week == p.cycle_week}
    # a lunch slot of the same week no session holds: where the solver did not put it
    free = next(
        (day, start)
        for day in ("mon", "tue", "wed", "thu", "fri")
        for start in (dt.time(11, 30), dt.time(11, 50), dt.time(12, 10))
        if (day, start) not in taken and day != p.weekday
    )
    page = client.get(WEEK).text
    sent = form_of(page, anchor_of(p)) | {"day": free[0], "start": f"{free[1]:%H:%M}"}  # as a drag sends it
    moved = client.post(PINS, data=sent)
    assert moved.status_code == 303 and "done=pinned" in moved.headers["location"]
    scenario = parse_scenario(scenario_text(client))
    assert [(x.class_id, x.rule, x.day, x.start, x.week) for x in scenario.pins] == [
        (p.class_id, "reading", free[0], free[1], "A")
    ]

    # the verifier holds the rota solved before the pin to it: that session is elsewhere
    broken = verify(scenario, rota)
    assert [v.rule for v in broken] == ["PinnedSessionKept"]

    number, again = solve_school(client)  # verified against the pinned scenario in solve_school
    assert number == 2
    assert verify(scenario, again) == []
    kept = [
        q
        for q in again.pattern
        if (q.class_id, q.rule_id, q.weekday, q.start, q.week_label) == (p.class_id, "reading", *free, "A")
    ]
    assert len(kept) == 1
    page_two = client.get(f"{VIEWS}/2/week").text
    assert "📌 Pinned" in section(page_two, f'id="{anchor_of(kept[0])}"', "</div>")


def test_unpin_takes_the_pin_out(solved: tuple[TestClient, Rota]) -> None:
    client, rota = solved
    p = rota.pattern[0]
    sent = form_of(client.get(WEEK).text, anchor_of(p))
    assert client.post(PINS, data=sent).status_code == 303
    pinned_version = latest_version(client)
    assert len(pins_now(client)) == 1

    unpin = form_of(client.get(WEEK).text, anchor_of(p))
    assert unpin["action"] == "unpin"
    gone = client.post(PINS, data=unpin)
    assert gone.status_code == 303 and "done=unpinned" in gone.headers["location"]
    assert latest_version(client) == pinned_version + 1
    assert pins_now(client) == []
    shown = client.get(gone.headers["location"]).text
    assert "Unpinned" in shown
    entry = section(shown, f'id="{anchor_of(p)}"', "</div>")
    assert "📌" not in entry and ">Keep here<" in entry

    twice = client.post(PINS, data=unpin)
    assert "done=not_pinned" in twice.headers["location"]
    assert latest_version(client) == pinned_version + 1


@pytest.fixture(scope="module")
def refusing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Rota]]:
    with librarian_of(tmp_path_factory.mktemp("pins")) as client:
        upload_scenario(client, SCHOOL, views_school())
        _, rota = solve_school(client)
        yield client, rota


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"start": "11:35"}, "start time: 11:35 is not the start of a slot of rule 'reading' on"),
        ({"start": "noon"}, "start time: Input should be in a valid time format"),
        ({"day": "sun"}, "weekday: rule 'reading' has no slot on sun"),
        ({"day": "someday"}, "weekday: Input should be 'mon', 'tue'"),
        ({"class_id": "9-9"}, "class: unknown class '9-9'"),
        ({"class_id": ""}, "class: String should have at least 1 character"),
        ({"rule": "borrowing"}, "rule 'borrowing' does not apply to class"),
        ({"rule": "stocktake"}, "unknown rule 'stocktake'"),
        ({"week": "C"}, "week C is not in the rota's 2-week cycle"),
        ({"week": ""}, "give the week of the rota's 2-week cycle"),
    ],
)
def test_a_pin_for_a_cell_the_school_does_not_have_is_refused_and_nothing_is_saved(
    refusing: tuple[TestClient, Rota], change: dict[str, str], words: str
) -> None:
    client, rota = refusing
    before = latest_version(client)
    p = next(p for p in rota.pattern if p.rule_id == "reading" and p.class_id.startswith("1-"))
    sent = form_of(client.get(WEEK).text, anchor_of(p)) | change
    refused = client.post(PINS, data=sent)
    assert refused.status_code == 422
    alert = html.unescape(section(refused.text, '<p class="pin-error"', "</p>"))
    assert 'role="alert"' in alert and 'id="pin-error"' in alert
    assert "This session cannot be kept there" in alert and words in alert and "Nothing was saved" in alert
    assert latest_version(client) == before
    assert pins_now(client) == []
    assert "Unsaved draft" not in client.get(f"/app/s/{SCHOOL}/").text  # no draft was left either
    assert "📌" not in client.get(WEEK).text


def test_a_pin_without_the_forms_token_is_refused(refusing: tuple[TestClient, Rota]) -> None:
    client, rota = refusing
    sent = form_of(client.get(WEEK).text, anchor_of(rota.pattern[0]))
    del sent["csrf"]
    assert client.post(PINS, data=sent).status_code == 403
    assert pins_now(client) == []


def test_a_pin_goes_into_the_draft_while_the_set_up_pages_hold_one(solved: tuple[TestClient, Rota]) -> None:
    client, rota = solved
    before = latest_version(client)
    broken = views_school()
    broken["rules"][0]["room"] = "nowhere"
    state = client.app.state.service  # type: ignore[attr-defined]
    with state.session_factory() as session:
        assert not save_working(session, SCHOOL, broken, "lib").ok
        session.commit()
    p = rota.pattern[0]
    done = client.post(PINS, data=form_of(client.get(WEEK).text, anchor_of(p)))
    assert done.status_code == 303 and "done=pinned_draft" in done.headers["location"]
    assert latest_version(client) == before  # a draft is not a version
    shown = client.get(done.headers["location"]).text
    assert "Pinned in the draft" in shown and "📌 Pinned" in section(shown, f'id="{anchor_of(p)}"', "</div>")
    assert "unsaved draft of the set-up pages" in shown
