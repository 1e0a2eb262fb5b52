"""sim.engine.start: a start whose iterates cycle stops once its window averages settle."""

import warnings

import numpy as np
import pytest

import sim
from sim.engine import innovation
from sim.engine.start import (
    CYCLE_CHECK_FROM,
    CYCLE_WINDOW,
    REST_TOLERANCE,
    START_TOLERANCE,
    STATIONARY_ITERATIONS,
    averages_settled,
    window_average,
)
from tests.before_leaders import RATES_AT_REST


def cycle(passes, period=3, drift=0.0, moving=0.0):
    """History of efforts, lambda_d, rates and capability changes cycling with ``period``."""
    out = []
    for i in range(passes):
        phase = 0.01 * np.cos(2 * np.pi * i / period)
        effort = np.array([1.0, 0.2 + phase, 0.05 - phase]) + drift * i
        lam = np.array([0.03, 0.04]) * (1.0 + phase)
        rates = np.array([0.2 + phase])
        out.append((effort, lam, rates, np.array([moving + 1e-3 * np.sin(2 * np.pi * i / period)])))
    return out


def test_window_average_averages_each_array_over_the_passes():
    history = cycle(CYCLE_WINDOW)
    average = window_average(history)
    assert len(average) == 4
    for got, column in zip(average, zip(*history, strict=True), strict=True):
        np.testing.assert_allclose(got, np.mean(column, axis=0))
    np.testing.assert_allclose(average[0], [1.0, 0.2, 0.05], atol=1e-15)  # whole cycles cancel


def test_a_cycle_whose_period_divides_the_window_has_settled_averages():
    history = cycle(2 * CYCLE_WINDOW, period=3)
    before = window_average(history[:CYCLE_WINDOW])
    assert averages_settled(before, window_average(history[CYCLE_WINDOW:]))


@pytest.mark.parametrize(
    "case",
    [
        {"drift": 2 * START_TOLERANCE / CYCLE_WINDOW},  # efforts still creep up
        {"moving": 2 * REST_TOLERANCE},  # capability still moving on average
    ],
)
def test_averages_that_creep_or_move_are_not_settled(case):
    history = cycle(2 * CYCLE_WINDOW, **case)
    before = window_average(history[:CYCLE_WINDOW])
    assert not averages_settled(before, window_average(history[CYCLE_WINDOW:]))
    assert not averages_settled(None, before)  # nothing to compare with yet


@pytest.mark.slow  # 15 s: CI (make test-slow)
def test_the_benchmarks_cycling_world_of_30000_firms_stops_early_and_says_so():
    """bench_economics' synthetic world of 3e4 firms: the same-market members of four deep
    alliances take turns at their R&D for good (finding 41), so its start ran all 360 passes
    (41 s); its window averages settled after 120 (14 s, measured 2026-12-04 at the membership
    values of 2026-12-03) and after 324 at those of the refit the same day (CI, 06:40 UTC)."""
    n = 30_000
    cfg = sim.compose(
        [
            "world=synthetic",
            f"world.n_startups={n - n // 50 - n // 100}",
            f"world.n_conglomerates={n // 50}",
            f"world.n_foreign={n // 100}",
            f"world.n_initial_alliances={n // 100}",
            "steps=1",
            *RATES_AT_REST,  # the passes measured are those of rates solved at rest
        ]
    )
    calls = []
    plan = innovation.plan

    def counted(*args, **kwargs):
        calls.append(1)
        return plan(*args, **kwargs)

    with pytest.MonkeyPatch.context() as mp, warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        mp.setattr(innovation, "plan", counted)
        model = sim.AllianceModel(cfg)
    assert CYCLE_CHECK_FROM <= len(calls) < STATIONARY_ITERATIONS
    assert any("cycled" in str(w.message) for w in seen)  # an average, and it says so
    assert np.isfinite(model.firms.effort).all() and np.isfinite(model.firms.learning_rate).all()
