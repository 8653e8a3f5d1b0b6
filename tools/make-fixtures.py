#!/usr/bin/python3
"""Regenerate the test fixtures under tests/data/ (everything except tests/data/demo/).

Makes:
  models/NAME.pt        small random-weight TorchScript classifiers (10 classes), one per
                        architecture family the engine must handle (in-place ReLU, BatchNorm,
                        a reused ReLU module, ReLU6, functional relu, torch.cat, odd
                        convolution geometry, wide 3x3 convolutions for Winograd)
  images/card-WxH.rgb   drawn test cards, raw packed RGB8
  refs/NAME-*.f32       reference guided-backprop gradients (float32 LE, CHW)
  refs/preprocess-*     torchvision Resize + ToTensor + Normalize references
  refs/render-*         reference gradient -> pixels renderings
  bad/                  files the engine must reject, one per error class
  labels/               label files, good and malformed
  fixtures.ini          the manifest the C tests read (GKeyFile syntax)

Run from anywhere, with Debian's python (it has torch 1.13 + torchvision 0.14):
    /usr/bin/python3 tools/make-fixtures.py
Output is deterministic (fixed seeds, CPU, 2 threads): running it twice gives identical bytes.
"""

import os
import sys

# TorchScript writes a module's constants in Python set order, which depends on the string hash
# seed: fix it (by re-executing ourselves) so the saved archives are byte-identical run to run.
if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import io
import random
import zipfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision.transforms as T
from PIL import Image, ImageDraw
from typing import Dict, List, Tuple

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data")
ROOT = os.path.normpath(ROOT)
NUM_CLASSES = 10
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


# ----------------------------------------------------------------------------------------------
# Small helpers
# ----------------------------------------------------------------------------------------------

def path(*parts):
    p = os.path.join(ROOT, *parts)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


def write_bytes(rel, data):
    with open(path(rel), "wb") as f:
        f.write(data)


def write_f32(rel, tensor):
    write_bytes(rel, tensor.detach().contiguous().numpy().astype("<f4").tobytes())


def write_rgb(rel, chw_uint8):
    """Write a [3,H,W] uint8 tensor as packed HWC RGB8."""
    write_bytes(rel, chw_uint8.permute(1, 2, 0).contiguous().numpy().astype(np.uint8).tobytes())


def fmt(x):
    return "%.9g" % float(x)


def seed(n):
    torch.manual_seed(n)
    random.seed(n)
    np.random.seed(n)


def correlation(a, b):
    a = a.flatten().double()
    b = b.flatten().double()
    a = a - a.mean()
    b = b - b.mean()
    return float((a * b).sum() / (a.norm() * b.norm()))


# ----------------------------------------------------------------------------------------------
# Test card
# ----------------------------------------------------------------------------------------------

def draw_card(w, h):
    """A broadcast-style test card drawn at exactly w x h: colour bars, a grey ramp,
    a checkerboard patch, circles and some text-like strokes."""
    img = Image.new("RGB", (w, h), (40, 40, 48))
    d = ImageDraw.Draw(img)
    bars = [(235, 235, 235), (235, 235, 16), (16, 235, 235), (16, 235, 16),
            (235, 16, 235), (235, 16, 16), (16, 16, 235)]
    bar_bottom = max(1, round(h * 0.42))
    for i, colour in enumerate(bars):
        x0 = round(i * w / len(bars))
        x1 = round((i + 1) * w / len(bars)) - 1
        d.rectangle([x0, 0, x1, bar_bottom - 1], fill=colour)
    ramp_bottom = max(bar_bottom + 1, round(h * 0.58))
    for x in range(w):
        v = round(255 * x / max(1, w - 1))
        d.line([x, bar_bottom, x, ramp_bottom - 1], fill=(v, v, v))
    # bottom part: checkerboard | circles | strokes
    top = ramp_bottom
    bh = h - top
    if bh <= 0:
        return img
    third = w / 3
    cell = max(1, min(bh, round(third)) // 6)
    for cy in range(top, h, cell):
        for cx in range(0, round(third), cell):
            if ((cx // cell) + ((cy - top) // cell)) % 2 == 0:
                d.rectangle([cx, cy, cx + cell - 1, min(h - 1, cy + cell - 1)], fill=(250, 250, 250))
    cx, cy = third * 1.5, top + bh / 2
    r = min(third, bh) / 2 - 0.5
    d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(200, 120, 30), outline=(255, 255, 255))
    r2 = r * 0.55
    d.ellipse([cx - r2, cy - r2, cx + r2, cy + r2], fill=(30, 60, 160))
    d.ellipse([cx + r * 0.6, top, cx + r * 0.6 + r, top + r], outline=(250, 250, 0))
    # "text": a row of letter-like glyph strokes
    x0, x1 = third * 2 + 1, w - 2
    n = 4
    gw = (x1 - x0) / n
    for i in range(n):
        gx = x0 + i * gw
        y0, y1 = top + bh * 0.2, top + bh * 0.8
        strokes = [
            [(gx, y1), (gx + gw * 0.4, y0), (gx + gw * 0.8, y1)],            # A-like
            [(gx, y0), (gx, y1), (gx + gw * 0.7, y1)],                        # L-like
            [(gx + gw * 0.8, y0), (gx, y0), (gx, y1), (gx + gw * 0.8, y1)],   # C-like
            [(gx, y1), (gx, y0), (gx + gw * 0.7, y1), (gx + gw * 0.7, y0)],   # N-like
        ][i % 4]
        d.line(strokes, fill=(255, 255, 255), width=max(1, round(bh / 12)))
    return img


def image_to_chw_uint8(img):
    return torch.from_numpy(np.asarray(img, dtype=np.uint8).copy()).permute(2, 0, 1)


def write_card(w, h):
    img = draw_card(w, h)
    rel = "images/card-%dx%d.rgb" % (w, h)
    write_rgb(rel, image_to_chw_uint8(img))
    return img, rel


def to_input(img):
    """torchvision preprocessing without resize: ToTensor + Normalize(ImageNet)."""
    t = T.Compose([T.ToTensor(), T.Normalize(mean=IMAGENET_MEAN, std=IMAGENET_STD)])
    return t(img)


# ----------------------------------------------------------------------------------------------
# Fixture model architectures
# ----------------------------------------------------------------------------------------------

class AlexNetInplace(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, 5, stride=2, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(3, 2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(inplace=True),
            nn.MaxPool2d(3, 2),
            nn.Conv2d(32, 48, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(48, 32, 3, padding=1), nn.ReLU(inplace=True),
            nn.MaxPool2d(3, 2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((2, 2))
        self.classifier = nn.Sequential(
            nn.Dropout(0.5), nn.Linear(32 * 4, 64), nn.ReLU(inplace=True),
            nn.Dropout(0.5), nn.Linear(64, NUM_CLASSES),
        )

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


class VggBn(nn.Module):
    def __init__(self, cfg=(16, "M", 32, "M", 32, 32, "M", 48, "M")):
        super().__init__()
        layers = []
        c = 3
        for v in cfg:
            if v == "M":
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers += [nn.Conv2d(c, v, 3, padding=1), nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
                c = v
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d((2, 2))
        self.classifier = nn.Sequential(
            nn.Linear(c * 4, 32), nn.ReLU(inplace=True), nn.Dropout(0.5),
            nn.Linear(32, NUM_CLASSES),
        )

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False),
                                            nn.BatchNorm2d(cout))
        else:
            self.downsample = nn.Identity()

    def forward(self, x):
        identity = self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += identity
        return self.relu(out)  # the same module, called a second time


class ResNetReuse(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 5, stride=2, padding=2, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, padding=1)
        self.layer1 = BasicBlock(16, 16)
        self.layer2 = BasicBlock(16, 32, stride=2)
        self.layer3 = BasicBlock(32, 32)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(32, NUM_CLASSES)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer3(self.layer2(self.layer1(x)))
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(x)


def conv_bn_relu6(cin, cout, k, stride=1, groups=1):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU6(inplace=True))


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        self.use_res = stride == 1 and cin == cout
        layers = []
        if expand != 1:
            layers.append(conv_bn_relu6(cin, hidden, 1))
        layers += [conv_bn_relu6(hidden, hidden, 3, stride, groups=hidden),
                   nn.Conv2d(hidden, cout, 1, bias=False), nn.BatchNorm2d(cout)]
        self.conv = nn.Sequential(*layers)

    def forward(self, x):
        if self.use_res:
            return x + self.conv(x)
        return self.conv(x)


class MobileNetV2Relu6(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            conv_bn_relu6(3, 16, 3, stride=2),
            InvertedResidual(16, 16, 1, 1),
            InvertedResidual(16, 24, 2, 4),
            InvertedResidual(24, 24, 1, 4),
            InvertedResidual(24, 32, 2, 4),
            conv_bn_relu6(32, 64, 1),
        )
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(64 * 4, NUM_CLASSES))

    def forward(self, x):
        x = self.features(x)
        # 2x2 pooling rather than global: keeps the classes' gradients apart (< 0.95 correlation)
        x = torch.flatten(F.adaptive_avg_pool2d(x, (2, 2)), 1)
        return self.classifier(x)


class FunctionalRelu(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, stride=2, padding=1)
        self.conv3 = nn.Conv2d(32, 32, 3, stride=2, padding=1)
        self.fc1 = nn.Linear(32, 32)
        self.fc2 = nn.Linear(32, NUM_CLASSES)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = torch.relu(self.conv3(x))
        x = torch.flatten(F.adaptive_avg_pool2d(x, (1, 1)), 1)
        x = F.relu(self.fc1(x))
        return self.fc2(x)


class DenseLayer(nn.Module):
    def __init__(self, cin, growth):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(cin)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(cin, 4 * growth, 1, bias=False)
        self.norm2 = nn.BatchNorm2d(4 * growth)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(4 * growth, growth, 3, padding=1, bias=False)

    def forward(self, x):
        x = self.conv1(self.relu1(self.norm1(x)))
        return self.conv2(self.relu2(self.norm2(x)))


class DenseBlock(nn.Module):
    def __init__(self, cin, n, growth):
        super().__init__()
        self.layers = nn.ModuleList([DenseLayer(cin + i * growth, growth) for i in range(n)])

    def forward(self, x):
        features: List[torch.Tensor] = [x]
        for layer in self.layers:
            features.append(layer(torch.cat(features, 1)))
        return torch.cat(features, 1)


class DenseNetCat(nn.Module):
    def __init__(self, growth=8):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, stride=2, padding=1, bias=False),
                                  nn.BatchNorm2d(16), nn.ReLU(inplace=True),
                                  nn.MaxPool2d(3, 2, padding=1))
        self.block1 = DenseBlock(16, 3, growth)
        c = 16 + 3 * growth
        self.transition = nn.Sequential(nn.BatchNorm2d(c), nn.ReLU(inplace=True),
                                        nn.Conv2d(c, c // 2, 1, bias=False), nn.AvgPool2d(2, 2))
        c //= 2
        self.block2 = DenseBlock(c, 3, growth)
        c += 3 * growth
        self.norm5 = nn.BatchNorm2d(c)
        self.classifier = nn.Linear(c * 4, NUM_CLASSES)

    def forward(self, x):
        x = self.block2(self.transition(self.block1(self.stem(x))))
        x = F.relu(self.norm5(x))
        x = torch.flatten(F.adaptive_avg_pool2d(x, (2, 2)), 1)  # 2x2: see MobileNetV2Relu6
        return self.classifier(x)


class WinogradWide(nn.Module):
    """3x3 convolutions wide enough (64 channels and more) that the engine computes them, and
    their input gradients, by Winograd's F(2x2, 3x3): with a bias and ReLU6, on an odd frame
    large enough to be transformed in two bands, with 66 channels (padded in the 8-channel
    blocks), and a residual block whose second convolution adds the block's input before its
    ReLU. A side branch's convolution is max-pooled and must stay on the direct kernel: the test
    card's flat areas make ties in the pooling windows, which Winograd's rounding would break."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 64, 3, padding=1)
        self.side = nn.Conv2d(64, 64, 3, padding=1)
        self.wide = nn.Conv2d(64, 66, 3, padding=1)
        self.relu6 = nn.ReLU6(inplace=True)
        self.block = BasicBlock(66, 66)
        self.fc = nn.Linear((66 + 64) * 4, NUM_CLASSES)

    def forward(self, x):
        x = F.relu(self.stem(x))
        side = F.max_pool2d(F.relu(self.side(x)), 2)
        x = self.block(self.relu6(self.wide(x)))
        x = torch.cat([F.adaptive_avg_pool2d(x, (2, 2)), F.adaptive_avg_pool2d(side, (2, 2))], 1)
        return self.fc(torch.flatten(x, 1))


class BlockedMix(nn.Module):
    """What oneDNN's 16-channel-blocked and channels-last layouts (AVX-512 CPUs) meet: channel
    counts that are not multiples of 16 (24, 40, 18), an odd frame, padding, a residual block
    with a 1x1 downsampling branch, grouped and depthwise convolutions, and max pooling with an
    empty stride (what scripting F.max_pool2d(x, 3) gives: the kernel size) and in ceil mode."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 24, 5, stride=2, padding=2)
        self.bn = nn.BatchNorm2d(24)
        self.block = BasicBlock(24, 40)
        self.grouped = nn.Conv2d(40, 40, 3, padding=1, groups=4)
        self.depthwise = nn.Conv2d(40, 40, 3, padding=1, groups=40)
        self.squeeze = nn.Conv2d(40, 18, 1)
        self.fc = nn.Linear(18 * 4, NUM_CLASSES)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn(self.stem(x))), 3)
        x = self.block(x)
        x = F.relu6(self.grouped(x))
        x = F.relu(self.depthwise(x))
        x = F.max_pool2d(F.relu(self.squeeze(x)), 2, ceil_mode=True)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, (2, 2)), 1))


# name: (class, export method, input width, input height, expected ReLU-family call count)
class OddGeometry(nn.Module):
    """Convolutions with few input channels, whose input gradient the engine computes as
    GEMM + col2im: a dilated rectangular kernel, unequal strides and paddings, then 5 channels
    (padded in oneDNN's blocks), ceil-mode max pooling, no padding; an odd frame size."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 12, (5, 3), stride=(3, 2), padding=(2, 1), dilation=(2, 1))
        self.conv2 = nn.Conv2d(12, 5, 3, padding=1)
        self.conv3 = nn.Conv2d(5, 16, (3, 2), stride=(1, 3))
        self.fc = nn.Linear(16 * 4, NUM_CLASSES)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2, 2, 0, ceil_mode=True)
        x = F.relu(self.conv3(x))
        x = torch.flatten(F.adaptive_avg_pool2d(x, (2, 2)), 1)
        return self.fc(x)


MODELS = [
    ("alexnet_inplace", AlexNetInplace, "trace", 64, 64, 5),
    ("vgg_bn", VggBn, "script", 64, 64, 6),
    ("resnet_reuse", ResNetReuse, "script", 48, 40, 7),
    ("mobilenetv2_relu6", MobileNetV2Relu6, "trace", 64, 64, 9),
    ("functional_relu", FunctionalRelu, "script", 64, 64, 4),
    ("densenet_cat", DenseNetCat, "script", 64, 64, 15),
    ("odd_geometry", OddGeometry, "script", 45, 37, 3),
    ("winograd_wide", WinogradWide, "script", 97, 89, 5),
    ("blocked_mix", BlockedMix, "script", 75, 61, 6),
]
HOOK_CHECKED = {"alexnet_inplace", "vgg_bn"}
# The maxima whose gradient goes to the element that wins a tie: no Winograd upstream of them.
MAXIMA = ("aten::max", "aten::amax", "aten::maximum", "aten::fmax", "aten::min", "aten::amin",
          "aten::minimum", "aten::fmin")


def init_weights(model, gen_seed, w, h):
    """Kaiming weights, small random biases, non-trivial BatchNorm affine and running stats."""
    seed(gen_seed)
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            if m.bias is not None:
                nn.init.uniform_(m.bias, -0.1, 0.1)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.uniform_(m.weight, 0.5, 1.5)
            nn.init.uniform_(m.bias, -0.2, 0.2)
            m.reset_running_stats()
            m.momentum = None  # cumulative average over the calibration batches
    # BatchNorm running statistics: a few random batches in train mode.
    if any(isinstance(m, nn.BatchNorm2d) for m in model.modules()):
        model.train()
        with torch.no_grad():
            for _ in range(4):
                model(torch.randn(8, 3, h, w) * 1.2 + 0.3)
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.momentum = 0.1
    model.eval()


def last_linear(model):
    return [m for m in model.modules() if isinstance(m, nn.Linear)][-1]


def calibrate_logits(model, x, target_std=2.0):
    """Scale the last Linear so the test card's logits have a spread that makes softmax
    scores meaningful (random weights give arbitrary scales)."""
    with torch.no_grad():
        logits = model(x[None])[0]
        lin = last_linear(model)
        centred = logits - lin.bias
        scale = target_std / float(centred.std())
        lin.weight.mul_(scale)


# ----------------------------------------------------------------------------------------------
# Reference guided backpropagation
# ----------------------------------------------------------------------------------------------

_orig = {
    "torch.relu": torch.relu,
    "torch.relu_": torch.relu_,
    "F.relu": F.relu,
    "F.relu_": F.relu_,
    "F.relu6": F.relu6,
    "F.hardtanh": F.hardtanh,
    "F.hardtanh_": F.hardtanh_,
}


class GuidedReLU(torch.autograd.Function):
    """relu forward; backward passes only positive gradient where the input was positive."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _orig["torch.relu"](x)

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        return grad_out.clamp(min=0) * (x > 0)


class GuidedReLU6(torch.autograd.Function):
    """hardtanh(0, 6) forward; guided backward restricted to the linear range 0 < x < 6."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _orig["F.hardtanh"](x, 0.0, 6.0)

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        return grad_out.clamp(min=0) * ((x > 0) & (x < 6))


class GuidedActivations:
    """Context manager: every ReLU-family entry point that Python modules and functional code
    reach (nn.ReLU -> F.relu -> torch.relu(_), nn.ReLU6 -> F.hardtanh, F.relu6, torch.relu)
    goes through the guided functions; counts the calls."""

    def __enter__(self):
        self.calls = 0

        def relu(x, inplace=False):
            self.calls += 1
            return GuidedReLU.apply(x)

        def relu_(x):
            return relu(x)

        def hardtanh(x, min_val=-1.0, max_val=1.0, inplace=False):
            if min_val != 0.0 or max_val != 6.0:
                raise AssertionError("hardtanh(%r, %r) is not ReLU6" % (min_val, max_val))
            self.calls += 1
            return GuidedReLU6.apply(x)

        def hardtanh_(x, min_val=-1.0, max_val=1.0):
            return hardtanh(x, min_val, max_val)

        def relu6(x, inplace=False):
            return hardtanh(x, 0.0, 6.0)

        torch.relu, torch.relu_ = relu, relu_
        F.relu, F.relu_, F.relu6, F.hardtanh, F.hardtanh_ = relu, relu_, relu6, hardtanh, hardtanh_
        return self

    def __exit__(self, *exc):
        torch.relu, torch.relu_ = _orig["torch.relu"], _orig["torch.relu_"]
        F.relu, F.relu_ = _orig["F.relu"], _orig["F.relu_"]
        F.relu6, F.hardtanh, F.hardtanh_ = _orig["F.relu6"], _orig["F.hardtanh"], _orig["F.hardtanh_"]
        return False


def autograd_node_names(root):
    """Type names of every node in the autograd graph below root (each node once)."""
    seen, stack, names = set(), [root], []
    while stack:
        fn = stack.pop()
        if fn is None or fn in seen:
            continue
        seen.add(fn)
        names.append(type(fn).__name__)
        stack.extend(f for f, _ in fn.next_functions)
    return names


def guided_gradient(model, x, cls):
    """Returns (logits, gradient [3,H,W], number of guided activation calls)."""
    inp = x[None].clone().requires_grad_(True)
    with GuidedActivations() as g:
        logits = model(inp)
    names = autograd_node_names(logits.grad_fn)
    plain = [n for n in names if any(k in n for k in ("Relu", "Hardtanh", "Threshold", "Clamp"))]
    assert not plain, "unguided activation left in autograd graph: %s" % plain
    guided_nodes = sum(n.startswith("GuidedReLU") for n in names)
    assert guided_nodes == g.calls, (guided_nodes, g.calls)
    logits[0, cls].backward()
    return logits.detach()[0], inp.grad.detach()[0], g.calls


def hook_gradient(model, x, cls):
    """The seed's classic formulation: forward hooks record each nn.ReLU output, (non-full)
    backward hooks replace the gradient by (output > 0) * clamp(grad_in, min=0).
    On nn.ReLU(inplace=True) torch 1.13 warns "non-full backward hook when the forward contains
    multiple autograd Nodes" (the in-place op rebases the input's grad_fn), but the hook still
    sits on the ReluBackward node and the result matches the custom Function exactly, so the
    in-place modules are used as they are."""
    outputs, handles = [], []

    def fwd(module, inp, out):
        outputs.append(out)

    def bwd(module, grad_in, grad_out):
        return ((outputs.pop() > 0) * torch.clamp(grad_in[0], min=0),)

    for m in model.modules():
        if isinstance(m, nn.ReLU):
            handles.append(m.register_forward_hook(fwd))
            handles.append(m.register_backward_hook(bwd))
    try:
        inp = x[None].clone().requires_grad_(True)
        logits = model(inp)
        logits[0, cls].backward()
    finally:
        for h in handles:
            h.remove()
    assert not outputs, "backward hooks did not consume every forward output"
    return inp.grad.detach()[0]


def conv_geometries(model, x):
    """(in, out, height, width, kernel, stride, padding, dilation, groups) of every Conv2d call,
    in the order of the forward."""
    calls, handles = [], []

    def hook(m, inp, out):
        calls.append((m.in_channels, m.out_channels, inp[0].shape[2], inp[0].shape[3],
                      m.kernel_size, m.stride, m.padding, m.dilation, m.groups))

    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            handles.append(m.register_forward_hook(hook))
    with torch.no_grad():
        model(x[None])
    for h in handles:
        h.remove()
    return calls


def reaches_a_maximum(node, known):
    """Whether a max pooling or another maximum is computed from node's outputs, at any distance."""
    if node in known:
        return known[node]
    reaches = False
    for out in node.outputs():
        for use in out.uses():
            user = use.user
            if user.kind() == "prim::Return" and user.owningBlock().owningNode() is not None:
                user = user.owningBlock().owningNode()
            reaches = reaches or "max_pool" in user.kind() or user.kind() in MAXIMA \
                or reaches_a_maximum(user, known)
    known[node] = reaches
    return reaches


def winograd_counts(frozen_graph, geometries):
    """From the fixture's geometry: how many convolutions Winograd may compute (3x3, stride 1,
    padding 1, undilated, ungrouped, and no maximum downstream, whose ties Winograd's rounding
    would break), and how many of them the engine's fixed rules (tuning off) give it where oneDNN
    blocks channels by 8 (x86 without AVX-512, or capped below it): 64 channels or more in and
    out and 36 or more 2x2 tiles."""
    convs = [n for n in frozen_graph.nodes() if n.kind() in ("aten::conv2d", "aten::_convolution")]
    assert len(convs) == len(geometries), (len(convs), len(geometries))
    known, allowed, fixed_rule = {}, 0, 0
    for node, (cin, cout, h, w, k, stride, pad, dil, groups) in zip(convs, geometries):
        if k == (3, 3) and stride == (1, 1) and pad == (1, 1) and dil == (1, 1) and groups == 1 \
                and not reaches_a_maximum(node, known):
            allowed += 1
            fixed_rule += cin >= 64 and cout >= 64 and ((h + 1) // 2) * ((w + 1) // 2) >= 36
    return allowed, fixed_rule


def count_relu_nodes(graph):
    """ReLU-family call nodes in a TorchScript graph, all blocks, recursively."""
    n = 0
    for node in graph.nodes():
        kind = node.kind()
        if kind in ("aten::relu", "aten::relu_", "aten::relu6", "aten::relu6_"):
            n += 1
        elif kind in ("aten::hardtanh", "aten::hardtanh_"):
            lo = list(node.inputs())[1].toIValue()
            if lo == 0:
                n += 1
        for block in node.blocks():
            n += count_relu_nodes(block)
    return n


# ----------------------------------------------------------------------------------------------
# Fixture families
# ----------------------------------------------------------------------------------------------

def make_models(ini):
    cards = {}
    for i, (name, cls, export, w, h, expected) in enumerate(MODELS):
        if (w, h) not in cards:
            cards[(w, h)] = write_card(w, h)
        img, image_rel = cards[(w, h)]
        x = to_input(img)

        model = cls()
        init_weights(model, 1000 + i, w, h)
        calibrate_logits(model, x)

        example = torch.zeros(1, 3, h, w)
        if export == "trace":
            ts = torch.jit.trace(model, example)
        else:
            ts = torch.jit.script(model)
        rel = "models/%s.pt" % name
        torch.jit.save(ts, path(rel))

        for p in model.parameters():
            p.requires_grad_(False)

        loaded = torch.jit.load(path(rel))
        loaded.eval()
        # Count on the frozen graph (what the engine rewrites): the merely inlined graph still
        # has both branches of F.relu's `if inplace:` (functional_relu: 7 nodes, 4 calls);
        # freezing propagates the constant and drops the dead branch.
        frozen = torch._C._freeze_module(loaded._c)
        relu_nodes = count_relu_nodes(frozen._get_method("forward").graph)
        geometries = conv_geometries(model, x)
        winograd_allowed, winograd_fixed = winograd_counts(
            frozen._get_method("forward").graph, geometries)
        linears = sum(isinstance(m, nn.Linear) for m in model.modules())
        inlined_nodes = count_relu_nodes(loaded.inlined_graph)
        assert relu_nodes == expected, (name, relu_nodes, expected)

        with torch.no_grad():
            eager_logits = model(x[None])[0]
            ts_logits = loaded(x[None])[0]
        diff = float((eager_logits - ts_logits).abs().max())
        assert diff < 1e-4, (name, diff)

        top = int(torch.argmax(eager_logits))
        logits, top_grad, calls = guided_gradient(model, x, top)
        assert calls == relu_nodes, (name, calls, relu_nodes)
        assert torch.equal(logits, eager_logits), name
        probs = torch.softmax(logits, 0)
        # Guided backprop is notoriously insensitive to the class, so the target is the
        # other class whose gradient is least correlated with the top one.
        others = []
        for c in range(NUM_CLASSES):
            if c != top:
                grad = guided_gradient(model, x, c)[1]
                others.append((correlation(top_grad, grad), c, grad))
        corr, target, target_grad = min(others, key=lambda t: t[0])
        assert corr < 0.95, (name, corr)
        write_f32("refs/%s-top.f32" % name, top_grad)
        write_f32("refs/%s-target.f32" % name, target_grad)

        hook_diff = None
        if name in HOOK_CHECKED:
            hook_grad = hook_gradient(model, x, top)
            hook_diff = float((hook_grad - top_grad).abs().max() / top_grad.abs().max())
            assert hook_diff < 1e-5, (name, hook_diff)

        print("%-18s relu_nodes=%2d (inlined %2d) top=%d (%.3f) target=%d (%.3f) corr=%.3f ts_diff=%.1e hook=%s size=%d"
              % (name, relu_nodes, inlined_nodes, top, probs[top], target, probs[target], corr, diff,
                 "-" if hook_diff is None else "%.2e" % hook_diff, os.path.getsize(path(rel))))

        g = ["[model %s]" % name,
             "file=%s" % rel,
             "input_width=%d" % w,
             "input_height=%d" % h,
             "num_classes=%d" % NUM_CLASSES,
             "relu_nodes=%d" % relu_nodes,
             "convs=%d" % len(geometries),
             "linears=%d" % linears,
             "winograd_allowed=%d" % winograd_allowed,
             "winograd_convs=%d" % winograd_fixed,
             "image=%s" % image_rel,
             "top_class=%d" % top,
             "top_score=%s" % fmt(probs[top]),
             "top_gradient=refs/%s-top.f32" % name,
             "target_class=%d" % target,
             "target_score=%s" % fmt(probs[target]),
             "target_gradient=refs/%s-target.f32" % name]
        if hook_diff is not None:
            g.append("hook_relative_diff=%s" % fmt(hook_diff))
        ini.append("\n".join(g))


def make_preprocess(ini):
    cases = [("down", 97, 61, 64, 64), ("up", 40, 30, 64, 64), ("aniso", 300, 20, 48, 40)]
    for name, w, h, ow, oh in cases:
        img, image_rel = write_card(w, h)
        resized = T.Resize((oh, ow))(img)
        assert resized.size == (ow, oh)
        same = img.resize((ow, oh), Image.BILINEAR)
        assert np.array_equal(np.asarray(resized), np.asarray(same)), name
        write_rgb("refs/preprocess-%s.rgb" % name, image_to_chw_uint8(resized))
        write_f32("refs/preprocess-%s.f32" % name, to_input(resized))
        ini.append("\n".join([
            "[preprocess %s]" % name,
            "image=%s" % image_rel,
            "width=%d" % w,
            "height=%d" % h,
            "out_width=%d" % ow,
            "out_height=%d" % oh,
            "resized=refs/preprocess-%s.rgb" % name,
            "normalized=refs/preprocess-%s.f32" % name]))


def make_render(ini):
    w, h, uw, uh = 64, 64, 100, 75
    g = torch.from_numpy(np.fromfile(path("refs/alexnet_inplace-top.f32"), dtype="<f4")).view(3, h, w)
    r = (g - g.mean()) / g.std()
    r = (r * 0.1 + 0.5).clamp(0, 1)
    write_rgb("refs/render-gradient.rgb", r.mul(255).byte())
    up = F.interpolate(r[None], size=(uh, uw), mode="bilinear", align_corners=False)[0]
    write_rgb("refs/render-gradient-%dx%d.rgb" % (uw, uh), up.mul(255).byte())
    ini.append("\n".join([
        "[render gradient]",
        "gradient=refs/alexnet_inplace-top.f32",
        "width=%d" % w,
        "height=%d" % h,
        "rendered=refs/render-gradient.rgb",
        "upsampled_width=%d" % uw,
        "upsampled_height=%d" % uh,
        "upsampled=refs/render-gradient-%dx%d.rgb" % (uw, uh)]))


class TinyReluNet(nn.Module):
    """Base of the bad models: conv-relu-pool-linear, valid [N,10] float logits."""

    def __init__(self, in_channels: int = 3):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, 4, 3, stride=2, padding=1)
        self.fc = nn.Linear(4, NUM_CLASSES)

    def features(self, x):
        return torch.flatten(F.adaptive_avg_pool2d(torch.relu(self.conv(x)), (1, 1)), 1)

    def forward(self, x):
        return self.fc(self.features(x))


class ReturnsTuple(TinyReluNet):
    def forward(self, x) -> Tuple[torch.Tensor, torch.Tensor]:
        y = self.fc(self.features(x))
        return y, y * 2


class ReturnsDict(TinyReluNet):
    def forward(self, x) -> Dict[str, torch.Tensor]:
        return {"logits": self.fc(self.features(x))}


class Returns1d(TinyReluNet):
    def forward(self, x):
        return self.fc(self.features(x)).flatten()


class Returns4d(TinyReluNet):
    def forward(self, x):
        return torch.relu(self.conv(x))


class ReturnsInt(TinyReluNet):
    def forward(self, x):
        return (self.fc(self.features(x)) * 100).to(torch.int64)


class Expects299(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 13, stride=13)  # 299 = 23 * 13
        self.fc = nn.Linear(4 * 23 * 23, NUM_CLASSES)

    def forward(self, x):
        return self.fc(torch.flatten(torch.relu(self.conv(x)), 1))


class Raises(TinyReluNet):
    def forward(self, x):
        if x.numel() > 0:
            raise RuntimeError("deliberate failure in forward")
        return self.fc(self.features(x))


class NoRelu(TinyReluNet):
    def forward(self, x):
        x = torch.tanh(self.conv(x))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, (1, 1)), 1))


def save_script(module, rel):
    module.eval()
    buf = io.BytesIO()
    torch.jit.save(torch.jit.script(module), buf)
    data = buf.getvalue()
    if rel:
        write_bytes(rel, data)
    return data


def make_bad(ini):
    seed(7)
    entries = []

    def add(stem, ext, expect):
        entries.append("[bad %s]\nfile=bad/%s%s\nexpect=%s" % (stem, stem, ext, expect))

    write_bytes("bad/empty.pt", b"")
    add("empty", ".pt", "load")
    write_bytes("bad/random.pt", random.Random(4096).randbytes(4096))
    add("random", ".pt", "load")
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("README.txt", date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, "This zip archive is not a TorchScript model.\n")
    write_bytes("bad/not-torchscript.zip", zbuf.getvalue())
    add("not-torchscript", ".zip", "load")

    valid = save_script(TinyReluNet(), None)
    for pct in (10, 50, 90):
        stem = "truncated-%d" % pct
        write_bytes("bad/%s.pt" % stem, valid[: len(valid) * pct // 100])
        add(stem, ".pt", "load")

    for stem, module, expect in [
        ("returns-tuple", ReturnsTuple(), "output"),
        ("returns-dict", ReturnsDict(), "output"),
        ("returns-1d", Returns1d(), "output"),
        ("returns-4d", Returns4d(), "output"),
        ("returns-int", ReturnsInt(), "output"),
        ("expects-1-channel", TinyReluNet(in_channels=1), "input"),
        ("expects-299", Expects299(), "input"),
        ("raises", Raises(), "forward"),
        ("no-relu", NoRelu(), "no-relu"),
    ]:
        save_script(module, "bad/%s.pt" % stem)
        add(stem, ".pt", expect)

    # sanity: the loadable ones load, and fail (or not) the way the manifest says
    x = torch.zeros(1, 3, 64, 64)
    for stem in ("returns-tuple", "returns-dict", "returns-1d", "returns-4d", "returns-int"):
        out = torch.jit.load(path("bad/%s.pt" % stem))(x)
        assert not (isinstance(out, torch.Tensor) and out.dtype == torch.float32
                    and out.dim() == 2), stem
    for stem in ("expects-1-channel", "expects-299", "raises"):
        try:
            torch.jit.load(path("bad/%s.pt" % stem))(x)
            raise AssertionError("%s did not fail" % stem)
        except torch.jit.Error:
            pass
        except RuntimeError:
            pass
    assert torch.jit.load(path("bad/expects-299.pt"))(torch.zeros(1, 3, 299, 299)).shape == (1, 10)
    assert count_relu_nodes(torch.jit.load(path("bad/no-relu.pt")).inlined_graph) == 0
    for stem in ("empty", "random", "truncated-10", "truncated-50", "truncated-90"):
        try:
            torch.jit.load(path("bad/%s.pt" % stem))
            raise AssertionError("%s loaded" % stem)
        except RuntimeError:
            pass
    ini.extend(entries)


def make_labels():
    names = ["tabby cat", "golden retriever", "red fox", "goldfinch", "monarch butterfly",
             "fire engine", "espresso", "acoustic guitar", "sailboat", "volcano", "lighthouse"]
    write_bytes("labels/labels-10.txt", ("\n".join(names[:10]) + "\n").encode())
    write_bytes("labels/labels-9.txt", ("\n".join(names[:9]) + "\n").encode())
    write_bytes("labels/labels-11.txt", ("\n".join(names[:11]) + "\n").encode())
    write_bytes("labels/labels-10-no-newline.txt", "\n".join(names[:10]).encode())
    write_bytes("labels/labels-10-crlf.txt", ("\r\n".join(names[:10]) + "\r\n").encode())
    bad = [n.encode() for n in names[:10]]
    bad[3] = b"gold\xff\xfefinch"
    write_bytes("labels/labels-invalid-utf8.txt", b"\n".join(bad) + b"\n")
    blank = names[:4] + [""] + names[4:10]
    assert len(blank) == 11
    write_bytes("labels/labels-10-blank-line.txt", ("\n".join(blank) + "\n").encode())


def main():
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    ini = ["# Test fixtures manifest (GKeyFile). Generated by tools/make-fixtures.py: do not edit.\n"
           "# Paths are relative to tests/data/. Formats: see tests/data/README.md."]
    make_models(ini)
    make_preprocess(ini)
    make_render(ini)
    make_bad(ini)
    make_labels()
    write_bytes("fixtures.ini", ("\n\n".join(ini) + "\n").encode())
    print("wrote", ROOT)


if __name__ == "__main__":
    main()
