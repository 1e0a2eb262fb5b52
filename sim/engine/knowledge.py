"""Spillovers received, capability growth, the frontier and the gap (docs/model.md 6.2-6.4).

Conventions. Firms (units) are rows. Effort ``x`` and effective R&D ``X`` are in effort
units; effort x costs ``gamma x^2 / 2`` USD m (``gamma`` in USD m per effort unit squared).
A pair is written sender l -> receiver i, and ``beta_li`` is the dense entry ``B[l, i] =
dX_i / dx_l`` of ``sim.engine.channels.spillover_matrix`` (rows send, columns receive).
Capability ``k`` is relative, a share of its domain's frontier (docs/model.md section 2):
the frontier level ``F_d`` is kept apart, and ``push_frontier`` renormalises k when a unit
passes the frontier. Every rule broadcasts, so it serves one firm or a million.

New parameters, with proposed defaults (assumptions, docs/model.md 6.2-6.3): ``a0`` 0.5
(share), ``half_effort`` 0.05 (effort units), ``returns_exponent`` 0.5 (1 reproduces
``sim.engine.growth``), ``effort_offset`` X0 = 0.001 (effort units; regularises the law at
X = 0). ``learning_rate``, ``catch_up``, ``obsolescence`` and the frontier's growth come from
``GrowthParams``, passed by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from sim.engine.arrays import take_rows
from sim.engine.channels import Channels, everyone_alone

if TYPE_CHECKING:
    from sim.engine.levels import InflowBound

EFFORT_OFFSET = 1e-3  # X0, effort units: the law is lambda ((X + X0)^alpha - X0^alpha)
# Relative error of ``Law.estimate_slope`` against ``Law.slope``: 1 / sqrt (two roundings) and
# pow (within 1 unit in the last place in glibc, 4 in SIMD libraries) differ by at most about
# 6 units of 2.2e-16, the scaling adds two roundings to each; bounded here with room to spare.
SLOPE_ESTIMATE_ERROR = 1e-14


def _keyed_sum(
    key: np.ndarray, domain: np.ndarray, weight: np.ndarray, n_keys: int, D: int
) -> np.ndarray:
    """Sum ``weight`` per (key, domain): array (n_keys, D)."""
    flat = key * D + domain
    return np.bincount(flat, weights=weight, minlength=n_keys * D).reshape(n_keys, D)


def _received(R: np.ndarray, domain: np.ndarray) -> np.ndarray:
    """``R[:, domain]``: what a unit sent in each domain is worth to each firm (gathered once).

    Reason: speed only; every ``_reach`` of one sum over firms reads the same columns.
    """
    return np.asarray(take_rows(R.T, domain).T)  # in the memory layout _reach always read


def _reach(sums: np.ndarray, key: np.ndarray, received: np.ndarray) -> np.ndarray:
    """``sum_d sums[key_i, d] R[d, d_i]``: a group's sent effort as received by each firm i.

    ``received`` is ``R[:, domain]`` (``_received``).
    """
    return np.asarray(np.einsum("nd,dn->n", take_rows(sums, key), received))


def effective_rnd_grouped(
    x: ArrayLike,
    domain: ArrayLike,
    relatedness: ArrayLike,
    absorption: ArrayLike,
    channels: Channels,
    bound: InflowBound | None = None,
) -> np.ndarray:
    """Effective R&D each firm works with, ``X_i = x_i + sum_{l != i} beta_li x_l``.

    Reason: ``beta_li = rate(l -> i) relatedness[d_l, d_i] absorption_i``, each pair through
    one channel, ``rate(l -> i) = max(rho pi_l, c(l, i))`` (``sim.engine.channels``, the
    structure ``demand.marginal_value_grouped`` decides on). The rate splits into sender
    parts per level, so with P the public effort per domain, AX the alliance-excess effort
    per (alliance, domain), FX and FXA the federation-excess effort per (federation |
    alliance, domain): ``X_i = x_i + a_i [(P R)[d_i] + (AX R)[A_i, d_i] + (FX R)[F_i, d_i]
    - (FXA R)[A_i, d_i] - (rho pi_i + alliance_excess_i) R[d_i, d_i] x_i]``; the last term
    removes i itself.

    Cost: O(n D + D^2), four bincounts; no n x n matrix.

    Args:
        x: Effort of each firm, shape (n,) (effort units).
        domain: Domain index of each firm in ``[0, D)``, shape (n,).
        relatedness: ``R[sender domain, receiver domain]`` in [0, 1], shape (D, D).
        absorption: Absorptive capacity of each (receiving) firm in [0, 1], shape (n,).
        channels: The channel structure (``channels.build``).
        bound: Optional level bound on the inflow (``sim.engine.levels``): X is then
            ``x_i + bound.counted(public, internal)`` of the two parts (``inflow_parts``).

    Returns:
        ``X``, shape (n,) (effort units), equal to ``rnd_game.effective_rnd(x, B)`` for
        ``B = channels.spillover_matrix(channels, domain, absorption, relatedness)`` (without
        a bound).
    """
    ch = channels
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    domain = np.asarray(domain, dtype=np.int64).reshape(-1)
    R = np.asarray(relatedness, dtype=np.float64)
    if bound is not None:
        public, internal = inflow_parts(x, domain, R, absorption, ch)
        return np.asarray(x + bound.counted(public, internal))
    D = R.shape[0]
    public, excess = ch.public, ch.alliance_excess
    P = np.bincount(domain, weights=public * x, minlength=D)
    AX = _keyed_sum(ch.group, domain, excess * x, ch.n_groups, D)
    worth = _received(R, domain)
    received = (P @ R)[domain] + _reach(AX, ch.group, worth)
    if ch.has_federations:
        fed_x = ch.federation_excess * x
        FX = _keyed_sum(ch.federation, domain, fed_x, ch.n_federations, D)
        FXA = _keyed_sum(ch.group, domain, fed_x, ch.n_groups, D)
        received += _reach(FX, ch.federation, worth) - _reach(FXA, ch.group, worth)
    received -= (public + excess) * R[domain, domain] * x
    return np.asarray(x + np.asarray(absorption, dtype=np.float64) * received)


def inflow_parts(
    x: ArrayLike,
    domain: ArrayLike,
    relatedness: ArrayLike,
    absorption: ArrayLike,
    channels: Channels,
) -> tuple[np.ndarray, np.ndarray]:
    """The inflow ``X_i - x_i`` split by channel: public, and internal (alliance, federation).

    Reason: the level bound (docs/model.md 6.3) caps each channel at its own source level.
    The rate splits into sender parts (``sim.engine.channels``): the public part
    ``rho pi_l`` reaches everyone, the excess parts (``alliance_excess``,
    ``federation_excess``) reach only the sender's alliance and federation; so the public
    inflow is ``a_i [(P R)[d_i] - rho pi_i R_ii x_i]`` and the internal one the rest of
    ``effective_rnd_grouped``'s sum. A partner's effort is still counted once: its public
    part is public inflow, its excess internal.

    Args:
        x: Effort of each firm, shape (n,) (effort units).
        domain: Domain index of each firm in ``[0, D)``, shape (n,).
        relatedness: ``R[sender domain, receiver domain]``, shape (D, D).
        absorption: Absorptive capacity of each (receiving) firm, shape (n,).
        channels: The channel structure.

    Returns:
        ``(public, internal)``, each shape (n,) (effort units).

    With every firm alone (``channels.everyone_alone``) the internal part is ``a`` times
    +0.0 without its sums (speed only): with no excess rate each of them is a bincount of
    zeros (+0.0) read through relatedness in [0, 1], so the sums give +0.0 exactly for
    finite efforts, of either sign.
    """
    ch = channels
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    domain = np.asarray(domain, dtype=np.int64).reshape(-1)
    R = np.asarray(relatedness, dtype=np.float64)
    a = np.asarray(absorption, dtype=np.float64)
    D = R.shape[0]
    public, excess = ch.public, ch.alliance_excess
    P = np.bincount(domain, weights=public * x, minlength=D)
    own = R[domain, domain] * x
    from_public = (P @ R)[domain] - public * own
    if everyone_alone(ch):  # no excess anywhere: the partners' sums below are all +0.0
        return np.asarray(a * from_public), np.asarray(a * np.zeros(from_public.shape))
    AX = _keyed_sum(ch.group, domain, excess * x, ch.n_groups, D)
    worth = _received(R, domain)
    from_partners = _reach(AX, ch.group, worth) - excess * own
    if ch.has_federations:
        fed_x = ch.federation_excess * x
        FX = _keyed_sum(ch.federation, domain, fed_x, ch.n_federations, D)
        FXA = _keyed_sum(ch.group, domain, fed_x, ch.n_groups, D)
        from_partners += _reach(FX, ch.federation, worth) - _reach(FXA, ch.group, worth)
    return np.asarray(a * from_public), np.asarray(a * from_partners)


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
        capability: Capability k (relative, or in the unit of ``frontier``).
        effort: Own R&D effort, last quarter's (effort units).
        frontier: The firm's domain frontier F in the unit of k; 1 (default) if k is relative.
        a0: Absorption at zero effort of a firm at the frontier (share). Assumption: 0.5.
        half_effort: Effort at which ``a / r`` is halfway from ``a0`` to 1 (effort units,
            > 0). Assumption: 0.05.

    Returns:
        ``a`` in [0, 1], broadcast.
    """
    k, F = np.asarray(capability, dtype=np.float64), np.asarray(frontier, dtype=np.float64)
    return np.asarray(np.clip(k / F, 0.0, 1.0) * effort_share(effort, a0, half_effort))


def effort_share(effort: ArrayLike, a0: float = 0.5, half_effort: float = 0.05) -> np.ndarray:
    """``a0 + (1 - a0) e / (e + half_effort)``: the part of absorptive capacity own R&D buys.

    Reason: ``absorption`` over the capability's part: ``a0`` without own effort, rising to 1
    (Cohen and Levinthal 1989). Arguments as ``absorption``'s (``e`` clipped at 0).
    """
    e = np.maximum(np.asarray(effort, dtype=np.float64), 0.0)
    return np.asarray(a0 + (1.0 - a0) * e / (e + half_effort))


def catch_up_factor(k: ArrayLike, catch_up: ArrayLike) -> np.ndarray:
    """``1 + kappa b``, ``b = clip(1 - k, 0, 1)``: imitation is cheaper the further behind."""
    k = np.asarray(k, dtype=np.float64)
    return np.asarray(1.0 + np.asarray(catch_up) * np.clip(1.0 - k, 0.0, 1.0))


def transfer_gain(k: ArrayLike, transfer: ArrayLike) -> np.ndarray:
    """``eps k (1 - k)``: capability a unit gains from the frontier's knowledge, without R&D.

    Reason: Nelson and Phelps (1966) with Benhabib and Spiegel's (2005) logistic diffusion:
    technology transfers in proportion to the distance to the frontier, ``1 - k``, at a rate
    bounded by the receiver's absorptive capacity, here its capability k in [0, 1] (a unit
    far behind absorbs little). It pulls toward the frontier and never past it (0 at k >= 1;
    at most eps / 4). ``model.growth.common_learning_rate``; docs/model.md finding 39 item 3.
    """
    k = np.clip(np.asarray(k, dtype=np.float64), 0.0, 1.0)
    return np.asarray(np.asarray(transfer, dtype=np.float64) * k * (1.0 - k))


def returns_to_rnd(X: ArrayLike, alpha: ArrayLike, effort_offset: ArrayLike) -> np.ndarray:
    """``(X + X0)^alpha - X0^alpha``: diminishing returns to effective R&D, 0 at X = 0."""
    X0 = np.asarray(effort_offset, dtype=np.float64)
    a = np.asarray(alpha, dtype=np.float64)
    return np.asarray(np.power(np.asarray(X, dtype=np.float64) + X0, a) - np.power(X0, a))


@dataclass(frozen=True)
class Law:
    """The capability law of fixed units, as a function of their effective R&D X alone.

    Reason: the parts of ``capability_gain`` and ``marginal_capability`` that do not depend on
    X are computed once (``capability_law``): the effort solve evaluates the slope sixty times
    per firm and quarter. Each method gives exactly what those functions give.

    Attributes:
        kept: ``(1 - delta) k``, capability kept from last quarter.
        scale: ``lambda (1 + kappa b)``, the learning rate with catch-up.
        slope_scale: ``alpha lambda (1 + kappa b)``.
        drift: ``1 + f``, the frontier's drift.
        alpha: The returns exponent.
        offset: X0 (effort units).
        offset_power: ``X0^alpha``.
        ceiling: Optional cap on k' (relative to the drifted frontier); None: no cap.
        capped: Flat indices of the units with a finite ceiling (None: check every unit).
        capped_law: The law of those units alone.
    """

    kept: np.ndarray
    scale: np.ndarray
    slope_scale: np.ndarray
    drift: np.ndarray
    alpha: np.ndarray
    offset: np.ndarray
    offset_power: np.ndarray
    ceiling: np.ndarray | None
    capped: np.ndarray | None = None
    capped_law: Law | None = None

    def _shifted(self, X: ArrayLike) -> np.ndarray:
        """``max(X, 0) + X0``."""
        return np.asarray(np.maximum(np.asarray(X, dtype=np.float64), 0.0) + self.offset)

    def _raw(self, shifted: np.ndarray) -> np.ndarray:
        """Uncapped relative k' at ``shifted = max(X, 0) + X0``."""
        gain = self.scale * (np.power(shifted, self.alpha) - self.offset_power)
        return np.asarray((self.kept + gain) / self.drift)

    def effort_to(self, level: ArrayLike) -> np.ndarray:
        """The effective R&D at which the uncapped k' equals ``level``; 0 if k' is there at X = 0.

        Reason: the inverse of the law (docs/model.md 6.3, "Level-bounded spillovers"):
        ``m = ((S - (1 - delta) k) / (lambda (1 + kappa b)) + X0^alpha)^(1/alpha) - X0``
        where ``S > (1 - delta) k``, else 0; 0 where the learning rate is 0 (knowledge then
        builds nothing). S is relative to the frontier at the start of the quarter: what the
        sources knew when they sent it (one quarter's lag), so spillovers alone bring k' to
        ``S / (1 + f)`` of the drifted frontier. Review 8 (finding 37): with S read against
        the drifted frontier ("a source keeps its place"), every lifted unit gained a
        quarter's drift no source had produced, and near-frontier equals lifted one another
        past the frontier on pooled inflow.

        Args:
            level: S, a capability relative to the start-of-quarter frontier, broadcast.

        Returns:
            m (effort units), broadcast.
        """
        need = np.asarray(level, dtype=np.float64) - self.kept
        live = (need > 0.0) & (self.scale > 0.0)
        base = np.where(live, need, 0.0) / np.where(live, self.scale, 1.0) + self.offset_power
        m = np.power(base, 1.0 / self.alpha) - self.offset
        return np.asarray(np.where(live, np.maximum(m, 0.0), 0.0))

    def next(self, X: ArrayLike) -> np.ndarray:
        """The relative k' at effective R&D X (``capability_gain``)."""
        raw = self._raw(self._shifted(X))
        return raw if self.ceiling is None else np.asarray(np.minimum(raw, self.ceiling))

    def slope(self, X: ArrayLike) -> np.ndarray:
        """The slope g' at effective R&D X (``marginal_capability``).

        With a ceiling, 0 where k' reaches it. Units whose ceiling is infinite are not
        checked (their finite k' is below it): a world of domestic units pays for the check
        only on its foreign ones (``capped``).
        """
        shifted = self._shifted(X)
        power = np.power(shifted, self.alpha - 1.0)
        return self._at_ceiling(np.asarray(self.slope_scale * power / self.drift), shifted)

    def slope_from_shifted(self, shifted: np.ndarray, out: np.ndarray) -> np.ndarray:
        """``slope`` at the X of ``shifted = max(X, 0) + X0``, written into ``out`` where it can.

        Reason: speed only (``bisection.bisect_effort`` asks for it sixty times a solve): the
        operations of ``slope`` in the same order, on a buffer instead of new arrays. The
        per-unit terms must broadcast to ``shifted``'s shape (the caller checks).
        """
        np.power(shifted, self.alpha - 1.0, out)
        np.multiply(self.slope_scale, out, out)
        np.divide(out, self.drift, out)
        return self._at_ceiling(out, shifted)

    @property
    def has_estimate(self) -> bool:
        """Whether ``estimate_slope`` gives an estimate (alpha = 1/2, one for all units)."""
        return self.alpha.ndim == 0 and float(self.alpha) == 0.5

    def estimate_slope(self, X: ArrayLike) -> np.ndarray | None:
        """``slope`` within ``SLOPE_ESTIMATE_ERROR`` (relative), fast; None unless alpha = 1/2.

        Reason: at alpha = 1/2 the power ``(X + X0)^(-1/2)`` is ``1 / sqrt(X + X0)`` to a few
        units in the last place, and a square root costs a small part of a general power.
        A solver may decide with it wherever the decision is clear by far more than that
        error (``innovation.solve_effort``), and ask ``slope`` elsewhere.
        """
        if not self.has_estimate:
            return None
        shifted = self._shifted(X)
        power = 1.0 / np.sqrt(shifted)
        return self._at_ceiling(np.asarray(self.slope_scale * power / self.drift), shifted)

    def checks_ceiling(self, shape: tuple[int, ...]) -> bool:
        """Whether ``slope`` at an X of ``shape`` checks some unit's ceiling.

        Reason: speed only (``bisection.bisect_effort``). Where it does not (no ceiling, or
        the finite ceilings ``capped`` of units of this shape are none), ``slope`` is the
        uncapped ``slope_scale shifted^(alpha - 1) / drift`` and a caller may compute it so.
        The same tests, in the same order, as ``_at_ceiling``.
        """
        if self.ceiling is None:
            return False
        if self.capped is None or self.capped_law is None or shape != self.ceiling.shape:
            return True
        return bool(self.capped.size)

    def _at_ceiling(self, slope: np.ndarray, shifted: np.ndarray) -> np.ndarray:
        """``slope`` with 0 where k' reaches the ceiling (checked exactly)."""
        if self.ceiling is None:
            return slope
        if self.capped is None or self.capped_law is None or slope.shape != self.ceiling.shape:
            return np.asarray(np.where(self._raw(shifted) < self.ceiling, slope, 0.0))
        rows, law = self.capped, self.capped_law
        if not rows.size:  # no unit of finite ceiling: nothing to check
            return slope
        assert law.ceiling is not None
        slope[rows] = np.where(law._raw(shifted[rows]) < law.ceiling, slope[rows], 0.0)
        return slope

    def take(self, rows: np.ndarray) -> Law:
        """The law of the units ``rows`` alone (per-unit terms one-dimensional or scalar)."""

        def pick(v: np.ndarray) -> np.ndarray:
            return v if v.ndim == 0 else np.asarray(v[rows])

        return replace(  # without ``capped``: checks the ceiling of every unit it holds
            self,
            kept=pick(self.kept),
            scale=pick(self.scale),
            slope_scale=pick(self.slope_scale),
            drift=pick(self.drift),
            ceiling=None if self.ceiling is None else pick(self.ceiling),
            capped=None,
            capped_law=None,
        )


def _capped_units(law: Law) -> Law:
    """``law`` with ``capped``: the units of finite ceiling, and their law alone.

    Left as is where the ceiling is None, not one-dimensional, or of another shape than the other
    per-unit terms (the slope then checks every unit).
    """
    c = law.ceiling
    per_unit = (law.kept, law.scale, law.slope_scale, law.drift)
    if (
        c is None
        or c.ndim != 1
        or np.broadcast_shapes(c.shape, *(v.shape for v in per_unit)) != c.shape
    ):
        return law
    rows = np.flatnonzero(np.isfinite(c))

    def pick(v: np.ndarray) -> np.ndarray:
        if v.ndim == 0:
            return v
        full = v if v.shape == c.shape else np.broadcast_to(v, c.shape)  # (a view: speed)
        return np.asarray(full.reshape(-1)[rows])

    alone = replace(
        law,
        kept=pick(law.kept),
        scale=pick(law.scale),
        slope_scale=pick(law.slope_scale),
        drift=pick(law.drift),
        ceiling=pick(c),
    )
    return replace(law, capped=rows, capped_law=alone)


def capability_law(
    k: ArrayLike,
    frontier_growth: ArrayLike,
    *,
    learning_rate: ArrayLike,
    catch_up: float,
    obsolescence: float,
    returns_exponent: float = 0.5,
    effort_offset: float = EFFORT_OFFSET,
    ceiling: ArrayLike | None = None,
    transfer: ArrayLike = 0.0,
) -> Law:
    """The law of ``capability_gain`` for units at capability k, before X is known.

    Same arguments and units as ``capability_gain`` (without X). ``transfer`` is eps, the
    Nelson-Phelps transfer rate (``model.growth.common_learning_rate``): the capability kept
    gains ``eps k (1 - k)`` (k and 1 - k clipped to [0, 1]), which does not depend on X.

    Raises:
        ValueError: If ``effort_offset`` is not > 0.
    """
    lam, kappa, delta, alpha, X0 = (
        np.asarray(v, dtype=np.float64)
        for v in (learning_rate, catch_up, obsolescence, returns_exponent, effort_offset)
    )
    if not np.all(X0 > 0.0):
        raise ValueError(f"effort_offset must be > 0 (effort units), got {X0!r}")
    k = np.asarray(k, dtype=np.float64)
    scale = lam * catch_up_factor(k, kappa)
    kept = np.asarray((1.0 - delta) * k)
    if np.any(np.asarray(transfer) != 0.0):  # bit for bit without the transfer
        kept = np.asarray(kept + transfer_gain(k, transfer))
    law = Law(
        kept=kept,
        scale=np.asarray(scale),
        slope_scale=np.asarray(alpha * scale),
        drift=np.asarray(1.0 + np.asarray(frontier_growth, dtype=np.float64)),
        alpha=alpha,
        offset=X0,
        offset_power=np.asarray(np.power(X0, alpha)),
        ceiling=None if ceiling is None else np.asarray(ceiling, dtype=np.float64),
    )
    return _capped_units(law)


def capability_gain(
    k: ArrayLike,
    X: ArrayLike,
    frontier_growth: ArrayLike,
    *,
    learning_rate: ArrayLike,
    catch_up: float,
    obsolescence: float,
    returns_exponent: float = 0.5,
    effort_offset: float = EFFORT_OFFSET,
    ceiling: ArrayLike | None = None,
    transfer: ArrayLike = 0.0,
) -> np.ndarray:
    """Relative capability at the end of the quarter, before the frontier push.

    Reason: docs/model.md 6.2, regularised at X = 0:
    ``k' = [(1 - delta) k + lambda (1 + kappa b) ((X + X0)^alpha - X0^alpha)] / (1 + f)``,
    ``b = clip(1 - k, 0, 1)``: effective R&D builds capability with diminishing returns
    (``alpha < 1``), faster the further the unit is behind (catch-up: imitation is cheaper
    than invention), a share ``delta`` becomes obsolete, and the frontier drifts by f. The
    offset X0 keeps the slope finite at X = 0 (``alpha lambda (1 + kappa b) X0^(alpha - 1) /
    (1 + f)``); with ``alpha = 1`` it cancels. k' may exceed 1: the unit passed the drifted
    frontier, and ``push_frontier`` makes it the frontier (docs/model.md 6.4). ``ceiling``
    caps k' instead (version 1, ``ceiling=1``: nobody passes the frontier; not for the model,
    as the cap's kink stops a leader's R&D). Increasing and concave in X; ``>= 0`` for
    ``k, X >= 0``.

    Args:
        k: Capability at the start of the quarter, relative to the frontier then (>= 0).
        X: Effective R&D this quarter (effort units); negative values count as 0.
        frontier_growth: f, the frontier's drift this quarter (``quarterly_rate`` of phi_d).
        learning_rate: lambda, share of the frontier per effort unit^alpha (``GrowthParams``).
        catch_up: kappa, growth multiplier per unit of relative distance to the frontier.
        obsolescence: delta, share of capability lost per quarter, in [0, 1].
        returns_exponent: alpha in (0, 1]. Assumption: 0.5 (docs/model.md 6.2).
        effort_offset: X0 > 0 (effort units), where returns turn from linear to
            ``X^alpha``. Assumption: 0.001, a fiftieth of absorption's ``half_effort``; the
            gain falls short of ``lambda X^alpha`` by about ``(X0 / X)^alpha`` (10 % at 0.1).
        ceiling: Optional cap on k' (relative to the drifted frontier); None: no cap.
        transfer: eps, the Nelson-Phelps transfer rate (share of the gap a quarter at
            absorptive capacity 1); adds ``eps k (1 - k)`` (``transfer_gain``). Default 0.

    Returns:
        k', relative to the drifted frontier ``F (1 + f)``, broadcast.
    """
    law = capability_law(
        k,
        frontier_growth,
        learning_rate=learning_rate,
        catch_up=catch_up,
        obsolescence=obsolescence,
        returns_exponent=returns_exponent,
        effort_offset=effort_offset,
        ceiling=ceiling,
        transfer=transfer,
    )
    return law.next(X)


def marginal_capability(
    k: ArrayLike,
    X: ArrayLike,
    frontier_growth: ArrayLike,
    *,
    learning_rate: ArrayLike,
    catch_up: float,
    obsolescence: float,
    returns_exponent: float = 0.5,
    effort_offset: float = EFFORT_OFFSET,
    ceiling: ArrayLike | None = None,
    transfer: ArrayLike = 0.0,
) -> np.ndarray:
    """Relative ``g' = d(k'/F')/dX = alpha lambda (1 + kappa b) (X + X0)^(alpha - 1) / (1 + f)``.

    The derivative of ``capability_gain`` (same arguments and units). Relative, like the
    logit's theta acts on relative k, so marginal values do not grow with the frontier.
    Finite at X = 0. With a ``ceiling``, 0 where k' reaches it (the right derivative).

    Returns:
        ``g'`` (share of the frontier per effort unit of effective R&D), broadcast.
    """
    law = capability_law(
        k,
        frontier_growth,
        learning_rate=learning_rate,
        catch_up=catch_up,
        obsolescence=obsolescence,
        returns_exponent=returns_exponent,
        effort_offset=effort_offset,
        ceiling=ceiling,
        transfer=transfer,
    )
    return law.slope(X)


def push_frontier(
    k: ArrayLike, domain: ArrayLike, n_domains: int, drift: ArrayLike = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """A unit that passes its domain's frontier becomes the frontier (docs/model.md 6.4).

    Reason: in a domain whose best relative k' exceeds 1, the frontier is multiplied by that
    k' and every k' of the domain divided by it, so the best unit has k = 1; elsewhere
    nothing moves. Ratios within a domain, hence the order, are kept.

    Args:
        k: Relative capability of each unit after ``capability_gain``, shape (n,).
        domain: Domain index of each unit in ``[0, n_domains)``, shape (n,).
        n_domains: Number of domains.
        drift: f_d, the frontier's drift this quarter (the growth ``capability_gain`` divided
            by), scalar or shape (n_domains,).

    Returns:
        ``(k, growth)``: the renormalised relative capabilities, shape (n,), and the
        realised frontier growth this quarter per domain, ``(1 + f_d) push_d - 1`` with
        ``push_d = max(1, max k'_d)``, shape (n_domains,): ``F_{t+1} = F_t (1 + growth)``.
    """
    k = np.asarray(k, dtype=np.float64)
    domain = np.asarray(domain, dtype=np.int64)
    push = np.ones(n_domains)
    np.maximum.at(push, domain, k)
    growth = (1.0 + np.asarray(drift, dtype=np.float64)) * push - 1.0
    return k / push[domain], np.asarray(np.broadcast_to(growth, (n_domains,)))


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
