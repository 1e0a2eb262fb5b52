"""sim.engine.outcomes: the registry of outcomes, and what the measures see on hand-built worlds."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

import sim
from sim.analysis import effects, figures
from sim.analysis.design_report import SENSITIVITY_OUTCOMES
from sim.config.vocabulary import DOMAINS
from sim.engine import outcomes
from sim.engine.outcomes import BY_NAME, COLUMNS, OUTCOMES, collusion_risk, domain_collusion_risk
from sim.engine.state import CONGLOMERATE, NO_ALLIANCE, FirmState, presence_mask
from tests.conftest import SMALL_SYNTHETIC


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
            "tech_gap_years": [1.0, 0.5, 0.0],
        }
    )
    derived = effects.with_totals(steps)
    for o in OUTCOMES:
        if o.derived_from is not None:
            assert o.name in derived.columns, o.name
    assert derived["spend_total"].tolist() == pytest.approx([0.0, 0.5, 2.0])  # USD bn
    with pytest.raises(KeyError, match="tech_gap_years"):
        effects.with_totals(steps.drop(columns="tech_gap_years"))


def test_the_new_gap_outcomes_are_registered_right_after_the_gap():
    mean, lead = BY_NAME["tech_gap_years_mean"], BY_NAME["tech_lead_years"]
    assert mean.derived == outcomes.Derived("tech_gap_years", "mean")
    assert mean.measure is None and mean.name not in COLUMNS  # computed after the run
    assert lead.measure is not None and lead.name in COLUMNS and lead.derived is None
    assert (mean.better, lead.better, mean.unit, lead.unit) == ("lower", "higher", "years", "years")
    names = [o.name for o in outcomes.headline()]
    assert names[:2] == ["tech_gap_years", "tech_gap_years_mean"]
    assert lead.headline is None  # until the frontier is held by a firm (finding 39 item 2)
    assert BY_NAME["spend_total"].derived == outcomes.Derived("government_spend", "total", 1000.0)


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
    assert "lower by 0.50 years (better)" in text


def test_the_per_run_spend_ratio_is_named_for_what_it_is():
    # a run's own gap change over its own spending: not a policy's cost-effectiveness
    assert "gap_reduction_per_spend" not in BY_NAME and "gap_reduction_per_spend" not in COLUMNS
    ratio = BY_NAME["gap_change_per_own_spend"]
    assert "gap_change_per_own_spend" in COLUMNS and "not against a baseline" in ratio.label
    assert ratio.better == "" and ratio.headline is None  # no verdict reads it as a policy's


def test_former_names_point_to_current_columns():
    assert outcomes.FORMER_NAMES["gap_reduction_per_spend"] == "gap_change_per_own_spend"
    for former, name in outcomes.FORMER_NAMES.items():
        assert former not in BY_NAME and name in BY_NAME, former


def test_the_docs_table_is_the_registry():
    from pathlib import Path

    docs = Path(__file__).resolve().parents[2] / "docs" / "outcomes.md"
    assert outcomes.markdown_table() in docs.read_text(encoding="utf-8")


# --- measures on hand-built worlds: what each one sees ------------------------------


def world(domains, revenues, alliances):
    firms = FirmState()
    domain = np.array(domains)
    firms.append(
        kind=np.full(len(domains), CONGLOMERATE),
        region=np.zeros(len(domains), dtype=np.int8),
        domain=domain,
        presence=presence_mask(domain),
        capital=np.ones(len(domains)),
        openness=np.full(len(domains), 0.5),
        capability=np.full(len(domains), 0.5),
        alliance=np.array(alliances),
        alive=np.ones(len(domains), dtype=bool),
        revenue=np.array(revenues, dtype=float),
    )
    return firms


def test_an_alliance_dominating_one_small_domain_is_seen_by_domain_only():
    # domain 1 is small (revenue 10 of 110); alliance 0 holds 8 of it: 80 % of that domain
    firms = world([0, 0, 1, 1], [50, 50, 8, 2], [NO_ALLIANCE, NO_ALLIANCE, 0, NO_ALLIANCE])
    pooled = np.array([8 / 110])
    assert collusion_risk(pooled, 0.3) == 0.0
    assert domain_collusion_risk(firms, 1, 0.3) == pytest.approx(8 / 110)


def test_domain_risk_is_zero_below_the_threshold_and_counts_each_domain():
    firms = world([0, 0, 1, 1], [30, 70, 6, 4], [0, NO_ALLIANCE, 1, NO_ALLIANCE])
    assert domain_collusion_risk(firms, 2, 0.65) == 0.0  # 30 % and 60 % are below 65 %
    assert domain_collusion_risk(firms, 2, 0.5) == pytest.approx(6 / 110)
    assert domain_collusion_risk(firms, 2, 0.25) == pytest.approx(36 / 110)


def test_shares_summing_past_one_by_rounding_stay_shares():
    # found by hypothesis in test_model: alliances' shares summed to 1.0000000000000002
    shares = np.array([0.6, 0.4000000000000002])
    assert outcomes.collusion_risk(shares, 0.1) == 1.0
    assert outcomes.hhi(np.array([1.0000000000000002])) == 1.0


def test_domestic_rnd_is_part_of_total_rnd_and_the_average_firm_trails_the_best(small_cfg):
    """Finding 35: domestic R&D is the domestic rows' part; kbar_d <= k*_d in every domain."""
    model = sim.AllianceModel(dataclasses.replace(small_cfg, steps=4)).run()
    frame = model.datacollector.get_model_vars_dataframe().iloc[1:]
    assert (frame["domestic_rnd"] > 0).all()  # not vacuous: domestic firms do R&D
    assert (frame["domestic_rnd"] <= frame["total_rnd"] + 1e-9).all()
    assert (frame["tech_gap_years_revenue_weighted"] >= frame["tech_gap_years"] - 1e-12).all()


def test_the_revenue_weighted_gap_on_a_hand_built_domain():
    """Two domestic firms of one domain at 0.5 and 0.9 of its frontier, revenues 3 and 1."""
    from sim.config.schema import ModelParams
    from sim.engine.measures import QuarterEnd, StepFlows

    firms = world([0, 0], [3.0, 1.0], [NO_ALLIANCE, NO_ALLIANCE])
    firms.capability[:] = [0.5, 0.9]

    class Economy:
        trend = np.full(7, 0.1)

    p = ModelParams()
    end = QuarterEnd(firms, None, 1.0, StepFlows(), 0.0, 0.0, p, Economy())  # type: ignore[arg-type]
    w = end.domain_weights
    kbar = (3 * 0.5 + 1 * 0.9) / 4  # 0.6
    expected = w[0] * (1 - kbar) / 0.1 + w[1:].sum() * 1.0 / 0.1  # other domains: no sales
    assert end.revenue_weighted_gap == pytest.approx(expected)
    assert end.gap == pytest.approx(w[0] * (1 - 0.9) / 0.1 + w[1:].sum() / 0.1)


def test_each_domains_frontier_is_the_economys_and_grows_from_one():
    """``frontier_<domain>``: version 2's frontier level of each domain, 1 at the start."""
    model = sim.AllianceModel(sim.compose([*SMALL_SYNTHETIC, "steps=3"])).run()
    frame = model.datacollector.get_model_vars_dataframe()
    columns = [f"frontier_{d}" for d in DOMAINS]
    np.testing.assert_array_equal(frame[columns].iloc[0], 1.0)
    assert model.economy is not None
    np.testing.assert_array_equal(frame[columns].iloc[-1], model.economy.frontier)
    assert (frame[columns].iloc[-1] > 1.0).all()  # every frontier grew in three quarters
