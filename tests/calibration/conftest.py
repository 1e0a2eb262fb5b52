"""Shared cases for the calibration tests."""

from dataclasses import dataclass

import numpy as np
import pytest

from sim import calibration as cal


@dataclass
class LinearCase:
    """A fake simulator whose seed-mean targets are exactly ``jacobian @ values``."""

    jacobian: np.ndarray
    truth: np.ndarray
    offsets: np.ndarray  # (seeds, targets): each seed's deviation, mean zero
    spec: cal.CalibrationSpec

    def simulate(self, values):
        m = (self.jacobian @ np.asarray(values)) + self.offsets  # (seeds, targets)
        out = np.zeros((len(self.offsets), 3, 2))
        out[:, 0, 0], out[:, 0, 1] = m[:, 0], m[:, 1]
        return out


@pytest.fixture
def linear_case() -> LinearCase:
    jac = np.array([[2.0, 0.5], [-1.0, 3.0]])
    truth = np.array([0.3, 0.6])
    offsets = np.random.default_rng(0).normal(0.0, 0.1, size=(40, 2))
    offsets -= offsets.mean(axis=0)  # the seed mean sits exactly on the line
    record = jac @ truth
    spec = cal.CalibrationSpec(
        targets=[
            cal.Target("a", "tech_gap_years", 0, record[0], 0.2),
            cal.Target("b", "tech_gap_years", 1, record[1], 0.1),
        ],
        parameters=[cal.FreeParameter("x", 0, 1, 0.5), cal.FreeParameter("y", 0, 1, 0.5)],
    )
    return LinearCase(jac, truth, offsets, spec)
