#!/usr/bin/env bash
# record-overlay.sh — record the saliency heatmap over the original video.
#
# Shows render-mode=overlay: guidedbp blends the heatmap of the saliency
# (through COLORMAP, weight ALPHA) over each frame, and the result is
# encoded to a WebM (VP8) file. Every frame is explained (the pipeline is
# not live: nothing is dropped).
#
# Environment (all optional):
#   INPUT        a video file (default: videotestsrc's moving ball)
#   OUTPUT       the WebM file to write (default: overlay.webm)
#   ALPHA        weight of the heatmap, 0..1 (default: 0.5)
#   COLORMAP     jet, turbo, inferno or viridis (default: jet)
#   MODEL        TorchScript classifier (default: the element's bundled demo model)
#   GBP_PROPS    more guidedbp properties, e.g. "smoothing=0.5 target-class=3"
#   WIDTH HEIGHT size of the test pattern without INPUT (default: 320x240)
#   NUM_BUFFERS  test-pattern frames without INPUT (default: 100; 10 when HEADLESS=1)
#   HEADLESS=1   fewer frames (used by the tests)
#   GST_LAUNCH   the launcher and its options (default: gst-launch-1.0)
# Example:
#   GST_PLUGIN_PATH=$PWD/build/plugin INPUT=clip.mp4 OUTPUT=clip-overlay.webm \
#     COLORMAP=turbo pipelines/record-overlay.sh
set -euo pipefail

read -r -a launch <<< "${GST_LAUNCH:-gst-launch-1.0}"
read -r -a props <<< "${GBP_PROPS:-}"
[ -n "${MODEL:-}" ] && props=("model=$MODEL" "${props[@]}")

if [ "${HEADLESS:-0}" = 1 ]; then
  num_buffers=${NUM_BUFFERS:-10}
else
  num_buffers=${NUM_BUFFERS:-100}
fi

if [ -n "${INPUT:-}" ]; then
  source=(filesrc location="$INPUT" ! decodebin)
else
  source=(videotestsrc num-buffers="$num_buffers" pattern=ball
    ! "video/x-raw,width=${WIDTH:-320},height=${HEIGHT:-240}")
fi

exec "${launch[@]}" -e \
  "${source[@]}" \
  ! videoconvert \
  ! guidedbp render-mode=overlay colormap="${COLORMAP:-jet}" \
      alpha="${ALPHA:-0.5}" "${props[@]}" \
  ! videoconvert ! vp8enc deadline=1 ! webmmux \
  ! filesink location="${OUTPUT:-overlay.webm}"
