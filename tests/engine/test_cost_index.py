"""Fixed membership amounts on a slow cost index, and distance in proportion to revenue.

``model.choice.cost_index_growth`` (g): every fixed membership amount is read at
``omega_t = (1 + g)^(t/4)`` and its flows valued as growing at g;
``model.choice.distance_cost_revenue`` (d1): a member of an alliance of another region pays
d1 of its revenue a quarter (finding 45's proposal, docs/model.md 6.5).
"""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.config.checks import ConfigError
from sim.engine import economy, fixed_amounts, valuation
from sim.engine.choice import FIRST_CANDIDATE, RevisionDraws
from sim.engine.policy import PolicyEffects
from sim.engine.rnd_game import horizon_multipliers


def switched(config, **choice):
    """``config`` with the given ``model.choice`` fields."""
    model = replace(config.model, choice=replace(config.model.choice, **choice))
    return replace(config, model=model)


@given(st.floats(0.0, 0.2), st.integers(0, 80))
@settings(max_examples=40, deadline=None)
def test_the_index_compounds_yearly_growth_by_quarter(g, step):
    p = switched(sim.compose([]), cost_index_growth=g).model
    omega = fixed_amounts.cost_index(p, step)
    assert omega == pytest.approx((1.0 + g) ** (step / 4.0), rel=1e-12)
    assert fixed_amounts.cost_index(p, 0) == 1.0
    assert omega >= 1.0


def test_the_index_reads_the_membership_amounts_and_nothing_else():
    base = sim.compose(["world=korea_2024"])
    model = sim.AllianceModel(switched(base, cost_index_growth=0.06))
    p = model.params
    effects = PolicyEffects.neutral(model.firms.n, model.alliances.m, 0.3)
    q = model._new_quarter(8, effects)
    for name in fixed_amounts.SCALED_CHOICE:  # two years at 6 % a year
        assert getattr(q.params.choice, name) == pytest.approx(getattr(p.choice, name) * 1.1236)
    assert q.params.choice.distance_cost == p.choice.distance_cost  # a multiplier, not USD m
    assert q.params.growth == p.growth  # entry, seed funding, startups' fixed costs: not these
    assert q.money_scale == 1.0
    assert model.params.choice.coord_cost_fixed == base.model.choice.coord_cost_fixed  # unaltered


def test_off_the_parameters_are_the_configured_ones_themselves():
    p = sim.compose([]).model
    assert p.choice.cost_index_growth == 0.0 and p.choice.distance_cost_revenue == 0.0
    assert fixed_amounts.at_markets(p, 3.0, 40) == (p, 1.0)
    assert fixed_amounts.at_markets(p, 3.0, 40)[0] is p
    assert fixed_amounts.cost_flow_ratio(p) == 1.0


@pytest.mark.parametrize("g", [0.03, 0.06, 0.2])
def test_a_growing_flow_is_worth_more_quarters_than_a_constant_one(g):
    """Pinned by hand: sum over the horizon of (rho (1 + g)^(1/4))^tau over sum of rho^tau."""
    p = switched(sim.compose([]), cost_index_growth=g).model
    rho = (1.0 + p.choice.discount_rate) ** -0.25
    tau = np.arange(p.choice.horizon_quarters)
    expected = ((rho * (1.0 + g) ** 0.25) ** tau).sum() / (rho**tau).sum()
    assert fixed_amounts.cost_flow_ratio(p) == pytest.approx(expected, rel=1e-12)
    assert 1.0 < expected < (1.0 + g) ** (p.choice.horizon_quarters / 4.0)
    m = horizon_multipliers(p.choice.discount_rate, 0.0, 0.0, 0.0, p.choice.horizon_quarters)
    assert float(m.level) == pytest.approx(float(m.money), rel=1e-15)  # g = 0: the same sum


def test_distance_in_proportion_to_revenue_is_paid_by_members_abroad_only():
    cost = fixed_amounts.distance_revenue_cost(
        [2.0, 2.0, 0.0],
        [True, False, True],
        sim.compose(["model.choice.distance_cost_revenue=0.1"]).model,
    )
    np.testing.assert_allclose(cost, [0.2, 0.0, 0.0])


@pytest.fixture(scope="module")
def korea_quarter_6():
    """korea_2024 after 6 quarters (Stargate and the AI Alliance abroad, K-AI at home)."""
    model = sim.AllianceModel(sim.compose(["world=korea_2024", "steps=7"]))
    for _ in range(6):
        model.step()
    return model


def test_members_abroad_pay_their_share_of_revenue(korea_quarter_6):
    model = korea_quarter_6
    firms, alliances = model.firms, model.alliances
    spend = np.full(firms.n, 0.1)
    p0 = model.params
    p1 = switched(model.cfg, distance_cost_revenue=0.05).model
    paid0 = economy.coordination_costs(firms, alliances, spend, p0)
    paid1 = economy.coordination_costs(firms, alliances, spend, p1)
    home = economy.home_region(firms, alliances)
    member = firms.alive & (firms.alliance >= 0)
    away = member & (firms.region != home[np.maximum(firms.alliance, 0)])
    extra = paid1 - paid0
    formed = paid0 > 0
    assert away.any() and (member & ~away).any()
    np.testing.assert_allclose(extra[away & formed], 0.05 * firms.revenue[away & formed])
    np.testing.assert_array_equal(extra[~away], 0.0)


def values(model, **choice):
    """Every alone domestic firm's value of each active alliance (as candidates), quarter 6."""
    firms, alliances = model.firms, model.alliances
    p = switched(model.cfg, **choice).model
    effects = PolicyEffects.neutral(firms.n, alliances.m, p.choice.baseline_clarity)
    q = model._new_quarter(model.steps, effects)
    q = replace(q, params=fixed_amounts.at_markets(p, 1.0, model.steps)[0])
    active = np.flatnonzero(alliances.active)
    rows = np.flatnonzero(firms.alive & (firms.alliance < 0) & (firms.region == 0))[:200]
    target = np.broadcast_to(active, (rows.size, active.size)).astype(np.int64)
    draws = RevisionDraws(rows, target, np.zeros((rows.size, FIRST_CANDIDATE + active.size)))
    view = valuation.prospects(firms, alliances, q, model.economy, draws, np.random.default_rng(0))
    v = valuation.deliberate_values(draws, firms, alliances, view, effects, q.params)
    home = economy.home_region(firms, alliances)[active]
    return v[:, FIRST_CANDIDATE:], home, view.outlook, rows


def test_a_joiner_weighs_distance_as_revenue_over_the_horizon(korea_quarter_6):
    """The value of joining falls by money x d1 x R x Lambda^lev / Lambda^0 (the revenue's
    multiplier) for an alliance abroad, and not at all at home."""
    v0, home, o, rows = values(korea_quarter_6)
    v1, _, _, _ = values(korea_quarter_6, distance_cost_revenue=0.02)
    m = o.multipliers
    revenue = o.revenue[rows].sum(-1)
    ok = np.isfinite(v0) & np.isfinite(v1)
    abroad = home != 0
    assert abroad.any() and (~abroad).any()
    np.testing.assert_allclose(v1[:, ~abroad][ok[:, ~abroad]], v0[:, ~abroad][ok[:, ~abroad]])
    drop = (np.where(ok, v0, 0.0) - np.where(ok, v1, 0.0))[:, abroad]
    assert (drop[ok[:, abroad]] > 0).all()
    # per firm the drop is the same for every alliance abroad and proportional to revenue
    level = drop / (0.02 * float(m.money[0]) * revenue[:, None])
    finite = ok[:, abroad]
    assert (
        np.nanmax(np.where(finite, level, np.nan)) < float(m.level.max()) / float(m.money[0]) + 1e-9
    )
    assert np.nanmin(np.where(finite, level, np.nan)) > 1.0  # a growing flow: more than Lambda^0


def test_an_indexed_cost_flow_weighs_more_than_its_quarter(korea_quarter_6):
    """With the index, joining any alliance costs more over the horizon than the same
    amounts held constant: the fixed parts count cost_flow_ratio times."""
    model = korea_quarter_6
    p = switched(model.cfg, cost_index_growth=0.06).model
    assert fixed_amounts.cost_flow_ratio(p) > 1.0
    v0, _, _, _ = values(model)
    v1, _, _, _ = values(model, cost_index_growth=0.06)
    ok = np.isfinite(v0) & np.isfinite(v1)
    assert (v1[ok] <= v0[ok] + 1e-9).all()
    assert (v1[ok] < v0[ok]).mean() > 0.9


def test_two_indexes_for_the_same_amounts_are_refused():
    with pytest.raises(ConfigError, match=r"cost_index_growth=0\.05.*scale_fixed_amounts"):
        sim.compose(
            ["model.growth.scale_fixed_amounts=true", "model.choice.cost_index_growth=0.05"]
        )
