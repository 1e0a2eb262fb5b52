"""A consistent start (issue 10, item 7): the baseline's gap moves in its first year by about
the calibrated trend, not by a jump while the state settles (version 2, korea_2024)."""

import numpy as np
import pytest

import sim
from sim.calibration.spec import load_spec


def calibrated_trend() -> float:
    """The SPRi gap path of the calibration spec, in years of gap per year (2016 -> 2021)."""
    targets = {t.name: t for t in load_spec().targets}
    first, last = targets["gap_2016"], targets["gap_2021"]
    return (last.value - first.value) / ((last.step - first.step) / 4.0)


@pytest.mark.slow
def test_the_gaps_first_year_change_is_within_015_years_of_the_trend():
    trend = calibrated_trend()
    assert trend == pytest.approx(-0.18)  # 2.2 -> 1.3 years over five years
    changes = []
    for seed in range(4):
        cfg = sim.compose(["world=korea_2024", "model.economics=v2", "steps=4", f"seed={seed}"])
        frame = sim.AllianceModel(cfg).run().datacollector.get_model_vars_dataframe()
        gap = frame["tech_gap_years"].to_numpy()
        changes.append(gap[4] - gap[0])
    # measured 2026-12-02: -0.21, -0.24, -0.06, -0.14 (mean -0.16); version 1 moves +0.16 (mean
    # of the same four seeds), 0.34 years from the trend
    assert abs(float(np.mean(changes)) - trend) <= 0.15
