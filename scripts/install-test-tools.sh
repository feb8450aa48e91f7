#!/usr/bin/env bash
# Tools only the tests use, pinned: Python's icalendar (a second, strict calendar parser) into the
# project's venv (.tools/venv, made by install-temporal-cli.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.tools/venv/bin/python
[ -x "$PY" ] || python3 -m venv .tools/venv
.tools/venv/bin/pip install -q --only-binary=:all: icalendar==6.3.1
