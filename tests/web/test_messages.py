"""The web app's words: every message the templates and pages name exists in both languages, no key
is defined twice, and a message's fields are the same in both."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

import api.web
from api.web.i18n import ALL, Translator, pick_locale

WEB = Path(api.web.__file__).parent
_KEY_USE = re.compile(r"""\bt\(\s*["']([A-Za-z0-9_.\-]+)["']\s*[,)]""")


def _used_keys() -> set[tuple[str, str]]:
    used: set[tuple[str, str]] = set()
    for path in [*WEB.rglob("*.html"), *WEB.rglob("*.py")]:
        if path.parent.name == "i18n":
            continue
        for key in _KEY_USE.findall(path.read_text(encoding="utf-8")):
            used.add((str(path.relative_to(WEB)), key))
    return used


def test_every_message_used_exists() -> None:
    missing = sorted((where, key) for where, key in _used_keys() if key not in ALL)
    assert not missing, missing


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(ALL))
def test_both_languages_have_the_same_fields(key: str) -> None:
    en, zh = ALL[key]
    assert en.strip() and zh.strip(), key
    assert _fields(en) == _fields(zh), key


def test_translator_speaks_each_language_and_refuses_unknown_keys() -> None:
    assert Translator("en")("nav.sign_out") == "Sign out"
    assert Translator("zh-CN")("nav.sign_out") == "退出登录"
    assert Translator("fr").locale == "en"
    with pytest.raises(KeyError):
        Translator("en")("no.such.key")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"),
        ("en-GB,en;q=0.9", "en"),
        ("zh-TW", "zh-CN"),
        ("fr-FR", "zh-CN"),
        (None, "zh-CN"),
    ],
)
def test_browser_language_picks_the_page_language(header: str | None, expected: str) -> None:
    assert pick_locale(header) == expected
