"""The result file (``configs/calibration/korea_2016_result.yaml``): build, write, read, print.

The result records the fitted values (``fitted``, rounded, the values copied as defaults
into ``sim/config/schema.py``), their uncertainty, the fit quality on targets and checks,
the Jacobian and the runtimes. ``fitted_overrides`` turns it back into overrides.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import yaml

from sim.calibration.bootstrap import Uncertainty
from sim.calibration.fitting import Fit
from sim.calibration.scoring import summarise
from sim.calibration.spec import ROOT, SPEC_FILE, CalibrationSpec

RESULT_FILE = ROOT / "configs" / "calibration" / "korea_2016_result.yaml"


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def write_result(result: dict[str, Any], path: Path) -> None:
    """Write the result file (YAML), to a temporary name first."""
    text = (
        "# Written by `python -m sim.calibration`; do not edit by hand (rerun it).\n"
        "# docs/calibration.md explains every number.\n"
        + yaml.safe_dump(result, sort_keys=False, allow_unicode=True, width=100)
    )
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def load_result(path: Path | str = RESULT_FILE) -> dict[str, Any]:
    """Read a result file written by ``main``."""
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def fitted_overrides(path: Path | str = RESULT_FILE) -> list[str]:
    """The fitted values as ``key=value`` overrides for ``sim.compose``."""
    return [f"{k}={v}" for k, v in load_result(path)["fitted"].items()]


def result_dict(
    spec: CalibrationSpec,
    values: np.ndarray,
    result_fit: Fit,
    unc: Uncertainty,
    refits: np.ndarray,
    at_fit: np.ndarray,
    defaults: list[float],
    evaluations: int,
) -> dict[str, Any]:
    """The result file's content, before the profile, runtimes and worker count are added.

    Args:
        spec: Targets, checks and free parameters.
        values: The fitted point.
        result_fit: The fit that found it.
        unc: Its uncertainty.
        refits: ``(refits, parameters)`` full refits on resampled seeds (may be empty).
        at_fit: Outputs ``(n_seeds, len(OUTPUTS), steps + 1)`` at the fitted point.
        defaults: The free parameters' values before calibration.
        evaluations: Simulator evaluations the fit and its uncertainty took.

    Returns:
        A YAML-ready dictionary of plain Python values.
    """
    sd_total = np.sqrt(np.diag(unc.cov_total))
    sd_seeds = np.sqrt(np.diag(unc.cov_seeds))
    corr = unc.cov_total / np.outer(sd_total, sd_total)
    parameters = {}
    for i, p in enumerate(spec.parameters):
        parameters[p.path] = {
            "fitted": float(values[i]),
            "old_default": defaults[i],
            "sd_total": float(sd_total[i]),
            "sd_seeds_only": float(sd_seeds[i]),
            "interval_90_bootstrap": [
                float(np.quantile(unc.bootstrap[:, i], 0.05)),
                float(np.quantile(unc.bootstrap[:, i], 0.95)),
            ],
            "interval_90_seeds_only": [
                float(np.quantile(unc.bootstrap_seeds[:, i], 0.05)),
                float(np.quantile(unc.bootstrap_seeds[:, i], 0.95)),
            ],
            "bounds": [p.low, p.high],
        }
        if len(refits):
            parameters[p.path]["full_refits"] = [float(x) for x in refits[:, i]]
    return {
        "spec": str(SPEC_FILE.relative_to(ROOT)),
        "world": spec.world,
        "scenario": spec.scenario,
        "seeds": spec.seeds,
        "root_seed": spec.root_seed,
        "overrides": list(spec.overrides),
        "fitted": {p.path: round(float(values[i]), 4) for i, p in enumerate(spec.parameters)},
        "loss": float(result_fit.loss),
        "evaluations": evaluations,
        "parameters": parameters,
        "correlation": [[round(float(c), 3) for c in row] for row in corr],
        "jacobian": {
            t.name: {p.path: float(unc.jacobian[a, b]) for b, p in enumerate(spec.parameters)}
            for a, t in enumerate(spec.targets)
        },
        "targets": summarise(at_fit, spec.targets),
        "checks": summarise(at_fit, spec.checks),
    }


def print_report(result: dict[str, Any]) -> None:
    """Print the fitted values, fit quality, loss and runtimes of a result to stdout."""
    print("\nfitted values (90 % interval: bootstrap over seeds and targets' sd)")
    for path, p in result["parameters"].items():
        lo, hi = p["interval_90_bootstrap"]
        print(
            f"  {path} = {_fmt(p['fitted'])}  [{_fmt(lo)}, {_fmt(hi)}]  "
            f"sd {_fmt(p['sd_total'])} (seeds only {_fmt(p['sd_seeds_only'])}); "
            f"was {_fmt(p['old_default'])}"
        )
    for title, key in (("targets", "targets"), ("checks (not fitted)", "checks")):
        print(f"\n{title}: record | model mean (se) | seed sd | seeds 5-95 %")
        for name, s in result[key].items():
            print(
                f"  {name}: {_fmt(s['record'])} | {_fmt(s['model_mean'])} "
                f"({_fmt(s['mean_se'])}) | {_fmt(s['seed_sd'])} | "
                f"{_fmt(s['seed_p05'])} to {_fmt(s['seed_p95'])}"
            )
    print(f"\nloss {result['loss']:.4f}, {result['evaluations']} evaluations")
    print(f"runtime (s): {result['runtime_seconds']}")
