#!/bin/bash
# One command for the benchmarks (never run by CI):
#   bash bench/run.sh [bench.py options, e.g. --arch alexnet resnet18]
# Exports the torchvision models with random weights into bench/models/
# (not committed), builds, then prints the tables. Needs the plugin built
# for the element part (GST_PLUGIN_PATH is set here).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/prepare.sh alexnet resnet18 mobilenet_v2 vgg16
exec /usr/bin/python3 bench/bench.py --server build/bench/gbp-bench-server \
  --models bench/models "$@"
