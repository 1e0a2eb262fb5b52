"""Channel access: pinned values on a hand-built state, crowding and saturation as properties."""

import dataclasses
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.config.schema import ModelParams
from sim.config.vocabulary import REGIONS
from sim.engine.channel_access import (
    channel_income,
    channel_pool,
    coverage,
    customer_scale,
    leader_pool,
    leader_sales,
    partner_income,
    partner_sales,
    partners,
)
from sim.engine.state import AllianceState, FirmState

US = REGIONS.index("us")


def params(**choice: Any) -> ModelParams:
    p = ModelParams()
    return dataclasses.replace(p, choice=dataclasses.replace(p.choice, **choice))


P = params(channel_share=0.1, channel_base_per_revenue=10.0, channel_portfolio_half=10.0)
P_RHO = 0.15  # the default resale margin


def test_pinned_pool_and_share():
    # chi kappa S (1 - e^{-n/h}) = 0.1 x 10 x 10 x (1 - e^{-1})
    assert channel_pool(10.0, 10.0, P) == pytest.approx(10.0 * (1.0 - np.exp(-1.0)))
    assert partner_sales(10.0, 10.0, P) == pytest.approx(1.0 - np.exp(-1.0))
    mu = P.growth.margin
    assert partner_income(10.0, 10.0, P) == pytest.approx(mu * (1 - P_RHO) * (1 - np.exp(-1.0)))
    assert channel_pool(10.0, 0.0, P) == 0.0 and partner_sales(10.0, 0.0, P) == 0.0
    assert coverage(1e9, P) == pytest.approx(1.0)
    both = leader_pool(np.array([[10.0, 4.0]]), np.array([[10.0, 5.0]]), P)
    assert both[0] == pytest.approx(10.0 * (1.0 - np.exp(-1.0)) + 4.0 * (1.0 - np.exp(-0.5)))


@given(
    st.floats(0.01, 1e4),
    st.integers(1, 500),
    st.floats(0.5, 100.0),
)
def test_partners_crowd_each_other_while_the_pool_saturates(sales, n, half):
    p = params(channel_portfolio_half=half)
    one, more = partner_sales(sales, n, p), partner_sales(sales, n + 1, p)
    assert 0.0 < more < one  # each partner's share falls as partners crowd in
    pool, bigger = channel_pool(sales, n, p), channel_pool(sales, n + 1, p)
    top = p.choice.channel_share * p.choice.channel_base_per_revenue * sales
    assert pool <= bigger <= top  # the leader's pool rises, never past chi kappa S
    assert bigger > pool or n / half > 20  # strictly, until it saturates in floating point
    assert np.isfinite([one, more, pool, bigger]).all()


def hand_world(reseller=True):
    """Alliance 0 led by firm 0 (domestic; sales 10 at home, 4 abroad): partners 1, 2
    (domestic), 3 (us); firm 4 alone; alliance 1 founded by firm 5 alone (not formed)."""
    firms = FirmState()
    firms.append(
        kind=np.zeros(6, np.int8),
        region=np.array([0, 0, 0, US, 0, 0], np.int8),
        domain=np.zeros(6, np.int8),
        capability=np.full(6, 0.5),
    )
    alliances = AllianceState()
    alliances.append(
        np.array([0, 0]),
        np.array([0, 5]),
        founded=-1,
        names=["A", "B"],
        reseller=np.array([reseller, True]),
    )
    firms.alliance[:] = [0, 0, 0, 0, -1, 1]
    sales = np.ones((6, 2))
    sales[0] = [10.0, 4.0]
    return firms, alliances, sales


def test_income_by_geography_on_a_hand_built_state():
    firms, alliances, sales = hand_world()
    counts = partners(firms, alliances)
    assert counts[0].tolist() == [2.0, 1.0] and counts[1].tolist() == [0.0, 0.0]
    np.testing.assert_array_equal(leader_sales(sales, firms, alliances)[0], [10.0, 4.0])
    income = channel_income(firms, alliances, sales, P)
    mu = P.growth.margin
    home = 10.0 * (1.0 - np.exp(-0.2)) / 2.0  # two domestic partners share the domestic pool
    away = 4.0 * (1.0 - np.exp(-0.1))  # the partner from abroad sells in the rest of the world
    assert income[1] == pytest.approx(mu * (1 - P_RHO) * home) and income[2] == income[1]
    assert income[3] == pytest.approx(mu * (1 - P_RHO) * away)
    assert income[0] == pytest.approx(P_RHO * (2.0 * home + away))  # the leader's resale
    assert income[4] == 0.0 and income[5] == 0.0  # alone, and an alliance not formed


def test_partners_abroad_do_not_crowd_partners_at_home():
    firms, alliances, sales = hand_world()
    before = channel_income(firms, alliances, sales, P)
    firms.alliance[4] = 0  # a fourth partner, domestic: crowds the domestic partners only
    after = channel_income(firms, alliances, sales, P)
    assert after[1] < before[1] and after[3] == pytest.approx(before[3])


def test_an_alliance_without_a_resale_programme_has_no_channel():
    firms, alliances, sales = hand_world(reseller=False)
    assert not channel_income(firms, alliances, sales, P).any()
    assert not leader_sales(sales, firms, alliances)[0].any()


def test_a_customer_base_sets_the_leaders_own_contracts_per_sales():
    """``kappa_L / kappa = C_L / (kappa R_L0)`` where a base is given and the switch is on."""
    on = params(channel_base_per_revenue=10.0, channel_on_customer_base=True)
    scale = customer_scale([100.0, 0.0, 50.0], [2.0, 3.0, 0.0], on)
    np.testing.assert_allclose(scale, [5.0, 1.0, 1.0])  # 100 / (10 x 2); none given; no sales
    off = params(channel_base_per_revenue=10.0)
    np.testing.assert_array_equal(customer_scale([100.0, 0.0], [2.0, 3.0], off), [1.0, 1.0])


def test_a_leader_with_a_customer_base_resells_to_it():
    """At the start the pool is ``chi C_L coverage(n)``; later it grows with the leader's sales."""
    firms, alliances, sales = hand_world()
    on = params(channel_share=0.1, channel_base_per_revenue=10.0, channel_on_customer_base=True)
    firms.customer_base[0] = 300.0
    firms.channel_scale[:] = customer_scale(firms.customer_base, sales.sum(1), on)
    assert firms.channel_scale[0] == pytest.approx(300.0 / (10.0 * 14.0))
    assert (firms.channel_scale[1:] == 1.0).all()
    sold = leader_sales(sales, firms, alliances)
    pool = leader_pool(sold[:1], partners(firms, alliances)[:1], on)[0]
    reach = 10.0 / 14.0 * (1.0 - np.exp(-0.2)) + 4.0 / 14.0 * (1.0 - np.exp(-0.1))
    assert pool == pytest.approx(0.1 * 300.0 * reach)  # chi C_L, split by where it sells
    twice = leader_sales(2.0 * sales, firms, alliances)
    np.testing.assert_allclose(twice, 2.0 * sold)  # the base grows with the leader's sales


def test_a_new_firm_row_keeps_the_default_contracts_per_sales():
    firms, _, _ = hand_world()
    (row,) = firms.append(kind=np.zeros(1, np.int8))
    assert firms.channel_scale[row] == 1.0 and firms.customer_base[row] == 0.0
