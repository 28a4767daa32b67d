"""The publish pages: publishing a version, the change form (a lesson moved, a leave, a room closed)
that saves the change and starts a rerun, and a rerun's changes per class, staff member and room."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import yaml

from api import storage
from rota_solver import Rota, Scenario, parse_scenario, verify
from rota_solver.scenario import BusyPeriod, Closure
from tests.factories import school_dict
from tests.web.helpers import AUTH, librarian_of, post_form, upload_scenario, wait_for_job

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

CHANGES = "/app/s/tiny/changes"


def future_term() -> tuple[dt.date, dt.date]:
    """Two school weeks that start on a Monday at least two weeks away: a rerun with the real today
    (the change form's) keeps nothing but the term's first school day."""
    today = dt.date.today()
    monday = today + dt.timedelta(days=14 + (7 - today.weekday()) % 7)
    return monday, monday + dt.timedelta(days=11)


def future_school(**overrides: Any) -> dict[str, Any]:
    start, end = future_term()
    return school_dict(term={"start": start.isoformat(), "end": end.isoformat()}, **overrides)


def solve(client: TestClient) -> int:
    """Solve the school's latest scenario through the JSON API; the rota version."""
    started = client.post("/schools/tiny/solves", headers=AUTH)
    assert started.status_code == 202, started.text
    job = wait_for_job(client, started.json()["id"])
    assert job["status"] == "succeeded", job
    number: int = job["rota_version"]
    return number


def published_version(client: TestClient) -> int | None:
    version: int | None = client.get("/schools/tiny", headers=AUTH).json()["published_version"]
    return version


def rota_of(client: TestClient, number: int) -> Rota:
    return Rota.model_validate_json(client.get(f"/schools/tiny/rotas/{number}", headers=AUTH).content)


def latest_scenario(client: TestClient) -> tuple[int, Scenario]:
    answer = client.get("/schools/tiny/scenario", headers=AUTH)
    return int(answer.headers["X-Scenario-Version"]), parse_scenario(answer.text)


def has_draft(client: TestClient) -> bool:
    from api.web.scenario_edit import working_scenario

    state = client.app.state.service  # type: ignore[attr-defined]
    with state.session_factory() as session:
        return working_scenario(session, "tiny").is_draft


def published_school(client: TestClient) -> Rota:
    """The future-term school solved, and version 1 published through the JSON API."""
    upload_scenario(client, "tiny", future_school())
    number = solve(client)
    assert client.post(f"/schools/tiny/rotas/{number}/publish", headers=AUTH).status_code == 200
    return rota_of(client, number)


def send_change(client: TestClient, kind: str, **fields: str) -> httpx.Response:
    return post_form(client, CHANGES, CHANGES, {"kind": kind, **fields})


def rerun_of(client: TestClient, answer: httpx.Response) -> dict[str, Any]:
    """The rerun job the change form started (it sends the browser to the job's page)."""
    assert answer.status_code == 303, answer.text[:2000]
    found = re.fullmatch(r"/app/s/tiny/jobs/([0-9a-f]+)", answer.headers["location"])
    assert found is not None, answer.headers["location"]
    job = wait_for_job(client, found.group(1), timeout=60)
    assert job["kind"] == "rerun" and job["status"] == "succeeded", job
    return job


def field_error(page: str, field_id: str) -> str:
    """The error shown for the input ``field_id``, checking that the input points at it."""
    found = re.search(rf'<(?:input|select)[^>]*\bid="{field_id}"[^>]*>', page)
    assert found is not None, f"no field {field_id}"
    tag = found.group(0)
    assert 'aria-invalid="true"' in tag, tag
    described = re.search(r'aria-describedby="([^"]*)"', tag)
    assert described is not None and f"{field_id}-error" in described.group(1).split(), tag
    error = re.search(rf'<p class="error" id="{field_id}-error">([^<]*)</p>', page)
    assert error is not None, f"no error for {field_id}"
    return error.group(1)


def test_publishing_from_the_page_makes_the_version_the_published_one(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        upload_scenario(client, "tiny", future_school())
        number = solve(client)
        assert published_version(client) is None
        refused = client.post(f"/app/s/tiny/rotas/{number}/publish", data={"csrf": "forged"})
        assert refused.status_code == 403 and published_version(client) is None

        answer = post_form(client, CHANGES, f"/app/s/tiny/rotas/{number}/publish", {})
        assert answer.status_code == 303
        assert answer.headers["location"] == f"/app/s/tiny/teachers?done=published&n={number}"
        assert published_version(client) == number
        rotas = client.get("/schools/tiny/rotas", headers=AUTH).json()
        assert [r["published"] for r in rotas] == [True]
        teachers = client.get(answer.headers["location"])
        assert f"Rota version {number} is published" in teachers.text

        missing = post_form(client, CHANGES, "/app/s/tiny/rotas/99/publish", {})
        assert missing.status_code == 404 and published_version(client) == number


def test_a_leave_reruns_and_its_changes_per_class_staff_and_room_can_be_published(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        published = published_school(client)
        start, _ = future_term()
        form = client.get(CHANGES).text
        assert 'id="leave-form"' in form and '<option value="lib">Ms Lee</option>' in form
        assert "Published now: version 1." in form
        # The last session's day: after the freeze date (the term's second school day).
        day = max(s.date for s in published.sessions)
        assert day > start + dt.timedelta(days=1)
        moved = [s.class_id for s in published.sessions if s.date == day]

        job = rerun_of(
            client, send_change(client, "leave", staff_id="lib", first_day=str(day), last_day=str(day))
        )
        version, scenario = latest_scenario(client)
        assert version == 3 and scenario.staff[0].days_off == [day]
        assert job["rota_version"] == 2
        rerun = rota_of(client, 2)
        assert verify(scenario, rerun) == []
        assert not any(s.date == day for s in rerun.sessions)

        page = client.get("/app/s/tiny/rotas/2/changes")
        assert page.status_code == 200
        text = page.text
        assert "What version 2 changes" in text and "rerun of version 1" in text.lower()
        assert f"Nothing before {start + dt.timedelta(days=1)} changes" in text
        sections = re.findall(r'<h2 id="changes-\d">([^<]*)</h2>', text)
        assert sections == ["By class", "By staff", "By room"]
        for class_id in moved:
            assert f"<h3>Class {class_id}</h3>" in text
        assert "<h3>Ms Lee</h3>" in text and "<h3>Library</h3>" in text
        lines = re.findall(r"<li>(Class 1-\d reading [^<]*)</li>", text)
        assert lines and len(lines) == 3 * len(set(lines)), "each change under its class, staff and room"
        assert 'id="publish-button"' in text
        assert published_version(client) == 1, "a rerun is not published by itself"

        # The change form lists what the scenario now holds.
        assert "Days off" in client.get(CHANGES).text

        answer = post_form(client, "/app/s/tiny/rotas/2/changes", "/app/s/tiny/rotas/2/publish", {})
        assert answer.status_code == 303 and published_version(client) == 2
        again = client.get("/app/s/tiny/rotas/2/changes").text
        assert 'id="is-published"' in again and 'id="publish-button"' not in again


def test_a_lesson_moved_and_a_room_closed_are_stored_as_the_scenario_says_them(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        published_school(client)
        start, _ = future_term()
        since = start + dt.timedelta(days=7)
        lesson = send_change(
            client,
            "lesson",
            class_id="1-2",
            day="wed",
            period="",
            start="11:30",
            end="12:30",
            what="PE",
            since=str(since),
            notice_days="3",
        )
        job = rerun_of(client, lesson)
        assert job["rerun"]["notice_days"] == 3 and job["rerun"]["freeze"] is None
        version, scenario = latest_scenario(client)
        assert version == 3
        assert scenario.classes[0].busy == []
        assert scenario.classes[1].busy == [
            BusyPeriod(day="wed", start=dt.time(11, 30), end=dt.time(12, 30), what="PE", since=since)
        ]
        assert verify(scenario, rota_of(client, job["rota_version"])) == []

        first, last = start + dt.timedelta(days=8), start + dt.timedelta(days=9)
        freeze = start + dt.timedelta(days=2)
        room = send_change(
            client, "room", room_id="library", first_day=str(first), last_day=str(last), reason="Repairs",
            freeze=str(freeze),
        )  # fmt: skip
        job = rerun_of(client, room)
        assert job["rerun"]["freeze"] == str(freeze)
        version, scenario = latest_scenario(client)
        assert version == 4
        assert scenario.rooms[0].closed == [Closure(name="Repairs", start=first, end=last)]
        assert len(scenario.classes[1].busy) == 1, "the earlier change stays"
        rerun = rota_of(client, job["rota_version"])
        assert verify(scenario, rerun) == []
        assert not any(first <= s.date <= last for s in rerun.sessions)

        form = client.get(CHANGES).text
        assert "Dated lesson changes" in form and "Room closures" in form and "Repairs" in form


def test_a_change_that_does_not_validate_comes_back_with_errors_next_to_its_fields(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        published_school(client)
        start, _ = future_term()
        before, _ = latest_scenario(client)

        # rota validate's words, next to the field they are about
        room = send_change(
            client, "room", room_id="library", first_day=str(start + dt.timedelta(days=4)),
            last_day=str(start + dt.timedelta(days=3)), reason="Exams",
        )  # fmt: skip
        assert room.status_code == 422
        assert field_error(room.text, "room-last_day").startswith(
            f"ends {start + dt.timedelta(days=3)} before it starts {start + dt.timedelta(days=4)}"
        )
        assert 'value="Exams"' in room.text, "what was typed comes back"
        assert 'id="room-errors"' in room.text and 'href="#room-last_day"' in room.text

        lesson = send_change(client, "lesson", class_id="1-1", day="mon", since=str(start))
        assert lesson.status_code == 422
        assert "give either period, or start and end" in field_error(lesson.text, "lesson-period")

        periods = send_change(
            client, "lesson", class_id="1-1", day="mon", start="12:30", end="11:30", since=""
        )
        assert periods.status_code == 422
        assert field_error(periods.text, "lesson-since") == "Fill this in."

        times = send_change(
            client, "lesson", class_id="1-1", day="mon", start="12:30", end="11:30", since=str(start)
        )
        assert times.status_code == 422
        assert field_error(times.text, "lesson-end").startswith(
            "ends 11:30:00 at or before it starts 12:30:00"
        )

        leave = send_change(
            client,
            "leave",
            staff_id="nobody",
            first_day="2026-13-01",
            last_day=str(start),
            freeze="2000-01-01",
        )
        assert leave.status_code == 422
        assert field_error(leave.text, "leave-staff_id") == "Choose one of the list."
        assert field_error(leave.text, "leave-first_day") == "Give a date as YYYY-MM-DD."
        assert field_error(leave.text, "leave-freeze").startswith(
            "The freeze date 2000-01-01 is before today"
        )

        after, _ = latest_scenario(client)
        assert after == before and not has_draft(client), "nothing saved, not even a draft"
        assert client.get("/schools/tiny/jobs", headers=AUTH).json()[0]["kind"] == "solve"


def test_a_rerun_without_a_published_rota_is_explained(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        form = client.get(CHANGES)
        assert form.status_code == 200
        assert 'id="needs-published"' in form.text and 'href="/app/s/tiny/rotas/"' in form.text
        answer = send_change(client, "leave", staff_id="lib", first_day="2026-09-08", last_day="2026-09-08")
        assert answer.status_code == 409
        assert "A rerun starts from the published rota, and nothing is published yet" in answer.text
        assert latest_scenario(client)[0] == 1 and client.get("/schools/tiny/jobs", headers=AUTH).json() == []


def test_a_change_while_a_job_runs_links_to_the_job(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        published_school(client)
        state = client.app.state.service  # type: ignore[attr-defined]
        with state.session_factory() as session:
            storage.create_job(session, "tiny", None, 60.0, "a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5")  # queued
        start, _ = future_term()
        answer = send_change(client, "leave", staff_id="lib", first_day=str(start), last_day=str(start))
        assert answer.status_code == 409
        assert 'href="/app/s/tiny/jobs/a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5"' in answer.text
        assert latest_scenario(client)[0] == 2


def test_the_changes_of_a_version_solved_afresh_are_explained(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        published_school(client)
        page = client.get("/app/s/tiny/rotas/1/changes")
        assert page.status_code == 404 and "solved afresh" in page.text
        assert client.get("/app/s/tiny/rotas/7/changes").status_code == 404


def test_the_change_form_speaks_chinese_to_a_chinese_librarian(tmp_path: Path) -> None:
    with librarian_of(tmp_path, locale="zh-CN") as client:
        upload_scenario(client, "tiny", yaml.safe_load(yaml.safe_dump(future_school())))
        page = client.get(CHANGES).text
        assert '<html lang="zh-CN">' in page and "学期中的调整" in page and "保存并重新排班" in page
        assert page.count('name="csrf"') >= 3 and "请假" in page and "场地关闭" in page


def test_a_change_on_top_of_an_unfinished_draft_says_what_to_fix_first(tmp_path: Path) -> None:
    from api.web.scenario_edit import save_working

    with librarian_of(tmp_path) as client:
        published_school(client)
        broken = future_school()
        broken["rooms"][0]["seats"] = 0  # a draft the set-up pages left unfinished
        state = client.app.state.service  # type: ignore[attr-defined]
        with state.session_factory() as session:
            assert not save_working(session, "tiny", broken, "lib").ok
            session.commit()
        assert 'id="draft-notice"' in client.get(CHANGES).text
        start, _ = future_term()
        answer = send_change(client, "leave", staff_id="lib", first_day=str(start), last_day=str(start))
        assert answer.status_code == 422
        listed = re.search(
            r'<div class="error-summary" role="alert" id="scenario-problems">(.*?)</div>', answer.text, re.S
        )
        assert listed is not None and "<code>rooms[0].seats</code>" in listed.group(1)
        assert latest_scenario(client)[0] == 2 and has_draft(client), "the draft stays as it was"
