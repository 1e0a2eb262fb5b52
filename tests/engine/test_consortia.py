"""sim.engine.consortia: what a tournament's call is worth to firms before it, in USD m."""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sim
from sim.engine.choice import ALONE, FIRST_CANDIDATE, FOUND, STAY
from sim.engine.consortia import call_values, consortium_prize, expected_funding, member_share
from sim.engine.outlook import Reviser
from sim.engine.policy import ConsortiumCall
from sim.engine.state import CLOSED, NO_ALLIANCE, OPEN
from tests.scenarios.policies.helpers import FOREIGN, C, D, S, hand_alliances, hand_firms

PARAMS = sim.compose(["world=synthetic"]).model


def params(discount_rate, horizon):
    choice = replace(PARAMS.choice, discount_rate=discount_rate, horizon_quarters=horizon)
    return replace(PARAMS, choice=choice)


def call(step=0, **changes):
    """Announced at 0, applications at 1, funded in quarters 2-4 (2, 2 then 1 slots)."""
    base = ConsortiumCall(
        step=step,
        announced=0,
        application=1,
        quarters=np.array([2, 3, 4]),
        slots=np.array([2, 2, 1]),
        funding=10.0,
        cost=1.0,
        keep=5,
        min_members=2,
    )
    return replace(base, **changes)


def test_expected_funding_counts_equal_odds_in_each_funded_quarter():
    np.testing.assert_allclose(expected_funding(np.array([2, 2, 1]), 10.0, 4), [5, 5, 2.5])
    np.testing.assert_allclose(
        expected_funding(np.array([2, 1]), 10.0, [1, 2]), [[10, 10], [10, 5]]
    )


def test_prize_pinned_without_and_with_discounting():
    undiscounted = params(0.0, 12)
    assert consortium_prize(call(), 2, undiscounted) == pytest.approx(10 * 2.5 - 1)  # 24
    assert consortium_prize(call(), 4, undiscounted) == pytest.approx(10 * 1.25 - 1)  # 11.5
    # r = 10 %/yr, rho = 1.1^(-1/4) = 0.976454; a horizon of 4 quarters (tau 0..3) drops
    # quarter 4: 10 (rho^2 + rho^3) - rho = 17.8683 at two competitors
    assert consortium_prize(call(), 2, params(0.1, 4)) == pytest.approx(17.868296, abs=1e-5)
    assert consortium_prize(call(), 100, undiscounted) == pytest.approx(0.0)  # 0.5 - 1 < 0


@given(
    competitors=st.integers(1, 40),
    more=st.integers(1, 40),
    step=st.integers(-3, 5),
    rate=st.floats(0.0, 0.5),
    horizon=st.integers(1, 20),
)
def test_prize_falls_as_competitors_rise_and_is_zero_outside_the_window(
    competitors, more, step, rate, horizon
):
    p = params(rate, horizon)
    c = call(step=step)
    few = consortium_prize(c, competitors, p)
    many = consortium_prize(c, competitors + more, p)
    assert many <= few + 1e-12 and many >= 0.0
    if step != 0:  # the window is [announced, application) = [0, 1)
        assert few == 0.0


def test_member_share_pinned():
    # a founder with two domestic prospects, each joining with probability 1/2: one joins
    # (p 1/2, share 1/2) or both (p 1/4, share 1/3); none (p 1/4): no consortium
    assert member_share(1, 1, 2, 0.5, 2) == pytest.approx(0.5 * 0.5 + 0.25 / 3)
    assert member_share(1, 1, 0, 0.5, 2) == 0.0  # alone at the call: it cannot apply
    np.testing.assert_allclose(member_share([2, 3, 3], [2, 3, 2], 0, 0.5, 2), [1 / 2, 1 / 3, 1 / 2])


def call_world():
    """Alliance 0: domestic-led, 2 members (competes); 1: domestic-led, 1 member; 2: foreign-led.

    Rows 5 (domestic) and 6 (foreign) are alone; 7 and 8 are their domestic prospects.
    """
    firms = hand_firms(
        [
            (C, D, 0, 0.7, 100, 0, True),  # 0 leader of alliance 0
            (S, D, 1, 0.5, 5, 0, True),  # 1 member of alliance 0
            (S, D, 2, 0.5, 5, 1, True),  # 2 leader alone of alliance 1
            (C, FOREIGN, 0, 0.9, 900, 2, True),  # 3 leader of alliance 2
            (S, D, 3, 0.5, 5, 2, True),  # 4 domestic member of the foreign-led alliance
            (S, D, 4, 0.5, 5, NO_ALLIANCE, True),  # 5 domestic, alone
            (S, FOREIGN, 4, 0.5, 5, NO_ALLIANCE, True),  # 6 foreign, alone
            (S, D, 5, 0.5, 5, NO_ALLIANCE, True),  # 7
            (S, D, 6, 0.5, 5, NO_ALLIANCE, True),  # 8
        ]
    )
    return firms, hand_alliances([OPEN, CLOSED, OPEN], [0, 2, 3])


def reviser(rows, current, domestic):
    k = len(rows)
    zeros = np.zeros(k)
    return Reviser(
        rows=np.array(rows),
        current=np.array(current),
        domain=np.zeros(k, dtype=np.int64),
        markets=np.zeros((k, 2), dtype=np.int64),
        share=np.zeros((k, 2)),
        revenue=np.zeros((k, 2)),
        slope=zeros,
        absorption=zeros,
        effort=zeros,
        publishing=zeros,
        own_excess=zeros,
        domestic=np.array(domestic),
        room=zeros,
    )


def values_of(c, rows, current, domestic, recruits):
    firms, alliances = call_world()
    r = reviser(rows, current, domestic)
    k = len(rows)
    target = np.column_stack(
        [np.full(k, NO_ALLIANCE), r.current, np.full(k, NO_ALLIANCE), np.tile([0, 1, 2], (k, 1))]
    )
    is_leader = (target == r.current[:, None]) & (target >= 0)
    is_leader &= (
        np.array([alliances.leader[max(t, 0)] for t in target.ravel()]).reshape(target.shape)
        == r.rows[:, None]
    )
    return call_values(r, target, is_leader, recruits, firms, alliances, c, PARAMS)


def test_call_values_by_option_and_zero_for_foreign_firms():
    c = call(step=0, application=2)  # a recruit can still join a new alliance in quarter 1
    recruits = np.array([[7, 8, 5, 6, 3]] * 2)  # two domestic prospects besides oneself
    values = values_of(c, [5, 6], [NO_ALLIANCE, NO_ALLIANCE], [True, False], recruits)
    now, more = consortium_prize(c, 1, PARAMS), consortium_prize(c, 2, PARAMS)
    j = FIRST_CANDIDATE
    assert values[0, ALONE] == values[0, STAY] == 0.0
    assert values[0, j] == pytest.approx(now / 3)  # joins the consortium of two: 1 of 3
    assert values[0, j + 1] == pytest.approx(more / 2)  # makes the founder's a second one
    assert values[0, j + 2] == 0.0  # a foreign-led alliance does not compete
    assert values[0, FOUND] == pytest.approx(more * member_share(1, 1, 2, 0.5, 2))
    assert now > more > 0.0
    np.testing.assert_array_equal(values[1], 0.0)  # the lever pays domestic members only


def test_founding_counts_only_while_a_recruit_can_join_before_the_application():
    recruits = np.array([[7, 8, 5, 6, 3]] * 2)
    late = call(step=1, application=2)  # recruits of a new alliance would come too late
    values = values_of(late, [5, 2], [NO_ALLIANCE, 1], [True, True], recruits)
    assert values[0, FOUND] == 0.0
    # the leader still alone may be joined this quarter: staying counts its prospects
    more = consortium_prize(late, 2, PARAMS)
    assert more > 0.0  # (its prospects 7, 8 and 5 are domestic; 6 and 3 are not)
    assert values[1, STAY] == pytest.approx(more * member_share(1, 1, 3, 0.5, 2))
    outside = call(step=2, application=2)
    assert np.all(values_of(outside, [5, 2], [NO_ALLIANCE, 1], [True, True], recruits) == 0.0)
