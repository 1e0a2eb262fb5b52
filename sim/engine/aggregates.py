"""Group reductions over firm rows: per-alliance and per-domain totals.

Every per-alliance figure is a ``np.bincount`` over the firms' ``alliance`` column, so one
pass serves any number of alliances. Arrays are sized at least 1 so that index 0 is always
safe for masked lookups when no alliance exists yet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config.vocabulary import N_DOMAINS
from sim.engine.state import NO_ALLIANCE, AllianceState, FirmState


@dataclass
class AllianceTotals:
    """What the alliances look like at one moment (the start-of-step snapshot).

    Per-alliance arrays have ``max(m, 1)`` rows (see the module docstring).
    """

    size: np.ndarray  # (m,) alive members
    capability: np.ndarray  # (m,) pooled capability
    mean_capability: np.ndarray  # (m,) pooled / size
    domain_capability: np.ndarray  # (m, D) capability of members by home domain
    coverage: np.ndarray  # (m, D) members present in each domain
    share: np.ndarray  # (m,) share of the modelled firms' revenue
    firm_share: np.ndarray  # (n,) each firm's share of the modelled firms' revenue


def group_sum(groups: np.ndarray, weights: np.ndarray | None, length: int) -> np.ndarray:
    """Sum ``weights`` (or count rows) per group id in ``[0, length)``."""
    return np.bincount(groups, weights=weights, minlength=length).astype(np.float64)


def members_mask(firms: FirmState) -> np.ndarray:
    """Rows of alive firms that are in an alliance."""
    return firms.alive & (firms.alliance != NO_ALLIANCE)


def firm_regime(firms: FirmState, alliances: AllianceState) -> np.ndarray:
    """Regime of each firm's alliance (OPEN or CLOSED); -1 for firms alone or exited."""
    inside = members_mask(firms)
    regime = alliances.regime[np.where(inside, firms.alliance, 0)] if alliances.m else 0
    return np.where(inside, regime, -1)


def presence_bits(presence: np.ndarray) -> np.ndarray:
    """(n, D) 0/1 matrix of the domains each firm is present in."""
    return ((presence[:, None] >> np.arange(N_DOMAINS, dtype=np.uint8)) & 1).astype(np.int64)


def revenue_shares(firms: FirmState) -> np.ndarray:
    """Each alive firm's share of last quarter's revenue of all modelled firms."""
    revenue = np.where(firms.alive, firms.revenue, 0.0)
    total = revenue.sum()
    return revenue / total if total > 0 else np.zeros(firms.n)


def alliance_totals(firms: FirmState, alliances: AllianceState) -> AllianceTotals:
    """Compute the per-alliance snapshot used by revision and reporting."""
    m = max(alliances.m, 1)
    inside = members_mask(firms)
    a = firms.alliance[inside].astype(np.int64)
    cap = firms.capability[inside]
    size = np.bincount(a, minlength=m)
    pooled = group_sum(a, cap, m)
    home = a * N_DOMAINS + firms.domain[inside]
    domain_capability = group_sum(home, cap, m * N_DOMAINS).reshape(m, N_DOMAINS)
    bits = presence_bits(firms.presence[inside])
    cells = (a[:, None] * N_DOMAINS + np.arange(N_DOMAINS))[bits.astype(bool)]
    coverage = np.bincount(cells, minlength=m * N_DOMAINS).reshape(m, N_DOMAINS)
    firm_share = revenue_shares(firms)
    share = group_sum(a, firm_share[inside], m)
    mean = pooled / np.maximum(size, 1)
    return AllianceTotals(size, pooled, mean, domain_capability, coverage, share, firm_share)


def formed_alliance(firms: FirmState, alliances: AllianceState) -> np.ndarray:
    """Each firm's alliance if it has two or more alive members, else ``NO_ALLIANCE``."""
    member = np.where(firms.alive, firms.alliance, NO_ALLIANCE)
    size = np.bincount(member[member >= 0], minlength=max(alliances.m, 1))
    safe = np.where(member >= 0, member, 0)
    return np.asarray(np.where((member >= 0) & (size[safe] >= 2), member, NO_ALLIANCE))


def home_region(firms: FirmState, alliances: AllianceState) -> np.ndarray:
    """Each alliance's home region: its founder's, or its leader's where none was recorded.

    Reason: docs/model.md 6.6: alliances have a home region (distance costs, national
    eligibility, succession within it); states built without one read the leader's.
    """
    if alliances.m == 0:
        return np.zeros(0, dtype=np.int8)
    leader_region = firms.region[np.maximum(alliances.leader, 0)]
    return np.asarray(np.where(alliances.home >= 0, alliances.home, leader_region), np.int8)
