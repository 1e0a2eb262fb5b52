"""The linear Cournot validation market and the d'Aspremont-Jacquemin closed forms."""

import numpy as np
import pytest

from sim.engine import cournot
from sim.engine.economics import rd_effort


def interior(a, b, costs):
    n = costs.size
    return (a - (n + 1) * costs + costs.sum()) / ((n + 1) * b)


def test_interior_quantities_match_the_textbook_formula():
    costs = np.array([3.0, 3.5, 4.0, 2.5])
    q = cournot.quantities(10.0, 2.0, costs)
    np.testing.assert_allclose(q, interior(10.0, 2.0, costs), rtol=1e-14)
    np.testing.assert_allclose(cournot.profits(10.0, 2.0, costs), 2.0 * q**2, rtol=1e-12)


def test_a_firm_priced_out_is_clamped_and_the_rest_play_without_it():
    a, b = 10.0, 1.0
    costs = np.array([2.0, 2.5, 9.0])  # interior quantity of the third is negative
    assert interior(a, b, costs)[2] < 0
    q = cournot.quantities(a, b, costs)
    assert q[2] == 0.0
    np.testing.assert_allclose(q[:2], interior(a, b, costs[:2]), rtol=1e-14)
    # and it is a Nash equilibrium with q >= 0: each quantity is a best response
    for i in range(3):
        others = q.sum() - q[i]
        assert q[i] == pytest.approx(max((a - costs[i] - b * others) / (2 * b), 0.0), abs=1e-12)
    assert cournot.profits(a, b, costs)[2] == 0.0


def test_no_firm_produces_when_all_costs_exceed_the_intercept():
    assert np.all(cournot.quantities(1.0, 1.0, np.array([2.0, 3.0])) == 0.0)
    assert cournot.market_price(1.0, np.array([2.0, 3.0])) == 1.0


@pytest.mark.parametrize(
    "X", [np.array([0.3, 0.1, 0.7, 0.2]), np.array([2.0, 1.5, -5.0, 0.4])], ids=["all", "one out"]
)
def test_profit_jacobian_equals_finite_differences(X):
    a, b, A = 10.0, 1.5, np.array([4.0, 4.2, 3.9, 4.1])
    J = cournot.profit_jacobian(a, b, A, X)
    h = 1e-6
    fd = np.empty_like(J)
    for col in range(X.size):
        e = np.zeros_like(X)
        e[col] = h
        fd[:, col] = (cournot.profits(a, b, A - X - e) - cournot.profits(a, b, A - X + e)) / (2 * h)
    np.testing.assert_allclose(J, fd, atol=1e-7)


def test_jacobian_entries_are_the_brief_formula_when_all_produce():
    a, b, A, n = 10.0, 2.0, 4.0, 5
    X = np.linspace(0.1, 0.5, n)
    q = cournot.quantities(a, b, A - X)
    J = cournot.profit_jacobian(a, b, A, X)
    dq = np.where(np.eye(n, dtype=bool), n / ((n + 1) * b), -1 / ((n + 1) * b))
    np.testing.assert_allclose(J, 2 * b * q[:, None] * dq, rtol=1e-14)


def test_closed_forms_agree_with_economics_rd_effort():
    n = np.arange(1, 13)[:, None, None, None]
    beta = np.linspace(0.0, 1.0, 11)[None, :, None, None]
    gamma = np.array([2.5, 4.0, 20.0])[None, None, :, None]
    coop = np.array([False, True])[None, None, None, :]
    for a, A, b in [(10.0, 4.0, 1.0), (5.0, 4.5, 2.0), (100.0, 20.0, 0.25)]:
        ours = cournot.dasp_jacquemin_effort(n, beta, a, A, b, gamma / b, coop)
        theirs = rd_effort(n, beta, a, A, b, gamma / b, coop)
        np.testing.assert_allclose(ours, theirs, rtol=1e-13)


def test_closed_forms_match_the_two_firm_paper():
    beta, a, A, b, gamma = 0.3, 2.0, 1.0, 1.0, 4.0
    non = (a - A) * (2 - beta) / (4.5 * b * gamma - (2 - beta) * (1 + beta))
    coop = (a - A) * (1 + beta) / (4.5 * b * gamma - (1 + beta) ** 2)
    assert cournot.dasp_jacquemin_effort(2, beta, a, A, b, gamma, False) == pytest.approx(non)
    assert cournot.dasp_jacquemin_effort(2, beta, a, A, b, gamma, True) == pytest.approx(coop)
