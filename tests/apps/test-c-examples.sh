#!/bin/bash
# The C programs of pipelines/apps/ as an application developer builds
# them: explain-image.c against an installed libguidedbp (here `meson
# install --destdir` into the build directory, its guidedbp.pc pointed at
# that prefix) through pkg-config, run with the library found by rpath and
# by LD_LIBRARY_PATH; print-results.c against GStreamer, run with the
# plugin the environment names.
#   test-c-examples.sh SOURCE_ROOT BUILD_ROOT OUT_DIR MESON
set -euo pipefail
root=$1
build=$2
out=$3
meson=$4
example=$root/pipelines/apps/explain-image.c
results=$root/pipelines/apps/print-results.c

rm -rf "$out"
mkdir -p "$out"
# meson test points LD_LIBRARY_PATH at the build tree: the programs must
# find the installed library by themselves.
unset LD_LIBRARY_PATH
cflags="-Wall -Wextra -Wno-unused-parameter -Werror"

# 1. Installed as a user would install it, at a prefix of its own.
"$meson" install -C "$build" --destdir "$out/destdir" --no-rebuild --quiet
pc=$(find "$out/destdir" -name guidedbp.pc)
prefix=$out/destdir$(sed -n 's/^prefix=//p' "$pc")
mkdir -p "$out/pkgconfig"
sed "s|^prefix=.*|prefix=$prefix|" "$pc" > "$out/pkgconfig/guidedbp.pc"
export PKG_CONFIG_PATH=$out/pkgconfig
libdir=$(pkg-config --variable=libdir guidedbp)

# shellcheck disable=SC2046,SC2086
cc $cflags "$example" -o "$out/explain-image" \
  $(pkg-config --cflags --libs guidedbp cairo) -Wl,-rpath,"$libdir"
# shellcheck disable=SC2046,SC2086
cc $cflags "$example" -o "$out/explain-image-no-rpath" \
  $(pkg-config --cflags --libs guidedbp cairo)

# the library the program loads is the installed one (grep reads all of
# ldd's output: with -q it may exit first, and pipefail sees ldd's SIGPIPE)
ldd "$out/explain-image" | grep "libguidedbp.so.0 => $libdir/" > /dev/null
LD_LIBRARY_PATH=$libdir ldd "$out/explain-image-no-rpath" \
  | grep "libguidedbp.so.0 => $libdir/" > /dev/null

# 2. It runs, and explains the held-out triangle scene.
model=$root/models/shapes-demo.pt
labels=$root/models/shapes-demo.labels
input=$root/docs/gallery/input.png
"$out/explain-image" "$model" "$input" "$out/overlay.png" overlay "$labels" \
  | tee "$out/overlay.txt"
grep -q '^explained class 2 (triangle)' "$out/overlay.txt"
[ "$(grep -c '^  [1-5]\. class ' "$out/overlay.txt")" -eq 5 ]
LD_LIBRARY_PATH=$libdir "$out/explain-image-no-rpath" "$model" "$input" \
  "$out/gradcam.png" gradcam > /dev/null
# PNG files of the input's size
for png in "$out/overlay.png" "$out/gradcam.png"; do
  size=$(od -An -tx1 -j16 -N8 "$png" | tr -d ' \n')
  [ "$size" = "000000e0000000e0" ] || { echo "$png: not 224x224 ($size)"; exit 1; }
done

# 3. A bad render mode names the valid ones; exit status 1.
if "$out/explain-image" "$model" "$input" "$out/bad.png" foo 2> "$out/bad.txt"; then
  echo "a bad render mode did not fail"
  exit 1
fi
grep -q "unknown render mode 'foo' (valid: gradient, gray," "$out/bad.txt"
echo "explain-image: built against $prefix, ran, refused a bad mode"

# 4. The meta, read in C from ten buffers of the ball through the demo model.
if [ "${GBP_PLUGIN:-0}" != 1 ]; then
  echo "print-results: no plugin in this build, not run"
  exit 0
fi
# shellcheck disable=SC2046,SC2086
cc $cflags "$results" -o "$out/print-results" \
  $(pkg-config --cflags --libs gstreamer-1.0)
"$out/print-results" | tee "$out/results.txt"
[ "$(grep -c ': class 0 (circle) 0\.[0-9]*, top classes 0 [0-9] [0-9]$' "$out/results.txt")" -eq 10 ]
echo "print-results: ten buffers, each with its GuidedBpMeta"
