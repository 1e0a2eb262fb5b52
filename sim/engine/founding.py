"""Founding and recruiting (design version 2, docs/model.md 6.6), in USD m.

A founder (or a leader reviewing its regime) draws prospects and counts, at the recruitment
expectation, those for whom joining pays both sides; founding takes the better regime.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config.schema import ModelParams
from sim.engine.channel_access import channel_pool, partner_group, partner_income
from sim.engine.choice import FOUND_NEW
from sim.engine.economy import dues_share
from sim.engine.innovation import internal_rate
from sim.engine.markets import N_GEOGRAPHIES, market_id
from sim.engine.outlook import Outlook, Reviser
from sim.engine.state import CLOSED, OPEN, FirmState

FOUND_CLOSED = -3  # target code: found a new closed alliance (FOUND_NEW: an open one)


def founds(targets: np.ndarray) -> np.ndarray:
    """Where a revision target founds a new alliance (``FOUND_NEW`` or ``FOUND_CLOSED``)."""
    return np.asarray((targets == FOUND_NEW) | (targets == FOUND_CLOSED))


@dataclass(frozen=True)
class RecruitTerms:
    """The parts of ``recruit_value`` that depend on neither the regime nor the rate.

    Reason: speed only; founding weighs both regimes for the same prospects
    (``founding_values``). Each is computed as ``recruit_value`` computed it, in the same
    order of operations.
    """

    money: float
    own_j: np.ndarray  # the prospect's profit per unit of its capability (K, P)
    own_f: np.ndarray  # the recruiter's (K,)
    steal: np.ndarray  # the customers a same-market prospect takes, per unit (K, P)
    rival: np.ndarray  # whether the prospect sells in the recruiter's domain (K, P)
    distinct: np.ndarray  # whether the prospect is not the recruiter itself (K, P)
    switch_j: np.ndarray  # the prospect's switching cost (K, P)
    revenue_j: np.ndarray  # the prospect's revenue (K, P)
    spend_j: np.ndarray  # the prospect's R&D spend (K, P)
    openness_j: np.ndarray  # the prospect's openness (K, P)
    channel_j: np.ndarray | float  # the prospect's share of the recruiter's channel
    resale_f: np.ndarray | float  # the recruiter's resale margin on what it adds
    to_j: np.ndarray  # the prospect's absorption times R[d_f, d_j] (K, P)
    from_j: np.ndarray  # the recruiter's absorption times R[d_j, d_f] (K, P)
    x_j: np.ndarray  # the prospect's effort (K, P)


def recruit_terms(
    r: Reviser,
    prospect: np.ndarray,
    firms: FirmState,
    o: Outlook,
    R: np.ndarray,
    flow: np.ndarray,
    p: ModelParams,
    partners: np.ndarray | None = None,
    sold: np.ndarray | None = None,
) -> RecruitTerms:
    """``RecruitTerms`` of the prospects (K, P) of revisers ``r`` (as ``recruit_value``)."""
    c = p.choice
    j = prospect
    d_j = firms.domain[j].astype(np.int64)
    markets_j = market_id(d_j[..., None], np.arange(N_GEOGRAPHIES))
    s_j, g_j, a_j, x_j = o.share[j], o.slope[j], o.absorption[j], o.effort[j]
    money = float(o.multipliers.money[0])
    channel_j, resale_f = channel_terms(firms.region[j], partners, sold, money, p)
    revenue_j = o.revenue[j].sum(-1)
    return RecruitTerms(
        money=money,
        own_j=(flow[markets_j] * s_j * (1.0 - s_j)).sum(-1) * g_j,
        own_f=(flow[r.markets] * r.share * (1.0 - r.share)).sum(-1) * r.slope,
        steal=(flow[r.markets][:, None, :] * r.share[:, None, :] * s_j).sum(-1) * g_j * a_j,
        rival=d_j == r.domain[:, None],
        distinct=j != r.rows[:, None],
        switch_j=c.switching_cost_fixed + c.switching_cost_revenue * revenue_j,
        revenue_j=revenue_j,
        spend_j=o.spend[j],
        openness_j=firms.openness[j],
        channel_j=channel_j,
        resale_f=resale_f,
        to_j=a_j * R[r.domain[:, None], d_j],
        from_j=r.absorption[:, None] * R[d_j, r.domain[:, None]],
        x_j=x_j,
    )


def recruit_value(
    r: Reviser,
    prospect: np.ndarray,
    firms: FirmState,
    o: Outlook,
    R: np.ndarray,
    flow: np.ndarray,
    p: ModelParams,
    option: int,
    rate: np.ndarray | float,
    eligible: np.ndarray | bool = True,
    partners: np.ndarray | None = None,
    sold: np.ndarray | None = None,
    terms: RecruitTerms | None = None,
) -> np.ndarray:
    """What the prospects a founder or leader draws are expected to bring it (USD m), (K,).

    Reason: docs/model.md 6.6: a prospect counts if joining pays for it (the recruiter's
    knowledge at the alliance's rate and its share of the recruiter's channel, less its
    dues, coordination and switching costs) and pays for the recruiter (the prospect's
    knowledge and the resale margin on what it adds to the channel, less the customers a
    same-market prospect takes with the recruiter's knowledge); ``recruit_expectation`` of
    those are expected to come. ``option`` is the regime (OPEN or CLOSED), ``rate`` the
    alliance's internal rate (scalar or (K,)); ``prospect`` holds (K, P) firm rows and
    ``eligible`` (broadcast to (K, P)) which of them the alliance may admit (a national
    alliance: those of its home region). ``partners`` and ``sold`` are the partners already
    there and the leader's sales where it resells their solutions, by geography (K, 2)
    (``channel_access``); by default none: an alliance the model founds has no resale
    programme. ``terms`` are ``recruit_terms`` of the same arguments, if computed already.
    """
    c = p.choice
    t = terms or recruit_terms(r, prospect, firms, o, R, flow, p, partners, sold)
    money = t.money
    publish = 1.0 if option == OPEN else 0.0
    dues_j = money * float(dues_share(np.asarray(option), p)) * t.revenue_j
    excess = np.maximum(np.asarray(rate, dtype=np.float64) - o.public_rate * publish, 0.0)
    excess = np.broadcast_to(excess, r.rows.shape)[:, None]
    cc_j = money * (c.coord_cost_fixed + c.coord_cost_share * c.depth_base * t.spend_j)
    cc_j = cc_j * (1.0 + c.coord_regime_misfit * np.abs(t.openness_j - publish))
    to_j = t.to_j * excess * r.effort[:, None]
    gain_j = t.own_j * to_j + t.channel_j - dues_j - cc_j - t.switch_j
    from_j = t.from_j * excess * t.x_j
    gain_f = t.own_f[:, None] * from_j + t.resale_f
    gain_f = gain_f - np.where(t.rival, t.steal * excess * r.effort[:, None], 0.0)
    joins = t.distinct & np.asarray(eligible) & (gain_j > 0.0) & (gain_f > 0.0)
    return np.asarray(c.recruit_expectation * np.where(joins, gain_f, 0.0).sum(-1))


def channel_terms(
    region: np.ndarray,
    partners: np.ndarray | None,
    sold: np.ndarray | None,
    money: float,
    p: ModelParams,
) -> tuple[np.ndarray | float, np.ndarray | float]:
    """What joining the recruiter's channel is worth to each prospect, and to the recruiter.

    USD m over the horizon, (K, P) each: a prospect's margin on its share of the channel in
    its geography, with itself among the partners; the recruiter's resale margin on what the
    prospect adds. None (an alliance the model founds: no resale programme): nothing.
    """
    if partners is None or sold is None:
        return 0.0, 0.0
    group = partner_group(region)
    n = np.take_along_axis(np.asarray(partners, dtype=np.float64), group, axis=1)
    s_g = np.take_along_axis(np.asarray(sold, dtype=np.float64), group, axis=1)
    more = channel_pool(s_g, n + 1.0, p) - channel_pool(s_g, n, p)
    return (
        money * partner_income(s_g, n + 1.0, p),
        money * p.choice.channel_resale_margin * more,
    )


def founding_values(
    r: Reviser,
    prospect: np.ndarray,
    firms: FirmState,
    o: Outlook,
    R: np.ndarray,
    flow: np.ndarray,
    p: ModelParams,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Value of founding beyond going alone, per reviser: (value, regime, founding cost).

    Reason: docs/model.md 6.6, "Founding": what the founder's prospects are expected to
    bring (``recruit_value``), less the founding cost and its own coordination cost; the
    better regime is taken, founder by founder. A new alliance is small and homogeneous, so
    its depth is taken at ``depth_base``.
    """
    c = p.choice
    money = float(o.multipliers.money[0])
    rate = internal_rate(c.depth_base, p)
    best = np.full(len(r.rows), -np.inf)
    regime = np.full(len(r.rows), OPEN, dtype=np.int8)
    cost = np.full(len(r.rows), c.founding_cost_open)
    terms = recruit_terms(r, prospect, firms, o, R, flow, p)  # the same for both regimes
    for option, found_cost in ((OPEN, c.founding_cost_open), (CLOSED, c.founding_cost_closed)):
        publish = 1.0 if option == OPEN else 0.0
        cc_f = money * (c.coord_cost_fixed + c.coord_cost_share * c.depth_base * o.spend[r.rows])
        cc_f = cc_f * (1.0 + c.coord_regime_misfit * np.abs(firms.openness[r.rows] - publish))
        value = recruit_value(r, prospect, firms, o, R, flow, p, option, rate, terms=terms)
        value = value - found_cost - cc_f
        better = value > best
        best = np.where(better, value, best)
        regime = np.where(better, option, regime).astype(np.int8)
        cost = np.where(better, found_cost, cost)
    return best, regime, cost
