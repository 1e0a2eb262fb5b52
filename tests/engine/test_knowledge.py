"""Spillovers received (grouped = dense, one channel per pair) and capability growth."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sim.config.schema import GrowthParams
from sim.config.vocabulary import N_DOMAINS
from sim.engine import growth, knowledge, rnd_game
from sim.engine.state import NO_ALLIANCE

LAW = {"learning_rate": 0.0328, "catch_up": 1.5, "obsolescence": 0.01}


# --- effective R&D: grouped against dense ----------------------------------------------


def dense_spillovers(w):
    """Dense B[giver, receiver] of rnd_game, with the federation channel added.

    A pair in one federation but different alliances takes the federation rate, whatever
    the giver publishes (precedence internal > federation > public).
    """
    B = rnd_game.channel_spillover_matrix(
        w["domain"],
        w["alliance"],
        w["closed_alliance"],
        w["absorption"],
        w["relatedness"],
        w["internal_rate"],
        w["public_rate"],
    )
    if w["federation"] is None:
        return B
    alliance, inside = w["alliance"], w["alliance"] != NO_ALLIANCE
    federation = np.append(w["federation"], -1)  # a stand-in slot when there is no alliance
    fed = np.where(inside, federation[np.where(inside, alliance, 0)], -1)
    both = inside[:, None] & inside[None, :]
    federated = both & (fed[:, None] == fed[None, :]) & (alliance[:, None] != alliance[None, :])
    related = w["relatedness"][w["domain"][:, None], w["domain"][None, :]]
    rate = w["absorption"][None, :] * related * w["federation_rate"]
    return np.where(federated, rate, B)


def random_world(seed, n, n_alliances, federated):
    rng = np.random.default_rng(seed)
    m = n_alliances
    return {
        "x": rng.uniform(0.0, 50.0, n) * (rng.random(n) < 0.9),
        "domain": rng.integers(0, N_DOMAINS, n),
        "alliance": rng.integers(-1, m, n) if m else np.full(n, NO_ALLIANCE),
        "closed_alliance": rng.random(m) < 0.4,
        "internal_rate": rng.uniform(0.0, 1.0, m),
        "public_rate": float(rng.uniform(0.0, 0.5)),
        "relatedness": rng.uniform(0.0, 1.0, (N_DOMAINS, N_DOMAINS)),
        "absorption": rng.uniform(0.0, 1.0, n),
        "federation": rng.integers(0, max(m // 2, 1), m) + 3 if federated else None,
        "federation_rate": float(rng.uniform(0.0, 1.0)) if federated else 0.0,
    }


@pytest.mark.parametrize("federated", [False, True])
@pytest.mark.parametrize(("n", "m"), [(1, 0), (5, 0), (6, 1), (25, 4), (60, 9), (150, 20)])
@pytest.mark.parametrize("seed", range(4))
def test_grouped_effective_rnd_equals_dense(seed, n, m, federated):
    w = random_world(seed, n, m, federated)
    dense = rnd_game.effective_rnd(w["x"], dense_spillovers(w))
    grouped = knowledge.effective_rnd_grouped(**w)
    np.testing.assert_allclose(grouped, dense, rtol=1e-10, atol=1e-10)


def test_dense_reference_without_federation_is_rnd_games_matrix():
    w = random_world(7, 30, 5, federated=False)
    B = rnd_game.channel_spillover_matrix(
        *(w[k] for k in ("domain", "alliance", "closed_alliance", "absorption")),
        *(w[k] for k in ("relatedness", "internal_rate", "public_rate")),
    )
    np.testing.assert_array_equal(dense_spillovers(w), B)


def small_world(**overrides):
    world = {
        "x": np.array([1.0, 2.0, 4.0]),
        "domain": np.zeros(3, dtype=int),
        "alliance": np.array([0, 0, NO_ALLIANCE]),
        "closed_alliance": np.array([False]),
        "internal_rate": np.array([0.5]),
        "public_rate": 0.1,
        "relatedness": np.ones((1, 1)),
        "absorption": np.ones(3),
    }
    return world | overrides


def test_open_alliance_partner_counts_through_the_internal_channel_only():
    # firms 0 and 1: one open alliance, one domain; firm 2 alone. Version 1 added the partner
    # to the public pool too (X_0 = 1 + 0.5 * 2 + 0.1 * (2 + 4) = 2.6): counted twice.
    X = knowledge.effective_rnd_grouped(**small_world())
    np.testing.assert_allclose(X, [1 + 0.5 * 2 + 0.1 * 4, 2 + 0.5 * 1 + 0.1 * 4, 4 + 0.1 * 3])
    scalar_rate = knowledge.effective_rnd_grouped(**small_world(internal_rate=0.5))
    np.testing.assert_array_equal(scalar_rate, X)
    closed = knowledge.effective_rnd_grouped(**small_world(closed_alliance=np.array([True])))
    np.testing.assert_allclose(closed, [1 + 0.5 * 2 + 0.1 * 4, 2 + 0.5 * 1 + 0.1 * 4, 4.0])


def test_federation_channel_takes_precedence_over_public_and_reaches_closed_givers():
    world = small_world(
        alliance=np.array([0, 1, 2]),
        closed_alliance=np.array([False, True, False]),
        internal_rate=np.array([0.5, 0.5, 0.5]),
        federation=np.array([0, 0, 2]),  # alliances 0 and 1 federated, 2 outside
        federation_rate=0.05,
        absorption=np.array([1.0, 0.5, 1.0]),
    )
    X = knowledge.effective_rnd_grouped(**world)
    # 0 <- 1 by federation (closed giver), 0 <- 2 public; 1 <- 0 federation (not 0.1 public)
    expected = [1 + 0.05 * 2 + 0.1 * 4, 2 + 0.5 * (0.05 * 1 + 0.1 * 4), 4 + 0.1 * 1]
    np.testing.assert_allclose(X, expected)


def test_relatedness_is_read_giver_domain_first():
    world = small_world(
        domain=np.array([0, 1, 1]),
        alliance=np.full(3, NO_ALLIANCE),
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
    }
)


@settings(max_examples=80, deadline=None)
@given(laws, st.floats(0.0, 1.5), st.floats(0.5, 2.0), st.floats(0.0, 0.1), st.floats(1e-2, 1e3))
def test_marginal_capability_equals_central_differences(law, k_rel, F, growth_q, X):
    k, ceiling = k_rel * F, F * (1.0 + growth_q)
    h = 1e-5 * X

    def k_next(X):
        return knowledge.capability_gain(k, X, F, ceiling, **law)

    assume(k_next(X + h) < ceiling)  # away from the cap's kink (below: derivative 0)
    fd = (k_next(X + h) - k_next(X - h)) / (2 * h)
    g = knowledge.marginal_capability(k, X, F, ceiling, **law)
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-12)


@settings(max_examples=80, deadline=None)
@given(laws, st.floats(0.0, 3.0), st.floats(0.1, 5.0), st.floats(0.0, 0.2), st.floats(0.0, 1e6))
def test_capability_never_exceeds_the_new_frontier_nor_goes_negative(law, k_rel, F, g, X):
    ceiling = F * (1.0 + g)
    k_next = knowledge.capability_gain(k_rel * F, X, F, ceiling, **law)
    assert 0.0 <= k_next <= ceiling
    slope = knowledge.marginal_capability(k_rel * F, X, F, ceiling, **law)
    assert slope >= 0.0
    if k_next == ceiling:
        assert slope == 0.0  # at the cap more R&D adds nothing


@settings(max_examples=60, deadline=None)
@given(laws, st.floats(0.0, 1.0), st.floats(0.5, 2.0), st.floats(0.0, 0.1))
def test_capability_is_increasing_and_concave_in_effective_rnd(law, k_rel, F, g):
    X = np.linspace(0.0, 200.0, 401)
    k_next = knowledge.capability_gain(k_rel * F, X, F, F * (1.0 + g), **law)
    step = np.diff(k_next)
    assert np.all(step >= -1e-15)
    assert np.all(np.diff(step) <= 1e-12)


def test_alpha_one_reproduces_version_one_growth():
    p = GrowthParams()
    rng = np.random.default_rng(3)
    k, X = rng.uniform(0.0, 1.3, 500), rng.uniform(0.0, 20.0, 500)
    law = {"learning_rate": p.learning_rate, "catch_up": p.catch_up}
    new = knowledge.capability_gain(
        k, X, 1.2, 1.25, **law, obsolescence=p.obsolescence, returns_exponent=1.0
    )
    np.testing.assert_allclose(new, growth.capability_gain(k, X, 1.2, 1.25, p), rtol=1e-14)


def test_marginal_capability_at_the_edges():
    inf = np.inf
    at_zero = knowledge.marginal_capability(0.5, 0.0, 1.0, inf, **LAW, returns_exponent=0.5)
    assert at_zero == inf
    linear = knowledge.marginal_capability(0.5, 0.0, 1.0, inf, **LAW, returns_exponent=1.0)
    np.testing.assert_allclose(linear, 0.0328 * (1 + 1.5 * 0.5))
    capped = knowledge.marginal_capability(1.0, 1e6, 1.0, 1.02, **LAW)
    assert capped == 0.0


# --- frontier, gap, horizon ---------------------------------------------------------------


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


@settings(max_examples=80, deadline=None)
@given(st.floats(0.5, 1.1), st.floats(0.0, 0.5), st.integers(1, 80))
def test_horizon_multiplier_is_the_geometric_sum(discount, depreciation, H):
    q = discount * (1 - depreciation)
    explicit = sum(q**h for h in range(1, H + 1))
    np.testing.assert_allclose(
        knowledge.horizon_multiplier(discount, depreciation, H), explicit, rtol=1e-10
    )


def test_horizon_multiplier_limits_and_the_design_documents_value():
    assert knowledge.horizon_multiplier(1.0, 0.0, 12) == 12.0
    np.testing.assert_allclose(knowledge.horizon_multiplier(0.9, 0.0, np.inf), 9.0)
    np.testing.assert_allclose(knowledge.horizon_multiplier(0.5, 1.0, 5), 0.0)
    # docs/model.md 6.2: H = 12, 10 %/yr discount, 25 %/yr market growth, 11.84 %/yr frontier
    # drift, 1 %/quarter obsolescence: Lambda = 12.0 (first quarter not depreciated)
    z = 1.1**-0.25 * 1.25**0.25
    psi = 0.99 / 1.1184**0.25
    doc_lambda = knowledge.horizon_multiplier(z, 1 - psi, 12) / psi
    np.testing.assert_allclose(doc_lambda, 12.0, atol=0.05)
    grid = knowledge.horizon_multiplier(np.array([0.9, 1.0]), 0.0, np.array([[1], [3]]))
    np.testing.assert_allclose(grid, [[0.9, 1.0], [0.9 + 0.81 + 0.729, 3.0]])
