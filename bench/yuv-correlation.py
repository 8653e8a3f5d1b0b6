#!/usr/bin/python3
"""How close NV12 input comes to converting to RGB with videoconvert first.

A photo is decoded and converted once to an NV12 frame (as a camera or a
decoder would hand it out), then explained twice by guidedbp:
  (yuv) NV12 ! guidedbp                         the element converts
  (rgb) NV12 ! videoconvert ! RGBx ! guidedbp   GStreamer converts first
and the two saliency maps (render-mode=gray, the gradient's magnitude,
read back through videoconvert as RGB, one channel) are compared: Pearson correlation over the pixels,
mean absolute difference in gray levels, and the class each explains.

Usage: GST_PLUGIN_PATH=build/plugin bench/yuv-correlation.py \\
           [--model M.pt ...] [--size WxH] PHOTO...
"""

import argparse
import os
import statistics
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402


def run(photo, size, model, via_rgb, mode):
    width, height = size
    convert = "videoconvert ! video/x-raw,format=RGBx ! " if via_rgb else ""
    props = f"model={model}" if model else ""
    pipeline = Gst.parse_launch(
        f"filesrc location={photo} ! decodebin ! videoconvert ! videoscale ! "
        f"video/x-raw,format=NV12,width={width},height={height} ! {convert}"
        f"guidedbp {props} render-mode={mode} post-messages=true ! "
        f"videoconvert ! video/x-raw,format=RGBx ! appsink name=out sync=false")
    sink = pipeline.get_by_name("out")
    pipeline.set_state(Gst.State.PLAYING)
    sample = sink.emit("pull-sample")
    bus = pipeline.get_bus()
    label = None
    while True:
        message = bus.pop_filtered(Gst.MessageType.ELEMENT | Gst.MessageType.ERROR)
        if message is None:
            break
        if message.type == Gst.MessageType.ERROR:
            raise SystemExit(message.parse_error())
        s = message.get_structure()
        if s.get_name() == "guidedbp":
            label = (s.get_value("class"), s.get_value("score"))
    buffer = sample.get_buffer()
    data = buffer.extract_dup(0, buffer.get_size())
    pipeline.set_state(Gst.State.NULL)
    # the gray level of every pixel: its red byte (R = G = B in gray mode)
    return data[0:width * height * 4:4], label


def correlation(a, b):
    ma, mb = statistics.fmean(a), statistics.fmean(b)
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    va = sum((x - ma) ** 2 for x in a)
    vb = sum((y - mb) ** 2 for y in b)
    return cov / (va * vb) ** 0.5 if va > 0 and vb > 0 else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("photos", nargs="+")
    parser.add_argument("--model", nargs="+", default=[""],
                        help="TorchScript classifiers (default: the bundled demo model)")
    parser.add_argument("--size", default="1280x720", help="NV12 frame size")
    parser.add_argument("--mode", default="gray", help="render-mode compared")
    args = parser.parse_args()
    Gst.init(None)
    size = tuple(int(v) for v in args.size.split("x"))

    print(f"# NV12 {args.size} frames; render-mode={args.mode}; (yuv) NV12 into "
          "guidedbp, (rgb) videoconvert to RGBx first")
    print(f"{'model':<16}{'photo':<16}{'correlation':>12}{'mean diff':>10}"
          f"{'class yuv/rgb':>15}{'score yuv/rgb':>16}")
    for model in args.model:
        for photo in args.photos:
            yuv, yuv_label = run(photo, size, model, False, args.mode)
            rgb, rgb_label = run(photo, size, model, True, args.mode)
            r = correlation(yuv, rgb)
            diff = sum(abs(x - y) for x, y in zip(yuv, rgb)) / len(yuv)
            name = os.path.basename(model) or "demo"
            print(f"{name:<16}{os.path.basename(photo):<16}{r:>12.4f}{diff:>10.2f}"
                  f"{yuv_label[0]:>8}/{rgb_label[0]:<6}"
                  f"{yuv_label[1]:>8.3f}/{rgb_label[1]:.3f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
