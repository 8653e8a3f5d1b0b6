#!/usr/bin/env bash
# file-to-video.sh — a video file in, its saliency video file out.
#
# Shows offline use: decodebin reads any video file GStreamer can play,
# guidedbp explains every frame (no frame is dropped: the pipeline is not
# live), and the result is encoded to WebM (VP8) or, if OUTPUT ends in .mkv,
# Matroska (VP8). Audio is ignored.
#
# Environment:
#   INPUT        the video file (required, except with HEADLESS=1)
#   OUTPUT       the file to write (default: saliency.webm; .mkv for Matroska)
#   MODEL        TorchScript classifier (default: the element's bundled demo model)
#   GBP_PROPS    more guidedbp properties, e.g. "target-class=3"
#   HEADLESS=1   without INPUT: encode NUM_BUFFERS (default 10) test-pattern
#                frames instead of a file (used by the tests)
#   GST_LAUNCH   the launcher and its options (default: gst-launch-1.0)
# Example:
#   GST_PLUGIN_PATH=$PWD/build/plugin INPUT=clip.mp4 OUTPUT=clip-saliency.webm \
#     pipelines/file-to-video.sh
set -euo pipefail

read -r -a launch <<< "${GST_LAUNCH:-gst-launch-1.0}"
read -r -a props <<< "${GBP_PROPS:-}"
[ -n "${MODEL:-}" ] && props=("model=$MODEL" "${props[@]}")
output=${OUTPUT:-saliency.webm}

if [ -n "${INPUT:-}" ]; then
  source=(filesrc location="$INPUT" ! decodebin)
elif [ "${HEADLESS:-0}" = 1 ]; then
  source=(videotestsrc num-buffers="${NUM_BUFFERS:-10}" pattern=ball
    ! video/x-raw,width=160,height=120)
else
  echo "usage: INPUT=video-file [OUTPUT=saliency.webm] $0" >&2
  exit 2
fi

case "$output" in
  *.mkv) mux=(matroskamux) ;;
  *) mux=(webmmux) ;;
esac

exec "${launch[@]}" -e \
  "${source[@]}" \
  ! videoconvert ! guidedbp "${props[@]}" ! videoconvert \
  ! vp8enc deadline=1 ! "${mux[@]}" ! filesink location="$output"
