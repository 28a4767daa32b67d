"""Issue 14 item 6: one language on a page. A zh-CN school's rota.html, the command line's summary
and a rerun's changes page carry no English words and no identifiers beyond the school's own names
and ids; and a rerun's report counts the changes the diff lists, on one line."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from rota_solver.cli import summary_lines
from rota_solver.labels import LOCALES, labels_for
from rota_solver.loading import load_scenario
from rota_solver.printable import printable_html
from rota_solver.rerun import diff_text, rerun
from rota_solver.rerun.keep import CHANGE_NAME, RESTAFFED_NAME
from rota_solver.rota import Rota
from rota_solver.scenario import Scenario
from rota_solver.solve import SolveOptions, solve
from rota_solver.term import _DESCRIPTIONS
from rota_solver.verify import verify

DEMO = Path(__file__).parent.parent / "scenarios" / "demo_school.yaml"
OPTIONS = SolveOptions(time_limit_seconds=30, workers=1, seed=0)
TODAY = dt.date(2026, 10, 8)
LATIN = re.compile(r"[A-Za-z][A-Za-z_\-]*")


class _Text(HTMLParser):
    """The text a reader sees: no tags, attributes, styles or scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.hidden += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


def latin_words(scenario: Scenario, text: str, *, digest: str = "") -> set[str]:
    """Latin words in ``text`` that are not the school's own names or ids, a week letter or the
    scenario digest."""
    allowed: set[str] = set()
    for group in (
        scenario.classes,
        scenario.rules,
        scenario.rooms,
        scenario.staff,
        scenario.helper_groups,
        scenario.activities,
        scenario.periods,
        scenario.windows,
    ):
        for item in group:
            allowed.update(LATIN.findall(f"{item.id} {getattr(item, 'name', '')}"))
    text = re.sub(r"\b[0-9a-f]{12}\b", "", text.replace(digest[:12], "")) if digest else text
    return {w for w in LATIN.findall(text) if w not in allowed and w not in ("A", "B")}


@pytest.fixture(scope="module")
def demo() -> tuple[Scenario, Rota]:
    scenario = load_scenario(DEMO)
    assert scenario.school.locale == "zh-CN"
    return scenario, solve(scenario, OPTIONS)


def _changed_demo(scenario: Scenario, published: Rota) -> Scenario:
    """The demo with one upper-grade class busy in its borrowing slot from the freeze on."""
    cell = next(p for p in published.pattern if p.class_id == "3-1")
    busy = {
        "day": cell.weekday,
        "start": f"{cell.start:%H:%M}",
        "end": f"{cell.end:%H:%M}",
        "what": "合唱排练",
        "since": "2026-10-12",
    }
    data = scenario.model_dump(mode="json", exclude_defaults=True)
    for c in data["classes"]:
        if c["id"] == "3-1":
            c["busy"] = [*c.get("busy", []), busy]
    return Scenario.model_validate(data)


def test_zh_rota_page_and_summary_have_no_english(demo: tuple[Scenario, Rota]) -> None:
    scenario, rota = demo
    page = visible(printable_html(scenario, rota))
    assert latin_words(scenario, page, digest=rota.scenario_digest) == set()
    out, err = summary_lines(scenario, rota)
    assert latin_words(scenario, "\n".join(out + err)) == set()
    assert "已证明" in page and "已证明" in "\n".join(out)


def test_zh_rerun_report_and_changes_have_no_english_and_count_the_diff(demo: tuple[Scenario, Rota]) -> None:
    scenario, published = demo
    changed = _changed_demo(scenario, published)
    result = rerun(changed, published, today=TODAY, options=OPTIONS)
    assert verify(changed, result.rota) == []
    assert not result.diff.empty
    terms = [t for t in result.rota.report.terms if t.name in (CHANGE_NAME, RESTAFFED_NAME)]
    assert [t.name for t in terms] == [CHANGE_NAME]
    assert terms[0].units == len(result.diff.changes) == sum(result.diff.counts().values())
    assert result.rota.report.objective == sum(t.cost for t in result.rota.report.terms)
    out, err = summary_lines(changed, result.rota)
    summary = "\n".join(out + err)
    assert summary.count(labels_for("zh-CN").penalty(CHANGE_NAME) + "：") == 1
    assert f"：{len(result.diff.changes)} × " in summary
    page = visible(printable_html(changed, result.rota))
    assert latin_words(changed, page, digest=result.rota.scenario_digest) == set()
    assert latin_words(changed, summary) == set()
    assert latin_words(changed, diff_text(changed, result.diff)) == set()


def test_every_penalty_the_solver_names_has_a_label_in_each_locale() -> None:
    soft = Path(__file__).parent.parent / "rota_solver" / "model" / "soft_rules.py"
    names = set(re.findall(r'Penalty\(\s*"(\w+)"', soft.read_text(encoding="utf-8")))
    names |= set(_DESCRIPTIONS) | {CHANGE_NAME, RESTAFFED_NAME}
    assert "JointActivityTime" in names
    for locale in LOCALES:
        labels = labels_for(locale)
        assert {n for n in names if labels.penalty(n) == n} == set(), locale
        for proof in (
            "weekly_optimal",
            "weekly_limit",
            "weekly_limit_duties_shared",
            "term_optimal",
            "term_limit",
        ):
            assert proof in labels.proofs, (locale, proof)
    zh = labels_for("zh-CN")
    assert {n for n in names if n not in zh.penalty_descriptions} == set()
