"""sim.analysis.effects: paired effects, their intervals, and spending totals."""

import numpy as np
import pandas as pd
import pytest

from sim.analysis import effects, report
from sim.runs import store as results
from tests.analysis.conftest import SMALL, alliancesim


def test_effects_are_paired_by_seed():
    rows = [
        {"label": s, "seed": 0, "replicate": r, "step": 4, **dict.fromkeys(effects.KEY_OUTCOMES, v)}
        for s, shift in (("baseline", 0.0), ("other", 1.0))
        for r, v in enumerate(v + shift for v in (0.0, 5.0, 9.0))
    ]
    table = effects.paired_effects(pd.DataFrame(rows), "baseline")
    other = table[table["scenario"] == "other"]
    # replicates differ by up to 9, yet pairing by seed sees the constant shift exactly
    assert (other["effect_vs_baseline"] == 1.0).all()
    assert (other["ci90_high"] - other["ci90_low"] == 0).all() and other["distinguishable"].all()


def test_the_summary_says_the_quarters_run_or_their_range():
    rows = [
        {"label": s, "seed": 0, "replicate": r, "step": 4, **dict.fromkeys(effects.KEY_OUTCOMES, v)}
        for s in ("baseline", "other")
        for r, v in enumerate((0.0, 5.0, 9.0))
    ]
    table = effects.paired_effects(pd.DataFrame(rows), "baseline")
    assert "At least 3 seeds per scenario, 4 quarters." in effects.summary_markdown(table, 3, 4)
    mixed = effects.summary_markdown(table, 2, "8 to 16")  # a folder of two sweeps' horizons
    assert "At least 2 seeds per scenario, 8 to 16 quarters." in mixed


def test_interval_is_a_student_t_interval():
    mean, low, high = effects.interval(np.array([1.0, 2.0, 3.0, 4.0]))
    assert mean == 2.5 and low == pytest.approx(
        2.5 - 2.3534 * np.std([1, 2, 3, 4], ddof=1) / 2, rel=1e-4
    )
    assert high - mean == pytest.approx(mean - low)


@pytest.mark.slow  # 4-12 s: CI (make test-slow), to keep make test near 5 minutes
def test_spending_is_totalled_per_run_in_a_design(in_tmp):
    argv = ["sweep=discovery", "analysis.n=2", "scenario=baseline,open_data", "replicates=1"]
    small = [o for o in SMALL if not o.startswith("world.n_startups=")]  # the worlds draw it
    assert alliancesim([*argv, *small, "hydra.sweep.dir=d"]) == 0
    steps = effects.with_totals(report.assign_labels(results.load("d"), {"x"}))
    per_run = steps.groupby(["run", "replicate"])["government_spend"].sum() / 1000
    last = steps[steps["step"] == steps["step"].max()].set_index(["run", "replicate"])
    np.testing.assert_allclose(last["spend_total"].sort_index(), per_run.sort_index())
