#!/bin/bash
# Configures (once) and builds guidedbp in ./build. Extra arguments go to
# `meson setup`, e.g. -Dlibtorch_dir=/path/to/torch.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/build.ninja ]; then
  meson setup build "$@"
fi
ninja -C build
