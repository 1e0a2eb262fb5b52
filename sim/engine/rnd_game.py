"""The R&D game: each decision unit's effort from the first-order condition of its objective.

Firms i, j, l. Effort ``x`` (effort units) costs ``gamma_i x_i^2 / 2`` USD m (``gamma`` in
USD m per effort unit squared; docs/model.md 6.2). The spillover matrix ``B[i, l] = dX_l /
dx_i`` (1 on the diagonal; the model's is ``sim.engine.channels.spillover_matrix``) turns
effort into effective R&D ``X = B.T @ x``. A market hands over its profit Jacobian
``J[j, l] = d pi_j / d X_l`` (USD m per effort unit), in the logit market scaled by the
horizon multiplier Lambda (``horizon_multipliers``).
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
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from sim.engine import channels
from sim.engine.channels import member_value
from sim.engine.knowledge import quarterly_rate
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
        effort: Effort x of each firm (effort units).
        effective: Effective R&D ``X = B.T @ x`` (effort units).
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
        x: Effort of each firm, shape (n,) (effort units).
        B: Spillover matrix, ``B[i, l] = dX_l / dx_i``, shape (n, n).

    Returns:
        Effective R&D of each firm, shape (n,) (effort units).
    """
    return np.asarray(B, dtype=np.float64).T @ np.asarray(x, dtype=np.float64)


def marginal_value(J: np.ndarray, B: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Marginal value of each firm's effort to its own objective.

    Reason: ``MV_i = sum_j W[i, j] sum_l B[i, l] J[j, l]``: i's effort raises every l's
    effective R&D by ``B[i, l]``, which moves each j's profit by ``J[j, l]``, and i cares
    about j's profit with weight ``W[i, j]``.

    Args:
        J: Profit Jacobian ``d pi_j / d X_l``, shape (n, n) (USD m per effort unit).
        B: Spillover matrix ``dX_l / dx_i``, shape (n, n).
        W: Profit weights, shape (n, n).

    Returns:
        ``MV``, shape (n,) (USD m of objective per effort unit).
    """
    return np.asarray((W * (B @ J.T)).sum(axis=1), dtype=np.float64)


def best_response(mv: np.ndarray, gamma: ArrayLike, cash: ArrayLike) -> np.ndarray:
    """Effort at which marginal value equals marginal cost, within cash.

    Reason: the first-order condition of ``MV_i x_i - gamma_i x_i^2 / 2`` gives
    ``x_i = MV_i / gamma_i``; effort cannot be negative nor cost more than the firm's cash.

    Args:
        mv: Marginal value of effort, shape (n,).
        gamma: R&D cost parameter (USD m per effort unit squared), scalar or shape (n,).
        cash: Most effort the firm can fund (effort units; ``sqrt(2 budget / gamma)`` for a
            budget in USD m), scalar or shape (n,); may be ``inf``.

    Returns:
        Effort of each firm, shape (n,) (effort units).
    """
    return np.clip(
        np.asarray(mv, dtype=np.float64) / np.asarray(gamma, dtype=np.float64), 0.0, cash
    )


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


def channel_spillover_matrix(
    domain: ArrayLike,
    alliance: ArrayLike,
    closed: ArrayLike,
    absorption: ArrayLike,
    relatedness: ArrayLike,
    internal_rate: ArrayLike,
    public_rate: float,
    *,
    openness: ArrayLike,
    federation: ArrayLike | None = None,
    federation_rate: float = 0.0,
) -> np.ndarray:
    """Dense spillover matrix of the model's structure (validation worlds only, O(n^2)).

    A shortcut for ``channels.spillover_matrix(channels.build(...), ...)``, the one
    definition of the channels (``sim.engine.channels``): off the diagonal ``B[i, l] =
    max(rho pi_i, c(i, l)) relatedness[d_i, d_l] absorption_l``.

    Args:
        domain: Domain index of each firm, shape (n,).
        alliance: Alliance id of each firm, shape (n,) (-1 alone).
        closed: Whether each alliance is closed, indexed by alliance id.
        absorption: Absorptive capacity of each (receiving) firm in [0, 1], shape (n,).
        relatedness: Relatedness of sender domain to receiver domain, shape (D, D).
        internal_rate: Internal spillover rate of each alliance, indexed by alliance id.
        public_rate: Public spillover rate rho.
        openness: Openness of each firm (a firm alone publishes with this weight).
        federation: Federation id per alliance id; None: no federations.
        federation_rate: Spillover rate between alliances of one federation.

    Returns:
        ``B``, shape (n, n), 1 on the diagonal.
    """
    structure = channels.build(
        alliance, closed, openness, internal_rate, public_rate, federation, federation_rate
    )
    return channels.spillover_matrix(structure, domain, absorption, relatedness)


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
        gamma: R&D cost parameter (USD m per effort unit squared), scalar or shape (n,).
        cash: Most effort the firm can fund (effort units), scalar or shape (n,).
        x0: Starting effort (effort units); zeros if None.
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


class HorizonMultipliers(NamedTuple):
    """The multipliers of docs/model.md 6.2, in quarters (sums over ``tau = 0..H-1``).

    Attributes:
        gain: Lambda, a one-off capability gain: ``sum_tau z^tau psi^tau``.
        flow: Lambda^flow, the same gain every quarter: ``sum_tau z^tau sum_{s<=tau} psi^s``.
        level: Lambda^lev, a level shift of revenue: ``sum_tau z^tau``.
        money: Lambda^0, a constant money flow: ``sum_tau rho^tau``.
    """

    gain: np.ndarray
    flow: np.ndarray
    level: np.ndarray
    money: np.ndarray


def horizon_multipliers(
    discount_rate: ArrayLike,
    market_growth: ArrayLike,
    frontier_growth: ArrayLike,
    obsolescence: ArrayLike,
    horizon: int,
    lag: int = 0,
) -> HorizonMultipliers:
    """Present values over the horizon, per unit of this quarter's profit term.

    Reason: docs/model.md 6.2. A gain made this quarter persists at ``psi = (1 - delta) /
    (1 + f)`` a quarter (obsolescence, erosion by the frontier), the market grows by n and
    money is discounted by ``rho = (1 + r)^(-1/4)``, so with ``z = rho (1 + n)`` the sums run
    over ``tau = 0..H-1``: the quarter's markets (stage 8) already use the capability its
    R&D built (stage 7), so the first quarter is neither discounted nor eroded. ``lag = 1``
    starts one quarter later and multiplies each sum by z (``money``: by rho); it reproduces
    the formulas printed in docs/model.md 6.2 (``sum_{tau=1..H} z^tau psi^(tau-1)`` ...), whose
    defaults give 11.99, 89.04, 14.86, 10.31 against 11.61, 86.24, 14.39, 10.56 at
    ``lag = 0``.

    Args:
        discount_rate: r (/yr).
        market_growth: n, the market's growth (/yr).
        frontier_growth: phi_d, the frontier's drift (/yr).
        obsolescence: delta (/quarter).
        horizon: H (quarters, >= 1).
        lag: Quarters before the first one that counts (>= 0).

    Returns:
        The four multipliers (quarters), rate arguments broadcast.
    """
    if horizon < 1 or lag < 0:
        raise ValueError(f"horizon must be >= 1 and lag >= 0, got {horizon!r} and {lag!r}")
    rho = np.power(1.0 + np.asarray(discount_rate, dtype=np.float64), -0.25)
    z = rho * (1.0 + quarterly_rate(market_growth))
    psi = (1.0 - np.asarray(obsolescence, dtype=np.float64)) / (
        1.0 + quarterly_rate(frontier_growth)
    )
    rho, z, psi = np.broadcast_arrays(rho, z, psi)
    tau = np.arange(horizon)
    zt, rt = z[..., None] ** tau, rho[..., None] ** tau
    pt = psi[..., None] ** tau
    return HorizonMultipliers(
        gain=(zt * pt).sum(axis=-1) * z**lag,
        flow=(zt * np.cumsum(pt, axis=-1)).sum(axis=-1) * z**lag,
        level=zt.sum(axis=-1) * z**lag,
        money=rt.sum(axis=-1) * rho**lag,
    )
