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
    AWAY,
    HOME,
    channel_income,
    channel_pool,
    coverage,
    leader_pool,
    partner_sales,
    partners,
)
from sim.engine.state import AllianceState, FirmState

US = REGIONS.index("us")


def params(**choice: Any) -> ModelParams:
    p = ModelParams()
    return dataclasses.replace(p, choice=dataclasses.replace(p.choice, **choice))


P = params(
    channel_share=0.1, channel_base_per_revenue=10.0, channel_portfolio_half=10.0,
    channel_foreign_reach=0.02, channel_resale_margin=0.15,
)  # fmt: skip


def test_pinned_pool_and_share():
    # chi kappa S (1 - e^{-n/h}) = 0.1 x 10 x 10 x (1 - e^{-1})
    assert channel_pool(10.0, 10.0, P) == pytest.approx(10.0 * (1.0 - np.exp(-1.0)))
    assert partner_sales(10.0, 10.0, P) == pytest.approx(1.0 - np.exp(-1.0))
    assert channel_pool(10.0, 0.0, P) == 0.0 and partner_sales(10.0, 0.0, P) == 0.0
    assert coverage(1e9, P) == pytest.approx(1.0)
    both = leader_pool(np.array([10.0]), np.array([[10.0, 5.0]]), P)
    away = 0.1 * 10.0 * 10.0 * 0.02 * (1.0 - np.exp(-0.5))
    assert both[0] == pytest.approx(10.0 * (1.0 - np.exp(-1.0)) + away)


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


def hand_world():
    """Alliance 0 led by firm 0 (domestic, sales 10): partners 1, 2 (domestic), 3 (us);
    firm 4 alone; alliance 1 founded by firm 5 alone (not formed)."""
    firms = FirmState()
    firms.append(
        kind=np.zeros(6, np.int8),
        region=np.array([0, 0, 0, US, 0, 0], np.int8),
        domain=np.zeros(6, np.int8),
        capability=np.full(6, 0.5),
        revenue=np.array([10.0, 1.0, 1.0, 1.0, 1.0, 1.0]),
    )
    alliances = AllianceState()
    alliances.append(np.array([0, 0]), np.array([0, 5]), founded=-1, names=["A", "B"])
    firms.alliance[:] = [0, 0, 0, 0, -1, 1]
    return firms, alliances


def test_income_by_group_on_a_hand_built_state():
    firms, alliances = hand_world()
    counts = partners(firms, alliances)
    assert counts[0].tolist() == [2.0, 1.0] and counts[1].tolist() == [0.0, 0.0]
    income = channel_income(firms, alliances, firms.revenue, P)
    mu = P.growth.margin
    home = 10.0 * (1.0 - np.exp(-0.2)) / 2.0  # two home partners share the home pool
    away = 10.0 * 0.02 * (1.0 - np.exp(-0.1))  # the one partner from abroad has its own
    assert income[1] == pytest.approx(mu * home) and income[2] == pytest.approx(mu * home)
    assert income[3] == pytest.approx(mu * away)
    assert income[0] == pytest.approx(0.15 * (2.0 * home + away))  # the leader's resale
    assert income[4] == 0.0 and income[5] == 0.0  # alone, and an alliance not formed


def test_partners_abroad_do_not_crowd_partners_at_home():
    firms, alliances = hand_world()
    before = channel_income(firms, alliances, firms.revenue, P)
    firms.alliance[4] = 0  # a fourth partner, domestic: crowds the domestic partners only
    after = channel_income(firms, alliances, firms.revenue, P)
    assert after[1] < before[1] and after[3] == pytest.approx(before[3])
    assert HOME == 0 and AWAY == 1
