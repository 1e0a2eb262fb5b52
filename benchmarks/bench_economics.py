"""Version-1 against version-2 economics: firm-steps per second, set-up time, peak memory.

Run:  .venv/bin/python benchmarks/bench_economics.py            (about 6 minutes)
      .venv/bin/python benchmarks/bench_economics.py --quick    (a smoke run, under a minute)
      .venv/bin/python benchmarks/bench_economics.py --sizes 1000000 --quarters 2 --no-korea
      .venv/bin/python benchmarks/bench_economics.py --source /tmp/tree   (an exported commit)

Measured side by side: for each size one worker process per economics (``model.economics=v1``
and ``v2``, so each has its own peak RSS), both alive at once. The two build their models one
after the other (set-up, timed alone), then step one quarter each in turn, v1 v2 v2 v1 ...,
so that a drift in the shared machine's speed touches both alike. A quarter's rate is the
firms alive at its start over its wall time; the table gives the median over all quarters of
all repeats, the min-max beside it, and the v2/v1 ratio of time per firm-step as the median of
the ratios of the quarters stepped back to back. Construction (compose excluded, imports done
before) is reported on its own and never enters the step rate. Peak RSS is each worker's
``ru_maxrss`` (imports alone take about 150 MB). The world is ``world=synthetic`` split as in
``bench_engine.py`` (97 % startups, 2 % conglomerates, 1 % foreign, one alliance per 100
firms); then ``world=korea_2024`` once per economics over its default 40 quarters.

With ``--profile-size N`` (100,000 by default) the v2 worker of that size steps one more
quarter under cProfile after the timed ones and the top 15 lines by cumulative time are
printed. Figures are measured, never assumed; the 1e6 row is skipped by default and the
script says why (version 2's construction would take far longer than the rest together).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ECONOMICS = ("v1", "v2")

# repeats (fresh builds) x timed quarters per size; version 2's set-up dominates at 1e5
PLAN = {1_000: (3, 8), 10_000: (3, 6), 100_000: (1, 6), 1_000_000: (1, 2)}
QUICK_PLAN = {1_000: (1, 3), 3_000: (1, 2)}
MILLION = 1_000_000


def synthetic(n: int, quarters: int) -> list[str]:
    """Overrides for ``bench_engine``'s synthetic world of about ``n`` firms."""
    from bench_engine import synthetic as world  # this folder: the scripts' sys.path[0]

    return world(n, quarters)


# --- the worker: one process, one economics, one model at a time --------------------------
def worker() -> None:
    """Answer JSON commands on stdin, one a line; everything else printed goes to stderr."""
    import cProfile
    import io
    import pstats
    import resource

    out = sys.stdout
    sys.stdout = sys.stderr  # the model's prints, if any, must not break the protocol
    from sim.config.compose import compose
    from sim.model import AllianceModel  # imported before timing: set-up excludes imports

    def rss_mb() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def reply(obj: dict[str, Any]) -> None:
        out.write(json.dumps(obj) + "\n")
        out.flush()

    reply({"ready": True, "rss_after_imports_mb": rss_mb()})
    model = None
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["cmd"] == "build":
            cfg = compose(cmd["overrides"])
            t0 = time.perf_counter()
            model = AllianceModel(cfg)
            seconds = time.perf_counter() - t0
            reply({"seconds": seconds, "alive": int(model.firms.alive.sum()), "steps": cfg.steps})
        elif cmd["cmd"] == "step":
            assert model is not None
            alive = int(model.firms.alive.sum())
            t0 = time.perf_counter()
            model.step()
            reply({"seconds": time.perf_counter() - t0, "alive": alive})
        elif cmd["cmd"] == "profile":
            assert model is not None
            alive = int(model.firms.alive.sum())
            profile = cProfile.Profile()
            t0 = time.perf_counter()
            profile.runcall(model.step)
            seconds = time.perf_counter() - t0
            text = io.StringIO()
            stats = pstats.Stats(profile, stream=text)
            stats.sort_stats("cumulative").print_stats(cmd.get("top", 15))
            lines = text.getvalue().replace(os.getcwd() + "/", "").splitlines()
            lines = [_short(x) for x in lines if x.strip()]
            reply({"seconds": seconds, "alive": alive, "lines": lines})
        elif cmd["cmd"] == "end":
            end = {"peak_rss_mb": rss_mb()}
            if model is not None:
                end["alive"] = int(model.firms.alive.sum())
            reply(end)
            model = None
        else:
            break


def _short(line: str) -> str:
    """Drop the virtual environment's long prefix from a profile line."""
    marker = "site-packages/"
    i = line.find(marker)
    if i < 0:
        return line
    j = line.rfind(" ", 0, i)
    return line[: j + 1] + line[i + len(marker) :]


class Worker:
    """A worker process for one economics."""

    source = ROOT  # the tree whose sim, agents, scenarios and configs are measured

    def __init__(self, economics: str) -> None:
        self.economics = economics
        env = dict(os.environ)
        if Worker.source != ROOT:  # ahead of the editable install of the work tree
            env["PYTHONPATH"] = os.pathsep.join(
                x for x in (str(Worker.source), env.get("PYTHONPATH", "")) if x
            )
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--worker"],
            cwd=Worker.source,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.rss_after_imports_mb = self._read()["rss_after_imports_mb"]

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.economics} worker died (see its stderr above)")
        return json.loads(line)

    def ask(self, cmd: str, **kw: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"cmd": cmd, **kw}) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def build(self, overrides: list[str]) -> dict[str, Any]:
        return self.ask("build", overrides=[*overrides, f"model.economics={self.economics}"])

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


# --- measuring ------------------------------------------------------------------------------
def side_by_side(
    overrides: list[str], repeats: int, quarters: int | None, profile: bool, label: str
) -> dict[str, Any]:
    """Build and step both economics in turn; ``quarters=None`` steps the config's ``steps``."""
    res: dict[str, Any] = {
        e: {"build_s": [], "quarters": [], "peak_rss_mb": 0.0} for e in ECONOMICS
    }
    res["pair_ratio"] = []  # v2 time per firm-step / v1's, quarter by quarter
    for r in range(repeats):
        workers = {e: Worker(e) for e in ECONOMICS}
        try:
            order = ECONOMICS if r % 2 == 0 else ECONOMICS[::-1]
            steps = 0
            for e in order:
                b = workers[e].build(overrides)
                res[e]["build_s"].append(b["seconds"])
                res[e]["firms_at_start"] = b["alive"]
                res[e]["rss_after_imports_mb"] = workers[e].rss_after_imports_mb
                steps = b["steps"] if quarters is None else quarters
                _say(f"  {label} {e} repeat {r + 1}/{repeats}: set-up {b['seconds']:.2f} s")
            for k in range(steps):
                got = {}
                for e in ECONOMICS if k % 2 == 0 else ECONOMICS[::-1]:
                    got[e] = workers[e].ask("step")
                    res[e]["quarters"].append(got[e])
                per = {e: got[e]["seconds"] / got[e]["alive"] for e in ECONOMICS}
                res["pair_ratio"].append(per["v2"] / per["v1"])
            _say(
                f"  {label} repeat {r + 1}: {steps} quarters, "
                + ", ".join(f"{e} {_sum_s(res[e]['quarters'][-steps:]):.2f} s" for e in ECONOMICS)
            )
            if profile and r == repeats - 1:
                res["profile"] = workers["v2"].ask("profile", top=15)
            for e in ECONOMICS:
                end = workers[e].ask("end")
                res[e]["peak_rss_mb"] = max(res[e]["peak_rss_mb"], end["peak_rss_mb"])
                res[e]["firms_at_end"] = end["alive"]
        finally:
            for w in workers.values():
                w.close()
    for e in ECONOMICS:
        qs = res[e]["quarters"]
        rates = [q["alive"] / q["seconds"] for q in qs]
        res[e]["rate_median"] = statistics.median(rates)
        res[e]["rate_min"], res[e]["rate_max"] = min(rates), max(rates)
        res[e]["firm_steps"] = sum(q["alive"] for q in qs)
        res[e]["step_s"] = _sum_s(qs)
        res[e]["rate_overall"] = res[e]["firm_steps"] / res[e]["step_s"]
        res[e]["build_median_s"] = statistics.median(res[e]["build_s"])
    res["ratio_median"] = statistics.median(res["pair_ratio"])
    res["ratio_min"], res["ratio_max"] = min(res["pair_ratio"]), max(res["pair_ratio"])
    res["build_ratio"] = res["v2"]["build_median_s"] / res["v1"]["build_median_s"]
    return res


def _sum_s(quarters: list[dict[str, Any]]) -> float:
    return sum(q["seconds"] for q in quarters)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def _git() -> str:
    """HEAD and whether the work tree differs from it (read-only git commands)."""
    if Worker.source != ROOT:
        return f"the tree at {Worker.source} (not the work tree)"
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "sim", "agents", "scenarios", "configs"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.splitlines()
    except OSError:
        return "unknown"
    return head + (f" + {len(dirty)} uncommitted engine files" if dirty else "")


# --- main -------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", help="firms (default 1e3 1e4 1e5)")
    parser.add_argument("--repeats", type=int, help="fresh builds per size (default by size)")
    parser.add_argument("--quarters", type=int, help="timed quarters per build (default by size)")
    parser.add_argument("--korea-steps", type=int, help="quarters of korea_2024 (default 40)")
    parser.add_argument("--no-korea", action="store_true", help="skip the korea_2024 world")
    parser.add_argument(
        "--profile-size", type=int, default=100_000, help="profile v2 at this size (0: never)"
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run, under a minute")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument(
        "--source",
        type=Path,
        help="measure this tree instead of the work tree, e.g. an export made with "
        "'git archive COMMIT | tar -x -C DIR' (the work tree stays as it is)",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker()
        return

    if args.source:
        Worker.source = args.source.resolve()
    plan = QUICK_PLAN if args.quick else PLAN
    sizes = args.sizes or [n for n in plan if n != MILLION]
    profile_size = max(sizes) if args.quick and args.profile_size else args.profile_size
    korea_steps = args.korea_steps or (8 if args.quick else None)
    started = time.perf_counter()
    import numpy

    print(
        f"# {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, load average {_load()} "
        f"(1, 5, 15 min), {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"numpy {numpy.__version__}, commit {_git()}",
        flush=True,
    )
    results: dict[str, Any] = {"sizes": {}, "load_start": _load()}

    def save() -> None:
        if args.json:
            args.json.write_text(json.dumps(results, indent=1, default=str))

    print(
        "\n| firms | builds x quarters | set-up s v1 | set-up s v2 | firm-steps/s v1 "
        "(min-max) | firm-steps/s v2 (min-max) | time per firm-step v2/v1 (min-max) "
        "| peak RSS MB v1 | peak RSS MB v2 |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|", flush=True)
    for n in sizes:
        repeats, quarters = plan.get(n, (1, 2))
        repeats = args.repeats or repeats
        quarters = args.quarters or quarters
        r = side_by_side(synthetic(n, quarters), repeats, quarters, n == profile_size, f"{n:,}")
        results["sizes"][n] = r
        print_size(n, r)
        save()
    if not args.no_korea:
        extra = [f"steps={korea_steps}"] if korea_steps else []
        results["korea"] = side_by_side(["world=korea_2024", *extra], 1, None, False, "korea_2024")
        print_korea(results["korea"])
    results["load_end"] = _load()
    results["wall_s"] = time.perf_counter() - started
    save()
    notes(results, sizes)


def print_size(n: int, r: dict[str, Any]) -> None:
    """One row of the table of sizes."""
    v1, v2 = r["v1"], r["v2"]
    builds = len(v1["build_s"])
    print(
        f"| {n:,} | {builds} x {len(v1['quarters']) // builds} | "
        f"{v1['build_median_s']:.2f} | {v2['build_median_s']:.2f} | "
        f"{v1['rate_median']:,.0f} ({v1['rate_min']:,.0f}-{v1['rate_max']:,.0f}) | "
        f"{v2['rate_median']:,.0f} ({v2['rate_min']:,.0f}-{v2['rate_max']:,.0f}) | "
        f"{r['ratio_median']:.1f} ({r['ratio_min']:.1f}-{r['ratio_max']:.1f}) | "
        f"{v1['peak_rss_mb']:,.0f} | {v2['peak_rss_mb']:,.0f} |",
        flush=True,
    )


def print_korea(r: dict[str, Any]) -> None:
    """The korea_2024 table: one run per economics."""
    print(
        "\n| korea_2024 | firms at start -> end | set-up s | quarters | step s "
        "| firm-steps/s (whole run) | median per quarter | peak RSS MB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for e in ECONOMICS:
        x = r[e]
        print(
            f"| {e} | {x['firms_at_start']:,} -> {x['firms_at_end']:,} | "
            f"{x['build_median_s']:.2f} | {len(x['quarters'])} | {x['step_s']:.2f} | "
            f"{x['rate_overall']:,.0f} | {x['rate_median']:,.0f} | {x['peak_rss_mb']:,.0f} |"
        )
    print(
        f"\nkorea_2024 v2/v1: time per firm-step {r['ratio_median']:.1f}x (median of "
        f"{len(r['pair_ratio'])} quarters, {r['ratio_min']:.1f}-{r['ratio_max']:.1f}), "
        f"whole run {r['v2']['step_s'] / r['v1']['step_s']:.1f}x, set-up "
        f"{r['build_ratio']:.1f}x",
        flush=True,
    )


def notes(results: dict[str, Any], sizes: list[int]) -> None:
    """Set-up ratios, the skipped 1e6 row, the profile and the closing load."""
    ratios = ", ".join(f"{n:,}: {r['build_ratio']:.0f}x" for n, r in results["sizes"].items())
    if ratios:
        print(f"\nSet-up v2/v1 (medians): {ratios}")
    measured = sorted(results["sizes"])
    if MILLION not in sizes and measured:
        big = measured[-1]
        t = results["sizes"][big]["v2"]["build_median_s"]
        exponent = 1.0
        if len(measured) > 1:
            small = measured[-2]
            t0 = results["sizes"][small]["v2"]["build_median_s"]
            exponent = max(1.0, math.log(t / t0) / math.log(big / small))
        guess = t * (MILLION / big) ** exponent
        print(
            f"\n1,000,000 firms not run: v2's set-up took {t:.0f} s at {big:,} firms and grows "
            f"as firms^{exponent:.2f} here, so about {guess / 60:.0f} min at 1e6 before the "
            f"first quarter, at most (the start's passes are capped: 47 min measured on "
            f"2026-12-04, benchmarks/README.md; run it with --sizes {MILLION} --no-korea)."
        )
    for n, r in results["sizes"].items():
        if "profile" in r:
            p = r["profile"]
            print(
                f"\nv2, one quarter at {n:,} firms ({p['alive']:,} alive) under cProfile: "
                f"{p['seconds']:.2f} s with the profiler; top 15 by cumulative time:\n"
            )
            print("\n".join(p["lines"]))
    print(
        f"\nload average at the end {results['load_end']}; this script took "
        f"{results['wall_s']:.0f} s"
    )


if __name__ == "__main__":
    main()
