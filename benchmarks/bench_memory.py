"""Memory over many runs: does a finished model free its memory? (prints figures, not a test)

Runs N small models one after another in a fresh process and reads the resident set size
(RSS) after a warm-up, every N/10 runs and at the end, for each variant asked for (both by
default, side by side): with the agents' id counters as shipped (``agents.host.ModelAgent``,
weak keys) and with Mesa 3.3's own class-level counter put back (strong keys: every model
stays alive). Usage:

    python benchmarks/bench_memory.py [N] [--only shipped|leak]

Issue 12's target is under 50 MB over 10,000 runs: ``python benchmarks/bench_memory.py 10000
--only shipped`` (about 20-25 minutes on one core; the leaky variant would hold every model).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from typing import Any

WARMUP = 20
VARIANTS = {"shipped": "as shipped (weak keys)", "leak": "Mesa 3.3 counter (leak)"}


def one(leaky: bool, n: int) -> dict[str, Any]:
    """RSS after the warm-up, at every tenth of ``n`` runs and at the end, in a fresh process."""
    code = f"""
import gc, json, resource, mesa, sim, warnings
from agents.host import ModelAgent
warnings.simplefilter("ignore")  # the start's convergence warnings, one per run
if {leaky}:
    ModelAgent._ids = mesa.Agent._ids  # Mesa 3.3's strong-keyed counter: the leak
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20
cfg = sim.compose(["world=synthetic", "world.n_startups=300", "world.n_conglomerates=10",
                   "world.n_foreign=5", "steps=8"])
for i in range({WARMUP}):
    sim.AllianceModel(cfg, seed=i).run()
gc.collect(); start = rss(); marks = []
every = max({n} // 10, 1)
for i in range({n}):
    sim.AllianceModel(cfg, seed=i).run()
    if (i + 1) % every == 0:
        gc.collect(); marks.append([i + 1, rss()])
gc.collect(); end = rss()
print(json.dumps({{"start_mb": start, "end_mb": end, "marks": marks}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    """Print RSS growth per run with and without the fix, measured side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=300, help="runs (default 300)")
    parser.add_argument("--only", choices=sorted(VARIANTS), help="one variant, not both")
    args = parser.parse_args()
    n = args.n
    print(f"{n} runs of 315 firms x 8 quarters after {WARMUP} warm-up runs, fresh process each")
    for key, label in VARIANTS.items():
        if args.only and key != args.only:
            continue
        r = one(key == "leak", n)
        start, end = r["start_mb"], r["end_mb"]
        growth = end - start
        print(
            f"  {label:26s} RSS {start:7.1f} -> {end:7.1f} MB: "
            f"{growth:+7.1f} MB, {1000 * growth / n:+6.1f} kB per run"
        )
        print("    RSS after runs: " + ", ".join(f"{k:,}: {mb:.1f} MB" for k, mb in r["marks"]))


if __name__ == "__main__":
    main()
