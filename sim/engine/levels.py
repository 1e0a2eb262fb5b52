"""Level-bounded spillovers: knowledge lifts a receiver to its sources' level, not past it.

docs/model.md 6.3, "Level-bounded spillovers" (finding 37). Spillovers transmit knowledge that
exists at the source (Nelson and Phelps 1966; Benhabib and Spiegel 2005; Griffith, Redding
and Van Reenen 2004): a receiver can be lifted toward the level of what it learns from, not
beyond it; only its own R&D extends knowledge past its sources. Per receiver i and channel c
(``public``: every publisher's public part; ``internal``: its partners' alliance excess and
its federation's excess, ``sim.engine.channels``) the source level S_ci is the flow-weighted
mean capability of the senders that reach i through c (``source_levels``), from the
start-of-quarter state, and the inflow through c counts only up to ``m_i(S_ci)``, the
effective R&D that at zero own effort brings i exactly to the level S_ci its sources held at
the start of the quarter (``knowledge.Law.effort_to``; one quarter's lag). The two channels
are filled in order of their levels (the lower first, the total up to the higher's m), so
their sum never lifts i past the higher level:
``X_i = x_i + min(min(in_lo, m_lo) + in_hi, m_hi)``. The caps do not depend on i's own
effort, so its condition stays concave (``innovation.solve_effort``); with own effort x,
``k' <= max(S, k'(0)) + k'(x) - k'(0)`` by concavity: past its sources only by what its own
R&D adds. A receiver whose channel is saturated gains nothing from a sender's marginal
effort through it (``InflowBound.receiving``, read by ``demand.marginal_value_grouped`` and
the revisers' outlook).

Cost: O(n D + D^2): the group sums of ``knowledge.inflow_parts``, twice; no n x n matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from sim.engine.channels import Channels
from sim.engine.knowledge import Law, inflow_parts


def source_levels(
    capability: ArrayLike,
    effort: ArrayLike,
    domain: ArrayLike,
    relatedness: ArrayLike,
    channels: Channels,
) -> tuple[np.ndarray, np.ndarray]:
    """``(S_public, S_internal)`` per receiver: the flow-weighted level of what reaches it.

    Reason: ``S_ci = sum_l f_li L_li / sum_l f_li`` over the senders l != i of channel c,
    with the flow ``f_li = a_i R[d_l, d_i] rate_cl x_l`` and the level ``L_li = R[d_l, d_i]
    k_l``, the sender's capability as useful in the receiver's domain. a_i cancels, so both
    sums are ``knowledge.inflow_parts``: the numerator with efforts ``x k`` and relatedness
    ``R * R``, the denominator with ``x`` and R. From the start-of-quarter state (last
    quarter's efforts, this quarter's starting k). A sender that publishes nothing weighs
    nothing (with the maximum instead of the mean, a foreign frontier unit at zero effort
    set every publisher's pool level to 1); hundreds of followers pull their pool's level
    down to theirs. Measured alternative (finding 37): the level ``k_l`` without the
    relatedness weight lifted every unit of korea_2024 to the frontier within two years.

    Args:
        capability: Relative capability k of each firm at the start of the quarter, (n,).
        effort: Last quarter's effort of each firm, shape (n,) (effort units).
        domain: Domain index of each firm, shape (n,).
        relatedness: ``R[sender domain, receiver domain]`` in [0, 1], shape (D, D).
        channels: The channel structure of the firms.

    Returns:
        The two source levels, each shape (n,), in ``[0, max k]`` (0 where nothing flows).
    """
    return source_flows(capability, effort, domain, relatedness, channels).levels


@dataclass(frozen=True)
class SourceFlows:
    """The source levels and the flows they are weighted by.

    Attributes:
        levels: ``(S_public, S_internal)`` per receiver (``source_levels``).
        flows: ``(public, internal)``: ``knowledge.inflow_parts`` of the efforts
            ``max(x, 0)`` at absorption 1, the denominators of the levels.
        effort: ``max(x, 0)``, the efforts the flows are of.
    """

    levels: tuple[np.ndarray, np.ndarray]
    flows: tuple[np.ndarray, np.ndarray]
    effort: np.ndarray

    def inflow_parts(
        self, effort: np.ndarray, absorption: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """``knowledge.inflow_parts`` of ``effort`` at ``absorption``, if it can be read off.

        Reason: speed only. ``inflow_parts`` scales its sums by absorption last, so at the
        same efforts (bit for bit) its parts are ``absorption`` times the flows, exactly
        (the flows were scaled by 1.0). None where the efforts differ (a negative one).
        """
        if effort.shape != self.effort.shape or effort.tobytes() != self.effort.tobytes():
            return None
        public, internal = self.flows
        return absorption * public, absorption * internal


def source_flows(
    capability: ArrayLike,
    effort: ArrayLike,
    domain: ArrayLike,
    relatedness: ArrayLike,
    channels: Channels,
) -> SourceFlows:
    """``source_levels`` with the flows it divides by (``SourceFlows``); same arguments."""
    k = np.asarray(capability, dtype=np.float64).reshape(-1)
    x = np.maximum(np.asarray(effort, dtype=np.float64).reshape(-1), 0.0)
    R = np.asarray(relatedness, dtype=np.float64)
    ones = np.ones(k.shape)
    weighted = inflow_parts(x * k, domain, R * R, ones, channels)
    flows = inflow_parts(x, domain, R, ones, channels)
    levels = []
    tiny = 1e-12 * float(x.sum())  # what is left of the sums when i's own term is removed
    for top, bottom in zip(weighted, flows, strict=True):
        live = bottom > tiny
        level = np.where(live, top, 0.0) / np.where(live, bottom, 1.0)
        levels.append(np.clip(level, 0.0, k.max(initial=0.0)))  # roundings of the sums
    return SourceFlows((levels[0], levels[1]), flows, x)


@dataclass(frozen=True)
class InflowBound:
    """The most inflow each receiver's channels count (effort units), from its source levels.

    Attributes:
        public: m_i(S_public), shape (n,).
        internal: m_i(S_internal), shape (n,).
        public_level: S_public, shape (n,).
        internal_level: S_internal, shape (n,).
    """

    public: np.ndarray
    internal: np.ndarray
    public_level: np.ndarray
    internal_level: np.ndarray

    def _ordered(
        self, public: np.ndarray, internal: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(public_first, in_lo, m_lo, in_hi, m_hi)``: the lower-level channel first."""
        first = self.public_level <= self.internal_level  # public is the lower one
        in_lo = np.where(first, public, internal)
        in_hi = np.where(first, internal, public)
        m_lo = np.where(first, self.public, self.internal)
        m_hi = np.where(first, self.internal, self.public)
        return first, in_lo, m_lo, in_hi, m_hi

    def counted(self, public: ArrayLike, internal: ArrayLike) -> np.ndarray:
        """The inflow that counts: ``min(min(in_lo, m_lo) + in_hi, m_hi)`` (effort units)."""
        _, in_lo, m_lo, in_hi, m_hi = self._ordered(
            np.asarray(public, dtype=np.float64), np.asarray(internal, dtype=np.float64)
        )
        return np.asarray(np.minimum(np.minimum(in_lo, m_lo) + in_hi, m_hi))

    def receiving(self, public: ArrayLike, internal: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """1.0 where a marginal unit through the channel still counts, else 0.0: (public, internal).

        Reason: ``counted`` rises one for one with a channel's inflow unless a cap binds: the
        higher channel's while ``min(in_lo, m_lo) + in_hi < m_hi``, the lower's while also
        ``in_lo < m_lo``. Read at last quarter's efforts (the myopic plan of 6.2).
        """
        return self.counted_and_receiving(public, internal)[1]

    def counted_and_receiving(
        self, public: ArrayLike, internal: ArrayLike
    ) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
        """``(counted(public, internal), receiving(public, internal))``, ordered once.

        Reason: speed only (``innovation.last_spillovers`` asks for both of the same
        inflows): the channels are put in order once and each result is computed from them
        by the operations of ``counted`` and ``receiving``.
        """
        first, in_lo, m_lo, in_hi, m_hi = self._ordered(
            np.asarray(public, dtype=np.float64), np.asarray(internal, dtype=np.float64)
        )
        below = np.minimum(in_lo, m_lo) + in_hi
        counted = np.asarray(np.minimum(below, m_hi))
        hi_open = below < m_hi
        lo_open = hi_open & (in_lo < m_lo)
        public_open = np.where(first, lo_open, hi_open)
        internal_open = np.where(first, hi_open, lo_open)
        return counted, (public_open.astype(np.float64), internal_open.astype(np.float64))


def inflow_bound(
    capability: ArrayLike,
    effort: ArrayLike,
    domain: ArrayLike,
    relatedness: ArrayLike,
    channels: Channels,
    law: Law,
    sources: SourceFlows | None = None,
) -> InflowBound:
    """The level bound of every receiver (docs/model.md 6.3), from the start-of-quarter state.

    Args:
        capability: Relative capability k of each firm, shape (n,).
        effort: Last quarter's effort of each firm, shape (n,) (effort units).
        domain: Domain index of each firm, shape (n,).
        relatedness: ``R[sender domain, receiver domain]``, shape (D, D).
        channels: The channel structure of the firms.
        law: The capability law of the same firms (``knowledge.capability_law``).
        sources: ``source_flows`` of the same arguments, if already computed.

    Returns:
        The bound.
    """
    if sources is None:
        sources = source_flows(capability, effort, domain, relatedness, channels)
    public, internal = sources.levels
    return InflowBound(
        public=np.asarray(np.broadcast_to(law.effort_to(public), public.shape)),
        internal=np.asarray(np.broadcast_to(law.effort_to(internal), internal.shape)),
        public_level=public,
        internal_level=internal,
    )
