"""Channel access: a leader resells its partners' solutions (design version 2, docs 6.5).

Why startups join an alliance led by a large firm, in the words of the source articles: the
leader's customer base. Kolon Benit resells its partners' AI solutions to its IT-services
clients, SK Telecom offers its partners its business customers, NVIDIA's and SoftBank's
partners sell through them. The value to a partner does not scale with its own sales (the
knowledge and complementarity terms do), which is why small firms join (finding 17 of
docs/model.md section 10).

The rule, per formed alliance A with leader L, each quarter (USD m), for the partners of
the alliance's home region (g = home) and those of other regions (g = away) apart:

    base_Ag  = kappa S_L r_g                            the leader's customer contracts
    pool_Ag  = chi base_Ag (1 - exp(-n_Ag / h))         partners' solutions resold
    sales_f  = pool_Ag / n_Ag                           a partner's share of its group's
    income_f = mu sales_f (partner), rho sum_g pool_Ag (leader)

``kappa`` (``channel_base_per_revenue``) proxies the customer base by the leader's sales
``S_L`` in the model's AI markets (an IT-services or telecom leader's contracts are a
multiple of its AI sales) until the world data give customer bases; ``chi``
(``channel_share``) is the share of those contracts a full portfolio of partners'
solutions reaches; coverage saturates in the portfolio's breadth at ``h``
(``channel_portfolio_half``) partners, so each partner's share falls as partners crowd in:
an alliance's size settles where a partner's share no longer covers what membership costs.
``r_g`` is 1 at home and ``channel_foreign_reach`` abroad: a firm's customers are mostly in
its own region, and partners from elsewhere crowd each other for the few it has there. The
leader keeps its resale margin ``rho`` (``channel_resale_margin``), its stake in its
alliance (finding 18).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sim.config.schema import ModelParams
from sim.engine.aggregates import formed_alliance, home_region
from sim.engine.state import AllianceState, FirmState, padded

__all__ = [
    "AWAY",
    "HOME",
    "channel_income",
    "channel_pool",
    "coverage",
    "leader_pool",
    "partner_group",
    "partner_sales",
    "partners",
    "reach",
]


HOME, AWAY = 0, 1  # partner groups: of the alliance's home region, of another


def partner_group(region: ArrayLike, home: ArrayLike) -> np.ndarray:
    """``HOME`` for a partner of the alliance's home region, else ``AWAY``."""
    return np.asarray((np.asarray(region) != np.asarray(home)).astype(np.int64))


def reach(group: ArrayLike, p: ModelParams) -> np.ndarray:
    """``r_g``: the share of the leader's customers a group of partners can reach."""
    return np.asarray(np.where(np.asarray(group) == AWAY, p.choice.channel_foreign_reach, 1.0))


def coverage(count: ArrayLike, p: ModelParams) -> np.ndarray:
    """Share of the most a portfolio of ``count`` partners reaches, ``1 - exp(-n / h)``."""
    n = np.maximum(np.asarray(count, dtype=np.float64), 0.0)
    return np.asarray(-np.expm1(-n / p.choice.channel_portfolio_half))


def channel_pool(revenue: ArrayLike, count: ArrayLike, p: ModelParams) -> np.ndarray:
    """``pool = chi kappa S coverage(n)``: partners' solutions resold a quarter (USD m).

    ``revenue`` is the leader's sales times the group's reach (``S_L r_g``).
    """
    c = p.choice
    base = c.channel_share * c.channel_base_per_revenue * np.maximum(np.asarray(revenue), 0.0)
    return np.asarray(base * coverage(count, p))


def partner_sales(revenue: ArrayLike, count: ArrayLike, p: ModelParams) -> np.ndarray:
    """A partner's sales through the channel, ``pool / n`` (USD m a quarter).

    Args:
        revenue: The leader's sales a quarter times the partner's group's reach (USD m).
        count: ``n``, the partners of the group with this partner among them.
        p: Parameters.
    """
    n = np.asarray(count, dtype=np.float64)
    pool = channel_pool(revenue, n, p)
    return np.asarray(np.where(n > 0.0, pool / np.where(n > 0.0, n, 1.0), 0.0))


def leader_pool(revenue: ArrayLike, counts: np.ndarray, p: ModelParams) -> np.ndarray:
    """What the leader resells, both groups: ``sum_g pool(S_L r_g, n_g)`` (USD m a quarter).

    ``counts`` has the groups on its last axis (..., 2).
    """
    sold = np.asarray(revenue)[..., None] * reach(np.arange(2), p)
    return np.asarray(channel_pool(sold, counts, p).sum(-1))


def partners(firms: FirmState, alliances: AllianceState) -> np.ndarray:
    """``n_Ag`` of every alliance (max(m, 1), 2): its alive partners by group, leader excluded."""
    m = max(alliances.m, 1)
    formed = formed_alliance(firms, alliances)
    rows = np.flatnonzero(formed >= 0)
    a = formed[rows]
    keep = alliances.leader[a] != rows
    rows, a = rows[keep], a[keep]
    group = partner_group(firms.region[rows], padded(home_region(firms, alliances))[a])
    counts = np.zeros((m, 2))
    np.add.at(counts, (a, group), 1.0)
    return counts


def channel_income(
    firms: FirmState, alliances: AllianceState, revenue: np.ndarray, p: ModelParams
) -> np.ndarray:
    """What each firm earns through its alliance's channel this quarter (USD m), 0 for most.

    A partner earns the margin on its channel sales; the leader its resale margin on the
    pools, which its sales this quarter (``revenue``, per firm row) scale. Alliances that
    have not formed (a founder alone) sell nothing.
    """
    income = np.zeros(firms.n)
    if alliances.m == 0:
        return income
    formed = formed_alliance(firms, alliances)
    rows = np.flatnonzero(formed >= 0)
    a = formed[rows]
    counts = partners(firms, alliances)
    leader = alliances.leader[a]
    sold = revenue[leader]
    group = partner_group(firms.region[rows], home_region(firms, alliances)[a])
    n = counts[a, group]
    sales = partner_sales(sold * reach(group, p), n, p)
    lead = p.choice.channel_resale_margin * leader_pool(sold, counts[a], p)
    income[rows] = np.where(leader == rows, lead, p.growth.margin * sales)
    return income
