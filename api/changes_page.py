"""A rerun's changes as a plain HTML page in the school's language: title, the summary line, then the
changes grouped by class, by staff member and by room.

The words and lines are :func:`rota_solver.rerun.words.diff_sections`', as in the text version, so
the page says exactly what the text says; only the layout is added here. Every text is escaped; no
scripts, no outside resources.
"""

from __future__ import annotations

from html import escape

from rota_solver import RotaDiff, Scenario, diff_sections, html_document, labels_for, page_title

_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em;line-height:1.5}"
    "h2{margin-top:1.5em;border-bottom:1px solid #ccc}h3{margin:.8em 0 .2em;font-size:1em}"
    "ul{list-style:none;margin:0;padding-left:1em}"
)


def changes_html(scenario: Scenario, diff: RotaDiff, *, number: int, based_on: int | None) -> str:
    """The page for rota version ``number``, rerun against version ``based_on``."""
    labels = labels_for(scenario.school.locale)
    title = page_title(scenario, number, based_on)
    found = diff_sections(scenario, diff)
    body = [f"<p>{escape(found.summary)}</p>"]
    for section in found.sections:
        body.append(f"<h2>{escape(section.title)}</h2>")
        for subject, lines in section.groups:
            body.append(f"<h3>{escape(subject)}</h3>")
            body.append("<ul>" + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>")
    return html_document(labels.html_lang, title, _STYLE, body)
