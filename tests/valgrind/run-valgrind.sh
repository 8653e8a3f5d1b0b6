#!/bin/bash
# Runs FRAMES frames (default 2000) through the guidedbp element under
# valgrind memcheck and fails on any definitely-lost block or memory error
# that the suppression files do not explain. See README.md in this folder.
#
#   tests/valgrind/run-valgrind.sh [FRAMES] [BUILD_DIR]
#
# BUILD_DIR defaults to build/ (a normal, non-sanitizer build: valgrind and
# AddressSanitizer do not mix). Writes BUILD_DIR/valgrind/memcheck.log and
# prints its summary. Exit status: 0 clean, 1 errors or definite leaks,
# 2 setup problem.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
source_root=$(cd "$here/../.." && pwd)
frames=${1:-2000}
build_dir=$(cd "${2:-$source_root/build}" && pwd)
out_dir=$build_dir/valgrind
log=$out_dir/memcheck.log

plugin_dir=$build_dir/plugin
system_plugins=$(pkg-config --variable=pluginsdir gstreamer-1.0 2>/dev/null \
  || echo /usr/lib/x86_64-linux-gnu/gstreamer-1.0)
# The smallest real classifier (tools/make-valgrind-model.py): memcheck runs
# every instruction of libtorch's kernels, so the model sets the pace.
model=${MODEL:-$here/tiny-relu.pt}
size=${SIZE:-32}

for tool in valgrind gst-launch-1.0 gst-inspect-1.0; do
  command -v "$tool" >/dev/null || { echo "$tool not found" >&2; exit 2; }
done
[ -e "$plugin_dir/libgstguidedbp.so" ] || {
  echo "no plugin in $plugin_dir: build first (ninja -C $build_dir)" >&2
  exit 2
}
mkdir -p "$out_dir"

# Only our plugin and the system's, a private registry, no debug output,
# GLib's slice allocator off so that every block is a malloc valgrind sees.
export GST_PLUGIN_SYSTEM_PATH_1_0=
export GST_PLUGIN_PATH_1_0=$plugin_dir:$system_plugins
export GST_REGISTRY_1_0=$out_dir/registry.bin
export GST_DEBUG=0
export G_SLICE=always-malloc
export G_DEBUG=gc-friendly

# Build the registry outside valgrind (the scanner is a child process).
gst-inspect-1.0 guidedbp >/dev/null || {
  echo "guidedbp not loadable from $plugin_dir" >&2
  exit 2
}

suppressions=()
for supp in /usr/share/glib-2.0/valgrind/glib.supp "$here/guidedbp.supp"; do
  [ -e "$supp" ] && suppressions+=("--suppressions=$supp")
done

# FACES=1: per-object explanations (inference-region=roi-list) of the
# boxes facedetect (gstreamer1.0-opencv) finds in a picture, every frame.
if [ -n "${FACES:-}" ]; then
  source=(multifilesrc location="$source_root/tests/data/faces/astronaut-256.jpg"
    loop=true num-buffers="$frames" caps=image/jpeg,framerate=30/1 ! jpegdec !
    videoconvert ! facedetect display=false ! videoconvert !
    video/x-raw,format=RGB)
  element_properties=(inference-region=roi-list render-mode=overlay
    post-messages=true)
else
  source=(videotestsrc num-buffers="$frames" !
    "video/x-raw,format=RGB,width=$((size * 2)),height=$((size * 3 / 2))")
  element_properties=()
fi
# GBP_PROPS: more element properties ("async=true render-mode=overlay").
read -r -a extra_properties <<< "${GBP_PROPS:-}"
element_properties+=("${extra_properties[@]}")

echo "memcheck: $frames frames${FACES:+ (faces, roi-list)}${GBP_PROPS:+ ($GBP_PROPS)}, log in $log"
start=$(date +%s)
status=0
valgrind --tool=memcheck \
  --leak-check=full \
  --show-leak-kinds=definite \
  --errors-for-leak-kinds=definite \
  --error-exitcode=99 \
  --num-callers=40 \
  --track-origins=no \
  --keep-debuginfo=yes \
  --gen-suppressions=all \
  "${suppressions[@]}" \
  --log-file="$log" \
  gst-launch-1.0 -q "${source[@]}" ! \
    guidedbp model="$model" input-width="$size" input-height="$size" \
    "${element_properties[@]}" ! fakesink || status=$?
end=$(date +%s)

echo "memcheck: $((end - start)) s, exit status $status"
grep -E "definitely lost:|indirectly lost:|ERROR SUMMARY:" "$log" | sed 's/^==[0-9]*== //'
case $status in
  0) echo "memcheck: clean"; exit 0 ;;
  99) echo "memcheck: errors or definite leaks, see $log" >&2; exit 1 ;;
  *) echo "memcheck: gst-launch-1.0 failed ($status), see $log" >&2; exit 1 ;;
esac
