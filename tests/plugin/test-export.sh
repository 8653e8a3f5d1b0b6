#!/bin/bash
# The documented path for users' own models: tools/export-torchvision.py
# (here with random weights: no download) makes a TorchScript file and
# ImageNet labels that the element runs on. The labels file holds
# ImageNet's 1000 classes in their order, and every label the element
# reports (the explained class's and the top classes') is that file's line
# for the class it names.
#   test-export.sh SOURCE_ROOT OUT_DIR
set -euo pipefail
root=$1
out=$2
mkdir -p "$out"
/usr/bin/python3 "$root/tools/export-torchvision.py" mobilenet_v2 "$out/mobilenet_v2.pt" \
  --random-weights --labels "$out/imagenet.labels"
gst-launch-1.0 -m videotestsrc num-buffers=2 ! video/x-raw,width=160,height=120 \
  ! guidedbp model="$out/mobilenet_v2.pt" labels="$out/imagenet.labels" post-messages=true \
  top-k=5 ! fakesink > "$out/launch.log" 2>&1

/usr/bin/python3 - "$out/imagenet.labels" "$out/launch.log" <<'EOF'
import re
import sys

labels_path, log_path = sys.argv[1:]
with open(labels_path) as f:
    labels = f.read().split("\n")
fail = []
if labels[-1] != "":
    fail.append("the labels file does not end with a newline")
labels = labels[:-1]
if len(labels) != 1000:
    fail.append(f"{len(labels)} labels, not ImageNet's 1000")
if len(set(labels)) != len(labels) or "" in labels:
    fail.append("empty or repeated labels")
# ImageNet's class order: 0 is tench, 999 toilet tissue
if labels[:2] != ["tench", "goldfish"] or labels[-1:] != ["toilet tissue"]:
    fail.append(f"not ImageNet's order: {labels[:2]} ... {labels[-1:]}")

# A string field of a GstStructure as gst-launch -m prints it.
STRING = r'(?:"((?:[^"\\]|\\.)*)"|([^,;\s]*))'


def unquote(m):
    """The string a STRING match stands for: quoted ones escape with \\."""
    return re.sub(r"\\(.)", r"\1", m.group(1)) if m.group(1) is not None \
        else m.group(2)


messages = [line for line in open(log_path) if "guidedbp, timestamp=" in line]
if len(messages) != 2:
    fail.append(f"{len(messages)} frames explained, not 2")
for line in messages:
    index = int(re.search(r"\bclass=\(int\)(\d+)", line).group(1))
    label = unquote(re.search(r"\blabel=\(string\)" + STRING, line))
    print(f"explained class {index}: {label!r}")
    if label != labels[index]:
        fail.append(f"class {index} reported as {label!r}, line {index + 1} of "
                    f"the labels file is {labels[index]!r}")
    top = re.search(r"top-classes=\(int\)< ([^>]*) >", line).group(1)
    top = [int(c) for c in top.split(", ")]
    top_labels = re.search(r"top-labels=\(string\)< (.*?) >", line).group(1)
    top_labels = [unquote(m) for m in re.finditer(STRING + r"(?:, |$)", top_labels)
                  if m.group(0)]
    if len(top) != 5 or top_labels != [labels[c] for c in top]:
        fail.append(f"top classes {top} reported as {top_labels}")
for problem in fail:
    print("FAIL:", problem)
sys.exit(1 if fail else 0)
EOF
echo "the exported mobilenet_v2 ran; its labels are ImageNet's, as the element reports them"
