"""The start calibration: outside goods, home bias and rest-of-world penalty from target shares."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.config.vocabulary import DOMAINS, DOMESTIC, N_DOMAINS, REGIONS
from sim.engine import demand, markets
from sim.engine.market_start import DOMESTIC_SHARE_ROW_INITIAL, calibrate_start
from sim.engine.markets import N_MARKETS

FAST = settings(max_examples=30, deadline=None)
APPS = DOMAINS.index("applications_services")
US = REGIONS.index("us")
WEIGHTS = np.array([0.20, 0.20, 0.20, 0.05, 0.25, 0.05, 0.05])  # docs/model.md, 6.1


@st.composite
def worlds(draw, max_firms=14):
    """Alive firms of random regions and presence, their rows and base values ``theta k``."""
    n = draw(st.integers(1, max_firms))
    domain = draw(arrays(np.int64, n, elements=st.integers(0, N_DOMAINS - 1)))
    extra = draw(arrays(np.int64, n, elements=st.integers(0, 2**N_DOMAINS - 1)))
    wide = draw(arrays(np.int64, n, elements=st.sampled_from([0, 127])))
    foreign = [r for r in range(len(REGIONS)) if r != DOMESTIC]
    region = draw(arrays(np.int64, n, elements=st.sampled_from([DOMESTIC] * 4 + foreign)))
    firm, market = markets.seller_rows((extra & wide) | (1 << domain), np.ones(n, bool))
    k = draw(arrays(np.float64, n, elements=st.floats(0.05, 1.2)))
    theta = draw(st.floats(0.5, 8.0))
    return firm, market, region[firm], theta * k[firm]


def groups(market, region):
    """Whether domestic, and foreign, firms sell in each market."""
    dom = region == DOMESTIC
    has_d = np.bincount(market, weights=dom, minlength=N_MARKETS) > 0
    return has_d, np.bincount(market, weights=~dom, minlength=N_MARKETS) > 0


def achieved(calibration, v0, market, region):
    """Inside share and domestic sellers' share of the whole market, per market."""
    v = v0 + calibration.shift(region, market)
    s = demand.shares(v, market, N_MARKETS, calibration.outside)
    inside = np.bincount(market, weights=s, minlength=N_MARKETS)
    return inside, np.bincount(market, weights=s * (region == DOMESTIC), minlength=N_MARKETS)


def feasible_targets(market, region, t, q):
    """Domestic-share targets among sellers per market: q where both groups sell, else 1 or 0."""
    has_d, has_f = groups(market, region)
    q = np.where(has_d & has_f, q, np.where(has_d, 1.0, 0.0)).reshape(2, N_DOMAINS)
    return q, t.reshape(2, N_DOMAINS)


@FAST
@given(
    worlds(),
    arrays(np.float64, N_MARKETS, elements=st.floats(0.05, 1.0)),
    arrays(np.float64, N_MARKETS, elements=st.floats(0.005, 0.995)),
    st.sampled_from(["market", "sellers"]),
)
def test_every_target_is_hit_on_random_worlds(world, t, q, basis):
    _, market, region, v0 = world
    q, t = feasible_targets(market, region, t, q)
    s = q * t if basis == "market" else q
    cal = calibrate_start(v0, market, region, t, s[0], s[1], basis=basis)
    inside, dom = achieved(cal, v0, market, region)
    served = np.bincount(market, minlength=N_MARKETS) > 0
    np.testing.assert_allclose(inside[served], t.ravel()[served], atol=1e-10)
    np.testing.assert_allclose(dom[served], (q * t).ravel()[served], atol=1e-10)
    assert np.all(cal.outside[~served] == 1.0) and np.all(cal.outside >= 0.0)
    has_d, has_f = groups(market, region)
    unidentified = ~(has_d & has_f).reshape(2, N_DOMAINS)
    assert np.all(cal.home_bias[unidentified[0]] == 0.0)
    assert np.all(cal.row_penalty[unidentified[1]] == 0.0)


def startup_world(n_domestic=450, n_foreign=8):
    """Domestic application startups at k = 0.45 against foreign firms at k = 0.95, theta 6."""
    region = np.r_[np.full(n_domestic, DOMESTIC), np.full(n_foreign, US)]
    k = np.r_[np.full(n_domestic, 0.45), np.full(n_foreign, 0.95)]
    n = region.size
    firm, market = markets.seller_rows(np.zeros(n, np.uint8), np.ones(n, bool), np.full(n, APPS))
    return firm, market, region[firm], 6.0 * k[firm]


def test_450_startups_hold_one_percent_of_the_rest_of_the_world_not_37():
    _, market, region, v0 = startup_world()
    dom_market, row_market = markets.market_id(APPS, [0, 1])
    outside = markets.outside_good_for_shares(0.5, v0, market, N_MARKETS)  # h = p = 0
    s = demand.shares(v0, market, N_MARKETS, outside)
    before = np.bincount(market, weights=s * (region == DOMESTIC), minlength=N_MARKETS)
    np.testing.assert_allclose(before[row_market], 0.3684, atol=1e-4)  # 74 % of the inside
    cal = calibrate_start(v0, market, region, 0.5, 0.25, DOMESTIC_SHARE_ROW_INITIAL)
    inside, dom = achieved(cal, v0, market, region)
    np.testing.assert_allclose(inside[[dom_market, row_market]], 0.5, atol=1e-12)
    np.testing.assert_allclose(dom[[dom_market, row_market]], [0.25, 0.01], atol=1e-12)
    # h = logit(1/2) + log(8 e^5.7 / (450 e^2.7)), p = log(450 e^2.7 / (8 e^5.7)) - logit(0.02)
    gap = np.log(8 / 450) + 6.0 * (0.95 - 0.45)
    np.testing.assert_allclose(cal.home_bias[APPS], gap, rtol=1e-12)  # -1.0298: below zero
    np.testing.assert_allclose(cal.row_penalty[APPS], -gap + np.log(49.0), rtol=1e-12)  # 4.92
    sizes = markets.market_sizes(0, 15_300.0, 826_700.0, 0.25, WEIGHTS, 2024)  # 2024 Q1
    np.testing.assert_allclose(sizes[[dom_market, row_market]], [230.10, 12_203.08], atol=0.01)
    s = demand.shares(v0 + cal.shift(region, market), market, N_MARKETS, cal.outside)
    revenue = markets.market_revenue(s, sizes, market) * (region == DOMESTIC)
    by_market = np.bincount(market, weights=revenue, minlength=N_MARKETS)
    np.testing.assert_allclose(by_market[[dom_market, row_market]], [57.53, 122.03], atol=0.01)
    same = calibrate_start(v0, market, region, 0.5, 0.5, 0.02, basis="sellers")
    np.testing.assert_allclose(same.outside, cal.outside, rtol=1e-12)
    np.testing.assert_allclose(same.row_penalty, cal.row_penalty, rtol=1e-12)


def test_the_docs_default_half_and_half_is_infeasible_on_the_market_basis():
    _, market, region, v0 = startup_world()
    with pytest.raises(ValueError, match="applications_services/domestic"):
        calibrate_start(v0, market, region, 0.5, 0.5)
    cal = calibrate_start(v0, market, region, 0.5, 0.5, basis="sellers")
    assert np.isfinite(cal.home_bias[APPS])


def test_targets_a_group_cannot_reach_raise_naming_the_markets():
    _, market, region, v0 = startup_world(n_foreign=0)
    with pytest.raises(ValueError, match="applications_services/domestic, applications_ser"):
        calibrate_start(v0, market, region, 0.5, 0.25)
    cal = calibrate_start(v0, market, region, 0.5, 0.5, 0.5)  # all of the inside: fine
    assert cal.home_bias[APPS] == 0.0 and cal.row_penalty[APPS] == 0.0
    _, market, region, v0 = startup_world()
    for bad in (dict(inside_share=0.0), dict(domestic_share=1.5), dict(domestic_share_row=0.0)):
        args = dict(inside_share=0.5, domestic_share=0.25) | bad
        with pytest.raises(ValueError):
            calibrate_start(v0, market, region, **args)
    with pytest.raises(ValueError, match="share basis"):
        calibrate_start(v0, market, region, 0.5, 0.25, basis="inside")  # type: ignore[arg-type]


def test_values_too_large_for_floating_point_fail_the_check():
    with pytest.raises(ArithmeticError, match="missed its targets"):
        calibrate_start(
            np.array([709.0, 709.0]), np.zeros(2, int), np.array([DOMESTIC, US]), 0.1, 0.05
        )


def per_domain(market, region, q, t, basis):
    """Feasible domestic-share targets per domain (domestic, rest of the world) for scalar q, t:
    q among sellers where both groups sell, all of the inside or nothing where one does."""
    has_d, has_f = groups(market, region)
    q = np.where(has_d & has_f, q, np.where(has_d, 1.0, 0.0)).reshape(2, N_DOMAINS)
    return q * t if basis == "market" else q


@FAST
@given(worlds(), st.sampled_from(["market", "sellers"]))
def test_each_solved_value_is_monotone_in_its_target(world, basis):
    _, market, region, v0 = world
    has_d, has_f = groups(market, region)
    both = (has_d & has_f).reshape(2, N_DOMAINS)
    served = np.bincount(market, minlength=N_MARKETS) > 0

    def solve(q_dom, q_row, t):
        s = np.where([[True], [False]], per_domain(market, region, q_dom, t, basis), 0.0)
        s = s + np.where([[False], [True]], per_domain(market, region, q_row, t, basis), 0.0)
        return calibrate_start(v0, market, region, t, s[0], s[1], basis=basis)

    grid = np.linspace(0.05, 0.95, 7)
    h = np.array([solve(q, 0.5, 0.5).home_bias for q in grid])
    p = np.array([solve(0.5, q, 0.5).row_penalty for q in grid])
    assert np.all(np.diff(h[:, both[0]], axis=0) > 0)  # home bias rises with the domestic target
    assert np.all(np.diff(p[:, both[1]], axis=0) < 0)  # penalty falls as the row target rises
    # the inside share at fixed domestic shares of the whole market (0.05 of it on "market")
    fixed = 0.05 / np.linspace(0.1, 1.0, 7) if basis == "market" else np.full(7, 0.05)
    inside = [solve(f, f, t) for f, t in zip(fixed, np.linspace(0.1, 1.0, 7), strict=True)]
    outside = np.array([c.outside for c in inside])
    assert np.all(np.diff(outside[:, served], axis=0) < 0) and np.all(outside[-1, served] == 0)
    home = np.array([c.home_bias for c in inside])[:, both[0]]
    if basis == "market":  # the interaction: a larger inside share needs less home bias
        assert np.all(np.diff(home, axis=0) < 0)
    else:
        np.testing.assert_allclose(home, np.broadcast_to(home[0], home.shape), rtol=1e-12)
