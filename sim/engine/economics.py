"""R&D effort and spillovers: d'Aspremont and Jacquemin (1988) in its n-firm form.

Cournot competition with inverse demand ``P = a - bQ``, unit cost
``c_i = A - x_i - beta * sum_{j != i} x_j`` and R&D cost ``gamma x_i^2 / 2``. In the symmetric
equilibrium the non-cooperative effort is

    x* = 2(n - (n-1)beta)(a - A) / [gamma b (n+1)^2 - 2(n - (n-1)beta)(1 + (n-1)beta)]

and the cooperative one (members maximise joint profit) is

    x^ = 2(1 + (n-1)beta)(a - A) / [gamma b (n+1)^2 - 2(1 + (n-1)beta)^2].

Their ratio is ``(1 + (n-1)beta) / (n - (n-1)beta)`` times a ratio of denominators that moves the
same way, so cooperation raises effort exactly when ``beta > 1/2`` for every n >= 2.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sim.config.schema import RnDParams
from sim.engine.cournot import dasp_jacquemin_effort
from sim.engine.state import CLOSED, NO_ALLIANCE


def rd_effort(
    n: ArrayLike,
    beta: ArrayLike,
    a: ArrayLike,
    A: ArrayLike,
    b: ArrayLike,
    gamma: ArrayLike,
    cooperative: ArrayLike,
) -> np.ndarray:
    """Symmetric equilibrium R&D effort of the n-firm d'Aspremont-Jacquemin game.

    The closed forms live in one place, ``sim.engine.cournot.dasp_jacquemin_effort`` (the
    validation market of version 2); this name is kept for the version-1 engine and for
    users (``sim.economics.rd_effort``). Arguments broadcast against each other.

    Args:
        n: Number of firms in the game (>= 1).
        beta: Spillover in [0, 1].
        a: Demand intercept.
        A: Unit cost without R&D (a > A).
        b: Demand slope (> 0).
        gamma: R&D cost parameter (gamma b > 2 suffices for every n and beta).
        cooperative: True where firms choose effort to maximise joint profit.

    Returns:
        The effort x per firm, broadcast to the common shape (float array).
    """
    return dasp_jacquemin_effort(n, beta, a, A, b, gamma, cooperative)


def game_size(alliance_size: np.ndarray, in_alliance: np.ndarray, p: RnDParams) -> np.ndarray:
    """Number of firms in the R&D game each firm plays.

    Reason: an alliance member coordinates R&D with its alliance (capped, since very large
    alliances coordinate in working groups); a firm alone reckons with a few direct rivals.
    """
    members = np.clip(alliance_size, 1, p.max_game_size)
    return np.where(in_alliance, members, p.n_rivals_alone)


def internal_spillover(regime: np.ndarray, p: RnDParams) -> np.ndarray:
    """Spillover among members of an alliance with this regime.

    Reason: closed alliances share more deeply inside than open ones.
    """
    return np.where(regime == CLOSED, p.beta_closed_internal, p.beta_open_internal)


def game_spillover(
    regime: np.ndarray, in_alliance: np.ndarray, public_beta: float, p: RnDParams
) -> np.ndarray:
    """Spillover of the R&D game each firm plays.

    Reason: members share knowledge at their alliance's internal rate (closed alliances
    share more deeply inside); firms alone only get what leaks publicly.
    """
    return np.where(in_alliance, internal_spillover(regime, p), public_beta)


def size_factor(capital: np.ndarray, reference_capital: float, p: RnDParams) -> np.ndarray:
    """Scale of a firm's R&D programme relative to a median startup's.

    Reason: bigger firms run bigger programmes, with diminishing returns to size.
    """
    return (np.maximum(capital, 1e-9) / reference_capital) ** p.size_elasticity


def rd_cost(
    x: np.ndarray, scale: np.ndarray, cost_reduction: np.ndarray, p: RnDParams
) -> np.ndarray:
    """Money (USD m) spent on effort ``x`` at programme scale ``scale``.

    Reason: the game's cost ``gamma x^2 / 2`` per unit of programme, less the share a
    policy (public compute) pays for.
    """
    return p.cost_per_effort * (1.0 - cost_reduction) * p.rd_cost * x * x / 2.0 * scale


def affordable_effort(
    effort: np.ndarray, spend: np.ndarray, capital: np.ndarray, p: RnDParams
) -> np.ndarray:
    """Effort scaled down so that R&D spending stays within ``budget_share`` of capital.

    Reason: the d'Aspremont-Jacquemin effort ignores cash; a firm cannot spend more
    than it has, so where the game's effort would cost more than the share of capital
    it may commit in a quarter, it does what it can afford (cost grows with effort
    squared, so effort shrinks by the square root of the overrun).
    """
    limit = p.budget_share * np.maximum(capital, 0.0)
    over = spend > limit
    ratio = np.sqrt(limit / np.where(over, spend, 1.0))
    return np.where(over, effort * ratio, effort)


def choose_effort(
    alliance_size: np.ndarray,
    regime: np.ndarray,
    in_alliance: np.ndarray,
    scale: np.ndarray,
    cost_reduction: np.ndarray,
    public_beta: float,
    p: RnDParams,
) -> np.ndarray:
    """Each firm's R&D effort this quarter (knowledge units).

    Reason: members act cooperatively with their alliance's internal spillover, firms
    alone non-cooperatively with the public spillover (version 1); cheaper R&D (public
    compute) lowers gamma and raises effort.
    """
    n = game_size(alliance_size, in_alliance, p)
    beta = game_spillover(regime, in_alliance, public_beta, p)
    gamma = p.rd_cost * (1.0 - cost_reduction)
    x = rd_effort(n, beta, p.demand_intercept, p.unit_cost, p.demand_slope, gamma, in_alliance)
    return x * scale


def public_spillover(share_in_open: float, bonus: float, p: RnDParams) -> float:
    """Public spillover rate this quarter.

    Reason: open alliances publish code and models, so the more firms work in the open,
    the more leaks to everyone; open public data adds ``bonus``.
    """
    return float(min(1.0, p.beta_public + p.open_public_boost * share_in_open + bonus))


def working_group_share(alliance_size: np.ndarray, p: RnDParams) -> np.ndarray:
    """Share of its alliance partners a member actually works with.

    Reason: an alliance larger than ``max_game_size`` coordinates R&D in working groups
    of that size, so a member draws on ``max_game_size - 1`` partners, not on all of them.
    """
    partners = np.maximum(alliance_size - 1.0, 1.0)
    return np.minimum(1.0, (p.max_game_size - 1.0) / partners)


def knowledge_input(
    effort: np.ndarray,
    partner_effort: np.ndarray,
    internal_beta: np.ndarray,
    federation_effort: np.ndarray,
    public_pool: np.ndarray,
    public_beta: float,
    p: RnDParams,
) -> np.ndarray:
    """Knowledge a firm absorbs this quarter: own effort plus what spills to it.

    Args:
        effort: The firm's own effort.
        partner_effort: Effort of the partners it works with (0 if alone).
        internal_beta: The alliance's internal spillover (0 if alone).
        federation_effort: Mean effort per firm of the other alliances in its federation.
        public_pool: Mean effort of the other firms in its domain that publish (not closed).
        public_beta: This quarter's public spillover rate.
        p: R&D parameters.

    Returns:
        Own effort + beta_in x partners' effort + beta_fed x federation + public leak.
    """
    return (
        effort
        + internal_beta * np.maximum(partner_effort, 0.0)
        + p.beta_federation * federation_effort
        + public_beta * public_pool
    )


def internal_beta_of(alliance: np.ndarray, regime: np.ndarray, p: RnDParams) -> np.ndarray:
    """Internal spillover per firm (0 for firms alone)."""
    in_alliance = alliance != NO_ALLIANCE
    return np.where(in_alliance, internal_spillover(regime, p), 0.0)
