#!/bin/bash
# Regenerates the README's images from real runs of the element with the
# bundled demo model:
#   docs/demo.png              a videotestsrc ball frame | its saliency
#   docs/gallery/input.png     a held-out demo scene (tests/data/demo/)
#   docs/gallery/MODE.png      that scene through every render-mode
#   docs/gallery/annotate*.png that scene at 336x336 as an overlay with
#                              annotate=true, without and with a target
# Usage: bash tools/make-readme-images.sh   (after tools/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
export GST_PLUGIN_PATH="$PWD/build/plugin${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
scene=${SCENE:-tests/data/demo/scene-02.jpg}
mkdir -p docs/gallery
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# the 20th frame of the moving ball, next to its saliency
gst-launch-1.0 -q compositor name=mix sink_1::xpos=320 \
  ! videoconvert ! pngenc ! multifilesink location="$tmp/demo-%02d.png" \
  videotestsrc pattern=ball num-buffers=20 \
  ! video/x-raw,width=320,height=240,framerate=30/1 ! tee name=split \
  split. ! queue ! mix.sink_0 \
  split. ! queue ! videoconvert ! guidedbp ! videoconvert ! mix.sink_1
cp "$tmp/demo-19.png" docs/demo.png

gst-launch-1.0 -q filesrc location="$scene" ! jpegdec ! videoconvert ! pngenc \
  ! filesink location=docs/gallery/input.png
for mode in gradient gray positive negative heatmap overlay gradcam \
    guided-gradcam guided-gradcam-gray; do
  gst-launch-1.0 -q filesrc location="$scene" ! jpegdec ! videoconvert \
    ! video/x-raw,format=RGB ! guidedbp render-mode="$mode" ! videoconvert \
    ! pngenc ! filesink location="docs/gallery/$mode.png"
done
for target in "" circle; do
  gst-launch-1.0 -q filesrc location="$scene" ! jpegdec ! videoconvert \
    ! videoscale ! video/x-raw,width=336,height=336 ! videoconvert \
    ! video/x-raw,format=RGB \
    ! guidedbp render-mode=overlay annotate=true ${target:+target-label=$target} \
    ! videoconvert ! pngenc ! filesink \
      location="docs/gallery/annotate${target:+-target}.png"
done
echo "wrote docs/demo.png and docs/gallery/*.png"
