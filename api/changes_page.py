"""A rerun's changes as a plain HTML page in the school's language: title, the summary line, then the
changes grouped by class, by staff member and by room.

The words and lines are :func:`rota_solver.rerun.diff_text`'s, so the page says exactly what the
text says; only the layout is added here. Every text is escaped; no scripts, no outside resources.
"""

from __future__ import annotations

from html import escape

from rota_solver.labels import labels_for
from rota_solver.rerun import RotaDiff, diff_text
from rota_solver.scenario import Scenario

_TITLES = {
    "zh-CN": "{school}：第{number}版排班的变更（基于第{based_on}版重新排班）",
    "en": "{school}: what rota version {number} changes (rerun of version {based_on})",
}
_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em;line-height:1.5}"
    "h2{margin-top:1.5em;border-bottom:1px solid #ccc}h3{margin:.8em 0 .2em;font-size:1em}"
    "ul{list-style:none;margin:0;padding-left:1em}"
)
# diff_text's layout: the summary line, then per section a heading at the margin, each subject
# indented by two spaces and each of its changes by four.
_SUBJECT = "  "
_CHANGE = "    "


def changes_html(scenario: Scenario, diff: RotaDiff, *, number: int, based_on: int | None) -> str:
    """The page for rota version ``number``, rerun against version ``based_on``."""
    labels = labels_for(scenario.school.locale)
    title = _TITLES.get(scenario.school.locale, _TITLES["en"]).format(
        school=scenario.school.name, number=number, based_on=based_on if based_on is not None else "?"
    )
    lines = diff_text(scenario, diff).splitlines()
    body = [f"<p>{escape(lines[0])}</p>"] if lines else []
    in_list = False
    for line in lines[1:]:
        if not line.strip():
            continue
        if line.startswith(_CHANGE):
            if not in_list:
                body.append("<ul>")
                in_list = True
            body.append(f"<li>{escape(line.strip())}</li>")
            continue
        if in_list:
            body.append("</ul>")
            in_list = False
        if line.startswith(_SUBJECT):
            body.append(f"<h3>{escape(line.strip())}</h3>")
        else:
            body.append(f"<h2>{escape(line.strip().rstrip(':：'))}</h2>")
    if in_list:
        body.append("</ul>")
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{escape(labels.html_lang)}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(title)}</title>",
            f"<style>{_STYLE}</style>",
            "</head>",
            "<body>",
            f"<h1>{escape(title)}</h1>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )
