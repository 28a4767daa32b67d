#!/usr/bin/env bash
# Installs everything into .venv, then runs lint, types, the tests and a benchmark smoke run.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
echo "== ruff"; .venv/bin/ruff check .
echo "== mypy"; .venv/bin/mypy
echo "== pytest"; .venv/bin/python -m pytest
echo "== bench (smoke)"; .venv/bin/python -m bench.solve_time --repeat 1
