"""The rota views of the web app: the list of versions, the A/B weekly table (with its pin buttons),
one class's term, one staff member's or helper team's duties and the month overview, each checked
against the rota's own data; 404 pages for what the rota does not hold, 403 for another school's
librarian. One solve of a small A/B school serves the module."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from rota_solver import Rota, parse_scenario, verify
from tests.factories import rule, school_dict
from tests.web.helpers import (
    AUTH,
    add_account,
    librarian_of,
    post_form,
    sign_in,
    upload_scenario,
    wait_for_job,
    web_client,
)

SCHOOL = "tiny"
VIEWS = f"/app/s/{SCHOOL}/rotas"


def views_school(**overrides: Any) -> dict[str, Any]:
    """Four classes over four weeks: grade 1 reads every week, grade 3 borrows every other week
    (an A/B cycle) with a librarian and a helper team; a make-up Sunday; in the second week the
    school is closed Monday to Thursday and the librarian away on Friday, so that week's sessions
    are lost; an orientation for each grade-1 class in the first week."""
    data = school_dict(
        term={
            "start": "2026-09-21",
            "end": "2026-10-16",
            "closures": [
                {"name": "Sports days", "start": "2026-09-28", "end": "2026-09-30"},
                {"name": "National Day", "start": "2026-10-01"},
            ],
            "makeup_days": [{"date": "2026-09-27", "follows": "thu", "name": "Make-up Sunday"}],
        },
        classes=[
            {"id": "1-1", "name": "Class 1-1", "grade": 1, "size": 30},
            {"id": "1-2", "name": "Class 1-2", "grade": 1, "size": 30},
            {"id": "3-1", "name": "Class 3-1", "grade": 3, "size": 30},
            {"id": "3-2", "name": "Class 3-2", "grade": 3, "size": 30},
        ],
        helper_groups=[
            {"id": "helpers_31", "name": "Helpers of 3-1", "class_id": "3-1", "windows": ["lunch"]},
            {"id": "helpers_32", "name": "Helpers of 3-2", "class_id": "3-2", "windows": ["lunch"]},
        ],
        staff=[{"id": "lib", "name": "Ms Lee", "role": "librarian", "days_off": ["2026-10-02"]}],
        rules=[
            rule(),
            rule(
                id="borrowing",
                kind="borrowing",
                grades=[3],
                frequency={"every_weeks": 2},
                staffing={"librarian": 1, "helper": 1},
            ),
        ],
        activities=[
            {
                "id": "orientation",
                "name": "Library orientation",
                "kind": "orientation",
                "participants": {"grades": [1], "each_class": True},
                "when": {"weeks": [1]},
                "duration_minutes": 40,
                "windows": ["afternoon"],
                "room": "library",
                "staffing": {"librarian": 1},
            }
        ],
    )
    data.update(overrides)
    return data


def solve_school(client: TestClient, school: str = SCHOOL) -> tuple[int, Rota]:
    """Solve the school's latest scenario through the JSON API; the new rota version, verified here
    too against the scenario it was solved for."""
    started = client.post(f"/schools/{school}/solves", headers=AUTH)
    assert started.status_code == 202, started.text
    job = wait_for_job(client, started.json()["id"])
    assert job["status"] == "succeeded", job
    number = int(job["rota_version"])
    rota = rota_of(client, number, school)
    scenario = parse_scenario(scenario_text(client, job["scenario_version"], school))
    assert verify(scenario, rota) == []
    return number, rota


def rota_of(client: TestClient, number: int, school: str = SCHOOL) -> Rota:
    got = client.get(f"/schools/{school}/rotas/{number}", headers=AUTH)
    assert got.status_code == 200, got.text
    return Rota.model_validate_json(got.text)


def scenario_text(client: TestClient, version: int | None = None, school: str = SCHOOL) -> str:
    query = f"?version={version}" if version is not None else ""
    got = client.get(f"/schools/{school}/scenario{query}", headers=AUTH)
    assert got.status_code == 200, got.text
    return str(got.text)


def section(page: str, start: str, end: str) -> str:
    """The part of ``page`` from ``start`` to the next ``end`` after it."""
    at = page.index(start)
    return page[at : page.index(end, at)]


def entry_ids(page: str) -> list[str]:
    return re.findall(r'<div class="entry[^"]*" id="([^"]+)"', page)


def expected_anchor(cycle_week: int, day: str, start: dt.time, class_id: str, rule_id: str) -> str:
    return f"s-{cycle_week}-{day}-{start:%H%M}-{class_id}-{rule_id}"


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Rota]]:
    with librarian_of(tmp_path_factory.mktemp("views")) as client:
        upload_scenario(client, SCHOOL, views_school())
        number, rota = solve_school(client)
        assert number == 1 and rota.cycle_weeks == 2
        yield client, rota


def test_the_list_shows_every_version_with_its_views(solved: tuple[TestClient, Rota]) -> None:
    client, _ = solved
    page = client.get(f"{VIEWS}/")
    assert page.status_code == 200
    row = section(page.text, 'id="rota-1"', "</tr>")
    assert f'href="{VIEWS}/1"' in row and f'href="{VIEWS}/1/week"' in row and f'href="{VIEWS}/1/month"' in row
    assert "not published" in row
    assert "<caption>" in page.text and 'scope="col"' in page.text


def test_the_week_page_holds_every_table_session_in_its_week_day_and_time(
    solved: tuple[TestClient, Rota],
) -> None:
    client, rota = solved
    page = client.get(f"{VIEWS}/1/week")
    assert page.status_code == 200
    assert float(page.headers["server-timing"].split("dur=")[1]) > 0
    text = page.text
    for cycle_week, label in ((0, "A"), (1, "B")):
        grid = section(text, f'data-cycle-week="{cycle_week}" data-week="{label}"', "</table>")
        want = sorted(
            expected_anchor(p.cycle_week, p.weekday, p.start, p.class_id, p.rule_id)
            for p in rota.pattern
            if p.cycle_week == cycle_week
        )
        assert sorted(entry_ids(grid)) == want
        assert f"Week {label}" in text
    for p in rota.pattern:
        entry = section(
            text, f'id="{expected_anchor(p.cycle_week, p.weekday, p.start, p.class_id, p.rule_id)}"', "</div>"
        )
        # its cell's column and row: the <td> it sits in names the day and the start
        before = text[: text.index(entry)]
        assert before.rindex(f'<td data-day="{p.weekday}" data-start="{p.start:%H:%M}">') > before.rindex(
            "<tr>"
        )
        assert (
            f"Class {p.class_id}" in entry and ("Reading" if p.rule_id == "reading" else "Borrowing") in entry
        )
        assert "Ms Lee" in entry
        for helper in p.staff_ids:
            if helper.startswith("helpers"):
                assert html.escape(f"Helpers of 3-{helper[-1]}") in entry
        assert 'name="action" value="pin"' in entry and ">Keep here<" in entry
        assert f'name="week" value="{p.week_label}"' in entry
    # every lunch slot has its row (a place to drag a session to); one no session takes is left
    # out of print, as the printable page leaves it out
    used = {f"{p.start:%H:%M}" for p in rota.pattern}
    grid = section(text, 'data-cycle-week="0"', "</table>")
    for start in ("11:30", "11:50", "12:10"):
        row = grid[grid.rindex("<tr", 0, grid.index(f'data-start="{start}"')) :]
        assert row.startswith("<tr>" if start in used else '<tr class="free-row no-print">'), start
    # laid out as the printable page: its own print style, A4 landscape, one page per week
    css = client.get("/app/static/views.css").text
    assert "size: A4 landscape" in css and "break-after: page" in css
    assert '<link rel="stylesheet" href="/app/static/views.css">' in text
    # the index of classes, staff and months
    index = section(text, 'id="index"', "</section>")
    for class_id in ("1-1", "1-2", "3-1", "3-2"):
        assert f'href="{VIEWS}/1/class/{class_id}"' in index
    for staff_id in ("lib", "helpers_31", "helpers_32"):
        assert f'href="{VIEWS}/1/staff/{staff_id}"' in index
    assert f'href="{VIEWS}/1/month/2026-09"' in index and f'href="{VIEWS}/1/month/2026-10"' in index


def test_a_class_page_lists_its_term_sessions_lost_sessions_and_activities(
    solved: tuple[TestClient, Rota],
) -> None:
    client, rota = solved
    for class_id in ("1-1", "1-2", "3-1", "3-2"):
        page = client.get(f"{VIEWS}/1/class/{class_id}")
        assert page.status_code == 200, class_id
        text = page.text
        sessions = sorted(s.date.isoformat() for s in rota.sessions if s.class_id == class_id)
        assert sessions, class_id
        table = section(text, 'id="class-sessions"', "</table>")
        assert sorted(re.findall(r'data-date="([\d-]+)"', table)) == sessions
        cells = [p for p in rota.pattern if p.class_id == class_id]
        assert sorted(entry_ids(text)) == sorted(
            expected_anchor(p.cycle_week, p.weekday, p.start, p.class_id, p.rule_id) for p in cells
        )
        lost = [x for x in rota.lost if x.class_id == class_id]
        if lost:
            table = section(text, 'id="class-lost"', "</table>")
            assert sorted(re.findall(r'data-date="([\d-]+)"', table)) == sorted(
                x.date.isoformat() for x in lost
            )
            for x in lost:
                assert html.escape(x.reason) in table
        else:
            assert "No session is lost." in text
        takes_part = [a for a in rota.activities if class_id in a.class_ids]
        if takes_part:
            assert "Library orientation" in section(text, 'id="class-activities"', "</table>")
        else:
            assert "Library orientation" not in text
    # the second week (B) holds no session: each of its table sessions is lost
    assert len(rota.lost) == sum(1 for p in rota.pattern if p.week_label == "B")
    assert {x.reason for x in rota.lost if x.date < dt.date(2026, 10, 1)} <= {"Sports days"}
    assert {a.class_ids[0] for a in rota.activities if a.activity_id == "orientation"} == {"1-1", "1-2"}


def test_a_staff_page_lists_the_duties_of_a_librarian_and_of_a_helper_team(
    solved: tuple[TestClient, Rota],
) -> None:
    client, rota = solved
    for staff_id, name in (
        ("lib", "Ms Lee"),
        ("helpers_31", "Helpers of 3-1"),
        ("helpers_32", "Helpers of 3-2"),
    ):
        page = client.get(f"{VIEWS}/1/staff/{staff_id}")
        assert page.status_code == 200
        assert f"<h1>{html.escape(name)}: duties this term</h1>" in page.text
        mine = sorted(s.date.isoformat() for s in rota.sessions if staff_id in s.staff_ids)
        if mine:
            table = section(page.text, 'id="staff-sessions"', "</table>")
            assert sorted(re.findall(r'data-date="([\d-]+)"', table)) == mine
        else:
            assert "No library sessions this term." in page.text
        on_duty = [a for a in rota.activities if staff_id in a.staff_ids]
        if on_duty:
            table = section(page.text, 'id="staff-activities"', "</table>")
            assert table.count("Library orientation") == len(on_duty)
    assert "Days off: 2 Oct (Fri)" in client.get(f"{VIEWS}/1/staff/lib").text
    helpers = client.get(f"{VIEWS}/1/staff/helpers_31").text
    assert "student helpers of Class 3-1" in helpers
    assert any("helpers_31" in s.staff_ids for s in rota.sessions)


def test_the_month_page_is_a_calendar_with_special_days_and_each_days_sessions(
    solved: tuple[TestClient, Rota],
) -> None:
    client, rota = solved
    september = client.get(f"{VIEWS}/1/month/2026-09")
    assert september.status_code == 200
    text = september.text
    counts = Counter(s.date for s in rota.sessions)
    for day in (dt.date(2026, 9, d) for d in range(21, 31)):
        cell = section(text, f'data-date="{day.isoformat()}"', "</td>")
        if counts[day]:
            assert f"Sessions: {counts[day]}" in cell, day
            for s in rota.sessions:
                if s.date == day:
                    assert f"Class {s.class_id}" in cell
        else:
            assert "Sessions" not in cell, day
    # a row per week of the term, headed by its teaching week, the closed week too
    assert '<th scope="row">Week 1 (A)</th>' in text and '<th scope="row">Week 2 (B)</th>' in text
    assert 'data-date="2026-09-20"' not in text
    makeup = section(text, 'data-date="2026-09-27"', "</td>")
    assert "mark-makeup" in makeup and "Thursday" in makeup
    sports = section(text, 'data-date="2026-09-29"', "</td>")
    assert "Sports days" in sports and "mark-closure" in sports
    assert "Library orientation" in section(text, 'data-date="2026-09-21"', "</td>")
    assert 'id="month-prev"' not in text and f'href="{VIEWS}/1/month/2026-10" id="month-next"' in text
    assert "<caption>" in text and 'scope="row"' in text
    october = client.get(f"{VIEWS}/1/month/2026-10").text
    assert "National Day" in section(october, 'data-date="2026-10-01"', "</td>")
    assert f'href="{VIEWS}/1/month/2026-09" id="month-prev"' in october and 'id="month-next"' not in october
    first = client.get(f"{VIEWS}/1/month")
    assert first.status_code == 303 and first.headers["location"] == f"{VIEWS}/1/month/2026-09"


@pytest.mark.parametrize(
    "path",
    [
        "/1/class/9-9",
        "/1/staff/nobody",
        "/1/month/2026-12",
        "/1/month/2026-13",
        "/1/month/september",
        "/2/week",
        "/2/class/1-1",
    ],
)
def test_what_the_rota_does_not_hold_is_a_404_page(solved: tuple[TestClient, Rota], path: str) -> None:
    client, _ = solved
    page = client.get(VIEWS + path, headers={"Accept-Language": "en"})  # error pages: the browser's
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "There is no such page." in page.text


def test_the_views_speak_chinese_to_a_chinese_librarian(solved: tuple[TestClient, Rota]) -> None:
    client, rota = solved
    week = f"{VIEWS}/1/week"
    assert post_form(client, week, "/app/language", {"locale": "zh-CN", "next": week}).status_code == 303
    try:
        text = client.get(week).text
        assert "固定在此" in text and "每周轮流表" in text and "A周" in text
        day = rota.pattern[0].weekday
        assert {"mon": "周一", "tue": "周二", "wed": "周三", "thu": "周四", "fri": "周五"}[day] in text
        month = client.get(f"{VIEWS}/1/month/2026-09").text
        assert "2026年9月" in month and "调休上课" in month
    finally:
        post_form(client, week, "/app/language", {"locale": "en", "next": week})
    assert "Keep here" in client.get(week).text


def test_another_schools_librarian_gets_403(tmp_path: Path) -> None:
    with web_client(tmp_path) as client:
        upload_scenario(client, SCHOOL)
        upload_scenario(client, "other")
        add_account(client, "lib2", "librarian", "other")
        assert sign_in(client, "lib2").status_code == 303
        for path in ("/", "/1/week", "/1/class/1-1", "/1/staff/lib", "/1/month/2026-09"):
            assert client.get(VIEWS + path).status_code == 403, path
        assert client.get("/app/s/other/rotas/").status_code == 200
        page = client.get("/app/s/other/rotas/").text
        token = re.search(r'name="csrf" value="([^"]*)"', page)
        assert token is not None
        refused = client.post(
            f"{VIEWS}/1/pins",
            data={
                "csrf": token.group(1),
                "class_id": "1-1",
                "rule": "reading",
                "day": "mon",
                "start": "11:30",
            },
        )
        assert refused.status_code == 403
        assert "pins" not in scenario_text(client)


def test_the_printed_grid_font_shrinks_until_the_week_fits_its_page() -> None:
    from api.web.pages.rotas import Entry, GridRow, _print_pt

    def entry(i: int) -> Entry:
        return Entry(
            anchor=f"s-{i}", class_id=f"{i}", class_name=f"三年级{i}班", rule_id="r", rule_name="借阅",
            kind_label="借阅", kind_index=0, room="学生阅览室", staff="王老师、五(1)班图书管理员",
            day="mon", day_name="周一", start="12:10", end="12:30", week="A", week_name="A周", pinned=False,
        )  # fmt: skip

    def rows(count: int, per_cell: int) -> list[GridRow]:
        cells = tuple(tuple(entry(i) for i in range(per_cell)) for _ in range(5))
        return [GridRow(names=("午间",), time="12:10–12:30", start="12:10", cells=cells)] * count

    roomy = _print_pt(rows(2, 1), 5)
    crowded = _print_pt(rows(6, 4), 5)
    assert roomy == 11.0 and 5.0 <= crowded < roomy
    assert _print_pt(rows(12, 8), 5) == 5.0  # the smallest: too much for one page at any size
