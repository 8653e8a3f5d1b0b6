#!/usr/bin/env bash
# three-up.sh — original | gradient | heatmap, side by side.
#
# Shows two render modes next to the input: a tee feeds the frames straight
# to compositor's left third, through guidedbp (render-mode=gradient) to the
# middle and through a second guidedbp (render-mode=heatmap) to the right.
# Each guidedbp holds its own model, so the model runs twice per frame.
# Output is a window, or a WebM file when OUTPUT is set.
#
# Environment (all optional):
#   INPUT        a video file (default: videotestsrc's moving ball)
#   OUTPUT       write a WebM (VP8) file instead of opening a window
#   COLORMAP     the heatmap's colormap: jet, turbo, inferno, viridis (default: jet)
#   MODEL        TorchScript classifier (default: the element's bundled demo model)
#   GBP_PROPS    more properties for both guidedbp, e.g. "input-width=64 input-height=64"
#   WIDTH HEIGHT size of each third (default: 320x240)
#   NUM_BUFFERS  test-pattern frames without INPUT (default: -1; 10 when HEADLESS=1)
#   HEADLESS=1   no window: fakesink unless OUTPUT is set, 10 frames (used by the tests)
#   GST_LAUNCH   the launcher and its options (default: gst-launch-1.0)
# From a build tree: GST_PLUGIN_PATH=$PWD/build/plugin pipelines/three-up.sh
set -euo pipefail

read -r -a launch <<< "${GST_LAUNCH:-gst-launch-1.0}"
read -r -a props <<< "${GBP_PROPS:-}"
[ -n "${MODEL:-}" ] && props=("model=$MODEL" "${props[@]}")
width=${WIDTH:-320}
height=${HEIGHT:-240}

if [ "${HEADLESS:-0}" = 1 ]; then
  num_buffers=${NUM_BUFFERS:-10}
else
  num_buffers=${NUM_BUFFERS:--1}
fi

if [ -n "${INPUT:-}" ]; then
  source=(filesrc location="$INPUT" ! decodebin)
else
  source=(videotestsrc num-buffers="$num_buffers" pattern=ball)
fi

if [ -n "${OUTPUT:-}" ]; then
  sink=(vp8enc deadline=1 ! webmmux ! filesink location="$OUTPUT")
elif [ "${HEADLESS:-0}" = 1 ]; then
  sink=(fakesink)
else
  sink=(autovideosink)
fi

exec "${launch[@]}" -e \
  compositor name=mix sink_1::xpos="$width" sink_2::xpos="$((2 * width))" \
  ! videoconvert ! "${sink[@]}" \
  "${source[@]}" \
  ! videoconvert ! videoscale ! "video/x-raw,width=$width,height=$height" \
  ! tee name=split \
  split. ! queue ! mix.sink_0 \
  split. ! queue ! videoconvert ! guidedbp render-mode=gradient "${props[@]}" \
    ! videoconvert ! mix.sink_1 \
  split. ! queue ! videoconvert \
    ! guidedbp render-mode=heatmap colormap="${COLORMAP:-jet}" "${props[@]}" \
    ! videoconvert ! mix.sink_2
