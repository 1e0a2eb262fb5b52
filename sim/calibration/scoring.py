"""Scoring a candidate against the record: each seed's moments, the loss, the fit quality.

A target (or check) reads one output at one quarter; its moment is that value in each
seed. The loss is the sum over targets of ((seed mean - record) / sd) squared.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from sim.calibration.spec import OUTPUTS, ParameterValues, Simulate, Target


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


def objective(simulate: Simulate, targets: Sequence[Target]) -> Callable[[ParameterValues], float]:
    """The loss as a function of the free parameters' values."""
    return lambda values: loss(moments(simulate(values), targets).mean(axis=0), targets)


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
