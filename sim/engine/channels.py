"""Knowledge channels between firms: one structure for choosing R&D and for delivering it.

docs/model.md 6.3. Firms are rows; a pair is written sender l -> receiver i. Each pair has
one channel, set by the closest group the two share, and takes the higher of that channel's
rate and the public rate of the sender:

    rate(l -> i) = max(rho pi_l, c(l, i)),  c = iota_A (same alliance), phi (same
    federation, other alliance), 0 (nothing in common),

with rho the public rate (``beta_P + beta_data``), pi_l the sender's publishing weight (the
firm's openness if it is alone, 1 in an open alliance, 0 in a closed one), iota_A the
alliance's internal rate (``c_A``) and phi the federation rate (``beta_F``). It is one channel,
counted once: a partner's effort is never counted both as alliance and as public knowledge.
The spillover is ``beta_li = rate(l -> i) relatedness[d_l, d_i] absorption_i``.

Grouped form. Every rate splits into parts that depend on the sender only, one per nested
level (alone in its own group, alliance, federation, everyone):

    rate(l -> i) = public_l + alliance_excess_l [same alliance]
                   + federation_excess_l [same federation, other alliance],

``public_l = rho pi_l``, ``alliance_excess_l = max(0, iota_A - rho pi_l)``,
``federation_excess_l = max(0, phi - rho pi_l)``. So ``sim.engine.knowledge`` (what i
receives) and ``sim.engine.demand`` (what i's effort is worth) need only sums over the
groups, and both read them from the same ``Channels``; ``spillover_matrix`` is the dense
reference (validation worlds, O(n^2)).

Not covered: the doc's first level, another division of the same firm (rate beta_own).
Here each row is a firm with one unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike

from sim.engine.state import NO_ALLIANCE


def member_value(per_alliance: ArrayLike, alliance: ArrayLike, alone: float) -> np.ndarray:
    """Each firm's value of a per-alliance quantity, ``alone`` for firms in no alliance.

    Args:
        per_alliance: Quantity per alliance, indexed by alliance id.
        alliance: Alliance id of each firm, shape (n,) (``NO_ALLIANCE`` = -1 alone).
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


@dataclass(frozen=True)
class Channels:
    """The channel structure of n firms (build it with ``build``).

    Attributes:
        alliance: Alliance id of each firm, shape (n,) (``NO_ALLIANCE`` alone).
        group: Alliance group of each firm: its alliance id, or ``n_alliances + index`` for
            a firm alone (its own group), shape (n,).
        federation: Federation group of each firm: a compact federation id, or
            ``n_federation_ids + index`` for a firm alone, shape (n,). Without federations
            every alliance is its own.
        n_groups: Bound on ``group`` (alliances plus firms).
        n_federations: Bound on ``federation``.
        has_federations: Whether federations were given (else the federation level is empty).
        publishing: Publishing weight pi of each firm in [0, 1], shape (n,).
        internal: The internal rate iota of each firm's alliance, 0 alone, shape (n,).
        public_rate: rho, the public rate (share of a publisher's effort).
        federation_rate: phi, the rate between alliances of one federation.
    """

    alliance: np.ndarray
    group: np.ndarray
    federation: np.ndarray
    n_groups: int
    n_federations: int
    has_federations: bool
    publishing: np.ndarray
    internal: np.ndarray
    public_rate: float
    federation_rate: float

    # the derived columns below are computed once per structure (speed only: a quarter reads
    # them about fifty times) and read-only, so that no reader alters them for another

    @cached_property
    def inside(self) -> np.ndarray:
        """Whether each firm is in an alliance, shape (n,)."""
        return _read_only(self.alliance != NO_ALLIANCE)

    @cached_property
    def public(self) -> np.ndarray:
        """``rho pi_l``: the rate at which each firm's effort reaches anyone, shape (n,)."""
        return _read_only(self.public_rate * self.publishing)

    @cached_property
    def alliance_excess(self) -> np.ndarray:
        """``max(0, iota - rho pi_l)``: what a partner gets on top of the public rate, (n,)."""
        excess = np.maximum(self.internal - self.public, 0.0)
        return _read_only(np.where(self.inside, excess, 0.0))

    @cached_property
    def federation_excess(self) -> np.ndarray:
        """``max(0, phi - rho pi_l)``: the same for another alliance of the federation, (n,)."""
        if not self.has_federations:
            return _read_only(np.zeros(self.alliance.shape))
        excess = np.maximum(self.federation_rate - self.public, 0.0)
        return _read_only(np.where(self.inside, excess, 0.0))


def _read_only(values: np.ndarray) -> np.ndarray:
    """``values`` as an array no one can write to (a column ``Channels`` keeps)."""
    values = np.asarray(values)
    values.flags.writeable = False
    return values


def everyone_alone(ch: Channels) -> bool:
    """Whether no firm of ``ch`` is in an alliance: every excess rate and partner weight is 0.

    Reason: speed only. The hollowness check plans every firm alone each quarter; the sums
    over partners then add only zeros, which ``demand.nobody_inside`` and
    ``knowledge.inflow_parts`` leave out where that gives the same bits.
    """
    return not bool(ch.inside.any())


def build(
    alliance: ArrayLike,
    closed: ArrayLike,
    openness: ArrayLike,
    internal_rate: ArrayLike,
    public_rate: float,
    federation: ArrayLike | None = None,
    federation_rate: float = 0.0,
) -> Channels:
    """The channel structure of docs/model.md 6.3 (module docstring).

    Args:
        alliance: Alliance id of each firm, shape (n,) (``NO_ALLIANCE`` = -1 alone).
        closed: Whether each alliance is closed, indexed by alliance id, shape (m,).
        openness: Openness o of each firm in [0, 1], scalar or shape (n,): a firm alone
            publishes with weight o (docs/model.md section 9, item 14).
        internal_rate: Internal rate ``c_A`` per alliance id, scalar or shape (m,).
        public_rate: Public rate rho, ``beta_P`` plus the open-data bonus (share).
        federation: Federation id (any int >= 0, e.g. ``AllianceState.root()``) per alliance
            id, shape (m,); None: no federations.
        federation_rate: Rate phi between alliances of one federation (share).

    Returns:
        The structure, for ``knowledge.effective_rnd_grouped``,
        ``demand.marginal_value_grouped`` and ``spillover_matrix``.
    """
    alliance = np.asarray(alliance, dtype=np.int64).reshape(-1)
    closed = np.asarray(closed, dtype=bool).reshape(-1)
    n, m = alliance.size, closed.size
    inside = alliance != NO_ALLIANCE
    own = m + np.arange(n)
    rates = np.broadcast_to(np.asarray(internal_rate, dtype=np.float64), (m,))
    open_member = np.where(member_value(closed, alliance, False), 0.0, 1.0)
    o = np.broadcast_to(np.asarray(openness, dtype=np.float64), (n,))
    if federation is None:
        fed_of_alliance, n_fed = np.arange(m), m
    else:
        ids = np.asarray(federation, dtype=np.int64).reshape(m)
        _, fed_of_alliance = np.unique(ids, return_inverse=True)
        n_fed = int(fed_of_alliance.max()) + 1 if m else 0
    return Channels(
        alliance=alliance,
        group=np.where(inside, alliance, own),
        federation=np.where(
            inside, member_value(fed_of_alliance, alliance, 0), n_fed + np.arange(n)
        ),
        n_groups=m + n,
        n_federations=n_fed + n,
        has_federations=federation is not None,
        publishing=np.where(inside, open_member, o).astype(np.float64),
        internal=member_value(rates, alliance, 0.0).astype(np.float64),
        public_rate=float(public_rate),
        federation_rate=float(federation_rate),
    )


def group_market_key(
    group: ArrayLike, market: ArrayLike, n_markets: int, shared: int
) -> tuple[np.ndarray, int]:
    """A key per (group, market) pair of seller rows, for sums per group and market.

    Reason: group sums per market (``demand.marginal_value_grouped``) need one key per pair
    that occurs. Groups below ``shared`` (alliances, federations) may hold many firms: their
    key is ``group * n_markets + market``. Groups from ``shared`` on hold one firm each (a
    firm alone) and a firm sells at most once in a market, so each of their rows is its own
    pair and gets a key of its own. No sort is needed; keys that no row takes are empty.

    Args:
        group: Group id of each row's seller, shape (R,).
        market: Market index of each row in ``[0, n_markets)``, shape (R,).
        n_markets: Number of markets.
        shared: Number of groups that may hold more than one firm (ids below it).

    Returns:
        ``(key, n_keys)``: the key of each row in ``[0, n_keys)``, shape (R,), and the bound.
    """
    group = np.asarray(group, dtype=np.int64)
    market = np.asarray(market, dtype=np.int64)
    own = shared * n_markets + np.arange(group.size)
    return np.where(
        group < shared, group * n_markets + market, own
    ), shared * n_markets + group.size


def channel_rates(channels: Channels) -> np.ndarray:
    """Dense ``rate[l, i]`` of sender l to receiver i, read literally off the rule (O(n^2)).

    Reason: ``max(rho pi_l, c(l, i))`` with c the rate of the closest group the pair shares
    (alliance: iota; federation, other alliance: phi; none: 0); 0 on the diagonal.

    Args:
        channels: The structure (``build``).

    Returns:
        ``rate``, shape (n, n) (share of the sender's effort).
    """
    ch = channels
    both = ch.inside[:, None] & ch.inside[None, :]
    same_alliance = both & (ch.alliance[:, None] == ch.alliance[None, :])
    same_federation = both & (ch.federation[:, None] == ch.federation[None, :])
    federated = same_federation & ~same_alliance & ch.has_federations
    common = np.where(same_alliance, ch.internal[:, None], 0.0)
    common = np.where(federated, ch.federation_rate, common)
    rate = np.maximum(ch.public[:, None], common)
    np.fill_diagonal(rate, 0.0)
    return np.asarray(rate)


def spillover_matrix(
    channels: Channels, domain: ArrayLike, absorption: ArrayLike, relatedness: ArrayLike
) -> np.ndarray:
    """Dense spillover matrix ``B[l, i] = dX_i / dx_l`` (validation worlds, O(n^2)).

    Reason: ``B[l, i] = rate(l -> i) relatedness[d_l, d_i] absorption_i`` off the diagonal,
    1 on it; ``X = B.T @ x`` (``rnd_game.effective_rnd``).

    Args:
        channels: The structure (``build``).
        domain: Domain index of each firm, shape (n,).
        absorption: Absorptive capacity of each (receiving) firm in [0, 1], shape (n,).
        relatedness: ``R[sender domain, receiver domain]`` in [0, 1], shape (D, D).

    Returns:
        ``B``, shape (n, n).
    """
    domain = np.asarray(domain, dtype=np.int64)
    related = np.asarray(relatedness, dtype=np.float64)[domain[:, None], domain[None, :]]
    B = channel_rates(channels) * related * np.asarray(absorption, dtype=np.float64)[None, :]
    np.fill_diagonal(B, 1.0)
    return np.asarray(B)
