#!/usr/bin/python3
"""Export a torchvision classifier to TorchScript for the guidedbp element.

The exported module is in eval() mode, its parameters do not require grad
(guided backprop only needs the gradient with respect to the input), and it is
scripted; when scripting fails or does not yield a plain [N, classes] tensor
(GoogLeNet and Inception v3 return tuples when scripted) it is traced with a
1x3x224x224 example instead.

Weights, one of:
  --random-weights   deterministic random initialisation (--seed); for tests
                     and benchmarks. The default.
  --weights PATH     a local state_dict (.pth), e.g. one downloaded earlier from
                     torchvision's model zoo.
  --pretrained       torchvision's default weights, downloaded into the torch
                     hub cache ($TORCH_HOME, ~/.cache/torch). Needs internet
                     access unless already cached.

--labels writes the 1000 ImageNet class names, one per line (taken from
torchvision's weights metadata, available offline).

Examples:
  tools/export-torchvision.py resnet18 /tmp/resnet18.pt --random-weights
  tools/export-torchvision.py vgg16 vgg16.pt --weights vgg16-397923af.pth \\
      --labels vgg16.labels
"""

import argparse
import os
import sys
import warnings

import torch
import torchvision
from torchvision import models

# Guided backprop rewrites these nodes; other activations are left as they are.
GUIDED_NODES = ("aten::relu", "aten::relu_", "aten::hardtanh", "aten::hardtanh_")
OTHER_ACTIVATIONS = ("aten::gelu", "aten::silu", "aten::hardswish", "aten::sigmoid",
                     "aten::elu", "aten::leaky_relu", "aten::tanh", "aten::softplus",
                     "aten::mish", "aten::hardsigmoid")
# Builders that grow auxiliary heads unless told otherwise.
AUX_ARCHS = ("googlenet", "inception_v3")


def classifier_names():
    return models.list_models(module=models)


def die(msg):
    print(f"export-torchvision: error: {msg}", file=sys.stderr)
    sys.exit(1)


def load_state_dict(path):
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # noqa: BLE001 - report any failure clearly
        die(f"cannot load weights from {path}: {e}\n"
            "  (expected a state_dict saved with torch.save(model.state_dict(), PATH))")
    if isinstance(obj, dict):
        for key in ("state_dict", "model_state_dict", "model"):
            if key in obj and isinstance(obj[key], dict):
                obj = obj[key]
                break
    if not isinstance(obj, dict) or not all(torch.is_tensor(v) for v in obj.values()):
        die(f"{path} does not hold a state_dict of tensors")
    if all(k.startswith("module.") for k in obj):
        obj = {k[len("module."):]: v for k, v in obj.items()}
    return obj


def infer_num_classes(state_dict):
    """Output size of the last weight matrix / conv in the state_dict."""
    last = None
    for k, v in state_dict.items():
        if k.endswith("weight") and v.dim() >= 2 and not k.startswith("aux"):
            last = v
    return int(last.shape[0]) if last is not None else None


def build(arch, args):
    """Return (eval model, description of its weights)."""
    weights_enum = models.get_model_weights(arch)
    if args.pretrained:
        w = weights_enum.DEFAULT
        try:
            model = models.get_model(arch, weights=w)
        except Exception as e:  # noqa: BLE001
            die(f"could not get pretrained weights for {arch} from {w.url}: {e}\n"
                "  --pretrained needs internet access (or the file already in the torch "
                "hub cache).\n  Download the file elsewhere and pass it with --weights PATH, "
                "or use --random-weights.")
        return model, f"pretrained {w}"
    if args.weights:
        sd = load_state_dict(args.weights)
        n = args.num_classes or infer_num_classes(sd) or 1000
        kwargs = {"num_classes": n}
        if arch in AUX_ARCHS:
            # torchvision's own weights for these were trained on inputs
            # transformed from ImageNet to [-1,1] normalisation; it sets this
            # when it loads them, and so do we.
            kwargs["aux_logits"] = any(k.startswith("aux") for k in sd)
            kwargs["transform_input"] = True
            kwargs["init_weights"] = False
        torch.manual_seed(args.seed)
        model = models.get_model(arch, weights=None, **kwargs)
        try:
            model.load_state_dict(sd)
        except RuntimeError as e:
            die(f"{args.weights} does not fit {arch}: {e}")
        return model, f"weights from {args.weights}"
    torch.manual_seed(args.seed)
    kwargs = {"num_classes": args.num_classes or 1000}
    if arch in AUX_ARCHS:
        kwargs["aux_logits"] = False
        kwargs["init_weights"] = True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = models.get_model(arch, weights=None, **kwargs)
    return model, f"random weights (seed {args.seed})"


def drop_aux(model):
    if hasattr(model, "aux_logits"):
        model.aux_logits = False
        for name in ("aux1", "aux2", "AuxLogits"):
            if hasattr(model, name):
                setattr(model, name, None)


def convert(model, example):
    """Script the model, or trace it when scripting fails or returns no tensor.
    Returns (module, "scripted" | "traced")."""
    with torch.no_grad():
        expected = model(example)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ts = torch.jit.script(model)
            with torch.no_grad():
                out = ts(example)
        if torch.is_tensor(out) and out.shape == expected.shape:
            return ts, "scripted", expected
        why = "does not return a single tensor"
    except Exception as e:  # noqa: BLE001
        why = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    print(f"scripting unsuitable ({why}); tracing with a 1x3x224x224 example")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ts = torch.jit.trace(model, example, check_trace=False)
    return ts, "traced", expected


def graph_notes(ts):
    text = str(torch.jit.freeze(ts.eval()).graph) if hasattr(ts, "graph") else ""
    guided = sum(text.count(n + "(") for n in GUIDED_NODES)
    others = sorted({n for n in OTHER_ACTIVATIONS if n + "(" in text})
    return guided, others


def main():
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="\n\n".join(__doc__.split("\n\n")[1:]),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("arch", help="torchvision classifier name, e.g. alexnet, vgg16, "
                    "vgg16_bn, resnet18, resnet50, mobilenet_v2, densenet121 "
                    "(--list shows all)", nargs="?")
    ap.add_argument("output", help="TorchScript file to write (.pt)", nargs="?")
    src = ap.add_mutually_exclusive_group()
    src.add_argument("--weights", metavar="PATH.pth", help="load a local state_dict")
    src.add_argument("--pretrained", action="store_true",
                     help="download torchvision's default weights (needs internet)")
    src.add_argument("--random-weights", action="store_true",
                     help="random initialisation with --seed (default)")
    ap.add_argument("--labels", metavar="OUTPUT.labels",
                    help="also write the ImageNet class names, one per line")
    ap.add_argument("--seed", type=int, default=0,
                    help="seed for --random-weights (default 0)")
    ap.add_argument("--num-classes", type=int, default=None,
                    help="classifier outputs (default: 1000, or inferred from --weights)")
    ap.add_argument("--list", action="store_true", help="list the classifier names")
    args = ap.parse_args()

    names = classifier_names()
    if args.list:
        print("\n".join(names))
        return
    if not args.arch or not args.output:
        ap.error("ARCH and OUTPUT are required")
    if args.arch not in names:
        die(f"unknown classifier '{args.arch}'; one of: {', '.join(names)}")

    model, origin = build(args.arch, args)
    drop_aux(model)
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)

    example = torch.zeros(1, 3, 224, 224)
    ts, how, expected = convert(model, example)
    with torch.no_grad():
        got = ts(example)
    if not torch.allclose(got, expected, rtol=1e-4, atol=1e-5):
        die("exported module disagrees with the eager model")
    num_classes = int(got.shape[1])

    out_dir = os.path.dirname(os.path.abspath(args.output))
    os.makedirs(out_dir, exist_ok=True)
    ts.save(args.output)
    print(f"wrote {args.output}: {args.arch}, {how}, {origin}, "
          f"{num_classes} classes, {os.path.getsize(args.output)} bytes")

    guided, others = graph_notes(ts)
    if guided == 0:
        print(f"note: {args.arch} has no ReLU/ReLU6 nodes; guided backprop degenerates "
              "to the plain gradient")
    if others:
        print(f"note: {args.arch} also uses {', '.join(others)}, which guided backprop "
              "leaves as plain gradients")

    if args.labels:
        cats = models.get_model_weights(args.arch).DEFAULT.meta.get("categories")
        if not cats or len(cats) != num_classes:
            die(f"--labels: the model has {num_classes} classes but torchvision's "
                f"labels for {args.arch} have {len(cats) if cats else 0}; write your "
                "own labels file")
        with open(args.labels, "w") as f:
            f.write("\n".join(cats) + "\n")
        print(f"wrote {args.labels}: {len(cats)} labels")


if __name__ == "__main__":
    main()
