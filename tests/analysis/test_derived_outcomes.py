"""Derived outcomes: one rule per registry row, the same in the report and in EMA."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis.effects import with_totals
from sim.engine.outcomes import COLUMNS, OUTCOMES
from sim.runs.ema import outcome_values


def hand_made() -> pd.DataFrame:
    """Two runs, one of two replicates, steps 0-3, rows shuffled; gaps chosen by hand."""
    gaps: dict[tuple[str, int], list[float]] = {
        ("a", 0): [9.0, 1.0, 0.5, 0.0],
        ("a", 1): [9.0, 2.0, 2.0, 5.0],
        ("b", 0): [0.0, 0.0, 0.0, 3.0],
    }
    rows = [
        {"run": run, "replicate": rep, "step": t, "tech_gap_years": g, "government_spend": 10 * t}
        for (run, rep), values in gaps.items()
        for t, g in enumerate(values)
    ]
    return pd.DataFrame(rows).sample(frac=1.0, random_state=0)


def test_the_mean_gap_is_the_running_mean_over_quarters_one_to_t():
    frame = with_totals(hand_made())
    got = frame.set_index(["run", "replicate", "step"]).sort_index()["tech_gap_years_mean"]
    # step 0 (the start, no quarter yet) keeps its own value; from step 1 on, quarters 1..t
    assert got.loc[("a", 0)].tolist() == pytest.approx([9.0, 1.0, 0.75, 0.5])
    assert got.loc[("a", 1)].tolist() == pytest.approx([9.0, 2.0, 2.0, 3.0])
    assert got.loc[("b", 0)].tolist() == pytest.approx([0.0, 0.0, 0.0, 1.0])
    assert list(frame.index) == list(hand_made().index)  # rows keep their order


def random_steps(seed: int = 3) -> pd.DataFrame:
    """Recorded quarters of 3 runs x 2 replicates, every measured column, rows shuffled."""
    rng = np.random.default_rng(seed)
    keys = [(r, rep, t) for r in range(3) for rep in range(2) for t in range(6)]
    frame = pd.DataFrame(keys, columns=["run", "replicate", "step"])
    for column in COLUMNS:
        frame[column] = rng.uniform(0.0, 900.0, len(frame))
    return frame.sample(frac=1.0, random_state=1)


def test_spend_total_is_what_it_was():
    frame = random_steps()
    # the rule of sim.analysis.effects.with_totals before derived outcomes named their rule
    order = frame.sort_values(["run", "replicate", "step"], kind="stable")
    before = order.groupby(["run", "replicate"])["government_spend"].cumsum() / 1000.0
    after = with_totals(frame)["spend_total"]
    assert after.equals(before.reindex(frame.index).rename("spend_total"))


def test_ema_and_the_report_derive_the_same_numbers():
    frame = random_steps()
    one_run = frame[frame["run"] == 1]
    report = with_totals(one_run)
    for quarter in (0, 2, 5):
        ema = outcome_values(one_run.drop(columns="run"), quarter)
        at = report[report["step"] == quarter].set_index("replicate").loc[ema.index]
        assert list(ema.columns) == [o.name for o in OUTCOMES]
        for o in OUTCOMES:
            assert ema[o.name].equals(at[o.name]), (o.name, quarter)
        # EMA's spend_total as it summed before: its source over steps 0..quarter, in USD bn
        rows = one_run[one_run["step"] <= quarter].sort_values(["replicate", "step"])
        total = rows.groupby("replicate")["government_spend"].cumsum() / 1000.0
        assert ema["spend_total"].equals(total.groupby(rows["replicate"]).last().loc[ema.index])
