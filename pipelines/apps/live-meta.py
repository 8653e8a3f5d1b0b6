#!/usr/bin/python3
# live-meta.py — guidedbp embedded in a Python application (PyGObject):
# each buffer's result read from its GuidedBpMeta in a pad probe, and the
# element's target-label and render-mode changed while it plays.
#
#   GST_PLUGIN_PATH=$PWD/build/plugin /usr/bin/python3 pipelines/apps/live-meta.py
#
# The demo model watches videotestsrc's ball: a circle. From frame 10 on
# it explains "square" instead (target-label), from frame 20 on it draws
# nothing and passes the frames through (render-mode=none). The program
# checks that the meta follows and exits 1 if it does not.
#
# Needs python3-gi and gir1.2-gstreamer-1.0; python3-gst-1.0 (GStreamer's
# own overrides) turns the GstValueArray fields into Python lists. Without
# it, read them with structure.get_array(name) (see array_field).
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

FRAMES = 30
TARGET_FROM = 10
NONE_FROM = 20


# [README-META]
def array_field(structure, name):
    """A GstValueArray field as a list, with or without python3-gst-1.0."""
    try:
        return list(structure.get_value(name))
    except TypeError:  # no overrides: "unknown type GstValueArray"
        ok, array = structure.get_array(name)
        return [array.get_nth(i) for i in range(array.n_values)] if ok else []


def read_result(buffer):
    """The result guidedbp attached to a buffer, as a dict; None if none."""
    meta = buffer.get_custom_meta("GuidedBpMeta")
    if meta is None:  # async=true: no result yet
        return None
    s = meta.get_structure()
    return {
        "class": s.get_int("class")[1],
        "label": s.get_string("label"),  # None without labels
        "score": s.get_double("score")[1],
        "top-labels": array_field(s, "top-labels"),
        "top-scores": array_field(s, "top-scores"),
        "timestamp": s.get_uint64("timestamp")[1],  # of the explained frame
        "processing-time": s.get_uint64("processing-time")[1],
    }
# [/README-META]


class App:
    def __init__(self):
        self.pipeline = Gst.parse_launch(
            f"videotestsrc pattern=ball num-buffers={FRAMES} "
            "! video/x-raw,width=160,height=120,framerate=30/1 "
            "! videoconvert ! guidedbp name=gbp top-k=3 "
            "! videoconvert ! fakesink name=sink")
        self.gbp = self.pipeline.get_by_name("gbp")
        self.frame = 0
        self.inputs = {}
        self.problems = []
        # What goes into guidedbp, to compare with what leaves in none mode.
        self.gbp.get_static_pad("sink").add_probe(
            Gst.PadProbeType.BUFFER, self.on_input)
        # The meta survives videoconvert: read it at the sink.
        self.pipeline.get_by_name("sink").get_static_pad("sink").add_probe(
            Gst.PadProbeType.BUFFER, self.on_output)
        self.gbp.get_static_pad("src").add_probe(
            Gst.PadProbeType.BUFFER, self.on_gbp_output)

    @staticmethod
    def contents(buffer):
        ok, info = buffer.map(Gst.MapFlags.READ)
        data = bytes(info.data)
        buffer.unmap(info)
        return data

    def on_input(self, pad, info):
        buffer = info.get_buffer()
        self.inputs[buffer.pts] = self.contents(buffer)
        return Gst.PadProbeReturn.OK

    def on_gbp_output(self, pad, info):
        buffer = info.get_buffer()
        passed = self.contents(buffer) == self.inputs.pop(buffer.pts)
        if self.gbp.get_property("render-mode").value_nick == "none" and not passed:
            self.problems.append(f"pts {buffer.pts}: render-mode none changed the frame")
        return Gst.PadProbeReturn.OK

    def on_output(self, pad, info):
        buffer = info.get_buffer()
        result = read_result(buffer)
        if result is None:
            self.problems.append(f"frame {self.frame}: no GuidedBpMeta")
            return Gst.PadProbeReturn.OK
        label = result["label"]
        top = ", ".join(f"{name} {score:.3f}" for name, score in
                        zip(result["top-labels"], result["top-scores"]))
        print(f"frame {self.frame:2} pts {buffer.pts / Gst.SECOND:5.3f}s: "
              f"{self.gbp.get_property('render-mode').value_nick:8} "
              f"class {result['class']} {label} {result['score']:.3f} "
              f"(top: {top}) in {result['processing-time'] / 1e6:.1f} ms")

        # The settings changed on frame N apply from frame N + 1 on.
        wanted = "square" if self.frame > TARGET_FROM else "circle"
        if label != wanted:
            self.problems.append(f"frame {self.frame}: explained {label}, not {wanted}")
        if self.frame == TARGET_FROM:
            self.gbp.set_property("target-label", "square")
        if self.frame == NONE_FROM:
            Gst.util_set_object_arg(self.gbp, "render-mode", "none")
        self.frame += 1
        return Gst.PadProbeReturn.OK

    def run(self):
        loop = GLib.MainLoop()
        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message::eos", lambda *args: loop.quit())
        bus.connect("message::error", self.on_error, loop)
        self.pipeline.set_state(Gst.State.PLAYING)
        loop.run()
        self.pipeline.set_state(Gst.State.NULL)
        if self.frame != FRAMES:
            self.problems.append(f"{self.frame} frames out of {FRAMES}")
        for problem in self.problems:
            print("PROBLEM:", problem, file=sys.stderr)
        return 1 if self.problems else 0

    def on_error(self, bus, message, loop):
        error, debug = message.parse_error()
        self.problems.append(f"{error.message} ({debug})")
        loop.quit()


if __name__ == "__main__":
    Gst.init(None)
    sys.exit(App().run())
