"""Membership by expected profit (design version 2, docs/model.md 6.5-6.6), in USD m.

A reviser values each option (go alone, stay, join a candidate, found an alliance) by the
change in its discounted profit over the horizon against its current position:

    dV(o) = K(o) + Q(o) - Fee(o) + Sub(o) - AT(o) - CC(o) + Man(o) - SC(o),

each term a named function below, written for a firm with one division (its home domain,
docs/model.md section 9, item 1) selling in that domain's domestic and rest-of-world markets.
``Outlook`` gathers, once per quarter and for every firm and alliance, what the terms read
from the start-of-quarter state; ``option_values`` lays the options out in the columns of
``sim.engine.choice`` (ALONE, STAY, FOUND, candidates) so the same revision draws serve both
designs; the choice adds Gumbel noise scaled by the firm's own revenue.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config.schema import ModelParams
from sim.config.vocabulary import DOMESTIC, N_DOMAINS, REGIONS
from sim.engine import innovation
from sim.engine.channels import Channels
from sim.engine.choice import FIRST_CANDIDATE, FOUND, FOUND_NEW, RevisionDraws
from sim.engine.competition import expected_antitrust_cost
from sim.engine.depth import heterogeneity
from sim.engine.economy import Economy, Sales, best_capability, complementarity_bonus, sales
from sim.engine.knowledge import marginal_capability
from sim.engine.markets import N_MARKETS, market_id
from sim.engine.policing import enforced
from sim.engine.policy import PolicyEffects
from sim.engine.quarter import Quarter, Revision
from sim.engine.rnd_game import HorizonMultipliers, horizon_multipliers
from sim.engine.state import CLOSED, NO_ALLIANCE, OPEN, AllianceState, FirmState, padded

GEOGRAPHIES = 2  # domestic, rest of the world


@dataclass(frozen=True)
class Outlook:
    """What membership values read, per firm (n rows) and per alliance (m rows).

    Per firm: ``share`` and ``revenue`` (n, 2) in its two markets, ``slope`` g' and
    ``absorption`` a (n,), ``effort`` x (last quarter), ``spend`` (USD m), ``bonus``
    (complementarity log-odds now). Per alliance: ``excess`` (m, D), effort partners receive
    on top of the public rate by sender domain; ``reach`` (m, N_MARKETS), ``sum a s g'`` of the
    members selling in each market; ``best`` (m, D), members' best capability per domain;
    ``size``, ``depth``, ``hetero``, ``home`` (leader's region), ``internal`` rate c_A; and
    per market ``reach_all`` (N_MARKETS,) over every seller; multipliers per market.
    """

    share: np.ndarray
    revenue: np.ndarray
    slope: np.ndarray
    absorption: np.ndarray
    effort: np.ndarray
    spend: np.ndarray
    bonus: np.ndarray
    excess: np.ndarray
    reach: np.ndarray
    reach_all: np.ndarray
    best: np.ndarray
    held: np.ndarray
    sellers: np.ndarray
    size: np.ndarray
    depth: np.ndarray
    hetero: np.ndarray
    home: np.ndarray
    internal: np.ndarray
    public_rate: float
    multipliers: HorizonMultipliers
    sizes: np.ndarray


def outlook(
    firms: FirmState,
    alliances: AllianceState,
    economy: Economy,
    sales: Sales,
    channels: Channels,
    rows: np.ndarray,
    slope: np.ndarray,
    absorption: np.ndarray,
    p: ModelParams,
) -> Outlook:
    """Gather the start-of-quarter quantities every reviser's values read (one pass)."""
    n, m = firms.n, max(alliances.m, 1)
    geo = sales.market // N_DOMAINS
    share = np.zeros((n, GEOGRAPHIES))
    share[sales.firm, geo] = sales.share
    revenue = share * sales.size[market_id(firms.domain[:, None], np.arange(GEOGRAPHIES))]
    ay = absorption[sales.firm] * sales.share * slope[sales.firm]
    member = firms.alliance[sales.firm]
    inside = member != NO_ALLIANCE
    reach = np.zeros((m, N_MARKETS))
    np.add.at(reach, (member[inside], sales.market[inside]), ay[inside])
    held = np.zeros((m, N_MARKETS))
    np.add.at(held, (member[inside], sales.market[inside]), sales.share[inside])
    sellers = np.zeros((m, N_MARKETS))
    np.add.at(sellers, (member[inside], sales.market[inside]), 1.0)
    excess = np.zeros((m, N_DOMAINS))
    sender = channels.alliance_excess * firms.effort[rows]
    in_a = channels.inside
    np.add.at(excess, (channels.alliance[in_a], firms.domain[rows][in_a]), sender[in_a])
    a = alliances
    alive_member = np.where(firms.alive, firms.alliance, NO_ALLIANCE)
    size = np.bincount(alive_member[alive_member >= 0], minlength=m).astype(np.float64)
    hetero = (
        heterogeneity(
            alive_member, firms.openness, firms.region, firms.domain, m, len(REGIONS), N_DOMAINS
        )
        if a.m
        else np.zeros(1)
    )
    depth = a.depth if a.m else np.zeros(1)
    r = p.rnd
    g = np.where(
        np.arange(N_MARKETS) < N_DOMAINS, p.markets.growth_domestic, p.markets.growth_world
    )
    mult = horizon_multipliers(
        p.choice.discount_rate,
        g,
        economy.trend[np.arange(N_MARKETS) % N_DOMAINS],
        p.growth.obsolescence,
        p.choice.horizon_quarters,
    )
    best = best_capability(firms, a) if a.m else np.zeros((1, N_DOMAINS))
    gamma = np.asarray(r.rd_cost_by_domain)[firms.domain.astype(np.int64)]
    bonus = complementarity_bonus(
        firms.domain.astype(np.int64),
        np.where(firms.alive, firms.alliance, NO_ALLIANCE),
        best,
        depth,
        p,
    )
    return Outlook(
        share=share,
        revenue=revenue,
        slope=slope,
        absorption=absorption,
        effort=firms.effort.copy(),
        spend=gamma * firms.effort**2 / 2.0,
        bonus=bonus,
        excess=excess,
        reach=reach,
        reach_all=np.bincount(sales.market, weights=ay, minlength=N_MARKETS),
        best=best,
        held=held,
        sellers=sellers,
        size=size,
        depth=depth,
        hetero=hetero,
        home=padded(firms.region[np.maximum(a.leader, 0)] if a.m else np.zeros(0, np.int8)),
        internal=r.beta_alliance_shallow + (r.beta_alliance_deep - r.beta_alliance_shallow) * depth,
        public_rate=channels.public_rate,
        multipliers=mult,
        sizes=sales.size,
    )


def _take(table: np.ndarray, target: np.ndarray) -> np.ndarray:
    """``table[target]`` with -1 (no alliance) read as zeros, broadcast over (K, C)."""
    safe = np.where(target >= 0, target, 0)
    values = table[safe]
    mask = (target >= 0).reshape(target.shape + (1,) * (values.ndim - target.ndim))
    return np.asarray(np.where(mask, values, 0.0))


@dataclass(frozen=True)
class Reviser:
    """The revisers' own quantities, one row each (K,), markets on the last axis (K, 2)."""

    rows: np.ndarray
    current: np.ndarray
    domain: np.ndarray
    markets: np.ndarray
    share: np.ndarray
    revenue: np.ndarray
    slope: np.ndarray
    absorption: np.ndarray
    effort: np.ndarray
    publishing: np.ndarray
    own_excess: np.ndarray
    domestic: np.ndarray
    room: np.ndarray  # (K,) quarterly capability gain the horizon leaves room for


def headroom(capability: np.ndarray, domain: np.ndarray, o: Outlook) -> np.ndarray:
    """The largest quarterly capability gain worth counting over the horizon.

    Reason: economist review (docs/model.md section 10, finding 11): knowledge is valued as a
    flow over the horizon, ``Lambda^flow`` quarters of gains, but capability cannot pass the
    frontier: a quarterly gain dk repeated adds about ``dk Lambda^flow / Lambda^lev`` over the
    horizon, so dk is worth counting only up to ``(1 - k) Lambda^lev / Lambda^flow`` (a firm
    at 0.98 of the frontier had valued an alliance's knowledge at 1,352 USD m).
    """
    home = market_id(domain, 0)
    ratio = o.multipliers.level[home] / np.maximum(o.multipliers.flow[home], 1e-12)
    return np.asarray(np.maximum(1.0 - capability, 0.0) * ratio)


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
    inflow = np.einsum("kcd,kd->kc", _take(o.excess, target), R[:, r.domain].T)
    inflow = r.absorption[:, None] * (inflow - member * r.own_excess[:, None])
    value_of_k = (flow * r.share * (1.0 - r.share)).sum(-1)  # a quarterly gain of capability
    more = r.slope[:, None] * (inflow - inflow[np.arange(len(r.rows)), 1][:, None])
    gain = value_of_k[:, None] * np.minimum(more, r.room[:, None])  # never past the frontier
    s = r.share[:, None, :]
    self_reach = (r.absorption * r.slope)[:, None, None] * s
    rivals_all = o.reach_all[r.markets][:, None, :] - self_reach
    public_leak = o.public_rate * (publish - r.publishing[:, None]) * r.effort[:, None]
    loss = (flow[:, None, :] * s * rivals_all).sum(-1) * public_leak
    c_a = _take(o.internal, target)
    excess_new = np.where(target >= 0, np.maximum(c_a - o.public_rate * publish, 0.0), 0.0)
    markets = np.broadcast_to(r.markets[:, None, :], (*target.shape, GEOGRAPHIES))
    partners = np.take_along_axis(_take(o.reach, target), markets, axis=-1)
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
    comp = (1.0 - np.eye(N_DOMAINS)) / (N_DOMAINS - 1)
    bonus = (
        p.choice.complementarity_uplift
        * _take(o.depth, target)
        * np.einsum("kcd,kd->kc", _take(o.best, target), comp[r.domain])
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

    Reason: a fixed part and a part proportional to the R&D coordinated (depth x spend),
    rising with size beyond a working group, with heterogeneity, with the misfit between the
    firm's openness and the regime, and with distance (another home region).
    """
    c = p.choice
    member = target == r.current[:, None]
    size = _take(o.size, target) + ~member
    spend = o.spend[r.rows][:, None]
    base = c.coord_cost_fixed + c.coord_cost_share * _take(o.depth, target) * spend
    crowd = np.maximum(1.0, size / c.working_group_size) ** c.coord_size_elasticity
    misfit = np.abs(openness[:, None] - (regime == OPEN))
    away = region[:, None] != _take(o.home, target)
    factor = 1.0 + c.coord_heterogeneity * _take(o.hetero, target)
    factor = factor + c.coord_regime_misfit * misfit + c.distance_cost * away
    return np.asarray(np.where(target >= 0, base * crowd * factor, 0.0))


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
    pick = (np.arange(len(r.rows))[:, None], np.arange(target.shape[1]), home[:, None])
    held = _take(o.held, target)[pick]
    share = np.where(target >= 0, held + ~member * r.share[:, None, 0], 0.0)
    sellers = _take(o.sellers, target)[pick] + ~member
    exempt = _take(effects.cap_exempt.astype(np.float64), target) > 0
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
    in the leader's markets, improves with the alliance's knowledge, plus the fee it pays.
    Complementary applicants are welcome; strong same-market rivals are not.
    """
    leader = np.where(target >= 0, padded(alliances.leader, 0)[np.maximum(target, 0)], 0)
    d_l = firms.domain[leader].astype(np.int64)
    markets_l = market_id(d_l[..., None], np.arange(GEOGRAPHIES))
    s_l = o.share[leader]
    value_l = (flow[markets_l] * s_l * (1.0 - s_l)).sum(-1) * o.slope[leader] * o.absorption[leader]
    c_a = _take(o.internal, target)
    brings = (
        c_a
        * r.effort[:, None]
        * R[r.domain][:, None].repeat(target.shape[1], 1)[
            np.arange(len(r.rows))[:, None], np.arange(target.shape[1]), d_l
        ]
    )
    rival = r.domain[:, None] == d_l
    received = r.absorption[:, None] * np.einsum(
        "kcd,kd->kc", _take(o.excess, target), R[:, r.domain].T
    )
    steal = (flow[markets_l] * s_l * r.share[:, None, :]).sum(-1) * r.slope[:, None] * received
    fee = float(o.multipliers.money[0]) * p.choice.fee_closed
    return np.asarray(value_l * brings - np.where(rival, steal, 0.0) + fee)


def reviser_of(
    k: np.ndarray,
    draws: RevisionDraws,
    firms: FirmState,
    o: Outlook,
    channels: Channels,
    position: np.ndarray,
) -> Reviser:
    """The revisers' own quantities from the outlook."""
    rows = draws.revisers[k]
    domain = firms.domain[rows].astype(np.int64)
    pos = position[rows]
    return Reviser(
        rows=rows,
        current=firms.alliance[rows].astype(np.int64),
        domain=domain,
        markets=market_id(domain[:, None], np.arange(GEOGRAPHIES)),
        share=o.share[rows],
        revenue=o.revenue[rows],
        slope=o.slope[rows],
        absorption=o.absorption[rows],
        effort=o.effort[rows],
        publishing=channels.publishing[pos],
        own_excess=channels.alliance_excess[pos] * o.effort[rows],
        domestic=firms.region[rows] == DOMESTIC,
        room=headroom(firms.capability[rows], domain, o),
    )


def option_values(
    k: np.ndarray,
    draws: RevisionDraws,
    firms: FirmState,
    alliances: AllianceState,
    o: Outlook,
    channels: Channels,
    position: np.ndarray,
    effects: PolicyEffects,
    p: ModelParams,
    recruits: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Value of every option against staying (USD m), and the regime each reviser would found.

    Returns:
        ``(values, found_regime)``: (K, FIRST_CANDIDATE + n_candidates) values, -inf where
        an option is not available; the better regime to found, per reviser.
    """
    c = p.choice
    r = reviser_of(k, draws, firms, o, channels, position)
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
    theta, mu = p.growth.share_sensitivity, p.growth.margin
    m = o.multipliers
    flow = m.flow * mu * theta * o.sizes
    money = float(m.money[0])
    value = knowledge_value(r, target, publish, o, R, flow)
    value += complementarity_value(r, target, o, p, m.level)
    is_leader = member & (padded(alliances.leader, -1)[np.maximum(target, 0)] == r.rows[:, None])
    fee_r = np.where(regime == OPEN, c.fee_open, c.fee_closed)
    fee = np.where(exists, np.where(is_leader, -(_take(o.size, target) - 1.0) * fee_r, fee_r), 0.0)
    home = r.domain[:, None].repeat(target.shape[1], 1)
    sub = _take(effects.member_subsidy, target)[
        np.arange(K)[:, None], np.arange(target.shape[1]), home
    ]
    man = _take(effects.mandate_value, target)
    cc = coordination_cost(r, target, regime, openness, firms.region[r.rows], o, p)
    money_terms = -fee + (sub + man) * r.domestic[:, None] - cc
    value += money * (money_terms - money_terms[:, 1][:, None])
    at = antitrust_exposure(r, target, o, effects, p)
    value -= at - at[:, 1][:, None]
    switch = c.switching_cost_fixed + c.switching_cost_revenue * r.revenue.sum(-1)
    unchanged = target == r.current[:, None]  # staying, or "going alone" when alone
    unchanged[:, FOUND] = False
    value -= np.where(unchanged, 0.0, switch[:, None])
    value[:, 1] = 0.0  # staying is the reference

    found_value, found_regime, cost = founding_values(r, recruits[k], firms, o, R, flow, p)
    value[:, FOUND] += found_value
    capital = firms.capital[r.rows]

    ok = exists & ~repeated
    ok[:, FIRST_CANDIDATE:] &= ~member[:, FIRST_CANDIDATE:]
    cap = np.where(
        _take(effects.cap_exempt.astype(np.float64), target) > 0, np.inf, effects.share_cap
    )
    held = _take(o.held, target)[
        np.arange(K)[:, None], np.arange(target.shape[1]), r.markets[:, 0][:, None]
    ]
    ok &= member | (held + r.share[:, None, 0] <= cap)
    closed = regime == CLOSED
    ok &= member | ~closed | (leader_interest(r, target, firms, alliances, o, R, flow, p) >= 0)
    ok[:, 0] = True  # going alone is always possible
    ok[:, 1] = True  # so is staying
    ok[:, FOUND] = capital >= cost
    return np.where(ok, value, -np.inf), found_regime


FOUND_CLOSED = -3  # target code: found a new closed alliance (FOUND_NEW: an open one)


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
) -> np.ndarray:
    """What the prospects a founder or leader draws are expected to bring it (USD m), (K,).

    Reason: docs/model.md 6.6: a prospect counts if joining pays for it (the recruiter's
    knowledge at the alliance's rate, less the fee, its coordination and switching costs)
    and pays for the recruiter (the prospect's knowledge and fee, less the customers a
    same-market prospect takes with the recruiter's knowledge); ``recruit_expectation`` of
    those are expected to come. ``option`` is the regime (OPEN or CLOSED), ``rate`` the
    alliance's internal rate (scalar or (K,)); ``prospect`` holds (K, P) firm rows.
    """
    c = p.choice
    money = float(o.multipliers.money[0])
    j = prospect
    d_j = firms.domain[j].astype(np.int64)
    markets_j = market_id(d_j[..., None], np.arange(GEOGRAPHIES))
    s_j, g_j, a_j, x_j = o.share[j], o.slope[j], o.absorption[j], o.effort[j]
    own_j = (flow[markets_j] * s_j * (1.0 - s_j)).sum(-1) * g_j
    own_f = (flow[r.markets] * r.share * (1.0 - r.share)).sum(-1) * r.slope
    steal = (flow[r.markets][:, None, :] * r.share[:, None, :] * s_j).sum(-1) * g_j * a_j
    rival = d_j == r.domain[:, None]
    distinct = j != r.rows[:, None]
    switch_j = c.switching_cost_fixed + c.switching_cost_revenue * o.revenue[j].sum(-1)
    publish = 1.0 if option == OPEN else 0.0
    fee_r = c.fee_open if option == OPEN else c.fee_closed
    excess = np.maximum(np.asarray(rate, dtype=np.float64) - o.public_rate * publish, 0.0)
    excess = np.broadcast_to(excess, r.rows.shape)[:, None]
    cc_j = money * (c.coord_cost_fixed + c.coord_cost_share * c.depth_base * o.spend[j])
    cc_j = cc_j * (1.0 + c.coord_regime_misfit * np.abs(firms.openness[j] - publish))
    to_j = a_j * R[r.domain[:, None], d_j] * excess * r.effort[:, None]
    gain_j = own_j * to_j - money * fee_r - cc_j - switch_j
    from_j = r.absorption[:, None] * R[d_j, r.domain[:, None]] * excess * x_j
    gain_f = own_f[:, None] * from_j + money * fee_r
    gain_f = gain_f - np.where(rival, steal * excess * r.effort[:, None], 0.0)
    joins = distinct & (gain_j > 0.0) & (gain_f > 0.0)
    return np.asarray(c.recruit_expectation * np.where(joins, gain_f, 0.0).sum(-1))


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
    c, rr = p.choice, p.rnd
    money = float(o.multipliers.money[0])
    rate = rr.beta_alliance_shallow + (rr.beta_alliance_deep - rr.beta_alliance_shallow) * (
        c.depth_base
    )
    best = np.full(len(r.rows), -np.inf)
    regime = np.full(len(r.rows), OPEN, dtype=np.int8)
    cost = np.full(len(r.rows), c.founding_cost_open)
    for option, found_cost in ((OPEN, c.founding_cost_open), (CLOSED, c.founding_cost_closed)):
        publish = 1.0 if option == OPEN else 0.0
        cc_f = money * (c.coord_cost_fixed + c.coord_cost_share * c.depth_base * o.spend[r.rows])
        cc_f = cc_f * (1.0 + c.coord_regime_misfit * np.abs(firms.openness[r.rows] - publish))
        value = recruit_value(r, prospect, firms, o, R, flow, p, option, rate) - found_cost - cc_f
        better = value > best
        best = np.where(better, value, best)
        regime = np.where(better, option, regime).astype(np.int8)
        cost = np.where(better, found_cost, cost)
    return best, regime, cost


def decide(
    k: np.ndarray,
    draws: RevisionDraws,
    firms: FirmState,
    alliances: AllianceState,
    o: Outlook,
    channels: Channels,
    position: np.ndarray,
    effects: PolicyEffects,
    p: ModelParams,
    recruits: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Target of each reviser and the regime it would found.

    Targets: an alliance id, ``NO_ALLIANCE``, ``FOUND_NEW`` (found an open alliance) or
    ``FOUND_CLOSED``. ``recruits`` holds each reviser's prospects (firm rows, (R, P)).

    Reason: docs/model.md 6.5, "Noise": a logit over options by the Gumbel-max trick, the
    noise scaled by the firm's own revenue so that small and large firms are equally noisy
    in relative terms.
    """
    value, regime = option_values(
        k, draws, firms, alliances, o, channels, position, effects, p, recruits
    )
    rows = draws.revisers[k]
    scale = p.choice.noise_revenue * np.maximum(
        o.revenue[rows].sum(-1), p.choice.noise_revenue_floor
    )
    pick = np.argmax(value + scale[:, None] * draws.gumbel[k], axis=1)
    targets = np.concatenate([firms.alliance[rows][:, None], draws.candidates[k]], axis=1)
    column = np.where(pick >= FIRST_CANDIDATE, pick - (FIRST_CANDIDATE - 1), 0)
    chosen = np.take_along_axis(targets, column[:, None], axis=1)[:, 0]
    founding = np.where(regime == CLOSED, FOUND_CLOSED, FOUND_NEW)
    target = np.select([pick == 0, pick == FOUND], [NO_ALLIANCE, founding], chosen)
    return target.astype(np.int64), regime


@dataclass(frozen=True)
class Prospects:
    """What revisers see this quarter: the outlook, its channels, founders' prospects."""

    outlook: Outlook
    channels: Channels
    position: np.ndarray
    recruits: np.ndarray  # (revisers, n_prospects) firm rows a founder would approach


def prospects(
    firms: FirmState,
    alliances: AllianceState,
    q: Quarter,
    economy: Economy,
    draws: RevisionDraws,
    rng: np.random.Generator,
) -> Prospects:
    """The start-of-quarter outlook every reviser's values read (computed once a quarter).

    Draws ``n_prospects`` alive firms per reviser (uniformly, one call whatever the state's
    values): the firms a founder would approach (docs/model.md 6.6).
    """
    p = q.params
    s = sales(firms, economy, q.step, p, alliances)
    plan = innovation.plan(firms, alliances, q, economy, s)
    rows = plan.rows
    position = np.full(firms.n, -1, dtype=np.int64)
    position[rows] = np.arange(rows.size)
    slope = np.zeros(firms.n)
    d = firms.domain[rows].astype(np.int64)
    terms = innovation.law(p, economy, d, firms.region[rows])
    slope[rows] = marginal_capability(
        firms.capability[rows], firms.effort[rows] + plan.inflow[rows], **terms
    )
    o = outlook(firms, alliances, economy, s, plan.channels, rows, slope, plan.absorption, p)
    shape = (draws.revisers.size, p.choice.n_prospects)
    recruits = rows[rng.integers(0, max(rows.size, 1), size=shape)] if rows.size else rows
    return Prospects(o, plan.channels, position, np.asarray(recruits).reshape(shape))


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
        k,
        revision.draws,
        firms,
        alliances,
        view.outlook,
        view.channels,
        view.position,
        q.effects,
        q.params,
        view.recruits,
    )
    return targets
