#!/bin/bash
# One command for the benchmarks (never run by CI):
#   bash bench/run.sh [bench.py options, e.g. --arch alexnet resnet18]
# Exports the torchvision models with random weights into bench/models/
# (not committed), builds, then prints the tables. Needs the plugin built
# for the element part (GST_PLUGIN_PATH is set here).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh >/dev/null
mkdir -p bench/models
for arch in alexnet resnet18 mobilenet_v2 vgg16; do
  [ -f "bench/models/$arch.pt" ] ||
    /usr/bin/python3 tools/export-torchvision.py "$arch" "bench/models/$arch.pt" \
      --random-weights >/dev/null
done
export GST_PLUGIN_PATH="$PWD/build/plugin${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
exec /usr/bin/python3 bench/bench.py --server build/bench/gbp-bench-server \
  --models bench/models "$@"
