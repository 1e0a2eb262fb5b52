"""The registry of outcomes: every row measured, labelled and used where it says."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

import sim
from sim.analysis import effects, figures
from sim.analysis.design_report import SENSITIVITY_OUTCOMES
from sim.engine import outcomes
from sim.engine.outcomes import BY_NAME, COLUMNS, OUTCOMES


def test_names_are_unique_and_every_row_is_described():
    names = [o.name for o in OUTCOMES]
    assert len(names) == len(set(names)) == len(BY_NAME)
    for o in OUTCOMES:
        assert o.label and o.unit, o.name
        assert o.better in ("lower", "higher", ""), o.name
        # an outcome is either measured each quarter or derived from a measured column
        assert (o.measure is None) == (o.derived_from is not None), o.name
        if o.derived_from is not None:
            assert o.derived_from in COLUMNS, o.name


def test_report_roles_are_consistent():
    ranks = [o.headline for o in OUTCOMES if o.headline is not None]
    assert sorted(ranks) == list(range(1, len(ranks) + 1))  # 1..k, no gaps or ties
    for o in OUTCOMES:
        if o.over_time or o.sensitivity:
            assert o.headline is not None, f"{o.name}: only headline outcomes are drawn/analysed"


def test_the_model_records_exactly_the_measured_outcomes(small_cfg):
    model = sim.AllianceModel(dataclasses.replace(small_cfg, steps=2)).run()
    frame = model.datacollector.get_model_vars_dataframe()
    assert list(frame.columns) == ["step", *COLUMNS]
    assert set(model.outcomes) == set(COLUMNS)
    assert np.isfinite(frame[list(COLUMNS)].to_numpy(dtype=float)).all()


def test_readers_take_their_lists_from_the_registry():
    assert effects.KEY_OUTCOMES == tuple(o.name for o in outcomes.headline())
    assert figures.OVER_TIME == tuple(o.name for o in outcomes.over_time())
    assert SENSITIVITY_OUTCOMES == tuple(o.name for o in outcomes.for_sensitivity())
    assert len(figures.OVER_TIME) == 8  # the report's 2 x 4 panel of outcomes over time


def test_every_derived_outcome_is_derived_by_the_analysis():
    steps = pd.DataFrame(
        {
            "run": ["a"] * 3,
            "replicate": [0] * 3,
            "step": [0, 1, 2],
            "government_spend": [0, 500.0, 1500.0],
        }
    )
    derived = effects.with_totals(steps)
    for o in OUTCOMES:
        if o.derived_from is not None:
            assert o.name in derived.columns, o.name
    assert derived["spend_total"].tolist() == pytest.approx([0.0, 0.5, 2.0])  # USD bn


def test_verdicts_read_direction_and_unit_from_the_registry():
    row = pd.Series(
        {
            "outcome": "tech_gap_years",
            "effect_vs_baseline": -0.5,
            "ci90_low": -0.7,
            "ci90_high": -0.3,
            "pairs": 8,
            "distinguishable": True,
            "against": "baseline",
        }
    )
    text = effects.verdict(row)
    assert text.startswith(BY_NAME["tech_gap_years"].label)
    assert "lower by 0.5 years (better)" in text


def test_the_docs_table_is_the_registry():
    from pathlib import Path

    docs = Path(__file__).resolve().parents[2] / "docs" / "outcomes.md"
    assert outcomes.markdown_table() in docs.read_text(encoding="utf-8")
