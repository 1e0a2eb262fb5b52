"""Spillovers received (grouped = dense, one channel per pair) and capability growth."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.config.schema import GrowthParams
from sim.config.vocabulary import N_DOMAINS
from sim.engine import channels, growth, knowledge, rnd_game
from sim.engine.state import NO_ALLIANCE

LAW = {"learning_rate": 0.0328, "catch_up": 1.5, "obsolescence": 0.01}


# --- effective R&D: grouped against dense ----------------------------------------------


def random_world(seed, n, n_alliances, federated):
    rng = np.random.default_rng(seed)
    m = n_alliances
    world = {
        "x": rng.uniform(0.0, 50.0, n) * (rng.random(n) < 0.9),
        "domain": rng.integers(0, N_DOMAINS, n),
        "relatedness": rng.uniform(0.0, 1.0, (N_DOMAINS, N_DOMAINS)),
        "absorption": rng.uniform(0.0, 1.0, n),
    }
    world["channels"] = channels.build(
        rng.integers(-1, m, n) if m else np.full(n, NO_ALLIANCE),
        rng.random(m) < 0.4,
        rng.uniform(0.0, 1.0, n),
        rng.uniform(0.0, 1.0, m),
        float(rng.uniform(0.0, 0.5)),
        rng.integers(0, max(m // 2, 1), m) + 3 if federated else None,
        float(rng.uniform(0.0, 1.0)) if federated else 0.0,
    )
    return world


@pytest.mark.parametrize("federated", [False, True])
@pytest.mark.parametrize(("n", "m"), [(1, 0), (5, 0), (6, 1), (25, 4), (60, 9), (150, 20)])
@pytest.mark.parametrize("seed", range(4))
def test_grouped_effective_rnd_equals_dense(seed, n, m, federated):
    w = random_world(seed, n, m, federated)
    B = channels.spillover_matrix(w["channels"], w["domain"], w["absorption"], w["relatedness"])
    dense = rnd_game.effective_rnd(w["x"], B)
    grouped = knowledge.effective_rnd_grouped(**w)
    np.testing.assert_allclose(grouped, dense, rtol=1e-10, atol=1e-10)


def small_world(alliance=(0, 0, NO_ALLIANCE), closed=(False,), internal=0.5, **overrides):
    world = {
        "x": np.array([1.0, 2.0, 4.0]),
        "domain": np.zeros(3, dtype=int),
        "relatedness": np.ones((1, 1)),
        "absorption": np.ones(3),
    }
    build = {"openness": 1.0, "public_rate": 0.1, "federation": None, "federation_rate": 0.0}
    build |= {k: overrides.pop(k) for k in list(overrides) if k in build}
    ch = channels.build(np.array(alliance), np.array(closed), internal_rate=internal, **build)
    return world | {"channels": ch} | overrides


def test_open_alliance_partner_counts_through_the_internal_channel_only():
    # firms 0 and 1: one open alliance, one domain; firm 2 alone. Version 1 added the partner
    # to the public pool too (X_0 = 1 + 0.5 * 2 + 0.1 * (2 + 4) = 2.6): counted twice.
    X = knowledge.effective_rnd_grouped(**small_world())
    np.testing.assert_allclose(X, [1 + 0.5 * 2 + 0.1 * 4, 2 + 0.5 * 1 + 0.1 * 4, 4 + 0.1 * 3])
    per_alliance = knowledge.effective_rnd_grouped(**small_world(internal=np.array([0.5])))
    np.testing.assert_array_equal(per_alliance, X)
    closed = knowledge.effective_rnd_grouped(**small_world(closed=(True,)))
    np.testing.assert_allclose(closed, [1 + 0.5 * 2 + 0.1 * 4, 2 + 0.5 * 1 + 0.1 * 4, 4.0])


def test_firm_alone_sends_the_public_rate_times_its_openness():
    X = knowledge.effective_rnd_grouped(**small_world(openness=np.array([1.0, 1.0, 0.25])))
    np.testing.assert_allclose(X[:2], [1 + 0.5 * 2 + 0.025 * 4, 2 + 0.5 * 1 + 0.025 * 4])
    np.testing.assert_allclose(X[2], 4 + 0.1 * 3)  # what it receives does not change


def test_federation_pairs_take_the_higher_of_federation_and_public_rate():
    world = small_world(
        alliance=(0, 1, 2),
        closed=(False, True, False),
        federation=np.array([0, 0, 2]),  # alliances 0 and 1 federated, 2 outside
        federation_rate=0.05,
        absorption=np.array([1.0, 0.5, 1.0]),
    )
    X = knowledge.effective_rnd_grouped(**world)
    # 0 <- 1 federation (closed giver: 0.05 > 0); 0 <- 2 public;
    # 1 <- 0 max(0.1 public, 0.05 federation) = 0.1 (strict precedence gave 0.05)
    expected = [1 + 0.05 * 2 + 0.1 * 4, 2 + 0.5 * (0.1 * 1 + 0.1 * 4), 4 + 0.1 * 1]
    np.testing.assert_allclose(X, expected)


def test_relatedness_is_read_giver_domain_first():
    world = small_world(
        alliance=(NO_ALLIANCE,) * 3,
        closed=(),
        domain=np.array([0, 1, 1]),
        relatedness=np.array([[1.0, 0.2], [0.7, 1.0]]),
        public_rate=1.0,
    )
    X = knowledge.effective_rnd_grouped(**world)
    np.testing.assert_allclose(X, [1 + 0.7 * (2 + 4), 2 + 0.2 * 1 + 4, 4 + 0.2 * 1 + 2])


def test_grouped_effective_rnd_runs_on_a_large_world():
    w = random_world(0, 300_000, 2_000, federated=True)
    X = knowledge.effective_rnd_grouped(**w)
    assert X.shape == (300_000,) and np.all(X >= w["x"])


# --- absorption ---------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    st.floats(0.0, 2.0),
    st.floats(0.0, 2.0),
    st.floats(0.0, 100.0),
    st.floats(0.0, 100.0),
    st.floats(0.0, 1.0),
    st.floats(1e-3, 10.0),
)
def test_absorption_lies_in_the_unit_interval_and_rises_with_capability_and_effort(
    k1, k2, e1, e2, a0, half
):
    # rows: capability k1, k2; columns: effort e1, e2
    a = knowledge.absorption(np.array([[k1], [k2]]), np.array([e1, e2]), a0=a0, half_effort=half)
    assert np.all((a >= 0) & (a <= 1))
    assert np.all((a[1] - a[0]) * np.sign(k2 - k1) >= -1e-15)
    assert np.all((a[:, 1] - a[:, 0]) * np.sign(e2 - e1) >= -1e-15)


def test_absorption_at_the_corners():
    a = knowledge.absorption([0.0, 0.5, 1.0, 2.0], [5.0, 0.0, 1e12, 0.05], 1.0, a0=0.4)
    np.testing.assert_allclose(a, [0.0, 0.2, 1.0, 0.7])
    np.testing.assert_allclose(knowledge.absorption(3.0, 0.0, frontier=6.0, a0=0.4), 0.2)


# --- capability growth --------------------------------------------------------------------

laws = st.fixed_dictionaries(
    {
        "learning_rate": st.floats(1e-3, 0.1),
        "catch_up": st.floats(0.0, 3.0),
        "obsolescence": st.floats(0.0, 0.2),
        "returns_exponent": st.floats(0.1, 1.0),
        "effort_offset": st.floats(1e-5, 1e-1),
    }
)


@settings(max_examples=80, deadline=None)
@given(laws, st.floats(0.0, 1.5), st.floats(0.0, 0.1), st.floats(1e-3, 1e3))
def test_marginal_capability_equals_central_differences(law, k, growth_q, X):
    h = 1e-5 * X

    def k_next(X):
        return knowledge.capability_gain(k, X, growth_q, **law)

    fd = (k_next(X + h) - k_next(X - h)) / (2 * h)
    g = knowledge.marginal_capability(k, X, growth_q, **law)
    np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(laws, st.floats(0.0, 1.0), st.floats(0.1, 5.0), st.floats(0.0, 0.1), st.floats(0.0, 50.0))
def test_law_is_relative_so_its_slope_does_not_grow_with_the_frontier(law, k, F, growth_q, X):
    # docs/model.md 6.2 in levels: K' = (1 - delta) K + lambda F (1 + kappa b) (...), K = k F,
    # then relative to the drifted frontier F' = F (1 + f): the same k' and g' for every F
    lam, kappa, alpha, X0 = (
        law[key] for key in ("learning_rate", "catch_up", "returns_exponent", "effort_offset")
    )
    F_next = F * (1 + growth_q)

    def level(X):
        gain = lam * F * (1 + kappa * (1 - k)) * ((X + X0) ** alpha - X0**alpha)
        return (1 - law["obsolescence"]) * k * F + gain

    k_next = knowledge.capability_gain(k, X, growth_q, **law)
    np.testing.assert_allclose(k_next * F_next, level(X), rtol=1e-12)
    slope = lam * F * (1 + kappa * (1 - k)) * alpha * (X + X0) ** (alpha - 1)  # dK'/dX
    g = knowledge.marginal_capability(k, X, growth_q, **law)
    np.testing.assert_allclose(g, slope / F_next, rtol=1e-12)  # d(K'/F')/dX


@settings(max_examples=80, deadline=None)
@given(laws, st.floats(0.0, 3.0), st.floats(0.0, 0.2), st.floats(0.0, 1e6))
def test_capability_is_never_negative_and_an_optional_ceiling_caps_it(law, k, g, X):
    free = knowledge.capability_gain(k, X, g, **law)
    assert free >= 0.0 and knowledge.marginal_capability(k, X, g, **law) > 0.0
    capped = knowledge.capability_gain(k, X, g, **law, ceiling=1.0)
    assert capped == min(free, 1.0)
    slope = knowledge.marginal_capability(k, X, g, **law, ceiling=1.0)
    if capped == 1.0:
        assert slope == 0.0  # the version-1 kink: at the cap more R&D adds nothing


@settings(max_examples=60, deadline=None)
@given(laws, st.floats(0.0, 1.0), st.floats(0.0, 0.1))
def test_capability_is_increasing_and_concave_in_effective_rnd(law, k, g):
    X = np.linspace(0.0, 200.0, 401)
    k_next = knowledge.capability_gain(k, X, g, **law)
    step = np.diff(k_next)
    assert np.all(step >= -1e-15)
    assert np.all(np.diff(step) <= 1e-12)


def test_alpha_one_reproduces_version_one_growth():
    p = GrowthParams()
    rng = np.random.default_rng(3)
    F, F_next = 1.2, 1.25
    k, X = rng.uniform(0.0, 1.3, 500), rng.uniform(0.0, 20.0, 500)
    law = {"learning_rate": p.learning_rate, "catch_up": p.catch_up}
    relative = knowledge.capability_gain(
        k / F,
        X,
        F_next / F - 1,
        **law,
        obsolescence=p.obsolescence,
        returns_exponent=1.0,
        ceiling=1.0,
    )
    old = growth.capability_gain(k, X, F, F_next, p)
    np.testing.assert_allclose(relative * F_next, old, rtol=1e-12)


def test_marginal_capability_is_finite_at_zero_effort():
    f = 0.028
    at_zero = knowledge.marginal_capability(0.5, 0.0, f, **LAW, returns_exponent=0.5)
    expected = 0.5 * 0.0328 * (1 + 1.5 * 0.5) * knowledge.EFFORT_OFFSET**-0.5 / (1 + f)
    np.testing.assert_allclose(at_zero, expected, rtol=1e-14)
    # continuous at 0: a firm with no effort is valued like one with very little
    tiny = knowledge.marginal_capability(0.5, 1e-9, f, **LAW, returns_exponent=0.5)
    np.testing.assert_allclose(tiny, at_zero, rtol=1e-5)
    linear = knowledge.marginal_capability(0.5, 0.0, 0.0, **LAW, returns_exponent=1.0)
    np.testing.assert_allclose(linear, 0.0328 * (1 + 1.5 * 0.5))
    assert knowledge.capability_gain(0.5, 0.0, 0.0, **LAW) == pytest.approx(0.99 * 0.5)
    with pytest.raises(ValueError, match="effort_offset"):
        knowledge.capability_gain(0.5, 1.0, 0.0, **LAW, effort_offset=0.0)


def leader_efforts(ceiling, quarters=40):
    """A leader alone, MV = c g' at last quarter's X (the doc's timing for g'): x = MV / gamma."""
    law = LAW | {"returns_exponent": 0.5}
    c, gamma, f = 20_000.0, 40.0, knowledge.quarterly_rate(0.1184)
    k, X, efforts = 1.0, 1.0, []
    for _ in range(quarters):
        X = c * knowledge.marginal_capability(k, X, f, **law, ceiling=ceiling) / gamma
        efforts.append(X)
        k_next = knowledge.capability_gain(k, X, f, **law, ceiling=ceiling)
        k = float(knowledge.push_frontier(np.array([k_next]), np.array([0]), 1, f)[0][0])
    return np.array(efforts)


def test_leader_at_the_frontier_keeps_investing_instead_of_oscillating():
    # version 1 capped k' at the frontier, where g' = 0: the leader stops, falls behind,
    # restarts, and its effort 2-cycles. Without the cap it passes the frontier, becomes it
    # (push_frontier) and settles at a steady effort.
    capped = leader_efforts(ceiling=1.0)
    assert np.all(capped[1::2] == 0.0) and np.all(capped[::2] > 1.0)
    free = leader_efforts(ceiling=None)
    assert np.all(free > 1.0)
    np.testing.assert_allclose(free[-5:], free[-1], rtol=1e-9)
    # the slope is continuous where k' crosses 1: no kink without a ceiling
    X = np.linspace(1.0, 20.0, 19_001)
    k_next = knowledge.capability_gain(0.99, X, 0.028, **LAW)
    assert k_next[0] < 1.0 < k_next[-1]
    g = knowledge.marginal_capability(0.99, X, 0.028, **LAW)
    assert np.all(np.abs(np.diff(g)) < 1e-3 * g[:-1])


def test_push_frontier_makes_the_best_unit_the_frontier_in_its_domain_only():
    k = np.array([1.2, 0.6, 0.9, 0.95, 1.5, 0.3])
    domain = np.array([0, 0, 1, 1, 3, 3])
    drift = np.array([0.01, 0.02, 0.03, 0.04])
    pushed, growth_q = knowledge.push_frontier(k, domain, 4, drift)
    np.testing.assert_allclose(pushed, [1.0, 0.5, 0.9, 0.95, 1.0, 0.2])
    np.testing.assert_allclose(growth_q, [1.01 * 1.2 - 1, 0.02, 0.03, 1.04 * 1.5 - 1])
    pushed, growth_q = knowledge.push_frontier(k, domain, 4)  # no drift: the push alone
    np.testing.assert_allclose(growth_q, [0.2, 0.0, 0.0, 0.5])


# --- frontier and gap ---------------------------------------------------------------


def test_frontier_compounds_to_its_yearly_rate_per_domain():
    g = np.linspace(0.0, 0.5, N_DOMAINS)
    F = np.linspace(1.0, 2.0, N_DOMAINS)
    year = F
    for _ in range(4):
        year = knowledge.next_frontier(year, g)
    np.testing.assert_allclose(year, F * (1 + g), rtol=1e-14)
    np.testing.assert_allclose(knowledge.quarterly_rate(0.1184), 1.1184**0.25 - 1, rtol=1e-14)


@pytest.mark.parametrize("frontier", [1.0, 1.7])
@pytest.mark.parametrize("level", [0.0, 0.3, 0.7395, 0.95, 1.0])
def test_gap_matches_version_one_in_the_one_domain_case(frontier, level):
    p = GrowthParams()
    national = level * frontier
    old = growth.technology_gap_years(national, frontier, p)
    new = knowledge.gap_years(national, frontier, p.frontier_growth)
    np.testing.assert_allclose(new, old, rtol=1e-14, atol=1e-14)


def test_compounding_gap_is_the_time_to_reach_todays_frontier_and_agrees_to_first_order():
    g = 0.1184
    national = np.array([0.5, 0.74, 0.9, 0.999, 1.0])
    log_gap = knowledge.gap_years(national, 1.0, g, compounding=True)
    np.testing.assert_allclose(national * (1 + g) ** log_gap, 1.0, rtol=1e-13)
    linear = knowledge.gap_years(national, 1.0, g)
    assert log_gap[-1] == linear[-1] == 0.0
    assert np.all(log_gap[:-1] > linear[:-1])
    # the relative difference shrinks with the gap (first-order agreement)
    assert np.all(np.diff(log_gap[:-1] / linear[:-1] - 1) < 0)
    np.testing.assert_allclose(log_gap[3] / linear[3], 1.0, rtol=0.07)
    assert knowledge.gap_years(0.0, 1.0, g, compounding=True) == np.inf


def test_overall_gap_is_market_weighted():
    gap = np.array([[1.0, 2.0, 4.0], [0.0, 0.0, 3.0]])
    overall = knowledge.overall_gap_years(gap, np.array([2.0, 1.0, 1.0]))
    np.testing.assert_allclose(overall, [(2 + 2 + 4) / 4, 3 / 4])
    assert knowledge.overall_gap_years(np.array([2.5]), np.array([7.0])) == 2.5


# --- the law computed once per solve -------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_law_of_fixed_units_gives_exactly_the_rules_values(seed):
    rng = np.random.default_rng(seed)
    n = 400
    k, X = rng.uniform(0.0, 1.2, n), rng.uniform(-0.1, 5.0, n)
    growth_q = rng.uniform(0.0, 0.05, n)
    ceiling = np.where(rng.random(n) < 0.3, 1.0, np.inf)
    law = knowledge.capability_law(k, growth_q, **LAW, ceiling=ceiling)
    slope = knowledge.marginal_capability(k, X, growth_q, **LAW, ceiling=ceiling)
    assert law.capped is not None and law.capped.size == int(np.isfinite(ceiling).sum())
    assert np.array_equal(law.slope(X), slope)  # bit for bit, capped units apart or not
    assert (slope == 0.0).any() and (slope > 0.0).any()  # the ceiling binds for some
    gain = knowledge.capability_gain(k, X, growth_q, **LAW, ceiling=ceiling)
    assert np.array_equal(law.next(X), gain)
    some = np.array([3, 17, 250])
    assert np.array_equal(law.take(some).slope(X[some]), slope[some])


@given(X=st.floats(0.0, 1e6), k=st.floats(0.0, 1.5), g=st.floats(0.0, 0.1))
def test_the_fast_slope_is_within_its_stated_error(X, k, g):
    law = knowledge.capability_law(np.array([k]), g, **LAW, ceiling=np.array([np.inf]))
    exact, fast = law.slope(np.array([X])), law.estimate_slope(np.array([X]))
    assert fast is not None
    assert abs(fast[0] - exact[0]) <= knowledge.SLOPE_ESTIMATE_ERROR * exact[0]


def test_the_fast_slope_exists_only_at_half_returns():
    law = knowledge.capability_law(0.5, 0.01, **LAW, returns_exponent=0.7)
    assert not law.has_estimate and law.estimate_slope(np.ones(3)) is None
