"""Logit demand: shares, their derivatives, the profit Jacobian and the grouped marginal value."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.engine import channels, demand, knowledge, rnd_game


@st.composite
def markets(draw, max_rows=12, span=15.0):
    """Rows of up to 4 markets: market index, value, outside weight, sensitivity."""
    n_markets = draw(st.integers(1, 4))
    market = np.array(draw(st.lists(st.integers(0, n_markets - 1), min_size=1, max_size=max_rows)))
    value = draw(arrays(np.float64, market.size, elements=st.floats(-span, span)))
    log_outside = draw(arrays(np.float64, n_markets, elements=st.floats(-span, span)))
    theta = draw(arrays(np.float64, n_markets, elements=st.floats(0.1, 3.0)))
    return market, value, np.exp(log_outside), n_markets, theta


@settings(max_examples=100, deadline=None)
@given(markets())
def test_shares_and_outside_share_sum_to_one_and_lie_strictly_inside(world):
    market, value, outside, n_markets, _ = world
    s = demand.shares(value, market, n_markets, outside)
    s0 = demand.outside_share(value, market, n_markets, outside)
    total = np.bincount(market, weights=s, minlength=n_markets) + s0
    np.testing.assert_allclose(total, 1.0, rtol=1e-12)
    assert np.all((s > 0) & (s < 1))
    served = np.bincount(market, minlength=n_markets) > 0
    assert np.all((s0 > 0) & (s0 < 1) | ~served) and np.all(s0[~served] == 1.0)


def test_shares_are_stable_for_huge_values_and_without_outside_good():
    market = np.array([0, 0, 1, 1])
    value = np.array([1000.0, 999.0, -800.0, -801.0])
    s = demand.shares(value, market, 2, np.array([1.0, 0.0]))
    assert np.all(np.isfinite(s))
    np.testing.assert_allclose(s, [1 / (1 + np.exp(-1)), np.exp(-1) / (1 + np.exp(-1))] * 2)
    assert demand.outside_share(value, market, 2, np.array([1.0, 0.0]))[1] == 0.0
    # a market with no sellers: all to the outside good
    np.testing.assert_array_equal(demand.outside_share(value, market, 3, 1.0)[2], 1.0)


@settings(max_examples=40, deadline=None)
@given(markets(max_rows=8, span=4.0))
def test_share_derivatives_equal_central_differences(world):
    market, shift, outside, n_markets, theta = world
    k = np.zeros(market.size)

    def s_of(k):
        return demand.shares(
            demand.logit_value(k, theta[market], shift), market, n_markets, outside
        )

    s = s_of(k)
    h = 1e-5
    fd = np.empty((market.size, market.size))
    for r in range(market.size):
        e = np.zeros_like(k)
        e[r] = h
        fd[:, r] = (s_of(k + e) - s_of(k - e)) / (2 * h)
    dense = demand.share_jacobian_dense(s, market, theta)
    np.testing.assert_allclose(dense, fd, atol=1e-8)
    t = theta[market]
    np.testing.assert_allclose(np.diag(dense), demand.own_share_derivative(s, t), rtol=1e-12)
    for j in range(market.size):
        for m in range(market.size):
            if j != m and market[j] == market[m]:
                cross = demand.cross_share_derivative(s[j], s[m], t[j])
                assert dense[j, m] == pytest.approx(float(cross), rel=1e-12)
            elif j != m:
                assert dense[j, m] == 0.0


def random_world(seed, n_firms, n_domains, n_geos, n_alliances, federated=False):
    """A small world: firms sell in random markets (any domain), random alliances and rates."""
    rng = np.random.default_rng(seed)
    n_markets = n_domains * n_geos
    sells = rng.random((n_firms, n_markets)) < 0.5
    firm, market = np.nonzero(sells)
    m = n_alliances
    return dict(
        firm=firm,
        market=market,
        n_markets=n_markets,
        value=rng.normal(size=firm.size),
        outside=rng.uniform(0.1, 3.0, n_markets),
        scale=rng.uniform(0.5, 5.0, n_markets),
        theta=rng.uniform(0.1, 2.0, n_markets),
        dk_dX=rng.uniform(0.05, 2.0, n_firms),
        domain=rng.integers(0, n_domains, n_firms),
        alliance=rng.integers(-1, m, n_firms),
        depth=rng.uniform(0.0, 1.0, m),
        closed=rng.random(m) < 0.5,
        openness=rng.uniform(0.0, 1.0, n_firms),
        absorption=rng.uniform(0.0, 1.0, n_firms),
        relatedness=rng.uniform(0.0, 1.0, (n_domains, n_domains)),
        internal_rate=rng.uniform(0.0, 1.0, m),
        public_rate=rng.uniform(0.0, 1.0),
        federation=rng.integers(0, max(m // 2, 1), m) if federated else None,
        federation_rate=rng.uniform(0.0, 1.0) if federated else 0.0,
    )


def structure(w):
    keys = ("alliance", "closed", "openness", "internal_rate", "public_rate", "federation")
    return channels.build(*(w[k] for k in keys), federation_rate=w["federation_rate"])


def grouped_mv(w, s, dk_dX=None):
    keys = ("scale", "theta", "domain", "depth", "absorption", "relatedness")
    return demand.marginal_value_grouped(
        s,
        w["market"],
        w["firm"],
        **{key: w[key] for key in keys},
        dk_dX=w["dk_dX"] if dk_dX is None else dk_dX,
        channels=structure(w),
    )


def dense_and_grouped(w):
    n = w["domain"].size
    s = demand.shares(w["value"], w["market"], w["n_markets"], w["outside"])
    J = demand.profit_jacobian_dense(
        s, w["market"], w["firm"], n, w["scale"], w["theta"], w["dk_dX"]
    )
    B = channels.spillover_matrix(structure(w), w["domain"], w["absorption"], w["relatedness"])
    W = rnd_game.profit_weights(w["alliance"], w["depth"])
    return rnd_game.marginal_value(J, B, W), grouped_mv(w, s), J, s


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 6), st.integers(1, 3), st.integers(1, 3))
def test_dense_jacobian_equals_finite_differences_of_profit(seed, n_firms, n_domains, n_geos):
    w = random_world(seed, n_firms, n_domains, n_geos, 1)
    market, firm, theta, g = w["market"], w["firm"], w["theta"], w["dk_dX"]
    k0 = np.random.default_rng(seed + 1).normal(size=n_firms)
    shift = w["value"]

    def profit(X):
        v = demand.logit_value(k0[firm] + g[firm] * X[firm], theta[market], shift)
        s = demand.shares(v, market, w["n_markets"], w["outside"])
        return demand.firm_profits(s, market, firm, n_firms, w["scale"])

    X = np.zeros(n_firms)
    v0 = demand.logit_value(k0[firm], theta[market], shift)
    s0 = demand.shares(v0, market, w["n_markets"], w["outside"])
    J = demand.profit_jacobian_dense(s0, market, firm, n_firms, w["scale"], theta, g)
    h = 1e-6
    fd = np.stack(
        [(profit(X + h * e) - profit(X - h * e)) / (2 * h) for e in np.eye(n_firms)], axis=1
    )
    np.testing.assert_allclose(J, fd, atol=1e-7 * max(1.0, np.abs(fd).max()))


@settings(max_examples=120, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(1, 9),
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(0, 3),
    st.booleans(),
)
def test_grouped_marginal_value_equals_dense(
    seed, n_firms, n_domains, n_geos, n_alliances, federated
):
    w = random_world(seed, n_firms, n_domains, n_geos, n_alliances, federated)
    dense, grouped, _, _ = dense_and_grouped(w)
    np.testing.assert_allclose(grouped, dense, rtol=1e-10, atol=1e-12)


def test_same_alliance_open_partner_is_counted_once():
    # firms 0, 1 in open alliance 0 (depth 0.5), firm 2 alone; one domain, one market
    w = dict(
        firm=np.array([0, 1, 2]),
        market=np.zeros(3, dtype=int),
        n_markets=1,
        value=np.array([0.2, -0.1, 0.4]),
        outside=np.array([1.0]),
        scale=np.array([3.0]),
        theta=np.array([0.8]),
        dk_dX=np.array([1.0, 0.7, 1.3]),
        domain=np.zeros(3, dtype=int),
        alliance=np.array([0, 0, -1]),
        depth=np.array([0.5]),
        closed=np.array([False]),
        openness=np.array([0.0, 0.0, 1.0]),  # the members' is not used: they publish fully
        absorption=np.array([0.5, 0.8, 0.6]),
        relatedness=np.array([[0.9]]),
        internal_rate=np.array([0.3]),
        public_rate=0.2,
        federation=None,
        federation_rate=0.0,
    )
    dense, grouped, J, _ = dense_and_grouped(w)
    a, R, iota, rho = w["absorption"], 0.9, 0.3, 0.2
    B_once = np.array(
        [
            [1.0, a[1] * R * iota, a[2] * R * rho],
            [a[0] * R * iota, 1.0, a[2] * R * rho],
            [a[0] * R * rho, a[1] * R * rho, 1.0],
        ]
    )
    W = np.array([[1.0, 0.5, 0.0], [0.5, 1.0, 0.0], [0.0, 0.0, 1.0]])
    by_hand = rnd_game.marginal_value(J, B_once, W)
    np.testing.assert_allclose(grouped, by_hand, rtol=1e-12)
    np.testing.assert_allclose(dense, by_hand, rtol=1e-12)
    B_twice = B_once.copy()  # the error: partners also through the public channel
    B_twice[0, 1] += a[1] * R * rho
    B_twice[1, 0] += a[0] * R * rho
    assert not np.allclose(grouped, rnd_game.marginal_value(J, B_twice, W), rtol=1e-6)


def test_grouped_runs_on_a_large_world_without_dense_matrices():
    rng = np.random.default_rng(7)
    n, n_markets, rows, m = 20_000, 35, 60_000, 300
    firm = rng.integers(0, n, rows)
    market = rng.integers(0, n_markets, rows)
    firm, market = np.unique(np.stack([firm, market]), axis=1)  # one row per seller-in-market
    s = demand.shares(rng.normal(size=firm.size), market, n_markets, 1.0)
    structure = channels.build(
        rng.integers(-1, m, n),
        rng.random(m) < 0.3,
        rng.uniform(0, 1, n),
        rng.uniform(0, 1, m),
        0.1,
        rng.integers(0, 100, m),
        0.25,
    )
    mv = demand.marginal_value_grouped(
        s,
        market,
        firm,
        scale=rng.uniform(1, 5, n_markets),
        theta=1.0,
        dk_dX=rng.uniform(0.1, 1, n),
        domain=rng.integers(0, 7, n),
        depth=rng.uniform(0, 1, m),
        absorption=rng.uniform(0, 1, n),
        relatedness=rng.uniform(0, 1, (7, 7)),
        channels=structure,
    )
    assert mv.shape == (n,) and np.all(np.isfinite(mv))


def test_marginal_values_are_finite_with_zero_effort_entrants():
    # B1: with alpha < 1, g' was infinite at X = 0, and every MV of the entrant's market NaN
    w = random_world(5, 12, 2, 2, 3, federated=True)
    X = np.random.default_rng(5).uniform(0.05, 3.0, 12)
    X[[0, 4, 7]] = 0.0  # three entrants, no effort yet, no inflow
    k = np.random.default_rng(6).uniform(0.2, 1.0, 12)
    law = {"learning_rate": 0.0328, "catch_up": 1.5, "obsolescence": 0.01}

    def mv(X):
        g = knowledge.marginal_capability(k, X, 0.028, **law, returns_exponent=0.5)
        assert np.all(np.isfinite(g))
        s = demand.shares(w["value"], w["market"], w["n_markets"], w["outside"])
        return grouped_mv(w, s, dk_dX=g)

    at_zero = mv(X)
    assert np.all(np.isfinite(at_zero))
    # and continuous at zero: an entrant with a trace of effort changes nothing much
    tol = 1e-6 * np.abs(at_zero).max()
    np.testing.assert_allclose(mv(np.where(X == 0.0, 1e-9, X)), at_zero, rtol=1e-5, atol=tol)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(1, 9),
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(0, 3),
    st.booleans(),
)
def test_per_firm_weights_and_per_row_margins_keep_grouped_equal_to_dense(
    seed, n_firms, n_domains, n_geos, n_alliances, federated
):
    """Partner weights per firm (W_ij = w_i) and margins per seller row (colluders)."""
    w = random_world(seed, n_firms, n_domains, n_geos, n_alliances, federated)
    rng = np.random.default_rng(seed + 7)
    n = w["domain"].size
    s = demand.shares(w["value"], w["market"], w["n_markets"], w["outside"])
    row_scale = w["scale"][w["market"]] * rng.uniform(0.5, 2.0, s.size)
    weight = rng.uniform(0.0, 1.0, n)
    rows = demand.share_jacobian_dense(s, w["market"], w["theta"]) * row_scale[:, None]
    onehot = np.zeros((s.size, n))
    onehot[np.arange(s.size), w["firm"]] = 1.0
    J = onehot.T @ rows @ onehot * w["dk_dX"][None, :]  # the owner's margin on each row
    B = channels.spillover_matrix(structure(w), w["domain"], w["absorption"], w["relatedness"])
    inside = w["alliance"] >= 0
    partners = inside[:, None] & (w["alliance"][:, None] == w["alliance"][None, :])
    W = np.where(partners, weight[:, None], 0.0)
    np.fill_diagonal(W, 1.0)
    dense = rnd_game.marginal_value(J, B, W)
    keys = ("scale", "theta", "domain", "depth", "absorption", "relatedness")
    grouped = demand.marginal_value_grouped(
        s,
        w["market"],
        w["firm"],
        **{key: w[key] for key in keys},
        dk_dX=w["dk_dX"],
        channels=structure(w),
        weight=weight,
        row_scale=row_scale,
    )
    np.testing.assert_allclose(grouped, dense, rtol=1e-10, atol=1e-12)
