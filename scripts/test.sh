#!/usr/bin/env bash
# Installs everything into .venv (and ical.js, the feed tests' second parser, into tests/calendars/node),
# then runs lint, types, the tests and a benchmark smoke run.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
# ical.js at the version of tests/calendars/node/package-lock.json, for tests/calendars/test_parsers.py.
npm ci --prefix tests/calendars/node --no-audit --no-fund
# FET (Debian packages fet, command fet-cl, and fet-data, its example schools): the scale benchmark's
# baseline, and `rota import`'s tests, which make real schools' timetables with fet-cl and fail without it.
# LibreOffice Calc converts rota.xlsx in its test (skipped only where it cannot be installed).
if command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo -n"; fi
    if ! command -v fet-cl >/dev/null 2>&1 || [ ! -d /usr/share/doc/fet-data/examples ]; then
        echo "== installing FET"
        ($SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq fet fet-data >/dev/null) \
            || echo "could not install FET (fet, fet-data): the timetable import tests will fail"
    fi
    if ! command -v libreoffice >/dev/null 2>&1; then
        echo "== installing LibreOffice Calc"
        ($SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends libreoffice-calc >/dev/null) \
            || echo "could not install LibreOffice: rota.xlsx's conversion test is skipped"
    fi
fi
echo "== ruff"; .venv/bin/ruff check .
echo "== mypy"; .venv/bin/mypy
echo "== pytest"; .venv/bin/python -m pytest
echo "== bench (smoke)"; .venv/bin/python -m bench.solve_time --repeat 1; .venv/bin/python -m bench.feeds --repeat 1
.venv/bin/python -m bench.rerun --repeat 1
.venv/bin/python -m bench.import_speed --repeat 1
# The scale benchmark at its smallest size (12 classes; seconds; FET is used only if installed).
.venv/bin/python -m bench.scale --smoke
