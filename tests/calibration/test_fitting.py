"""sim/calibration/fitting.py: the grid and Nelder-Mead fit."""

import pytest

from sim import calibration as cal


def test_fit_recovers_a_known_linear_model(linear_case):
    """On a fake simulator whose targets are linear in the parameters, the fit finds the
    exact solution."""
    found = cal.fit(linear_case.spec, linear_case.simulate, maxfev=400)
    assert found.values == pytest.approx(linear_case.truth, abs=2e-3)
    assert found.loss == min(h[1] for h in found.history)
    assert found.evaluations == len(found.history)


def test_fit_from_a_start_skips_the_grid(linear_case):
    found = cal.fit(linear_case.spec, linear_case.simulate, start=[0.35, 0.55], maxfev=400)
    assert found.grid_best == pytest.approx([0.35, 0.55])
    assert found.values == pytest.approx(linear_case.truth, abs=2e-3)
