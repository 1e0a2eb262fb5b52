"""sim.engine.economics against d'Aspremont and Jacquemin (1988), n-firm form.

The effort formulas are the equilibria of the game they come from, the beta = 1/2
crossover holds for every n, and the model's own quarter (``AllianceModel.step``)
reproduces both in a world of identical firms (see docs/validation.md; the worlds are in
tests/engine/validation_worlds.py). Axelrod and Bennett (1993): tests/analysis/test_landscape.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq, minimize_scalar

from sim.engine.economics import rd_effort
from tests.engine.validation_worlds import DAJ_BETAS, PARAMETER_SETS, daj_base, daj_model_effort


def cournot_profits(x: np.ndarray, beta: float, a: float, A: float, b: float, gamma: float):
    """Second-stage Cournot profits given efforts ``x`` (the game the formulas solve).

    Unit cost ``c_i = A - x_i - beta sum_{j != i} x_j``; with P = a - bQ the Cournot
    output is ``q_i = (a - n c_i + sum_{j != i} c_j) / (b (n + 1))`` and profit
    ``b q_i^2 - gamma x_i^2 / 2``.
    """
    n = x.size
    c = A - x - beta * (x.sum() - x)
    q = (a - n * c + (c.sum() - c)) / (b * (n + 1))
    assert np.all(q > 0)  # interior equilibrium: the closed form applies
    return b * q * q - gamma * x * x / 2


@pytest.mark.parametrize("n", [2, 3, 5, 10])
@pytest.mark.parametrize("beta", [0.0, 0.3, 0.5, 0.8, 1.0])
@pytest.mark.parametrize(("a", "A", "b", "gamma"), PARAMETER_SETS[:2])
def test_effort_formulas_are_the_equilibria_of_the_game(n, beta, a, A, b, gamma):
    x_non = float(rd_effort(n, beta, a, A, b, gamma, False))
    x_coop = float(rd_effort(n, beta, a, A, b, gamma, True))
    bound = (0.0, 10 * max(x_non, x_coop))

    def deviation_profit(x0: float) -> float:  # firm 0 deviates, the others play x*
        return cournot_profits(np.r_[x0, np.full(n - 1, x_non)], beta, a, A, b, gamma)[0]

    best = minimize_scalar(lambda x0: -deviation_profit(x0), bounds=bound, method="bounded")
    assert best.x == pytest.approx(x_non, rel=1e-5)  # x* is a best response to x*

    def joint(x: float) -> float:  # all firms at a common effort
        return cournot_profits(np.full(n, x), beta, a, A, b, gamma).sum()

    best = minimize_scalar(lambda x: -joint(x), bounds=bound, method="bounded")
    assert best.x == pytest.approx(x_coop, rel=1e-5)  # x^ maximises joint profit
    h = 1e-6 * x_coop  # and no single member's change raises joint profit (first order)
    up = cournot_profits(np.r_[x_coop + h, np.full(n - 1, x_coop)], beta, a, A, b, gamma).sum()
    down = cournot_profits(np.r_[x_coop - h, np.full(n - 1, x_coop)], beta, a, A, b, gamma).sum()
    assert (up - down) / (2 * h) == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("n", [2, 3, 4, 7, 20, 50])
@pytest.mark.parametrize(("a", "A", "b", "gamma"), PARAMETER_SETS)
def test_crossover_is_exactly_one_half_for_any_n(n, a, A, b, gamma):
    def gap(beta: float) -> float:
        return float(
            rd_effort(n, beta, a, A, b, gamma, True) - rd_effort(n, beta, a, A, b, gamma, False)
        )

    assert gap(0.0) < 0 < gap(1.0)
    assert brentq(gap, 0.0, 1.0, xtol=1e-14) == pytest.approx(0.5, abs=1e-12)


@pytest.mark.parametrize("n", [2, 3, 5])
def test_model_step_cooperates_above_half_exactly(n):
    """The model's quarter: members of one alliance out-invest firms alone iff beta > 1/2."""
    p = daj_base(n).model.rnd
    for beta in DAJ_BETAS:
        coop = daj_model_effort(n, beta, cooperative=True)
        non = daj_model_effort(n, beta, cooperative=False)
        args = (n, beta, p.demand_intercept, p.unit_cost, p.demand_slope, p.rd_cost)
        # identical firms invest identically, exactly the formula's effort (no cap binds)
        np.testing.assert_allclose(coop, rd_effort(*args, True), rtol=1e-12)
        np.testing.assert_allclose(non, rd_effort(*args, False), rtol=1e-12)
        if beta > 0.5:
            assert np.all(coop > non), beta
        elif beta < 0.5:
            assert np.all(coop < non), beta
        else:
            np.testing.assert_allclose(coop, non, rtol=1e-12)


@pytest.mark.parametrize("beta", [0.25, 0.5, 0.75])
def test_model_step_agrees_in_the_agent_engine(beta):
    for cooperative in (True, False):
        np.testing.assert_array_equal(
            daj_model_effort(2, beta, cooperative, engine="agents"),
            daj_model_effort(2, beta, cooperative, engine="vectorised"),
        )
