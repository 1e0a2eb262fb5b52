"""The command ``python -m sim.calibration``: fit, uncertainty, figures and the result file.

See ``main`` for the options; ``docs/calibration.md`` shows the usual invocations.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from sim.calibration.bootstrap import refit_on_resamples, uncertainty
from sim.calibration.configuration import base_config, value_at
from sim.calibration.figures import plot_archetype, plot_gap, plot_profile, plot_uncertainty
from sim.calibration.fitting import fit
from sim.calibration.result import RESULT_FILE, print_report, result_dict, write_result
from sim.calibration.simulation import Simulator, seeds_for
from sim.calibration.spec import ROOT, SPEC_FILE, load_spec


def main(argv: Sequence[str] | None = None) -> int:
    """Fit, estimate the uncertainty, draw the figures and write the result file.

    Args:
        argv: Command-line arguments (``sys.argv[1:]`` when None); ``--help`` lists them.
            ``history ...`` runs the history matching instead
            (``sim.calibration.history.cli.main``).

    Returns:
        The exit status, 0 (the history matching: 0, or 2 on bad input).
    """
    import sim.calibration

    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["history"]:
        from sim.calibration.history.cli import main as history

        return history(argv[1:])

    parser = argparse.ArgumentParser(
        prog="python -m sim.calibration",
        description=sim.calibration.__doc__,
        epilog="python -m sim.calibration history --help: the history matching of version 2 "
        "on korea_2024 (sim.calibration.history)",
    )
    parser.add_argument("--spec", type=Path, default=SPEC_FILE, help="calibration spec (YAML)")
    parser.add_argument("--seeds", type=int, default=None, help="seeds per evaluation")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "figures", help="figures")
    parser.add_argument("--result", type=Path, default=RESULT_FILE, help="result file (YAML)")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--maxfev", type=int, default=150, help="most local-search evaluations")
    parser.add_argument("--refits", type=int, default=0, help="full refits on resampled seeds")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="refit under another assumption, e.g. --set world.n_startups=1200 (needs --result)",
    )
    parser.add_argument(
        "--profile",
        default="",
        help="refit with a fixed parameter at several values, e.g. model.growth.catch_up=0,3",
    )
    args = parser.parse_args(argv)
    if args.set and args.result == RESULT_FILE:
        parser.error(
            "with --set, pass --result PATH: the default result file holds the calibration "
            "of the defaults"
        )
    began = time.perf_counter()
    spec = load_spec(args.spec)
    spec.overrides.extend(args.set)
    if args.seeds:
        spec.seeds = args.seeds
    base = base_config(spec)
    seeds = seeds_for(spec)
    timings: dict[str, float] = {}
    args.out.mkdir(parents=True, exist_ok=True)

    with Simulator(base, spec.paths, seeds, spec.steps, args.jobs) as simulate:
        t0 = time.perf_counter()
        result_fit = fit(spec, simulate, maxfev=args.maxfev)
        timings["fit"] = time.perf_counter() - t0
        values = result_fit.values
        print(f"fit: loss {result_fit.loss:.4f} after {result_fit.evaluations} evaluations")
        t0 = time.perf_counter()
        unc = uncertainty(spec, simulate, values, seed=spec.root_seed)
        timings["uncertainty"] = time.perf_counter() - t0
        at_fit = simulate(values)
        t0 = time.perf_counter()
        long_fit = simulate(values, steps=2 * spec.steps)
        defaults = [value_at(base, p) for p in spec.paths]
        long_default = simulate(defaults, steps=2 * spec.steps)
        timings["figures_runs"] = time.perf_counter() - t0
        evaluations = simulate.evaluations

    refits = np.empty((0, len(values)))
    if args.refits:
        t0 = time.perf_counter()
        refits = refit_on_resamples(spec, base, values, args.refits, args.jobs)
        timings["refits"] = time.perf_counter() - t0

    profiles = []
    if args.profile:
        t0 = time.perf_counter()
        key, _, listed = args.profile.partition("=")
        profiles.append((value_at(base, key), values, long_fit, result_fit.loss))
        for v in [float(x) for x in listed.split(",")]:
            held = base_config(spec, [f"{key}={v}"])
            with Simulator(held, spec.paths, seeds, spec.steps, args.jobs) as simulate:
                refit = fit(spec, simulate, start=values, maxfev=args.maxfev)
                outputs = simulate(refit.values, steps=2 * spec.steps)
            profiles.append((v, refit.values, outputs, refit.loss))
            shown = dict(zip(spec.paths, [round(float(x), 4) for x in refit.values], strict=True))
            print(f"profile {key}={v:g}: loss {refit.loss:.4f}, {shown}")
        profiles.sort(key=lambda p: p[0])
        timings["profile"] = time.perf_counter() - t0

    plot_gap(long_fit, long_default, spec, args.out / "calibration_gap.png")
    plot_archetype(long_fit, long_default, spec, args.out / "calibration_archetype.png")
    plot_uncertainty(spec, values, unc, refits, args.out / "calibration_uncertainty.png")
    if profiles:
        name = args.profile.partition("=")[0].split(".")[-1]
        plot_profile(profiles, name, spec, args.out / "calibration_profile.png")
    timings["total"] = time.perf_counter() - began

    result = result_dict(spec, values, result_fit, unc, refits, at_fit, defaults, evaluations)
    result["profile"] = [
        {
            "fixed": f"{args.profile.partition('=')[0]}={v:g}",
            "refitted": dict(zip(spec.paths, [float(x) for x in fv], strict=True)),
            "loss": float(lo),
        }
        for v, fv, _, lo in profiles
    ]
    result["runtime_seconds"] = {k: round(v, 1) for k, v in timings.items()}
    result["jobs"] = args.jobs
    write_result(result, args.result)
    print_report(result)
    return 0
