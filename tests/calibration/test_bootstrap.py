"""sim/calibration/bootstrap.py: Jacobian, delta-method covariances and bootstrap."""

import numpy as np
import pytest

from sim import calibration as cal


def test_uncertainty_recovers_a_known_linear_model(linear_case):
    """On a fake simulator whose targets are linear in the parameters, the delta method
    gives J^-1 S J^-T."""
    jac, n = linear_case.jacobian, len(linear_case.offsets)
    unc = cal.uncertainty(linear_case.spec, linear_case.simulate, linear_case.truth, draws=200)
    assert unc.jacobian == pytest.approx(jac)
    inv = np.linalg.inv(jac)
    mc = np.cov(linear_case.offsets, rowvar=False) / n
    assert unc.cov_seeds == pytest.approx(inv @ mc @ inv.T)
    data = np.diag([0.2**2, 0.1**2])
    assert unc.cov_total == pytest.approx(inv @ (mc + data) @ inv.T)
    assert unc.bootstrap.shape == unc.bootstrap_seeds.shape == (200, 2)
    assert unc.steps == pytest.approx([0.05, 0.05])


def test_sandwich_is_the_inverse_jacobian_form_when_square():
    jac = np.array([[2.0, 0.5], [-1.0, 3.0]])
    cov = np.array([[0.3, 0.1], [0.1, 0.2]])
    inv = np.linalg.inv(jac)
    assert cal.sandwich(jac, np.diag([4.0, 9.0]), cov) == pytest.approx(inv @ cov @ inv.T)
