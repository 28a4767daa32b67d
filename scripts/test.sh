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
# axe-core at the version of tests/web/node/package-lock.json: the browser tests' accessibility check.
npm ci --prefix tests/web/node --no-audit --no-fund
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
    # Debian's Chromium (and its driver), a CJK and an emoji font: the web app's browser tests
    # (tests/web/browser) drive it with Playwright at /usr/bin/chromium (no browser is downloaded) and
    # fail without it; the fonts draw the pages' Chinese and 📌 in their screenshots.
    if [ ! -x /usr/bin/chromium ] || ! command -v chromedriver >/dev/null 2>&1 \
        || [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || [ ! -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]; then
        echo "== installing Chromium and fonts"
        ($SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
            chromium chromium-driver fonts-wqy-microhei fonts-noto-color-emoji >/dev/null) \
            || { echo "could not install chromium, chromium-driver, fonts-wqy-microhei and fonts-noto-color-emoji: the browser tests need them" >&2; exit 1; }
    fi
    # nginx (Debian's nginx-light) and openssl: the shipped nginx configuration (deploy/nginx/) is tested
    # in front of the real server, answering feeds from the files it keeps (tests/api/test_static_feeds.py).
    if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ] || ! command -v openssl >/dev/null 2>&1; then
        echo "== installing nginx and openssl"
        ($SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx-light openssl >/dev/null) \
            || { echo "could not install nginx-light and openssl: the static feeds' tests need them" >&2; exit 1; }
    fi
    if ! command -v libreoffice >/dev/null 2>&1; then
        echo "== installing LibreOffice Calc"
        ($SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends libreoffice-calc >/dev/null) \
            || echo "could not install LibreOffice: rota.xlsx's conversion test is skipped"
    fi
fi
# PostgreSQL and Redis: the service's queue and database tests (tests/api/test_queue.py, the end-to-end
# test's queue run, bench.district) use real ones; install and start them where they are not running.
if ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null || ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo -n"; fi
    if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! command -v redis-server >/dev/null 2>&1; then
        echo "== installing PostgreSQL and Redis"
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql redis-server >/dev/null
    fi
    if ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
        $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
        # trust on loopback for the tests' own databases (user postgres, database test)
        hba="$(ls -d /etc/postgresql/*/main | sort -V | tail -1)/pg_hba.conf"
        if ! grep -q "rota-tests" "$hba"; then
            printf 'host all all 127.0.0.1/32 trust # rota-tests\nhost all all ::1/128 trust # rota-tests\n' \
                | cat - "$hba" | $SUDO tee "$hba.new" >/dev/null && $SUDO mv "$hba.new" "$hba"
            $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main reload
        fi
    fi
    if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
        $SUDO redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no
    fi
    for _ in $(seq 1 30); do
        (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null && (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && break
        sleep 1
    done
fi
if command -v psql >/dev/null 2>&1; then
    psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1 \
        || psql -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE test" >/dev/null
fi
echo "== ruff"; .venv/bin/ruff check .
echo "== mypy"; .venv/bin/mypy
echo "== pytest"; .venv/bin/python -m pytest
echo "== bench (smoke)"; .venv/bin/python -m bench.solve_time --repeat 1; .venv/bin/python -m bench.feeds --repeat 1
.venv/bin/python -m bench.rerun --repeat 1
.venv/bin/python -m bench.import_speed --repeat 1
.venv/bin/python -m bench.web_pages --smoke
# The scale benchmark at its smallest size (12 classes; seconds; FET is used only if installed).
.venv/bin/python -m bench.scale --smoke
# A district on the task queue at its smallest: 4 small schools, 1 worker, PostgreSQL and Redis.
.venv/bin/python -m bench.district --smoke
