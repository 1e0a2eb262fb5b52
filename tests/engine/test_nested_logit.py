"""The reviser's nested logit (sim.engine.nested_logit) against its closed form."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.engine.nested_logit import nest_shock, nested_pick

K = 200_000


def closed_form(v: np.ndarray, s: float, lam: float) -> np.ndarray:
    """P(option) of a nested logit: staying (column 1) alone, the other options one nest."""
    move = np.delete(v, 1)
    ok = np.isfinite(move)
    inner = np.where(ok, np.exp((move - move[ok].max()) / (lam * s)), 0.0)
    inclusive = move[ok].max() + lam * s * np.log(inner.sum())
    p_move = 1.0 / (1.0 + np.exp((v[1] - inclusive) / s))
    return np.insert(p_move * inner / inner.sum(), 1, 1.0 - p_move)


def frequencies(v: np.ndarray, s: float, lam: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = np.broadcast_to(v, (K, v.size)).copy()
    pick = nested_pick(
        values, np.full(K, s), lam, rng.gumbel(size=(K, v.size)), rng.random(size=(K, 2))
    )
    return np.bincount(pick, minlength=v.size) / K


@pytest.mark.parametrize("lam", [0.2, 0.5, 1.0])
def test_draws_follow_the_closed_form(lam):
    v = np.array([-0.3, 0.0, -np.inf, 0.2, -0.1, -1.0])  # alone, stay, found (n/a), candidates
    expected = closed_form(v, 0.4, lam)
    se = np.sqrt(expected * (1 - expected) / K)
    np.testing.assert_array_less(np.abs(frequencies(v, 0.4, lam) - expected), 4.5 * se + 1e-12)
    assert expected[2] == 0.0


def test_a_similarity_of_one_is_the_plain_logit():
    v = np.array([-0.3, 0.0, 0.1, 0.2, -0.1])
    mnl = np.exp(v / 0.5) / np.exp(v / 0.5).sum()
    np.testing.assert_allclose(closed_form(v, 0.5, 1.0), mnl, rtol=1e-12)


def test_listing_more_copies_of_an_option_barely_moves_a_reviser_when_similar():
    one = np.array([-np.inf, 0.0, -np.inf, -0.2])
    four = np.array([-np.inf, 0.0, -np.inf, -0.2, -0.2, -0.2, -0.2])

    def odds(v: np.ndarray, lam: float) -> float:
        stay = frequencies(v, 0.3, lam)[1]
        return float((1.0 - stay) / stay)

    # plain logit: four copies of a candidate quadruple the odds of leaving
    assert odds(four, 1.0) == pytest.approx(4.0 * odds(one, 1.0), rel=0.05)
    # similar options: the odds of leaving rise by 4^lambda only (lambda = 0.1: 15 %)
    assert odds(four, 0.1) == pytest.approx(4.0**0.1 * odds(one, 0.1), rel=0.05)


@given(
    st.lists(st.floats(-5, 5), min_size=4, max_size=8),
    st.floats(0.05, 3.0),
    st.floats(0.01, 1.0),
    st.integers(0, 2**31),
)
def test_picks_an_available_option_or_stays(values, s, lam, seed):
    v = np.array(values)
    v[0] = -np.inf  # an unavailable option is never picked
    rng = np.random.default_rng(seed)
    pick = nested_pick(
        np.broadcast_to(v, (50, v.size)).copy(),
        np.full(50, s),
        lam,
        rng.gumbel(size=(50, v.size)),
        rng.random(size=(50, 2)),
    )
    assert ((pick >= 1) & (pick < v.size)).all()
    nothing = np.full((3, 4), -np.inf)
    nothing[:, 1] = 0.0
    pick = nested_pick(nothing, np.ones(3), lam, np.zeros((3, 4)), np.zeros((3, 2)))
    assert (pick == 1).all()  # no option to move to: the reviser stays


def test_the_nest_shock_makes_nest_utilities_gumbel():
    """eta + lambda g is standard Gumbel (Cardell 1997): its mean is Euler's constant and its
    variance pi^2 / 6, whatever lambda."""
    rng = np.random.default_rng(1)
    for lam in (0.1, 0.5, 1.0):
        z = nest_shock(lam, rng.random(size=(K, 2))) + lam * rng.gumbel(size=K)
        assert z.mean() == pytest.approx(np.euler_gamma, abs=0.02)
        assert z.var() == pytest.approx(np.pi**2 / 6, rel=0.03)


@given(st.floats(0.05, 1.0), st.integers(0, 5), st.floats(0.01, 3.0), st.integers(0, 2**31))
def test_raising_one_option_moves_revisers_only_to_it(lam, column, raise_by, seed):
    """With the same draws, a better option j can only win revisers for j (the coupling the
    clarity test of tests/engine/test_policing.py relies on)."""
    rng = np.random.default_rng(seed)
    n, c = 400, 6
    v = rng.normal(0.0, 0.5, size=(n, c))
    v[:, 1] = 0.0
    g, u, s = rng.gumbel(size=(n, c)), rng.random(size=(n, 2)), np.full(n, 0.4)
    before = nested_pick(v, s, lam, g, u)
    v[:, column] += raise_by
    after = nested_pick(v, s, lam, g, u)
    assert ((after == before) | (after == column)).all()
