"""Landscape theory of aggregation (Axelrod and Bennett 1993): the ``landscape`` decision rule.

Actors ``i = 0..n-1`` of size ``s_i > 0`` are split into sides (alliance labels ``0..k-1``;
two sides by default, as in the landscape papers). ``p_ij = p_ji`` is the propensity of
``i`` and ``j`` to be together: positive for affinity, negative for rivalry, ``p_ii = 0``.
With ``d_ij(X) = 0`` if ``i`` and ``j`` are on the same side of configuration ``X`` and 1
otherwise, Axelrod and Bennett define

* the *frustration* of actor ``i``: ``F_i(X) = sum_{j != i} s_j p_ij d_ij(X)``: separation
  from partners it likes (``p_ij > 0``) frustrates, separation from rivals (``p_ij < 0``)
  relieves;
* the *energy* of the configuration: ``E(X) = sum_i s_i F_i(X)
  = sum_i sum_{j != i} s_i s_j p_ij d_ij(X)``, the sum over ordered pairs (the paper's
  convention, and the design's), which is twice ``sum_{i<j} s_i s_j p_ij d_ij(X)``.

Because propensities are symmetric, an actor that moves from side ``a`` to side ``b`` changes
the energy by exactly ``2 s_i (F_i(after) - F_i(before))``: every move that lowers the
mover's frustration lowers the energy by as much (times ``2 s_i``), so under one-at-a-time
best-response moves the energy never increases and a run ends in a local minimum of the
energy landscape (a configuration no single actor wants to leave).

The rule here is that of the theory: rivalry and affinity only, symmetric propensities, no
noise, one firm moving at a time to the side that minimises its frustration. It is a
reference implementation beside the model's own choice rule (``sim.engine.choice``), which adds
saturating scale, fees, legal risk and Gumbel noise and lets many firms revise at once;
``firm_propensity`` builds landscape propensities from a model world's firms.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.typing import ArrayLike

from sim.config.schema import ChoiceParams
from sim.engine.state import FirmState

#: Relative tolerance: a move must lower the mover's frustration by more than this times
#: the scale of its propensities (``sum_j s_j |p_ij|``) to count as an improvement, so that
#: rounding never makes a run cycle.
RELATIVE_TOLERANCE = 1e-9


def _weights(sizes: ArrayLike, propensity: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Checked ``(s, P)`` as float arrays."""
    s = np.asarray(sizes, dtype=np.float64)
    p = np.asarray(propensity, dtype=np.float64)
    n = s.shape[0]
    if s.ndim != 1 or p.shape != (n, n):
        raise ValueError(
            f"sizes must have shape (n,) and propensity (n, n); got {s.shape}, {p.shape}"
        )
    if np.any(s <= 0):
        raise ValueError("sizes must be positive")
    if not np.allclose(p, p.T) or np.any(np.diag(p) != 0):
        raise ValueError("propensity must be symmetric with a zero diagonal")
    return s, p


def _labels(assignment: ArrayLike, n: int, k: int | None = None) -> np.ndarray:
    """Checked integer labels of shape ``(..., n)``."""
    a = np.asarray(assignment)
    if a.shape[-1:] != (n,) or not np.issubdtype(a.dtype, np.integer):
        raise ValueError(f"assignment must hold n={n} integer labels; got {a.shape} {a.dtype}")
    if np.any(a < 0) or (k is not None and np.any(a >= k)):
        raise ValueError(f"labels must lie in [0, {k})" if k else "labels must be >= 0")
    return a.astype(np.int64)


def energy(assignment: ArrayLike, sizes: ArrayLike, propensity: ArrayLike) -> float | np.ndarray:
    """Energy ``E(X) = sum_i sum_{j != i} s_i s_j p_ij d_ij(X)`` (Axelrod and Bennett 1993).

    The sum runs over ordered pairs, as in the paper, so it is twice the sum over
    ``i < j``. Lower is better: with ``p_ij > 0`` meaning affinity, energy counts liked
    partners kept apart (and, negatively, rivals kept apart).

    Args:
        assignment: Side (alliance label) of each firm, shape ``(n,)``; or a batch of
            configurations, shape ``(..., n)``.
        sizes: Positive size of each firm, shape ``(n,)``.
        propensity: Symmetric ``(n, n)`` propensities with a zero diagonal; ``p_ij > 0``
            means ``i`` and ``j`` want to be together.

    Returns:
        The energy: a float for one configuration, an array of shape ``(...)`` for a batch.
    """
    s, p = _weights(sizes, propensity)
    a = _labels(assignment, s.shape[0])
    apart = a[..., :, None] != a[..., None, :]
    e = np.einsum("...ij,ij->...", apart, s[:, None] * s[None, :] * p)
    return float(e) if a.ndim == 1 else e


def frustration(assignment: ArrayLike, sizes: ArrayLike, propensity: ArrayLike) -> np.ndarray:
    """Each firm's frustration ``F_i(X) = sum_{j != i} s_j p_ij d_ij(X)``.

    Args:
        assignment: Side of each firm, shape ``(..., n)``.
        sizes: Positive sizes, shape ``(n,)``.
        propensity: Symmetric ``(n, n)`` propensities with a zero diagonal.

    Returns:
        Frustration per firm, the shape of ``assignment``.
    """
    s, p = _weights(sizes, propensity)
    a = _labels(assignment, s.shape[0])
    apart = a[..., :, None] != a[..., None, :]
    return np.einsum("...ij,ij->...i", apart, p * s[None, :])


def label_affinity(
    assignment: ArrayLike, sizes: ArrayLike, propensity: ArrayLike, k: int
) -> np.ndarray:
    """``G[i, l] = sum_{j != i, label_j = l} s_j p_ij``: what firm ``i`` likes on side ``l``.

    Firm ``i`` placed on side ``l`` (the others unchanged) has frustration
    ``sum_j s_j p_ij - G[i, l]``, so its best side is the one of largest ``G[i, l]``.

    Args:
        assignment: Side of each firm, shape ``(..., n)``, labels in ``[0, k)``.
        sizes: Positive sizes, shape ``(n,)``.
        propensity: Symmetric ``(n, n)`` propensities with a zero diagonal.
        k: Number of sides.

    Returns:
        Array of shape ``(..., n, k)``.
    """
    s, p = _weights(sizes, propensity)
    a = _labels(assignment, s.shape[0], k)
    onehot = (a[..., :, None] == np.arange(k)).astype(np.float64)  # (..., n, k)
    return np.einsum("ij,...jl->...il", p * s[None, :], onehot)


def _tolerance(s: np.ndarray, p: np.ndarray) -> np.ndarray:
    return RELATIVE_TOLERANCE * np.maximum(np.abs(p) @ s, np.finfo(np.float64).tiny)


def best_moves(
    assignment: ArrayLike, sizes: ArrayLike, propensity: ArrayLike, k: int = 2
) -> np.ndarray:
    """Each firm's best side if moving there strictly lowers its frustration, else -1.

    Ties between best sides go to the lowest label.

    Args:
        assignment: Side of each firm, shape ``(..., n)``, labels in ``[0, k)``.
        sizes: Positive sizes, shape ``(n,)``.
        propensity: Symmetric ``(n, n)`` propensities with a zero diagonal.
        k: Number of sides.

    Returns:
        Integer array of the shape of ``assignment``: target side, or -1 where the firm
        cannot lower its frustration by any single move.
    """
    s, p = _weights(sizes, propensity)
    a = _labels(assignment, s.shape[0], k)
    g = label_affinity(a, s, p, k)
    best = np.argmax(g, axis=-1)
    gain = np.take_along_axis(g, best[..., None], -1)[..., 0]
    gain = gain - np.take_along_axis(g, a[..., None], -1)[..., 0]
    return np.where(gain > _tolerance(s, p), best, -1)


def is_stable(assignment: ArrayLike, sizes: ArrayLike, propensity: ArrayLike, k: int = 2) -> bool:
    """Whether no single firm can lower its frustration by moving (a local minimum).

    Args:
        assignment: Side of each firm, shape ``(n,)``.
        sizes: Positive sizes, shape ``(n,)``.
        propensity: Symmetric ``(n, n)`` propensities with a zero diagonal.
        k: Number of sides.

    Returns:
        True if the configuration is a local minimum of the energy.
    """
    return bool(np.all(best_moves(assignment, sizes, propensity, k) < 0))


def moves(
    assignment: ArrayLike,
    sizes: ArrayLike,
    propensity: ArrayLike,
    rng: np.random.Generator,
    k: int = 2,
) -> Iterator[tuple[int, int, float]]:
    """Best-response moves, one firm at a time, until no firm wants to move.

    Each round, one firm is drawn uniformly by ``rng`` among those whose move to another
    side would strictly lower their frustration, and moves to its best side (lowest label
    among ties). The caller's ``assignment`` is not changed.

    Args:
        assignment: Starting side of each firm, shape ``(n,)``, labels in ``[0, k)``.
        sizes: Positive sizes, shape ``(n,)``.
        propensity: Symmetric ``(n, n)`` propensities with a zero diagonal.
        rng: The generator that picks which unhappy firm moves.
        k: Number of sides.

    Yields:
        ``(firm, new side, energy change)`` per move; the change is
        ``2 s_i (F_i(after) - F_i(before)) < 0``.
    """
    s, p = _weights(sizes, propensity)
    a = _labels(assignment, s.shape[0], k).copy()
    if a.ndim != 1:
        raise ValueError("moves needs one configuration, shape (n,)")
    weighted = p * s[None, :]
    g = label_affinity(a, s, p, k)  # kept up to date move by move (O(n) per move)
    tol = _tolerance(s, p)
    rows = np.arange(a.size)
    while True:
        gain = g.max(axis=1) - g[rows, a]
        unhappy = np.flatnonzero(gain > tol)
        if unhappy.size == 0:
            return
        i = int(unhappy[rng.integers(unhappy.size)])
        old, new = int(a[i]), int(np.argmax(g[i]))
        change = -2.0 * s[i] * (g[i, new] - g[i, old])
        a[i] = new
        g[:, old] -= weighted[:, i]
        g[:, new] += weighted[:, i]
        yield i, new, float(change)


def settle(
    assignment: ArrayLike,
    sizes: ArrayLike,
    propensity: ArrayLike,
    rng: np.random.Generator,
    k: int = 2,
    *,
    trace: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Run best-response moves (see ``moves``) until the configuration is stable.

    Args:
        assignment: Starting side of each firm, shape ``(n,)``, labels in ``[0, k)``.
        sizes: Positive sizes, shape ``(n,)``.
        propensity: Symmetric ``(n, n)`` propensities with a zero diagonal.
        rng: The generator that orders the moves.
        k: Number of sides (2 as in Axelrod and Bennett).
        trace: Also return the energy before the first move and after each move.

    Returns:
        The stable assignment (a new array); with ``trace``, also the energy trace
        (length: number of moves + 1), which never increases.
    """
    a = _labels(assignment, np.asarray(sizes).shape[0], k).copy()
    energies = [energy(a, sizes, propensity)] if trace else []
    for i, new, change in moves(a, sizes, propensity, rng, k):
        a[i] = new
        if trace:
            energies.append(energies[-1] + change)
    return (a, np.asarray(energies)) if trace else a


def all_assignments(n: int, k: int = 2) -> np.ndarray:
    """Every assignment of ``n`` firms to ``k`` labels, shape ``(k**n, n)`` (firm 0 slowest)."""
    if k**n > 2**22:
        raise ValueError(f"{k}**{n} assignments are too many to enumerate")
    codes = np.arange(k**n)
    return (codes[:, None] // k ** np.arange(n - 1, -1, -1)) % k


def local_minima(sizes: ArrayLike, propensity: ArrayLike, k: int = 2) -> np.ndarray:
    """All stable assignments, by brute force over the ``k**n`` of them.

    Args:
        sizes: Positive sizes, shape ``(n,)``.
        propensity: Symmetric ``(n, n)`` propensities with a zero diagonal.
        k: Number of sides.

    Returns:
        The stable assignments, shape ``(m, n)``, in ``all_assignments`` order.
    """
    n = np.asarray(sizes).shape[0]
    every = all_assignments(n, k)
    stable = np.all(best_moves(every, sizes, propensity, k) < 0, axis=1)
    return every[stable]


def firm_propensity(
    firms: FirmState, p: ChoiceParams, rows: ArrayLike | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Landscape sizes and propensities for a model world's firms (rivalry and affinity only).

    Sizes are capabilities. Two firms of the same home domain are rivals
    (``-w_rivalry``); firms of different domains complement each other
    (``+w_complementarity``); both lose ``w_openness_fit`` times the distance between their
    openness. The result is symmetric with a zero diagonal, as landscape theory requires.

    Args:
        firms: The model's firm rows.
        p: Choice weights (``w_rivalry``, ``w_complementarity``, ``w_openness_fit``).
        rows: Firm rows to use; every alive firm by default.

    Returns:
        ``(sizes, propensity)`` for ``rows`` in order.
    """
    rows = np.flatnonzero(firms.alive) if rows is None else np.asarray(rows)
    domain = firms.domain[rows]
    openness = firms.openness[rows]
    same = domain[:, None] == domain[None, :]
    prop = np.where(same, -p.w_rivalry, p.w_complementarity) - p.w_openness_fit * np.abs(
        openness[:, None] - openness[None, :]
    )
    np.fill_diagonal(prop, 0.0)
    return firms.capability[rows].astype(np.float64), prop
