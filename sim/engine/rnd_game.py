"""The R&D game: each decision unit's effort from the first-order condition of its objective.

Firms i, j, l. Effort ``x`` (USD m a quarter) costs ``gamma_i x_i^2 / 2``. The spillover
matrix ``B[i, l] = dX_l / dx_i`` (1 on the diagonal) turns effort into effective R&D
``X = B.T @ x``. A market hands over its profit Jacobian ``J[j, l] = d pi_j / d X_l``.
Profit weights ``W[i, j]`` (O'Brien-Salop): 1 on the diagonal, the alliance's depth ``w`` for
partners, 0 otherwise, so a member maximises own profit + w x partners' profits (w = 1 is
Kamien-Muller-Zang's research joint venture cartel, w = 0 the non-cooperative firm).

The model itself best-responds once per quarter: each unit takes this quarter's market
state as given and sets ``x_i = clip(MV_i / gamma_i, 0, cash_i)`` (myopic adjustment). The
fixed-point iteration ``solve`` exists for validation: iterated to convergence on the linear
Cournot market (``sim.engine.cournot``) it reproduces d'Aspremont and Jacquemin (1988).

Convergence of ``solve`` on the symmetric Cournot game (spillover beta, n firms): the
best-response map is linear near the interior equilibrium with eigenvalues ``e / gamma``,
``e = 2 own spread / ((n+1)^2 b)`` (symmetric direction) and ``2 own (1-beta) / ((n+1) b)``
(the n-1 others) for W = identity, and ``2 spread^2 / ((n+1)^2 b)`` and ``2 (1-beta)^2 / b``
for W = all-ones, with ``own = n-(n-1)beta``, ``spread = 1+(n-1)beta``. All are non-negative,
so undamped iteration converges iff every ``e < gamma`` (damping cannot rescue ``e > gamma``);
``gamma b > 2`` suffices for every n and beta, and (with a > A) also makes each firm's
objective concave and the interior equilibrium exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from sim.engine.state import NO_ALLIANCE


class NoConvergenceError(RuntimeError):
    """Best-response iteration did not reach its fixed point.

    Attributes:
        iterations: Iterations run.
        residual: Last scaled residual ``max|BR(x) - x| / max(1, max|BR(x)|)``.
    """

    def __init__(self, iterations: int, residual: float, tol: float) -> None:
        super().__init__(
            f"R&D best-response iteration did not converge after {iterations} iterations: "
            f"residual {residual:.3e} > tol {tol:.1e} (try damping < 1, or check that each "
            "objective is concave: gamma large enough)"
        )
        self.iterations = iterations
        self.residual = residual


@dataclass(frozen=True)
class Equilibrium:
    """Fixed point of the best responses.

    Attributes:
        effort: Effort x of each firm (USD m a quarter).
        effective: Effective R&D ``X = B.T @ x`` (USD m a quarter).
        iterations: Best responses computed.
        residual: Scaled residual at the last iteration.
    """

    effort: np.ndarray
    effective: np.ndarray
    iterations: int
    residual: float


def effective_rnd(x: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Effective R&D ``X_l = x_l + sum_{i != l} B[i, l] x_i``, i.e. ``X = B.T @ x``.

    Args:
        x: Effort of each firm, shape (n,) (USD m a quarter).
        B: Spillover matrix, ``B[i, l] = dX_l / dx_i``, shape (n, n).

    Returns:
        Effective R&D of each firm, shape (n,) (USD m a quarter).
    """
    return np.asarray(B, dtype=np.float64).T @ np.asarray(x, dtype=np.float64)


def marginal_value(J: np.ndarray, B: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Marginal value of each firm's effort to its own objective.

    Reason: ``MV_i = sum_j W[i, j] sum_l B[i, l] J[j, l]``: i's effort raises every l's
    effective R&D by ``B[i, l]``, which moves each j's profit by ``J[j, l]``, and i cares
    about j's profit with weight ``W[i, j]``.

    Args:
        J: Profit Jacobian ``d pi_j / d X_l``, shape (n, n) (USD m per USD m).
        B: Spillover matrix ``dX_l / dx_i``, shape (n, n).
        W: Profit weights, shape (n, n).

    Returns:
        ``MV``, shape (n,) (USD m of objective per USD m of effort).
    """
    return np.asarray((W * (B @ J.T)).sum(axis=1), dtype=np.float64)


def best_response(mv: np.ndarray, gamma: ArrayLike, cash: ArrayLike) -> np.ndarray:
    """Effort at which marginal value equals marginal cost, within cash.

    Reason: the first-order condition of ``MV_i x_i - gamma_i x_i^2 / 2`` gives
    ``x_i = MV_i / gamma_i``; effort cannot be negative nor cost more than the firm's cash.

    Args:
        mv: Marginal value of effort, shape (n,).
        gamma: R&D cost parameter (per USD m), scalar or shape (n,).
        cash: Cash cap on effort (USD m), scalar or shape (n,); may be ``inf``.

    Returns:
        Effort of each firm, shape (n,) (USD m a quarter).
    """
    return np.clip(
        np.asarray(mv, dtype=np.float64) / np.asarray(gamma, dtype=np.float64), 0.0, cash
    )


def member_value(per_alliance: ArrayLike, alliance: ArrayLike, alone: float) -> np.ndarray:
    """Each firm's value of a per-alliance quantity, ``alone`` for firms in no alliance.

    Args:
        per_alliance: Quantity per alliance, indexed by alliance id.
        alliance: Alliance id of each firm, shape (n,) (-1 alone).
        alone: Value for firms alone.

    Returns:
        Per-firm values, shape (n,), with the dtype of ``per_alliance``.
    """
    values = np.asarray(per_alliance)
    alliance = np.asarray(alliance, dtype=np.int64)
    inside = alliance != NO_ALLIANCE
    if not values.size:
        return np.full(alliance.shape, alone, dtype=values.dtype)
    return np.where(inside, values[np.where(inside, alliance, 0)], alone)


def profit_weights(alliance: ArrayLike, depth: ArrayLike) -> np.ndarray:
    """Profit weights: 1 for oneself, the alliance's depth for partners, 0 otherwise.

    Args:
        alliance: Alliance id of each firm, shape (n,) (``NO_ALLIANCE`` = -1 alone).
        depth: Depth w in [0, 1] of each alliance, indexed by alliance id.

    Returns:
        ``W``, shape (n, n).
    """
    alliance = np.asarray(alliance, dtype=np.int64)
    inside = alliance != NO_ALLIANCE
    w = member_value(np.asarray(depth, dtype=np.float64), alliance, 0.0)
    partners = inside[:, None] & (alliance[:, None] == alliance[None, :])
    W = np.where(partners, w[:, None], 0.0)
    np.fill_diagonal(W, 1.0)
    return W


def spillover_matrix(n: int, beta: float) -> np.ndarray:
    """Symmetric spillover matrix of the validation game: 1 on the diagonal, beta off it.

    Args:
        n: Number of firms.
        beta: Spillover in [0, 1].

    Returns:
        ``B``, shape (n, n).
    """
    return (1.0 - beta) * np.eye(n) + beta * np.ones((n, n))


def publishes(alliance: ArrayLike, closed: ArrayLike) -> np.ndarray:
    """Whether each firm publishes its R&D: firms alone and members of open alliances do.

    Args:
        alliance: Alliance id of each firm, shape (n,) (-1 alone).
        closed: Whether each alliance is closed, indexed by alliance id.

    Returns:
        Boolean mask, shape (n,).
    """
    return ~member_value(np.asarray(closed, dtype=bool), alliance, False)


def channel_spillover_matrix(
    domain: ArrayLike,
    alliance: ArrayLike,
    closed: ArrayLike,
    absorption: ArrayLike,
    relatedness: ArrayLike,
    internal_rate: ArrayLike,
    public_rate: float,
) -> np.ndarray:
    """Dense spillover matrix of the model's structure (validation worlds only, O(n^2)).

    Reason: off the diagonal ``B[i, l] = absorption_l * relatedness[d_i, d_l] * channel``,
    each pair through exactly one channel: the giver's alliance's internal rate if i and l
    are in the same alliance, else the public rate if the giver i publishes, else 0.

    Args:
        domain: Domain index of each firm, shape (n,).
        alliance: Alliance id of each firm, shape (n,) (-1 alone).
        closed: Whether each alliance is closed, indexed by alliance id.
        absorption: Absorptive capacity of each (receiving) firm in [0, 1], shape (n,).
        relatedness: Relatedness of giver domain to receiver domain, shape (D, D).
        internal_rate: Internal spillover rate of each alliance, indexed by alliance id.
        public_rate: Public spillover rate.

    Returns:
        ``B``, shape (n, n), 1 on the diagonal.
    """
    domain = np.asarray(domain, dtype=np.int64)
    alliance = np.asarray(alliance, dtype=np.int64)
    inside = alliance != NO_ALLIANCE
    iota = member_value(np.asarray(internal_rate, dtype=np.float64), alliance, 0.0)
    same = inside[:, None] & (alliance[:, None] == alliance[None, :])
    public = publishes(alliance, closed)[:, None] * public_rate
    channel = np.where(same, iota[:, None], public)
    related = np.asarray(relatedness, dtype=np.float64)[domain[:, None], domain[None, :]]
    B = np.asarray(absorption, dtype=np.float64)[None, :] * related * channel
    np.fill_diagonal(B, 1.0)
    return B


def solve(
    market_jacobian: Callable[[np.ndarray], np.ndarray],
    B: np.ndarray,
    W: np.ndarray,
    gamma: ArrayLike,
    cash: ArrayLike = np.inf,
    x0: np.ndarray | None = None,
    tol: float = 1e-13,
    max_iter: int = 10_000,
    damping: float = 1.0,
) -> Equilibrium:
    """Iterate best responses to their fixed point (validation; the model moves once a quarter).

    Each iteration: ``X = B.T @ x``, ``J = market_jacobian(X)``,
    ``x <- x + damping * (best_response(marginal_value(J, B, W)) - x)``. Converged when
    ``max|BR(x) - x| <= tol * max(1, max|BR(x)|)``; the best response there is returned.
    Conditions for convergence on the Cournot market: module docstring.

    Args:
        market_jacobian: Maps effective R&D X, shape (n,), to the profit Jacobian (n, n).
        B: Spillover matrix, shape (n, n).
        W: Profit weights, shape (n, n).
        gamma: R&D cost parameter (per USD m), scalar or shape (n,).
        cash: Cash cap on effort (USD m), scalar or shape (n,).
        x0: Starting effort (USD m a quarter); zeros if None.
        tol: Relative tolerance on the best-response residual.
        max_iter: Most best responses to compute.
        damping: Weight in (0, 1] on the new best response.

    Returns:
        The fixed point.

    Raises:
        NoConvergenceError: If ``max_iter`` iterations do not reach ``tol``.
    """
    x = np.zeros(B.shape[0]) if x0 is None else np.asarray(x0, dtype=np.float64).copy()
    residual = np.inf
    for iteration in range(1, max_iter + 1):
        J = market_jacobian(effective_rnd(x, B))
        target = best_response(marginal_value(J, B, W), gamma, cash)
        residual = float(np.max(np.abs(target - x), initial=0.0))
        residual /= max(1.0, float(np.max(np.abs(target), initial=0.0)))
        if residual <= tol:
            return Equilibrium(target, effective_rnd(target, B), iteration, residual)
        x = x + damping * (target - x)
    raise NoConvergenceError(max_iter, residual, tol)
