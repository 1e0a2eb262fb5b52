"""Spillovers received and capability growth (design brief 5.2 and 5.3; docs/model.md 6.3-6.4).

Conventions. Firms are rows; ``x`` is each firm's R&D effort this quarter (USD m a quarter,
the unit of ``sim.engine.rnd_game``; docs/model.md says "effort units"). A pair is written
giver l -> receiver i, and ``beta_li`` is the dense ``rnd_game`` entry ``B[l, i] =
dX_i / dx_l`` (rows give, columns receive). Capability ``k`` and the frontier ``F`` share one
unit, "frontier units" (the frontier is 1 at the start). Every rule broadcasts, so it serves
one firm or a million; a firm's domain frontier is passed as ``frontier[domain]``.

New parameters, with proposed defaults (assumptions, docs/model.md 6.2-6.3): ``a0`` 0.5
(share), ``half_effort`` 0.05 (USD m a quarter), ``returns_exponent`` 0.5 (1 reproduces
``sim.engine.growth``). ``learning_rate``, ``catch_up``, ``obsolescence`` and the frontier's
growth come from ``GrowthParams``, passed by the caller.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sim.engine.state import NO_ALLIANCE


def _keyed_sum(
    key: np.ndarray, domain: np.ndarray, weight: np.ndarray, n_keys: int, D: int
) -> np.ndarray:
    """Sum ``weight`` per (key, domain): array (n_keys, D)."""
    flat = key * D + domain
    return np.bincount(flat, weights=weight, minlength=n_keys * D).reshape(n_keys, D)


def effective_rnd_grouped(
    x: ArrayLike,
    domain: ArrayLike,
    alliance: ArrayLike,
    closed_alliance: ArrayLike,
    internal_rate: ArrayLike,
    public_rate: float,
    relatedness: ArrayLike,
    absorption: ArrayLike,
    federation: ArrayLike | None = None,
    federation_rate: float = 0.0,
) -> np.ndarray:
    """Effective R&D each firm works with, ``X_i = x_i + sum_{l != i} beta_li x_l``.

    Reason: ``beta_li = channel(l, i) * relatedness[d_l, d_i] * absorption_i``, and each pair
    passes through exactly one channel, the closest relation first: the alliance's internal
    rate if l and i are in the same alliance, else ``federation_rate`` if their alliances are
    in the same federation (even if l publishes, and even if l's alliance is closed), else
    ``public_rate`` if the giver publishes (alone or in an open alliance), else 0; so a
    partner's effort is never counted both as alliance and as public knowledge.

    Cost: O(n D + m D^2), bincounts over (alliance, domain), (federation, domain) and domain
    keys; no n x n matrix. Summed over all givers, i included: ``rho (P R)[d_i] - rho (FP R)
    [f_i, d_i] + phi ((F - A) R)[a_i, d_i] + iota_a (A R)[a_i, d_i]``, with P the published
    effort per domain, A and F the effort per (alliance | federation, domain), FP its
    published part; then i's own term ``R[d_i, d_i] x_i`` (times iota, or rho if alone) goes.

    Args:
        x: Effort of each firm, shape (n,) (USD m a quarter).
        domain: Domain index of each firm in ``[0, D)``, shape (n,).
        alliance: Alliance id of each firm, shape (n,) (``NO_ALLIANCE`` = -1 alone).
        closed_alliance: Whether each alliance is closed, indexed by alliance id, shape (m,).
        internal_rate: Internal spillover rate per alliance id, shape (m,) or scalar.
        public_rate: Public spillover rate rho (share of a publisher's effort).
        relatedness: ``R[giver domain, receiver domain]`` in [0, 1], shape (D, D).
        absorption: Absorptive capacity of each (receiving) firm in [0, 1], shape (n,).
        federation: Federation id (any int >= 0, e.g. ``AllianceState.root()``) per alliance
            id, shape (m,); None: no federations (each alliance its own).
        federation_rate: Spillover rate phi between alliances of one federation.

    Returns:
        ``X``, shape (n,) (USD m a quarter), equal to ``rnd_game.effective_rnd(x, B)`` for the
        dense B of the same structure (``rnd_game.channel_spillover_matrix`` plus federation).
    """
    x = np.asarray(x, dtype=np.float64)
    domain, alliance = np.asarray(domain, dtype=np.int64), np.asarray(alliance, dtype=np.int64)
    R = np.asarray(relatedness, dtype=np.float64)
    closed = np.asarray(closed_alliance, dtype=bool).reshape(-1)
    n, D, m = x.size, R.shape[0], closed.size
    fed = np.arange(m) if federation is None else np.asarray(federation, dtype=np.int64)
    n_fed = int(fed.max()) + 1 if m else 0
    # slot m (alliances) and n_fed (federations) stand for "alone": their sums stay zero
    inside = alliance != NO_ALLIANCE
    g = np.where(inside, alliance, m)
    iota = np.append(np.broadcast_to(np.asarray(internal_rate, dtype=np.float64), (m,)), 0.0)
    pub_alliance = np.append(~closed, True)
    fed_of = np.append(fed, n_fed)
    pub = pub_alliance[g]
    A = _keyed_sum(g, domain, np.where(inside, x, 0.0), m + 1, D)
    rows, cols = np.repeat(fed_of, D), np.tile(np.arange(D), m + 1)
    F = _keyed_sum(rows, cols, A.ravel(), n_fed + 1, D)
    FP = _keyed_sum(rows, cols, (A * pub_alliance[:, None]).ravel(), n_fed + 1, D)
    P = np.bincount(domain, weights=np.where(pub, x, 0.0), minlength=D)
    AR, FR, FPR = A @ R, F @ R, FP @ R  # (group, receiver domain)
    f = fed_of[g]
    public = public_rate * ((P @ R)[domain] - FPR[f, domain])
    federated = federation_rate * (FR[f, domain] - AR[g, domain])
    internal = iota[g] * AR[g, domain]
    self_rate = np.where(inside, iota[g], public_rate)
    received = public + federated + internal - self_rate * R[domain, domain] * x
    return np.asarray(x + np.asarray(absorption, dtype=np.float64) * received).reshape(n)


def absorption(
    capability: ArrayLike,
    effort: ArrayLike,
    frontier: ArrayLike = 1.0,
    *,
    a0: float = 0.5,
    half_effort: float = 0.05,
) -> np.ndarray:
    """Absorptive capacity, the share of what reaches a firm that it can use, in [0, 1].

    Reason: Cohen and Levinthal (1989), R&D's second face: a firm absorbs in proportion to
    what it knows, ``r = clip(k / F, 0, 1)``, and more the more research it does itself:
    ``a = r (a0 + (1 - a0) e / (e + half_effort))`` (docs/model.md 6.3), rising in both, from
    ``a0 r`` without effort to ``r``. Pass last quarter's effort ``e``: absorption is then
    fixed within the quarter's R&D game (docs/model.md section 9, item 3).

    Args:
        capability: Capability k (frontier units).
        effort: Own R&D effort, last quarter's (USD m a quarter).
        frontier: The firm's domain frontier F (frontier units); 1 if k is already relative.
        a0: Absorption at zero effort of a firm at the frontier (share). Assumption: 0.5.
        half_effort: Effort at which ``a / r`` is halfway from ``a0`` to 1 (USD m a quarter,
            > 0). Assumption: 0.05.

    Returns:
        ``a`` in [0, 1], broadcast.
    """
    k, F = np.asarray(capability, dtype=np.float64), np.asarray(frontier, dtype=np.float64)
    e = np.maximum(np.asarray(effort, dtype=np.float64), 0.0)
    return np.asarray(np.clip(k / F, 0.0, 1.0) * (a0 + (1.0 - a0) * e / (e + half_effort)))


def _law(k: ArrayLike, X: ArrayLike, F: ArrayLike, *law: float) -> tuple[np.ndarray, np.ndarray]:
    """Uncapped ``k'`` and its slope ``dk'/dX``; ``law = (lambda, kappa, delta, alpha)``."""
    lam, kappa, delta, alpha = law
    k, F = np.asarray(k, dtype=np.float64), np.asarray(F, dtype=np.float64)
    X = np.maximum(np.asarray(X, dtype=np.float64), 0.0)
    scale = lam * F * (1.0 + kappa * np.clip(1.0 - k / F, 0.0, 1.0))
    with np.errstate(divide="ignore"):
        slope = alpha * scale * X ** (alpha - 1.0)
    return (1.0 - delta) * k + scale * X**alpha, slope


def capability_gain(
    k: ArrayLike,
    X: ArrayLike,
    frontier: ArrayLike,
    ceiling: ArrayLike,
    *,
    learning_rate: float,
    catch_up: float,
    obsolescence: float,
    returns_exponent: float = 0.5,
) -> np.ndarray:
    """Capability at the end of the quarter, capped at the end-of-quarter frontier.

    Reason: ``k' = min((1 - delta) k + lambda F (1 + kappa b) X^alpha, ceiling)``,
    ``b = clip(1 - k / F, 0, 1)``: effective R&D builds capability with diminishing returns
    (``alpha < 1``) in proportion to the frontier's scale, faster the further the firm is
    behind (catch-up: imitation is cheaper than invention), while a share ``delta`` becomes
    obsolete each quarter; nobody passes the frontier at the end of the quarter (pass
    ``ceiling=inf`` and move the frontier instead for docs/model.md 6.4's frontier push).
    Divided by ``F (1 + f)`` this is docs/model.md 6.2's relative law; with ``alpha = 1`` it
    is ``sim.engine.growth.capability_gain``. Increasing and concave in X; ``>= 0`` for
    ``k, X >= 0``.

    Args:
        k: Capability at the start of the quarter (frontier units, >= 0).
        X: Effective R&D this quarter (USD m a quarter); negative values count as 0.
        frontier: The domain frontier F at the start of the quarter (frontier units, > 0).
        ceiling: The domain frontier at the end of the quarter (frontier units).
        learning_rate: lambda, share of the frontier per (USD m)^alpha (``GrowthParams``).
        catch_up: kappa, growth multiplier per unit of relative distance to the frontier.
        obsolescence: delta, share of capability lost per quarter, in [0, 1].
        returns_exponent: alpha in (0, 1]. Assumption: 0.5 (docs/model.md 6.2).

    Returns:
        Next quarter's capability k' (frontier units), broadcast.
    """
    law = _law(k, X, frontier, learning_rate, catch_up, obsolescence, returns_exponent)
    return np.asarray(np.minimum(law[0], ceiling))


def marginal_capability(
    k: ArrayLike,
    X: ArrayLike,
    frontier: ArrayLike,
    ceiling: ArrayLike,
    *,
    learning_rate: float,
    catch_up: float,
    obsolescence: float,
    returns_exponent: float = 0.5,
) -> np.ndarray:
    """``g' = dk'/dX = alpha lambda F (1 + kappa b) X^(alpha - 1)`` below the ceiling, else 0.

    The right derivative of ``capability_gain`` (same arguments and units): 0 where k'
    reaches the ceiling, ``inf`` at ``X = 0`` when ``alpha < 1``.

    Returns:
        ``g'`` (frontier units per USD m of effective R&D), broadcast.
    """
    raw, slope = _law(k, X, frontier, learning_rate, catch_up, obsolescence, returns_exponent)
    return np.asarray(np.where(raw < np.asarray(ceiling, dtype=np.float64), slope, 0.0))


def quarterly_rate(per_year: ArrayLike) -> np.ndarray:
    """A yearly rate as a quarterly one, ``(1 + r)^(1/4) - 1`` (compounding).

    Args:
        per_year: Rate per year.

    Returns:
        Rate per quarter, broadcast.
    """
    return np.asarray(np.expm1(0.25 * np.log1p(np.asarray(per_year, dtype=np.float64))))


def next_frontier(frontier: ArrayLike, growth_per_year: ArrayLike) -> np.ndarray:
    """Each domain's frontier one quarter later, ``F (1 + phi_d)^(1/4)``.

    Args:
        frontier: Frontier per domain (frontier units), shape (D,) or broadcastable.
        growth_per_year: Trend growth phi_d per domain (per year).

    Returns:
        The frontier a quarter later (frontier units), broadcast.
    """
    return np.asarray(frontier, dtype=np.float64) * (1.0 + quarterly_rate(growth_per_year))


def gap_years(
    national: ArrayLike, frontier: ArrayLike, growth_per_year: ArrayLike, compounding: bool = False
) -> np.ndarray:
    """Technology gap per domain (SPRi): years to cover the distance at the frontier's pace.

    Reason: ``(F - N) / (phi F)`` (default; docs/model.md 6.4 and
    ``sim.engine.growth.technology_gap_years``): the distance at the frontier's current
    yearly advance. ``compounding=True``: ``log(F / N) / log(1 + phi)``, the years to reach
    today's frontier growing at its compound rate; equal to first order, but longer (2.7
    against 2.2 years at ``N / F = 0.74``, ``phi = 0.1184``), infinite at N = 0. Both < 0 if
    N > F.

    Args:
        national: National capability per domain, e.g. the best domestic k (frontier units).
        frontier: Frontier per domain (frontier units, > 0).
        growth_per_year: Frontier growth phi_d per domain (per year, > 0).
        compounding: Use the log form.

    Returns:
        Gap per domain (years), broadcast.
    """
    N, F = np.asarray(national, dtype=np.float64), np.asarray(frontier, dtype=np.float64)
    g = np.asarray(growth_per_year, dtype=np.float64)
    if not compounding:
        return np.asarray((F - N) / (F * g))
    with np.errstate(divide="ignore"):
        return np.asarray(np.log(F / N) / np.log1p(g))


def overall_gap_years(gap: ArrayLike, market_size: ArrayLike) -> np.ndarray:
    """Market-weighted gap over domains, ``sum_d w_d gap_d`` with ``w_d = M_d / sum M``.

    Args:
        gap: Gap per domain (years), domains on the last axis.
        market_size: World market size per domain (USD m a quarter; only ratios matter),
            broadcastable to ``gap``.

    Returns:
        The overall gap (years), ``gap`` without its last axis.
    """
    gap, M = np.asarray(gap, dtype=np.float64), np.asarray(market_size, dtype=np.float64)
    M = np.broadcast_to(M, gap.shape)
    return np.asarray((gap * M).sum(axis=-1) / M.sum(axis=-1))


def horizon_multiplier(
    discount_per_quarter: ArrayLike, depreciation: ArrayLike, quarters: ArrayLike
) -> np.ndarray:
    """Present value, in quarters of profit, of a lasting capability gain: ``sum_{h=1..H} q^h``.

    Reason: with ``q = delta (1 - dep)``, a gain worth one quarter's profit derivative that
    depreciates at ``dep`` a quarter and is discounted by ``delta`` a quarter is worth
    ``q (1 - q^H) / (1 - q)`` (H if q = 1; ``q / (1 - q)`` for ``H = inf``, q < 1). To fold
    in market growth n and erosion by the frontier f (docs/model.md 6.2), pass ``delta =
    rho (1 + n)`` and ``1 - dep = (1 - obsolescence) / (1 + f)``; the doc's Lambda, which does
    not depreciate the first quarter, is this divided by ``1 - dep``.

    Args:
        discount_per_quarter: delta, the discount factor per quarter (> 0).
        depreciation: dep, share of the gain lost per quarter (< 1).
        quarters: H, the horizon (quarters, >= 1; may be ``inf``).

    Returns:
        The multiplier (quarters), broadcast.
    """
    q = np.multiply(discount_per_quarter, np.subtract(1.0, depreciation), dtype=np.float64)
    H = np.asarray(quarters, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        geometric = q * np.expm1(H * np.log(q)) / (q - 1.0)
    return np.asarray(np.where(q == 1.0, H, geometric))
