#!/bin/bash
# The element against the engine (never run by CI):
#   bash bench/run-element.sh [element.py options, e.g. --arch resnet18]
# Exports MobileNetV2 and ResNet18 with random weights into bench/models/
# (not committed), builds, then prints the table (bench/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh >/dev/null
mkdir -p bench/models
for arch in mobilenet_v2 resnet18; do
  [ -f "bench/models/$arch.pt" ] ||
    /usr/bin/python3 tools/export-torchvision.py "$arch" "bench/models/$arch.pt" \
      --random-weights >/dev/null
done
export GST_PLUGIN_PATH="$PWD/build/plugin${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
exec /usr/bin/python3 bench/element.py --server build/bench/gbp-bench-server \
  --models bench/models "$@"
