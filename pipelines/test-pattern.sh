#!/usr/bin/env bash
# test-pattern.sh — the saliency map of GStreamer's test pattern, in a window.
#
# Shows the smallest guidedbp pipeline:
#   videotestsrc ! videoconvert ! guidedbp ! videoconvert ! autovideosink
# guidedbp takes RGB-family frames of any size and outputs the same caps.
#
# Environment (all optional):
#   MODEL        TorchScript classifier (default: the element's bundled demo model)
#   GBP_PROPS    more guidedbp properties, e.g. "input-width=64 input-height=64 post-messages=true"
#   PATTERN      videotestsrc pattern (default: smpte)
#   WIDTH HEIGHT frame size (default: 320x240)
#   NUM_BUFFERS  frames to run, -1 for ever (default: -1; 10 when HEADLESS=1)
#   HEADLESS=1   no window: fakesink, 10 frames (used by the tests)
#   GST_LAUNCH   the launcher and its options (default: gst-launch-1.0)
# From a build tree: GST_PLUGIN_PATH=$PWD/build/plugin pipelines/test-pattern.sh
set -euo pipefail

read -r -a launch <<< "${GST_LAUNCH:-gst-launch-1.0}"
read -r -a props <<< "${GBP_PROPS:-}"
[ -n "${MODEL:-}" ] && props=("model=$MODEL" "${props[@]}")

if [ "${HEADLESS:-0}" = 1 ]; then
  sink=(fakesink)
  num_buffers=${NUM_BUFFERS:-10}
else
  sink=(autovideosink)
  num_buffers=${NUM_BUFFERS:--1}
fi

exec "${launch[@]}" \
  videotestsrc num-buffers="$num_buffers" pattern="${PATTERN:-smpte}" \
  ! "video/x-raw,width=${WIDTH:-320},height=${HEIGHT:-240}" \
  ! videoconvert ! guidedbp "${props[@]}" ! videoconvert \
  ! "${sink[@]}"
