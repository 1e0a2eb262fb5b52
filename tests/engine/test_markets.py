"""The (domain, geography) markets: rows, sizes, values, relevant shares, HHI, outside good."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.config.vocabulary import DOMESTIC, N_DOMAINS, REGIONS
from sim.engine import demand, markets
from sim.engine.markets import DOMESTIC_MARKET, N_MARKETS, REST_OF_WORLD
from sim.engine.state import NO_ALLIANCE

KITA_DOMESTIC, KITA_WORLD = (
    15_300.0,
    826_700.0,
)  # USD m a year in 2030 (KITA, via an etnews report of 2025)
FAST = settings(max_examples=25, deadline=None)


@st.composite
def worlds(draw, max_firms=12):
    """Firms with presence, alive flags, regions, capability, alliances and market settings."""
    n = draw(st.integers(1, max_firms))
    domain = draw(arrays(np.int64, n, elements=st.integers(0, N_DOMAINS - 1)))
    extra = draw(arrays(np.int64, n, elements=st.integers(0, 2**N_DOMAINS - 1)))
    presence = (extra & draw(arrays(np.int64, n, elements=st.sampled_from([0, 127])))) | (
        1 << domain
    )
    n_alliances = draw(st.integers(0, 3))
    return {
        "n": n,
        "domain": domain,
        "presence": presence.astype(np.uint8),
        "alive": draw(arrays(np.bool_, n)),
        "region": draw(arrays(np.int64, n, elements=st.integers(0, len(REGIONS) - 1))),
        "capability": draw(arrays(np.float64, n, elements=st.floats(0.05, 1.2))),
        "alliance": draw(arrays(np.int64, n, elements=st.integers(NO_ALLIANCE, n_alliances - 1))),
        "n_alliances": n_alliances,
        "theta": draw(st.floats(0.5, 8.0)),
        "home_bias": draw(st.floats(0.1, 2.0)),
        "outside": draw(arrays(np.float64, N_MARKETS, elements=st.floats(0.01, 50.0))),
    }


def market_shares(w, home_bias=None):
    firm, market = markets.seller_rows(w["presence"], w["alive"])
    k = markets.relative_capability(w["capability"], firm, market, 1.0)
    bias = w["home_bias"] if home_bias is None else home_bias
    geography = markets.market_geography(market)
    v = markets.quality_values(k, w["theta"], bias, w["region"][firm], geography)
    return firm, market, v, demand.shares(v, market, N_MARKETS, w["outside"])


def test_market_ids_round_trip_and_domestic_markets_come_first():
    d, g = np.meshgrid(np.arange(N_DOMAINS), np.arange(markets.N_GEOGRAPHIES))
    m = markets.market_id(d, g)
    assert sorted(m.ravel()) == list(range(N_MARKETS))
    np.testing.assert_array_equal(markets.market_domain(m), d)
    np.testing.assert_array_equal(markets.market_geography(m), g)
    assert DOMESTIC_MARKET == 0 and REST_OF_WORLD == 1
    np.testing.assert_array_equal(markets.market_id(np.arange(N_DOMAINS), 0), np.arange(N_DOMAINS))


@FAST
@given(worlds())
def test_rows_cover_presence_domains_in_both_geographies_for_alive_firms(w):
    firm, market = markets.seller_rows(w["presence"], w["alive"])
    expected = {
        (i, markets.market_id(d, g).item())
        for i in range(w["n"])
        if w["alive"][i]
        for d in range(N_DOMAINS)
        if w["presence"][i] >> d & 1
        for g in range(markets.N_GEOGRAPHIES)
    }
    pairs = list(zip(firm.tolist(), market.tolist(), strict=True))
    assert len(pairs) == len(set(pairs)) and set(pairs) == expected
    bits = markets.presence_matrix(w["presence"])
    same = markets.seller_rows(bits.astype(int), w["alive"])
    np.testing.assert_array_equal(np.stack(same), np.stack([firm, market]))


def test_home_domain_is_added_when_given():
    firm, market = markets.seller_rows(np.array([0, 2], np.uint8), np.ones(2, bool), [3, 1])
    assert sorted(zip(firm.tolist(), market.tolist(), strict=True)) == [
        (0, 3), (0, 3 + N_DOMAINS), (1, 1), (1, 1 + N_DOMAINS)
    ]  # fmt: skip


@FAST
@given(worlds())
def test_seller_shares_and_outside_share_sum_to_one_in_every_market(w):
    _, market, v, s = market_shares(w)
    s0 = demand.outside_share(v, market, N_MARKETS, w["outside"])
    np.testing.assert_allclose(np.bincount(market, s, N_MARKETS) + s0, 1.0, rtol=1e-12)


@FAST
@given(worlds())
def test_home_bias_raises_domestic_firms_domestic_shares_only(w):
    firm, market, _, without = market_shares(w, home_bias=0.0)
    _, _, _, with_bias = market_shares(w)
    home_market = markets.market_geography(market) == DOMESTIC_MARKET
    domestic_firm = w["region"][firm] == DOMESTIC
    assert np.all(with_bias[home_market & domestic_firm] > without[home_market & domestic_firm])
    rest = ~(home_market & domestic_firm)
    assert np.all(with_bias[rest] <= without[rest] * (1 + 1e-12))
    np.testing.assert_array_equal(with_bias[~home_market], without[~home_market])


@FAST
@given(
    growth=arrays(np.float64, (2, N_DOMAINS), elements=st.floats(0.0, 0.6)),
    weights=arrays(np.float64, N_DOMAINS, elements=st.floats(0.05, 1.0)),
    start_year=st.integers(2016, 2030),
    same_growth=st.booleans(),
)
def test_totals_pass_through_kita_in_2030_and_markets_grow_at_their_own_rates(
    growth, weights, start_year, same_growth
):
    g = growth[0] if same_growth else growth
    first = 4 * (2030 - start_year)
    steps = np.arange(first, first + 8)
    size = markets.market_sizes(steps, KITA_DOMESTIC, KITA_WORLD, g, weights, start_year)
    assert size.shape == (steps.size, N_MARKETS) and np.all(size >= 0)
    domestic, rest = size[:, :N_DOMAINS], size[:, N_DOMAINS:]
    np.testing.assert_allclose(domestic[:4].sum(), KITA_DOMESTIC, rtol=1e-12)
    np.testing.assert_allclose((domestic + rest)[:4].sum(), KITA_WORLD, rtol=1e-12)
    np.testing.assert_allclose(domestic[:4].sum(axis=1).mean(), KITA_DOMESTIC / 4, rtol=1e-12)
    g2 = np.broadcast_to(g, (2, N_DOMAINS))
    np.testing.assert_allclose(
        domestic[4:] / domestic[:4], np.broadcast_to(1 + g2[0], (4, N_DOMAINS)), rtol=1e-12
    )
    np.testing.assert_allclose(
        (domestic + rest)[1:] / (domestic + rest)[:-1],
        np.broadcast_to((1 + g2[1]) ** 0.25, (7, N_DOMAINS)),
    )
    np.testing.assert_allclose(domestic[:4].sum(axis=0), KITA_DOMESTIC * weights / weights.sum())
    if same_growth:
        np.testing.assert_allclose(
            rest[4:] / rest[:4], np.broadcast_to(1 + g, (4, N_DOMAINS)), rtol=1e-12
        )
    one = markets.market_sizes(first, KITA_DOMESTIC, KITA_WORLD, g, weights, start_year)
    np.testing.assert_array_equal(one, size[0])


def test_zero_growth_gives_a_quarter_of_the_year_each_quarter():
    size = markets.market_sizes(0, 4.0, 40.0, np.zeros(N_DOMAINS), np.ones(N_DOMAINS), 2030)
    np.testing.assert_allclose(size, np.r_[np.full(N_DOMAINS, 1.0), np.full(N_DOMAINS, 9.0)] / 7)


@FAST
@given(worlds())
def test_revenue_is_share_times_size_and_sums_to_inside_share_of_each_market(w):
    firm, market, v, s = market_shares(w)
    sizes = markets.market_sizes(8, KITA_DOMESTIC, KITA_WORLD, 0.25, np.ones(N_DOMAINS), 2024)
    revenue = markets.firm_revenue(s, sizes, market, firm, w["n"])
    inside = 1 - demand.outside_share(v, market, N_MARKETS, w["outside"])
    np.testing.assert_allclose(revenue.sum(), (inside * sizes).sum(), rtol=1e-10)
    assert np.all(revenue[~w["alive"]] == 0)


@FAST
@given(worlds(max_firms=6))
def test_domestic_relevant_shares_equal_a_direct_loop(w):
    firm, market, _, s = market_shares(w)
    own, pooled = markets.domestic_relevant_shares(s, market, firm, w["alliance"], w["n_alliances"])
    loop_own = np.zeros((w["n"], N_DOMAINS))
    loop_pooled = np.zeros((w["n_alliances"], N_DOMAINS))
    for r in range(firm.size):
        if markets.market_geography(market[r]) == DOMESTIC_MARKET:
            d = markets.market_domain(market[r])
            loop_own[firm[r], d] += s[r]
            if w["alliance"][firm[r]] != NO_ALLIANCE:
                loop_pooled[w["alliance"][firm[r]], d] += s[r]
    np.testing.assert_allclose(own, loop_own, atol=1e-15)
    np.testing.assert_allclose(pooled, loop_pooled, atol=1e-15)


@FAST
@given(worlds())
def test_hhi_in_points_lies_between_the_largest_share_squared_and_the_inside_share_squared(w):
    firm, market, v, s = market_shares(w)
    inside = 1 - demand.outside_share(v, market, N_MARKETS, w["outside"])
    for owner in (None, markets.competitor_id(firm, w["alliance"])):
        hhi = markets.hhi_by_market(s, market, N_MARKETS, owner)
        top = np.zeros(N_MARKETS)
        np.maximum.at(top, market, s)
        assert np.all((hhi >= 0) & (hhi <= 10_000))
        assert np.all(hhi >= 1e4 * top**2 * (1 - 1e-12))
        assert np.all(hhi <= 1e4 * inside**2 * (1 + 1e-12))
    grouped = markets.hhi_by_market(
        s, market, N_MARKETS, markets.competitor_id(firm, w["alliance"])
    )
    assert np.all(grouped >= markets.hhi_by_market(s, market, N_MARKETS) * (1 - 1e-12))


@FAST
@given(worlds(max_firms=6))
def test_hhi_among_sellers_renormalises_shares_and_equals_a_direct_loop(w):
    firm, market, v, s = market_shares(w)
    owner = markets.competitor_id(firm, w["alliance"])
    whole = markets.hhi_by_market(s, market, N_MARKETS, owner, basis="market")
    among = markets.hhi_by_market(s, market, N_MARKETS, owner, basis="sellers")
    inside = 1 - demand.outside_share(v, market, N_MARKETS, w["outside"])
    for m in range(N_MARKETS):
        rows = np.flatnonzero(market == m)
        held = {o: s[rows][owner[rows] == o].sum() for o in set(owner[rows].tolist())}
        direct = 1e4 * sum(x**2 for x in held.values())
        np.testing.assert_allclose(whole[m], direct, rtol=1e-12, atol=1e-12)
        expected = 1e4 * sum((x / inside[m]) ** 2 for x in held.values()) if rows.size else 0.0
        np.testing.assert_allclose(among[m], expected, rtol=1e-10, atol=1e-12)
        if rows.size:  # among sellers: at least 10 000 / (number of owners), at most 10 000
            assert 1e4 / len(held) * (1 - 1e-12) <= among[m] <= 1e4 * (1 + 1e-12)


def test_hhi_of_a_monopoly_is_10000_among_sellers_and_its_squared_share_of_the_market():
    s = demand.shares(np.array([2.0]), np.array([0]), 1, 0.0)
    np.testing.assert_allclose(markets.hhi_by_market(s, np.array([0]), 2), [10_000.0, 0.0])
    s = demand.shares(np.array([0.0]), np.array([0]), 1, 1.0)  # half the market
    np.testing.assert_allclose(markets.hhi_by_market(s, np.array([0]), 1), [2_500.0])
    np.testing.assert_allclose(
        markets.hhi_by_market(s, np.array([0]), 1, basis="sellers"), [10_000.0]
    )
    with pytest.raises(ValueError, match="share basis"):
        markets.hhi_by_market(s, np.array([0]), 1, basis="inside")  # type: ignore[arg-type]


@FAST
@given(
    worlds(),
    arrays(np.float64, N_DOMAINS, elements=st.floats(-3.0, 3.0)),
    arrays(np.float64, N_DOMAINS, elements=st.floats(-3.0, 8.0)),
)
def test_seller_shift_gives_domestic_sellers_h_at_home_and_minus_p_abroad(w, h, p):
    firm, market = markets.seller_rows(w["presence"], w["alive"])
    region = w["region"][firm]
    shift = markets.seller_shift(region, market, h, p)
    for r in range(firm.size):
        d, g = markets.market_domain(market[r]), markets.market_geography(market[r])
        expected = 0.0 if region[r] != DOMESTIC else (h[d] if g == DOMESTIC_MARKET else -p[d])
        assert shift[r] == expected
    geography = markets.market_geography(market)
    np.testing.assert_array_equal(
        markets.seller_shift(region, market, 0.7),
        markets.home_bias_shift(region, geography, 0.7),
    )


@FAST
@given(worlds(), st.floats(0.01, 1.0))
def test_outside_good_for_shares_hits_the_target_inside_share(w, target):
    firm, market = markets.seller_rows(w["presence"], w["alive"])
    v = 40.0 * markets.relative_capability(w["capability"], firm, market, 1.0)
    outside = markets.outside_good_for_shares(target, v, market, N_MARKETS)
    inside = 1 - demand.outside_share(v, market, N_MARKETS, outside)
    served = np.bincount(market, minlength=N_MARKETS) > 0
    np.testing.assert_allclose(inside[served], target, rtol=1e-10)
    assert np.all(outside[~served] == 1.0) and np.all(outside >= 0)


def test_outside_good_rejects_targets_outside_the_unit_interval():
    with pytest.raises(ValueError, match="target inside shares"):
        markets.outside_good_for_shares(0.0, np.zeros(1), np.zeros(1, int), 1)


def test_relative_capability_reads_per_domain_capability_and_frontier():
    cap = np.arange(2 * N_DOMAINS, dtype=float).reshape(2, N_DOMAINS)
    frontier = np.full(N_DOMAINS, 2.0)
    market = markets.market_id(np.array([3, 4]), np.array([0, 1]))
    k = markets.relative_capability(cap, np.array([0, 1]), market, frontier)
    np.testing.assert_allclose(k, [3 / 2, (N_DOMAINS + 4) / 2])


@given(
    domain=arrays(np.int8, st.integers(0, 40), elements=st.integers(0, N_DOMAINS - 1)),
    seed=st.integers(0, 2**32 - 1),
)
def test_home_seller_rows_equal_the_rows_of_the_home_presence(domain, seed):
    from sim.engine.state import presence_mask

    alive = np.random.default_rng(seed).random(domain.size) < 0.7
    fast = markets.home_seller_rows(domain, alive)
    plain = markets.seller_rows(presence_mask(domain), alive)
    for a, b in zip(fast, plain, strict=True):
        assert a.dtype == b.dtype and np.array_equal(a, b)


def test_weighted_hhi_by_hand_and_its_bounds():
    """``hhi`` under version 2: the domains' HHIs weighted by market size, index 0-1."""
    from sim.engine.markets import weighted_hhi

    assert weighted_hhi([1000.0, 3000.0], [3.0, 1.0]) == pytest.approx(0.15)  # (3000+3000)/4/1e4
    assert weighted_hhi([10_000.0, 0.0], [0.0, 0.0]) == 0.0  # no market
    rng = np.random.default_rng(5)
    for _ in range(50):
        points, size = rng.uniform(0, 10_000, 7), rng.uniform(0, 100, 7)
        value = weighted_hhi(points, size)
        assert points.min() / 1e4 - 1e-12 <= value <= points.max() / 1e4 + 1e-12
