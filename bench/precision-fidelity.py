#!/usr/bin/python3
"""How far precision=bf16 moves the saliency from float32: the element's
rendered frames with each precision, compared pixel by pixel.

For each model and image the element renders the saliency (render-mode
gradient, the reference normalization, and gray) once with precision=fp32
and once with precision=bf16; printed per model and mode: the lowest
correlation of the two renderings over the images, the largest pixel
difference in 8-bit levels, the mean one, and on how many images the
explained (top) class agrees.

Images: real photos from scikit-image's data (astronaut, cat, coffee,
motorcycle, rocket), taken from Debian's python3-skimage package without
installing it (apt-get download + dpkg -x into bench/photos/), and for the
demo model also its held-out scenes (tests/data/demo/). Needs a CPU with
native bfloat16 (AVX512_BF16 or AMX); the element refuses bf16 elsewhere.

Usage: bench/precision-fidelity.py [--models bench/models] [--arch ...]
(bench/run.sh exports the torchvision models; build first.)
"""

import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
PHOTOS = ["astronaut.png", "chelsea.png", "coffee.png", "motorcycle_left.png", "rocket.jpg"]
SIZE = 448


def fetch_photos(folder):
    """scikit-image's sample photos, unpacked from its Debian package."""
    wanted = [os.path.join(folder, name) for name in PHOTOS]
    if all(os.path.exists(p) for p in wanted):
        return wanted
    os.makedirs(folder, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["apt-get", "download", "python3-skimage"], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
        deb = glob.glob(os.path.join(tmp, "python3-skimage_*.deb"))[0]
        subprocess.run(["dpkg", "-x", deb, os.path.join(tmp, "x")], check=True)
        data = glob.glob(os.path.join(tmp, "x", "usr", "lib", "python3*", "dist-packages",
                                      "skimage", "data"))[0]
        for name in PHOTOS:
            with open(os.path.join(data, name), "rb") as src, \
                    open(os.path.join(folder, name), "wb") as dst:
                dst.write(src.read())
    return wanted


def frames_folder(images, tmp):
    """The images as same-size RGB PNGs numbered for multifilesrc."""
    for i, path in enumerate(images):
        Image.open(path).convert("RGB").resize((SIZE, SIZE), Image.BILINEAR).save(
            os.path.join(tmp, f"in-{i:03d}.png"))
    return os.path.join(tmp, "in-%03d.png")


def render(model, labels, pattern, count, precision, mode, out_dir, tune):
    """The element's rendered frames (raw RGB) and explained classes."""
    props = [f"model={model}", f"precision={precision}", f"render-mode={mode}",
             "num-threads=2", "post-messages=true", f"tune-kernels={str(tune).lower()}"]
    if labels:
        props.append(f"labels={labels}")
    out = os.path.join(out_dir, f"{precision}-{mode}-%03d.rgb")
    pipeline = (["gst-launch-1.0", "-m", "multifilesrc", f"location={pattern}", "index=0",
                 f"stop-index={count - 1}", "caps=image/png,framerate=1/1", "!", "pngdec",
                 "!", "videoconvert", "!", "video/x-raw,format=RGB", "!", "guidedbp"] + props
                + ["!", "videoconvert", "!", "video/x-raw,format=RGB", "!", "multifilesink",
                   f"location={out}"])
    run = subprocess.run(pipeline, capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"{precision} failed on {model}:\n{run.stdout[-2000:]}{run.stderr}")
    classes = [int(c) for c in re.findall(r"guidedbp, [^\n]*?class=\(int\)(-?\d+)", run.stdout)]
    frames = [np.fromfile(out % i, dtype=np.uint8).astype(np.float64) for i in range(count)]
    return frames, classes


def compare(model, labels, images, modes, tune):
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        pattern = frames_folder(images, tmp)
        for mode in modes:
            f32, c32 = render(model, labels, pattern, len(images), "fp32", mode, tmp, tune)
            b16, c16 = render(model, labels, pattern, len(images), "bf16", mode, tmp, tune)
            correlations = [float(np.corrcoef(a, b)[0, 1]) for a, b in zip(f32, b16)]
            rows.append((mode, min(correlations),
                         max(float(np.abs(a - b).max()) for a, b in zip(f32, b16)),
                         float(np.mean([np.abs(a - b).mean() for a, b in zip(f32, b16)])),
                         sum(a == b for a, b in zip(c32, c16)), len(images)))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", default=os.path.join(ROOT, "bench", "models"))
    parser.add_argument("--arch", nargs="+",
                        default=["alexnet", "resnet18", "mobilenet_v2", "vgg16", "demo"])
    parser.add_argument("--modes", nargs="+", default=["gradient", "gray"])
    parser.add_argument("--untuned", action="store_true",
                        help="tune-kernels=false: every convolution and linear layer in bf16 "
                        "(tuned, bf16 keeps a float32 kernel where it is faster)")
    args = parser.parse_args()

    os.environ["GST_PLUGIN_PATH"] = os.path.join(ROOT, "build", "plugin")
    photos = fetch_photos(os.path.join(ROOT, "bench", "photos"))
    with open("/proc/cpuinfo") as f:
        cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    print(f"# {cpu}; precision bf16 against fp32, the element's rendered frames at 224x224 "
          f"model input from {SIZE}x{SIZE} images, 2 threads, "
          f"tune-kernels={'false' if args.untuned else 'true'}")
    print(f"{'model':<14}{'mode':<10}{'images':>7}{'min corr':>10}{'max diff':>10}"
          f"{'mean diff':>11}{'same class':>12}")
    for arch in args.arch:
        if arch == "demo":
            model = os.path.join(ROOT, "models", "shapes-demo.pt")
            labels = os.path.join(ROOT, "models", "shapes-demo.labels")
            images = sorted(glob.glob(os.path.join(ROOT, "tests", "data", "demo", "*.jpg")))
            images += photos
        else:
            model, labels, images = os.path.join(args.models, arch + ".pt"), None, photos
        for mode, corr, worst, mean, same, n in compare(model, labels, images, args.modes,
                                                           not args.untuned):
            print(f"{arch:<14}{mode:<10}{n:>7}{corr:>10.4f}{worst:>10.0f}{mean:>11.2f}"
                  f"{same:>7} of {n}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
