#!/usr/bin/env bash
# Installs what the test suite needs when it is missing: Debian packages (Chromium and its driver, nginx,
# PostgreSQL, wrk, faketime), a Python venv with pytest, Selenium and the OpenAPI validators, and schemathesis
# in a venv of its own (it pins its own hypothesis).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v faketime >/dev/null 2>&1 || missing+=(faketime)
command -v nginx >/dev/null 2>&1 || missing+=(nginx-light)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

VENV=.venv-test
if [ ! -x "$VENV/bin/pytest" ] || ! "$VENV/bin/python" -c "import selenium, openapi_core, requests, yaml, icalendar, pyotp, prometheus_client" 2>/dev/null; then
  echo "Creating the Python test environment in $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r e2e/requirements.txt
fi

FUZZ=.venv-fuzz
if [ ! -x "$FUZZ/bin/schemathesis" ]; then
  echo "Creating the API fuzzing environment in $FUZZ"
  python3 -m venv "$FUZZ"
  "$FUZZ/bin/pip" install -q --disable-pip-version-check "schemathesis>=4.3,<5"
fi
