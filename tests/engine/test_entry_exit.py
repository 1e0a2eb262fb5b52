"""Entry and exit (docs/model.md 6.9): pinned values, properties, reproducible draws."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.config.vocabulary import N_DOMAINS
from sim.engine import demand, entry_exit
from sim.engine.markets import DOMESTIC_MARKET, N_MARKETS, REST_OF_WORLD, market_id

FAST = settings(max_examples=60, deadline=None)
ANY = st.floats(-1e308, 1e308, allow_nan=False, allow_infinity=False)
MONEY = st.floats(-1e6, 1e6)
WEIGHTS = np.array([0.20, 0.20, 0.20, 0.05, 0.25, 0.05, 0.05])  # world.domain_weights


def logistic(z):
    return 1.0 / (1.0 + math.exp(-z))


# --- entrant share --------------------------------------------------------------------


def test_entrant_share_pinned():
    s = entry_exit.entrant_share([0.0, math.log(2.0), 0.0], [1.0, 1.0, 3.0], [1.0, 1.0, 0.0])
    np.testing.assert_allclose(s, [1 / 3, 2 / 4, 1 / 4], rtol=1e-14)


@given(v=ANY)
def test_entrant_alone_without_outside_good_takes_the_whole_market(v):
    assert entry_exit.entrant_share(v, 0.0, 0.0) == 1.0


@FAST
@given(
    values=arrays(np.float64, st.integers(0, 12), elements=st.floats(-5.0, 5.0)),
    seed=st.integers(0, 2**32 - 1),
    v_e=st.floats(-5.0, 5.0),
)
def test_entrant_share_equals_demand_shares_with_the_entrant_appended(values, seed, v_e):
    rng = np.random.default_rng(seed)
    market = rng.integers(0, N_MARKETS, values.size)
    outside = rng.uniform(0.0, 3.0, N_MARKETS)
    m = int(rng.integers(0, N_MARKETS))
    if values[market == m].size == 0 and rng.random() < 0.5:
        outside[m] = 0.0  # an empty market with no outside good as well
    E = np.bincount(market, weights=np.exp(values), minlength=N_MARKETS)
    expected = demand.shares(np.append(values, v_e), np.append(market, m), N_MARKETS, outside)
    np.testing.assert_allclose(entry_exit.entrant_share(v_e, E[m], outside[m]), expected[-1])
    every = entry_exit.entrant_share(np.full(N_MARKETS, v_e), E, outside)  # over markets
    np.testing.assert_allclose(every[m], expected[-1])


@given(v=ANY, total=st.floats(0.0, 1e308), outside=st.floats(0.0, 1e308))
def test_entrant_share_is_a_share_for_extreme_inputs(v, total, outside):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = entry_exit.entrant_share(v, total, outside)
    assert 0.0 <= s <= 1.0


# --- entrant value and funding --------------------------------------------------------


def test_entrant_value_pinned():
    shares = np.zeros((N_DOMAINS, 2))
    sizes = np.ones((N_DOMAINS, 2))
    shares[2, DOMESTIC_MARKET], shares[2, REST_OF_WORLD] = 0.2, 0.01
    sizes[2, DOMESTIC_MARKET], sizes[2, REST_OF_WORLD] = 100.0, 5000.0
    lev = np.array([14.0, 15.0])  # Lambda^lev by geography
    rd = np.full(N_DOMAINS, 0.5)
    V = entry_exit.entrant_value(shares, sizes, 0.1, lev, 10.0, 0.1, rd)
    # domain 2: 0.1 (100 * 0.2 * 14 + 5000 * 0.01 * 15) - 10 (0.1 + 0.5) = 103 - 6
    assert V.shape == (N_DOMAINS,)
    np.testing.assert_allclose(V[2], 97.0, rtol=1e-14)
    np.testing.assert_allclose(np.delete(V, 2), -6.0, rtol=1e-14)


def test_by_domain_reads_markets_by_market_id():
    per_market = np.arange(N_MARKETS, dtype=float)
    table = entry_exit.by_domain(per_market)
    assert table.shape == (N_DOMAINS, 2)
    for d in range(N_DOMAINS):
        for g in (DOMESTIC_MARKET, REST_OF_WORLD):
            assert table[d, g] == per_market[market_id(d, g)]
    stacked = entry_exit.by_domain(np.stack([per_market, 2 * per_market]))
    np.testing.assert_array_equal(stacked[1], 2 * table)


def test_funding_per_entrant_pinned():
    np.testing.assert_allclose(entry_exit.funding_per_entrant(1.0, 8.0, 4.0), 3.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f = entry_exit.funding_per_entrant(1.0, 8.0, np.array([0.0, 4.0, 0.5]))
    np.testing.assert_allclose(f, [1.0, 3.0, 17.0])  # no potential entrant: seed money only


# --- entry probability ----------------------------------------------------------------


def test_entry_probability_pinned():
    np.testing.assert_allclose(
        entry_exit.entry_probability(1.5, 1.0, 1.5, 1.0), 0.6607563687658172, rtol=1e-14
    )
    p = entry_exit.entry_probability([0.0, -2.0, 3.0], 0.5, [1.5, 1.0, 2.0], [1.0, 0.5, 2.0])
    np.testing.assert_allclose(p, [logistic(-1 / 1.5), logistic(-2.5 / 0.5), logistic(1.5 / 4)])


@given(value=MONEY, cost=st.floats(1e-3, 1e3), noise=st.floats(1e-2, 1e2))
def test_entry_probability_is_one_half_at_break_even(value, cost, noise):
    funding = cost - value  # V + f = E up to rounding
    p = entry_exit.entry_probability(value, funding, cost, noise)
    assert p == pytest.approx(0.5, abs=1e-9 * (1 + abs(value)) / (noise * cost))


@FAST
@given(
    value=MONEY,
    funding=st.floats(0.0, 1e3),
    cost=st.floats(0.01, 1e3),
    noise=st.floats(0.05, 10.0),
    step=st.floats(1e-3, 1e3),
)
def test_entry_probability_rises_with_value_and_funding_and_falls_with_cost(
    value, funding, cost, noise, step
):
    p = entry_exit.entry_probability(value, funding, cost, noise)
    assert 0.0 <= p <= 1.0
    assert entry_exit.entry_probability(value + step, funding, cost, noise) >= p
    assert entry_exit.entry_probability(value, funding + step, cost, noise) >= p
    z = (value + funding - cost) / (noise * cost)
    # the cost scales the noise too: P falls with E only while V + f > 0 (see below)
    if value + funding > 0.0:
        assert entry_exit.entry_probability(value, funding, cost + step, noise) <= p
    if abs(z) < 30.0:  # strictly inside (0, 1) and strictly monotone where floats can tell
        assert 0.0 < p < 1.0
        z_up = (value + step + funding - cost) / (noise * cost)
        if z_up - z > 1e-6:
            assert entry_exit.entry_probability(value + step, funding, cost, noise) > p


def test_entry_probability_in_the_cost_depends_on_the_sign_of_value_plus_funding():
    costs = np.linspace(0.1, 20.0, 200)
    p = entry_exit.entry_probability(0.5, 1.0, costs, 1.0)  # f_seed = 1 at the defaults
    assert np.all(np.diff(p) < 0.0)
    # z = (V + f) / (sigma_e E) - 1 / sigma_e: flat in E at V + f = 0, rising when V + f < 0
    flat = entry_exit.entry_probability(-1.0, 1.0, costs, 1.0)
    np.testing.assert_allclose(flat, logistic(-1.0), rtol=1e-14)
    assert np.all(np.diff(entry_exit.entry_probability(-3.0, 1.0, costs, 1.0)) > 0.0)


@given(value=ANY, funding=ANY, cost=st.floats(0.0, 1e308), noise=st.floats(0.0, 1e308))
def test_entry_probability_is_finite_and_silent_for_extreme_inputs(value, funding, cost, noise):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = entry_exit.entry_probability(value, funding, cost, noise)
    assert 0.0 <= p <= 1.0


def test_entry_probability_without_noise_is_a_step_and_rejects_negative_cost():
    p = entry_exit.entry_probability([0.0, 1.0, 2.0], 0.0, 1.0, 0.0)
    np.testing.assert_array_equal(p, [0.0, 0.5, 1.0])
    with pytest.raises(ValueError, match="entry cost"):
        entry_exit.entry_probability(0.0, 0.0, -1.0, 1.0)


@FAST
@given(
    public=st.floats(0.0, 1e4),
    more=st.floats(0.0, 1e4),
    potential=st.floats(0.0, 500.0),
    value=MONEY,
    seed=st.integers(0, 2**32 - 1),
)
def test_more_public_funding_means_weakly_more_entrants(public, more, potential, value, seed):
    def entrants(money):
        f = entry_exit.funding_per_entrant(1.0, money, potential)
        p = entry_exit.entry_probability(value, f, 1.5, 1.0)
        expected = entry_exit.expected_entrants(potential, WEIGHTS, p)
        return expected, entry_exit.draw_entrants(
            potential, WEIGHTS, p, np.random.default_rng(seed)
        )

    (low, drawn_low), (high, drawn_high) = entrants(public), entrants(public + more)
    assert np.all(high >= low)
    assert np.all(drawn_high >= drawn_low)  # common random numbers: same seed, no fewer


# --- draws ----------------------------------------------------------------------------


def poisson_quantile(u, mean):
    """Smallest k with P(K <= k) >= u, by summing the pmf (independent of scipy)."""
    k, term = 0, math.exp(-mean)
    cdf = term
    while cdf < u:
        k += 1
        term *= mean / k
        cdf += term
    return k


def test_draw_entrants_pinned_by_the_inverse_cdf():
    potential, p = 50.0, np.linspace(0.1, 0.9, N_DOMAINS)
    counts = entry_exit.draw_entrants(potential, WEIGHTS, p, np.random.default_rng(7))
    u = np.random.default_rng(7).random(N_DOMAINS)
    mean = potential * WEIGHTS * p
    assert counts.dtype == np.int64
    assert counts.tolist() == [poisson_quantile(u[d], mean[d]) for d in range(N_DOMAINS)]
    zero = entry_exit.draw_entrants(potential, WEIGHTS, 0.0, np.random.default_rng(7))
    np.testing.assert_array_equal(zero, 0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_draws_are_reproducible_and_use_a_fixed_number_of_numbers(seed):
    after = []
    for p in (0.0, 0.3, 1.0):
        rng = np.random.default_rng(seed)
        first = entry_exit.draw_entrants(40.0, WEIGHTS, p, rng)
        again = entry_exit.draw_entrants(40.0, WEIGHTS, p, np.random.default_rng(seed))
        np.testing.assert_array_equal(first, again)
        after.append(rng.random())
    fresh = np.random.default_rng(seed)
    fresh.random(N_DOMAINS)  # one number per domain, whatever the means
    assert after == [fresh.random()] * 3


def test_draw_entrants_has_the_poisson_mean_and_variance():
    rng = np.random.default_rng(123)
    mean = 60.0 * WEIGHTS * 0.5
    draws = np.array([entry_exit.draw_entrants(60.0, WEIGHTS, 0.5, rng) for _ in range(2000)])
    se = np.sqrt(mean / draws.shape[0])
    assert np.all(np.abs(draws.mean(axis=0) - mean) < 4.0 * se)
    np.testing.assert_allclose(draws.var(axis=0), mean, rtol=0.15)


@given(potential=st.floats(0.0, 1e308), p=st.floats(0.0, 1.0))
def test_draw_entrants_is_finite_for_extreme_means(potential, p):
    counts = entry_exit.draw_entrants(potential, WEIGHTS, p, np.random.default_rng(0))
    assert counts.shape == (N_DOMAINS,)
    assert np.all(counts >= 0)


def test_entrant_capital_is_funding_times_lognormal_draws():
    capital = entry_exit.entrant_capital(2.5, 1.0, 5, np.random.default_rng(3))
    expected = 2.5 * np.random.default_rng(3).lognormal(0.0, 1.0, 5)
    np.testing.assert_allclose(capital, expected, rtol=1e-15)
    np.testing.assert_allclose(
        entry_exit.entrant_capital(2.5, 0.0, 3, np.random.default_rng()), 2.5
    )
    assert entry_exit.entrant_capital(2.5, 1.0, 0, np.random.default_rng()).shape == (0,)
    many = entry_exit.entrant_capital(2.5, 1.0, 20_000, np.random.default_rng(4))
    assert np.median(many) == pytest.approx(2.5, rel=0.05)  # f_t is the median


# --- continuation and exit ------------------------------------------------------------

CONTINUATION = {
    "capital": 1.0,
    "revenue": 2.0,
    "margin": 0.1,
    "level_multiplier": 14.0,
    "money_multiplier": 10.0,
    "fixed_cost": 0.1,
    "rd_spend": 0.2,
    "fee": 0.05,
    "coordination_cost": 0.01,
    "subsidy": 0.06,
}
SLOPE_SIGN = {  # sign of d continuation / d argument at CONTINUATION
    "capital": 1,
    "revenue": 1,
    "margin": 1,
    "level_multiplier": 1,
    "money_multiplier": -1,  # costs exceed the subsidy
    "fixed_cost": -1,
    "rd_spend": -1,
    "fee": -1,
    "coordination_cost": -1,
    "subsidy": 1,
}


def test_continuation_value_pinned():
    # 1 + 14 * 0.1 * 2 - 10 (0.1 + 0.2 + 0.05 + 0.01 - 0.06) = 1 + 2.8 - 3
    assert entry_exit.continuation_value(**CONTINUATION) == pytest.approx(0.8, rel=1e-13)


@pytest.mark.parametrize("name", list(CONTINUATION))
@given(h=st.floats(0.01, 100.0), base=st.floats(0.0, 50.0))
def test_continuation_is_linear_in_each_argument_with_the_right_sign(name, h, base):
    def at(x):
        return float(entry_exit.continuation_value(**(CONTINUATION | {name: x})))

    first, second = at(base + h) - at(base), at(base + 2 * h) - at(base + h)
    assert np.sign(first) == SLOPE_SIGN[name]
    assert second == pytest.approx(first, rel=1e-9, abs=1e-9)


@given(values=st.lists(st.floats(-1e100, 1e100), min_size=10, max_size=10))
def test_continuation_is_finite_for_large_finite_inputs(values):
    assert np.isfinite(entry_exit.continuation_value(*values))


def test_exit_rules():
    # rows: broke startup; value < 0; both fine; conglomerate broke; dead broke; at the floor
    capital = np.array([0.1, 5.0, 5.0, 0.0, 0.0, 0.25])
    continuation = np.array([3.0, -0.1, 2.0, -9.0, -9.0, 0.0])
    is_startup = np.array([True, True, True, False, True, True])
    alive = np.array([True, True, True, True, False, True])
    out = entry_exit.exits(capital, continuation, 0.25, is_startup, alive)
    assert out.dtype == bool
    assert out.tolist() == [True, True, False, False, False, False]


@FAST
@given(
    capital=arrays(np.float64, 20, elements=ANY),
    continuation=arrays(np.float64, 20, elements=ANY),
    floor=st.floats(0.0, 10.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_conglomerates_and_dead_firms_never_exit(capital, continuation, floor, seed):
    rng = np.random.default_rng(seed)
    is_startup, alive = rng.random(20) < 0.5, rng.random(20) < 0.7
    out = entry_exit.exits(capital, continuation, floor, is_startup, alive)
    assert not np.any(out & ~(is_startup & alive))
    broke = (capital < floor) & is_startup & alive
    assert np.all(out[broke])  # below the floor even with a positive continuation value
    np.testing.assert_array_equal(
        out, is_startup & alive & ((capital < floor) | (continuation < 0))
    )
