#!/bin/bash
# The element against the engine (never run by CI):
#   bash bench/run-element.sh [element.py options, e.g. --arch resnet18]
# Exports MobileNetV2 and ResNet18 with random weights into bench/models/
# (not committed), builds, then prints the table (bench/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/prepare.sh mobilenet_v2 resnet18
exec /usr/bin/python3 bench/element.py --server build/bench/gbp-bench-server \
  --models bench/models "$@"
