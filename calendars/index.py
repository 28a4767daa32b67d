"""The index page of a calendars folder: every feed, its file, its events, and how to subscribe.

Plain HTML in the school's language, every text escaped, no scripts: it is served next to the
feeds by whatever web server serves them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from html import escape

from rota_solver.html_document import html_document
from rota_solver.rota import Rota
from rota_solver.scenario import Scenario

from .feed_file import Feed
from .words import feed_words

_GROUPS = ("library", "grade", "class", "room", "staff", "helpers")

_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em;line-height:1.5}"
    "table{border-collapse:collapse;width:100%;margin-bottom:1.5em}"
    "th,td{border-bottom:1px solid #ccc;padding:.3em .5em;text-align:left}"
    "td.n{text-align:right}code{background:#f4f4f4;padding:0 .2em}a{word-break:break-all}"
)


FeedColumn = tuple[str, Callable[[Feed], str]]
"""A table column: its heading (plain text) and the cell's HTML for a feed."""


def index_html(scenario: Scenario, rota: Rota, feeds: Sequence[Feed]) -> str:
    """The page listing ``feeds`` as files beside it, grouped by kind, with how to serve them."""
    words = feed_words(scenario.school.locale)
    say = words.index
    example = next((f.filename for f in feeds if f.kind == "class"), feeds[0].filename if feeds else "")
    body = [
        f"<h2>{escape(say['how'])}</h2>",
        "<ol>",
        f"<li>{_fill(say['how_serve'], url=say['example_url'].format(file=example))}</li>",
        f"<li>{_fill(say['how_webcal'], https='https://', webcal='webcal://')}</li>",
        f"<li>{escape(say['how_file'])}</li>",
        "</ol>",
    ]
    file_column: FeedColumn = (
        say["col_file"],
        lambda feed: f'<a href="{escape(feed.filename)}" type="text/calendar">{escape(feed.filename)}</a>',
    )
    body += feed_tables(scenario.school.locale, feeds, [file_column])
    return feed_page(scenario, body, version_time=rota.version_time)


def feed_page(
    scenario: Scenario, body: Sequence[str], *, version_time: dt.datetime, extra_head: Sequence[str] = ()
) -> str:
    """A whole page in the school's language: title, introduction, ``body`` (HTML), version line."""
    words = feed_words(scenario.school.locale)
    say = words.index
    title = say["title"].format(school=scenario.school.name)
    version = version_time.strftime("%Y-%m-%d %H:%M")
    body = [
        f"<p>{escape(say['intro'])}</p>",
        *body,
        f"<p><small>{escape(say['version'].format(time=version))}</small></p>",
    ]
    return html_document(words.labels.html_lang, title, _STYLE, body, extra_head)


def feed_tables(locale: str, feeds: Sequence[Feed], columns: Sequence[FeedColumn]) -> list[str]:
    """One table per kind of feed (library, grades, classes, rooms, staff, helpers): its title,
    the given columns, and its number of events."""
    say = feed_words(locale).index
    lines: list[str] = []
    for group in _GROUPS:
        members = [f for f in feeds if f.kind == group]
        if not members:
            continue
        headings = "".join(f"<th>{escape(heading)}</th>" for heading, _ in columns)
        lines += [
            f"<h2>{escape(say['group_' + group])}</h2>",
            "<table>",
            f"<thead><tr><th>{escape(say['col_title'])}</th>{headings}"
            f'<th class="n">{escape(say["col_events"])}</th></tr></thead>',
            "<tbody>",
        ]
        for feed in members:
            cells = "".join(f"<td>{cell(feed)}</td>" for _, cell in columns)
            lines.append(f'<tr><td>{escape(feed.title)}</td>{cells}<td class="n">{feed.events}</td></tr>')
        lines += ["</tbody>", "</table>"]
    return lines


def _fill(template: str, **values: str) -> str:
    """``template`` escaped, its ``{placeholders}`` filled with ``values`` escaped and set as code."""
    parts = re.split(r"\{(\w+)\}", template)
    html = []
    for i, part in enumerate(parts):
        html.append(f"<code>{escape(values[part])}</code>" if i % 2 else escape(part))
    return "".join(html)
