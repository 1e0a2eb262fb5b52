"""Benchmark the model engine: firm-steps per second, peak memory, engine speed ratio.

Run:  .venv/bin/python benchmarks/bench_engine.py            (all sizes)
      .venv/bin/python benchmarks/bench_engine.py --sizes 1000 10000 --ratio-steps 2

Each size runs in a fresh subprocess so its peak resident memory is its own. Prints a
Markdown table; figures are measured, never assumed. Targets (issue 2): vectorised >= 100x
the agent engine at 1e4 firms; 1e6 firms x 40 quarters < 60 s and < 2 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def synthetic(n: int, steps: int) -> list[str]:
    """Overrides for a synthetic world of about ``n`` firms (97 % startups)."""
    return [
        "world=synthetic",
        f"world.n_startups={n - n // 50 - n // 100}",
        f"world.n_conglomerates={n // 50}",
        f"world.n_foreign={n // 100}",
        f"world.n_initial_alliances={max(n // 100, 1)}",
        f"steps={steps}",
    ]


def measure(n: int, steps: int, engine: str) -> dict:
    """Build and run one model in this process; return timings and peak memory."""
    from sim.config.compose import compose
    from sim.model import AllianceModel  # imported before timing: build excludes imports

    cfg = compose(synthetic(n, steps))
    t0 = time.perf_counter()
    model = AllianceModel(cfg, engine=engine)
    t1 = time.perf_counter()
    model.run()
    t2 = time.perf_counter()
    return {
        "firms": n,
        "engine": engine,
        "steps": steps,
        "build_s": t1 - t0,
        "run_s": t2 - t1,
        "firm_steps_per_s": n * steps / (t2 - t1),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "firms_at_end": model.firms.n,
        "alliances_at_end": int(model.alliances.active.sum()),
    }


def in_subprocess(n: int, steps: int, engine: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--one", str(n), str(steps), engine],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10_000, 100_000, 1_000_000])
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--ratio-firms", type=int, default=10_000)
    parser.add_argument("--ratio-steps", type=int, default=4)
    parser.add_argument("--one", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(int(args.one[0]), int(args.one[1]), args.one[2])))
        return

    print("| firms | quarters | build s | run s | firm-steps/s | peak RSS MB |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        r = in_subprocess(n, args.steps, "vectorised")
        print(
            f"| {n:,} | {r['steps']} | {r['build_s']:.2f} | {r['run_s']:.2f} | "
            f"{r['firm_steps_per_s']:,.0f} | {r['peak_rss_mb']:,.0f} |",
            flush=True,
        )

    fast = in_subprocess(args.ratio_firms, args.ratio_steps, "vectorised")
    slow = in_subprocess(args.ratio_firms, args.ratio_steps, "agents")
    print(
        f"\nEngine ratio at {args.ratio_firms:,} firms over {args.ratio_steps} quarters: "
        f"vectorised {fast['run_s']:.3f} s, agents {slow['run_s']:.3f} s, "
        f"vectorised is {slow['run_s'] / fast['run_s']:.0f}x faster"
    )


if __name__ == "__main__":
    main()
