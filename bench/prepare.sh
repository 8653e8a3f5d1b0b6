# Sourced by the bench/run*.sh scripts from the source root: builds, and
# exports the torchvision models named as arguments with random weights
# into bench/models/ (not committed) unless they are there; the plugin the
# build made is first on GST_PLUGIN_PATH.
bash tools/build.sh >/dev/null
mkdir -p bench/models
for arch in "$@"; do
  [ -f "bench/models/$arch.pt" ] ||
    /usr/bin/python3 tools/export-torchvision.py "$arch" "bench/models/$arch.pt" \
      --random-weights >/dev/null
done
export GST_PLUGIN_PATH="$PWD/build/plugin${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
