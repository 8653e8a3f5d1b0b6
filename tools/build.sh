#!/bin/bash
# Configures (once) and builds guidedbp in ./build. Extra arguments go to
# meson: `meson setup` the first time, `meson configure` after, e.g.
# -Dlibtorch_dir=/path/to/torch, or tools/test.sh's -Dtests=enabled.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/build.ninja ]; then
  meson setup build "$@"
elif [ $# -gt 0 ]; then
  meson configure build "$@"
fi
ninja -C build
