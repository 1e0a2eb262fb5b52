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
``firm_propensity`` builds landscape propensities from a model world's firms with version 1's
unitless weights, ``money_propensity`` with version 2's money terms (USD m, docs/model.md 6.5).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import numpy as np
from numpy.typing import ArrayLike

from sim.config.schema import ChoiceParams
from sim.engine.choice import FIRST_CANDIDATE, RevisionDraws
from sim.engine.economy import Economy
from sim.engine.outlook import flow_scale, prospects, reviser_at
from sim.engine.quarter import Quarter
from sim.engine.state import CLOSED, NO_ALLIANCE, OPEN, AllianceState, FirmState
from sim.engine.valuation import complementarity_value, knowledge_value

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


def round_robin(n: int) -> list[np.ndarray]:
    """Rounds of disjoint pairs of ``0..n-1`` in which every pair meets exactly once.

    The circle method: ``n - 1`` rounds of ``n // 2`` pairs for even ``n``; for odd ``n``,
    ``n`` rounds in each of which one actor sits out.

    Args:
        n: Number of actors (>= 2).

    Returns:
        One ``(pairs, 2)`` integer array per round.
    """
    if n < 2:
        raise ValueError(f"round_robin needs n >= 2 actors; got n={n}")
    m = n + n % 2
    rounds = []
    for r in range(m - 1):
        order = np.concatenate([[0], np.roll(np.arange(1, m), r)])
        pairs = np.stack([order[: m // 2], order[m // 2 :][::-1]], axis=1)
        rounds.append(pairs[(pairs < n).all(axis=1)])
    return rounds


def money_propensity(
    firms: FirmState,
    q: Quarter,
    economy: Economy,
    rows: ArrayLike | None = None,
    *,
    regime: int | None = None,
    depth: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Landscape sizes and propensities from version 2's money terms (USD m over the horizon).

    Reason: the membership decision values an alliance by what it adds to the firm's
    discounted profit (docs/model.md 6.5); here ``V_i(j)`` is what a member ``i`` of the
    two-firm alliance ``{i, j}`` would lose if ``j`` were not in it, by the decision's own
    functions: the knowledge term (``valuation.knowledge_value``: ``j``'s last effort
    reaching ``i`` at the alliance's excess rate, relatedness ``R[d_j, d_i]``, ``i``'s
    absorption and marginal capability, within the level bound; less the customers ``j``
    takes from ``i`` with ``i``'s knowledge where both sell in the same market) and the
    integrated offers (``valuation.complementarity_value``). It is read as the value of
    staying in ``{i, j}`` against staying in an alliance of the same regime and depth
    without ``j``, so what changes with the regime and not with the partner (the publishing
    weight) drops out. ``p_ij = V_i(j) + V_j(i)``, the pair's joint value, is symmetric
    with a zero diagonal as landscape theory requires; sizes are 1, since the money terms
    already carry the firms' scale (sizes would count it twice). Costs of an alliance as an
    organisation (dues, coordination, switching, antitrust exposure) are left out: they
    depend on the whole alliance, not on pairs.

    Each pair is valued in a world where every firm of ``rows`` is in a two-firm alliance
    (``round_robin``: each pair meets in one round) and all other firms are alone, from
    the start-of-quarter state of ``firms``; a member's values read its partner and, only
    at second order (market shares through others' integrated offers, others' saturation
    under the level bound), the other pairs of its round. The decision's headroom cap
    (finding 11) bounds the gain of joining, not the loss of a partner: ``V`` is the
    latter, as a member values leaving (measured on a 130-firm synthetic world: the cap
    would bind in 2 of 33,540 member values).

    Known defect inherited from the decision (2026-12, reported, not fixed here): with the
    level bound on, ``knowledge_value`` subtracts a member's own reach unmasked from its
    alliance's masked reach, so a member whose internal channel is saturated sees a
    negative leak to its partners, a spurious gain of staying; on that world it raised the
    mean joint value of same-domain pairs from 6.2 to 192 USD m. The signs did not change.

    Args:
        firms: The model's firm rows (their ``alliance`` column is not read).
        q: The quarter (parameters, policy effects, step).
        economy: The model's version-2 economy (frontiers, market shifts).
        rows: Firm rows to use (at least 2); every alive firm by default.
        regime: OPEN or CLOSED for every pair; None: for each pair the regime of larger
            joint value (as founding takes the better regime, docs/model.md 6.6).
        depth: Depth of every pair; None: ``model.choice.depth_base`` (a new alliance is
            small and homogeneous, as founders' values assume).

    Returns:
        ``(sizes, propensity)`` for ``rows`` in order: ones, and (n, n) USD m.
    """
    p = q.params
    rows = np.flatnonzero(firms.alive) if rows is None else np.asarray(rows, dtype=np.int64)
    w = p.choice.depth_base if depth is None else float(depth)
    best = np.full((rows.size, rows.size), -np.inf)
    for option in (OPEN, CLOSED) if regime is None else (regime,):
        value = np.zeros((rows.size, rows.size))
        for pairs in round_robin(rows.size):
            _pair_values(firms, q, economy, rows, pairs, option, w, value)
        best = np.maximum(best, value + value.T)
    np.fill_diagonal(best, 0.0)
    return np.ones(rows.size), best


def _pair_values(
    firms: FirmState,
    q: Quarter,
    economy: Economy,
    rows: np.ndarray,
    pairs: np.ndarray,
    regime: int,
    depth: float,
    value: np.ndarray,
) -> None:
    """Write ``V_i(j)`` and ``V_j(i)`` of one round's pairs into ``value`` (positions in rows).

    Alliance ``k`` holds pair ``k``; the last alliance is empty, of the same regime and depth
    (the reference: the same alliance without the partner).
    """
    p = q.params
    k = pairs.shape[0]
    alliance = np.full(firms.n, NO_ALLIANCE, dtype=firms.alliance.dtype)
    for side in (0, 1):
        alliance[rows[pairs[:, side]]] = np.arange(k)
    world = replace(firms, alliance=alliance)
    alliances = AllianceState()
    leaders = np.concatenate([rows[pairs[:, 0]], rows[:1]])
    alliances.append(np.full(k + 1, regime, dtype=np.int8), leaders, q.step)
    alliances.depth[:] = depth
    n_c = p.choice.n_candidates
    nobody = RevisionDraws(  # no revisers: the outlook draws no prospects, no noise
        np.zeros(0, dtype=np.int64),
        np.zeros((0, n_c), dtype=np.int64),
        np.zeros((0, FIRST_CANDIDATE + n_c)),
    )
    view = prospects(world, alliances, q, economy, nobody, np.random.default_rng(0))
    o = view.outlook
    members = rows[pairs.ravel()]
    r = reviser_at(members, world, o, view.channels, view.position)
    target = np.stack([np.full(members.size, k), alliance[members].astype(np.int64)], axis=1)
    publish = np.full(target.shape, 1.0 if regime == OPEN else 0.0)
    R = np.asarray(p.rnd.relatedness, dtype=np.float64)
    without = knowledge_value(r, target, publish, o, R, flow_scale(o, p))
    without += complementarity_value(r, target, o, p, o.multipliers.level)
    i, j = pairs.ravel(), pairs[:, ::-1].ravel()
    value[i, j] = -without[:, 0]  # what losing the partner costs the member
