"""sim/calibration/scoring.py: moments, loss and fit-quality summary."""

import numpy as np
import pytest

from sim import calibration as cal


def tiny_case():
    # two seeds, the three outputs, three quarters
    outputs = np.zeros((2, 3, 3))
    outputs[:, 0, 0] = [2.0, 2.4]  # gap at step 0: mean 2.2
    outputs[:, 0, 2] = [1.0, 1.2]  # gap at step 2: mean 1.1
    outputs[:, 2, 1] = [15.0, 19.0]  # partners at step 1: mean 17
    targets = [
        cal.Target("g0", "tech_gap_years", 0, 2.2, 0.1),
        cal.Target("g2", "tech_gap_years", 2, 1.3, 0.1),
        cal.Target("p1", "archetype_partners", 1, 18.0, 2.0),
    ]
    return outputs, targets


def test_loss_on_a_tiny_case():
    outputs, targets = tiny_case()
    m = cal.moments(outputs, targets)
    assert m.tolist() == [[2.0, 1.0, 15.0], [2.4, 1.2, 19.0]]
    # (0 / 0.1)^2 + (-0.2 / 0.1)^2 + (-1 / 2)^2 = 0 + 4 + 0.25
    assert cal.loss(m.mean(axis=0), targets) == pytest.approx(4.25)
    f = cal.objective(lambda values: outputs, targets)
    assert f([0.0]) == pytest.approx(4.25)


def test_summarise_reports_record_and_seed_spread():
    outputs, targets = tiny_case()
    summary = cal.summarise(outputs, targets)
    assert list(summary) == ["g0", "g2", "p1"]
    p1 = summary["p1"]
    assert p1["record"] == 18.0 and p1["model_mean"] == pytest.approx(17.0)
    assert p1["seed_sd"] == pytest.approx(np.std([15.0, 19.0], ddof=1))
    assert p1["mean_se"] == pytest.approx(p1["seed_sd"] / np.sqrt(2))
    assert (p1["seed_p05"], p1["seed_p95"]) == pytest.approx((15.2, 18.8))
