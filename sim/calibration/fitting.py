"""The fit itself: a coarse grid, then a bounded Nelder-Mead search on the loss.

Every evaluation runs the same seeds (common random numbers), so the loss is a
deterministic function of the parameters and a derivative-free local search converges.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.calibration.scoring import objective
from sim.calibration.spec import CalibrationSpec, ParameterValues, Simulate


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
    simulate: Simulate,
    start: ParameterValues | None = None,
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
