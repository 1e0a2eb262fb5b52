"""Channel access: a leader resells its partners' solutions (design version 2, docs 6.5).

Why startups join an alliance led by a large firm, in the words of the source articles: the
leader's customer base. Kolon Benit resells its partners' AI solutions to its IT-services
clients, SK Telecom offers its partners its business customers, NVIDIA's and SoftBank's
partners sell through them. The value to a partner does not scale with its own sales (the
knowledge and complementarity terms do), which is why small firms join (finding 17 of
docs/model.md section 10).

Only alliances whose leader runs a resale programme have a channel (``AllianceState.reseller``,
data file ``channel: reseller``: the K-AI and Kolon Benit alliances in ``korea_2024``). The rule,
per such alliance A with leader L, each quarter (USD m), for its partners selling in each
market geography g apart (a domestic partner reaches the leader's domestic customers, a
foreign one its customers in the rest of the world):

    pool_Ag  = chi kappa S_Lg (1 - exp(-n_Ag / h))      partners' solutions resold in g
    sales_f  = pool_Ag / n_Ag                           a partner's share of its group's
    income_f = mu (1 - rho) sales_f (partner),  rho sum_g pool_Ag (leader)

``S_Lg`` is the leader's sales in geography g's AI markets and ``kappa``
(``channel_base_per_revenue``) its customer contracts per unit of them: a proxy for the
customer base where the world data give none. Where they give one, ``C_L`` (the leader's
business-to-business revenue, USD m a quarter: ``customer_base`` in the facts file,
docs/leader_customer_bases.md) and ``model.choice.channel_on_customer_base`` is on, the
leader's own ``kappa_L = C_L / R_L0`` (``R_L0`` its AI sales at the start) replaces ``kappa``:
its channel starts at its customer base and grows with its AI sales, as AI reaches more of
those customers (``customer_scale``, ``leader_sales``). ``chi`` (``channel_share``) is the share of
those contracts a full portfolio of partners' solutions reaches; coverage saturates in the
portfolio's breadth at ``h`` (``channel_portfolio_half``) partners, so each partner's share
falls as partners crowd in. The leader keeps ``rho`` (``channel_resale_margin``) of what it
resells, its stake in its alliance (finding 18); the partner earns its margin on the rest.
Channel sales are counted in profit, not in market shares (review finding 25 of
docs/model.md section 10: they should take sales from rivals; open).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sim.config.schema import ModelParams
from sim.config.vocabulary import DOMESTIC
from sim.engine.aggregates import formed_alliance
from sim.engine.state import AllianceState, FirmState

__all__ = [
    "channel_income",
    "channel_pool",
    "coverage",
    "customer_scale",
    "leader_pool",
    "leader_sales",
    "partner_group",
    "partner_income",
    "partner_sales",
    "partners",
]


def partner_group(region: ArrayLike) -> np.ndarray:
    """The market geography a partner sells in through a channel: 0 domestic, 1 the rest."""
    return np.asarray((np.asarray(region) != DOMESTIC).astype(np.int64))


def coverage(count: ArrayLike, p: ModelParams) -> np.ndarray:
    """Share of the most a portfolio of ``count`` partners reaches, ``1 - exp(-n / h)``."""
    n = np.maximum(np.asarray(count, dtype=np.float64), 0.0)
    return np.asarray(-np.expm1(-n / p.choice.channel_portfolio_half))


def channel_pool(revenue: ArrayLike, count: ArrayLike, p: ModelParams) -> np.ndarray:
    """``pool = chi kappa S coverage(n)``: partners' solutions resold a quarter (USD m).

    ``revenue`` is the leader's sales in the partners' geography (``S_Lg``).
    """
    c = p.choice
    base = c.channel_share * c.channel_base_per_revenue * np.maximum(np.asarray(revenue), 0.0)
    return np.asarray(base * coverage(count, p))


def partner_sales(revenue: ArrayLike, count: ArrayLike, p: ModelParams) -> np.ndarray:
    """A partner's sales through the channel, ``pool / n`` (USD m a quarter).

    Args:
        revenue: The leader's sales a quarter in the partner's geography (USD m).
        count: ``n``, the partners of that geography with this partner among them.
        p: Parameters.
    """
    n = np.asarray(count, dtype=np.float64)
    pool = channel_pool(revenue, n, p)
    return np.asarray(np.where(n > 0.0, pool / np.where(n > 0.0, n, 1.0), 0.0))


def partner_income(revenue: ArrayLike, count: ArrayLike, p: ModelParams) -> np.ndarray:
    """A partner's margin on its channel sales net of the leader's cut (USD m a quarter)."""
    return np.asarray(
        p.growth.margin * (1.0 - p.choice.channel_resale_margin) * partner_sales(revenue, count, p)
    )


def leader_pool(revenue: np.ndarray, counts: np.ndarray, p: ModelParams) -> np.ndarray:
    """What the leader resells, both geographies: ``sum_g pool(S_Lg, n_g)`` (USD m a quarter).

    ``revenue`` and ``counts`` have the geographies on their last axis (..., 2).
    """
    return np.asarray(channel_pool(revenue, counts, p).sum(-1))


def customer_scale(customer_base: ArrayLike, revenue: ArrayLike, p: ModelParams) -> np.ndarray:
    """``kappa_L / kappa`` of every firm: 1, or ``C_L / (kappa R_L0)`` where a base is given.

    Args:
        customer_base: ``C_L``, each firm's customer base from the world data (USD m a
            quarter; 0 where none is given).
        revenue: ``R_L0``, each firm's AI sales at the start (USD m a quarter, all
            geographies).
        p: Parameters; without ``model.choice.channel_on_customer_base`` every firm gets 1.
    """
    base = np.asarray(customer_base, dtype=np.float64)
    sales = np.asarray(revenue, dtype=np.float64)
    given = (base > 0.0) & (sales > 0.0) & bool(p.choice.channel_on_customer_base)
    kappa = p.choice.channel_base_per_revenue
    if not given.any() or kappa <= 0.0:
        return np.ones(base.shape)
    return np.asarray(np.where(given, base / (kappa * np.where(given, sales, 1.0)), 1.0))


def leader_sales(revenue: np.ndarray, firms: FirmState, alliances: AllianceState) -> np.ndarray:
    """``S_Lg`` of every alliance (max(m, 1), 2), 0 where the leader resells nothing.

    ``revenue`` holds each firm row's sales by geography (n, 2). A leader with its own
    ``kappa_L`` (``FirmState.channel_scale``, from ``customer_scale``) counts its sales times
    ``kappa_L / kappa``, so that ``channel_pool`` reads ``chi kappa_L S_Lg``.
    """
    if alliances.m == 0:
        return np.zeros((1, 2))
    scale = firms.channel_scale[alliances.leader] * alliances.reseller
    return np.asarray(revenue[alliances.leader] * scale[:, None])


def partners(firms: FirmState, alliances: AllianceState) -> np.ndarray:
    """``n_Ag`` of every alliance (max(m, 1), 2): its alive partners by geography."""
    m = max(alliances.m, 1)
    formed = formed_alliance(firms, alliances)
    rows = np.flatnonzero(formed >= 0)
    a = formed[rows]
    keep = alliances.leader[a] != rows
    rows, a = rows[keep], a[keep]
    counts = np.zeros((m, 2))
    np.add.at(counts, (a, partner_group(firms.region[rows])), 1.0)
    return counts


def channel_income(
    firms: FirmState, alliances: AllianceState, revenue: np.ndarray, p: ModelParams
) -> np.ndarray:
    """What each firm earns through its alliance's channel this quarter (USD m), 0 for most.

    ``revenue`` holds each firm row's sales this quarter by geography (n, 2). A partner earns
    its margin on its channel sales net of the leader's cut; the leader its resale margin on
    the pools. Alliances that have not formed (a founder alone) sell nothing.
    """
    income = np.zeros(firms.n)
    if alliances.m == 0:
        return income
    formed = formed_alliance(firms, alliances)
    rows = np.flatnonzero(formed >= 0)
    a = formed[rows]
    counts = partners(firms, alliances)
    sold = leader_sales(revenue, firms, alliances)[a]
    group = partner_group(firms.region[rows])
    partner = partner_income(np.take_along_axis(sold, group[:, None], 1)[:, 0], counts[a, group], p)
    lead = p.choice.channel_resale_margin * leader_pool(sold, counts[a], p)
    income[rows] = np.where(alliances.leader[a] == rows, lead, partner)
    return income
