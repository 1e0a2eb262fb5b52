"""The search space: each lever's values, as Optuna suggests them and as the store names them.

A lever with a ``step`` takes the values ``low + k * step``; ``snap`` spells each one the
same way every time (12 significant digits), so that a setting's folder name (a hash of its
values) does not depend on how a float was rounded on the way. ``unseen`` draws a setting
not yet evaluated, for when the sampler proposes one already known (a grid is small; TPE
then tends to propose its best setting again, which teaches it nothing).
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Any

import numpy as np

from sim.optimise.config import LeverRange

MAX_DRAWS = 1000  # tries to find an unseen setting of a large or continuous space


def snap(lever: LeverRange, value: float) -> float:
    """``value`` as the lever's setting: on its grid (if it has a step), within its range."""
    value = min(max(float(value), lever.low), lever.high)
    if lever.step is None:
        return value
    k = round((value - lever.low) / lever.step)
    return float(f"{lever.low + k * lever.step:.12g}")


def suggest(trial: Any, lever: LeverRange) -> float:
    """A lever's value for an Optuna ``trial`` (the parameter is named by the lever's path)."""
    drawn = trial.suggest_float(lever.path, lever.low, lever.high, step=lever.step, log=lever.log)
    return snap(lever, drawn)


def grid_size(levers: list[LeverRange]) -> float:
    """How many settings the levers allow (``inf`` if one is continuous)."""
    size = 1.0
    for lever in levers:
        if lever.step is None:
            return math.inf
        size *= round((lever.high - lever.low) / lever.step) + 1
    return size


def draw(lever: LeverRange, rng: np.random.Generator) -> float:
    """A value of the lever drawn uniformly (on its grid, or on a log scale if ``log``)."""
    if lever.step is not None:
        cells = round((lever.high - lever.low) / lever.step)
        return snap(lever, lever.low + int(rng.integers(0, cells + 1)) * lever.step)
    if lever.log:
        return snap(lever, math.exp(rng.uniform(math.log(lever.low), math.log(lever.high))))
    return snap(lever, rng.uniform(lever.low, lever.high))


def unseen(
    levers: list[LeverRange], seen: Collection[tuple[float, ...]], rng: np.random.Generator
) -> dict[str, float] | None:
    """A setting whose values are not in ``seen``; None once every setting has been seen."""
    if len(seen) >= grid_size(levers):
        return None
    for _ in range(MAX_DRAWS):
        values = {lever.path: draw(lever, rng) for lever in levers}
        if tuple(values.values()) not in seen:
            return values
    return None
