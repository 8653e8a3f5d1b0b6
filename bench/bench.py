#!/usr/bin/python3
"""Guided backpropagation speed: the seed's reference, plain PyTorch done
well, guidedbp's engine, and a forward pass, interleaved in one run.

Per model (torchvision definitions with random weights, 224x224, batch 1):
  (a) reference  the seed's method as written: hooks on the ReLU modules,
                 parameters requiring grad (as a pretrained model has them)
  (b) pytorch    a custom autograd ReLU, no parameter gradients
  (c) guidedbp   our engine (resize from an RGBx frame included), over a
                 pipe to bench/gbp-bench-server
  (d) forward    forward only through the engine's model: the floor
  (p) pipelined  as many one-thread engines as threads, each on its own
                 frames at once: ms per frame of their combined throughput
  (h) bf16       with --precision fp32 bf16: the engine with precision bf16
                 (needs a CPU that computes bfloat16 natively)
Rounds alternate a few frames of each method so that machine noise falls on
all of them alike; medians are over all timed frames after warm-up. "load s"
is how long the engine took to load, choosing its kernels included.

--isa AVX2 AVX512_CORE ... reruns the table under each oneDNN ISA cap
(ONEDNN_MAX_CPU_ISA, which libtorch's own convolutions in (a) and (b) obey
too), a process per cap, in the same run; "native" is no cap.

Usage: bench/run.sh (exports the models and builds first)
       bench/bench.py --server build/bench/gbp-bench-server --models DIR [...]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

import torch
import torch.nn as nn
import torchvision


def make_model(arch):
    torch.manual_seed(0)
    return getattr(torchvision.models, arch)(weights=None).eval()


def activation_modules(model):
    return [m for m in model.modules() if isinstance(m, (nn.ReLU, nn.ReLU6))]


class SeedReference:
    """The seed's GuidedBackprop: forward hooks store each ReLU output,
    backward hooks keep positive gradients where the output was positive."""

    def __init__(self, arch):
        self.model = make_model(arch)  # parameters require grad, as shipped
        self.forward_relu_outputs = []
        for module in activation_modules(self.model):
            module.register_backward_hook(self.relu_backward_hook)
            module.register_forward_hook(self.relu_forward_hook)

    def relu_backward_hook(self, module, grad_in, grad_out):
        corresponding_forward_output = self.forward_relu_outputs[-1]
        corresponding_forward_output[corresponding_forward_output > 0] = 1
        modified_grad_out = corresponding_forward_output * torch.clamp(grad_in[0], min=0.0)
        del self.forward_relu_outputs[-1]
        return (modified_grad_out,)

    def relu_forward_hook(self, module, ten_in, ten_out):
        self.forward_relu_outputs.append(ten_out)

    def __call__(self, image):
        image = image.clone().requires_grad_(True)
        model_output = self.model(image)
        self.model.zero_grad()
        one_hot_output = torch.zeros_like(model_output)
        one_hot_output[0][model_output.argmax()] = 1
        model_output.backward(gradient=one_hot_output)
        return image.grad


class GuidedReLUFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, upper):
        ctx.save_for_backward(x)
        ctx.upper = upper
        return x.clamp(0, upper) if upper is not None else x.clamp(min=0)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        mask = x > 0
        if ctx.upper is not None:
            mask &= x < ctx.upper
        return grad.clamp(min=0) * mask, None


class GuidedReLU(nn.Module):
    def __init__(self, upper=None):
        super().__init__()
        self.upper = upper

    def forward(self, x):
        return GuidedReLUFunction.apply(x, self.upper)


class PlainPyTorch:
    """Guided backprop done well in plain PyTorch."""

    def __init__(self, arch):
        self.model = make_model(arch)
        for p in self.model.parameters():
            p.requires_grad_(False)
        for parent in self.model.modules():
            for name, child in parent.named_children():
                if isinstance(child, nn.ReLU6):
                    setattr(parent, name, GuidedReLU(6.0))
                elif isinstance(child, nn.ReLU):
                    setattr(parent, name, GuidedReLU())
        # torchvision ResNets reuse one ReLU module; setattr replaced it.

    def __call__(self, image):
        image = image.clone().requires_grad_(True)
        logits = self.model(image)
        target = logits[0, logits[0].argmax()]
        (grad,) = torch.autograd.grad(target, image)
        return grad


class EngineServer:
    def __init__(self, server, model_path, threads, fold=True, options=()):
        self.proc = subprocess.Popen([server, model_path, str(threads)]
                                     + ([] if fold else ["nofold"]) + list(options),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)
        line = self.proc.stdout.readline().strip()
        if line != "ready":
            raise SystemExit(f"{server} did not start on {model_path}")

    def send(self, command):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def receive(self):
        reply = self.proc.stdout.readline()
        if not reply:
            raise SystemExit("the engine server failed")
        return [float(v) for v in reply.split()]

    def ask(self, command):
        self.send(command)
        return self.receive()

    def ask_text(self, command):
        self.send(command)
        return self.proc.stdout.readline().strip()

    def close(self):
        self.proc.stdin.write("quit\n")
        self.proc.stdin.flush()
        self.proc.wait()


def time_python(fn, image, n):
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn(image)
        times.append((time.perf_counter() - start) * 1000.0)
    return times


def time_pipelined(engines, n):
    """Milliseconds per frame of several engines at once, each on its own
    frames: the throughput of instances pipelining consecutive frames."""
    start = time.perf_counter()
    for engine in engines:
        engine.send(f"guided {n} 224 224")
    for engine in engines:
        engine.receive()
    return [(time.perf_counter() - start) * 1000.0 / (n * len(engines))] * n


def bench_model(arch, args):
    image = torch.randn(1, 3, 224, 224)
    reference, plain = SeedReference(arch), PlainPyTorch(arch)
    model = os.path.join(args.models, arch + ".pt")
    tune = [] if args.tune else ["notune"]
    engine = EngineServer(args.server, model, args.threads, not args.no_fold_batch_norm, tune)
    load_s = engine.ask("load")[0] / 1000.0
    # as many one-thread instances as there are threads (a lever)
    instances = [EngineServer(args.server, model, 1, not args.no_fold_batch_norm, tune)
                 for _ in range(args.threads)]
    methods = {
        "reference": lambda n: time_python(reference, image, n),
        "pytorch": lambda n: time_python(plain, image, n),
        "guidedbp": lambda n: engine.ask(f"guided {n} 224 224"),
        "forward": lambda n: engine.ask(f"forward {n}"),
        "pipelined": lambda n: time_pipelined(instances, n),
    }
    servers = [engine] + instances
    if "bf16" in args.precision:
        half = EngineServer(args.server, model, args.threads, not args.no_fold_batch_norm,
                            tune + ["bf16"])
        methods["bf16"] = lambda n: half.ask(f"guided {n} 224 224")
        servers.append(half)
    for run in methods.values():  # warm-up: profiling executor, allocators
        run(args.warmup)
    times = {name: [] for name in methods}
    for _ in range(args.rounds):
        for name, run in methods.items():
            times[name] += run(args.frames_per_round)
    for server in servers:
        server.close()
    medians = {name: statistics.median(t) for name, t in times.items()}
    medians["load"] = load_s
    return medians


def bench_element(args):
    """The element against the engine on the same frames: bench/element.py
    (fakesink sync=false, warm-up excluded, the engine before and after
    each element run)."""
    import element
    element.Gst.init(None)
    model = os.path.join(args.models, args.element_arch + ".pt")
    engine = EngineServer(args.server, model, args.threads)
    print(f"\n# element: imagefreeze ! guidedbp ! fakesink sync=false, {args.element_arch}, "
          "medians of 30 frames after 5 of warm-up (bench/element.py)")
    print(f"{'frame':<11}{'format':<7}{'engine ms':>10}{'element ms':>11}{'elem/eng':>9}")
    for fmt in ("RGBx", "NV12"):
        for width, height in ((224, 224), (1920, 1080), (3840, 2160)):
            command = f"guided {{}} {width} {height} {fmt.upper()}"
            engine.ask(command.format(5))
            before = statistics.median(engine.ask(command.format(30)))
            ms = element.element_ms(model, width, height, fmt, args.threads, 30, 5)
            after = statistics.median(engine.ask(command.format(30)))
            base = (before + after) / 2
            shown = f"{ms:>11.1f}{ms / base:>8.2f}x" if ms else f"{'refused':>11}"
            print(f"{width}x{height:<6}{fmt:<7}{base:>10.1f}{shown}", flush=True)
    engine.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--models", required=True, help="folder of ARCH.pt exports")
    parser.add_argument("--arch", nargs="+",
                        default=["alexnet", "resnet18", "mobilenet_v2", "vgg16"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--frames-per-round", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--no-fold-batch-norm", action="store_true",
                        help="the engine keeps batch norms instead of folding them into "
                        "the convolutions, its default (a lever)")
    parser.add_argument("--busy", type=int, default=0, metavar="N",
                        help="keep N other processes spinning on the CPU during the run, "
                             "as a busy pipeline or desktop would (a lever: thread counts)")
    parser.add_argument("--isa", nargs="+", metavar="CAP",
                        help="rerun the table under each oneDNN ISA cap (SSE41, AVX2, "
                             "AVX512_CORE, AVX512_CORE_BF16, AVX512_CORE_AMX, or native)")
    parser.add_argument("--precision", nargs="+", default=["fp32"], choices=["fp32", "bf16"],
                        help="bf16 adds the engine with precision bf16 beside float32")
    parser.add_argument("--no-tune", dest="tune", action="store_false",
                        help="the engine takes its kernels by fixed rules instead of "
                             "timing them at load (a lever)")
    parser.add_argument("--element-arch", default="resnet18",
                        help="model for the element part; 'none' to skip it")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    busy = [subprocess.Popen(["/usr/bin/python3", "-c", "while True: pass"])
            for _ in range(args.busy)]
    try:
        run_benchmarks(args)
    finally:
        for process in busy:
            process.kill()


def cpu_description():
    """The CPU model and the flags that decide which kernels can run."""
    model, flags = "unknown CPU", set()
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name") and model == "unknown CPU":
                model = line.split(":", 1)[1].strip()
            elif line.startswith("flags") and not flags:
                flags = set(line.split(":", 1)[1].split())
    wanted = ["avx2", "fma", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile"]
    return model, [f for f in wanted if f in flags]


def onednn_isa(args):
    """The ISA oneDNN dispatches in this environment, asked of the engine."""
    probe = EngineServer(args.server, os.path.join(args.models, args.arch[0] + ".pt"), 1,
                         True, ["notune"])
    isa = probe.ask_text("isa")
    probe.close()
    return isa


def bf16_refusal(args):
    """Why the engine refuses precision bf16 here (it does below a native
    bfloat16 ISA tier, by design), or None when it takes it."""
    model = os.path.join(args.models, args.arch[0] + ".pt")
    probe = subprocess.run([args.server, model, "1", "notune", "bf16"], input="quit\n",
                           capture_output=True, text=True)
    if probe.stdout.startswith("ready"):
        return None
    lines = probe.stderr.strip().splitlines()
    return lines[-1] if lines else f"{args.server} exited with {probe.returncode}"


def run_benchmarks(args):
    if args.isa:
        # one child per cap: ONEDNN_MAX_CPU_ISA is read once per process
        model, flags = cpu_description()
        print(f"# CPU: {model}; flags: {' '.join(flags)}")
        for isa in args.isa:
            env = dict(os.environ)
            env.pop("ONEDNN_MAX_CPU_ISA", None)
            if isa != "native":
                env["ONEDNN_MAX_CPU_ISA"] = isa
            child = [sys.executable, __file__, "--server", args.server, "--models", args.models,
                     "--arch"] + args.arch + ["--threads", str(args.threads),
                     "--rounds", str(args.rounds), "--frames-per-round", str(args.frames_per_round),
                     "--warmup", str(args.warmup), "--precision"] + args.precision + [
                     "--element-arch", "none"] + ([] if args.tune else ["--no-tune"]) + (
                     ["--no-fold-batch-norm"] if args.no_fold_batch_norm else [])
            print(f"\n## ONEDNN_MAX_CPU_ISA={isa if isa != 'native' else '(none)'}", flush=True)
            subprocess.run(child, env=env, check=True)
        if args.element_arch != "none":
            bench_element(args)
        return

    blas = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    model, flags = cpu_description()
    isa = onednn_isa(args)
    print(f"# CPU: {model}; flags: {' '.join(flags)}; oneDNN dispatches {isa}")
    refusal = bf16_refusal(args) if "bf16" in args.precision else None
    if refusal:
        print(f"# no (h) bf16 column: {refusal}")
        args.precision = [p for p in args.precision if p != "bf16"]
    print(f"# {args.threads} threads, 224x224, batch 1; libblas.so.3 -> {blas}; "
          f"{args.busy} busy processes alongside; load average at start "
          f"{os.getloadavg()[0]:.2f} (other work on the machine skews every figure)")
    print(f"# medians of {args.rounds * args.frames_per_round} frames per method, interleaved; "
          f"kernels {'tuned at load' if args.tune else 'by fixed rules (--no-tune)'}")
    print(f"# (p): {args.threads} engine instances of one thread each at once, "
          "ms per frame of their combined throughput")
    half = "bf16" in args.precision
    print(f"{'model':<14}{'(a) ref ms':>11}{'(b) torch ms':>13}{'(c) gbp ms':>11}"
          f"{'(d) fwd ms':>11}{'a/c':>7}{'b/c':>7}{'(p) ms':>9}{'a/p':>7}{'b/p':>7}"
          + (f"{'(h) bf16 ms':>12}{'b/h':>7}{'c/h':>7}" if half else "") + f"{'load s':>8}")
    for arch in args.arch:
        m = bench_model(arch, args)
        row = (f"{arch:<14}{m['reference']:>11.1f}{m['pytorch']:>13.1f}{m['guidedbp']:>11.1f}"
               f"{m['forward']:>11.1f}{m['reference'] / m['guidedbp']:>6.2f}x"
               f"{m['pytorch'] / m['guidedbp']:>6.2f}x{m['pipelined']:>9.1f}"
               f"{m['reference'] / m['pipelined']:>6.2f}x"
               f"{m['pytorch'] / m['pipelined']:>6.2f}x")
        if half:
            row += (f"{m['bf16']:>12.1f}{m['pytorch'] / m['bf16']:>6.2f}x"
                    f"{m['guidedbp'] / m['bf16']:>6.2f}x")
        print(row + f"{m['load']:>8.1f}", flush=True)
    if args.element_arch != "none":
        bench_element(args)

if __name__ == "__main__":
    main()
