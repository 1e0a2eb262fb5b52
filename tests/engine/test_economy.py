"""sim.engine.economy: markets, trade and the costs members pay (version 2)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sim
from sim.engine import economy
from sim.engine.state import NO_ALLIANCE
from tests.conftest import SMALL_SYNTHETIC


def test_members_of_formed_alliances_pay_coordination_and_others_do_not():
    model = sim.AllianceModel(sim.compose([*SMALL_SYNTHETIC, "model.economics=v2"]))
    f, a, p = model.firms, model.alliances, model.params
    spend = np.zeros(f.n)
    cc = economy.coordination_costs(f, a, spend, p)
    alone = f.alliance == NO_ALLIANCE
    assert np.all(cc[alone] == 0.0)
    members = ~alone & f.alive
    assert np.all(cc[members] >= p.choice.coord_cost_fixed)  # every multiplier is >= 1
    more = economy.coordination_costs(f, a, spend + 10.0, p)
    assert np.all(more[members] > cc[members])  # the R&D coordinated costs too
    lonely = a.append(np.array([0]), np.array([np.flatnonzero(alone)[0]]), 0)
    f.alliance[np.flatnonzero(alone)[0]] = lonely[0]
    again = economy.coordination_costs(f, a, spend, p)
    assert again[np.flatnonzero(alone)[0]] == 0.0  # a founder alone coordinates nobody


DEFAULTS = sim.compose([])


@given(
    st.floats(0.0, 50.0),
    st.floats(0.0, 1.0),
    st.integers(1, 500),
    st.floats(0.0, 1.0),
    st.floats(0.0, 1.0),
)
def test_distance_costs_a_multiple_and_a_fixed_amount(spend, depth, size, hetero, misfit):
    """Being from another region adds eta_d x (the cost before factors) plus d0 a quarter."""
    p = DEFAULTS.model
    c = p.choice
    home = economy.coordination_rule(spend, depth, size, hetero, misfit, False, p)
    away = economy.coordination_rule(spend, depth, size, hetero, misfit, True, p)
    base = c.coord_cost_fixed + c.coord_cost_share * depth * spend
    crowd = max(1.0, size / c.working_group_size) ** c.coord_size_elasticity
    extra = c.distance_cost * base * crowd + c.distance_cost_fixed
    assert float(away - home) == pytest.approx(extra, rel=1e-9, abs=1e-12)
    assert c.distance_cost_fixed > 0 and float(away) >= c.distance_cost_fixed


def test_pinned_coordination_cost_by_hand():
    p = DEFAULTS.model
    c = p.choice  # 0.02 + 0.05 x 0.5 x 4 = 0.12; crowd (40/10)^0.5 = 2; factor 1 + 0.5 + 0.2 + 1
    cost = economy.coordination_rule(4.0, 0.5, 40, 0.5, 0.2, True, p)
    factor = 1 + c.coord_heterogeneity * 0.5 + c.coord_regime_misfit * 0.2 + c.distance_cost
    expected = (c.coord_cost_fixed + c.coord_cost_share * 0.5 * 4.0) * 2.0 * factor
    assert float(cost) == pytest.approx(expected + c.distance_cost_fixed)
    assert (c.coord_cost_fixed, c.coord_cost_share, c.working_group_size) == (0.0422, 0.05, 10)


def test_a_mandate_pays_its_domestic_members_what_steers_their_choices():
    """member_value is paid to domestic members of the mandated alliance and counted as
    government spending (before, it steered choices and was never paid)."""
    from sim.engine.policy import PolicyEffects
    from sim.engine.state import FirmState

    firms = FirmState()
    firms.append(
        kind=np.zeros(5, np.int8),
        region=np.array([0, 0, 1, 0, 0], np.int8),
        domain=np.zeros(5, np.int8),
    )
    firms.alliance[:] = [0, 0, 0, 1, NO_ALLIANCE]
    firms.alive[1] = False
    effects = PolicyEffects.neutral(5, 3, 0.3)
    effects.mandate_value[0] = 0.5
    paid = economy.mandate_payments(firms, effects)
    assert paid.tolist() == [0.5, 0.0, 0.0, 0.0, 0.0]  # alive, domestic, in alliance 0 only


@pytest.mark.slow  # 3-11 s: CI (make test-slow), to keep make test near 5 minutes
def test_the_mega_alliance_scenario_spends_its_member_value_under_version_2():
    base = ["world=korea_2024", "model.economics=v2", "scenario=mega_alliance", "steps=6"]
    runs = {}
    for value in (0.0, 0.5):
        model = sim.AllianceModel(
            sim.compose([*base, f"scenario.mega_alliance.member_value={value}"])
        )
        model.run(5)  # the mandate starts in quarter 4
        runs[value] = model
    a = runs[0.5].government.policies[0].alliance
    spend = {
        v: m.datacollector.get_model_vars_dataframe()["government_spend"] for v, m in runs.items()
    }
    assert (spend[0.5].iloc[:5] == spend[0.0].iloc[:5]).all()  # nothing before the mandate
    members = runs[0.5].firms
    domestic = members.alive & (members.alliance == a) & (members.region == 0)
    assert spend[0.5].iloc[5] > spend[0.0].iloc[5]
    assert domestic.any()


def test_dues_are_a_share_of_each_members_revenue_and_the_leader_pays_none():
    """Review finding 18: dues by regime as a share of revenue, not a flat fee to the leader."""
    import dataclasses

    from sim.engine.state import CLOSED, OPEN, AllianceState, FirmState

    firms = FirmState()
    firms.append(
        kind=np.zeros(6, np.int8), region=np.zeros(6, np.int8), domain=np.zeros(6, np.int8)
    )
    alliances = AllianceState()
    alliances.append(np.array([CLOSED, OPEN]), np.array([0, 3]), founded=-1)
    firms.alliance[:] = [0, 0, 0, 1, 1, NO_ALLIANCE]
    firms.alive[2] = False
    revenue = np.array([50.0, 2.0, 3.0, 40.0, 4.0, 5.0])
    c = DEFAULTS.model.choice
    p = dataclasses.replace(
        DEFAULTS.model,
        choice=dataclasses.replace(c, dues_share_closed=0.01, dues_share_open=0.001),
    )
    dues = economy.dues_owed(firms, alliances, revenue, p)
    # leaders 0 and 3 pay none; firm 1 pays 1 % of 2, firm 4 0.1 % of 4; the dead and alone none
    np.testing.assert_allclose(dues, [0.0, 0.02, 0.0, 0.0, 0.004, 0.0])
