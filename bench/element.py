#!/usr/bin/python3
"""The element against the engine on the same frames, in one run.

Per model, frame size and format: the engine alone (bench/gbp-bench-server,
`guided N W H FORMAT`: resize or conversion + guided pass, on one frame
reused), then the element in
  videotestsrc pattern=snow num-buffers=1 ! video/x-raw,format=F,... !
  imagefreeze ! guidedbp ! fakesink sync=false
(imagefreeze pushes that one frame again and again, so the source costs
nothing and, like the engine's, the frame is the same every time; sync=false
so that no frame waits for the clock and QoS drops none), then the engine
again: this machine's speed drifts over minutes, and the mean of the two
engine figures is the baseline of the element's. The element's figure is the
median interval between frames reaching fakesink, warm-up frames excluded;
it includes rendering, which the engine figure does not.

Columns: ms per frame of the engine and of the element, their ratio, and the
element's time against its own at the first size of the same format (what a
larger frame adds around the model).

Usage: bench/run-element.sh (exports the models and builds first)
       bench/element.py --server build/bench/gbp-bench-server --models DIR
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402


class EngineServer:
    def __init__(self, server, model_path, threads):
        self.proc = subprocess.Popen([server, model_path, str(threads)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)
        if self.proc.stdout.readline().strip() != "ready":
            raise SystemExit(f"{server} did not start on {model_path}")

    def ask(self, command):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline()
        if not reply:
            raise SystemExit("the engine server failed (an old build without "
                             f"'{command}'?)")
        return [float(v) for v in reply.split()]

    def close(self):
        self.proc.stdin.write("quit\n")
        self.proc.stdin.flush()
        self.proc.wait()


def element_ms(model, width, height, fmt, threads, frames, warmup):
    """Median ms between frames leaving guidedbp, warm-up excluded; None
    when the element refuses the format."""
    try:
        pipeline = Gst.parse_launch(
            f"videotestsrc pattern=snow num-buffers=1 ! "
            f"video/x-raw,format={fmt},width={width},height={height},framerate=30/1 ! "
            f"imagefreeze num-buffers={frames + warmup + 1} ! "
            f"guidedbp model={model} num-threads={threads} ! "
            f"fakesink name=sink sync=false signal-handoffs=true")
    except GLib.Error:
        return None
    stamps = []
    pipeline.get_by_name("sink").connect(
        "handoff", lambda *args: stamps.append(time.perf_counter()))
    pipeline.set_state(Gst.State.PLAYING)
    message = pipeline.get_bus().timed_pop_filtered(
        Gst.CLOCK_TIME_NONE, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    if message.type == Gst.MessageType.ERROR or len(stamps) < frames + warmup:
        return None
    intervals = [(b - a) * 1000.0 for a, b in zip(stamps, stamps[1:])]
    return statistics.median(intervals[warmup:])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--models", required=True, help="folder of ARCH.pt exports")
    parser.add_argument("--arch", nargs="+", default=["mobilenet_v2", "resnet18"])
    parser.add_argument("--sizes", nargs="+", default=["224x224", "1920x1080", "3840x2160"])
    parser.add_argument("--formats", nargs="+", default=["RGBx", "NV12"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--frames", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()
    Gst.init(None)

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), "?")
    flags = next((line.split(":", 1)[1].split() for line in open("/proc/cpuinfo")
                  if line.startswith("flags")), [])
    isa = [f for f in ("avx2", "avx512f", "avx512_bf16", "amx_tile") if f in flags]
    print(f"# {cpu} ({' '.join(isa)}), {os.cpu_count()} CPUs, {args.threads} threads; "
          f"load average at start {os.getloadavg()[0]:.2f}")
    print(f"# medians of {args.frames} frames after {args.warmup} of warm-up; "
          "engine: mean of its medians before and after the element")
    print(f"{'model':<14}{'frame':<11}{'format':<7}{'engine ms':>10}{'element ms':>11}"
          f"{'elem/eng':>9}{'vs 224':>8}")
    for arch in args.arch:
        model = os.path.join(args.models, arch + ".pt")
        engine = EngineServer(args.server, model, args.threads)
        first = {}
        for fmt in args.formats:
            for size in args.sizes:
                width, height = (int(v) for v in size.split("x"))
                command = f"guided {{}} {width} {height} {fmt.upper()}"
                engine.ask(command.format(args.warmup))
                before = statistics.median(engine.ask(command.format(args.frames)))
                element = element_ms(model, width, height, fmt, args.threads,
                                     args.frames, args.warmup)
                after = statistics.median(engine.ask(command.format(args.frames)))
                base = (before + after) / 2
                if element is None:
                    print(f"{arch:<14}{size:<11}{fmt:<7}{base:>10.1f}{'refused':>11}", flush=True)
                    continue
                first.setdefault(fmt, element)
                print(f"{arch:<14}{size:<11}{fmt:<7}{base:>10.1f}{element:>11.1f}"
                      f"{element / base:>8.2f}x{element / first[fmt]:>7.2f}x", flush=True)
        engine.close()


if __name__ == "__main__":
    sys.exit(main())
