"""Memory over many runs: does a finished model free its memory? (prints figures, not a test)

Runs N small models one after another in a fresh process and reads the resident set size
(RSS) after a warm-up and at the end, twice side by side: with the agents' id counters as
shipped (``agents.host.ModelAgent``, weak keys) and with Mesa 3.3's own class-level counter
put back (strong keys: every model stays alive). Usage:

    python benchmarks/bench_memory.py [N]
"""

from __future__ import annotations

import json
import subprocess
import sys

WARMUP = 20


def one(leaky: bool, n: int) -> dict[str, float]:
    """RSS growth per run over ``n`` runs after a warm-up, in a fresh process."""
    code = f"""
import gc, json, resource, mesa, sim
from agents.host import ModelAgent
if {leaky}:
    ModelAgent._ids = mesa.Agent._ids  # Mesa 3.3's strong-keyed counter: the leak
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20
cfg = sim.compose(["world=synthetic", "world.n_startups=300", "world.n_conglomerates=10",
                   "world.n_foreign=5", "steps=8"])
for i in range({WARMUP}):
    sim.AllianceModel(cfg, seed=i).run()
gc.collect(); start = rss()
for i in range({n}):
    sim.AllianceModel(cfg, seed=i).run()
gc.collect(); end = rss()
print(json.dumps({{"start_mb": start, "end_mb": end}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Print RSS growth per run with and without the fix, measured side by side."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    print(f"{n} runs of 315 firms x 8 quarters after {WARMUP} warm-up runs, fresh process each")
    for label, leaky in (("as shipped (weak keys)", False), ("Mesa 3.3 counter (leak)", True)):
        r = one(leaky, n)
        growth = r["end_mb"] - r["start_mb"]
        print(
            f"  {label:26s} RSS {r['start_mb']:7.1f} -> {r['end_mb']:7.1f} MB: "
            f"{growth:+7.1f} MB, {1000 * growth / n:+6.1f} kB per run"
        )


if __name__ == "__main__":
    main()
