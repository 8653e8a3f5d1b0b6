#!/bin/sh
# Makes DIR hold symbolic links to exactly the plugin FILEs given, for the
# GST_PLUGIN_PATH_1_0 of a test that needs a few stock elements, then
# touches STAMP (meson's output for it).
#   link-plugins.sh STAMP DIR FILE...
set -eu
stamp=$1
dir=$2
shift 2
rm -rf "$dir"
mkdir -p "$dir"
for file in "$@"; do
  ln -s "$file" "$dir/"
done
touch "$stamp"
