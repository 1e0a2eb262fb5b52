from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.optimise.config import compose_optimise
from sim.optimise.pareto import best, non_dominated, pareto_set


def _dominates(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.all(a <= b) and np.any(a < b))


@given(
    arrays(
        float,
        st.tuples(st.integers(0, 25), st.integers(1, 3)),
        elements=st.floats(-5, 5, allow_nan=False).map(lambda v: round(v, 1)),  # ties happen
    )
)
def test_the_pareto_set_is_exactly_the_non_dominated_points(points):
    kept = non_dominated(points)
    assert kept.shape == (len(points),) and kept.dtype == bool
    for i, p in enumerate(points):
        dominated = any(_dominates(q, p) for q in points)
        assert kept[i] == (not dominated)
    if len(points):  # a finite set always has a non-dominated point
        assert kept.any()
        for i in np.flatnonzero(~kept):  # every dropped point is dominated by a kept one
            assert any(_dominates(points[j], points[i]) for j in np.flatnonzero(kept))


def _trials(rows):
    columns = ["trial", "x", "cost", "gap_effect", "harm_effect", "share_met", "feasible"]
    return pd.DataFrame(rows, columns=columns)


def test_best_is_the_cheapest_feasible_and_the_front_trades_money_for_robustness():
    cfg = compose_optimise(["optimise.objective.share=0.5"])
    trials = _trials(
        [
            [0, 0.0, 0.0, 0.0, 0.0, 0.0, False],  # free, never meets
            [1, 0.1, 1.0, -0.2, 0.0, 0.5, True],  # cheapest meeting the share
            [2, 0.2, 1.0, -0.4, 0.0, 0.5, True],  # as cheap, closes more gap: preferred
            [3, 0.3, 2.0, -0.5, 0.0, 0.5, True],  # dearer, no more robust: dominated
            [4, 0.4, 3.0, -0.9, 0.0, 1.0, True],  # dearer, more robust
        ]
    )
    chosen = best(trials, cfg)
    assert chosen is not None and int(chosen["trial"]) == 2
    assert list(pareto_set(trials, cfg)["trial"]) == [0, 1, 2, 4]
    assert best(trials.assign(feasible=False), cfg) is None


def test_best_of_the_three_objective_front_has_the_smallest_gap():
    cfg = compose_optimise(["optimise.objective.kind=pareto"])
    trials = _trials(
        [
            [0, 0.0, 0.0, 0.0, 0.0, 0.0, False],
            [1, 0.1, 1.0, -0.3, 0.2, 0.0, False],
            [2, 0.2, 1.0, -0.2, 0.3, 0.0, False],  # dominated by trial 1
            [3, 0.3, 2.0, -0.3, -0.1, 0.0, False],  # dearer, less harm
        ]
    )
    assert list(pareto_set(trials, cfg)["trial"]) == [0, 1, 3]
    chosen = best(trials, cfg)
    assert chosen is not None and int(chosen["trial"]) == 1
