#!/bin/bash
# The documented path for users' own models: tools/export-torchvision.py
# (here with random weights: no download) makes a TorchScript file and
# ImageNet labels that the element runs on.
#   test-export.sh SOURCE_ROOT OUT_DIR
set -euo pipefail
root=$1
out=$2
mkdir -p "$out"
/usr/bin/python3 "$root/tools/export-torchvision.py" mobilenet_v2 "$out/mobilenet_v2.pt" \
  --random-weights --labels "$out/imagenet.labels"
[ "$(wc -l < "$out/imagenet.labels")" -eq 1000 ]
log=$(gst-launch-1.0 -m videotestsrc num-buffers=2 ! video/x-raw,width=160,height=120 \
  ! guidedbp model="$out/mobilenet_v2.pt" labels="$out/imagenet.labels" post-messages=true \
  ! fakesink 2>&1)
frames=$(grep -c 'guidedbp, timestamp=' <<< "$log" || true)
echo "$frames frames explained by the exported mobilenet_v2"
grep -o 'label=(string)[^,]*' <<< "$log" | head -2
[ "$frames" -eq 2 ]
