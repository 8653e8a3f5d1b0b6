#!/usr/bin/env bash
# webcam.sh — live saliency of a V4L2 camera, in a window.
#
# Shows guidedbp in a live pipeline: a leaky one-frame queue lets the camera
# run at its own rate while guidedbp explains the newest frame; late frames
# are dropped by QoS and the element reports its processing time as
# latency, so the sink schedules frames correctly.
#
# Environment (all optional):
#   DEVICE       camera device (default: /dev/video0)
#   MODEL        TorchScript classifier (default: the element's bundled demo model)
#   GBP_PROPS    more guidedbp properties, e.g. "device=cuda post-messages=true"
#   WIDTH HEIGHT capture size (default: 640x480)
#   HEADLESS=1   no camera and no window: a live videotestsrc, 10 frames,
#                fakesink synchronised to the clock (used by the tests)
#   NUM_BUFFERS  frames to run in HEADLESS mode (default: 10)
#   GST_LAUNCH   the launcher and its options (default: gst-launch-1.0)
# From a build tree: GST_PLUGIN_PATH=$PWD/build/plugin pipelines/webcam.sh
set -euo pipefail

read -r -a launch <<< "${GST_LAUNCH:-gst-launch-1.0}"
read -r -a props <<< "${GBP_PROPS:-}"
[ -n "${MODEL:-}" ] && props=("model=$MODEL" "${props[@]}")

if [ "${HEADLESS:-0}" = 1 ]; then
  source=(videotestsrc is-live=true num-buffers="${NUM_BUFFERS:-10}" pattern=ball)
  sink=(fakesink sync=true)
else
  source=(v4l2src device="${DEVICE:-/dev/video0}")
  sink=(autovideosink)
fi

exec "${launch[@]}" \
  "${source[@]}" \
  ! videoconvert ! videoscale \
  ! "video/x-raw,width=${WIDTH:-640},height=${HEIGHT:-480}" \
  ! queue max-size-buffers=1 leaky=downstream \
  ! guidedbp "${props[@]}" ! videoconvert \
  ! "${sink[@]}"
