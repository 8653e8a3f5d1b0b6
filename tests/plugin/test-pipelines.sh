#!/usr/bin/env bash
# Runs every pipelines/ script in its HEADLESS mode with the fixture model,
# so the scripts cannot rot. Called by meson test (suite "plugin") with the
# source root and an output directory; the environment (set by meson) points
# GST_PLUGIN_PATH_1_0 at the build tree's plugin and at links to the stock
# plugins these pipelines use, with an empty system path.
#   tests/plugin/test-pipelines.sh SOURCE_ROOT OUT_DIR
set -euo pipefail

src=${1:?source root}
out=${2:?output directory}
pipelines=$src/pipelines

export MODEL=$src/tests/data/models/alexnet_inplace.pt
export GBP_PROPS="input-width=64 input-height=64"
export HEADLESS=1
export GST_LAUNCH="gst-launch-1.0 -q"
unset INPUT OUTPUT NUM_BUFFERS

rm -rf "$out"
mkdir -p "$out"
failures=0

# run NAME SCRIPT [VAR=VALUE...]: runs SCRIPT with those variables set.
run() {
  local name=$1 script=$2
  shift 2
  echo "== $name"
  if ! env "$@" "$script" > "$out/$name.log" 2>&1; then
    echo "FAIL: $name (log: $out/$name.log)"
    cat "$out/$name.log"
    failures=$((failures + 1))
    return 1
  fi
}

# A file exists, is not empty and starts with @magic (hex).
check_file() {
  local file=$1 magic=$2
  if [ ! -s "$file" ]; then
    echo "FAIL: $file missing or empty"
    failures=$((failures + 1))
  elif [ "$(head -c $((${#magic} / 2)) "$file" | od -An -tx1 | tr -d ' \n')" != "$magic" ]; then
    echo "FAIL: $file does not start with $magic"
    failures=$((failures + 1))
  fi
}

# Width and height of a PNG, from its IHDR chunk.
png_size() {
  local w h
  w=$(od -An -tu1 -j16 -N4 "$1" | awk '{print $1*16777216+$2*65536+$3*256+$4}')
  h=$(od -An -tu1 -j20 -N4 "$1" | awk '{print $1*16777216+$2*65536+$3*256+$4}')
  echo "${w}x${h}"
}

# Decodes video @file and checks it has @frames frames of @size (WxH).
check_video() {
  local file=$1 frames=$2 size=$3 dir
  [ -s "$file" ] || return 0
  dir=$(mktemp -d "$out/frames.XXXXXX")
  gst-launch-1.0 -q filesrc location="$file" ! decodebin ! videoconvert \
    ! pngenc ! multifilesink location="$dir/%03d.png"
  local n
  n=$(find "$dir" -name '*.png' | wc -l)
  if [ "$n" -ne "$frames" ]; then
    echo "FAIL: $file has $n frames, expected $frames"
    failures=$((failures + 1))
  elif [ "$(png_size "$dir/000.png")" != "$size" ]; then
    echo "FAIL: $file frames are $(png_size "$dir/000.png"), expected $size"
    failures=$((failures + 1))
  fi
}

png_magic=89504e470d0a1a0a
webm_magic=1a45dfa3

run test-pattern "$pipelines/test-pattern.sh" || true
run webcam "$pipelines/webcam.sh" || true

# Script inputs made with stock elements.
gst-launch-1.0 -q videotestsrc num-buffers=1 pattern=smpte \
  ! video/x-raw,width=97,height=61 ! videoconvert ! pngenc \
  ! filesink location="$out/input.png"
gst-launch-1.0 -q -e videotestsrc num-buffers=8 pattern=ball \
  ! video/x-raw,width=96,height=64 ! vp8enc deadline=1 ! webmmux \
  ! filesink location="$out/input.webm"

run image-to-png "$pipelines/image-to-png.sh" \
  INPUT="$out/input.png" OUTPUT="$out/image.png" && check_file "$out/image.png" $png_magic
run image-to-png-headless "$pipelines/image-to-png.sh" \
  OUTPUT="$out/headless.png" && check_file "$out/headless.png" $png_magic

run file-to-video "$pipelines/file-to-video.sh" \
  INPUT="$out/input.webm" OUTPUT="$out/video.webm" && check_file "$out/video.webm" $webm_magic
run file-to-video-mkv "$pipelines/file-to-video.sh" \
  OUTPUT="$out/video.mkv" && check_file "$out/video.mkv" $webm_magic

run side-by-side "$pipelines/side-by-side.sh" || true
run side-by-side-file "$pipelines/side-by-side.sh" \
  INPUT="$out/input.webm" OUTPUT="$out/side-by-side.webm" WIDTH=96 HEIGHT=64 \
  && check_file "$out/side-by-side.webm" $webm_magic

run record-overlay "$pipelines/record-overlay.sh" \
  OUTPUT="$out/overlay.webm" WIDTH=160 HEIGHT=120 COLORMAP=turbo ALPHA=0.3 \
  && check_file "$out/overlay.webm" $webm_magic
run three-up "$pipelines/three-up.sh" || true
run three-up-file "$pipelines/three-up.sh" \
  INPUT="$out/input.webm" OUTPUT="$out/three-up.webm" WIDTH=96 HEIGHT=64 \
  && check_file "$out/three-up.webm" $webm_magic

# A real detector: facedetect's face boxes, each explained by guidedbp
# (inference-region=roi-list); the message lists the boxes and their results.
run explain-faces "$pipelines/explain-faces.sh" OUTPUT="$out/faces.png" \
  GST_LAUNCH="gst-launch-1.0 -m" GBP_PROPS="$GBP_PROPS post-messages=true" \
  && check_file "$out/faces.png" $png_magic
if [ -s "$out/faces.png" ]; then
  if [ "$(png_size "$out/faces.png")" != 256x256 ]; then
    echo "FAIL: faces.png is $(png_size "$out/faces.png"), expected 256x256"
    failures=$((failures + 1))
  fi
  if ! grep -q 'roi-ids=(int)< 0 >, rois-skipped=(uint)0, rois-invalid=(uint)0' \
      "$out/explain-faces.log" || ! grep -qF 'objects=(structure)< "guidedbp\,\ class' \
      "$out/explain-faces.log"; then
    echo "FAIL: explain-faces explained no face (log: $out/explain-faces.log)"
    cat "$out/explain-faces.log"
    failures=$((failures + 1))
  fi
fi

# One output frame per input frame, at the input's size.
[ -s "$out/image.png" ] && [ "$(png_size "$out/image.png")" != 97x61 ] && {
  echo "FAIL: image.png is $(png_size "$out/image.png"), expected 97x61"
  failures=$((failures + 1))
}
check_video "$out/video.webm" 8 96x64
check_video "$out/video.mkv" 10 160x120
check_video "$out/side-by-side.webm" 8 192x64
check_video "$out/overlay.webm" 10 160x120
check_video "$out/three-up.webm" 8 288x64

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all pipelines ran"
