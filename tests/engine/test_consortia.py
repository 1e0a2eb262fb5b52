"""sim.engine.consortia: what a tournament's call is worth to firms before it, in USD m."""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import ndtr

import sim
from sim.engine.choice import ALONE, FIRST_CANDIDATE, FOUND, STAY
from sim.engine.consortia import (
    _standard_normal_nodes,
    call_values,
    consortium_prize,
    consortium_scores,
    member_value,
    rank_within,
    ranks,
    survival,
)
from sim.engine.outlook import Reviser
from sim.engine.policy import ConsortiumCall
from sim.engine.state import CLOSED, NO_ALLIANCE, OPEN
from tests.scenarios.policies.helpers import FOREIGN, C, D, S, hand_alliances, hand_firms

PARAMS = sim.compose(["world=synthetic"]).model


def params(discount_rate, horizon):
    choice = replace(PARAMS.choice, discount_rate=discount_rate, horizon_quarters=horizon)
    return replace(PARAMS, choice=choice)


UNDISCOUNTED = params(0.0, 12)


def call(step=0, **changes):
    """Announced at 0, applications at 1, funded in quarters 2-4 (ranks 1-2, 1-2, then 1)."""
    base = ConsortiumCall(
        step=step,
        announced=0,
        application=1,
        quarters=np.array([2, 3, 4]),
        places=np.array([2, 2, 1]),
        funding=10.0,
        cost=1.0,
        min_members=2,
        noise=0.0,
    )
    return replace(base, **changes)


def at_rank(c, rank):
    """The odds of a consortium ranked ``rank`` with no jury error: in while within the places."""
    return (np.asarray(rank)[..., None] <= c.places).astype(float)


def test_survival_without_noise_is_the_rank_within_the_places():
    places = np.array([2, 2, 1])
    rivals = np.array([0.9, 0.5, 0.7, -np.inf])
    np.testing.assert_array_equal(survival(0.95, rivals, -np.inf, places, 0.0), [1, 1, 1])
    np.testing.assert_array_equal(survival(0.8, rivals, -np.inf, places, 0.0), [1, 1, 0])
    np.testing.assert_array_equal(survival(0.7, rivals, -np.inf, places, 0.0), [0, 0, 0])  # tie
    # its own alliance (0.7) is not its rival: second
    np.testing.assert_array_equal(survival(0.6, rivals, 0.7, places, 0.0), [1, 1, 0])
    x = np.array([[0.95, 0.8], [0.6, 0.1]])
    np.testing.assert_array_equal(
        survival(x, rivals, -np.inf, places, 0.0), at_rank(call(), ranks(x, rivals, -np.inf))
    )


def test_survival_with_one_rival_is_the_normal_difference():
    # x + s Z1 > y + s Z2 with probability Phi((x - y) / (s sqrt 2)), ahead of it otherwise
    for x, y, s in [(0.8, 0.9, 0.05), (0.8, 0.7, 0.03), (0.5, 0.5, 0.1), (0.1, 0.9, 0.05)]:
        first = ndtr((x - y) / (s * np.sqrt(2)))
        odds = survival(x, np.array([y]), -np.inf, np.array([1, 2, 0]), s)
        np.testing.assert_allclose(odds, [first, 1.0, 0.0], atol=1e-12)


def test_survival_with_noise_matches_a_simulated_jury():
    rivals = np.array([0.9, 0.85, 0.8, 0.7, 0.6, 0.75])
    x, s, places = np.array([0.95, 0.78, 0.55]), 0.07, np.array([1, 2, 3, 5])
    odds = survival(x, rivals, -np.inf, places, s)
    rng = np.random.default_rng(12345)  # the test's own jury, not a run's
    draws = 400_000
    mine = x[:, None] + s * rng.standard_normal((3, draws))
    theirs = rivals[:, None] + s * rng.standard_normal((rivals.size, draws))
    rank = 1 + (theirs[None] > mine[:, None]).sum(1)  # (3, draws)
    simulated = (rank[..., None] <= places).mean(1)
    np.testing.assert_allclose(odds, simulated, atol=4e-3)  # 4 standard errors at most


def test_survival_with_noise_leaves_the_own_alliance_out():
    rivals, places = np.array([0.9, 0.7, 0.7]), np.array([1, 2])
    mine = survival(0.7, rivals, 0.7, places, 0.05)  # one of the 0.7s is itself
    np.testing.assert_allclose(mine, survival(0.7, np.array([0.9, 0.7]), -np.inf, places, 0.05))
    assert mine[0] > survival(0.7, rivals, -np.inf, places, 0.05)[0]


@given(
    means=st.lists(st.floats(0.05, 1.0), min_size=2, max_size=12),
    noise=st.floats(0.005, 0.3),
    keep=st.integers(1, 6),
)
def test_a_lower_ranked_consortium_has_positive_but_smaller_odds_under_noise(means, noise, keep):
    x = np.sort(np.array(means))[::-1]
    x = x + 1e-3 * np.arange(x.size)[::-1]  # strictly falling: rank i + 1
    places = np.array([keep])
    odds = survival(x, x, x, places, noise)[:, 0]
    assert np.all(np.diff(odds) <= 1e-12)  # a lower mean never has better odds
    assert np.all(odds <= 1.0)
    exact = survival(x, x, x, places, 0.0)[:, 0]
    np.testing.assert_array_equal(exact, np.arange(x.size) < keep)  # no noise: the top keep
    ahead = (x[:, None] - x[None, :]) / noise
    reachable = (ahead.max(0) < 5.0) & (np.arange(x.size) >= keep)  # within 5 noises of first
    assert np.all(odds[reachable] > 0.0)  # ranked out, yet the jury may put it in


def test_ranks_count_rivals_at_least_as_good_and_never_the_own_alliance():
    rivals = np.array([0.9, 0.5, 0.7, -np.inf])  # -inf: an alliance that cannot compete
    assert ranks(0.8, rivals, -np.inf) == 2
    assert ranks(0.7, rivals, -np.inf) == 3  # a tie counts against it
    assert ranks(0.95, rivals, -np.inf) == 1
    assert ranks(0.1, rivals, -np.inf) == 4
    # staying in (or joining) the alliance scoring 0.7 today: it is not its own rival
    np.testing.assert_array_equal(ranks(np.array([0.7, 0.6, 0.4]), rivals, 0.7), [2, 2, 3])
    assert ranks(0.8, rivals, 0.7) == 2  # it lies behind: excluding it changes nothing


def test_prize_pinned_without_and_with_discounting():
    c = call()
    assert consortium_prize(c, at_rank(c, 1), UNDISCOUNTED) == pytest.approx(10 * 3 - 1)  # 29
    assert consortium_prize(c, at_rank(c, 2), UNDISCOUNTED) == pytest.approx(10 * 2 - 1)  # 19
    assert consortium_prize(c, at_rank(c, 3), UNDISCOUNTED) == 0.0  # no place, never negative
    # r = 10 %/yr, rho = 1.1^(-1/4) = 0.976454; a horizon of 4 quarters (tau 0..3) drops
    # quarter 4: 10 (rho^2 + rho^3) - rho = 17.8683 at rank 1 or 2
    assert consortium_prize(c, at_rank(c, 1), params(0.1, 4)) == pytest.approx(17.868296, abs=1e-5)
    assert consortium_prize(c, at_rank(c, 2), params(0.1, 4)) == pytest.approx(17.868296, abs=1e-5)
    # odds: the expected funding of each quarter, 10 (0.5 + 0.5 + 0.25) - 1 undiscounted
    half = np.array([0.5, 0.5, 0.25])
    assert consortium_prize(c, half, UNDISCOUNTED) == pytest.approx(11.5)


@given(
    rank=st.integers(1, 40),
    worse=st.integers(1, 40),
    step=st.integers(-3, 5),
    rate=st.floats(0.0, 0.5),
    horizon=st.integers(1, 20),
)
def test_prize_falls_with_rank_is_zero_below_the_places_and_outside_the_window(
    rank, worse, step, rate, horizon
):
    p = params(rate, horizon)
    c = call(step=step)
    better = consortium_prize(c, at_rank(c, rank), p)
    lower = consortium_prize(c, at_rank(c, rank + worse), p)
    assert 0.0 <= lower <= better + 1e-12
    if rank + worse > c.places.max():
        assert lower == 0.0
    if step != 0:  # the window is [announced, application) = [0, 1)
        assert better == 0.0


def test_member_value_pinned():
    c = call()
    rivals = np.array([0.9, 0.6])
    prize = [float(consortium_prize(c, at_rank(c, r), UNDISCOUNTED)) for r in (1, 2, 3)]
    assert prize == pytest.approx([29.0, 19.0, 0.0])
    # a founder of capability 0.8 with two domestic prospects of mean 0.9, each joining
    # with probability 1/2: one joins (p 1/2, score 0.85, rank 2, half of 19) or both (p 1/4,
    # score 0.8667, rank 2, a third of 19); none (p 1/4): no consortium
    strong = member_value(c, UNDISCOUNTED, (1, 1, 0.8), (2, 0.9), rivals, -np.inf)
    assert strong == pytest.approx(0.5 * 19 / 2 + 0.25 * 19 / 3)
    # prospects of mean 0.3 drag its score to 0.55 or 0.467: third, below the places
    assert member_value(c, UNDISCOUNTED, (1, 1, 0.8), (2, 0.3), rivals, -np.inf) == 0.0
    assert member_value(c, UNDISCOUNTED, (1, 1, 0.8), (0, 0.9), rivals, -np.inf) == 0.0  # alone
    # members of consortia of 2 and 3 (their domestic members 2 and 2): ranks 1 and 2
    values = member_value(
        c, UNDISCOUNTED, (np.array([2, 3]), 2, np.array([1.9, 2.4])), (0, 0.0), rivals, -np.inf
    )
    np.testing.assert_allclose(values, [29 / 2, 19 / 2])


def test_member_value_under_the_jury_error_is_its_odds_share():
    c = call(noise=0.05)
    rivals = np.array([0.9, 0.6])
    # prospects of mean 0.3: ranked third (below the places) without noise, worth nothing;
    # with the jury's error, as much as its odds at each score, and less than a strong one's
    weak = member_value(c, UNDISCOUNTED, (1, 1, 0.8), (2, 0.3), rivals, -np.inf)
    strong = member_value(c, UNDISCOUNTED, (1, 1, 0.8), (2, 0.9), rivals, -np.inf)
    assert 0.0 < weak < strong
    odds = survival(np.array([0.55, 1.4 / 3]), rivals, -np.inf, c.places, 0.05)
    prize = consortium_prize(c, odds, UNDISCOUNTED)
    assert weak == pytest.approx(0.5 * prize[0] / 2 + 0.25 * prize[1] / 3)


def test_consortium_scores_are_members_mean_capability_where_an_alliance_competes():
    firms, alliances = call_world()
    np.testing.assert_allclose(consortium_scores(firms, alliances, 2), [0.6, -np.inf, -np.inf])
    np.testing.assert_allclose(consortium_scores(firms, alliances, 1), [0.6, 0.5, -np.inf])


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
        capability=zeros,
    )


def values_of(c, rows, current, domestic, recruits, capability=None):
    firms, alliances = call_world()
    for row, cap in (capability or {}).items():
        firms.capability[row] = cap
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
    # would-be consortia it sees: alliance 0 (score 0.6) and the one-member alliance 1 (0.5)
    first, second = (consortium_prize(c, at_rank(c, r), PARAMS) for r in (1, 2))
    assert first > second > 0.0 and consortium_prize(c, at_rank(c, 3), PARAMS) == 0.0
    j = FIRST_CANDIDATE
    assert values[0, ALONE] == values[0, STAY] == 0.0
    assert values[0, j] == pytest.approx(first / 3)  # alliance 0 at 0.567 still leads
    assert values[0, j + 1] == pytest.approx(second / 2)  # 0.5: behind 0.6, its own 0.5 not a rival
    assert values[0, j + 2] == 0.0  # a foreign-led alliance does not compete
    # a founder of 0.5 with recruits of 0.5 scores 0.5: third of two places
    assert values[0, FOUND] == 0.0
    np.testing.assert_array_equal(values[1], 0.0)  # the lever pays domestic members only


def test_a_strong_founder_expects_the_prize_and_a_weak_one_nothing():
    c = call(step=0, application=2)
    recruits = np.array([[7, 8, 6, 3, 3], [7, 6, 3, 3, 3]])  # 5: prospects 7, 8; 8: only 7
    strong, weak = values_of(
        c, [5, 8], [NO_ALLIANCE, NO_ALLIANCE], [True, True], recruits, {5: 0.95, 8: 0.2}
    )[:, FOUND]
    first, second = (consortium_prize(c, at_rank(c, r), PARAMS) for r in (1, 2))
    # 5 with one recruit (p 1/2) scores (0.95 + 0.35) / 2 = 0.65, first; with both (p 1/4)
    # (0.95 + 0.7) / 3 = 0.55, behind alliance 0's 0.6: second
    assert strong == pytest.approx(0.5 * first / 2 + 0.25 * second / 3)
    # 8 (0.2) with 7 (0.5) scores 0.35, behind 0.6 and 0.5: below the two places
    assert weak == 0.0


def test_founding_counts_only_while_a_recruit_can_join_before_the_application():
    recruits = np.array([[7, 8, 5, 6, 3]] * 2)
    late = call(step=1, application=2)  # recruits of a new alliance would come too late
    values = values_of(late, [5, 2], [NO_ALLIANCE, 1], [True, True], recruits)
    assert values[0, FOUND] == 0.0
    # the leader still alone may be joined this quarter: staying counts its prospects 7, 8
    # and 5 (domestic; 6 and 3 are not), X ~ Binomial(3, 1/2); its score stays 0.5, second
    # behind alliance 0 (it is not its own rival): E[1[X >= 1] / (1 + X)] = 11/32
    second = consortium_prize(late, at_rank(late, 2), PARAMS)
    assert second > 0.0
    assert values[1, STAY] == pytest.approx(second * 11 / 32)
    outside = call(step=2, application=2)
    assert np.all(values_of(outside, [5, 2], [NO_ALLIANCE, 1], [True, True], recruits) == 0.0)


def rank_within_directly(x, own, y, top, noise):
    """The (x, z, n) recursion ``rank_within`` replaced (speed pass of 2026-12-03), as written
    before it: the in-place version must give its numbers bit for bit."""
    z, w = _standard_normal_nodes()
    ahead = np.zeros((x.size, z.size, top))
    ahead[..., 0] = 1.0
    for j, yj in enumerate(y):
        pj = np.where(own[:, None] == j, 0.0, ndtr((yj - x[:, None]) / noise - z))[..., None]
        ahead[..., 1:] = ahead[..., 1:] * (1.0 - pj) + ahead[..., :-1] * pj
        ahead[..., 0] *= 1.0 - pj[..., 0]
    return np.einsum("ugn,g->un", np.cumsum(ahead, axis=-1), w)


def test_rank_within_is_the_direct_recursion_bit_for_bit():
    rng = np.random.default_rng(3)
    for top in (1, 2, 5, 9):
        y = np.sort(rng.uniform(0.2, 0.9, 12))
        x = rng.uniform(0.2, 0.9, 30)
        own = rng.integers(-1, y.size, x.size)
        got, want = rank_within(x, own, y, top, 0.05), rank_within_directly(x, own, y, top, 0.05)
        np.testing.assert_array_equal(got.view(np.uint8), want.view(np.uint8))


def test_member_value_skips_unused_values_and_keeps_the_used_ones_bit_for_bit():
    rng = np.random.default_rng(4)
    c = call(noise=0.05)
    n = rng.integers(0, 4, (20, 5))
    d = np.minimum(n, 2)
    s = n * rng.uniform(0.2, 0.9, (20, 5))
    count = rng.integers(0, 4, (20, 5))
    mean = rng.uniform(0.2, 0.9, (20, 1))
    rivals = rng.uniform(0.2, 0.9, 8)
    used = rng.random((20, 5)) < 0.5
    full = member_value(c, UNDISCOUNTED, (n, d, s), (count, mean), rivals, -np.inf)
    part = member_value(c, UNDISCOUNTED, (n, d, s), (count, mean), rivals, -np.inf, used)
    np.testing.assert_array_equal(part[used].view(np.uint8), full[used].view(np.uint8))
    assert np.all(part[~used] == 0.0) and full[~used].max() > 0.0


def test_survival_of_a_subset_is_the_subset_of_survival():
    rng = np.random.default_rng(5)
    rivals = rng.uniform(0.2, 0.9, 15)
    x = rng.uniform(0.2, 0.9, 40)
    places = np.array([5, 4, 2])
    whole = survival(x, rivals, -np.inf, places, 0.045)
    some = survival(x[::3], rivals, -np.inf, places, 0.045)
    np.testing.assert_array_equal(some.view(np.uint8), whole[::3].view(np.uint8))
