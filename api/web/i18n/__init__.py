"""The web app's words in its two languages, zh-CN and en.

Each area of the app keeps its messages in a module of its own here (``MESSAGES``: key -> (en,
zh-CN)), so that both languages are written side by side and neither can be missing. Keys are
unique across modules (a test checks it, and that every key a template uses exists).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import account, common, publish, setup, solve, teachers, views

Messages = Mapping[str, tuple[str, str]]

_MODULES: tuple[Messages, ...] = (
    common.MESSAGES,
    account.MESSAGES,
    setup.MESSAGES,
    solve.MESSAGES,
    views.MESSAGES,
    publish.MESSAGES,
    teachers.MESSAGES,
)


def _merge() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for messages in _MODULES:
        for key, pair in messages.items():
            if key in merged:
                raise RuntimeError(f"message key {key!r} is defined twice")
            merged[key] = pair
    return merged


ALL: Mapping[str, tuple[str, str]] = _merge()
LANGUAGES = ("zh-CN", "en")


class Translator:
    """``t("key", name=...)``: the message in this language, with its ``{name}`` fields filled."""

    def __init__(self, locale: str) -> None:
        self.locale = locale if locale in LANGUAGES else "en"
        self._index = 1 if self.locale == "zh-CN" else 0

    def __call__(self, key: str, **fields: Any) -> str:
        pair = ALL.get(key)
        if pair is None:
            raise KeyError(f"no message {key!r}")
        text = pair[self._index]
        return text.format(**fields) if fields else text


def pick_locale(accept_language: str | None, default: str = "zh-CN") -> str:
    """zh-CN or en from an Accept-Language header (the first of them it names)."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh-CN"
        if tag.startswith("en"):
            return "en"
    return default
