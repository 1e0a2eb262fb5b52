"""Membership by expected profit (design version 2, docs/model.md 6.5-6.6), in USD m.

A reviser values each option (go alone, stay, join a candidate, found an alliance) by the
change in its discounted profit over the horizon against its current position:

    dV(o) = K(o) + Q(o) + Ch(o) - Dues(o) + Sub(o) - AT(o) - CC(o) + Man(o) - SC(o),

each term a named function below, written for a firm with one division (its home domain,
docs/model.md section 9, item 1) selling in that domain's domestic and rest-of-world markets.
``Outlook`` gathers, once per quarter and for every firm and alliance, what the terms read
from the start-of-quarter state; ``option_values`` lays the options out in the columns of
``sim.engine.choice`` (ALONE, STAY, FOUND, candidates) so the same revision draws serve both
designs; the choice adds Gumbel noise scaled by the firm's own revenue.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sim.config.schema import ModelParams
from sim.engine.aggregates import formed_alliance
from sim.engine.channel_access import channel_pool, leader_pool, partner_group, partner_income
from sim.engine.choice import FIRST_CANDIDATE, FOUND, FOUND_NEW, RevisionDraws
from sim.engine.competition import expected_antitrust_cost
from sim.engine.economy import complementarity_table, coordination_rule, dues_share
from sim.engine.founding import FOUND_CLOSED, founding_values
from sim.engine.markets import N_GEOGRAPHIES, market_id
from sim.engine.outlook import (
    Outlook,
    Prospects,
    Reviser,
    at_alliance,
    at_home,
    flow_scale,
    headroom,
    prospects,
    reviser_of,
)
from sim.engine.policing import enforced
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
    inflow = np.einsum("kcd,kd->kc", at_alliance(o.excess, target), R[:, r.domain].T)
    inflow = r.absorption[:, None] * (inflow - member * r.own_excess[:, None])
    value_of_k = (flow * r.share * (1.0 - r.share)).sum(-1)  # a quarterly gain of capability
    more = r.slope[:, None] * (inflow - inflow[np.arange(len(r.rows)), 1][:, None])
    gain = value_of_k[:, None] * np.minimum(more, r.room[:, None])  # never past the frontier
    s = r.share[:, None, :]
    self_reach = (r.absorption * r.slope)[:, None, None] * s
    rivals_all = o.reach_all[r.markets][:, None, :] - self_reach
    public_leak = o.public_rate * (publish - r.publishing[:, None]) * r.effort[:, None]
    loss = (flow[:, None, :] * s * rivals_all).sum(-1) * public_leak
    c_a = at_alliance(o.internal, target)
    excess_new = np.where(target >= 0, np.maximum(c_a - o.public_rate * publish, 0.0), 0.0)
    markets = np.broadcast_to(r.markets[:, None, :], (*target.shape, N_GEOGRAPHIES))
    partners = np.take_along_axis(at_alliance(o.reach, target), markets, axis=-1)
    partners = partners - member[..., None] * self_reach
    leak = (flow[:, None, :] * s * partners).sum(-1) * excess_new * r.effort[:, None]
    return np.asarray(gain - loss - (leak - leak[:, 1][:, None]))


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
    as it would be with the firm in it.
    """
    member = target == r.current[:, None]
    cost = coordination_rule(
        o.spend[r.rows][:, None],
        at_alliance(o.depth, target),
        at_alliance(o.size, target) + ~member,
        at_alliance(o.hetero, target),
        np.abs(openness[:, None] - (regime == OPEN)),
        region[:, None] != at_alliance(o.home, target),
        p,
    )
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
    are not.
    """
    leader = np.where(target >= 0, padded(alliances.leader, 0)[np.maximum(target, 0)], 0)
    d_l = firms.domain[leader].astype(np.int64)
    markets_l = market_id(d_l[..., None], np.arange(N_GEOGRAPHIES))
    s_l = o.share[leader]
    value_l = (flow[markets_l] * s_l * (1.0 - s_l)).sum(-1) * o.slope[leader] * o.absorption[leader]
    c_a = at_alliance(o.internal, target)
    brings = (
        c_a
        * r.effort[:, None]
        * R[r.domain][:, None].repeat(target.shape[1], 1)[
            np.arange(len(r.rows))[:, None], np.arange(target.shape[1]), d_l
        ]
    )
    rival = r.domain[:, None] == d_l
    received = r.absorption[:, None] * np.einsum(
        "kcd,kd->kc", at_alliance(o.excess, target), R[:, r.domain].T
    )
    steal = (flow[markets_l] * s_l * r.share[:, None, :]).sum(-1) * r.slope[:, None] * received
    group = np.broadcast_to(partner_group(firms.region[r.rows])[:, None, None], (*target.shape, 1))
    sold = np.take_along_axis(at_alliance(o.leader_sales, target), group, axis=-1)[..., 0]
    n = np.take_along_axis(at_alliance(o.partners, target), group, axis=-1)[..., 0]
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
    args = (
        at_alliance(o.depth, target),
        None,
        at_alliance(o.hetero, target),
        np.abs(firms.openness[leader] - (padded(alliances.regime)[np.maximum(target, 0)] == OPEN)),
        False,
        p,
    )
    size = at_alliance(o.size, target)
    spend = o.spend[leader]
    now = coordination_rule(spend, args[0], size, *args[2:])
    more = coordination_rule(spend, args[0], size + 1.0, *args[2:])
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


def switching_cost(revenue: np.ndarray, p: ModelParams) -> np.ndarray:
    """One-off cost of changing alliance (USD m): ``sc0 + sc1 R`` (docs/model.md 6.5)."""
    c = p.choice
    return np.asarray(c.switching_cost_fixed + c.switching_cost_revenue * revenue)


def founders(targets: np.ndarray, p: ModelParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Targets for ``membership.apply_moves``, and each founder's regime and founding cost.

    ``FOUND_CLOSED`` becomes ``FOUND_NEW``; regimes and costs follow the founders' order
    in ``targets`` (docs/model.md 6.6: the founding cost depends on the kind of alliance).
    """
    found = targets[(targets == FOUND_NEW) | (targets == FOUND_CLOSED)]
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
    sub = at_alliance(effects.member_subsidy, target)[
        np.arange(K)[:, None], np.arange(target.shape[1]), home
    ]
    man = at_alliance(effects.mandate_value, target)
    cc = coordination_cost(r, target, regime, openness, firms.region[r.rows], o, p)
    ch = channel_value(r, target, member, is_leader, firms.region[r.rows], o, p)
    money_terms = ch - dues + (sub + man) * r.domestic[:, None] - cc
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
    recruits = np.broadcast_to(rows[:, None], (rows.size, p.choice.n_prospects))
    seen = replace(view, recruits=np.ascontiguousarray(recruits))
    values, _ = option_values(np.arange(rows.size), draws, firms, alliances, seen, effects, p)
    return np.asarray(-values[:, 0])


def nest_shock(similarity: float, uniforms: np.ndarray) -> np.ndarray:
    """The nest's common shock ``eta`` of a nested logit, from two uniforms per row.

    ``eta = lambda log S`` with S positive stable of index ``lambda`` (Laplace transform
    ``exp(-t^lambda)``), drawn by Kanter's (1975) method from ``U`` uniform on (0, pi) and
    ``E`` exponential; then ``eta + lambda g`` is standard Gumbel for g standard Gumbel
    (Cardell 1997), which makes ``V_j + s (eta + lambda g_j)`` the nested logit's random
    utilities. ``lambda = 1`` gives ``eta = 0``: the plain logit.

    Args:
        similarity: ``lambda`` in (0, 1].
        uniforms: (K, 2) uniforms on [0, 1).
    """
    u = np.clip(uniforms, 1e-12, 1.0 - 1e-12)
    angle, expo = np.pi * u[:, 0], -np.log1p(-u[:, 1])
    lam = similarity
    first = lam * np.log(np.sin(lam * angle)) - np.log(np.sin(angle))
    rest = (1.0 - lam) * np.log(np.sin((1.0 - lam) * angle) / expo) if lam < 1.0 else 0.0
    return np.asarray(first + rest)


def nested_pick(
    value: np.ndarray,
    scale: np.ndarray,
    similarity: float,
    gumbel: np.ndarray,
    uniforms: np.ndarray,
) -> np.ndarray:
    """The option each reviser picks: a nested logit of staying against moving somewhere.

    Reason: review finding 20 (docs/model.md section 10): in a plain logit every option
    listed draws its own noise, so the number of candidates shown set how fast alliances
    shrank. Here the options besides staying (column 1) form one nest of similarity
    ``lambda``, as random utilities: staying ``V_1 + s g_1``, any other option ``V_j + s (eta
    + lambda g_j)`` with the nest's common shock ``eta`` (``nest_shock``). This samples the
    nested logit exactly (McFadden 1978; Cardell 1997): k equal options raise the odds of
    moving by ``k^lambda``, not k, and raising one option's value can only move a reviser to
    that option (the same draws). ``lambda = 1`` is the plain logit, draw for draw.

    Args:
        value: (K, C) option values against staying (USD m), -inf where unavailable.
        scale: (K,) noise scale ``s`` (USD m).
        similarity: ``lambda`` in (0, 1].
        gumbel: (K, C) standard Gumbel draws, one per option.
        uniforms: (K, 2) uniforms on [0, 1) for the nest's shock.
    """
    eta = nest_shock(similarity, uniforms)
    noise = eta[:, None] + similarity * gumbel
    noise[:, 1] = gumbel[:, 1]  # staying is a nest of its own
    return np.asarray(np.argmax(value + scale[:, None] * noise, axis=1))


def decide(
    k: np.ndarray,
    draws: RevisionDraws,
    firms: FirmState,
    alliances: AllianceState,
    view: Prospects,
    effects: PolicyEffects,
    p: ModelParams,
) -> tuple[np.ndarray, np.ndarray]:
    """Target of each reviser and the regime it would found.

    Targets: an alliance id, ``NO_ALLIANCE``, ``FOUND_NEW`` (found an open alliance) or
    ``FOUND_CLOSED``. ``view`` is what revisers see (``outlook.prospects``).

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
    targets, _ = decide(k, revision.draws, firms, alliances, view, q.effects, q.params)
    return targets
