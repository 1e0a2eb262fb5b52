"""Membership by expected profit (design version 2, docs/model.md 6.5-6.6), in USD m.

A reviser values each option (go alone, stay, join a candidate, found an alliance) by the
change in its discounted profit over the horizon against its current position:

    dV(o) = K(o) + Q(o) + Ch(o) - Dues(o) + Sub(o) - AT(o) - CC(o) + Man(o) - SC(o),

plus, while a tournament's call is open, the call's prize (``consortia.call_values``,
docs/model.md 6.10); each term a named function below, written for a firm with one division
(its home domain, docs/model.md section 9, item 1) selling in that domain's domestic and
rest-of-world markets.
``Outlook`` gathers, once per quarter and for every firm and alliance, what the terms read
from the start-of-quarter state; ``option_values`` lays the options out in the columns of
``sim.engine.choice`` (ALONE, STAY, FOUND, candidates) so the same revision draws serve both
designs; the choice adds Gumbel noise scaled by the firm's own revenue.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sim.config.schema import ModelParams
from sim.engine import fixed_amounts
from sim.engine.channel_access import leader_pool, partner_group, partner_income
from sim.engine.choice import FIRST_CANDIDATE, FOUND, FOUND_NEW, RevisionDraws
from sim.engine.competition import expected_antitrust_cost
from sim.engine.consortia import call_values
from sim.engine.economy import (
    complementarity_table,
    coordination_misfit,
    coordination_rule,
    dues_share,
)
from sim.engine.founding import FOUND_CLOSED, founding_values, founds
from sim.engine.leadership import leader_interest
from sim.engine.markets import N_GEOGRAPHIES
from sim.engine.nested_logit import nested_pick
from sim.engine.outlook import (
    Outlook,
    Prospects,
    Reviser,
    at_alliance,
    at_alliance_cells,
    at_home,
    effort_to,
    flow_scale,
    headroom,
    own_reach,
    prospects,
    reviser_of,
)
from sim.engine.policing import cap_breached, enforced
from sim.engine.policy import PolicyEffects
from sim.engine.quarter import Quarter, Revision
from sim.engine.state import CLOSED, NO_ALLIANCE, OPEN, AllianceState, FirmState, padded

__all__ = [
    "FOUND_CLOSED",
    "Prospects",
    "decide",
    "headroom",
    "option_values",
    "prospects",
    "reconsider",
    "reviser_of",
]


def knowledge_value(
    r: Reviser,
    target: np.ndarray,
    publish: np.ndarray,
    o: Outlook,
    R: np.ndarray,
    flow: np.ndarray,
) -> np.ndarray:
    """K(o) - K(current): knowledge received net of what leaks to rivals, as a flow (USD m).

    Reason: docs/model.md 6.5, "Knowledge": partners' last efforts reach the firm at the
    alliance rate instead of the public one (inflow ``a sum_d R[d, d_f] excess[A, d]``), and
    the firm's own effort reaches rivals in its markets at its new public weight and, inside
    the alliance, at the alliance rate; each valued at ``C^flow = Lambda^flow mu theta M``.
    """
    member = target == r.current[:, None]
    flow = flow[r.markets]  # (K, 2): C^flow of the firm's two markets
    raw = np.einsum("kcd,kd->kc", at_alliance(o.excess, target), R[:, r.domain].T)
    raw = raw - member * r.own_excess[:, None]
    inflow = r.absorption[:, None] * raw
    if o.law is not None and o.excess_level is not None:
        inflow = np.minimum(inflow, bounded_inflow(r, target, member, raw, o, R))
    value_of_k = (flow * r.share * (1.0 - r.share)).sum(-1)  # a quarterly gain of capability
    more = r.slope[:, None] * (inflow - inflow[np.arange(len(r.rows)), 1][:, None])
    gain = value_of_k[:, None] * np.minimum(more, r.room[:, None])  # never past the frontier
    s = r.share[:, None, :]
    self_public, self_internal = (term[:, None, :] for term in own_reach(r))
    rivals_all = o.reach_all[r.markets][:, None, :] - self_public
    public_leak = o.public_rate * (publish - r.publishing[:, None]) * r.effort[:, None]
    loss = (flow[:, None, :] * s * rivals_all).sum(-1) * public_leak
    c_a = at_alliance(o.internal, target)
    excess_new = np.where(target >= 0, np.maximum(c_a - o.public_rate * publish, 0.0), 0.0)
    markets = np.broadcast_to(r.markets[:, None, :], (*target.shape, N_GEOGRAPHIES))
    partners = at_alliance_cells(o.reach, target, markets)
    partners = partners - member[..., None] * self_internal
    leak = (flow[:, None, :] * s * partners).sum(-1) * excess_new * r.effort[:, None]
    return np.asarray(gain - loss - (leak - leak[:, 1][:, None]))


def bounded_inflow(
    r: Reviser, target: np.ndarray, member: np.ndarray, raw: np.ndarray, o: Outlook, R: np.ndarray
) -> np.ndarray:
    """The most of an option's partner inflow that counts: ``m_r(S)`` (docs/model.md 6.3).

    Reason: the level bound of ``sim.engine.levels``, read as the plan reads it: S is the
    flow-weighted level of what the option's partners send the reviser (their excess effort
    weighted by ``R[d, d_r]^2 k``, over the same weighted by ``R[d, d_r]``; the reviser's own
    term removed in its current alliance), and the inflow counts up to the effective R&D
    that lifts the reviser's k' to S. The public channel's share of the bound
    is not netted out (an approximation: the option changes only the internal channel).
    (K, C) like ``target``.
    """
    assert o.law is not None and o.excess_level is not None
    R2 = (R * R)[:, r.domain].T  # (K, D): relatedness weighs the flow and the level
    top = np.einsum("kcd,kd->kc", at_alliance(o.excess_level, target), R2)
    top = top - member * (r.own_excess * r.capability)[:, None]
    live = raw > 1e-9 * r.own_excess[:, None]  # above what removing its own term leaves
    level = np.clip(np.where(live, top, 0.0) / np.where(live, raw, 1.0), 0.0, 1.0)
    return effort_to(o, r.rows[:, None], level)


def complementarity_value(
    r: Reviser, target: np.ndarray, o: Outlook, p: ModelParams, level: np.ndarray
) -> np.ndarray:
    """Q(o) - Q(current): revenue from integrated offers over the horizon (USD m).

    Reason: docs/model.md 6.5: the option's demand shifter b moves the firm's share to
    ``s e^db / (1 + s (e^db - 1))`` with other attractions fixed; valued as a level shift.
    """
    comp = complementarity_table()
    bonus = (
        p.choice.complementarity_uplift
        * at_alliance(o.depth, target)
        * np.einsum("kcd,kd->kc", at_alliance(o.best, target), comp[r.domain])
    )
    lift = np.exp(bonus - bonus[:, 1][:, None])[..., None]
    s = r.share[:, None, :]
    moved = s * lift / (1.0 + s * (lift - 1.0))
    sizes = o.sizes[r.markets][:, None, :]
    return np.asarray(
        (p.growth.margin * sizes * level[r.markets][:, None, :] * (moved - s)).sum(-1)
    )


def coordination_cost(
    r: Reviser,
    target: np.ndarray,
    regime: np.ndarray,
    openness: np.ndarray,
    region: np.ndarray,
    o: Outlook,
    p: ModelParams,
) -> np.ndarray:
    """cc_f(A) a quarter (USD m), 0 alone (docs/model.md 6.5, "Coordination cost").

    Reason: the rule members pay (``economy.coordination_rule``), at the option's alliance
    as it would be with the firm in it. Weighed against money flows valued at ``Lambda^0``
    (``option_values``), so under ``model.choice.cost_index_growth`` its fixed parts count
    ``fixed_amounts.cost_flow_ratio`` times (they grow at the index), and the revenue part of
    distance (``fixed_amounts.distance_revenue_cost``) counts as revenue does, at the home
    market's ``Lambda^lev / Lambda^0`` (docs/model.md 6.5).
    """
    member = target == r.current[:, None]
    hub = at_alliance(o.hub, target) > 0
    away = region[:, None] != at_alliance(o.home, target)
    misfit = coordination_misfit(
        openness[:, None], regime, at_alliance(o.leader_openness, target), hub
    )
    spend = o.spend[r.rows][:, None]
    depth = at_alliance(o.depth, target)
    size = at_alliance(o.size, target) + ~member
    hetero = at_alliance(o.hetero, target)
    cost = coordination_rule(spend, depth, size, hetero, misfit, away, p, hub)
    ratio = fixed_amounts.cost_flow_ratio(p)
    if ratio != 1.0:  # the fixed parts grow at the index: cost at zero spend is theirs
        fixed = coordination_rule(0.0, depth, size, hetero, misfit, away, p, hub)
        cost = cost + (ratio - 1.0) * fixed
    if p.choice.distance_cost_revenue > 0.0:
        m = o.multipliers
        growing = m.level[r.markets[:, 0]] / float(m.money[0])
        revenue = r.revenue.sum(-1) * growing
        cost = cost + fixed_amounts.distance_revenue_cost(revenue[:, None], away, p)
    return np.asarray(np.where(target >= 0, cost, 0.0))


def antitrust_exposure(
    r: Reviser,
    target: np.ndarray,
    o: Outlook,
    effects: PolicyEffects,
    p: ModelParams,
) -> np.ndarray:
    """AT(o): expected fines less the net value of collusion, domestic market (USD m).

    Reason: docs/model.md 6.5 and 6.8: the perceived challenge probability of legitimate
    cooperation rises with the alliance's share above the safe harbour and falls with
    clarity; where the option's alliance would collude in the firm's market after the move
    (two or more member sellers, share above the threshold, expected fine below the gain),
    the collusive margin net of expected fines counts as a gain (finding 13 of section 10).
    Cooldowns are not foreseen.
    """
    member = target == r.current[:, None]
    home = r.markets[:, 0]
    held = at_home(o.held, r, target)
    share = np.where(target >= 0, held + ~member * r.share[:, None, 0], 0.0)
    sellers = at_home(o.sellers, r, target) + ~member
    exempt = at_alliance(effects.cap_exempt.astype(np.float64), target) > 0
    cp = enforced(p, effects)
    colludes = (
        (target >= 0)
        & (sellers >= 2)
        & (share >= cp.collusion_share_threshold)
        & (
            cp.collusion_margin_uplift * share
            > cp.detection_probability * cp.fine_rate * cp.fine_base_quarters
        )
    )
    at = expected_antitrust_cost(
        share[..., None],
        np.broadcast_to(r.revenue[:, None, :1], (*share.shape, 1)),
        colludes[..., None],
        effects.clarity,
        float(o.multipliers.money[0]),
        o.multipliers.level[home][:, None, None],
        cp.detection_probability,
        cp.safe_harbour,
        cp.cooperation_fine_rate,
        cp.fine_rate,
        cp.fine_base_quarters,
        cp.collusion_margin_uplift,
        exempt,
    )
    capped = (target >= 0) & cap_breached(share, exempt, effects.share_cap)
    at += np.where(capped, effects.fine_rate * r.revenue[:, None, 0], 0.0) * float(
        o.multipliers.money[0]
    )
    return np.asarray(np.where(target >= 0, at, 0.0))


def channel_value(
    r: Reviser,
    target: np.ndarray,
    member: np.ndarray,
    is_leader: np.ndarray,
    region: np.ndarray,
    o: Outlook,
    p: ModelParams,
) -> np.ndarray:
    """Ch(o): income through the option's alliance's channel, a quarter (USD m), 0 alone.

    Reason: docs/model.md 6.5, "Channel access" (``sim.engine.channel_access``): a partner
    earns its margin, net of the leader's cut, on its share of the solutions the leader
    resells in its geography, with itself among the partners; the leader earns its resale
    margin on them. Alliances without a resale programme have none.
    """
    sold = at_alliance(o.leader_sales, target)
    counts = at_alliance(o.partners, target)
    group = np.broadcast_to(partner_group(region)[:, None, None], (*target.shape, 1))
    n = np.take_along_axis(counts, group, axis=-1)[..., 0] + ~member
    partner = partner_income(np.take_along_axis(sold, group, axis=-1)[..., 0], n, p)
    lead = p.choice.channel_resale_margin * leader_pool(sold, counts, p)
    value = np.where(is_leader, lead, partner)
    return np.asarray(np.where(target >= 0, value, 0.0))


def switching_cost(revenue: np.ndarray, p: ModelParams) -> np.ndarray:
    """One-off cost of changing alliance (USD m): ``sc0 + sc1 R`` (docs/model.md 6.5)."""
    c = p.choice
    return np.asarray(c.switching_cost_fixed + c.switching_cost_revenue * revenue)


def founders(targets: np.ndarray, p: ModelParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Targets for ``membership.apply_moves``, and each founder's regime and founding cost.

    ``FOUND_CLOSED`` becomes ``FOUND_NEW``; regimes and costs follow the founders' order
    in ``targets`` (docs/model.md 6.6: the founding cost depends on the kind of alliance).
    """
    found = targets[founds(targets)]
    closed = found == FOUND_CLOSED
    c = p.choice
    cost = np.where(closed, c.founding_cost_closed, c.founding_cost_open)
    regimes = np.where(closed, CLOSED, OPEN).astype(np.int8)
    return np.where(targets == FOUND_CLOSED, FOUND_NEW, targets), regimes, cost


def option_values(
    k: np.ndarray,
    draws: RevisionDraws,
    firms: FirmState,
    alliances: AllianceState,
    view: Prospects,
    effects: PolicyEffects,
    p: ModelParams,
) -> tuple[np.ndarray, np.ndarray]:
    """Value of every option against staying (USD m), and the regime each reviser would found.

    Returns:
        ``(values, found_regime)``: (K, FIRST_CANDIDATE + n_candidates) values, -inf where
        an option is not available; the better regime to found, per reviser.
    """
    o = view.outlook
    r = reviser_of(k, draws, firms, o, view.channels, view.position)
    K = len(r.rows)
    target = np.concatenate(
        [
            np.full((K, 1), NO_ALLIANCE),
            r.current[:, None],
            np.full((K, 1), NO_ALLIANCE),
            draws.candidates[k],
        ],
        axis=1,
    ).astype(np.int64)
    exists = target >= 0
    repeated = np.zeros_like(exists)
    for j in range(FIRST_CANDIDATE, target.shape[1]):  # a candidate listed twice, or current
        repeated[:, j] = (target[:, 1:j] == target[:, j, None]).any(axis=1)
    member = (target == r.current[:, None]) & exists
    regime = np.where(exists, padded(alliances.regime)[np.maximum(target, 0)], OPEN)
    openness = firms.openness[r.rows]
    alone_pub = np.broadcast_to(openness[:, None], target.shape)
    publish = np.where(exists, (regime == OPEN).astype(np.float64), alone_pub)
    R = np.asarray(p.rnd.relatedness, dtype=np.float64)
    m = o.multipliers
    flow = flow_scale(o, p)
    money = float(m.money[0])
    value = knowledge_value(r, target, publish, o, R, flow)
    value += complementarity_value(r, target, o, p, m.level)
    is_leader = member & (padded(alliances.leader, -1)[np.maximum(target, 0)] == r.rows[:, None])
    dues = np.where(exists & ~is_leader, dues_share(regime, p) * r.revenue.sum(-1)[:, None], 0.0)
    home = r.domain[:, None].repeat(target.shape[1], 1)
    sub = at_alliance_cells(effects.member_subsidy, target, home)
    man = at_alliance(effects.mandate_value, target)
    # a firm the mandate invited pays its refusal cost in every option but the mandated one
    mandated = at_alliance(effects.mandated.astype(np.float64), target) > 0
    refuse = np.where(mandated, 0.0, effects.refusal_cost[r.rows][:, None])
    cc = coordination_cost(r, target, regime, openness, firms.region[r.rows], o, p)
    ch = channel_value(r, target, member, is_leader, firms.region[r.rows], o, p)
    money_terms = ch - dues + (sub + man) * r.domestic[:, None] - cc - refuse
    value += money * (money_terms - money_terms[:, 1][:, None])
    at = antitrust_exposure(r, target, o, effects, p)
    value -= at - at[:, 1][:, None]
    switch = switching_cost(r.revenue.sum(-1), p)
    unchanged = target == r.current[:, None]  # staying, or "going alone" when alone
    unchanged[:, FOUND] = False
    value -= np.where(unchanged, 0.0, switch[:, None])
    value[:, 1] = 0.0  # staying is the reference

    found_value, found_regime, cost = founding_values(r, view.recruits[k], firms, o, R, flow, p)
    value[:, FOUND] += found_value
    if effects.call is not None:  # a tournament's call: the prize of a consortium (6.10)
        call = call_values(
            r, target, is_leader, view.recruits[k], firms, alliances, effects.call, p
        )
        value += call - call[:, 1][:, None]
    capital = firms.capital[r.rows]

    ok = exists & ~repeated
    ok[:, FIRST_CANDIDATE:] &= ~member[:, FIRST_CANDIDATE:]
    cap = np.where(
        at_alliance(effects.cap_exempt.astype(np.float64), target) > 0, np.inf, effects.share_cap
    )
    held = at_home(o.held, r, target)
    ok &= member | (held + r.share[:, None, 0] <= cap)
    closed = regime == CLOSED
    ok &= member | ~closed | (leader_interest(r, target, firms, alliances, o, R, flow, p) >= 0)
    national = exists & padded(alliances.national)[np.maximum(target, 0)]
    ok &= member | ~national | (firms.region[r.rows][:, None] == at_alliance(o.home, target))
    ok[:, 0] = True  # going alone is always possible
    ok[:, 1] = True  # so is staying
    ok[:, FOUND] = capital >= cost
    return np.where(ok, value, -np.inf), found_regime


def membership_surplus(
    rows: np.ndarray,
    firms: FirmState,
    alliances: AllianceState,
    view: Prospects,
    effects: PolicyEffects,
    p: ModelParams,
) -> np.ndarray:
    """What staying in its alliance is worth to each firm of ``rows`` against going alone.

    USD m over the horizon, without noise; the switching cost of leaving counts for staying
    (a member leaves only when the alternative beats both). Used by leaders' regime reviews
    to foresee which members a change would drive out.
    """
    rows = np.asarray(rows, dtype=np.int64)
    n_c = p.choice.n_candidates
    draws = RevisionDraws(
        rows, np.full((rows.size, n_c), NO_ALLIANCE), np.zeros((rows.size, FIRST_CANDIDATE + n_c))
    )
    return np.asarray(-deliberate_values(draws, firms, alliances, view, effects, p)[:, 0])


def deliberate_values(
    draws: RevisionDraws,
    firms: FirmState,
    alliances: AllianceState,
    view: Prospects,
    effects: PolicyEffects,
    p: ModelParams,
) -> np.ndarray:
    """``option_values`` of every row of ``draws`` for a choice made without founding.

    Reason: a member's surplus (``membership_surplus``) and a leader's consolidation
    (``sim.engine.consolidation``) weigh the same options as a reviser but never found an
    alliance, so the founding prospects are the rows themselves (no recruit counts).
    """
    rows = draws.revisers
    recruits = np.broadcast_to(rows[:, None], (rows.size, p.choice.n_prospects))
    seen = replace(view, recruits=np.ascontiguousarray(recruits))
    values, _ = option_values(np.arange(rows.size), draws, firms, alliances, seen, effects, p)
    return values


def decide(
    k: np.ndarray,
    draws: RevisionDraws,
    firms: FirmState,
    alliances: AllianceState,
    view: Prospects,
    effects: PolicyEffects,
    p: ModelParams,
    prompted: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Target of each reviser and the regime it would found.

    Targets: an alliance id, ``NO_ALLIANCE``, ``FOUND_NEW`` (found an open alliance) or
    ``FOUND_CLOSED``. ``view`` is what revisers see (``outlook.prospects``). Where
    ``prompted`` (per row of ``draws``, or None) is True, a call prompted the firm (it heard
    the call or was invited, and was not drawn): it weighs what prompted it against staying,
    not going alone (``sim.engine.call_entry``).

    Reason: docs/model.md 6.5, "Noise": a nested logit (``nested_pick``), the noise scaled
    by the firm's own revenue so that small and large firms are equally noisy in relative
    terms.
    """
    value, regime = option_values(k, draws, firms, alliances, view, effects, p)
    rows = draws.revisers[k]
    scale = p.choice.noise_revenue * np.maximum(
        view.outlook.revenue[rows].sum(-1), p.choice.noise_revenue_floor
    )
    alone = firms.alliance[rows] == NO_ALLIANCE
    value[alone, 0] = -np.inf  # going alone is staying for a firm alone
    if prompted is not None:
        value[prompted[k], 0] = -np.inf
    pick = nested_pick(value, scale, p.choice.nest_similarity, draws.gumbel[k], view.nests[k])
    targets = np.concatenate([firms.alliance[rows][:, None], draws.candidates[k]], axis=1)
    column = np.where(pick >= FIRST_CANDIDATE, pick - (FIRST_CANDIDATE - 1), 0)
    chosen = np.take_along_axis(targets, column[:, None], axis=1)[:, 0]
    founding = np.where(regime == CLOSED, FOUND_CLOSED, FOUND_NEW)
    target = np.select([pick == 0, pick == FOUND], [NO_ALLIANCE, founding], chosen)
    return target.astype(np.int64), regime


def reconsider(
    k: np.ndarray,
    firms: FirmState,
    alliances: AllianceState,
    q: Quarter,
    revision: Revision,
    view: Prospects,
) -> np.ndarray:
    """Phase 2 of version 2: revisers ``k`` (positions in the draws) pick a target."""
    targets, _ = decide(
        k, revision.draws, firms, alliances, view, q.effects, q.params, revision.prompted
    )
    return targets
