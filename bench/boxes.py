#!/usr/bin/python3
"""What N boxes cost against one: inference-region=roi-list's batch.

For each model (torchvision definitions with random weights, 224x224 model
input), the engine explains N boxes of one 640x480 RGBx frame in one batch
(gbp_engine_run_regions: N crops resized and normalized, one guided
forward/backward of batch N), over a pipe to bench/gbp-bench-server. Rounds
alternate a few frames of each N so that machine noise falls on all of them
alike; medians are over all timed frames after warm-up, and the ratio of
each N is against N=1 of the same run.

Usage: bench/boxes.py [--server build/bench/gbp-bench-server]
           [--models bench/models] [--arch resnet18 mobilenet_v2]
           [--boxes 1 2 4 8] [--threads 2] [--rounds 5]
           [--frames-per-round 4] [--warmup 3]
Models: bash bench/run.sh exports them, or
  /usr/bin/python3 tools/export-torchvision.py resnet18 bench/models/resnet18.pt --random-weights
"""

import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import EngineServer, cpu_description  # noqa: E402

FRAME = (640, 480)


def measure(args, arch):
    server = EngineServer(args.server, os.path.join(args.models, arch + ".pt"),
                          args.threads)
    try:
        # warm-up: each batch size's first runs choose and pack its kernels
        for n in args.boxes:
            server.ask(f"regions {args.warmup} {n} {FRAME[0]} {FRAME[1]}")
        times = {n: [] for n in args.boxes}
        for _ in range(args.rounds):
            for n in args.boxes:
                times[n] += server.ask(
                    f"regions {args.frames_per_round} {n} {FRAME[0]} {FRAME[1]}")
    finally:
        server.close()
    return {n: statistics.median(t) for n, t in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", default="build/bench/gbp-bench-server")
    parser.add_argument("--models", default="bench/models")
    parser.add_argument("--arch", nargs="+", default=["resnet18", "mobilenet_v2"])
    parser.add_argument("--boxes", nargs="+", type=int, default=[1, 2, 4, 8])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--frames-per-round", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()
    if 1 not in args.boxes:
        args.boxes.insert(0, 1)

    model, flags = cpu_description()
    print(f"# CPU: {model}; flags: {' '.join(flags)}")
    print(f"# {args.threads} threads, 224x224 model input, boxes of a "
          f"{FRAME[0]}x{FRAME[1]} RGBx frame, median of "
          f"{args.rounds * args.frames_per_round} frames per N after "
          f"{args.warmup} warm-up frames")
    print()
    header = "| model | " + " | ".join(f"{n} box{'es' if n > 1 else ''} ms (x N=1)"
                                      for n in args.boxes) + " | ms per box at N=max |"
    print(header)
    print("|---" * (len(args.boxes) + 2) + "|")
    for arch in args.arch:
        medians = measure(args, arch)
        one = medians[1]
        cells = [f"{medians[n]:.1f} ({medians[n] / one:.2f}x)" for n in args.boxes]
        last = args.boxes[-1]
        print(f"| {arch} | " + " | ".join(cells)
              + f" | {medians[last] / last:.1f} |", flush=True)


if __name__ == "__main__":
    main()
