"""The page-speed benchmark (``bench.web_pages``): it groups URLs into patterns, crawls only pages,
and at its smallest size prints a figure for every page pattern it found (no timing is asserted)."""

from __future__ import annotations

import re

import pytest

from bench.synthetic import synthetic_school_data
from bench.web_pages import Patterns, crawlable, links_of, main

TOKEN = "AbC123xyz_TOKEN-456"
_FIGURE = r"\d+\.\d"
_ROW = re.compile(
    rf"^(?P<pattern>/\S+)\s+(?P<who>librarian|admin|signed out)\s+(?P<pages>\d+)\s+(?P<kib>\d+)\s+"
    rf"(?P<first>{_FIGURE})\s+(?P<median>{_FIGURE})\s+(?P<p95>{_FIGURE})\s+(?P<max>{_FIGURE})\s+(?P<gcs>\d+)\b"
)


def test_patterns_put_placeholders_for_the_school_ids_dates_and_numbers() -> None:
    patterns = Patterns(synthetic_school_data(12), "bench", TOKEN)
    assert patterns("/app/s/bench/") == "/app/s/{school}/"
    assert patterns("/app/s/bench/rotas/12/classes/3-2") == "/app/s/{school}/rotas/{n}/classes/{class}"
    assert patterns("/app/s/bench/rotas/3/classes/1-1") == "/app/s/{school}/rotas/{n}/classes/{class}"
    assert patterns("/app/s/bench/rotas/1/staff/lib_1") == "/app/s/{school}/rotas/{n}/staff/{staff}"
    assert patterns("/app/s/bench/rotas/1/rooms/teachers_room") == "/app/s/{school}/rotas/{n}/rooms/{room}"
    assert patterns("/app/s/bench/setup/classes/3-2/edit") == "/app/s/{school}/setup/classes/{class}/edit"
    assert patterns(f"/feeds/{TOKEN}/class-3-2.ics") == "/feeds/{token}/class-{class}.ics"
    assert patterns(f"/feeds/{TOKEN}/") == "/feeds/{token}/"
    assert (
        patterns("/app/s/bench/rotas/2/month?class=5-1&m=2026-10")
        == "/app/s/{school}/rotas/{n}/month?class={class}&m={month}"
    )
    assert patterns("/app/s/bench/day/2026-11-03") == "/app/s/{school}/day/{date}"
    job = "/app/s/bench/jobs/0f8e2d4c-93b1-4b1e-9a55-2c4e8f0a7d11"
    assert patterns(job) == "/app/s/{school}/jobs/{id}"
    assert patterns("/app/s/bench/setup/grades/3") == "/app/s/{school}/setup/grades/{n}"
    # Ids that are not the scenario's keep their words; distinct routes stay distinct patterns.
    assert patterns("/app/s/bench/rotas/") != patterns("/app/s/bench/setup/")


def test_only_this_apps_pages_are_crawled() -> None:
    base = "http://testserver"
    assert crawlable(f"{base}/app/s/bench/rotas/1", TOKEN) == "/app/s/bench/rotas/1"
    assert crawlable(f"{base}/app/s/bench/rotas/1?view=week", TOKEN) == "/app/s/bench/rotas/1?view=week"
    assert crawlable(f"{base}/feeds/{TOKEN}/rota.html", TOKEN) == f"/feeds/{TOKEN}/rota.html"
    for not_a_page in (
        f"{base}/feeds/{TOKEN}/class-3-2.ics",
        f"{base}/feeds/another-token/",
        f"{base}/app/s/bench/rotas/1/rota.csv",
        f"{base}/app/s/bench/rotas/1?format=json",
        f"{base}/app/static/app.css",
        f"{base}/schools/bench/rotas",
        "https://example.org/app/s/bench/",
        "mailto:librarian@example.org",
    ):
        assert crawlable(not_a_page, TOKEN) is None, not_a_page


def test_links_are_read_from_anchors_only() -> None:
    html = (
        '<a href="/app/s/x/rotas/">rotas</a><link href="/app/static/app.css" rel="stylesheet">'
        '<form action="/app/sign-out" method="post"></form><a>no href</a><a href="1?a=1&amp;b=2">v</a>'
    )
    assert links_of(html) == ["/app/s/x/rotas/", "1?a=1&b=2"]


def test_smoke_run_prints_a_figure_for_every_page_pattern(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--smoke"])
    out = capsys.readouterr().out
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("URL pattern"))
    rows = []
    for line in lines[header + 1 :]:
        if not line.startswith("/"):
            break  # the table ends; notes, errors and the slowest pages follow
        found = _ROW.match(line)
        assert found is not None, f"a table row without its figures: {line!r}"
        rows.append(found)
    patterns = {row["pattern"] for row in rows}
    # The pages that exist whatever else is built: the school's page, the teachers' feed index and
    # its printable rota, the admin's page and the sign-in page.
    assert {
        "/app/s/{school}/",
        "/feeds/{token}/",
        "/feeds/{token}/rota.html",
        "/app/admin",
        "/app/sign-in",
    } <= patterns
    assert len(patterns) == len(rows)  # one row per pattern
    for row in rows:
        assert 1 <= int(row["pages"]) <= 5
        assert "bench" not in row["pattern"] and not re.search(r"\d", row["pattern"]), row["pattern"]
        assert float(row["median"]) <= float(row["max"])
    assert not re.search(r"^error: .* answered 5\d\d", out, re.MULTILINE), out
    slowest = re.search(rf"^slowest page: (/\S+) ({_FIGURE}) ms \(target < 100 ms\)$", out, re.MULTILINE)
    assert slowest is not None, out
    assert slowest.group(1) in patterns
    assert re.search(rf"^slowest first fetch: /\S+ {_FIGURE} ms$", out, re.MULTILINE), out
