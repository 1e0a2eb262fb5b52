"""What a leader weighs (design version 2, docs/model.md 6.6), in USD m.

A closed alliance's leader admits an applicant by its own interest (``leader_interest``): the
knowledge the applicant brings, the customers a same-market rival would take, the resale
margin on what it adds to the leader's channel, less the leader's own coordination cost of
one more member (``leader_crowding``). Leaders of formed alliances and members of
state-coordinated ones do not revise their membership (``leaders_stay``, a stopgap: finding
19 of docs/model.md section 10).
"""

from __future__ import annotations

import numpy as np

from sim.config.schema import ModelParams
from sim.engine.aggregates import formed_alliance
from sim.engine.channel_access import channel_pool, partner_group
from sim.engine.choice import RevisionDraws
from sim.engine.economy import coordination_misfit, coordination_rule
from sim.engine.markets import N_GEOGRAPHIES, market_id
from sim.engine.outlook import Outlook, Reviser, at_alliance, at_alliance_cells
from sim.engine.state import AllianceState, FirmState, padded

__all__ = ["leader_crowding", "leader_interest", "leaders_stay"]


def leader_interest(
    r: Reviser,
    target: np.ndarray,
    firms: FirmState,
    alliances: AllianceState,
    o: Outlook,
    R: np.ndarray,
    flow: np.ndarray,
    p: ModelParams,
) -> np.ndarray:
    """Value to a closed alliance's leader of admitting the applicant (USD m, docs 6.6).

    Reason: admission by the leader's interest: the knowledge the applicant's effort brings
    the leader at the alliance rate, less the leader's loss when the applicant, if it sells
    in the leader's markets, improves with the alliance's knowledge, plus the resale margin
    on what the applicant adds to the channel's portfolio (dues fund the secretariat, not
    the leader: finding 18). Complementary applicants are welcome; strong same-market rivals
    are not. With ``model.choice.leaders_within_bound`` and the level bound (6.3) the
    knowledge counts only while the leader's internal channel still absorbs a marginal unit
    (``Outlook.receiving``), as for every other firm (finding 45).
    """
    leader = np.where(target >= 0, padded(alliances.leader, 0)[np.maximum(target, 0)], 0)
    d_l = firms.domain[leader].astype(np.int64)
    markets_l = market_id(d_l[..., None], np.arange(N_GEOGRAPHIES))
    s_l = o.share[leader]
    value_l = (flow[markets_l] * s_l * (1.0 - s_l)).sum(-1) * o.slope[leader] * o.absorption[leader]
    c_a = at_alliance(o.internal, target)
    brings = c_a * r.effort[:, None] * R[r.domain[:, None], d_l]  # R[d_i, d_l] per option
    if p.choice.leaders_within_bound and o.receiving is not None:  # the level bound (6.3)
        brings = brings * o.receiving[1][leader]  # a saturated leader learns nothing more
    rival = r.domain[:, None] == d_l
    received = r.absorption[:, None] * np.einsum(
        "kcd,kd->kc", at_alliance(o.excess, target), R[:, r.domain].T
    )
    steal = (flow[markets_l] * s_l * r.share[:, None, :]).sum(-1) * r.slope[:, None] * received
    group = np.broadcast_to(partner_group(firms.region[r.rows])[:, None, None], (*target.shape, 1))
    sold = at_alliance_cells(o.leader_sales, target, group[..., 0])
    n = at_alliance_cells(o.partners, target, group[..., 0])
    more = channel_pool(sold, n + 1.0, p) - channel_pool(sold, n, p)
    money = float(o.multipliers.money[0])
    resale = money * p.choice.channel_resale_margin * more
    crowding = money * leader_crowding(leader, target, firms, alliances, o, p)
    return np.asarray(value_l * brings - np.where(rival, steal, 0.0) + resale - crowding)


def leader_crowding(
    leader: np.ndarray,
    target: np.ndarray,
    firms: FirmState,
    alliances: AllianceState,
    o: Outlook,
    p: ModelParams,
) -> np.ndarray:
    """The rise in the leader's own coordination cost from one more member (USD m a quarter).

    Reason: review finding 23 (docs/model.md section 10): admission weighed what an
    applicant brings, never what coordinating one more member costs the leader; beyond a
    working group its cost rises with size (``economy.coordination_rule``).
    """
    depth, hetero = at_alliance(o.depth, target), at_alliance(o.hetero, target)
    regime = padded(alliances.regime)[np.maximum(target, 0)]
    hub = at_alliance(o.hub, target) > 0
    own = firms.openness[leader]
    misfit = coordination_misfit(own, regime, own, hub)
    size, spend = at_alliance(o.size, target), o.spend[leader]
    now = coordination_rule(spend, depth, size, hetero, misfit, False, p, hub)
    more = coordination_rule(spend, depth, size + 1.0, hetero, misfit, False, p, hub)
    return np.asarray(np.where(target >= 0, more - now, 0.0))


def leaders_stay(draws: RevisionDraws, firms: FirmState, alliances: AllianceState) -> RevisionDraws:
    """The draws without the firms that do not choose their membership this quarter.

    Reason: docs/model.md 6.6, "the founder leads while alive and a member": a leader's
    choices are its alliance's regime (``sim.engine.reviews``) and who it admits, not
    whether to stay; measured before this rule, Meta left the AI Alliance in its first
    quarter and SK Telecom the K-AI Alliance within three years. A founder still alone
    in its new alliance reconsiders like any firm. Members of a state-coordinated alliance
    stay too: the state designated them (China's national AI teams). Rows are dropped after
    the draws, so the run's random numbers are the same with or without the rule.
    """
    formed = formed_alliance(firms, alliances)
    bound = np.zeros(firms.n, dtype=bool)
    ids = np.flatnonzero(alliances.active)
    leaders = alliances.leader[ids]
    bound[leaders[formed[leaders] == ids]] = True
    inside = formed >= 0
    bound[inside] |= padded(alliances.coordinated)[formed[inside]]
    keep = ~bound[draws.revisers]
    return RevisionDraws(draws.revisers[keep], draws.candidates[keep], draws.gumbel[keep])
