"""Calibration of the free rates to the Korean record (MODEL.md section 7, docs/calibration.md).

The baseline scenario runs on the ``korea_2016`` world (step 0 = 2016 Q1). A few free
parameters (``configs/calibration/korea_2016.yaml``: the frontier's growth, the learning rate
and the selectivity of closed alliances) are chosen so that, averaged over seeds, the
technology gap is 2.2 years at step 0 and 1.3 years at step 20 (2021), and the
K-AI-Alliance-like archetype has grown from 7 partners to 18 two years (8 quarters) after
its founding.

Method: every evaluation runs the same seeds (common random numbers), so the loss is a
deterministic function of the parameters; a coarse grid picks the start of a bounded
Nelder-Mead search. Uncertainty comes from the Jacobian of the seed-mean targets (central
differences with the same seeds): a sandwich (delta-method) covariance that adds the seeds'
Monte-Carlo error to the targets' own uncertainty, and a linearised bootstrap over seeds and
targets; ``--refits`` also refits in full on bootstrap resamples of the seeds.

Run ``python -m sim.calibration [--seeds N] [--out docs/figures]``. It writes the figures
``calibration_*.png`` and the result file ``configs/calibration/korea_2016_result.yaml``.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from sim.config.schema import RunConfig

ROOT = Path(__file__).resolve().parents[2]
SPEC_FILE = ROOT / "configs" / "calibration" / "korea_2016.yaml"
RESULT_FILE = ROOT / "configs" / "calibration" / "korea_2016_result.yaml"
START_YEAR = 2016
OUTPUTS: tuple[str, ...] = ("tech_gap_years", "national_level", "archetype_partners")
# Okabe-Ito (colour-blind safe)
BLUE, ORANGE, GREEN, VERMILLION, GREY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#666666"


# --- the specification ------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A recorded value the model should reproduce, averaged over seeds.

    Attributes:
        name: Short label.
        output: One of ``OUTPUTS``.
        step: Quarter at which it is compared (0 = the start).
        value: The recorded value.
        sd: How far off the record may be (the loss's unit; data uncertainty).
        source: Where the value comes from.
    """

    name: str
    output: str
    step: int
    value: float
    sd: float = 1.0
    source: str = ""


@dataclass(frozen=True)
class FreeParameter:
    """A parameter the fit chooses, by its dotted path in ``RunConfig``, within bounds."""

    path: str
    low: float
    high: float
    start: float


@dataclass
class CalibrationSpec:
    """What to fit, to what, on which runs (``configs/calibration/*.yaml``)."""

    targets: list[Target]
    parameters: list[FreeParameter]
    checks: list[Target] = field(default_factory=list)
    world: str = "korea_2016"
    scenario: str = "baseline"
    steps: int = 20
    seeds: int = 32
    root_seed: int = 0
    overrides: list[str] = field(default_factory=list)

    @property
    def paths(self) -> list[str]:
        """Dotted paths of the free parameters, in order."""
        return [p.path for p in self.parameters]


def load_spec(path: Path | str = SPEC_FILE) -> CalibrationSpec:
    """Read a calibration specification from YAML.

    Args:
        path: The file (``configs/calibration/korea_2016.yaml`` by default).

    Returns:
        The specification, with targets, checks and free parameters.
    """
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return CalibrationSpec(
        targets=[Target(**t) for t in raw["targets"]],
        parameters=[FreeParameter(**p) for p in raw["parameters"]],
        checks=[Target(**t) for t in raw.get("checks", [])],
        world=raw.get("world", "korea_2016"),
        scenario=raw.get("scenario", "baseline"),
        steps=int(raw.get("steps", 20)),
        seeds=int(raw.get("seeds", 32)),
        root_seed=int(raw.get("root_seed", 0)),
        overrides=list(raw.get("overrides", [])),
    )


def base_config(spec: CalibrationSpec, extra: Sequence[str] = ()) -> RunConfig:
    """The run configuration every evaluation starts from (before the free parameters)."""
    from sim.config.compose import compose

    return compose(
        [
            f"world={spec.world}",
            f"scenario={spec.scenario}",
            f"steps={spec.steps}",
            *spec.overrides,
            *extra,
        ]
    )


def with_values(cfg: RunConfig, paths: Sequence[str], values: Sequence[float]) -> RunConfig:
    """A copy of ``cfg`` with each dotted ``path`` set to its value (range checks run).

    Args:
        cfg: The configuration to start from (not changed).
        paths: Dotted paths such as ``"model.growth.learning_rate"``.
        values: One value per path; cast to the field's type.

    Returns:
        The new configuration.
    """
    for path, value in zip(paths, values, strict=True):
        cfg = _replace(cfg, path.split("."), value)
    return cfg


def _replace(node: Any, keys: list[str], value: float) -> Any:
    current = getattr(node, keys[0])
    if len(keys) == 1:
        new = type(current)(value) if isinstance(current, int | float) else value
    else:
        new = _replace(current, keys[1:], value)
    return dataclasses.replace(node, **{keys[0]: new})


def seeds_for(spec: CalibrationSpec, n: int | None = None) -> list[np.random.SeedSequence]:
    """The common random numbers: ``n`` (default ``spec.seeds``) children of the root seed."""
    return np.random.SeedSequence(spec.root_seed).spawn(n or spec.seeds)


# --- running ------------------------------------------------------------------------------


def run_seed(cfg: RunConfig, seed: np.random.SeedSequence, steps: int) -> np.ndarray:
    """One replicate's calibration outputs at every quarter.

    Args:
        cfg: The run configuration (a world holding the K-AI-like archetype).
        seed: The replicate's seed.
        steps: Quarters to simulate.

    Returns:
        ``(len(OUTPUTS), steps + 1)``: gap in years, national level (national capability
        over the frontier) and the archetype's partners, from step 0 on.
    """
    from scenarios.worlds.korea_2016 import archetype_id, partners
    from sim.model import AllianceModel

    model = AllianceModel(cfg, seed=seed)
    aid = archetype_id(model.alliances)
    out = np.empty((len(OUTPUTS), steps + 1))
    for t in range(steps + 1):
        if t:
            model.step()
        out[0, t] = model.outcomes["tech_gap_years"]
        out[1, t] = model.outcomes["national_capability"] / model.frontier
        out[2, t] = partners(model.firms, model.alliances, aid)
    return out


def _run_chunk(job: tuple[RunConfig, list[np.random.SeedSequence], int]) -> np.ndarray:
    cfg, seeds, steps = job
    return np.stack([run_seed(cfg, s, steps) for s in seeds])


class Simulator:
    """Seed-replicated runs of one base configuration at chosen parameter values.

    Every call runs the same seeds (common random numbers), split over ``jobs`` worker
    processes; results are cached by parameter values.

    Args:
        base: The configuration every evaluation starts from.
        paths: Dotted paths of the parameters a call sets.
        seeds: The replicate seeds.
        steps: Quarters per run.
        jobs: Worker processes (1 runs in this process).
    """

    def __init__(
        self,
        base: RunConfig,
        paths: Sequence[str],
        seeds: Sequence[np.random.SeedSequence],
        steps: int,
        jobs: int = 1,
    ) -> None:
        self.base, self.paths, self.seeds, self.steps = base, list(paths), list(seeds), steps
        self.jobs = max(1, min(jobs, len(self.seeds)))
        self.pool = ProcessPoolExecutor(self.jobs) if self.jobs > 1 else None
        self.cache: dict[tuple[float, ...], np.ndarray] = {}
        self.evaluations = 0

    def __enter__(self) -> Simulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker processes."""
        if self.pool is not None:
            self.pool.shutdown()
            self.pool = None

    def __call__(self, values: Sequence[float], steps: int | None = None) -> np.ndarray:
        """Outputs ``(n_seeds, len(OUTPUTS), steps + 1)`` at parameter ``values``."""
        steps = self.steps if steps is None else steps
        key = (*(round(float(v), 12) for v in values), steps)
        if key not in self.cache:
            cfg = with_values(dataclasses.replace(self.base, steps=steps), self.paths, values)
            chunks = [list(c) for c in np.array_split(np.arange(len(self.seeds)), self.jobs)]
            jobs = [(cfg, [self.seeds[i] for i in c], steps) for c in chunks if c]
            parts = self.pool.map(_run_chunk, jobs) if self.pool else map(_run_chunk, jobs)
            self.cache[key] = np.concatenate(list(parts))
            self.evaluations += 1
        return self.cache[key]


# --- the loss -----------------------------------------------------------------------------


def moments(outputs: np.ndarray, targets: Sequence[Target]) -> np.ndarray:
    """Each seed's value of each target: ``(n_seeds, len(targets))``.

    Args:
        outputs: ``(n_seeds, len(OUTPUTS), steps + 1)`` from ``Simulator`` or ``run_seed``.
        targets: What to read, by output and step.
    """
    return np.stack([outputs[:, OUTPUTS.index(t.output), t.step] for t in targets], axis=1)


def loss(means: np.ndarray, targets: Sequence[Target]) -> float:
    """Sum over targets of ((seed mean - recorded value) / sd) squared.

    Args:
        means: The seed-mean model value of each target.
        targets: The records, with their values and sds.
    """
    values = np.array([t.value for t in targets])
    sds = np.array([t.sd for t in targets])
    return float(np.sum(((np.asarray(means, dtype=float) - values) / sds) ** 2))


def objective(
    simulate: Callable[[Sequence[float]], np.ndarray], targets: Sequence[Target]
) -> Callable[[Sequence[float]], float]:
    """The loss as a function of the free parameters' values."""
    return lambda values: loss(moments(simulate(values), targets).mean(axis=0), targets)


# --- the fit ------------------------------------------------------------------------------


@dataclass
class Fit:
    """A fitted point and how it was found."""

    values: np.ndarray
    loss: float
    evaluations: int
    grid_best: np.ndarray
    history: list[tuple[np.ndarray, float]] = field(default_factory=list)


def fit(
    spec: CalibrationSpec,
    simulate: Callable[[Sequence[float]], np.ndarray],
    start: Sequence[float] | None = None,
    grid: Sequence[float] = (0.2, 0.5, 0.8),
    maxfev: int = 150,
    simplex: float = 0.15,
) -> Fit:
    """Minimise the loss: a coarse grid (skipped when ``start`` is given), then Nelder-Mead.

    The search runs in unit coordinates (each parameter scaled to its bounds), so one
    tolerance fits all.

    Args:
        spec: Targets and free parameters.
        simulate: Parameter values to outputs (``Simulator``).
        start: Where to start the local search; the grid's best point when None.
        grid: Levels, as fractions of each parameter's range, of the coarse grid.
        maxfev: Most loss evaluations of the local search.
        simplex: Initial simplex edge, as a fraction of each range.

    Returns:
        The best point evaluated.
    """
    from itertools import product

    from scipy.optimize import minimize

    low = np.array([p.low for p in spec.parameters])
    span = np.array([p.high for p in spec.parameters]) - low
    f = objective(simulate, spec.targets)
    history: list[tuple[np.ndarray, float]] = []

    def unit_loss(u: np.ndarray) -> float:
        x = low + span * np.clip(u, 0.0, 1.0)
        value = f(x)
        history.append((x, value))
        return value

    if start is None:
        points = [np.array(c) for c in product(grid, repeat=len(spec.parameters))]
        points.append((np.array([p.start for p in spec.parameters]) - low) / span)
        u0 = min(points, key=unit_loss)
    else:
        u0 = (np.asarray(start, dtype=float) - low) / span
    grid_best = low + span * u0
    k = len(u0)
    corners = np.clip(u0 + simplex * np.vstack([np.zeros(k), np.eye(k)]), 0.0, 1.0)
    corners[1:] = np.where(corners[1:] == corners[0], u0 - simplex * np.eye(k), corners[1:])
    minimize(
        unit_loss,
        u0,
        method="Nelder-Mead",
        bounds=[(0.0, 1.0)] * k,
        options={
            "initial_simplex": corners,
            "xatol": 2e-3,
            "fatol": 1e-3,
            "maxfev": maxfev,
        },
    )
    best_x, best_loss = min(history, key=lambda h: h[1])
    return Fit(best_x, best_loss, len(history), grid_best, history)


# --- uncertainty --------------------------------------------------------------------------


@dataclass
class Uncertainty:
    """How well the targets pin the parameters down."""

    jacobian: np.ndarray  # (targets, parameters): d seed-mean target / d parameter
    cov_seeds: np.ndarray  # parameter covariance from the seeds' Monte-Carlo error
    cov_total: np.ndarray  # ... plus the targets' own uncertainty (their sd)
    bootstrap: np.ndarray  # (B, parameters) linearised bootstrap over seeds and targets
    bootstrap_seeds: np.ndarray  # (B, parameters) the same, seeds only
    steps: np.ndarray  # finite-difference step of each parameter


def _solve(jac: np.ndarray, weight: np.ndarray, residual: np.ndarray) -> np.ndarray:
    """Gauss-Newton step: (J'WJ)^-1 J'W r (least squares when targets > parameters)."""
    a = jac.T @ weight @ jac
    return np.linalg.solve(a, jac.T @ weight @ residual)


def sandwich(jac: np.ndarray, weight: np.ndarray, cov_moments: np.ndarray) -> np.ndarray:
    """Delta-method covariance of the fitted parameters given the targets' covariance."""
    bread = np.linalg.inv(jac.T @ weight @ jac) @ jac.T @ weight
    return bread @ cov_moments @ bread.T


def uncertainty(
    spec: CalibrationSpec,
    simulate: Callable[[Sequence[float]], np.ndarray],
    values: np.ndarray,
    relative_step: float = 0.05,
    draws: int = 2000,
    seed: int = 0,
) -> Uncertainty:
    """Jacobian, delta-method covariances and a linearised bootstrap at ``values``.

    Args:
        spec: Targets and free parameters.
        simulate: Parameter values to outputs (the same seeds every call).
        values: The fitted point.
        relative_step: Central-difference step, as a fraction of each parameter's range
            (large enough to average over the discrete choices inside one seed).
        draws: Bootstrap draws.
        seed: Seed of the bootstrap's generator.

    Returns:
        The Jacobian, the covariances and the bootstrap draws.
    """
    targets = spec.targets
    k = len(spec.parameters)
    low = np.array([p.low for p in spec.parameters])
    high = np.array([p.high for p in spec.parameters])
    h = relative_step * (high - low)
    at = moments(simulate(values), targets)  # (S, T)
    per_seed = np.empty((at.shape[0], len(targets), k))
    for j in range(k):
        up, down = values.copy(), values.copy()
        up[j] = min(values[j] + h[j], high[j])  # stay inside the search bounds
        down[j] = max(values[j] - h[j], low[j])
        diff = moments(simulate(up), targets) - moments(simulate(down), targets)
        per_seed[:, :, j] = diff / (up[j] - down[j])
    jac = per_seed.mean(axis=0)
    sd = np.array([t.sd for t in targets])
    weight = np.diag(1.0 / sd**2)
    cov_mc = np.atleast_2d(np.cov(at, rowvar=False)) / at.shape[0]
    cov_seeds = sandwich(jac, weight, cov_mc)
    cov_total = sandwich(jac, weight, cov_mc + np.diag(sd**2))

    rng = np.random.default_rng(np.random.SeedSequence(seed))
    record = np.array([t.value for t in targets])
    n = at.shape[0]
    both, seeds_only = np.empty((draws, k)), np.empty((draws, k))
    for b in range(draws):
        idx = rng.integers(0, n, n)
        m_b, j_b = at[idx].mean(axis=0), per_seed[idx].mean(axis=0)
        noisy = record + sd * rng.standard_normal(len(targets))
        seeds_only[b] = values + _solve(j_b, weight, record - m_b)
        both[b] = values + _solve(j_b, weight, noisy - m_b)
    return Uncertainty(jac, cov_seeds, cov_total, both, seeds_only, h)


def refit_on_resamples(
    spec: CalibrationSpec,
    base: RunConfig,
    values: np.ndarray,
    refits: int,
    jobs: int,
    maxfev: int = 60,
) -> np.ndarray:
    """Full refits on bootstrap resamples of the seeds (a check of the linearisation).

    Args:
        spec: Targets and free parameters.
        base: The base configuration.
        values: The fitted point (each refit starts there).
        refits: How many resamples.
        jobs: Worker processes.
        maxfev: Most evaluations per refit.

    Returns:
        ``(refits, parameters)`` refitted values.
    """
    seeds = seeds_for(spec)
    rng = np.random.default_rng(np.random.SeedSequence([spec.root_seed, 1]))
    out = np.empty((refits, len(values)))
    for r in range(refits):
        chosen = [seeds[i] for i in rng.integers(0, len(seeds), len(seeds))]
        with Simulator(base, spec.paths, chosen, spec.steps, jobs) as simulate:
            out[r] = fit(spec, simulate, start=values, maxfev=maxfev, simplex=0.05).values
    return out


# --- reporting ----------------------------------------------------------------------------


def summarise(outputs: np.ndarray, items: Sequence[Target]) -> dict[str, dict[str, float]]:
    """Record against model (seed mean, sd, 5th and 95th percentiles) for each item."""
    values = moments(outputs, items)
    return {
        t.name: {
            "record": float(t.value),
            "model_mean": float(values[:, i].mean()),
            "seed_sd": float(values[:, i].std(ddof=1)),
            "seed_p05": float(np.quantile(values[:, i], 0.05)),
            "seed_p95": float(np.quantile(values[:, i], 0.95)),
            "mean_se": float(values[:, i].std(ddof=1) / np.sqrt(len(values))),
        }
        for i, t in enumerate(items)
    }


def _band(ax: Any, x: np.ndarray, series: np.ndarray, colour: str, label: str) -> None:
    ax.fill_between(
        x,
        np.quantile(series, 0.05, axis=0),
        np.quantile(series, 0.95, axis=0),
        color=colour,
        alpha=0.2,
        lw=0,
        label=f"{label}: 90 % of seeds",
    )
    ax.plot(x, series.mean(axis=0), color=colour, lw=2.2, label=f"{label}: mean over seeds")


def plot_gap(fitted: np.ndarray, default: np.ndarray, spec: CalibrationSpec, path: Path) -> None:
    """Technology gap and national level over time, against the SPRi record."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    years = START_YEAR + np.arange(fitted.shape[2]) / 4
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5), constrained_layout=True)
    for ax, index, scale in ((left, 0, 1.0), (right, 1, 100.0)):
        ax.plot(
            years,
            default[:, index].mean(axis=0) * scale,
            color=GREY,
            ls="--",
            lw=1.6,
            label="before calibration (old defaults): mean over seeds",
        )
        _band(ax, years, fitted[:, index] * scale, BLUE, "calibrated")
        ax.axvspan(START_YEAR, START_YEAR + spec.steps / 4, color=ORANGE, alpha=0.07, lw=0)
        ax.set_xlabel("year (quarters from 2016 Q1)")
        ax.grid(alpha=0.3)
    for t in spec.targets:
        if t.output == "tech_gap_years":
            left.errorbar(
                START_YEAR + t.step / 4,
                t.value,
                yerr=t.sd,
                fmt="o",
                color=VERMILLION,
                ms=9,
                capsize=5,
                zorder=5,
            )
    left.plot([], [], "o", color=VERMILLION, label="SPRi record, fitted (bar: ± its sd)")
    left.set_ylabel("technology gap to the US (years)")
    left.set_title("Technology gap: model against the SPRi record")
    levels = [c for c in spec.checks if c.output == "national_level"]
    right.plot(
        [START_YEAR + c.step / 4 for c in levels],
        [c.value * 100 for c in levels],
        "s",
        mfc="white",
        mec=VERMILLION,
        mew=2,
        ms=9,
        label="SPRi level record, not fitted (a check)",
        zorder=5,
    )
    right.plot(START_YEAR, 73.9, "o", color=VERMILLION, ms=9, label="2016 level: sets the start")
    right.set_ylabel("national AI level (% of the US frontier)")
    right.set_title("National level: model against the SPRi record")
    for ax in (left, right):
        ax.legend(fontsize=8.5, loc="best")
    fig.suptitle(
        "Baseline on the korea_2016 world (shaded: the calibration window, 2016 to 2021)",
        fontsize=11,
    )
    fig.savefig(path, dpi=130)
    plt.close(fig)


def plot_archetype(
    fitted: np.ndarray, default: np.ndarray, spec: CalibrationSpec, path: Path
) -> None:
    """The K-AI-like archetype's partners over its first years, against the record."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    years = np.arange(fitted.shape[2]) / 4
    fig, ax = plt.subplots(figsize=(9, 5.2), constrained_layout=True)
    for series in fitted[:6, 2]:
        ax.plot(years, series, color=BLUE, lw=0.6, alpha=0.5)
    ax.plot([], [], color=BLUE, lw=0.6, alpha=0.5, label="calibrated: six single seeds")
    ax.plot(
        years,
        default[:, 2].mean(axis=0),
        color=GREY,
        ls="--",
        lw=1.6,
        label="before calibration (old defaults): mean over seeds",
    )
    _band(ax, years, fitted[:, 2], BLUE, "calibrated")
    record = [(0.0, 7), (4 / 12, 11), (19 / 12, 18)]
    ax.plot(
        [r[0] for r in record],
        [r[1] for r in record],
        "s",
        mfc="white",
        mec=VERMILLION,
        mew=2,
        ms=9,
        label="K-AI Alliance record (Feb 2023, Jun 2023, 2024)",
        zorder=5,
    )
    for t in spec.targets:
        if t.output == "archetype_partners":
            ax.errorbar(
                t.step / 4, t.value, yerr=t.sd, fmt="o", color=VERMILLION, ms=9, capsize=5, zorder=6
            )
    ax.plot([], [], "o", color=VERMILLION, label="fitted target: 18 after 2 years (± its sd)")
    ax.set_xlabel("years since the alliance was founded")
    ax.set_ylabel("partner firms (members other than the leader)")
    ax.set_title("K-AI-like archetype: partners over its first years, model against the record")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8.5, loc="upper right")
    fig.savefig(path, dpi=130)
    plt.close(fig)


def plot_uncertainty(
    spec: CalibrationSpec, values: np.ndarray, unc: Uncertainty, refits: np.ndarray, path: Path
) -> None:
    """Pairs of bootstrap draws of the fitted parameters (their joint uncertainty)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    names = [p.path.split(".")[-1] for p in spec.parameters]
    pairs = [(i, j) for i in range(len(names)) for j in range(i + 1, len(names))]
    fig, axes = plt.subplots(
        1, len(pairs), figsize=(4.6 * len(pairs), 4.4), constrained_layout=True, squeeze=False
    )
    for ax, (i, j) in zip(axes[0], pairs, strict=True):
        ax.scatter(
            unc.bootstrap[:, i],
            unc.bootstrap[:, j],
            s=4,
            alpha=0.25,
            color=BLUE,
            label="bootstrap: seeds and target uncertainty",
        )
        ax.scatter(
            unc.bootstrap_seeds[:, i],
            unc.bootstrap_seeds[:, j],
            s=4,
            alpha=0.35,
            color=ORANGE,
            label="bootstrap: seeds only",
        )
        if len(refits):
            ax.scatter(
                refits[:, i],
                refits[:, j],
                marker="D",
                s=40,
                color=GREEN,
                edgecolor="black",
                label="full refits on resampled seeds",
            )
        ax.plot(values[i], values[j], "*", ms=16, color=VERMILLION, mec="black", label="fit")
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.set_xlabel(names[i])
        ax.set_ylabel(names[j])
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=8, loc="best")
    fig.suptitle("How well the targets pin the fitted parameters down (each dot: one draw)")
    fig.savefig(path, dpi=130)
    plt.close(fig)


def plot_profile(
    profiles: list[tuple[float, np.ndarray, np.ndarray, float]],
    name: str,
    spec: CalibrationSpec,
    path: Path,
) -> None:
    """Gap trajectories after refitting at several values of a parameter held fixed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = (BLUE, ORANGE, GREEN, VERMILLION, "#CC79A7")
    styles = ("-", "--", ":", "-.", "-")
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5), constrained_layout=True)
    for n, (value, _values, outputs, fit_loss) in enumerate(profiles):
        years = START_YEAR + np.arange(outputs.shape[2]) / 4
        label = f"{name} = {value:g} (refitted, loss {fit_loss:.2f})"
        for ax, index, scale in ((left, 0, 1.0), (right, 1, 100.0)):
            ax.plot(
                years,
                outputs[:, index].mean(axis=0) * scale,
                color=colours[n % 5],
                ls=styles[n % 5],
                lw=2,
                label=label,
            )
    for t in spec.targets:
        if t.output == "tech_gap_years":
            left.errorbar(
                START_YEAR + t.step / 4, t.value, yerr=t.sd, fmt="o", color="black", capsize=5
            )
    levels = [c for c in spec.checks if c.output == "national_level"]
    right.plot(
        [START_YEAR + c.step / 4 for c in levels],
        [c.value * 100 for c in levels],
        "s",
        mfc="white",
        mec="black",
        mew=2,
        ms=8,
        label="SPRi level record (not fitted)",
    )
    left.set_ylabel("technology gap to the US (years)")
    right.set_ylabel("national AI level (% of the US frontier)")
    left.set_title("Gap: refitted at each value, the paths nearly coincide")
    right.set_title("National level under each refit")
    for ax in (left, right):
        ax.set_xlabel("year")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8.5)
    fig.savefig(path, dpi=130)
    plt.close(fig)


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


def main(argv: Sequence[str] | None = None) -> int:
    """Fit, estimate the uncertainty, draw the figures and write the result file."""
    parser = argparse.ArgumentParser(prog="python -m sim.calibration", description=__doc__)
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
        defaults = [_get(base, p) for p in spec.paths]
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
        profiles.append((_get(base, key), values, long_fit, result_fit.loss))
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

    result = _result_dict(spec, values, result_fit, unc, refits, at_fit, defaults, evaluations)
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
    _print_report(result)
    return 0


def _get(cfg: Any, path: str) -> float:
    for key in path.split("."):
        cfg = getattr(cfg, key)
    return float(cfg)


def _result_dict(
    spec: CalibrationSpec,
    values: np.ndarray,
    result_fit: Fit,
    unc: Uncertainty,
    refits: np.ndarray,
    at_fit: np.ndarray,
    defaults: list[float],
    evaluations: int,
) -> dict[str, Any]:
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


def _print_report(result: dict[str, Any]) -> None:
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


if __name__ == "__main__":
    sys.exit(main())
