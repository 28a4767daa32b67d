"""The set-up pages: every section renders in both languages; a school built from nothing through
the forms solves; a bad value comes back next to its input in `rota validate`'s words, as typed;
a class's timetable grid and a person's hours grid keep what they cannot show; the YAML file goes
out and comes back the same; only the school's own librarian, with the form's token, may post."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml

from api import storage
from api.web.accounts import create_empty_school
from rota_solver import InvalidScenario, parse_scenario, scenario_digest
from tests.factories import school_dict
from tests.web.helpers import (
    AUTH,
    add_account,
    csrf_of,
    librarian_of,
    sign_in,
    upload_scenario,
    wait_for_job,
    web_client,
)

SECTIONS = [
    "school",
    "term",
    "periods",
    "windows",
    "rooms",
    "staff",
    "helpers",
    "classes",
    "rules",
    "teacher-groups",
    "activities",
    "stocktake",
    "weights",
    "pins",
]


def page_url(section: str = "", school: str = "tiny") -> str:
    return f"/app/s/{school}/setup/{section}"


@contextmanager
def empty_school(tmp_path: Path, slug: str = "sunny", locale: str = "en") -> Iterator[Any]:
    """A client signed in as the librarian of a school the admin has just created (no scenario)."""
    with web_client(tmp_path) as client:
        state = client.app.state.service  # type: ignore[attr-defined]
        with state.session_factory() as session:
            create_empty_school(session, slug, "Sunny Primary")
            session.commit()
        add_account(client, "lib", "librarian", slug, locale)
        assert sign_in(client, "lib").status_code == 303
        yield client


def latest(client: Any, school: str = "tiny") -> storage.ScenarioVersionInfo:
    state = client.app.state.service
    with state.session_factory() as session:
        return storage.latest_scenario(session, school)


def latest_data(client: Any, school: str = "tiny") -> dict[str, Any]:
    found: dict[str, Any] = yaml.safe_load(latest(client, school).text)
    return found


def scenario_of(client: Any, school: str = "tiny") -> Any:
    return parse_scenario(latest(client, school).text)


def problem_of(data: dict[str, Any]) -> tuple[str, str]:
    """The first problem `rota validate` finds in ``data``: (path, message)."""
    with pytest.raises(InvalidScenario) as caught:
        parse_scenario(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    problem = caught.value.problems[0]
    return problem.path, problem.message


def error_next_to(page: str, input_id: str) -> str:
    """The problem text tied to the input ``input_id`` by aria-describedby (asserting it is)."""
    tag = re.search(rf'<[^>]*id="{re.escape(input_id)}"[^>]*>', page)
    assert tag is not None, f"no element {input_id}"
    error_id = "e-" + input_id.removeprefix("f-")
    assert re.search(rf'aria-describedby="[^"]*\b{re.escape(error_id)}\b', tag.group(0)), tag.group(0)
    if tag.group(0).startswith("<fieldset"):  # a group of boxes: each box is marked
        group = page[tag.end() : page.index("</fieldset>", tag.end())]
        assert 'aria-invalid="true"' in group
    else:
        assert 'aria-invalid="true"' in tag.group(0), tag.group(0)
    block = re.search(rf'<div class="error" id="{re.escape(error_id)}"[^>]*>(.*?)</div>', page, re.S)
    assert block is not None
    return html.unescape(re.sub(r"<[^>]+>", " ", block.group(1)))


def value_of(page: str, input_id: str) -> str:
    tag = re.search(rf'<input[^>]*id="{re.escape(input_id)}"[^>]*>', page)
    assert tag is not None, f"no input {input_id}"
    found = re.search(r'value="([^"]*)"', tag.group(0))
    return html.unescape(found.group(1)) if found else ""


def form_of(page: str, form_id: str = "setup-form") -> dict[str, Any]:
    """What the browser would post for the form as shown: text values, ticked boxes, chosen options."""
    found = re.search(rf'<form[^>]*id="{form_id}".*?</form>', page, re.S)
    assert found is not None
    body = found.group(0)
    data: dict[str, Any] = {}

    def add(name: str, value: str) -> None:
        if name in data:
            data[name] = [*data[name], value] if isinstance(data[name], list) else [data[name], value]
        else:
            data[name] = value

    for tag in re.findall(r"<input[^>]*>", body):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag))
        name = attrs.get("name")
        kind = attrs.get("type", "text")
        if not name or kind in ("submit", "file"):
            continue
        if kind == "checkbox" and not re.search(r"\schecked\b", tag):
            continue
        add(name, html.unescape(attrs.get("value", "on" if kind == "checkbox" else "")))
    for name, text in re.findall(r'<textarea[^>]*name="([^"]*)"[^>]*>(.*?)</textarea>', body, re.S):
        add(name, html.unescape(text))
    for name, options in re.findall(r'<select[^>]*name="([^"]*)"[^>]*>(.*?)</select>', body, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', options) or re.search(
            r'<option value="([^"]*)"', options
        )
        add(name, html.unescape(chosen.group(1)) if chosen else "")
    return data


def post_page(client: Any, url: str, changes: dict[str, Any], drop: tuple[str, ...] = ()) -> Any:
    """Open ``url``, change some inputs (and untick ``drop``), post the form as a browser would."""
    page = client.get(url)
    assert page.status_code == 200, page.text[:300]
    data = form_of(page.text)
    for name in drop:
        data.pop(name, None)
    data.update(changes)
    return client.post(url, data=data)


# --- every page --------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_every_section_page_renders_for_the_tiny_school(tmp_path: Path, locale: str) -> None:
    with librarian_of(tmp_path, locale=locale) as client:
        data = school_dict(teacher_groups=[{"id": "chinese", "name": "语文组", "members": 5}])
        upload_scenario(client, "tiny", data)
        for section in ["", *SECTIONS, "classes/1-1", "staff/lib", "teacher-groups/chinese"]:
            page = client.get(page_url(section))
            assert page.status_code == 200, (section, page.text[:500])
            assert f'lang="{locale}"' in page.text and 'href="/app/static/setup.css"' in page.text
            assert "<h1>" in page.text
        if locale == "zh-CN":
            assert "作息时间" in client.get(page_url("periods")).text
            assert "学期第一天" in client.get(page_url("term")).text
        else:
            assert "First day of term" in client.get(page_url("term")).text
        assert client.get(page_url("nonsense")).status_code == 404
        assert client.get(page_url("classes/no-such-class")).status_code == 404


def test_every_input_has_a_label(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        for section in [*SECTIONS, "classes/1-1", "staff/lib"]:
            text = client.get(page_url(section)).text
            labelled = set(re.findall(r'<label for="([^"]+)"', text))
            for tag in re.findall(r"<(?:input|select|textarea)[^>]*>", text):
                if re.search(r'type="(hidden|submit)"', tag) or 'name="csrf"' in tag:
                    continue
                input_id = re.search(r'id="([^"]+)"', tag)
                if input_id is None:  # a box of a group: inside its own <label>
                    assert 'type="checkbox"' in tag or 'type="file"' in tag, (section, tag)
                    continue
                assert input_id.group(1) in labelled, (section, tag)


# --- building a school from nothing ------------------------------------------------------------


def test_a_school_built_from_empty_through_the_forms_solves(tmp_path: Path) -> None:
    with empty_school(tmp_path) as client:
        home = client.get(page_url(school="sunny"))
        assert home.status_code == 200 and "No scenario version yet" in home.text
        steps: list[tuple[str, dict[str, Any]]] = [
            (
                "school",
                {"school.name": "Sunny Primary", "school.timezone": "Asia/Shanghai", "school.locale": "en"},
            ),
            ("term", {"term.start": "2026-09-07", "term.end": "2026-09-25", "term.name": "Autumn"}),
            (
                "periods",
                {
                    "periods.n0.id": "p5",
                    "periods.n0.start": "14:00",
                    "periods.n0.end": "14:40",
                    "periods.n1.id": "p6",
                    "periods.n1.start": "14:50",
                    "periods.n1.end": "15:30",
                },
            ),
            ("windows", {"windows.n0.id": "lunch", "windows.n0.start": "11:30", "windows.n0.end": "12:30"}),
            ("rooms", {"rooms.n0.id": "library", "rooms.n0.name": "Library", "rooms.n0.seats": "60"}),
            ("staff", {"staff.n0.id": "lee", "staff.n0.name": "Ms Lee"}),
            (
                "classes",
                {
                    "classes.n0.id": "1-1",
                    "classes.n0.grade": "1",
                    "classes.n0.size": "30",
                    "classes.n1.id": "1-2",
                    "classes.n1.grade": "1",
                    "classes.n1.size": "28",
                },
            ),
        ]
        for section, changes in steps:
            saved = post_page(client, page_url(section, "sunny"), changes)
            assert saved.status_code == 200, (section, saved.text[:2000])
            assert "Saved as a draft" in saved.text, section
            assert "Still to do" in saved.text  # the rules are missing yet
        rules = post_page(
            client,
            page_url("rules", "sunny"),
            {
                "rules.n0.id": "reading",
                "rules.n0.kind": "reading",
                "rules.n0.grades": "1",
                "rules.n0.room": "library",
                "rules.n0.frequency.per_week": "1",
                "rules.n0.duration_minutes": "20",
                "rules.n0.windows": "lunch",
                "rules.n0.staffing.librarian": "1",
            },
        )
        assert rules.status_code == 200, rules.text[:3000]
        assert "Saved as scenario version 1." in rules.text
        assert "Draft:" not in rules.text
        downloaded = client.get("/app/s/sunny/scenario.yaml")
        assert downloaded.status_code == 200 and "attachment" in downloaded.headers["content-disposition"]
        scenario = parse_scenario(downloaded.text)
        assert [c.id for c in scenario.classes] == ["1-1", "1-2"] and scenario.rules[0].staffing == {
            "librarian": 1
        }
        started = client.post("/schools/sunny/solves", headers=AUTH)
        assert started.status_code == 202, started.text
        job = wait_for_job(client, started.json()["id"])
        assert job["status"] == "succeeded", job


# --- problems next to their inputs -------------------------------------------------------------


def test_a_bad_value_shows_its_validate_message_next_to_its_field_and_keeps_it(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        before = latest(client).number
        refused = post_page(client, page_url("rooms"), {"rooms.0.seats": "0", "rooms.0.name": "Big hall"})
        assert refused.status_code == 422
        bad = school_dict()
        bad["rooms"][0].update(seats=0, name="Big hall")
        path, message = problem_of(bad)
        assert path == "rooms[0].seats"
        assert message in error_next_to(refused.text, "f-rooms--0--seats")
        assert value_of(refused.text, "f-rooms--0--seats") == "0"
        assert value_of(refused.text, "f-rooms--0--name") == "Big hall"
        assert "Saved as a draft" in refused.text
        assert latest(client).number == before  # no new version
        # the draft keeps what was typed, on every page, until it is fixed
        again = client.get(page_url("rooms"))
        assert value_of(again.text, "f-rooms--0--seats") == "0" and "Draft:" in again.text
        assert client.get(page_url()).text.count("rooms[0].seats") >= 1
        fixed = post_page(client, page_url("rooms"), {"rooms.0.seats": "80"})
        assert fixed.status_code == 200 and f"Saved as scenario version {before + 1}." in fixed.text
        assert latest_data(client)["rooms"][0] == {"id": "library", "name": "Big hall", "seats": 80}


def test_a_cross_reference_problem_lands_on_its_input(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        # a rule naming a window that is gone: on the rules page, next to its windows
        refused = post_page(client, page_url("windows"), {"windows.0._remove": "on"})
        assert refused.status_code == 200  # the windows page itself is fine ...
        assert (
            "Still to do" in refused.text and "rules[0].windows[0]" in refused.text
        )  # ... the rules are not
        assert 'href="/app/s/tiny/setup/rules"' in refused.text
        rules = client.get(page_url("rules"))
        assert "unknown window 'lunch'" in error_next_to(rules.text, "f-rules--0--windows")
        # a period that ends before it starts: next to its end
        refused = post_page(client, page_url("periods"), {"periods.0.end": "13:00"})
        assert refused.status_code == 422
        bad = school_dict()
        bad["periods"][0]["end"] = "13:00"
        path, message = problem_of(bad)
        assert path == "periods[0].end"
        assert message in error_next_to(refused.text, "f-periods--0--end")


# --- the grids ---------------------------------------------------------------------------------


def test_the_class_timetable_grid_round_trips_and_keeps_what_it_cannot_show(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        data = school_dict()
        kept = [
            {"day": "tue", "start": "11:00", "end": "11:20", "what": "Choir"},
            {"day": "wed", "period": "p6", "weeks": ["A"]},
            {"day": "thu", "period": "p5", "what": "Reading", "library_may_take": True},
        ]
        data["classes"][0]["busy"] = [{"day": "mon", "period": "p5", "what": "PE"}, *kept]
        upload_scenario(client, "tiny", data)
        url = page_url("classes/1-1")
        page = client.get(url)
        assert re.search(
            r'<input type="checkbox" id="f-busy--0--mon" name="busy.0.mon" value="on" checked', page.text
        )
        assert value_of(page.text, "f-what--0--mon") == "PE"
        assert not re.search(
            r'name="busy.1.wed" value="on" checked', page.text
        )  # a week-A lesson is not a cell
        for lesson in ("start: 11:00; end: 11:20", "weeks: A", "library_may_take: true"):
            assert lesson in page.text
        saved = post_page(client, url, {"busy.1.tue": "on", "what.1.tue": "Music"}, drop=("busy.0.mon",))
        assert saved.status_code == 200 and "Saved as scenario version" in saved.text, saved.text[:2000]
        data["classes"][0]["busy"] = [*kept, {"day": "tue", "period": "p6", "what": "Music"}]
        assert scenario_of(client).classes[0].busy == parse_scenario(yaml.safe_dump(data)).classes[0].busy
        shown = client.get(url).text
        assert re.search(r'name="busy.1.tue" value="on" checked', shown)
        assert not re.search(r'name="busy.0.mon" value="on" checked', shown)
        unchanged = post_page(client, url, {})
        assert "Nothing changed" in unchanged.text


def test_a_lesson_problem_shows_in_its_cell_and_on_the_class_list(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        data = school_dict()
        data["classes"][0]["busy"] = [{"day": "mon", "period": "p5", "since": "2027-01-01"}]
        upload_scenario(client, "tiny", {**school_dict(), "classes": school_dict()["classes"]})
        saved = post_page(client, page_url("classes/1-1"), {"busy.0.mon": "on"})
        assert "Saved as scenario version" in saved.text
        # a dated lesson outside the term, given in a file: listed, its problem beside it
        with pytest.raises(InvalidScenario):
            parse_scenario(yaml.safe_dump(data))
        text = yaml.safe_dump(data)
        uploaded = client.post(
            page_url("upload"), data={"text": text, "csrf": csrf_of(client.get(page_url()).text)}
        )
        assert uploaded.status_code == 422 and "classes[0].busy[0].since" in uploaded.text
        page = client.get(page_url("classes/1-1")).text
        assert "is outside the term 2026-09-07..2026-09-18" in page
        assert 'href="/app/s/tiny/setup/classes/1-1"' in client.get(page_url("classes")).text


def test_staff_hours_grid_gives_availability_and_keeps_odd_hours_until_changed(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        url = page_url("staff/lib")
        page = client.get(url)
        assert "all day, every school day" in page.text
        assert (
            len(re.findall(r'name="av\.\d+\.(?:mon|tue|wed|thu|fri)" value="on" checked', page.text))
            == 23 * 5
        )
        # on duty 11:00-13:00 Monday to Friday, and 14:00-15:00 on Wednesday only
        ticks = {f"av.{r}.{d}": "on" for r in (8, 9, 10, 11) for d in ("mon", "tue", "wed", "thu", "fri")}
        ticks |= {"av.14.wed": "on", "av.15.wed": "on", "staff.0.days_off": "2026-09-09\n2026-09-10"}
        data = {k: v for k, v in form_of(page.text).items() if not k.startswith("av.")} | ticks
        saved = client.post(url, data=data)
        assert saved.status_code == 200 and "Saved as scenario version" in saved.text, saved.text[:3000]
        member = latest_data(client)["staff"][0]
        assert member["availability"] == [
            {"start": "11:00", "end": "13:00"},
            {"days": ["wed"], "start": "14:00", "end": "15:00"},
        ]
        assert member["days_off"] == ["2026-09-09", "2026-09-10"]
        # hours the grid cannot draw stay as they are while the grid is left alone
        odd = school_dict()
        odd["staff"][0]["availability"] = [{"start": "11:15", "end": "12:45"}]
        upload_scenario(client, "tiny", odd)
        page = client.get(url)
        assert "start: 11:15; end: 12:45" in page.text
        kept = post_page(client, url, {"staff.0.days_off": "2026-09-11"})
        assert "Saved as scenario version" in kept.text
        assert latest_data(client)["staff"][0]["availability"] == [{"start": "11:15:00", "end": "12:45:00"}]
        # the whole grid ticked is all day again
        everything = {f"av.{r}.{d}": "on" for r in range(23) for d in ("mon", "tue", "wed", "thu", "fri")}
        post_page(client, url, everything)
        assert "availability" not in latest_data(client)["staff"][0]


def test_the_term_page_draws_the_term_month_by_month(tmp_path: Path) -> None:
    with librarian_of(tmp_path, locale="zh-CN") as client:
        saved = post_page(
            client,
            page_url("term"),
            {
                "term.start": "2026-09-01",
                "term.end": "2026-10-16",
                "term.holiday_country": "CN",
                "term.closures.n0.name": "运动会",
                "term.closures.n0.start": "2026-09-16",
            },
        )
        assert saved.status_code == 200 and "已保存为排班条件第" in saved.text, saved.text[:3000]
        page = client.get(page_url("term")).text
        assert "2026年9月" in page and "2026年10月" in page
        assert re.search(
            r'<td class="cal-holiday" title="National Day">.*?法定节假日', page
        )  # 1 October, named in the school's language
        assert re.search(
            r'<td class="cal-makeup"[^>]*><span class="num">20</span>', page
        )  # Sunday 20 September
        assert re.search(r'<td class="cal-closure" title="运动会"><span class="num">16</span>', page)
        assert re.search(r'<td class="cal-school"><span class="num">2</span>', page)
        for words in ("上课日", "调休上课日", "停课日", "学期以外"):  # the legend, in words
            assert words in page
        # a term that does not validate yet is drawn from the dates typed, without public holidays
        typed = post_page(client, page_url("term"), {"term.weekdays": ["mon", "funday"]})
        assert typed.status_code == 422
        assert "按已填写的日期绘制" in typed.text and 'class="cal-holiday"' not in typed.text
        assert re.search(r'<td class="cal-school"><span class="num">7</span>', typed.text)  # a Monday
        assert re.search(r'<td class="cal-free"><span class="num">8</span>', typed.text)  # a Tuesday


def test_the_pins_page_adds_and_removes_a_pin(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        added = post_page(
            client,
            page_url("pins"),
            {
                "pins.n0.class_id": "1-1",
                "pins.n0.rule": "reading",
                "pins.n0.day": "tue",
                "pins.n0.start": "11:50",
            },
        )
        assert added.status_code == 200 and "Saved as scenario version" in added.text, added.text[:3000]
        assert scenario_of(client).pins[0].model_dump(mode="json") == {
            "class_id": "1-1",
            "rule": "reading",
            "day": "tue",
            "start": "11:50:00",
            "week": None,
        }
        wrong = post_page(
            client,
            page_url("pins"),
            {
                "pins.n0.class_id": "1-2",
                "pins.n0.rule": "reading",
                "pins.n0.day": "tue",
                "pins.n0.start": "11:40",
            },
        )
        assert wrong.status_code == 422
        row = re.search(r'<div class="error" id="re-pins--1"[^>]*>(.*?)</div>', wrong.text, re.S)
        assert row is not None  # a pin is shown as text: its problem is on its row
        assert (
            "pins[1].start: 11:40 is not the start of a slot of rule &#39;reading&#39; on tue" in row.group(1)
        )
        removed = post_page(client, page_url("pins"), {"_remove_one": "pins.1"})
        assert "Saved as scenario version" in removed.text
        removed = post_page(client, page_url("pins"), {"_remove_one": "pins.0"})
        assert scenario_of(client).pins == []


# --- the YAML file -----------------------------------------------------------------------------


def test_yaml_download_then_upload_gives_the_same_scenario(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        post_page(client, page_url("rooms"), {"rooms.0.classes_at_once": "2", "rooms.0.name": "图书室"})
        first = latest(client)
        downloaded = client.get("/app/s/tiny/scenario.yaml")
        assert downloaded.headers["content-type"].startswith("application/yaml")
        assert downloaded.text == first.text  # the version's own text
        csrf = csrf_of(client.get(page_url()).text)
        files = {"file": ("tiny.yaml", downloaded.content, "application/yaml")}
        uploaded = client.post(page_url("upload"), data={"csrf": csrf}, files=files)
        assert (
            uploaded.status_code == 200 and f"Saved as scenario version {first.number + 1}." in uploaded.text
        )
        again = latest(client)
        assert again.number == first.number + 1 and again.digest == first.digest
        assert scenario_digest(parse_scenario(again.text)) == scenario_digest(parse_scenario(first.text))
        # a draft comes out as YAML too, saying it is one
        post_page(client, page_url("rooms"), {"rooms.0.seats": "-5"})
        draft = client.get("/app/s/tiny/scenario.yaml")
        assert draft.text.startswith("# Draft") and "tiny-draft.yaml" in draft.headers["content-disposition"]
        assert yaml.safe_load(draft.text)["rooms"][0]["seats"] == -5
        pasted = client.post(page_url("upload"), data={"csrf": csrf, "text": first.text})
        assert pasted.status_code == 200 and "Draft:" not in pasted.text  # a valid file ends the draft
        assert latest(client).digest == first.digest


def test_an_invalid_upload_lists_its_problems_with_lines_and_saves_no_version(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        before = latest(client).number
        data = school_dict()
        data["rooms"][0]["seats"] = 0
        text = yaml.safe_dump(data, sort_keys=False)
        line = next(i for i, row in enumerate(text.splitlines(), 1) if "seats: 0" in row)
        with pytest.raises(InvalidScenario) as caught:
            parse_scenario(text)
        words = str(caught.value.problems[0])
        assert words.startswith(f"line {line}: rooms[0].seats: ")
        csrf = csrf_of(client.get(page_url()).text)
        files = {"file": ("mine.yaml", text.encode(), "application/yaml")}
        refused = client.post(page_url("upload"), data={"csrf": csrf}, files=files)
        assert refused.status_code == 422
        assert html.escape(words) in refused.text and "mine.yaml has these problems" in refused.text
        assert latest(client).number == before
        # kept as the draft, to fix through the pages
        rooms = client.get(page_url("rooms")).text
        assert value_of(rooms, "f-rooms--0--seats") == "0" and "Draft:" in rooms
        # not YAML at all: the line, and the pasted text is kept to fix
        broken = client.post(page_url("upload"), data={"csrf": csrf, "text": "school: [unclosed\nterm: x"})
        assert broken.status_code == 422 and "line 2: &lt;file&gt;: not valid YAML" in broken.text
        assert "school: [unclosed" in broken.text
        nothing = client.post(page_url("upload"), data={"csrf": csrf, "text": "  "})
        assert nothing.status_code == 422 and "choose a file or paste its text" in nothing.text
        binary = client.post(
            page_url("upload"), data={"csrf": csrf}, files={"file": ("x.yaml", b"\xff\xfe\x00", "x")}
        )
        assert binary.status_code == 422 and "not UTF-8 text" in binary.text


# --- who may post ------------------------------------------------------------------------------


def test_a_librarian_cannot_open_or_post_to_another_schools_setup(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        upload_scenario(client, "other")
        csrf = csrf_of(client.get(page_url("rooms")).text)
        assert client.get(page_url("rooms", "other")).status_code == 403
        assert client.get("/app/s/other/scenario.yaml").status_code == 403
        refused = client.post(page_url("rooms", "other"), data={"csrf": csrf, "rooms.0.seats": "1"})
        assert refused.status_code == 403
        refused = client.post(page_url("upload", "other"), data={"csrf": csrf, "text": "x: 1"})
        assert refused.status_code == 403
        assert client.post(page_url("classes/1-1", "other"), data={"csrf": csrf}).status_code == 403


def test_a_post_without_the_forms_token_is_refused(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        before = latest(client).number
        form = form_of(client.get(page_url("rooms")).text)
        form.pop("csrf")
        assert client.post(page_url("rooms"), data={**form, "rooms.0.seats": "5"}).status_code == 403
        assert client.post(page_url("rooms"), data={**form, "csrf": "guess"}).status_code == 403
        assert client.post(page_url("upload"), data={"text": "x: 1"}).status_code == 403
        assert client.post(page_url("staff/lib"), data={}).status_code == 403
        assert latest(client).number == before


def test_the_admin_may_set_up_any_school(tmp_path: Path) -> None:
    with web_client(tmp_path) as client:
        upload_scenario(client, "tiny")
        add_account(client, "admin", "admin")
        sign_in(client, "admin")
        saved = post_page(client, page_url("rooms"), {"rooms.0.seats": "70"})
        assert saved.status_code == 200 and "Saved as scenario version 2." in saved.text
        assert latest(client).submitted_by == "admin"
        assert client.get(page_url("rooms", "nowhere")).status_code == 404


# --- hostile input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "where", "words"),
    [
        ({"rooms.0.seats": "9" * 40}, "f-rooms--0--seats", "Input should be less than or equal to 10000"),
        (
            {"rooms.0.seats": "99999999999"},
            "f-rooms--0--seats",
            "Input should be less than or equal to 10000",
        ),
        ({"rooms.0.classes_at_once": "-3"}, "f-rooms--0--classes_at_once", "Input should be greater than 0"),
        ({"rooms.0.seats": "twelve"}, "f-rooms--0--seats", "unable to parse string as an integer"),
        ({"rooms.0.id": ""}, "f-rooms--0--id", "Field required"),
        ({"rooms.0.id": "a b"}, "f-rooms--0--id", "String should match pattern"),
        ({"rooms.0.name": "x" * 5000}, "f-rooms--0--name", "at most 2,000 characters"),
        ({"rooms.0.closed": "someday Repairs"}, "f-rooms--0--closed", "Input should be a valid date"),
    ],
)
def test_hostile_values_are_refused_in_words_never_with_a_crash(
    tmp_path: Path, changes: dict[str, str], where: str, words: str
) -> None:
    with librarian_of(tmp_path) as client:
        refused = post_page(client, page_url("rooms"), changes)
        assert refused.status_code == 422
        assert words in error_next_to(refused.text, where)


def test_hostile_forms_never_crash(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        before = latest(client).number
        weird_days = post_page(client, page_url("periods"), {"periods.0.days": ["mon", "caturday", "<b>"]})
        assert weird_days.status_code == 422 and "Input should be &#39;mon&#39;" in weird_days.text
        assert "<b>" not in weird_days.text.split("<main", 1)[1]  # escaped
        # rows the form never offered are ignored; the new-row inputs add at most what the page shows
        many = {f"periods.{i}.id": f"p{i}" for i in range(5, 300)} | {
            f"periods.{i}._row": "" for i in range(5, 300)
        }
        many |= {f"periods.n{i}.id": f"n{i}" for i in range(2, 100)} | {
            f"periods.n{i}._row": "" for i in range(2, 100)
        }
        ignored = post_page(client, page_url("periods"), {**many, "periods.n0.id": "p7"})
        assert ignored.status_code == 422  # the new period p7 has no times ...
        assert [
            p.get("id") for p in yaml.safe_load(client.get("/app/s/tiny/scenario.yaml").text)["periods"]
        ] == [
            "p5",
            "p6",
            "p7",
        ]  # ... and nothing else was added
        too_many = client.post(page_url("periods"), data={f"x{i}": "1" for i in range(1200)})
        assert too_many.status_code in (400, 403)  # refused before any page work
        for section in SECTIONS:
            empty = client.post(page_url(section), data={"csrf": csrf_of(client.get(page_url(section)).text)})
            assert empty.status_code in (200, 422), section
        changed = post_page(client, page_url("classes"), {"classes.0._row": "someone else"})
        assert changed.status_code == 422 and "the list changed since this page was opened" in changed.text
        assert client.get(page_url("rules")).status_code == 200
        for section in [*SECTIONS, "", "classes/1-1", "staff/lib"]:
            assert client.get(page_url(section)).status_code == 200, section
        assert latest(client).number == before


def test_renaming_an_id_renames_it_where_other_sections_name_it(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        data = school_dict()
        data["classes"][0]["busy"] = [{"day": "mon", "period": "p5"}]
        data["pins"] = [{"class_id": "1-1", "rule": "reading", "day": "tue", "start": "11:30"}]
        upload_scenario(client, "tiny", data)
        renamed = post_page(client, page_url("windows"), {"windows.0.id": "midday", "windows.1.id": "pm"})
        assert "Saved as scenario version" in renamed.text, renamed.text[:3000]
        post_page(client, page_url("periods"), {"periods.0.id": "fifth"})
        post_page(client, page_url("classes"), {"classes.0.id": "1A"})
        post_page(client, page_url("rooms"), {"rooms.0.id": "stacks"})
        saved = scenario_of(client)
        assert saved.rules[0].windows == ["midday"] and saved.rules[0].room == "stacks"
        assert saved.windows[1].periods == ["fifth", "p6"]
        assert saved.classes[0].id == "1A" and saved.classes[0].busy[0].period == "fifth"
        assert saved.pins[0].class_id == "1A"


WEIRD_DRAFT = """
school: {name: [1, 2], locale: fr, day_start: "25:99", day_end: 7}
term: {start: 2026-09-07, end: "never", weekdays: [mon, {a: 1}, 3, funday], closures: [7, {start: x}]}
periods: [{id: p1, start: "08:00", end: "08:40", days: [mon, {x: 1}]}, "p2", {id: {a: b}}]
windows: {lunch: 1}
rooms: [{id: r, seats: "lots", closed: "soon"}]
staff: [{id: s, availability: [{days: [mon, [1]], start: x}, 5], days_off: 2026}]
helper_groups: [{id: h, class_id: [1], windows: lunch}]
classes:
- {id: c, grade: "one", busy: [{day: mon, period: p1}, {day: [x], period: p1}, "PE"]}
- {id: d, busy: {}}
rules: [{id: r1, frequency: 3, staffing: [1], preferences: "x", spacing: 2, windows: "lunch"}, 7]
teacher_groups: [{id: t, availability: "all"}]
activities: [{id: a, participants: [1], when: "soon", staffing: {librarian: "x"}}]
stocktake: {start: 1, shifts: [{window: [1], staffing: 3}]}
weights: [1]
pins: [{class_id: c, start: "99:99"}, 3]
"""


def test_a_draft_of_any_shape_opens_and_saves_on_every_page(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        csrf = csrf_of(client.get(page_url()).text)
        uploaded = client.post(page_url("upload"), data={"csrf": csrf, "text": WEIRD_DRAFT})
        assert uploaded.status_code == 422 and "kept as the draft" in uploaded.text
        for section in ["", *SECTIONS, "classes/c", "classes/d", "staff/s", "teacher-groups/t"]:
            shown = client.get(page_url(section))
            assert shown.status_code == 200, section
            if section:
                assert post_page(client, page_url(section), {}).status_code in (200, 422), section
        assert client.get("/app/s/tiny/scenario.yaml").status_code == 200


def test_an_unknown_holiday_country_is_refused_next_to_its_field(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        page = post_page(client, page_url("term"), {"term.holiday_country": "XX"})
        assert page.status_code == 422
        assert 'id="e-term--holiday_country"' in page.text
        assert "not a country the holidays package knows" in page.text


def test_a_long_list_is_shown_and_saved_a_page_at_a_time(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        classes = [{"id": f"c{i:03d}", "grade": 1, "size": 20} for i in range(130)]
        upload_scenario(client, "tiny", school_dict(classes=classes))
        first = client.get(page_url("classes"))
        assert "Showing 1–100 of 130." in first.text and 'href="?page=2"' in first.text
        assert 'name="classes.99.id"' in first.text and 'name="classes.100.id"' not in first.text
        assert 'name="classes.n0.id"' not in first.text  # new rows go on the last page
        assert len(form_of(first.text)) < 1000  # what a form may post
        url = page_url("classes") + "?page=2"
        second = client.get(url)
        assert 'name="classes.100.id"' in second.text and 'name="classes.n0.id"' in second.text
        saved = client.post(
            page_url("classes"), data={**form_of(second.text), "classes.120.name": "Late one"}
        )
        assert saved.status_code == 200 and "Saved as scenario version" in saved.text
        assert "Showing 101–130 of 130." in saved.text  # the same page again
        after = scenario_of(client).classes
        assert len(after) == 130 and after[120].name == "Late one" and after[0].id == "c000"
        assert client.get(page_url("classes") + "?page=nonsense").status_code == 200


def test_the_optional_sections_save_through_their_forms(tmp_path: Path) -> None:
    with librarian_of(tmp_path, locale="zh-CN") as client:
        steps: list[tuple[str, dict[str, Any]]] = [
            (
                "helpers",
                {
                    "helper_groups.n0.id": "helpers_1_2",
                    "helper_groups.n0.class_id": "1-2",
                    "helper_groups.n0.windows": "lunch",
                    "helper_groups.n0.max_sessions_per_day": "",  # empty: no cap (not the default 1)
                },
            ),
            ("teacher-groups", {"teacher_groups.n0.id": "chinese", "teacher_groups.n0.members": "4"}),
            (
                "activities",
                {
                    "activities.n0.id": "orientation",
                    "activities.n0.kind": "orientation",
                    "activities.n0.participants.grades": "1",
                    "activities.n0.participants.each_class": "on",
                    "activities.n0.participants.helper_groups": "all",
                    "activities.n0.when.weeks": "1, 2",
                    "activities.n0.duration_minutes": "20",
                    "activities.n0.windows": "lunch",
                    "activities.n0.room": "library",
                    "activities.n0.staffing.librarian": "1",
                    "activities.n0.before_first": "reading",
                },
            ),
            (
                "stocktake",
                {
                    "stocktake._on": "on",
                    "stocktake.start": "2026-09-17",
                    "stocktake.end": "2026-09-18",
                    "stocktake.loans_due": "2026-09-16",
                    "stocktake.returns_within_days": "7",
                    "stocktake.shifts.n0.window": "lunch",
                    "stocktake.shifts.n0.staffing.librarian": "1",
                },
            ),
            ("weights", {"weights.makeup_session": "25", "weights.preferred_day": "3"}),
            ("school", {"school.day_end": "17:00", "school.locale": "zh-CN"}),
        ]
        for section, changes in steps:
            saved = post_page(client, page_url(section), changes)
            assert saved.status_code == 200 and "已保存为排班条件第" in saved.text, (
                section,
                saved.text[:3000],
            )
        scenario = scenario_of(client)
        assert (
            scenario.helper_groups[0].class_id == "1-2"
            and scenario.helper_groups[0].max_sessions_per_day is None
        )
        assert scenario.teacher_groups[0].members == 4
        orientation = scenario.activities[0]
        assert orientation.participants.helper_groups == "all" and orientation.when.weeks == [1, 2]
        assert orientation.before_first == ["reading"] and orientation.staffing == {"librarian": 1}
        assert scenario.stocktake is not None and scenario.stocktake.shifts[0].staffing == {"librarian": 1}
        assert scenario.weights.makeup_session == 25
        assert "preferred_day" not in latest_data(client).get("weights", {})  # the default, left out
        assert scenario.school.locale == "zh-CN" and str(scenario.school.day_end) == "17:00:00"
        off = post_page(client, page_url("stocktake"), {}, drop=("stocktake._on",))
        assert "已保存为排班条件第" in off.text
        assert scenario_of(client).stocktake is None
