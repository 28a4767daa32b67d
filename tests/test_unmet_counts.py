"""Counts a librarian can read (issue 14 item 7): the summary and the printed report count unmet
requirements one each, not the gap days their penalty adds up."""

from __future__ import annotations

from rota_solver import SolveOptions, SolveRequest, printable_html, run
from rota_solver.cli import summary_lines
from tests.explain import schools


def test_unmet_requirements_are_counted_one_each() -> None:
    scenario = schools.library_closed_for_a_week()
    outcome = run(SolveRequest(scenario, SolveOptions(time_limit_seconds=20)))
    assert outcome.kind == "solved_with_unmet" and outcome.rota is not None
    rota = outcome.rota
    [term] = [t for t in rota.report.terms if t.name == "Unmet"]
    assert term.units > len(rota.unmet), "the penalty counts gap days: this school binds"
    out, _ = summary_lines(scenario, rota)
    [line] = [x for x in out if x.strip().startswith("Unmet requirements")]
    assert line.strip() == f"Unmet requirements: {len(rota.unmet)}, penalty {term.cost}"
    page = printable_html(scenario, rota)
    row = page[page.index('<tr data-term="Unmet">') :]
    row = row[: row.index("</tr>")]
    assert f'<td class="n">{len(rota.unmet)}</td>' in row and f'<td class="n">{term.units}</td>' not in row
