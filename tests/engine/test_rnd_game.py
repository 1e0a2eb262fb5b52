"""The R&D game machinery: iterated to its fixed point it reproduces d'Aspremont-Jacquemin."""

from functools import partial

import numpy as np
import pytest

from sim.engine import cournot, rnd_game
from sim.engine.rnd_game import NoConvergenceError

BETAS = (0.0, 0.25, 0.5, 0.75, 1.0)
GAMMA_B = (2.5, 4.0, 20.0)  # gamma * b > 2: interior equilibrium exists, iteration stable
MARKETS = ((10.0, 4.0, 1.0), (100.0, 20.0, 0.25))  # (a, A, b), a > A


def equilibrium(n, beta, a, A, b, gamma, cooperative):
    W = np.ones((n, n)) if cooperative else np.eye(n)
    market = partial(cournot.profit_jacobian, a, b, A)
    return rnd_game.solve(market, rnd_game.spillover_matrix(n, beta), W, gamma, tol=1e-12)


def stable(n, beta, b, gamma, cooperative):
    """The convergence condition of the module docstring (largest eigenvalue below gamma)."""
    own, spread = n - (n - 1) * beta, 1 + (n - 1) * beta
    if cooperative:
        eig = (2 * spread**2 / ((n + 1) ** 2 * b), 2 * (1 - beta) ** 2 / b)
    else:
        eig = (2 * own * spread / ((n + 1) ** 2 * b), 2 * own * (1 - beta) / ((n + 1) * b))
    return max(eig) < gamma


@pytest.mark.parametrize("n", range(2, 11))
def test_fixed_point_equals_both_closed_forms(n):
    for beta in BETAS:
        for a, A, b in MARKETS:
            for gb in GAMMA_B:
                gamma = gb / b
                for coop in (False, True):
                    assert stable(n, beta, b, gamma, coop)  # gamma b > 2 implies it
                    eq = equilibrium(n, beta, a, A, b, gamma, coop)
                    closed = cournot.dasp_jacquemin_effort(n, beta, a, A, b, gamma, coop)
                    assert closed > 0
                    np.testing.assert_allclose(eq.effort, closed, rtol=1e-9, atol=0)
                    assert np.all(cournot.quantities(a, b, A - eq.effective) > 0)  # interior


@pytest.mark.parametrize("cooperative", [False, True])
@pytest.mark.parametrize("beta", [0.0, 0.3, 0.8, 1.0])
def test_best_response_map_eigenvalues_are_the_documented_ones(beta, cooperative):
    n, a, A, b, gamma = 4, 10.0, 4.0, 1.3, 3.0
    B = rnd_game.spillover_matrix(n, beta)
    W = np.ones((n, n)) if cooperative else np.eye(n)
    market = partial(cournot.profit_jacobian, a, b, A)
    x = rnd_game.solve(market, B, W, gamma).effort

    def br(x):
        return rnd_game.marginal_value(market(rnd_game.effective_rnd(x, B)), B, W) / gamma

    h = 1e-6
    slope = np.stack([(br(x + h * e) - br(x - h * e)) / (2 * h) for e in np.eye(n)], axis=1)
    own, spread = n - (n - 1) * beta, 1 + (n - 1) * beta
    if cooperative:
        sym, other = 2 * spread**2 / ((n + 1) ** 2 * b), 2 * (1 - beta) ** 2 / b
    else:
        sym, other = 2 * own * spread / ((n + 1) ** 2 * b), 2 * own * (1 - beta) / ((n + 1) * b)
    expected = np.sort([sym / gamma] + [other / gamma] * (n - 1))
    np.testing.assert_allclose(np.sort(np.linalg.eigvals(slope).real), expected, atol=1e-7)


@pytest.mark.parametrize("n", range(2, 11))
def test_cooperation_raises_effort_exactly_above_one_half(n):
    a, A, b, gamma = 10.0, 4.0, 1.0, 3.0
    for beta in BETAS:
        coop = equilibrium(n, beta, a, A, b, gamma, True).effort[0]
        non = equilibrium(n, beta, a, A, b, gamma, False).effort[0]
        if beta > 0.5:
            assert coop > non
        elif beta < 0.5:
            assert coop < non
        else:
            assert coop == pytest.approx(non, rel=1e-12)


def test_partial_depth_lies_between_the_two_benchmarks():
    n, beta, a, A, b, gamma = 4, 0.8, 10.0, 4.0, 1.0, 3.0
    market = partial(cournot.profit_jacobian, a, b, A)
    B = rnd_game.spillover_matrix(n, beta)
    W = rnd_game.profit_weights(np.zeros(n, dtype=int), [0.5])
    mid = rnd_game.solve(market, B, W, gamma).effort[0]
    low = cournot.dasp_jacquemin_effort(n, beta, a, A, b, gamma, False)
    high = cournot.dasp_jacquemin_effort(n, beta, a, A, b, gamma, True)
    assert low < mid < high


def test_unstable_iteration_raises_naming_iterations_and_residual():
    market = partial(cournot.profit_jacobian, 10.0, 1.0, 4.0)
    W = np.ones((3, 3))
    with pytest.raises(NoConvergenceError, match=r"after 50 iterations: residual") as info:
        rnd_game.solve(market, np.eye(3), W, gamma=0.1, max_iter=50)  # gamma b < 2
    assert info.value.iterations == 50 and info.value.residual > 0


def test_damping_tames_an_oscillating_best_response():
    def market(X):  # MV_i = 4 - 1.5 X_i: undamped iteration flips sign and grows
        return np.diag(4.0 - 1.5 * X)

    I2 = np.eye(2)
    with pytest.raises(NoConvergenceError):
        rnd_game.solve(market, I2, I2, 1.0, max_iter=200)
    eq = rnd_game.solve(market, I2, I2, 1.0, damping=0.5)
    np.testing.assert_allclose(eq.effort, 1.6, rtol=1e-12)


def test_cash_caps_effort():
    market = partial(cournot.profit_jacobian, 10.0, 1.0, 4.0)
    B, W = rnd_game.spillover_matrix(3, 0.2), np.eye(3)
    free = rnd_game.solve(market, B, W, 3.0).effort
    cash = np.array([np.inf, free[1] / 2, 0.0])
    capped = rnd_game.solve(market, B, W, 3.0, cash=cash).effort
    assert capped[1] == cash[1] and capped[2] == 0.0 and capped[0] > free[0]


def test_best_response_and_effective_rnd():
    x = rnd_game.best_response(np.array([-1.0, 2.0, 6.0]), 2.0, np.array([5.0, 5.0, 2.0]))
    np.testing.assert_array_equal(x, [0.0, 1.0, 2.0])
    B = np.array([[1.0, 0.5], [0.0, 1.0]])  # 0's effort spills to 1, not back
    np.testing.assert_array_equal(rnd_game.effective_rnd(np.array([2.0, 1.0]), B), [2.0, 2.0])


def test_marginal_value_is_the_index_formula():
    rng = np.random.default_rng(0)
    J, B, W = rng.normal(size=(3, 4, 4))
    mv = rnd_game.marginal_value(J, B, W)
    idx = range(4)
    loop = [sum(W[i, j] * B[i, k] * J[j, k] for j in idx for k in idx) for i in idx]
    np.testing.assert_allclose(mv, loop, rtol=1e-12)


def test_profit_weights_from_alliances():
    W = rnd_game.profit_weights(np.array([0, -1, 0, 1, 1]), np.array([0.3, 1.0]))
    expected = np.eye(5)
    expected[0, 2] = expected[2, 0] = 0.3
    expected[3, 4] = expected[4, 3] = 1.0
    np.testing.assert_array_equal(W, expected)
    np.testing.assert_array_equal(rnd_game.profit_weights(np.array([-1, -1]), []), np.eye(2))


def test_channel_spillover_counts_each_pair_through_one_channel():
    # 0, 1 in open alliance 0; 2, 3 in closed alliance 1; 4 alone. One domain, R = 0.9.
    alliance = np.array([0, 0, 1, 1, -1])
    a = np.array([0.5, 0.8, 0.6, 0.7, 0.4])
    iota, rho = np.array([0.3, 0.6]), 0.2
    B = rnd_game.channel_spillover_matrix(
        np.zeros(5, int), alliance, [False, True], a, [[0.9]], iota, rho, openness=1.0
    )
    assert B[0, 1] == pytest.approx(0.8 * 0.9 * 0.3)  # internal only, not 0.3 + 0.2
    assert B[2, 3] == pytest.approx(0.7 * 0.9 * 0.6)
    assert B[0, 4] == pytest.approx(0.4 * 0.9 * 0.2)  # open member publishes
    assert B[4, 0] == pytest.approx(0.5 * 0.9 * 0.2)  # firm alone publishes (openness 1)
    assert B[2, 0] == 0.0 and B[3, 4] == 0.0  # closed members do not
    assert B[0, 2] == pytest.approx(0.6 * 0.9 * 0.2)  # but receive what others publish
    np.testing.assert_array_equal(np.diag(B), 1.0)
    shy = rnd_game.channel_spillover_matrix(
        np.zeros(5, int), alliance, [False, True], a, [[0.9]], iota, rho, openness=0.25
    )
    assert shy[4, 0] == pytest.approx(0.5 * 0.9 * 0.2 * 0.25)  # ... with weight its openness
    np.testing.assert_array_equal(np.delete(shy, 4, axis=0), np.delete(B, 4, axis=0))


# --- horizon multipliers (docs/model.md 6.2) ------------------------------------------------

DOC = {"discount_rate": 0.10, "market_growth": 0.25, "frontier_growth": 0.1184}
DOC |= {"obsolescence": 0.01, "horizon": 12}


def test_horizon_multipliers_reproduce_the_design_documents_numbers():
    # docs/model.md 6.2 prints Lambda ~ 12.0, flow ~ 89.0, lev ~ 14.9, Lambda^0 ~ 10.3 from
    # sums over tau = 1..H: lag = 1 here
    printed = rnd_game.horizon_multipliers(**DOC, lag=1)
    np.testing.assert_allclose(printed, [12.0, 89.0, 14.9, 10.3], atol=0.05)
    np.testing.assert_allclose(printed.gain, 11.9857, atol=5e-5)
    # the model's timing (lag 0): the quarter's markets use the quarter's new capability
    model = rnd_game.horizon_multipliers(**DOC)
    np.testing.assert_allclose(model, [11.6087, 86.2364, 14.3932, 10.5617], atol=5e-5)
    rho = 1.1**-0.25
    z = rho * 1.25**0.25
    np.testing.assert_allclose(printed, np.multiply(model, [z, z, z, rho]), rtol=1e-14)


@pytest.mark.parametrize("lag", [0, 1, 3])
@pytest.mark.parametrize("H", [1, 2, 12, 40])
def test_horizon_multipliers_are_the_documented_sums(H, lag):
    r, n, phi, delta = 0.07, 0.3, 0.2, 0.02
    rho = (1 + r) ** -0.25
    z = rho * (1 + n) ** 0.25
    psi = (1 - delta) / (1 + phi) ** 0.25
    taus = range(lag, lag + H)
    expected = [
        sum(z**t * psi ** (t - lag) for t in taus),
        sum(z**t * (1 - psi ** (t - lag + 1)) / (1 - psi) for t in taus),
        sum(z**t for t in taus),
        sum(rho**t for t in taus),
    ]
    got = rnd_game.horizon_multipliers(r, n, phi, delta, H, lag)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_horizon_multipliers_broadcast_and_limits():
    got = rnd_game.horizon_multipliers(0.0, 0.0, 0.0, np.array([0.0, 1.0]), 5)
    np.testing.assert_allclose(got.gain, [5.0, 1.0])  # no loss; all lost after one quarter
    np.testing.assert_allclose(got.flow, [15.0, 5.0])  # stock 1, 2, .., 5; or 1 each quarter
    np.testing.assert_allclose([got.level, got.money], 5.0)
    per_market = rnd_game.horizon_multipliers(0.1, np.array([0.0, 0.25, 0.5]), 0.1184, 0.01, 12)
    assert per_market.gain.shape == (3,) and np.all(np.diff(per_market.gain) > 0)
    with pytest.raises(ValueError, match="horizon"):
        rnd_game.horizon_multipliers(0.1, 0.0, 0.0, 0.0, 0)
