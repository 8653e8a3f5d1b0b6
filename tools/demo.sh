#!/bin/bash
# From a fresh Debian 12 machine to saliency videos: installs what is
# missing, builds, makes a test video and runs the bundled demo model on it.
# Writes into DEMO_DIR (default: ./demo-out):
#   test-video.webm      the generated input: videotestsrc's moving ball
#   saliency.webm        guidedbp's output (colour gradient image)
#   side-by-side.webm    input | saliency
# and prints how the demo model classified the frames.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bash tools/install-deps.sh
bash tools/build.sh >/dev/null

out=${DEMO_DIR:-$root/demo-out}
mkdir -p "$out"
export GST_PLUGIN_PATH="$root/build/plugin${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
frames=${DEMO_FRAMES:-90}

echo "demo: making a ${frames}-frame test video"
gst-launch-1.0 -q videotestsrc pattern=ball num-buffers="$frames" \
  ! video/x-raw,width=320,height=240,framerate=30/1 \
  ! vp8enc deadline=1 ! webmmux ! filesink location="$out/test-video.webm"

echo "demo: explaining every frame with the bundled demo model"
INPUT="$out/test-video.webm" OUTPUT="$out/saliency.webm" \
  GBP_PROPS="post-messages=true" GST_LAUNCH="gst-launch-1.0 -m" \
  pipelines/file-to-video.sh > "$out/messages.log"
INPUT="$out/test-video.webm" OUTPUT="$out/side-by-side.webm" HEADLESS=1 \
  pipelines/side-by-side.sh > /dev/null

echo "demo: classes of the $frames frames (label: frames):"
grep -o 'label=(string)[a-z]*' "$out/messages.log" | cut -d')' -f2 | sort | uniq -c |
  awk '{ printf "  %s: %s\n", $2, $1 }'
echo "demo: wrote"
for f in test-video.webm saliency.webm side-by-side.webm; do
  printf '  %s (%s bytes)\n' "$out/$f" "$(stat -c %s "$out/$f")"
done
