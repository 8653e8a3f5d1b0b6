#!/bin/bash
# From a fresh Debian 12 machine to a full test run: installs what is
# missing, builds, runs every test suite. Exit status: the tests'. The
# element and the tests are required (-Dplugin=enabled -Dtests=enabled): a
# missing dependency fails the build instead of leaving tests out, so the
# run cannot pass having run nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
bash tools/build.sh -Dplugin=enabled -Dtests=enabled
meson test -C build --print-errorlogs --num-processes 1
