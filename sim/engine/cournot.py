"""A linear Cournot market, the validation market of the R&D game.

Inverse demand ``P = a - b Q`` (USD m per unit of output), unit costs ``c_i = A_i - X_i``
where ``X`` is effective R&D (USD m a quarter, see ``sim.engine.rnd_game``). The market
hands the R&D game its profit Jacobian ``J[j, l] = d pi_j / d X_l`` at the Cournot-Nash
quantities of the second stage, so that ``sim.engine.rnd_game`` iterated to its fixed point
reproduces d'Aspremont and Jacquemin (1988) exactly (``dasp_jacquemin_effort``).

Firms priced out. The interior Nash formula ``q_i = (a - (n+1) c_i + sum_j c_j) / ((n+1) b)``
can be negative for a firm whose cost is far above its rivals'. Such a firm is clamped to
``q_i = 0`` and the equilibrium is recomputed among the firms that remain (the exact Nash
equilibrium with a non-negativity constraint: firms enter in order of cost while their cost is
below the price the cheaper firms set). When every interior quantity is positive this is the
interior formula. A firm priced out earns nothing and, locally, neither moves nor is moved by
anyone's R&D: its row and column of ``J`` are zero (at the knife edge ``q_i = 0`` exactly the
profit is not differentiable; the one-sided derivative with the firm out is returned).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def active_firms(a: float, costs: np.ndarray) -> np.ndarray:
    """Which firms produce in the Cournot-Nash equilibrium.

    Reason: sorted by cost, the k-th cheapest firm produces exactly when its cost is below
    the price ``(a + sum of the k-1 cheaper costs) / k`` that the cheaper firms set without it;
    this holds for a prefix of the sorted firms.

    Args:
        a: Demand intercept (USD m per unit).
        costs: Unit cost of each firm, shape (n,) (USD m per unit).

    Returns:
        Boolean mask, shape (n,), True for the firms that produce a positive quantity.
    """
    costs = np.asarray(costs, dtype=np.float64)
    order = np.argsort(costs, kind="stable")
    ranked = costs[order]
    k = np.arange(1, costs.size + 1, dtype=np.float64)
    price_with_k = (a + np.cumsum(ranked)) / (k + 1.0)  # price if the k cheapest produce
    enters = np.cumprod(ranked < price_with_k).astype(bool)  # a prefix, by construction
    mask = np.zeros(costs.size, dtype=bool)
    mask[order] = enters
    return mask


def market_price(a: float, costs: np.ndarray) -> float:
    """Cournot-Nash price ``(a + sum of active costs) / (m + 1)`` with ``m`` active firms.

    Args:
        a: Demand intercept (USD m per unit).
        costs: Unit cost of each firm, shape (n,) (USD m per unit).

    Returns:
        The equilibrium price (USD m per unit); ``a`` if no firm can produce.
    """
    costs = np.asarray(costs, dtype=np.float64)
    return _price(a, costs, active_firms(a, costs))


def _price(a: float, costs: np.ndarray, active: np.ndarray) -> float:
    """Price set by the active firms."""
    return float((a + costs @ active) / (np.count_nonzero(active) + 1.0))


def quantities(a: float, b: float, costs: ArrayLike) -> np.ndarray:
    """Cournot-Nash quantities ``q_i = max(P - c_i, 0) / b``.

    Where all firms produce this is the interior formula
    ``q_i = (a - (n+1) c_i + sum_j c_j) / ((n+1) b)``; a firm whose interior quantity would be
    negative is clamped to 0 and the others' quantities are those of the game without it
    (module docstring).

    Args:
        a: Demand intercept (USD m per unit).
        b: Demand slope (> 0).
        costs: Unit cost of each firm, shape (n,) (USD m per unit).

    Returns:
        Quantity of each firm, shape (n,), non-negative.
    """
    costs = np.asarray(costs, dtype=np.float64)
    return np.maximum(market_price(a, costs) - costs, 0.0) / b


def profits(a: float, b: float, costs: ArrayLike) -> np.ndarray:
    """Cournot-Nash profits ``(P - c_i) q_i`` (``= b q_i^2``) before R&D costs (USD m).

    Args:
        a: Demand intercept (USD m per unit).
        b: Demand slope (> 0).
        costs: Unit cost of each firm, shape (n,) (USD m per unit).

    Returns:
        Profit of each firm, shape (n,) (USD m a quarter).
    """
    costs = np.asarray(costs, dtype=np.float64)
    q = quantities(a, b, costs)
    price = a - b * q.sum()
    return (price - costs) * q


def profit_jacobian(a: float, b: float, A: ArrayLike, X: ArrayLike) -> np.ndarray:
    """Profit Jacobian ``J[j, l] = d pi_j / d X_l`` with unit costs ``c = A - X``.

    Reason: ``pi_j = b q_j^2`` so ``d pi_j / d X_l = 2 b q_j dq_j / dX_l`` with, among the
    ``m`` firms that produce, ``dq_j / dX_l = m / ((m+1) b)`` if ``l = j`` and
    ``-1 / ((m+1) b)`` otherwise (the second-stage quantities respond to costs). Rows and
    columns of firms priced out are zero.

    Args:
        a: Demand intercept (USD m per unit).
        b: Demand slope (> 0).
        A: Unit cost without R&D, scalar or shape (n,) (USD m per unit).
        X: Effective R&D of each firm, shape (n,) (USD m a quarter).

    Returns:
        The (n, n) Jacobian (USD m of profit per USD m of effective R&D).
    """
    X = np.asarray(X, dtype=np.float64)
    costs = np.asarray(A, dtype=np.float64) - X
    active = active_firms(a, costs)
    q = np.maximum(_price(a, costs, active) - costs, 0.0) / b
    m = float(np.count_nonzero(active))
    response = ((m + 1.0) * np.eye(X.size) - 1.0) / ((m + 1.0) * b)  # dq_j / dX_l
    return 2.0 * b * q[:, None] * response * active[None, :]


def dasp_jacquemin_effort(
    n: ArrayLike,
    beta: ArrayLike,
    a: ArrayLike,
    A: ArrayLike,
    b: ArrayLike,
    gamma: ArrayLike,
    cooperative: ArrayLike,
) -> np.ndarray:
    """Symmetric equilibrium effort of the n-firm d'Aspremont-Jacquemin (1988) game.

    Non-cooperative: ``x* = 2(n-(n-1)beta)(a-A) / [gamma b (n+1)^2
    - 2(n-(n-1)beta)(1+(n-1)beta)]``; cooperative (joint profit):
    ``x^ = 2(1+(n-1)beta)(a-A) / [gamma b (n+1)^2 - 2(1+(n-1)beta)^2]``. The interior
    equilibrium exists, and best-response iteration converges to it, when ``gamma b > 2``
    (sufficient for every n and beta; see ``sim.engine.rnd_game``). Arguments broadcast.

    Args:
        n: Number of firms (>= 1).
        beta: Spillover in [0, 1].
        a: Demand intercept (USD m per unit).
        A: Unit cost without R&D (a > A).
        b: Demand slope (> 0).
        gamma: R&D cost parameter, cost ``gamma x^2 / 2`` (per USD m).
        cooperative: True where firms maximise joint profit.

    Returns:
        Effort per firm (USD m a quarter), broadcast to the common shape.
    """
    n = np.asarray(n, dtype=np.float64)
    beta = np.asarray(beta, dtype=np.float64)
    spread = 1.0 + (n - 1.0) * beta  # dX_l summed over l, per unit of one firm's effort
    own = n - (n - 1.0) * beta  # own cost cut net of what it hands its rivals
    lead = np.where(np.asarray(cooperative, dtype=bool), spread, own)
    margin = np.asarray(a, dtype=np.float64) - np.asarray(A, dtype=np.float64)
    scale = np.asarray(gamma, dtype=np.float64) * np.asarray(b, dtype=np.float64) * (n + 1.0) ** 2
    return 2.0 * lead * margin / (scale - 2.0 * lead * spread)
