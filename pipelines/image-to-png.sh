#!/usr/bin/env bash
# image-to-png.sh — an image file in, its saliency map as a PNG out.
#
# Shows single-frame use: decodebin decodes the image (PNG, JPEG, ...) to one
# frame, guidedbp explains it at the image's own size, pngenc writes it.
#
# Environment:
#   INPUT        the image file (required, except with HEADLESS=1)
#   OUTPUT       the PNG to write (default: saliency.png)
#   MODEL        TorchScript classifier (default: the element's bundled demo model)
#   GBP_PROPS    more guidedbp properties, e.g. "target-class=3 post-messages=true"
#                (with GST_LAUNCH="gst-launch-1.0 -m" the class and score are printed)
#   HEADLESS=1   without INPUT: explain one test-pattern frame (used by the tests)
#   GST_LAUNCH   the launcher and its options (default: gst-launch-1.0)
# Example:
#   GST_PLUGIN_PATH=$PWD/build/plugin INPUT=cat.jpg OUTPUT=cat-saliency.png \
#     pipelines/image-to-png.sh
set -euo pipefail

read -r -a launch <<< "${GST_LAUNCH:-gst-launch-1.0}"
read -r -a props <<< "${GBP_PROPS:-}"
[ -n "${MODEL:-}" ] && props=("model=$MODEL" "${props[@]}")

if [ -n "${INPUT:-}" ]; then
  source=(filesrc location="$INPUT" ! decodebin)
elif [ "${HEADLESS:-0}" = 1 ]; then
  source=(videotestsrc num-buffers=1 ! video/x-raw,width=160,height=120)
else
  echo "usage: INPUT=image-file [OUTPUT=saliency.png] $0" >&2
  exit 2
fi

exec "${launch[@]}" \
  "${source[@]}" \
  ! videoconvert ! guidedbp "${props[@]}" ! videoconvert \
  ! pngenc snapshot=true ! filesink location="${OUTPUT:-saliency.png}"
