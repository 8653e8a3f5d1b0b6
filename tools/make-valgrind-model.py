#!/usr/bin/python3
"""Makes tests/valgrind/tiny-relu.pt: the smallest real classifier for the
valgrind soak run (one 3x3 convolution, a ReLU, a 2x2 pool, a linear layer
to 10 classes, 32x32 input), so that 2000 frames under memcheck take minutes
rather than hours. Fixed seed; run with /usr/bin/python3.
"""
import os

import torch
import torch.nn as nn


class TinyRelu(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.relu = nn.ReLU(inplace=True)
        self.pool = nn.AdaptiveAvgPool2d(2)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.relu(self.conv(x))), 1))


def main():
    torch.manual_seed(0)
    model = TinyRelu().eval()
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                       "valgrind", "tiny-relu.pt")
    scripted = torch.jit.trace(model, torch.zeros(1, 3, 32, 32))
    scripted.save(os.path.normpath(out))
    print("wrote", os.path.normpath(out), os.path.getsize(out), "bytes")


if __name__ == "__main__":
    main()
