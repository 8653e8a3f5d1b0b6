#!/usr/bin/python3
"""Makes the element tests' own models, tests/data/element/*.pt (random
weights, 10 classes, 64x64 input, fixed seeds), each for a behaviour of
the element that the fixtures of tools/make-fixtures.py cannot show:

  no-conv.pt          a classifier without a convolution (average pooling to
                      8x8, then Linear-ReLU-Linear): guided backpropagation
                      works, the Grad-CAM render modes cannot
  slow.pt             the same 3x3 convolution (32 channels, 64x64) applied
                      128 times, each a residual step with a ReLU, on one
                      weight (a small
                      file, a guided pass of tens of GFLOP): it keeps the
                      async worker busy for a long time (hundreds of ms here)
                      while the test flushes the stream under it
  fails-on-white.pt   a small CNN that raises a RuntimeError when the mean
                      of its normalized input is above 2 (a white frame: the
                      engine's load check runs a blank frame, which passes):
                      a model that loads and then fails on a frame

Run with Debian's python (torch): /usr/bin/python3 tools/make-element-fixtures.py
Two runs write identical bytes.
"""

import os
import sys

# TorchScript writes constants in set order, which follows the string hash
# seed: fix it so that the archives are byte-identical run to run.
if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import torch
import torch.nn as nn

OUT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "tests", "data", "element"))
SIZE = 64
CLASSES = 10
SLOW_REPEATS = 128


class NoConv(nn.Module):
    def __init__(self):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(8)
        self.fc1 = nn.Linear(3 * 8 * 8, 32)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(32, CLASSES)

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(torch.flatten(self.pool(x), 1))))


class Slow(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 32, 3, padding=1)
        self.conv = nn.Conv2d(32, 32, 3, padding=1)
        self.relu = nn.ReLU()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, CLASSES)

    def forward(self, x):
        x = self.relu(self.stem(x))
        # Residual, so that the scores still depend on the frame after the
        # repeats (unrolled by the trace).
        for _ in range(SLOW_REPEATS):
            x = x + 0.1 * self.relu(self.conv(x))
        return self.fc(torch.flatten(self.pool(x), 1))


class FailsOnWhite(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.relu = nn.ReLU()
        self.pool = nn.AdaptiveAvgPool2d(2)
        self.fc = nn.Linear(32, CLASSES)

    def forward(self, x):
        if bool(x.mean() > 2.0):
            raise RuntimeError("deliberate failure on a white frame")
        return self.fc(torch.flatten(self.pool(self.relu(self.conv(x))), 1))


def save(module, name, script=False):
    module = module.eval()
    for p in module.parameters():
        p.requires_grad_(False)
    example = torch.zeros(1, 3, SIZE, SIZE)
    if script:
        exported = torch.jit.script(module)
    else:
        exported = torch.jit.trace(module, example)
    logits = exported(example)
    assert logits.shape == (1, CLASSES), logits.shape
    path = os.path.join(OUT, name)
    exported.save(path)
    print("wrote", os.path.relpath(path), os.path.getsize(path), "bytes")


def main():
    torch.set_num_threads(2)
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    save(NoConv(), "no-conv.pt")
    torch.manual_seed(1)
    save(Slow(), "slow.pt")
    torch.manual_seed(2)
    save(FailsOnWhite(), "fails-on-white.pt", script=True)


if __name__ == "__main__":
    main()
