"""What membership decisions read at the start of a quarter (design version 2, docs 6.5-6.6).

``Outlook`` gathers, once per quarter and for every firm and alliance, the quantities the
money terms of ``sim.engine.valuation`` read; ``Reviser`` is a reviser's own row of it;
``prospects`` builds both, with the prospects founders would approach.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config.schema import ModelParams
from sim.config.vocabulary import DOMESTIC, N_DOMAINS, REGIONS
from sim.engine import channel_access, innovation
from sim.engine.aggregates import home_region
from sim.engine.balanced_growth import rd_costs
from sim.engine.channels import Channels
from sim.engine.choice import RevisionDraws
from sim.engine.depth import heterogeneity
from sim.engine.economy import (
    Economy,
    Sales,
    best_capability,
    complementarity_bonus,
    hub_and_spoke,
    leader_openness,
    sales,
)
from sim.engine.knowledge import Law, capability_law
from sim.engine.markets import N_GEOGRAPHIES, N_MARKETS, market_id
from sim.engine.quarter import Quarter
from sim.engine.rnd_game import HorizonMultipliers
from sim.engine.state import NO_ALLIANCE, AllianceState, FirmState, padded


@dataclass(frozen=True)
class Outlook:
    """What membership values read, per firm (n rows) and per alliance (m rows).

    Per firm: ``share`` and ``revenue`` (n, 2) in its two markets, ``slope`` g' and
    ``absorption`` a (n,), ``effort`` x (last quarter), ``spend`` (USD m), ``bonus``
    (complementarity log-odds now). Per alliance: ``excess`` (m, D), effort partners receive
    on top of the public rate by sender domain; ``reach`` (m, N_MARKETS), ``sum a s g'`` of the
    members selling in each market; ``best`` (m, D), members' best capability per domain;
    ``size``, ``depth``, ``hetero``, ``home`` (home region), ``hub`` (hub-and-spoke
    coordination) and ``leader_openness`` (``economy.coordination_misfit``), ``internal``
    rate c_A, the
    leader's sales by geography where it resells its partners' solutions ``leader_sales``
    (m, 2) and its partners by geography ``partners`` (m, 2) (``channel_access``); and
    per market ``reach_all`` (N_MARKETS,) over every seller; multipliers per market.
    With level-bounded spillovers (docs/model.md 6.3) ``reach`` and ``reach_all`` count only
    receivers whose internal and public channels are not saturated, ``excess_level`` (m, D)
    is ``excess`` weighted by the senders' capability (the option's source level) and
    ``law`` is the capability law of every firm row (a reviser's inflow from an option counts
    up to ``law.effort_to`` of that level); ``receiving`` holds, per firm (n,), whether a
    marginal unit through its public and its internal channel still counts; all three None
    when the bound is off.
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
    hub: np.ndarray
    leader_openness: np.ndarray
    internal: np.ndarray
    leader_sales: np.ndarray
    partners: np.ndarray
    public_rate: float
    multipliers: HorizonMultipliers
    sizes: np.ndarray
    excess_level: np.ndarray | None = None
    law: Law | None = None
    receiving: tuple[np.ndarray, np.ndarray] | None = None


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
    receiving: tuple[np.ndarray, np.ndarray] | None = None,
    law: Law | None = None,
) -> Outlook:
    """Gather the start-of-quarter quantities every reviser's values read (one pass).

    ``receiving``: per firm row, whether a marginal unit through its (public, internal)
    channel still counts (``levels.InflowBound.receiving``); ``law``: the capability law of
    every firm row. Both given or both None (the level bound off).
    """
    n, m = firms.n, max(alliances.m, 1)
    geo = sales.market // N_DOMAINS
    share = np.zeros((n, N_GEOGRAPHIES))
    share[sales.firm, geo] = sales.share
    revenue = share * sales.size[market_id(firms.domain[:, None], np.arange(N_GEOGRAPHIES))]
    ay = absorption[sales.firm] * sales.share * slope[sales.firm]
    ay_all = ay_inner = ay
    if receiving is not None:  # saturated receivers gain nothing from a sender's effort
        ay_all, ay_inner = ay * receiving[0][sales.firm], ay * receiving[1][sales.firm]
    member = firms.alliance[sales.firm]
    inside = member != NO_ALLIANCE
    reach = np.zeros((m, N_MARKETS))
    np.add.at(reach, (member[inside], sales.market[inside]), ay_inner[inside])
    held = np.zeros((m, N_MARKETS))
    np.add.at(held, (member[inside], sales.market[inside]), sales.share[inside])
    sellers = np.zeros((m, N_MARKETS))
    np.add.at(sellers, (member[inside], sales.market[inside]), 1.0)
    excess = np.zeros((m, N_DOMAINS))
    sender = channels.alliance_excess * firms.effort[rows]
    in_a = channels.inside
    np.add.at(excess, (channels.alliance[in_a], firms.domain[rows][in_a]), sender[in_a])
    excess_level = None
    if law is not None:
        excess_level = np.zeros((m, N_DOMAINS))
        sender_level = sender * firms.capability[rows]
        np.add.at(
            excess_level, (channels.alliance[in_a], firms.domain[rows][in_a]), sender_level[in_a]
        )
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
    mult = innovation.horizon(p, economy)
    best = best_capability(firms, a) if a.m else np.zeros((1, N_DOMAINS))
    # gamma_{d,t}: the cost slope the plan reads this quarter (balanced_growth, docs 6.2)
    gamma = rd_costs(p, sales.size, economy.start_year)[firms.domain.astype(np.int64)]
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
        reach_all=np.bincount(sales.market, weights=ay_all, minlength=N_MARKETS),
        best=best,
        held=held,
        sellers=sellers,
        size=size,
        depth=depth,
        hetero=hetero,
        home=padded(home_region(firms, a)),
        hub=padded(hub_and_spoke(a, p)),
        leader_openness=padded(leader_openness(firms, a)),
        internal=innovation.internal_rate(depth, p),
        leader_sales=channel_access.leader_sales(revenue, firms, a),
        partners=channel_access.partners(firms, a),
        public_rate=channels.public_rate,
        multipliers=mult,
        sizes=sales.size,
        excess_level=excess_level,
        law=law,
        receiving=receiving,
    )


def effort_to(o: Outlook, rows: np.ndarray, level: np.ndarray) -> np.ndarray:
    """``m(S)`` of the firms ``rows`` at source levels ``level`` (effort units), broadcast.

    The level bound of docs/model.md 6.3 as membership values read it: the effective R&D that
    lifts each firm's k' to the level (``knowledge.Law.effort_to`` of ``o.law``); the
    outlook's ``law`` must be set (the bound on).
    """
    assert o.law is not None
    shape = np.broadcast_shapes(np.shape(rows), np.shape(level))
    flat = np.broadcast_to(rows, shape).ravel()
    limit = o.law.take(flat).effort_to(np.broadcast_to(level, shape).ravel())
    return np.asarray(limit).reshape(shape)


def at_alliance(table: np.ndarray, target: np.ndarray) -> np.ndarray:
    """``table[target]`` with -1 (no alliance) read as zeros, broadcast over (K, C).

    Every negative target reads a row of zeros put after the table's rows
    (``_with_zeros_row``; speed only: one gather instead of a gather and a masked copy).
    """
    return np.asarray(_with_zeros_row(table)[np.maximum(target, -1)])


def at_alliance_cells(table: np.ndarray, target: np.ndarray, column: np.ndarray) -> np.ndarray:
    """``at_alliance(table, target)`` read only at ``column`` of its last axis.

    ``column`` gives one column per option (broadcast to ``target``'s shape) or several
    along a last axis of its own; the same values as ``np.take_along_axis`` of the whole
    ``at_alliance`` array, without building that array.
    """
    extra = np.ndim(column) - target.ndim
    row = np.maximum(target, -1).reshape(target.shape + (1,) * extra)
    return np.asarray(_with_zeros_row(table)[row, column])


def _with_zeros_row(table: np.ndarray) -> np.ndarray:
    """``table`` with a row of zeros after its rows, which index -1 reads (``at_alliance``).

    In the dtype ``np.where(mask, table[...], 0.0)`` gives: the look-ups read the same
    values, signs of zero and dtypes as that masked gather (speed only).
    """
    zeros = np.zeros((1, *table.shape[1:]), dtype=np.result_type(table, 0.0))
    return np.concatenate([table, zeros])


def at_home(table: np.ndarray, r: Reviser, target: np.ndarray) -> np.ndarray:
    """``table[A, m]`` of each option's alliance A in the reviser's domestic market, (K, C)."""
    return at_alliance_cells(table, target, r.markets[:, :1])


def flow_scale(o: Outlook, p: ModelParams) -> np.ndarray:
    """``C^flow_m = Lambda^flow_m mu theta M_m`` per market (USD m; docs/model.md 6.5)."""
    g = p.growth
    return np.asarray(o.multipliers.flow * g.margin * g.share_sensitivity * o.sizes)


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
    capability: np.ndarray  # (K,) relative capability at the start of the quarter
    # (K,) 1 where a marginal unit through the public / internal channel still counts (the
    # level bound, docs/model.md 6.3), else 0; 1 everywhere with the bound off
    receive_public: np.ndarray | None = None
    receive_internal: np.ndarray | None = None


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


def own_reach(r: Reviser) -> tuple[np.ndarray, np.ndarray]:
    """The revisers' own terms ``a g' s`` in the outlook's public and internal reach, (K, 2).

    Reason: ``Outlook.reach_all`` and ``Outlook.reach`` sum ``a s g'`` over the receivers
    whose public (internal) channel is not saturated (docs/model.md 6.3); a reviser's own
    term, taken out of them to leave its rivals and partners, is masked the same way. Review
    8 (2026-12-03) found it taken out unmasked: a saturated member saw a negative leak to
    its partners, a spurious gain from staying of up to 49 USD m (15 of 20 members at t0).
    """
    ay = r.absorption * r.slope
    public = ay if r.receive_public is None else ay * r.receive_public
    internal = ay if r.receive_internal is None else ay * r.receive_internal
    return public[:, None] * r.share, internal[:, None] * r.share


def reviser_of(
    k: np.ndarray,
    draws: RevisionDraws,
    firms: FirmState,
    o: Outlook,
    channels: Channels,
    position: np.ndarray,
) -> Reviser:
    """The revisers' own quantities from the outlook (``k``: positions in the draws)."""
    return reviser_at(draws.revisers[k], firms, o, channels, position)


def reviser_at(
    rows: np.ndarray, firms: FirmState, o: Outlook, channels: Channels, position: np.ndarray
) -> Reviser:
    """The own quantities of firm ``rows`` (revisers, founders, leaders) from the outlook."""
    domain = firms.domain[rows].astype(np.int64)
    pos = position[rows]
    return Reviser(
        rows=rows,
        current=firms.alliance[rows].astype(np.int64),
        domain=domain,
        markets=market_id(domain[:, None], np.arange(N_GEOGRAPHIES)),
        share=o.share[rows],
        revenue=o.revenue[rows],
        slope=o.slope[rows],
        absorption=o.absorption[rows],
        effort=o.effort[rows],
        publishing=channels.publishing[pos],
        own_excess=channels.alliance_excess[pos] * o.effort[rows],
        domestic=firms.region[rows] == DOMESTIC,
        room=headroom(firms.capability[rows], domain, o),
        capability=firms.capability[rows],
        receive_public=None if o.receiving is None else o.receiving[0][rows],
        receive_internal=None if o.receiving is None else o.receiving[1][rows],
    )


@dataclass(frozen=True)
class Prospects:
    """What revisers see this quarter: the outlook, its channels, founders' prospects."""

    outlook: Outlook
    channels: Channels
    position: np.ndarray
    recruits: np.ndarray  # (revisers, n_prospects) firm rows a founder would approach
    nests: np.ndarray  # (revisers, 2) uniforms for the nested logit's common shock


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
    values): the firms a founder would approach (docs/model.md 6.6); then two uniforms per
    reviser for the nest's common shock of the nested logit (``nested_logit.nested_pick``).
    """
    p = q.params
    s = sales(firms, economy, q.step, p, alliances)
    spill = innovation.last_spillovers(firms, alliances, q, economy)  # what the plan reads first
    rows = spill.rows
    position = np.full(firms.n, -1, dtype=np.int64)
    position[rows] = np.arange(rows.size)
    slope, absorption = np.zeros(firms.n), np.zeros(firms.n)
    absorption[rows] = spill.absorption
    slope[rows] = innovation.capability_slope(
        spill, firms.effort[rows] + spill.inflow, firms, p, economy
    )
    receiving, units = None, None
    if spill.receiving is not None:
        receiving = (np.zeros(firms.n), np.zeros(firms.n))
        for full, part in zip(receiving, spill.receiving, strict=True):
            full[rows] = part
        every = innovation.firm_law(p, economy, firms, slice(None), firms.effort)
        units = capability_law(firms.capability, **every)
    o = outlook(
        firms, alliances, economy, s, spill.channels, rows, slope, absorption, p, receiving, units
    )
    shape = (draws.revisers.size, p.choice.n_prospects)
    recruits = rows[rng.integers(0, max(rows.size, 1), size=shape)] if rows.size else rows
    nests = rng.random(size=(draws.revisers.size, 2))
    return Prospects(o, spill.channels, position, np.asarray(recruits).reshape(shape), nests)
