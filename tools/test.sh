#!/bin/bash
# From a fresh Debian 12 machine to a full test run: installs what is
# missing, builds, runs every test suite. Exit status: the tests'.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
bash tools/build.sh
meson test -C build --print-errorlogs --num-processes 1
