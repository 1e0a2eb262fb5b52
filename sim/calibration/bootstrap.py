"""How well the targets pin the fitted parameters down.

The Jacobian of the seed-mean targets comes from central differences with the same seeds.
From it, a sandwich (delta-method) covariance adds the seeds' Monte-Carlo error to the
targets' own uncertainty, and a linearised bootstrap resamples seeds and draws targets.
``refit_on_resamples`` checks the linearisation with full refits on resampled seeds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.calibration.fitting import fit
from sim.calibration.scoring import moments
from sim.calibration.simulation import Simulator, seeds_for
from sim.calibration.spec import CalibrationSpec, Simulate
from sim.config.schema import RunConfig


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
    simulate: Simulate,
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
