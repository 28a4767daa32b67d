"""The frame of the small HTML pages (feed index, a rerun's changes): language, title, style."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape


def html_document(
    lang: str, title: str, style: str, body: Sequence[str], extra_head: Sequence[str] = ()
) -> str:
    """A whole page: ``body`` (HTML, already escaped) under an ``<h1>`` of the (escaped) title."""
    lines = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        *extra_head,
        f"<title>{escape(title)}</title>",
        f"<style>{style}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(title)}</h1>",
        *body,
        "</body>",
        "</html>",
    ]
    return "\n".join(lines) + "\n"
