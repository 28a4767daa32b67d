"""The explanation where the librarian reads it: the printable pages (the API job and the CLI have
their own tests in tests/api/test_jobs.py and tests/test_cli.py)."""

from __future__ import annotations

from rota_solver.application import SolveRequest, run
from rota_solver.printable import explanation_html, printable_html
from rota_solver.solve import SolveOptions
from tests.explain import schools

OPTIONS = SolveOptions(time_limit_seconds=10, workers=1, seed=0)


def test_the_printable_rota_says_why_an_item_is_unmet_and_how_to_fix_it() -> None:
    scenario = schools.orientation_school()
    rota = run(SolveRequest(scenario, OPTIONS)).rota
    assert rota is not None
    page = printable_html(scenario, rota)
    assert "but of its 10 possible slot(s), Class 1-1 has lessons in 10" in page
    assert '<span class="muted fix">To fix: allow the lunch 11:30–12:30 window for Orientation</span>' in page


def test_the_explanation_page_lists_conflict_groups_and_suggestions_in_the_school_language() -> None:
    scenario = schools.two_classes_share_one_free_slot()
    chinese = scenario.model_copy(update={"school": scenario.school.model_copy(update={"locale": "zh-CN"})})
    outcome = run(SolveRequest(chinese, OPTIONS))
    assert outcome.kind == "no_rota" and outcome.explanation is not None
    page = explanation_html(chinese, outcome.explanation)
    assert '<html lang="zh-CN">' in page and "无法排出轮流表" in page
    assert (
        "冲突 1：Library：reading的2个班级每周需要2班次，但排除各班课表后，该室只有1班次（每周周一lunch"
        in page
    )
    assert page.count('<li data-kind="') == 5
    assert '<li data-kind="room" data-subject="library">Library同一时间只能容纳1个班级</li>' in page
    assert (
        "允许reading使用afternoon 14:00–15:30时段" in page and "让Library同时容纳2个班级（原为1个）" in page
    )
