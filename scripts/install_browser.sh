#!/usr/bin/env bash
# What the browser tests (tests/ui/, marker `browser`) need: Debian's chromium and
# Playwright's Python package. Playwright's own browser download is
# never used: it cannot be fetched from here, and the tests point Playwright at
# /usr/bin/chromium instead. Safe to run again: both steps are skipped when already done.
set -euo pipefail

VENV="${VENV:-.venv}"
CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    echo "chromium: already installed ($CHROMIUM)"
elif [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "chromium: installing with apt-get (a few minutes the first time)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
else
    echo "##########################################################################"
    echo "## chromium is missing and cannot be installed here (needs root + apt-get):"
    echo "## BROWSER TESTS WILL BE SKIPPED. Install Debian's 'chromium' package to run them."
    echo "##########################################################################"
fi

if "$VENV/bin/python" -c "import playwright" >/dev/null 2>&1; then
    echo "playwright: already installed in $VENV"
else
    echo "playwright: installing the Python package into $VENV (no browser download)"
    "$VENV/bin/pip" install --quiet "playwright>=1.45"
fi
