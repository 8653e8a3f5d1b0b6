#!/bin/bash
# Installs the Debian 12 packages guidedbp needs to build, test and run its
# demo, skipping the apt step when everything is already there.
#   bash tools/install-deps.sh            build + tests + demo
set -euo pipefail

packages=(
  # build
  meson ninja-build pkg-config gcc g++
  libglib2.0-dev libtorch-dev
  # oneDNN convolutions with packed weights (the headers libtorch was built with)
  libideep-dev libdnnl-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  # the element's annotate property: text by Pango and Cairo, and a font
  libpango1.0-dev libcairo2-dev fonts-dejavu-core
  # run: gst-launch-1.0, videotestsrc, videoconvert, compositor, encoders
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  # tests
  check
  # per-object explanations (inference-region=roi-list): a real detector,
  # facedetect, and its cascade files, in the pipeline and Python tests
  gstreamer1.0-opencv opencv-data gir1.2-gst-plugins-base-1.0
  # the Python example (pipelines/apps/live-meta.py): PyGObject, GStreamer's
  # typelib and its Python overrides
  python3-gi gir1.2-gstreamer-1.0 python3-gst-1.0
  # fixture and demo-model scripts (tools/*.py), and the test video
  python3-torch python3-torchvision python3-pil python3-numpy
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
