"""All the engine's figures of issue 12 in one run, side by side (prints figures, not a test).

Run:  .venv/bin/python benchmarks/bench_all.py                      (the work tree)
      .venv/bin/python benchmarks/bench_all.py --before /tmp/old     (and an older tree beside it)
      .venv/bin/python benchmarks/bench_all.py --quick               (smaller, a few minutes)

An older tree is a copy of a commit (``git archive <commit> | tar -x -C /tmp/old``). Every
measurement runs in a fresh worker process whose ``sim`` is imported from the tree measured;
with ``--before`` each measurement runs for both trees back to back (before, then after), so a
drift in the machine's load touches both alike, and the ratio before/after is printed.

Measured:

1. A quarter at ``--quarter-firms`` firms (1e6) against its floor: the quarter's wall time
   against the time to draw the same count of random numbers (as uniform doubles) from a
   fresh ``numpy.random.Generator``; the count is read by wrapping the model's generator for
   that quarter. Version 1 by default: version 2's set-up at 1e6 firms takes tens of minutes.
2. The vectorised engine against the per-agent engine at ``--ratio-firms`` (1e4) firms, the
   same world and seed, quarters only (set-up excluded), version 1 and version 2.
3. RSS growth over ``--memory-runs`` (2,000) small runs in one process (``bench_memory.py``).
4. Firm-steps per second and peak RSS at each of ``--sizes`` firms, each size and economics in
   its own process (firms at the start times quarters, over the quarters' wall time).
5. ``--korea-runs`` (32) korea_2024 runs of version 2 one after another: the time of separate
   runs. Batched runs (a replicate axis) are not implemented, so no batched figure exists.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def synthetic(n: int, steps: int, economics: str) -> list[str]:
    """Overrides for ``bench_engine``'s synthetic world of about ``n`` firms, one economics."""
    from bench_engine import synthetic as world  # this folder: the scripts' sys.path[0]

    return [*world(n, steps), f"model.economics={economics}"]


class CountingGenerator:
    """A ``numpy.random.Generator`` that counts the numbers it hands out."""

    def __init__(self, rng: Any) -> None:
        self.rng, self.count = rng, 0

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.rng, name)
        if not callable(attr):
            return attr

        def counted(*args: Any, **kwargs: Any) -> Any:
            import numpy as np

            out = attr(*args, **kwargs)
            self.count += int(np.size(out))
            return out

        return counted


def _model(overrides: list[str], engine: str = "vectorised") -> tuple[Any, float]:
    import warnings

    from sim.config.compose import compose
    from sim.model import AllianceModel

    cfg = compose(overrides)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        model = AllianceModel(cfg, engine=engine)
    return model, time.perf_counter() - t0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def work(task: dict[str, Any]) -> dict[str, Any]:
    """One measurement in this process (the worker side)."""
    import numpy as np

    kind = task["kind"]
    if kind == "quarter":
        model, setup = _model(synthetic(task["firms"], 2, task["economics"]))
        model.step()  # a first quarter warms caches; the second is measured
        alive = int(model.firms.alive.sum())
        counting = CountingGenerator(model.rng)
        model.rng = counting
        t0 = time.perf_counter()
        model.step()
        quarter = time.perf_counter() - t0
        fresh = np.random.default_rng(1)
        floor = min(_timed(lambda: fresh.random(counting.count)) for _ in range(3))
        return {
            "setup": setup,
            "quarter": quarter,
            "alive": alive,
            "drawn": counting.count,
            "floor": floor,
            "peak_mb": _peak_mb(),
        }
    if kind == "engine":
        model, _ = _model(
            synthetic(task["firms"], task["steps"], task["economics"]), task["engine"]
        )
        t0 = time.perf_counter()
        model.run()
        return {"run": time.perf_counter() - t0}
    if kind == "throughput":
        model, setup = _model(synthetic(task["firms"], task["steps"], task["economics"]))
        t0 = time.perf_counter()
        model.run()
        run = time.perf_counter() - t0
        return {
            "setup": setup,
            "run": run,
            "rate": task["firms"] * task["steps"] / run,
            "peak_mb": _peak_mb(),
        }
    if kind == "korea":
        import warnings

        from sim.config.compose import compose
        from sim.model import AllianceModel

        cfg = compose(["world=korea_2024", "model.economics=v2"])
        t0 = time.perf_counter()
        for seed in range(task["runs"]):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                AllianceModel(cfg, seed=seed).run()
        total = time.perf_counter() - t0
        return {"total": total, "per_run": total / task["runs"], "quarters": cfg.steps}
    if kind == "memory":
        sys.path.insert(0, str(HERE))
        from bench_memory import one

        r = one(False, task["runs"])
        return {"growth_mb": r["end_mb"] - r["start_mb"], **r}
    raise ValueError(f"kind={kind!r} is unknown")


def _timed(f: Any) -> float:
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0


def run(tree: Path, task: dict[str, Any]) -> dict[str, Any]:
    """One measurement in a fresh worker process importing ``sim`` from ``tree``."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(task)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=str(tree),
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def both(trees: dict[str, Path], task: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The measurement for every tree, back to back (before first)."""
    return {label: run(tree, task) for label, tree in trees.items()}


def _ratio(results: dict[str, dict[str, Any]], key: str, fmt: str = ".2f") -> str:
    if "before" not in results:
        return ""
    return f"; before/after {results['before'][key] / results['after'][key]:{fmt}}x"


def main() -> None:
    """Measure and print every figure (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="an older source tree to measure beside")
    parser.add_argument("--quick", action="store_true", help="smaller sizes and counts")
    parser.add_argument("--quarter-firms", type=int, default=1_000_000)
    parser.add_argument("--quarter-economics", default="v1")
    parser.add_argument("--ratio-firms", type=int, default=10_000)
    parser.add_argument("--memory-runs", type=int, default=2000)
    parser.add_argument("--korea-runs", type=int, default=32)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10_000, 100_000, 1_000_000])
    parser.add_argument(
        "--v2-up-to",
        type=int,
        default=10_000,
        help="largest size measured with version 2 (its set-up grows with firms)",
    )
    parser.add_argument("--steps", type=int, default=8, help="quarters per throughput run")
    parser.add_argument(
        "--skip",
        nargs="*",
        default=[],
        choices=["quarter", "engines", "memory", "throughput", "korea"],
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(work(json.loads(args.worker))))
        return
    if args.quick:
        args.quarter_firms, args.memory_runs, args.korea_runs = 100_000, 200, 4
        args.sizes, args.steps = [1000, 10_000], 4
    trees = {"after": ROOT} if args.before is None else {"before": args.before, "after": ROOT}
    load = os.getloadavg()
    print(
        f"# bench_all: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} CPUs; "
        + ", ".join(f"{k}={v}" for k, v in trees.items()),
        flush=True,
    )

    if "quarter" not in args.skip:
        n, e = args.quarter_firms, args.quarter_economics
        r = both(trees, {"kind": "quarter", "firms": n, "economics": e})
        print(f"\n## 1. A quarter at {n:,} firms ({e}) against the floor", flush=True)
        for label, x in r.items():
            print(
                f"- {label}: quarter {x['quarter']:.3f} s ({x['alive']:,} alive), floor "
                f"{x['floor']:.4f} s ({x['drawn']:,} numbers drawn): "
                f"**{x['quarter'] / x['floor']:.0f}x** the floor; set-up {x['setup']:.1f} s, "
                f"peak RSS {x['peak_mb']:,.0f} MB"
            )
        print(_ratio(r, "quarter").lstrip("; ") or "", flush=True)

    if "engines" not in args.skip:
        n = args.ratio_firms
        print(f"\n## 2. Vectorised against per-agent engine at {n:,} firms (quarters only)")
        for economics, steps in (("v1", 4), ("v2", 1)):
            task = {"kind": "engine", "firms": n, "steps": steps, "economics": economics}
            for label, tree in trees.items():
                fast = run(tree, {**task, "engine": "vectorised"})["run"]
                slow = run(tree, {**task, "engine": "agents"})["run"]
                print(
                    f"- {economics}, {steps} quarter(s), {label}: vectorised {fast:.3f} s, "
                    f"agents {slow:.3f} s: vectorised **{slow / fast:.0f}x** faster",
                    flush=True,
                )

    if "memory" not in args.skip:
        r = both(trees, {"kind": "memory", "runs": args.memory_runs})
        runs = f"{args.memory_runs:,} small runs (315 firms x 8 quarters, the default economics)"
        print(f"\n## 3. RSS over {runs}")
        for label, x in r.items():
            print(
                f"- {label}: {x['start_mb']:.1f} -> {x['end_mb']:.1f} MB, "
                f"{x['growth_mb']:+.1f} MB ({1000 * x['growth_mb'] / args.memory_runs:+.2f} "
                f"kB per run)",
                flush=True,
            )

    if "throughput" not in args.skip:
        print(f"\n## 4. Firm-steps per second ({args.steps} quarters; set-up apart)")
        print("| firms | economics | tree | set-up s | run s | firm-steps/s | peak RSS MB |")
        print("|---:|---|---|---:|---:|---:|---:|")
        for n in args.sizes:
            for economics in ("v1", "v2") if n <= args.v2_up_to else ("v1",):
                task = {
                    "kind": "throughput",
                    "firms": n,
                    "steps": args.steps,
                    "economics": economics,
                }
                for label, x in both(trees, task).items():
                    print(
                        f"| {n:,} | {economics} | {label} | {x['setup']:.2f} | "
                        f"{x['run']:.2f} | {x['rate']:,.0f} | {x['peak_mb']:,.0f} |",
                        flush=True,
                    )

    if "korea" not in args.skip:
        r = both(trees, {"kind": "korea", "runs": args.korea_runs})
        print(f"\n## 5. {args.korea_runs} korea_2024 runs (v2), separately, one process")
        for label, x in r.items():
            print(
                f"- {label}: {x['total']:.1f} s, {x['per_run']:.2f} s a run of "
                f"{x['quarters']} quarters (set-up included)",
                flush=True,
            )
        print(_ratio(r, "total").lstrip("; "))
        print(
            "- batched: **not implemented** (no replicate axis yet), so no batched figure "
            "and no batched/separate ratio"
        )
    load = os.getloadavg()
    print(f"\nload average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
