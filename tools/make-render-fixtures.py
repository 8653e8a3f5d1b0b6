#!/usr/bin/python3
"""Regenerate the rendering references under tests/data/render/ and the colormap tables in
core/gbp-colormap-tables.c.

Makes:
  core/gbp-colormap-tables.c      the 256-entry RGB8 colormap tables the C renderer looks up
  tests/data/render/colormap-NAME.rgb   the same tables, 256 packed RGB8 pixels each
  tests/data/render/card-100x75.rgb     the test card drawn at 100x75 (overlay frame)
  tests/data/render/MODE-WxH.rgb        expected renderings (packed RGB8)
  tests/data/render/render.ini          the manifest test-render reads (GKeyFile syntax)

The references are plain numpy/torch array code written from the rendering rules in
include/guidedbp/gbp-render.h, not from the C. Everything is float32, as in the C.

Colormap sources:
  jet      the classic MATLAB piecewise-linear formula:
           r, g, b = clip(1.5 - |4x - 3|), clip(1.5 - |4x - 2|), clip(1.5 - |4x - 1|)
  turbo    Google's polynomial approximation of turbo (Anton Mikhailov, 2019), clipped to
           [0,1]. It departs from Google's published 256-entry table by up to 0.13 at the
           ends (the table starts at (0.19, 0.07, 0.23), the polynomial at (0.14, 0.09, 0.11)).
  inferno, viridis
           matplotlib's 256-entry lists (Nathaniel Smith and Stefan van der Walt, CC0), read
           from an installed matplotlib, else from the _cm_listed.py file given with
           --cm-listed (e.g. extracted from Debian's python3-matplotlib .deb:
           `apt-get download python3-matplotlib && dpkg-deb -x python3-matplotlib_*.deb x`),
           else from the tables already in core/gbp-colormap-tables.c.
Table entries are floor(255 * c + 0.5).

Run with Debian's python (torch 1.13, numpy):
    /usr/bin/python3 tools/make-render-fixtures.py [--cm-listed PATH/_cm_listed.py]
Output is deterministic: running it twice gives identical bytes.
"""

import argparse
import ast
import importlib.util
import os
import re
import sys

import numpy as np
import torch
import torch.nn.functional as F

TOOLS = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(TOOLS, ".."))
DATA = os.path.join(TOP, "tests", "data")
TABLES_C = os.path.join(TOP, "core", "gbp-colormap-tables.c")

COLORMAPS = ["jet", "turbo", "inferno", "viridis"]
MODEL_W, MODEL_H = 64, 64
SIZES = [(64, 64), (100, 75)]
ALPHA = 0.4
OVERLAY_COLORMAPS = ["jet", "turbo"]
SMOOTHING = 0.6
GRADIENT = "refs/alexnet_inplace-top.f32"
SMOOTHING_GRADIENTS = ["refs/alexnet_inplace-top.f32", "refs/alexnet_inplace-target.f32",
                       "refs/vgg_bn-top.f32"]


def write_bytes(rel, data):
    p = os.path.join(DATA, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(data)


def write_rgb(rel, hwc):
    assert hwc.dtype == np.uint8 and hwc.ndim == 3 and hwc.shape[2] == 3
    write_bytes(rel, np.ascontiguousarray(hwc).tobytes())


def read_gradient(rel):
    g = np.fromfile(os.path.join(DATA, rel), dtype="<f4").astype(np.float32)
    return g.reshape(3, MODEL_H, MODEL_W)


# ----------------------------------------------------------------------------------------------
# Colormaps
# ----------------------------------------------------------------------------------------------

def jet_floats():
    x = np.arange(256, dtype=np.float64) / 255.0
    return np.stack([np.clip(1.5 - np.abs(4 * x - c), 0, 1) for c in (3, 2, 1)], axis=1)


def turbo_floats():
    x = np.arange(256, dtype=np.float64) / 255.0
    coefficients = [
        [0.13572138, 4.61539260, -42.66032258, 132.13108234, -152.94239396, 59.28637943],
        [0.09140261, 2.19418839, 4.84296658, -14.18503333, 4.27729857, 2.82956604],
        [0.10667330, 12.64194608, -60.58204836, 110.36276771, -89.90310912, 27.34824973],
    ]
    channels = []
    for c in coefficients:
        channels.append(sum(k * x ** i for i, k in enumerate(c)))
    return np.clip(np.stack(channels, axis=1), 0, 1)


def listed_from_file(filename):
    """The _inferno_data and _viridis_data lists of matplotlib's _cm_listed.py, read as
    literals (nothing of matplotlib is imported)."""
    with open(filename) as f:
        tree = ast.parse(f.read())
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name) \
                and node.targets[0].id in ("_inferno_data", "_viridis_data"):
            found[node.targets[0].id[1:-5]] = np.array(ast.literal_eval(node.value))
    return found


def listed_from_matplotlib():
    try:
        from matplotlib import _cm_listed
    except ImportError:
        return None
    return {"inferno": np.array(_cm_listed._inferno_data),
            "viridis": np.array(_cm_listed._viridis_data)}


def tables_from_c():
    """Byte tables already generated into core/gbp-colormap-tables.c, by name."""
    if not os.path.exists(TABLES_C):
        return {}
    text = open(TABLES_C).read()
    tables = {}
    for name in COLORMAPS:
        m = re.search(r"\[GBP_COLORMAP_%s\] = \{(.*?)\n  \}," % name.upper(), text, re.S)
        if m:
            values = [int(v) for v in re.findall(r"\d+", m.group(1))]
            tables[name] = np.array(values, dtype=np.uint8).reshape(256, 3)
    return tables


def to_bytes(floats):
    assert floats.shape == (256, 3)
    assert floats.min() >= 0 and floats.max() <= 1
    return np.floor(floats * 255 + 0.5).astype(np.uint8)


def make_tables(cm_listed):
    tables = {"jet": to_bytes(jet_floats()), "turbo": to_bytes(turbo_floats())}
    listed = listed_from_file(cm_listed) if cm_listed else listed_from_matplotlib()
    if listed is not None:
        for name in ("inferno", "viridis"):
            assert listed[name].shape == (256, 3), name
            tables[name] = to_bytes(listed[name])
    else:
        old = tables_from_c()
        if "inferno" not in old or "viridis" not in old:
            sys.exit("no source for inferno/viridis: install matplotlib or pass --cm-listed "
                     "PATH/_cm_listed.py (see the docstring)")
        print("note: matplotlib not found, keeping the inferno/viridis tables of", TABLES_C)
        tables["inferno"], tables["viridis"] = old["inferno"], old["viridis"]
    # sanity: the published anchors
    assert tuple(tables["jet"][0]) == (0, 0, 128) and tuple(tables["jet"][255]) == (128, 0, 0)
    assert tuple(tables["viridis"][0]) == (68, 1, 84), tables["viridis"][0]
    assert tuple(tables["viridis"][255]) == (253, 231, 37), tables["viridis"][255]
    assert tuple(tables["inferno"][0]) == (0, 0, 4), tables["inferno"][0]
    assert tuple(tables["inferno"][255]) == (252, 255, 164), tables["inferno"][255]
    return tables


def write_tables_c(tables):
    lines = [
        "/* guidedbp — Guided Backpropagation saliency engine",
        " * Copyright (C) 2026 guidedbp developers",
        " * SPDX-License-Identifier: LGPL-2.1-or-later",
        " *",
        " * Generated by tools/make-render-fixtures.py: do not edit, rerun the script.",
        " *",
        " * 256-entry RGB8 colormap tables, entry i for the value i / 255, each",
        " * component floor(255 * c + 0.5):",
        " *   jet      MATLAB's piecewise-linear formula",
        " *   turbo    Google's polynomial approximation (Mikhailov 2019), clipped",
        " *   inferno, viridis  matplotlib's 256-entry lists (_cm_listed.py;",
        " *            Smith & van der Walt, CC0)",
        " */",
        '#include "gbp-colormap.h"',
        "",
        "const guint8 gbp_colormap_tables[GBP_N_COLORMAPS][256][3] = {",
    ]
    for name in COLORMAPS:
        lines.append("  [GBP_COLORMAP_%s] = {" % name.upper())
        t = tables[name]
        for row in range(0, 256, 4):
            lines.append("    " + " ".join("{%d, %d, %d}," % tuple(int(v) for v in t[i])
                                           for i in range(row, row + 4)))
        lines.append("  },")
    lines.append("};")
    with open(TABLES_C, "w") as f:
        f.write("\n".join(lines) + "\n")


# ----------------------------------------------------------------------------------------------
# The rendering rules, as array code
# ----------------------------------------------------------------------------------------------

F32 = np.float32


def map_gradient(g):
    t = torch.from_numpy(g)
    r = (t - t.mean()) / t.std()          # unbiased std, as the reference
    return (r * 0.1 + 0.5).clamp(0, 1).numpy()


def percentile99(m):
    """numpy's default ('linear') percentile, written out: the value at position
    0.99 * (n - 1) of the sorted values, interpolated in float64."""
    s = np.sort(m.ravel()).astype(np.float64)
    pos = 0.99 * (s.size - 1)
    lo = int(np.floor(pos))
    hi = min(lo + 1, s.size - 1)
    p = s[lo] + (s[hi] - s[lo]) * (pos - lo)
    assert abs(p - np.percentile(m.astype(np.float64), 99)) <= 1e-12 * max(1.0, abs(p))
    return F32(p)


def map_gray(g):
    m = np.abs(g).max(axis=0)
    p = percentile99(m)
    if p <= 0:
        p = m.max()
    if p <= 0:
        return np.zeros((1,) + m.shape, F32)
    return np.minimum(m / p, F32(1))[None]


def map_signed(g, sign):
    s = g if sign > 0 else -g
    top = s.max()
    if top <= 0:
        return np.zeros_like(g)
    return np.maximum(s, F32(0)) / top


MAPS = {
    "gradient": map_gradient,
    "gray": map_gray,
    "positive": lambda g: map_signed(g, 1),
    "negative": lambda g: map_signed(g, -1),
    "heatmap": map_gray,
    "overlay": map_gray,
}


def resample(planes, w, h):
    if planes.shape[1:] == (h, w):
        return planes
    t = torch.from_numpy(np.ascontiguousarray(planes))[None]
    return F.interpolate(t, size=(h, w), mode="bilinear", align_corners=False)[0].numpy()


def truncate(planes):
    """[C,H,W] floats in [0,1] -> bytes, v * 255 truncated, in float32."""
    return (planes.astype(F32) * F32(255)).astype(np.uint8)


def to_pixels(mode, planes, w, h, table=None, frame=None):
    up = resample(planes, w, h)
    if mode in ("gradient", "positive", "negative"):
        return truncate(up).transpose(1, 2, 0)
    index = np.minimum(truncate(up[0]), 255)
    if mode == "gray":
        return np.repeat(index[:, :, None], 3, axis=2)
    heat = table[index]                   # [H,W,3] bytes
    if mode == "heatmap":
        return heat
    a = F32(ALPHA)
    blended = a * heat.astype(F32) + (F32(1) - a) * frame.astype(F32) + F32(0.5)
    return np.floor(blended).astype(np.uint8)


def smooth(maps, s):
    s = F32(s)
    ema = maps[0]
    for m in maps[1:]:
        ema = s * ema + (F32(1) - s) * m
    return ema


# ----------------------------------------------------------------------------------------------

def load_card_drawer():
    """draw_card() of tools/make-fixtures.py, so the 100x75 card matches the other cards."""
    os.environ["PYTHONHASHSEED"] = "0"    # make-fixtures.py re-executes itself otherwise
    spec = importlib.util.spec_from_file_location("make_fixtures",
                                                  os.path.join(TOOLS, "make-fixtures.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.draw_card


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cm-listed", help="matplotlib's _cm_listed.py, when matplotlib "
                        "is not installed")
    args = parser.parse_args()
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)

    tables = make_tables(args.cm_listed)
    write_tables_c(tables)
    ini = ["# Rendering references (GKeyFile). Generated by tools/make-render-fixtures.py: "
           "do not edit.\n"
           "# Paths are relative to tests/data/. See tests/data/render/README.md."]
    for name in COLORMAPS:
        write_rgb("render/colormap-%s.rgb" % name, tables[name][None])
        ini.append("[colormap %s]\ntable=render/colormap-%s.rgb" % (name, name))

    frames = {(64, 64): "images/card-64x64.rgb"}
    card = np.asarray(load_card_drawer()(100, 75), dtype=np.uint8)
    write_rgb("render/card-100x75.rgb", card)
    frames[(100, 75)] = "render/card-100x75.rgb"

    def read_frame(w, h):
        data = np.fromfile(os.path.join(DATA, frames[(w, h)]), dtype=np.uint8)
        return data.reshape(h, w, 3)

    def case(name, mode, gradients, w, h, pixels, colormap="jet", alpha=0.5, smoothing=0.0,
             frame=None):
        rel = "render/%s.rgb" % name
        write_rgb(rel, pixels)
        lines = ["[case %s]" % name,
                 "mode=%s" % mode,
                 "colormap=%s" % colormap,
                 "alpha=%s" % alpha,
                 "smoothing=%s" % smoothing,
                 "gradients=%s" % ";".join(gradients),
                 "gradient_width=%d" % MODEL_W,
                 "gradient_height=%d" % MODEL_H,
                 "width=%d" % w,
                 "height=%d" % h,
                 "expected=%s" % rel]
        if frame:
            lines.append("frame=%s" % frame)
        if mode in ("heatmap", "overlay"):
            # the gray levels the colormap was indexed with
            lines.append("gray=render/%s.rgb" % name.replace(mode, "gray", 1)
                         .replace("-" + colormap, "", 1))
        ini.append("\n".join(lines))

    g = read_gradient(GRADIENT)
    for w, h in SIZES:
        size = "%dx%d" % (w, h)
        for mode in ("gradient", "gray", "positive", "negative"):
            case("%s-%s" % (mode, size), mode, [GRADIENT], w, h,
                 to_pixels(mode, MAPS[mode](g), w, h))
        gray_map = map_gray(g)
        for cm in COLORMAPS:
            case("heatmap-%s-%s" % (cm, size), "heatmap", [GRADIENT], w, h,
                 to_pixels("heatmap", gray_map, w, h, tables[cm]), colormap=cm)
        for cm in OVERLAY_COLORMAPS:
            case("overlay-%s-%s" % (cm, size), "overlay", [GRADIENT], w, h,
                 to_pixels("overlay", gray_map, w, h, tables[cm], read_frame(w, h)),
                 colormap=cm, alpha=ALPHA, frame=frames[(w, h)])

    # smoothing: the third frame of three different gradients
    gs = [read_gradient(rel) for rel in SMOOTHING_GRADIENTS]
    for mode, sizes in (("gray", SIZES), ("positive", SIZES[:1])):
        ema = smooth([MAPS[mode](x) for x in gs], SMOOTHING)
        for w, h in sizes:
            case("smooth-%s-%dx%d" % (mode, w, h), mode, SMOOTHING_GRADIENTS, w, h,
                 to_pixels(mode, ema, w, h), smoothing=SMOOTHING)

    # the existing reference of the default rendering must still hold
    old = np.fromfile(os.path.join(DATA, "refs/render-gradient.rgb"), dtype=np.uint8)
    new = np.fromfile(os.path.join(DATA, "render/gradient-64x64.rgb"), dtype=np.uint8)
    assert np.array_equal(old, new), "gradient mode no longer matches refs/render-gradient.rgb"

    write_bytes("render/render.ini", ("\n\n".join(ini) + "\n").encode())
    print("wrote", os.path.join(DATA, "render"), "and", TABLES_C)


if __name__ == "__main__":
    main()
