"""A consistent start (issue 10, item 7): the baseline's gap does not jump in its first year
while the state settles (version 2, korea_2024).

Two readings of "within 0.15 years of the trend". The trend the model itself follows after the
start: the first year's change lies within 0.15 years of the mean yearly change of years 2-5,
in every seed (a start at rest; this is the test). The calibrated trend, SPRi's 2016-2021 path
(-0.18 years a year): version 2's baseline narrows its gap by about 0.09-0.13 years a year
after the first with the stationary start (seeds 0-5, 2026-12-03; issue 11's gap path is not
fitted under version 2), so a test against it would pass or fail by how far the model's own
trend happens to lie from SPRi's, not by whether the start is consistent; it is measured and
shown here, not asserted.
"""

import numpy as np
import pytest

import sim
from sim.calibration.spec import load_spec


def calibrated_trend() -> float:
    """The SPRi gap path of the calibration spec, in years of gap per year (2016 -> 2021)."""
    targets = {t.name: t for t in load_spec().targets}
    first, last = targets["gap_2016"], targets["gap_2021"]
    return (last.value - first.value) / ((last.step - first.step) / 4.0)


def gap_path(seed: int, quarters: int) -> np.ndarray:
    """The baseline gap (years) at the start and after each quarter."""
    cfg = sim.compose(["world=korea_2024", "model.economics=v2", f"steps={quarters}"])
    model = sim.AllianceModel(cfg, seed=seed).run()
    return model.datacollector.get_model_vars_dataframe()["tech_gap_years"].to_numpy()


@pytest.mark.slow
def test_the_gaps_first_year_moves_with_the_models_own_trend_in_every_seed():
    """Holds with the stationary start, the default since 2026-12-03 (docs/model.md section 4
    item 9); measured 2026-12-03 with it, seeds 0-5: off by 0.065-0.103 years, the first year
    changing -0.018 to -0.062 years and years 2-5 -0.093 to -0.127 a year. Without it
    (``model.growth.stationary_start=false``) it failed: first-year change 0.008-0.100 years
    against years 2-5's 0.175-0.273 a year, off by 0.152-0.222 (seeds 0-5, measured
    2026-12-03), because foreign units below the frontier were not at rest and caught up on
    the domestic leaders (finding 38)."""
    assert calibrated_trend() == pytest.approx(-0.18)  # 2.2 -> 1.3 years over five years
    for seed in range(6):
        gap = gap_path(seed, 20)
        first, later = gap[4] - gap[0], (gap[20] - gap[4]) / 4.0
        assert abs(first - later) <= 0.15, (seed, first, later)
