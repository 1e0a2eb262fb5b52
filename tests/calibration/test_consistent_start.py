"""A consistent start (issue 10, item 7): the baseline's gap does not jump in its first year
while the state settles (version 2, korea_2024).

Two readings of "within 0.15 years of the trend". The trend the model itself follows after the
start: the first year's change lies within 0.15 years of the mean yearly change of years 2-5,
in every seed (a start at rest; this is the test). The calibrated trend, SPRi's 2016-2021 path
(-0.18 years a year): version 2's baseline does not follow it (its gap widens by about 0.03-0.1
years a year after the first; issue 11's gap path is not fitted under version 2), so a test
against it would pass or fail by how far the model's own trend happens to lie from SPRi's, not
by whether the start is consistent; it is measured and shown here, not asserted.
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
@pytest.mark.xfail(
    strict=True,
    reason=(
        "docs/model.md finding 38: under the level bound and the refitted defaults the gap "
        "is flat in the first year and then widens 0.17-0.27 years a year; measured "
        "2026-12-03 (seeds 0-5): first-year change 0.008-0.100 against years 2-5's "
        "0.175-0.273, off by 0.152-0.222 (0.15 allowed). The best domestic units' revenue "
        "falls a third in two quarters at unchanged capability and their efforts follow."
    ),
)
def test_the_gaps_first_year_moves_with_the_models_own_trend_in_every_seed():
    assert calibrated_trend() == pytest.approx(-0.18)  # 2.2 -> 1.3 years over five years
    for seed in range(6):
        gap = gap_path(seed, 20)
        first, later = gap[4] - gap[0], (gap[20] - gap[4]) / 4.0
        assert abs(first - later) <= 0.15, (seed, first, later)
