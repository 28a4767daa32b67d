"""The solve pages: a solve started from the web app runs as a job (the same path as the API),
shows live progress and can be cancelled; the result page says what is proven and what each wish
cost; a school without a rota shows its conflicts, and a suggestion's button saves the change as
the next scenario version, after which the school solves. Only the school's editors reach them,
and every form needs its CSRF token."""

from __future__ import annotations

import html
import re
import time
import warnings
from pathlib import Path
from typing import Any

from starlette.exceptions import StarletteDeprecationWarning

from api import storage
from api.web.accounts import create_empty_school
from rota_solver import Scenario, parse_scenario, verify
from tests.explain.schools import lunch_busy_except_monday_first_slot, orientation_school
from tests.factories import school_dict
from tests.slow_school import slow_school_data as slow_school
from tests.web.helpers import (
    AUTH,
    add_account,
    csrf_of,
    librarian_of,
    post_form,
    sign_in,
    upload_scenario,
    web_client,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

_JOB_PATH = re.compile(r"^/app/s/([a-z0-9_-]+)/jobs/([0-9a-f]+)$")
_FORM = re.compile(r'<form method="post" action="/app/s/[^/]+/apply-suggestion".*?</form>', re.S)
_HIDDEN = re.compile(r'<input type="hidden" name="(path|value|made_for)" value="([^"]*)">')


def start_solve(client: TestClient, school: str) -> str:
    """Press Solve on the solve page; the job's id."""
    started = post_form(client, f"/app/s/{school}/solve", f"/app/s/{school}/solve", {})
    assert started.status_code == 303, started.text[:500]
    found = _JOB_PATH.match(started.headers["location"])
    assert found is not None and found.group(1) == school, started.headers["location"]
    return found.group(2)


def follow_status(
    client: TestClient, school: str, job_id: str, timeout: float = 60.0
) -> list[dict[str, Any]]:
    """Poll the progress page's JSON as solve.js does, until the job ends; every answer."""
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while True:
        answer = client.get(f"/app/s/{school}/jobs/{job_id}/status")
        assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
        seen.append(answer.json())
        if seen[-1]["done"]:
            return seen
        assert time.monotonic() < deadline, seen[-1]
        time.sleep(0.1)


def suggestions(page: str) -> list[dict[str, str]]:
    """The suggestion buttons' forms on a page: their hidden fields and button text."""
    out = []
    for form in _FORM.findall(page):
        fields = {name: html.unescape(value) for name, value in _HIDDEN.findall(form)}
        fields["button"] = html.unescape(re.search(r"<button[^>]*>(.*?)</button>", form, re.S).group(1))  # type: ignore[union-attr]
        assert 'name="csrf"' in form
        out.append(fields)
    return out


def stored_rota_is_verified(client: TestClient, school: str, number: int, unmet: int = 0) -> None:
    """The independent verifier finds nothing wrong with the stored rota but the ``unmet``
    requirements it lists as unmet itself."""
    state = client.app.state.service  # type: ignore[attr-defined]
    with state.session_factory() as session:
        _, rota, scenario = storage.get_rota(session, school, number)
    violations = verify(scenario, rota)
    assert len(rota.unmet) == unmet
    assert [v for v in violations if not v.listed_unmet] == [] and len(violations) == unmet


def scenario_versions(client: TestClient, school: str) -> int:
    state = client.app.state.service  # type: ignore[attr-defined]
    with state.session_factory() as session:
        return storage.latest_scenario(session, school).number


def test_solving_the_tiny_school_lands_on_the_result_page(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        page = client.get("/app/s/tiny/solve")
        assert page.status_code == 200
        assert "Scenario version 1, saved" in page.text and 'id="solve-start"' in page.text
        assert "Time limit: 20 s for the whole run" in page.text  # the service's limit, said as such
        assert "No runs yet." in page.text

        job_id = start_solve(client, "tiny")
        seen = follow_status(client, "tiny", job_id)
        statuses = [answer["status"] for answer in seen]
        order = ["queued", "running", "succeeded"]
        assert statuses[-1] == "succeeded"
        assert [order.index(s) for s in statuses] == sorted(order.index(s) for s in statuses)
        final = seen[-1]
        assert final["next"] == "/app/s/tiny/rotas/1" and final["rota_version"] == 1
        assert final["outcome"] == "solved" and final["status_text"] == "finished"
        assert final["stage_text"] == "Done." and final["time_limit_seconds"] == 20.0
        assert final["best_objective"] is not None and final["bound"] is not None
        stored_rota_is_verified(client, "tiny", 1)

        # The progress page of a finished run goes on to its rota.
        moved = client.get(f"/app/s/tiny/jobs/{job_id}")
        assert (moved.status_code, moved.headers["location"]) == (303, "/app/s/tiny/rotas/1")

        result = client.get("/app/s/tiny/rotas/1")
        assert result.status_code == 200
        text = result.text
        assert "<h1>Rota version 1</h1>" in text and "Solved from scenario version 1" in text
        assert "This rota is proven the best for the school&#39;s wishes" in text
        assert "The weekly rotation table is proven best" in text  # the stage's own proof, in words
        assert '<table id="result-wishes">' in text and "<caption>The penalty, wish by wish" in text
        assert '<th scope="col">Who bears it</th>' in text
        assert "Preferred days" in text and "Balanced staff load" in text
        assert "Every requirement is met." in text
        assert 'action="/app/s/tiny/rotas/1/publish"' in text and ">Publish this rota</button>" in text
        assert 'href="/app/s/tiny/rotas/1/week"' in text and 'href="/app/s/tiny/rotas/1/class/1-1"' in text
        assert 'href="/app/s/tiny/rotas/1/month/2026-09"' in text

        listed = client.get("/app/s/tiny/solve").text
        assert (
            '<table id="solve-jobs">' in listed and 'href="/app/s/tiny/rotas/1">Rota version 1</a>' in listed
        )


def test_the_status_json_and_another_schools_job(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        upload_scenario(client, "other")
        other = client.post("/schools/other/solves", headers=AUTH).json()["id"]
        # Another school's job is not found under this school's address, nor its status.
        assert client.get(f"/app/s/tiny/jobs/{other}").status_code == 404
        assert client.get(f"/app/s/tiny/jobs/{other}/status").status_code == 404
        assert client.get("/app/s/tiny/jobs/no-such-job/status").status_code == 404

        job_id = start_solve(client, "tiny")
        answer = client.get(f"/app/s/tiny/jobs/{job_id}/status")
        assert answer.headers["cache-control"] == "no-store"
        body = answer.json()
        assert set(body) >= {
            "status",
            "status_line",
            "stage_text",
            "elapsed_seconds",
            "time_limit_seconds",
            "seconds_text",
            "figures_text",
            "done",
            "next",
        }
        assert body["id"] == job_id and body["time_limit_seconds"] == 20.0
        if not body["done"]:
            assert body["next"] is None and body["status"] in ("queued", "running")
        follow_status(client, "tiny", job_id)


def test_a_second_solve_while_one_runs_links_to_the_running_one(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        upload_scenario(client, "slow", slow_school())
        add_account(client, "slowlib", "librarian", "slow")
        client.cookies.clear()
        assert sign_in(client, "slowlib").status_code == 303
        job_id = start_solve(client, "slow")
        page = client.get("/app/s/slow/solve").text
        assert 'id="solve-active"' in page and f'href="/app/s/slow/jobs/{job_id}"' in page
        assert 'id="solve-start"' not in page  # no second Solve button while one runs
        again = client.post("/app/s/slow/solve", data={"csrf": csrf_of(page)})
        assert again.status_code == 409
        assert "already has a run queued or in progress" in again.text
        assert f'href="/app/s/slow/jobs/{job_id}"' in again.text
        client.delete(f"/jobs/{job_id}", headers=AUTH)


def test_cancelling_a_long_solve(tmp_path: Path) -> None:
    with web_client(tmp_path) as client:
        upload_scenario(client, "slow", slow_school())
        add_account(client, "lib", "librarian", "slow")
        assert sign_in(client, "lib").status_code == 303
        job_id = start_solve(client, "slow")
        deadline = time.monotonic() + 20
        while True:
            body = client.get(f"/app/s/slow/jobs/{job_id}/status").json()
            if body["status"] == "running" and body["phase"] not in (None, "building"):
                break
            assert not body["done"] and time.monotonic() < deadline, body
            time.sleep(0.1)
        page = client.get(f"/app/s/slow/jobs/{job_id}")
        assert page.status_code == 200
        text = page.text
        assert '<progress id="job-progress" max="20.0"' in text
        assert '<p id="job-stage" aria-live="polite" aria-atomic="true">' in text
        assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in text
        assert '<script src="/app/static/solve.js" defer></script>' in text
        assert 'data-status-url="/app/s/slow/jobs/' in text and ">Cancel this run</button>" in text

        cancelled = post_form(client, f"/app/s/slow/jobs/{job_id}", f"/app/s/slow/jobs/{job_id}/cancel", {})
        assert (cancelled.status_code, cancelled.headers["location"]) == (303, f"/app/s/slow/jobs/{job_id}")
        body = client.get(f"/app/s/slow/jobs/{job_id}/status").json()
        assert (body["status"], body["done"], body["next"]) == (
            "cancelled",
            True,
            f"/app/s/slow/jobs/{job_id}",
        )
        assert client.app.state.service.runner.wait(job_id, 30)  # type: ignore[attr-defined]
        ended = client.get(f"/app/s/slow/jobs/{job_id}").text
        assert "Status: cancelled" in ended and "The run was cancelled; nothing was stored." in ended
        assert "http-equiv" not in ended and "solve.js" not in ended  # no more refreshing
        assert client.get("/schools/slow/rotas", headers=AUTH).json() == []


def no_rota_school() -> dict[str, Any]:
    """Classes 1-1 and 1-2 are free only on Monday 11:30-11:50, and the library holds one class at a
    time (tests/explain/schools.py)."""
    busy = lunch_busy_except_monday_first_slot()
    return school_dict(
        school={"name": "Tiny School", "timezone": "Asia/Shanghai", "locale": "zh-CN"},
        classes=[
            {"id": "1-1", "name": "Class 1-1", "grade": 1, "size": 30, "busy": busy},
            {"id": "1-2", "name": "Class 1-2", "grade": 1, "size": 30, "busy": busy},
        ],
    )


def test_no_rota_shows_the_conflict_and_a_suggestion_makes_the_school_solve(tmp_path: Path) -> None:
    with librarian_of(tmp_path, locale="zh-CN") as client:
        upload_scenario(client, "tiny", no_rota_school())  # version 2
        job_id = start_solve(client, "tiny")
        final = follow_status(client, "tiny", job_id)[-1]
        assert (final["status"], final["outcome"], final["rota_version"]) == ("failed", "no_rota", None)
        assert final["next"] == f"/app/s/tiny/jobs/{job_id}" and final["status_text"] == "未得到排班表"

        page = client.get(f"/app/s/tiny/jobs/{job_id}")
        assert page.status_code == 200
        text = page.text
        assert "不存在排班表:以下要求无法同时满足。" in text  # the outcome in the reader's language
        assert '<h2 id="h-conflicts">为什么没有排班表</h2>' in text
        # The conflict and its groups in the solver's own words (the school's language).
        assert "Library：reading的2个班级每周需要2班次" in text
        forms = suggestions(text)
        assert forms, text
        assert {f["made_for"] for f in forms} == {"2"}
        by_path = {f["path"]: f for f in forms}
        assert "rooms[0].classes_at_once" in by_path, by_path
        wider = by_path["rooms[0].classes_at_once"]
        assert wider["value"] == "2" and wider["button"].startswith("采用:让Library同时容纳2个班级")
        assert "已测试:只做这一项修改,就能排出排班表。" in text

        applied = post_form(client, f"/app/s/tiny/jobs/{job_id}", "/app/s/tiny/apply-suggestion", wider)
        assert (applied.status_code, applied.headers["location"]) == (303, "/app/s/tiny/solve?saved=3")
        assert (
            "已保存为第 3 版排班条件 — 请重新排班查看结果。" in client.get(applied.headers["location"]).text
        )
        stored = parse_scenario(client.get("/schools/tiny/scenario", headers=AUTH).text)
        before = Scenario.model_validate(no_rota_school())
        assert stored.rooms[0].classes_at_once == 2
        assert stored.model_copy(update={"rooms": before.rooms}) == before  # nothing else changed

        # Pressing it again changes nothing.
        again = post_form(client, f"/app/s/tiny/jobs/{job_id}", "/app/s/tiny/apply-suggestion", wider)
        assert again.headers["location"] == "/app/s/tiny/solve?unchanged=3"
        assert scenario_versions(client, "tiny") == 3

        solved = start_solve(client, "tiny")
        final = follow_status(client, "tiny", solved)[-1]
        assert (final["status"], final["rota_version"]) == ("succeeded", 1)
        stored_rota_is_verified(client, "tiny", 1)
        result = client.get("/app/s/tiny/rotas/1").text
        assert "由第 3 版排班条件于" in result and "已证明这是最符合学校意愿的排班表" in result


def test_an_unmet_item_on_the_result_page_and_its_suggestion(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        upload_scenario(client, "tiny", orientation_school().model_dump(mode="json", exclude_defaults=True))
        job_id = start_solve(client, "tiny")
        final = follow_status(client, "tiny", job_id)[-1]
        assert (final["status"], final["outcome"], final["rota_version"]) == (
            "succeeded",
            "solved_with_unmet",
            1,
        )
        stored_rota_is_verified(client, "tiny", 1, unmet=1)
        text = client.get("/app/s/tiny/rotas/1").text
        assert '<section aria-labelledby="h-unmet" id="result-unmet">' in text
        assert "The rota stands, but these requirements could not be met:" in text
        assert '<h3 id="unmet-1-h">Activity: Orientation · Class 1-1</h3>' in text
        assert "<td>Orientation · Class 1-1 (1)" in text  # who bears the unmet wish, by name
        forms = suggestions(text)
        lunch = [f for f in forms if f["path"] == "activities[0].windows"]
        assert lunch and lunch[0]["made_for"] == "2", forms
        assert lunch[0]["button"] == "Apply: allow the lunch 11:30–12:30 window for Orientation"
        applied = post_form(client, "/app/s/tiny/rotas/1", "/app/s/tiny/apply-suggestion", lunch[0])
        assert applied.headers["location"] == "/app/s/tiny/solve?saved=3"
        solved = start_solve(client, "tiny")
        final = follow_status(client, "tiny", solved)[-1]
        assert (final["outcome"], final["rota_version"]) == ("solved", 2)
        stored_rota_is_verified(client, "tiny", 2)
        assert "Every requirement is met." in client.get("/app/s/tiny/rotas/2").text


def test_a_suggestion_that_cannot_be_applied_is_refused_and_nothing_is_saved(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:

        def apply(path: str, value: str, made_for: str = "1") -> Any:
            return post_form(
                client,
                "/app/s/tiny/solve",
                "/app/s/tiny/apply-suggestion",
                {"path": path, "value": value, "made_for": made_for},
            )

        for path in (
            "nonsense.windows",
            "rules[7].windows",
            "rules[0]..windows",
            "__class__",
            "rules[0].room[0].x",
        ):
            refused = apply(path, '["lunch"]')
            assert refused.status_code == 422, (path, refused.text[:300])
            assert "The change was not applied" in refused.text and "nothing was saved" in refused.text
        assert "does not have (nonsense.windows)" in apply("nonsense.windows", "1").text
        assert "not valid JSON" in apply("rules[0].windows", "[lunch").text
        assert "does not exist" in apply("rules[0].windows", '["lunch"]', made_for="9").text
        invalid = apply("rooms[0].classes_at_once", "-3")
        assert invalid.status_code == 422 and "would not be valid" in invalid.text
        assert "rooms[0].classes_at_once" in invalid.text
        assert scenario_versions(client, "tiny") == 1

        # A suggestion made for version 1 whose item has moved since is refused as stale.
        data = school_dict(
            rules=[
                {**school_dict()["rules"][0], "id": "borrowing", "kind": "borrowing"},
                school_dict()["rules"][0],
            ]
        )
        upload_scenario(client, "tiny", data)
        stale = apply("rules[0].windows", '["lunch", "afternoon"]')
        assert stale.status_code == 422
        assert "has changed at rules[0].windows since this suggestion was made for version 1" in stale.text
        assert scenario_versions(client, "tiny") == 2
        # So is one for a field changed since (its value, the old list plus one, would undo that).
        upload_scenario(
            client, "tiny", school_dict(rooms=[{"id": "library", "seats": 60, "classes_at_once": 3}])
        )
        changed = apply("rooms[0].classes_at_once", "2", made_for="2")
        assert changed.status_code == 422 and "has changed at rooms[0].classes_at_once" in changed.text
        assert scenario_versions(client, "tiny") == 3
        # The same change for an item still in its place is applied.
        fine = apply("rooms[0].seats", "80", made_for="2")
        assert fine.headers["location"] == "/app/s/tiny/solve?saved=4"


def test_another_schools_librarian_is_refused(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        upload_scenario(client, "other")
        add_account(client, "otherlib", "librarian", "other")
        token = csrf_of(client.get("/app/s/tiny/solve").text)
        assert client.get("/app/s/other/solve").status_code == 403
        assert client.post("/app/s/other/solve", data={"csrf": token}).status_code == 403
        assert client.get("/app/s/other/rotas/1").status_code == 403
        refused = client.post(
            "/app/s/other/apply-suggestion",
            data={"csrf": token, "path": "rooms[0].classes_at_once", "value": "2", "made_for": "1"},
        )
        assert refused.status_code == 403
        assert client.get("/schools/other/jobs", headers=AUTH).json() == []
        assert scenario_versions(client, "other") == 1


def test_every_form_needs_its_csrf_token(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        assert client.post("/app/s/tiny/solve").status_code == 403
        assert client.post("/app/s/tiny/solve", data={"csrf": "forged"}).status_code == 403
        assert client.get("/schools/tiny/jobs", headers=AUTH).json() == []
        fields = {"path": "rooms[0].classes_at_once", "value": "2", "made_for": "1"}
        assert client.post("/app/s/tiny/apply-suggestion", data=fields).status_code == 403
        assert scenario_versions(client, "tiny") == 1
        job_id = start_solve(client, "tiny")
        assert client.post(f"/app/s/tiny/jobs/{job_id}/cancel").status_code == 403
        assert follow_status(client, "tiny", job_id)[-1]["status"] == "succeeded"  # not cancelled


def store_job(client: TestClient, school: str, job_id: str, **finish: Any) -> None:
    """A job as the runner would leave it, stored straight through the storage layer (for ends a
    tiny school does not reach in a test's time: a search the limit stopped)."""
    state = client.app.state.service  # type: ignore[attr-defined]
    with state.session_factory() as session:
        storage.create_job(session, school, None, 20.0, job_id)
        storage.claim_job(session, job_id, storage.utcnow())
        storage.finish_job(session, job_id, at=storage.utcnow(), elapsed_seconds=20.1, **finish)


def test_words_for_a_rota_not_proven_best_and_a_run_the_limit_stopped(tmp_path: Path) -> None:
    with librarian_of(tmp_path) as client:
        final = follow_status(client, "tiny", start_solve(client, "tiny"))[-1]
        assert final["rota_version"] == 1
        state = client.app.state.service  # type: ignore[attr-defined]
        with state.session_factory() as session:
            _, rota, scenario = storage.get_rota(session, "tiny", 1)
        # The same verified rota, as a search the time limit stopped would report it.
        report = rota.report
        terms = [
            term.model_copy(update={"units": 2, "cost": 2 * term.weight, "bearers": {"1-1": 2}})
            if term.name == "PreferredDays"
            else term
            for term in report.terms
        ]
        objective = sum(term.cost for term in terms)
        stages = [
            stage.model_copy(update={"status": "feasible", "proof": "weekly_limit"})
            for stage in report.stages
        ]
        unproven = rota.model_copy(
            update={
                "report": report.model_copy(
                    update={
                        "status": "feasible",
                        "objective": objective,
                        "best_bound": objective - 4,
                        "whole_term_bound": objective - 4,
                        "whole_term_gap": 4,
                        "terms": terms,
                        "stages": stages,
                    }
                )
            }
        )
        assert verify(scenario, unproven) == []
        store_job(client, "tiny", "a" * 32, status="succeeded", rota=unproven, outcome="stopped_at_limit")
        text = client.get("/app/s/tiny/rotas/2").text
        assert "This rota keeps every rule but is not proven the best" in text
        assert f"its penalty is {objective}, and no rota can score below {objective - 4}" in text
        assert "at most 4 penalty points could still be saved" in text
        assert "Weekly rotation table: feasible" in text
        assert "<td>Class 1-1 (2)" in text  # who bears the wish, by the class's name

        store_job(
            client,
            "tiny",
            "b" * 32,
            status="failed",
            error="no rota found within the time limit of 20 s (stopped in stage weekly_pattern)",
            outcome="stopped_at_limit",
            cut_short=("weekly_pattern",),
        )
        page = client.get(f"/app/s/tiny/jobs/{'b' * 32}")
        assert page.status_code == 200
        assert (
            "Status: ended without a rota" in page.text and "The time limit stopped the solver." in page.text
        )
        assert "No rota was found within the time limit." in page.text
        assert "Stages the time limit cut short: Weekly rotation table." in page.text
        assert "http-equiv" not in page.text and 'id="job-cancel"' not in page.text


def test_a_school_without_a_scenario_has_nothing_to_solve(tmp_path: Path) -> None:
    with web_client(tmp_path) as client:
        state = client.app.state.service  # type: ignore[attr-defined]
        with state.session_factory() as session:
            create_empty_school(session, "new", "New School")
            session.commit()
        add_account(client, "lib", "librarian", "new")
        assert sign_in(client, "lib").status_code == 303
        page = client.get("/app/s/new/solve").text
        assert "There is no valid scenario to solve yet" in page and 'id="solve-start"' not in page
        refused = client.post("/app/s/new/solve", data={"csrf": csrf_of(page)})
        assert refused.status_code == 409 and "There is no valid scenario to solve yet" in refused.text
        assert client.get("/schools/new/jobs", headers=AUTH).json() == []


def test_words_for_stages_proven_best_with_a_whole_term_gap(tmp_path: Path) -> None:
    # Each stage proven, but another weekly table might need fewer make-ups: the page must not say
    # that no rota with a lower penalty exists.
    with librarian_of(tmp_path) as client:
        final = follow_status(client, "tiny", start_solve(client, "tiny"))[-1]
        assert final["rota_version"] == 1
        assert "no rota with a lower penalty exists" in client.get("/app/s/tiny/rotas/1").text
        state = client.app.state.service  # type: ignore[attr-defined]
        with state.session_factory() as session:
            _, rota, _scenario = storage.get_rota(session, "tiny", 1)
        report = rota.report
        assert report.status == "optimal" and report.whole_term_gap == 0
        gapped = rota.model_copy(
            update={
                "report": report.model_copy(
                    update={"whole_term_bound": report.objective - 3, "whole_term_gap": 3}
                )
            }
        )
        store_job(client, "tiny", "b" * 32, status="succeeded", rota=gapped, outcome="solved")
        text = client.get("/app/s/tiny/rotas/2").text
        assert "no rota with a lower penalty exists" not in text
        assert "Each stage is proven the best" in text
        assert f"no rota can score below {report.objective - 3}" in text
        assert "might save at most 3 penalty points" in text
