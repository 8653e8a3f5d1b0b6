#!/usr/bin/python3
# explain-faces.py — per-object explanations read by a Python application
# (PyGObject): facedetect finds the faces of a picture, guidedbp
# (inference-region=roi-list) explains each box, and a pad probe reads the
# "guidedbp" result of every box from the buffer's GuidedBpMeta.
#
#   GST_PLUGIN_PATH=$PWD/build/plugin /usr/bin/python3 pipelines/apps/explain-faces.py [IMAGE.jpg]
#
# The default picture is tests/data/faces/astronaut-256.jpg (one face). The
# program prints each box and its result and exits 1 if no box was
# explained. Needs python3-gi and
# gstreamer1.0-opencv with opencv-data.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import os
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGE = os.path.join(HERE, "..", "..", "tests", "data", "faces", "astronaut-256.jpg")


# [README-OBJECTS]
def array_field(structure, name):
    """A GstValueArray field as a list, with or without python3-gst-1.0."""
    try:
        return list(structure.get_value(name))
    except TypeError:  # no overrides: "unknown type GstValueArray"
        ok, array = structure.get_array(name)
        return [array.get_nth(i) for i in range(array.n_values)] if ok else []


def read_boxes(buffer):
    """Each box guidedbp explained in @buffer: its place and its result."""
    meta = buffer.get_custom_meta("GuidedBpMeta")
    if meta is None:
        return []
    boxes = []
    # objects: each explained box's "guidedbp" param (also on the box's own
    # GstVideoRegionOfInterestMeta) with the box, in the order of roi-ids;
    # read here, boxes that share an id (facedetect's are all 0) stay apart
    for obj in array_field(meta.get_structure(), "objects"):
        boxes.append({
            "id": obj.get_int("roi-id")[1],
            "box": tuple(obj.get_uint(k)[1] for k in ("x", "y", "w", "h")),
            "class": obj.get_int("class")[1],
            "label": obj.get_string("label"),  # None without labels
            "score": obj.get_double("score")[1],
            "top-labels": array_field(obj, "top-labels"),
            "top-scores": array_field(obj, "top-scores"),
        })
    return boxes
# [/README-OBJECTS]


def main():
    Gst.init(None)
    image = sys.argv[1] if len(sys.argv) > 1 else IMAGE
    pipeline = Gst.parse_launch(
        f"filesrc location=\"{image}\" ! jpegdec ! videoconvert "
        "! facedetect display=false "
        "! guidedbp inference-region=roi-list object-class=face top-k=3 "
        "render-mode=none ! fakesink name=sink")
    found = []

    def on_buffer(pad, info):
        for box in read_boxes(info.get_buffer()):
            found.append(box)
            top = ", ".join(f"{label} {score:.3f}" for label, score in
                            zip(box["top-labels"], box["top-scores"]))
            print(f"box {box['id']} at {box['box']}: class {box['class']} "
                  f"{box['label']} {box['score']:.3f} (top: {top})")
        return Gst.PadProbeReturn.OK

    pipeline.get_by_name("sink").get_static_pad("sink").add_probe(
        Gst.PadProbeType.BUFFER, on_buffer)
    pipeline.set_state(Gst.State.PLAYING)
    message = pipeline.get_bus().timed_pop_filtered(
        60 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    if message is None or message.type == Gst.MessageType.ERROR:
        print("PROBLEM:", message.parse_error() if message else "timed out",
              file=sys.stderr)
        return 1
    if not found:
        print("PROBLEM: no box explained", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
