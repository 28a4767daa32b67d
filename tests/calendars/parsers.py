"""Reading feeds with ical.js (the parser of Thunderbird and many web calendars) and with the Python
``icalendar`` package, for the tests of this folder.

ical.js runs in ``node/parse_feeds.mjs`` and comes from ``node/package-lock.json``:
``npm ci --prefix tests/calendars/node`` (``scripts/test.sh`` runs it).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import TypedDict, cast

import icalendar
import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE_DIR = Path(__file__).resolve().parent / "node"
PARSE_FEEDS = NODE_DIR / "parse_feeds.mjs"
ICAL_JS_VERSION = "2.2.1"
INSTALL_HINT = "npm ci --prefix tests/calendars/node --no-audit --no-fund"


class JsEvent(TypedDict):
    uid: str | None
    summary: str | None
    isDate: bool | None
    start: int | str | None
    end: int | str | None
    startLocal: str | None
    endLocal: str | None
    tzid: str | None
    zone: str | None
    endTzid: str | None
    endZone: str | None
    hasDtend: bool
    status: str | None
    sequence: int | None
    recurring: bool


class JsFile(TypedDict):
    path: str
    calname: str | None
    timezones: list[str]
    events: list[JsEvent]
    errors: list[str]


def check_node_ready() -> str:
    """The node executable; fails the test, saying how to fix it, when node or ical.js is missing."""
    node = shutil.which("node")
    if node is None:
        pytest.fail(
            f"node is not on PATH: these tests read the feeds with ical.js (then: {INSTALL_HINT})",
            pytrace=False,
        )
    installed = NODE_DIR / "node_modules" / "ical.js" / "package.json"
    if not installed.is_file():
        pytest.fail(
            f"ical.js is not installed in {NODE_DIR / 'node_modules'}; run `{INSTALL_HINT}`", pytrace=False
        )
    version = json.loads(installed.read_text(encoding="utf-8"))["version"]
    if version != ICAL_JS_VERSION:
        pytest.fail(
            f"ical.js {version} is installed, the lock file asks for {ICAL_JS_VERSION}; run `{INSTALL_HINT}`",
            pytrace=False,
        )
    return node


def parse_with_ical_js(paths: list[Path]) -> dict[str, JsFile]:
    """What ical.js reads in each file, by file stem (the feed key)."""
    node = check_node_ready()
    done = subprocess.run(
        [node, str(PARSE_FEEDS), *(str(p) for p in paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"{PARSE_FEEDS.name} exited {done.returncode}:\n{done.stderr}", pytrace=False)
    files = cast(list[JsFile], json.loads(done.stdout)["files"])
    return {Path(f["path"]).stem: f for f in files}


def read_with_icalendar(key: str, data: bytes) -> icalendar.Calendar:
    """The feed ``key`` as icalendar reads it; any failure to read fails the test."""
    try:
        return icalendar.Calendar.from_ical(data)
    except Exception as error:  # any failure to read is the finding
        pytest.fail(f"{key}.ics: icalendar cannot read it: {error!r}", pytrace=False)
