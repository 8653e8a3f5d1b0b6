#!/usr/bin/env bash
# explain-faces.sh — per-object explanations: a detector finds the faces,
# guidedbp explains each box on its own (inference-region=roi-list), all
# boxes of a frame in one batch, and draws each saliency inside its box.
#
# facedetect (gstreamer1.0-opencv, with opencv-data's cascade files) attaches
# a GstVideoRegionOfInterestMeta of type "face" per face it finds; guidedbp
# adds its result to each as a "guidedbp" param and leaves the frame as it
# came in outside the boxes. With GST_LAUNCH="gst-launch-1.0 -m" and
# post-messages=true in GBP_PROPS each frame's boxes and results are printed.
#
# Environment:
#   INPUT        an image file (default: tests/data/faces/astronaut-256.jpg)
#   OUTPUT       the PNG to write (default: faces.png)
#   MODEL        TorchScript classifier (default: the element's bundled demo model)
#   RENDER_MODE  the render-mode drawn in each box (default: overlay)
#   WIDTH, HEIGHT  scale the picture to this size first (default: its own)
#   GBP_PROPS    more guidedbp properties, e.g. "max-objects=4 post-messages=true"
#   HEADLESS=1   the default input (used by the tests)
#   GST_LAUNCH   the launcher and its options (default: gst-launch-1.0)
# Example (in the source tree):
#   GST_PLUGIN_PATH=$PWD/build/plugin pipelines/explain-faces.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
read -r -a launch <<< "${GST_LAUNCH:-gst-launch-1.0}"
read -r -a props <<< "${GBP_PROPS:-}"
[ -n "${MODEL:-}" ] && props=("model=$MODEL" "${props[@]}")
scale=()
[ -n "${WIDTH:-}" ] && scale=(! videoscale ! "video/x-raw,width=$WIDTH,height=${HEIGHT:-$WIDTH}")

exec "${launch[@]}" \
  filesrc location="${INPUT:-$here/../tests/data/faces/astronaut-256.jpg}" \
  ! decodebin "${scale[@]}" ! videoconvert ! facedetect display=false \
  ! guidedbp inference-region=roi-list object-class=face \
    render-mode="${RENDER_MODE:-overlay}" annotate=true "${props[@]}" \
  ! videoconvert ! pngenc snapshot=true ! filesink location="${OUTPUT:-faces.png}"
