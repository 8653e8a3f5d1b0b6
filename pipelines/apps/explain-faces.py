#!/usr/bin/python3
# explain-faces.py — per-object explanations read by a Python application
# (PyGObject): facedetect finds the faces of a picture, guidedbp
# (inference-region=roi-list) explains each box, and a pad probe reads the
# "guidedbp" param of every box's GstVideoRegionOfInterestMeta.
#
#   GST_PLUGIN_PATH=$PWD/build/plugin /usr/bin/python3 pipelines/apps/explain-faces.py [IMAGE.jpg]
#
# The default picture is tests/data/faces/astronaut-256.jpg (one face). The
# program prints each box and its result and exits 1 if no box was
# explained. Needs python3-gi, gir1.2-gst-plugins-base-1.0 (GstVideo) and
# gstreamer1.0-opencv with opencv-data.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import os
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstVideo", "1.0")
from gi.repository import GLib, Gst, GstVideo  # noqa: E402

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
    # roi-ids lists the boxes explained; a box's meta is found by its id
    # (ids are unique when a tracker sets them; facedetect's are all 0, and
    # then the first box of that id is found)
    for roi_id in array_field(meta.get_structure(), "roi-ids"):
        roi = GstVideo.buffer_get_video_region_of_interest_meta_id(buffer, roi_id)
        param = roi.get_param("guidedbp")
        boxes.append({
            "id": roi_id,
            "type": GLib.quark_to_string(roi.roi_type),
            "box": (roi.x, roi.y, roi.w, roi.h),
            "class": param.get_int("class")[1],
            "label": param.get_string("label"),  # None without labels
            "score": param.get_double("score")[1],
            "top-labels": array_field(param, "top-labels"),
            "top-scores": array_field(param, "top-scores"),
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
            print(f"{box['type']} {box['id']} at {box['box']}: class {box['class']} "
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
