"""sim.engine.economics: R&D effort (d'Aspremont-Jacquemin), spillovers, budgets, game size."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.config.schema import RnDParams
from sim.engine.economics import knowledge_input, public_spillover, rd_effort

A_, A0, B, GAMMA = 2.0, 1.0, 1.0, 4.0


def published_noncooperative(beta, a, A, b, gamma):
    """d'Aspremont & Jacquemin (1988), n = 2, non-cooperative R&D."""
    return (a - A) * (2 - beta) / (4.5 * b * gamma - (2 - beta) * (1 + beta))


def published_cooperative(beta, a, A, b, gamma):
    """d'Aspremont & Jacquemin (1988), n = 2, cooperative R&D."""
    return (a - A) * (1 + beta) / (4.5 * b * gamma - (1 + beta) ** 2)


@pytest.mark.parametrize("beta", np.linspace(0.0, 1.0, 21))
@pytest.mark.parametrize(
    ("a", "A", "b", "gamma"), [(2, 1, 1, 4), (10, 3, 0.5, 9), (5, 4.5, 2, 1.6)]
)
def test_two_firm_forms_match_the_paper(beta, a, A, b, gamma):
    assert rd_effort(2, beta, a, A, b, gamma, False) == pytest.approx(
        published_noncooperative(beta, a, A, b, gamma), rel=1e-12
    )
    assert rd_effort(2, beta, a, A, b, gamma, True) == pytest.approx(
        published_cooperative(beta, a, A, b, gamma), rel=1e-12
    )


@pytest.mark.parametrize("n", range(2, 11))
def test_cooperation_raises_effort_exactly_above_half(n):
    betas = np.linspace(0.0, 1.0, 401)
    coop = rd_effort(n, betas, A_, A0, B, GAMMA, True)
    non = rd_effort(n, betas, A_, A0, B, GAMMA, False)
    assert np.all((coop > non)[betas > 0.5 + 1e-9])
    assert np.all((coop < non)[betas < 0.5 - 1e-9])
    assert rd_effort(n, 0.5, A_, A0, B, GAMMA, True) == pytest.approx(
        rd_effort(n, 0.5, A_, A0, B, GAMMA, False)
    )


@given(
    n=st.integers(2, 200),
    beta=st.floats(0.0, 1.0),
    gamma=st.floats(2.01, 50.0),
)
def test_effort_positive_and_finite_when_gamma_b_above_two(n, beta, gamma):
    for coop in (True, False):
        x = rd_effort(n, beta, A_, A0, 1.0, gamma, coop)
        assert np.isfinite(x) and x > 0


def test_broadcasts_over_arguments():
    n = np.array([[2], [5]])
    beta = np.array([0.2, 0.8, 0.5])
    coop = np.array([True, False, True])
    out = rd_effort(n, beta, A_, A0, B, GAMMA, coop)
    assert out.shape == (2, 3)
    assert out[1, 0] == rd_effort(5, 0.2, A_, A0, B, GAMMA, True)


def test_knowledge_input_adds_spillovers():
    p = RnDParams()
    alone = knowledge_input(
        np.array([1.0]), np.array([0.0]), np.array([0.0]), np.array([0.0]), np.array([0.0]), 0.0, p
    )
    assert alone[0] == 1.0
    member = knowledge_input(
        np.array([1.0]), np.array([2.0]), np.array([0.5]), np.array([0.0]), np.array([0.0]), 0.0, p
    )
    assert member[0] == pytest.approx(1.0 + 0.5 * 2.0)


def test_open_alliances_raise_public_spillover():
    p = RnDParams()
    assert public_spillover(0.5, 0.0, p) > public_spillover(0.0, 0.0, p)
    assert public_spillover(1.0, 1.0, p) == 1.0


def test_effort_is_cut_to_what_the_firm_can_afford():
    from sim.engine.economics import affordable_effort, rd_cost

    p = RnDParams(budget_share=0.25)
    effort, scale, capital = np.array([0.2, 0.2]), np.ones(2), np.array([100.0, 0.5])
    spend = rd_cost(effort, scale, np.zeros(2), p)
    cut = affordable_effort(effort, spend, capital, p)
    assert cut[0] == effort[0]  # rich firm: unchanged
    assert rd_cost(cut, scale, np.zeros(2), p)[1] == pytest.approx(0.25 * 0.5)


def test_large_alliances_pool_over_working_groups():
    from sim.engine.economics import working_group_share

    p = RnDParams(max_game_size=11)
    share = working_group_share(np.array([1.0, 2.0, 11.0, 21.0, 101.0]), p)
    np.testing.assert_allclose(share, [1.0, 1.0, 1.0, 0.5, 0.1])
