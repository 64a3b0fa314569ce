#!/usr/bin/env python3
"""Plain PyTorch (eager) baseline of one byol4j BYOL training step.

Builds the encoder, projector and predictor that byol4j's trainer builds for a config (a shipped
preset or a TrainConfig JSON such as the ``bench-<preset>.json`` files ``byol4j bench`` writes), a
target copy, and times the same step on random tensors:

  target(view1), target(view2) without gradient, online(view1), online(view2), predictor of both,
  symmetric loss mean((2 - 2 cos(p1, z2)) + (2 - 2 cos(p2, z1))), backward, the collapse statistic of
  the online projection, the optimiser update (LARS / SGD / AdamW as in byol4j), the target EMA update
  and the copy of the BatchNorm running statistics into the target.

Every result is one JSON line on stdout: {"preset", "steps", "seconds", "imagesPerSecond", ...}.

Modes:
  one-shot (default): --warmup steps, then --rounds rounds of --steps steps, one line per round.
  --serve: warm up, print {"ready": true, ...}, then read "run N" lines from stdin and answer each
           with one result line; "quit" or end of input stops. byol4j bench drives this mode so that
           the PyTorch rounds interleave with its own.

Set OMP_WAIT_POLICY=PASSIVE on a shared machine (spinning OpenMP threads slow everything else down).
"""

import argparse
import copy
import json
import math
import os
import sys
import time

PRESET_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "trainer", "src", "main",
                          "resources", "io", "byol4j", "trainer", "presets")

# The few TrainConfig.defaults() values a preset file may leave out (only those this script reads).
DEFAULTS = {
    "channels": 3,
    "imageSize": 32,
    "encoder": {"architecture": "resnet18", "width": 16, "cifarStem": True, "inputChannels": 3},
    "heads": {"projectorHidden": 512, "projectionDim": 128, "predictorHidden": 512},
    "batchSize": 64,
    "optimizer": {"type": "lars", "baseLr": 1.0, "weightDecay": 1.5e-6, "momentum": 0.9,
                  "trustCoefficient": 1e-3, "excludeBiasAndNorm": True, "beta2": 0.999, "epsilon": 1e-8},
    "tauBase": 0.996,
}

BLOCKS = {"resnet10": [1, 1, 1, 1], "resnet18": [2, 2, 2, 2], "resnet34": [3, 4, 6, 3], "resnet50": [3, 4, 6, 3]}


def load_config(preset, config_path):
    if config_path:
        with open(config_path, encoding="utf-8") as f:
            raw = json.load(f)
    else:
        path = os.path.join(PRESET_DIR, preset + ".json")
        if not os.path.exists(path):
            raise SystemExit("no preset file " + path + " (give --config FILE instead)")
        with open(path, encoding="utf-8") as f:
            raw = json.load(f)
    cfg = {}
    for key, value in DEFAULTS.items():
        if isinstance(value, dict):
            cfg[key] = dict(value, **raw.get(key, {}))
        else:
            cfg[key] = raw.get(key, value)
    return cfg


def build_model(torch, cfg):
    nn = torch.nn

    def conv(cin, cout, k, s, p):
        return nn.Conv2d(cin, cout, k, stride=s, padding=p, bias=False)

    def bn2d(c):
        # byol4j's BatchNorm momentum 0.9 keeps 0.9 of the running value: PyTorch's momentum 0.1.
        return nn.BatchNorm2d(c, eps=1e-5, momentum=0.1)

    class Residual(nn.Module):
        def __init__(self, main, shortcut):
            super().__init__()
            self.main = main
            self.shortcut = shortcut

        def forward(self, x):
            s = x if self.shortcut is None else self.shortcut(x)
            return torch.relu(self.main(x) + s)

    class GlobalAvgPool(nn.Module):
        def forward(self, x):
            return x.mean(dim=(2, 3))

    enc = cfg["encoder"]
    arch, w, cifar = enc["architecture"].lower(), int(enc["width"]), bool(enc["cifarStem"])
    if arch not in BLOCKS:
        raise SystemExit("unknown architecture " + arch)
    bottleneck = arch == "resnet50"
    expansion = 4 if bottleneck else 1
    channels = int(cfg["channels"])
    layers = []
    if cifar:
        layers += [conv(channels, w, 3, 1, 1), bn2d(w), nn.ReLU()]
    else:
        layers += [conv(channels, w, 7, 2, 3), bn2d(w), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    cin = w
    for stage, count in enumerate(BLOCKS[arch]):
        planes = w << stage
        for b in range(count):
            stride = 2 if (b == 0 and stage > 0) else 1
            cout = planes * expansion
            shortcut = None
            if stride != 1 or cin != cout:
                shortcut = nn.Sequential(conv(cin, cout, 1, stride, 0), bn2d(cout))
            if bottleneck:
                main = nn.Sequential(conv(cin, planes, 1, 1, 0), bn2d(planes), nn.ReLU(),
                                     conv(planes, planes, 3, stride, 1), bn2d(planes), nn.ReLU(),
                                     conv(planes, cout, 1, 1, 0), bn2d(cout))
            else:
                main = nn.Sequential(conv(cin, planes, 3, stride, 1), bn2d(planes), nn.ReLU(),
                                     conv(planes, planes, 3, 1, 1), bn2d(planes))
            layers.append(Residual(main, shortcut))
            cin = cout
    layers.append(GlobalAvgPool())
    encoder = nn.Sequential(*layers)
    embedding = (w << 3) * expansion

    def mlp(cin_, hidden, out):
        return nn.Sequential(nn.Linear(cin_, hidden), nn.BatchNorm1d(hidden, eps=1e-5, momentum=0.1), nn.ReLU(),
                             nn.Linear(hidden, out))

    heads = cfg["heads"]
    projector = mlp(embedding, int(heads["projectorHidden"]), int(heads["projectionDim"]))
    predictor = mlp(int(heads["projectionDim"]), int(heads["predictorHidden"]), int(heads["projectionDim"]))
    for module in list(encoder.modules()) + list(projector.modules()) + list(predictor.modules()):
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
            if module.bias is not None:
                nn.init.zeros_(module.bias)
    return nn.Sequential(encoder, projector), predictor


class Optimizer:
    """byol4j's update rules (io.byol4j.trainer.optim) written with in-place tensor ops."""

    def __init__(self, torch, params, opt):
        self.torch = torch
        self.params = params  # list of (tensor, regularized)
        self.type = opt["type"].lower()
        self.momentum = float(opt["momentum"])
        self.wd = float(opt["weightDecay"])
        self.eta = float(opt["trustCoefficient"])
        self.beta2 = float(opt["beta2"])
        self.eps = float(opt["epsilon"])
        slots = 2 if self.type == "adamw" else 1
        self.state = [[torch.zeros_like(p) for _ in range(slots)] for p, _ in params]
        self.t = 0

    def step(self, lr):
        torch = self.torch
        self.t += 1
        with torch.no_grad():
            for (w, regularized), slots in zip(self.params, self.state):
                g = w.grad
                if self.type == "lars":
                    u = g
                    if regularized:
                        if self.wd != 0:
                            u = u + self.wd * w
                        w_norm = torch.linalg.vector_norm(w)
                        u_norm = torch.linalg.vector_norm(u)
                        ratio = torch.where((w_norm > 0) & (u_norm > 0), self.eta * w_norm / u_norm,
                                            torch.ones_like(w_norm))
                        u = u * ratio
                    slots[0].mul_(self.momentum).add_(u)
                    w.sub_(slots[0] * lr)
                elif self.type == "sgd":
                    u = g + self.wd * w if regularized and self.wd != 0 else g
                    slots[0].mul_(self.momentum).add_(u)
                    w.sub_(slots[0] * lr)
                elif self.type == "adamw":
                    m, v = slots
                    m.mul_(self.momentum).add_(g, alpha=1 - self.momentum)
                    v.mul_(self.beta2).addcmul_(g, g, value=1 - self.beta2)
                    c1 = 1 - self.momentum ** self.t
                    c2 = 1 - self.beta2 ** self.t
                    if regularized and self.wd != 0:
                        w.mul_(1 - lr * self.wd)
                    w.sub_((m / c1) / ((v / c2).sqrt() + self.eps) * lr)
                else:
                    raise SystemExit("unknown optimizer type " + self.type)
                w.grad = None


def blas_library():
    """File name of the BLAS library this process loaded (Linear layers run on it), or "unknown"."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as f:
            paths = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
    except OSError:
        return "unknown"
    real = sorted({os.path.realpath(p) for p in paths if os.path.basename(p).startswith(("libblas", "libmkl"))})
    return ", ".join(real) if real else "unknown"


def lr_at(peak, warmup, total, k):
    """io.byol4j.trainer.schedule.LrSchedule."""
    if k < warmup:
        return peak * (k + 1) / warmup
    if k >= total:
        return 0.0
    return peak * (1 + math.cos(math.pi * (k - warmup) / (total - warmup))) / 2


def tau_at(base, total, k):
    """io.byol4j.trainer.schedule.TauSchedule."""
    progress = min(1.0, k / total)
    return 1 - (1 - base) * (math.cos(math.pi * progress) + 1) / 2


class Bench:
    def __init__(self, torch, cfg, seed, lr_warmup, total_steps, channels_last=False):
        self.torch = torch
        self.cfg = cfg
        torch.manual_seed(seed)
        self.online, self.predictor = build_model(torch, cfg)
        if channels_last:
            self.online = self.online.to(memory_format=torch.channels_last)
        self.target = copy.deepcopy(self.online)
        for p in self.target.parameters():
            p.requires_grad_(False)
        for m in (self.online, self.predictor, self.target):
            m.train()
        exclude = bool(cfg["optimizer"]["excludeBiasAndNorm"])
        params = []
        for module in list(self.online.modules()) + list(self.predictor.modules()):
            for name, p in module.named_parameters(recurse=False):
                is_norm = isinstance(module, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d))
                params.append((p, not (exclude and (name == "bias" or is_norm))))
        self.optimizer = Optimizer(torch, params, cfg["optimizer"])
        self.ema_pairs = list(zip(self.target.parameters(), self.online.parameters()))
        self.stat_pairs = list(zip(self.target.buffers(), self.online.buffers()))
        b, c, s = int(cfg["batchSize"]), int(cfg["channels"]), int(cfg["imageSize"])
        self.batch = b
        self.x1 = torch.randn(b, c, s, s)
        self.x2 = torch.randn(b, c, s, s)
        if channels_last:
            self.x1 = self.x1.contiguous(memory_format=torch.channels_last)
            self.x2 = self.x2.contiguous(memory_format=torch.channels_last)
        self.peak = float(cfg["optimizer"]["baseLr"]) * b / 256.0
        self.lr_warmup = lr_warmup
        self.total = max(1, total_steps)
        self.k = 0
        self.last_loss = float("nan")

    def step(self):
        torch = self.torch
        F = torch.nn.functional
        lr = lr_at(self.peak, self.lr_warmup, self.total, self.k)
        tau = tau_at(float(self.cfg["tauBase"]), self.total, self.k)
        with torch.no_grad():
            z1 = self.target(self.x1)
            z2 = self.target(self.x2)
        y1 = self.online(self.x1)
        y2 = self.online(self.x2)
        p1 = self.predictor(y1)
        p2 = self.predictor(y2)

        def regression(p, z):
            return 2 - 2 * (F.normalize(p, dim=1, eps=1e-12) * F.normalize(z, dim=1, eps=1e-12)).sum(dim=1)

        loss = (regression(p1, z2) + regression(p2, z1)).mean()
        loss.backward()
        value = loss.item()
        if not math.isfinite(value):
            raise SystemExit("the loss is " + str(value) + " at step " + str(self.k + 1))
        with torch.no_grad():
            z = F.normalize(y1, dim=1, eps=1e-12)
            (z - z.mean(dim=0, keepdim=True)).square().mean(dim=0).sqrt().mean().item()
        self.optimizer.step(lr)
        with torch.no_grad():
            for t, o in self.ema_pairs:
                t.mul_(tau).add_(o, alpha=1 - tau)
            for t, o in self.stat_pairs:
                t.copy_(o)
        self.k += 1
        self.last_loss = value

    def run(self, steps):
        t0 = time.perf_counter()
        for _ in range(steps):
            self.step()
        return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser(description="Time byol4j's BYOL training step in plain PyTorch eager mode.")
    ap.add_argument("--preset", default="cpu-tiny", help="shipped preset name (read from the trainer's resources)")
    ap.add_argument("--config", help="TrainConfig JSON file (overrides --preset)")
    ap.add_argument("--name", help="label in the output (default: the preset name)")
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: torch's default)")
    ap.add_argument("--warmup", type=int, default=5, help="untimed steps first")
    ap.add_argument("--steps", type=int, default=20, help="timed steps per round")
    ap.add_argument("--rounds", type=int, default=1, help="timed rounds (one-shot mode)")
    ap.add_argument("--lr-warmup-steps", type=int, default=None,
                    help="learning-rate warm-up steps (default: the --warmup steps)")
    ap.add_argument("--total-steps", type=int, default=None,
                    help="schedule length (default: warmup + rounds x steps)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--serve", action="store_true", help="answer 'run N' lines from stdin")
    ap.add_argument("--channels-last", action="store_true",
                    help="NHWC memory for weights and inputs (not plain eager; for comparison with byol4j's"
                         " memoryFormat channels-last)")
    args = ap.parse_args()

    import torch

    cfg = load_config(args.preset, args.config)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    name = args.name or (os.path.basename(args.config) if args.config else args.preset)
    lr_warmup = args.warmup if args.lr_warmup_steps is None else args.lr_warmup_steps
    total = args.total_steps or (args.warmup + args.rounds * args.steps)
    bench = Bench(torch, cfg, args.seed, lr_warmup, total, args.channels_last)
    info = {"preset": name, "torch": torch.__version__, "threads": torch.get_num_threads(),
            "batch": bench.batch, "imageSize": int(cfg["imageSize"]),
            "encoder": "%s-w%d-%s" % (cfg["encoder"]["architecture"], int(cfg["encoder"]["width"]),
                                     "cifar" if cfg["encoder"]["cifarStem"] else "imagenet"),
            "optimizer": cfg["optimizer"]["type"], "blas": blas_library(),
            "memoryFormat": "channels-last" if args.channels_last else "nchw"}
    warm = bench.run(args.warmup)

    def emit(obj):
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()

    def result(steps, seconds):
        images = steps * bench.batch
        return dict(info, steps=steps, seconds=seconds,
                    imagesPerSecond=images / seconds if seconds > 0 else float("nan"), loss=bench.last_loss)

    if args.serve:
        emit(dict(info, ready=True, warmupSteps=args.warmup, warmupSeconds=warm))
        for line in sys.stdin:
            parts = line.split()
            if not parts:
                continue
            if parts[0] == "quit":
                break
            if parts[0] != "run" or len(parts) != 2:
                emit({"error": "expected 'run N' or 'quit', got " + line.strip()})
                continue
            steps = int(parts[1])
            emit(result(steps, bench.run(steps)))
    else:
        for r in range(args.rounds):
            emit(dict(result(args.steps, bench.run(args.steps)), round=r + 1))


if __name__ == "__main__":
    main()
