"""R&D of design version 2: each firm's first-order condition and the knowledge it delivers.

docs/model.md 6.2-6.4. Each quarter, before anyone chooses, ``plan`` computes from the
start-of-quarter state what every firm's condition needs: absorption (last quarter's effort),
the channels, the inflow ``xi`` from others' last efforts, and the split of the marginal value
``MV_i = Omega_i g'_i + Z_i`` into the coefficient of the firm's own marginal capability and
the rest (others' ``g'`` at their last effective R&D: myopic best response, section 9 item 2).
``invest`` then solves ``(1 - c_pc) gamma_{d,t} x = Omega g'(x + xi) + Z`` firm by firm (closed
form at ``alpha = 1``, bisection below), capped by cash; ``deliver`` sums the knowledge each
firm receives from this quarter's efforts, and ``learn`` grows capability. The per-firm
phases (``invest``, ``learn``) read only their own rows of the plan, so the agent engine
gives exactly the vectorised engine's numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import numpy as np

from sim.config.schema import ModelParams
from sim.engine import bisection, held_frontier
from sim.engine import depth as depth_rules
from sim.engine.aggregates import formed_alliance
from sim.engine.balanced_growth import rd_costs
from sim.engine.channels import Channels, build, group_market_key, member_value
from sim.engine.common_rate import transfer_of
from sim.engine.demand import marginal_value_grouped
from sim.engine.economy import Economy, Sales
from sim.engine.knowledge import (
    SLOPE_ESTIMATE_ERROR,
    Law,
    absorption,
    capability_gain,
    capability_law,
    effective_rnd_grouped,
    inflow_parts,
    marginal_capability,
)
from sim.engine.levels import InflowBound, inflow_bound, source_flows
from sim.engine.markets import N_MARKETS, market_domain, market_geography
from sim.engine.quarter import Quarter
from sim.engine.rnd_game import HorizonMultipliers, horizon_multipliers
from sim.engine.state import CLOSED, NO_ALLIANCE, AllianceState, FirmState

BISECTION_STEPS = 60  # halvings of the effort bracket: 2^-60 of the bracket, below rounding
# Relative difference of the two sides of the R&D condition above which its sign is read from
# the fast g' (``condition_above``): 100 times the estimate's error, so roundings cannot flip it.
CLEAR_MARGIN = 100.0 * SLOPE_ESTIMATE_ERROR
# Firms from which the fast g' pays for its extra steps (below, numpy's per-call overhead
# outweighs the general powers it saves; measured on korea_2024, about 2,000 firms), where
# the bisection cannot run on buffers: on buffers it is faster still (``_solve_response``).
ESTIMATE_FROM = 5_000


@dataclass(frozen=True)
class Plan:
    """What this quarter's R&D conditions read, for every firm row (0 for exited firms).

    Attributes:
        rows: Alive firm rows, in the order of the channel structure.
        channels: The knowledge channels among ``rows`` (``sim.engine.channels``).
        absorption: Absorptive capacity per firm row (from last quarter's effort).
        inflow: xi, effective R&D reaching each firm from others' last-quarter efforts.
        omega: Coefficient of the firm's own g' in its marginal value (USD m per share).
        rest: Z, the rest of the marginal value (USD m per effort unit).
        cost: ``(1 - c_pc) gamma_{d,t}``, the firm's marginal cost slope (USD m per effort^2).
        gamma: ``gamma_{d,t}``, the R&D cost slope of each firm row's domain this quarter,
            before public compute (``balanced_growth.rd_costs``; USD m per effort^2).
        last_effort: Each firm row's own effort last quarter (effort units), which the
            transfer's absorptive capacity reads (``transfer_of``).
        economy: The frontiers and learning rates this quarter.
        bound: The level bound on each of ``rows``' inflow (``sim.engine.levels``), None
            when ``model.rnd.level_bounded_spillovers`` is off.
        responses: The last best response computed on this plan and what it read
            (``best_response``): the hollowness check and R&D ask for the same one.
    """

    rows: np.ndarray
    channels: Channels
    absorption: np.ndarray
    inflow: np.ndarray
    omega: np.ndarray
    rest: np.ndarray
    cost: np.ndarray
    gamma: np.ndarray
    last_effort: np.ndarray
    economy: Economy
    bound: InflowBound | None = None
    responses: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


def unit_rates(economy: Economy, domain: np.ndarray, own: np.ndarray | None) -> np.ndarray:
    """The learning rate of each unit: its own where set (``own`` > 0), else lambda_d.

    Reason: a stationary start (``model.growth.stationary_start``, docs/model.md section 4)
    gives every unit below the frontier cap its own rate (``FirmState.learning_rate``); the
    others, and every unit of a run without it, learn at their domain's rate. None: the
    domain's rate for every unit.
    """
    domain_rate = economy.learning_rate[domain]
    if own is None:
        return np.asarray(domain_rate)
    return np.asarray(np.where(own > 0.0, own, domain_rate))


def law(
    p: ModelParams,
    economy: Economy,
    domain: np.ndarray,
    region: np.ndarray,
    own_rate: np.ndarray | None = None,
    last_effort: np.ndarray | None = None,
) -> dict[str, Any]:
    """Keyword arguments of the capability law for units of ``domain`` (docs/model.md 6.2).

    Reason: the frontier is exogenous unless a domestic unit leads (review finding 2 of
    docs/model.md section 10): foreign units are capped at the drifted frontier, so the
    frontier grows at its trend, the rate the gap is measured with, instead of being pushed
    by foreign leaders whose R&D grows with their markets; a domestic unit that passes it
    becomes the frontier. With ``model.growth.frontier_held_by_firm`` no unit is capped
    (``held_frontier.ceiling``). ``own_rate`` is the units' own learning rate
    (``unit_rates``): firm rows pass ``firms.learning_rate[rows]``. ``last_effort`` is the
    units' own effort last quarter (None: none, as an entrant's), which the transfer's
    absorptive capacity reads (``common_rate.transfer_of``).
    """
    g = p.growth
    terms = {
        "ceiling": held_frontier.ceiling(p, region),
        "frontier_growth": economy.drift[domain],
        "learning_rate": unit_rates(economy, domain, own_rate),
        "catch_up": g.catch_up,
        "obsolescence": g.obsolescence,
        "returns_exponent": g.rd_returns_exponent,
        "effort_offset": g.effort_offset,
    }
    if economy.transfer_rate is not None:  # model.growth.common_learning_rate
        terms["transfer"] = transfer_of(p, economy.transfer_rate[domain], last_effort)
    return terms


def firm_law(
    p: ModelParams,
    economy: Economy,
    firms: FirmState,
    rows: np.ndarray | slice,
    last_effort: np.ndarray,
) -> dict[str, Any]:
    """``law`` for firm ``rows``: their domain, region, own learning rate and last effort.

    ``last_effort`` is the rows' own effort last quarter: ``firms.effort[rows]`` before this
    quarter's R&D is written, the plan's ``last_effort[rows]`` after.
    """
    domain = firms.domain[rows].astype(np.int64)
    return law(p, economy, domain, firms.region[rows], firms.learning_rate[rows], last_effort)


def internal_rate(depth: Any, p: ModelParams) -> Any:
    """``c_A = beta_sh + (beta_dp - beta_sh) w_A``: partners share more in deeper alliances.

    Reason: docs/model.md 6.3; one rule for the channels, what revisers expect and founders'
    prospects. ``depth`` is a scalar or an array (returns the same shape).
    """
    r = p.rnd
    return r.beta_alliance_shallow + (r.beta_alliance_deep - r.beta_alliance_shallow) * depth


def channels_of(
    firms: FirmState, alliances: AllianceState, rows: np.ndarray, p: ModelParams, bonus: float
) -> Channels:
    """The channel structure of ``rows`` (docs/model.md 6.3).

    Reason: partners share at ``c_A = beta_sh + (beta_dp - beta_sh) w_A`` (deep alliances
    share more), alliances of one federation at ``beta_F``, everyone at the public rate
    ``beta_P`` plus the open-data bonus times the sender's publishing weight. A founder
    still alone in its alliance has no partners and publishes as a firm alone does (its
    openness): an empty closed alliance keeps nothing in.
    """
    r = p.rnd
    alliance = formed_alliance(firms, alliances)[rows]
    return build(
        alliance,
        alliances.regime == CLOSED,
        firms.openness[rows],
        internal_rate(alliances.depth, p),
        min(1.0, r.beta_public + bonus),
        alliances.root() if alliances.m else None,
        r.beta_federation,
    )


def horizon(p: ModelParams, economy: Economy) -> HorizonMultipliers:
    """The horizon multipliers of every market (quarters; docs/model.md 6.2).

    Computed once per distinct set of rates (``_horizon``: a run asks for the same ones
    several times a quarter); the arrays are read-only.
    """
    return _horizon(
        float(p.choice.discount_rate),
        float(p.markets.growth_domestic),
        float(p.markets.growth_world),
        tuple(np.asarray(economy.trend, dtype=np.float64).tolist()),
        float(p.growth.obsolescence),
        int(p.choice.horizon_quarters),
    )


@lru_cache(maxsize=256)
def _horizon(
    discount_rate: float,
    growth_domestic: float,
    growth_world: float,
    trend: tuple[float, ...],
    obsolescence: float,
    horizon_quarters: int,
) -> HorizonMultipliers:
    """``horizon`` of these rates, kept; its arrays are read-only so that no caller alters them."""
    m = np.arange(N_MARKETS)
    domestic = market_geography(m) == 0
    growth = np.where(domestic, growth_domestic, growth_world)
    multipliers = horizon_multipliers(
        discount_rate,
        growth,
        np.asarray(trend, dtype=np.float64)[market_domain(m)],
        obsolescence,
        horizon_quarters,
    )
    for values in (multipliers.gain, multipliers.flow, multipliers.level, multipliers.money):
        values.flags.writeable = False
    return multipliers


def market_multipliers(p: ModelParams, economy: Economy) -> np.ndarray:
    """Lambda_m, the horizon value of a one-off capability gain in each market (quarters)."""
    return np.asarray(horizon(p, economy).gain)


def partner_weights(
    revenue: np.ndarray,
    depth: np.ndarray,
    ch: Channels,
    floor: float,
    max_partners: float = np.inf,
) -> np.ndarray:
    """Each member's profit weight on its partners: depth, scaled down for small members.

    Reason: economist review of the wired model (docs/model.md section 10, finding 10):
    profit weights presume ownership or side payments; without them a small member of a
    deep alliance with a giant partner would spend most of its R&D for the giant. The weight
    is ``w_A min(1, R_i / mean R of the other members) min(1, K / (n_A - 1))`` (revenue of
    last quarter, floored at ``floor``): a member weighs partners' profits fully only
    against partners no larger than itself, and its total weight on partners is at most
    ``w_A K``, spread over all of them in an alliance of more than ``K + 1`` (finding 35:
    nothing backs a weight summed over two hundred partners).

    Args:
        revenue: Revenue of each firm in the channel structure's order (USD m a quarter).
        depth: Depth per alliance id.
        ch: The channel structure.
        floor: Smallest revenue counted (USD m a quarter, > 0).
        max_partners: K, the partners a member weighs fully (``max_weighted_partners``).

    Returns:
        The weight per firm, 0 for firms alone, shape (n,).
    """
    r = np.maximum(revenue, floor)
    inside = ch.inside
    a = np.where(inside, ch.alliance, 0)
    m = max(int(depth.size), 1)
    total = np.bincount(a[inside], weights=r[inside], minlength=m)
    count = np.bincount(a[inside], minlength=m)
    partners = np.maximum(count[a] - 1, 1)
    others = (total[a] - r) / partners
    w = member_value(depth, ch.alliance, 0.0) * np.minimum(1.0, max_partners / partners)
    return np.asarray(np.where(inside, w * np.minimum(1.0, r / np.maximum(others, floor)), 0.0))


def own_coefficient(
    sales: Sales, position: np.ndarray, n: int, C: np.ndarray, weight: np.ndarray, ch: Channels
) -> np.ndarray:
    """Omega_i = sum_m s_im (C_im - sum_j W_ij C_jm s_jm), the coefficient of i's own g'.

    Reason: docs/model.md 6.2, "Solving the condition"; with one margin per market it is
    ``sum_m C_m s_im (1 - V_im)``, ``V_im = (1 - w_i) s_im + w_i S_Am``. ``position`` maps firm
    rows to the channel structure's order; ``C`` is per seller row (a colluder's margin
    differs); ``weight`` is each firm's profit weight on its partners (``partner_weights``).
    """
    firm = position[sales.firm]
    w = weight[firm]
    key, n_keys = group_market_key(ch.group[firm], sales.market, N_MARKETS, ch.n_groups - n)
    group_value = np.bincount(key, weights=C * sales.share, minlength=n_keys)
    CV = (1.0 - w) * C * sales.share + w * group_value[key]
    return np.bincount(firm, weights=sales.share * (C - CV), minlength=n)


@dataclass(frozen=True)
class Spillovers:
    """What reaches each alive firm from last quarter's efforts (the first part of a plan).

    Attributes:
        rows: Alive firm rows, in the order of the channel structure.
        channels: The knowledge channels among ``rows``.
        absorption: Absorptive capacity of each of ``rows`` (from last quarter's effort).
        effective: Effective R&D X of each of ``rows`` at last quarter's efforts.
        effort: Last quarter's effort of each of ``rows``.
        bound: The level bound on each of ``rows``' inflow (None: switched off).
        receiving: Whether a marginal unit through the (public, internal) channel still
            counts for each of ``rows`` at last quarter's efforts (None: always).
        units: The capability law of ``rows`` (``knowledge.capability_law``), when the
            bound needed it (None: not built).
    """

    rows: np.ndarray
    channels: Channels
    absorption: np.ndarray
    effective: np.ndarray
    effort: np.ndarray
    bound: InflowBound | None = None
    receiving: tuple[np.ndarray, np.ndarray] | None = None
    units: Law | None = None

    @property
    def inflow(self) -> np.ndarray:
        """The inflow xi = X - x: effective R&D from others' last efforts, per row of ``rows``."""
        return np.asarray(self.effective - self.effort)


def last_spillovers(
    firms: FirmState,
    alliances: AllianceState,
    q: Quarter,
    economy: Economy,
    channels: Channels | None = None,
) -> Spillovers:
    """The channels, absorption and effective R&D of the alive firms at last quarter's efforts.

    Reason: ``plan`` starts from these; the revisers' outlook needs only these (not the
    marginal values), so it computes them alone. With ``model.rnd.level_bounded_spillovers``
    each firm's inflow counts only up to its source levels (``sim.engine.levels``), computed
    here from the start-of-quarter capabilities: the plan, the delivery and the outlook
    read the same bound. ``channels`` is the structure ``channels_of`` gives the alive rows
    of this state, when the caller kept it (the start's passes change nothing it reads);
    None: built here.
    """
    p = q.params
    rows = np.flatnonzero(firms.alive)
    k, domain, x_last = (
        firms.capability[rows],
        firms.domain[rows].astype(np.int64),
        firms.effort[rows],
    )
    R = np.asarray(p.rnd.relatedness, dtype=np.float64)
    a = absorption(k, x_last, a0=p.rnd.absorption_floor, half_effort=p.rnd.absorption_half_effort)
    if channels is None:
        channels = channels_of(firms, alliances, rows, p, q.effects.spillover_bonus)
    ch = channels
    if not p.rnd.level_bounded_spillovers:
        return Spillovers(rows, ch, a, effective_rnd_grouped(x_last, domain, R, a, ch), x_last)
    units = capability_law(k, **firm_law(p, economy, firms, rows, x_last))
    sources = source_flows(k, x_last, domain, R, ch)
    bound = inflow_bound(k, x_last, domain, R, ch, units, sources)
    parts = sources.inflow_parts(x_last, a)
    public, internal = parts if parts is not None else inflow_parts(x_last, domain, R, a, ch)
    counted, receiving = bound.counted_and_receiving(public, internal)
    X_last = x_last + counted
    return Spillovers(rows, ch, a, X_last, x_last, bound, receiving, units)


def capability_slope(
    spill: Spillovers, X: np.ndarray, firms: FirmState, p: ModelParams, economy: Economy
) -> np.ndarray:
    """The slope g' of ``spill.rows`` at effective R&D X (``knowledge.marginal_capability``).

    Reason: speed only. The law of the rows (their capability and ``law``'s terms, all
    from the state ``last_spillovers`` read) is built once: the law ``spill`` kept gives
    exactly the slope ``marginal_capability`` would build it again for.
    """
    if spill.units is not None:
        return spill.units.slope(X)
    rows = spill.rows
    terms = firm_law(p, economy, firms, rows, firms.effort[rows])
    return marginal_capability(firms.capability[rows], X, **terms)


def plan(
    firms: FirmState,
    alliances: AllianceState,
    q: Quarter,
    economy: Economy,
    sales: Sales,
    margins: np.ndarray | None = None,
    channels: Channels | None = None,
) -> Plan:
    """Everything the quarter's R&D conditions need, from the start-of-quarter state.

    ``margins`` is the margin of each seller row (colluders earn ``mu + Delta mu`` on their
    sales in the market, docs/model.md 6.2); the base margin everywhere if None.
    ``channels``: the alive rows' structure, if kept (``last_spillovers``).
    """
    p = q.params
    spill = last_spillovers(firms, alliances, q, economy, channels)
    rows, ch, a, X_last = spill.rows, spill.channels, spill.absorption, spill.effective
    position = np.full(firms.n, -1, dtype=np.int64)
    position[rows] = np.arange(rows.size)
    domain = firms.domain[rows].astype(np.int64)
    R = np.asarray(p.rnd.relatedness, dtype=np.float64)
    slope = capability_slope(spill, X_last, firms, p, economy)
    value = market_multipliers(p, economy) * sales.size  # Lambda_m M_m
    scale = value * p.growth.margin
    margin = np.full(sales.share.shape, p.growth.margin) if margins is None else margins
    row_scale = value[sales.market] * margin
    theta = p.growth.share_sensitivity
    depth = alliances.depth
    weight = partner_weights(
        firms.revenue[rows],
        depth,
        ch,
        p.choice.noise_revenue_floor,
        p.rnd.max_weighted_partners,
    )
    mv = marginal_value_grouped(
        sales.share,
        sales.market,
        position[sales.firm],
        scale=scale,
        theta=theta,
        dk_dX=slope,
        domain=domain,
        depth=depth,
        absorption=a,
        relatedness=R,
        channels=ch,
        weight=weight,
        row_scale=row_scale,
        receiving=spill.receiving,
    )
    omega = own_coefficient(sales, position, rows.size, row_scale * theta, weight, ch)
    gamma = rd_costs(p, sales.size, economy.start_year)[domain]  # gamma_{d,t} (docs 6.2)
    full = np.zeros((6, firms.n))
    full[:, rows] = (a, spill.inflow, omega, mv - omega * slope, gamma, spill.effort)
    cost = full[4] * (1.0 - q.effects.cost_reduction[: firms.n])
    return Plan(
        rows, ch, full[0], full[1], full[2], full[3], cost, full[4], full[5], economy, spill.bound
    )


@dataclass(frozen=True)
class SlopeEstimate:
    """A fast g' for ``solve_effort``, and the exact g' of some of its firms.

    Attributes:
        slope: ``slope(x)``: g' at effort x of every firm, within ``SLOPE_ESTIMATE_ERROR``
            (relative) of the exact one.
        exact: ``exact(x, rows)``: the exact g' of the firms ``rows`` at their efforts x.
    """

    slope: Callable[[np.ndarray], np.ndarray]
    exact: Callable[[np.ndarray, np.ndarray], np.ndarray]


def condition_above(
    x: np.ndarray,
    omega: np.ndarray,
    rest: np.ndarray,
    cost: np.ndarray,
    slope: Callable[[np.ndarray], np.ndarray],
    estimate: SlopeEstimate | None = None,
) -> np.ndarray:
    """Whether the marginal value exceeds the marginal cost at x: ``omega g'(x) + rest > cost x``.

    Reason: the bisection of ``solve_effort`` needs only this sign. With an ``estimate`` of
    g', the sign is read from it wherever the two sides differ by more than
    ``CLEAR_MARGIN`` of their size (far beyond the estimate's error and the roundings),
    and from the exact g' elsewhere; so the answer is exactly the one the exact g' gives,
    evaluated as ``omega g' + rest - cost x`` in that order.
    """
    spend = cost * x
    if estimate is None:
        excess = omega * slope(x)
        excess += rest
        excess -= spend
        return np.asarray(excess > 0.0)
    gain = omega * estimate.slope(x)
    excess = gain + rest
    excess -= spend
    size = np.abs(gain)
    size += np.abs(rest)
    size += np.abs(spend)
    rows = np.flatnonzero(~(np.abs(excess) > CLEAR_MARGIN * size))
    if 4 * rows.size > x.size:  # most firms near their root: the exact g' of all
        return condition_above(x, omega, rest, cost, slope)
    if rows.size:
        at = x[rows]
        excess[rows] = omega[rows] * estimate.exact(at, rows) + rest[rows] - cost[rows] * at
    return np.asarray(excess > 0.0)


def solve_effort(
    omega: np.ndarray,
    rest: np.ndarray,
    inflow: np.ndarray,
    cost: np.ndarray,
    limit: np.ndarray,
    slope: Any,
    alpha: float,
    estimate: SlopeEstimate | None = None,
    law: Law | None = None,
) -> np.ndarray:
    """Effort solving ``cost x = omega g'(x + inflow) + rest``, capped at ``limit``.

    Reason: docs/model.md 6.2, "Solving the condition". The right side falls in x (g' falls
    with effective R&D when alpha < 1) and the left rises, so the root is unique: 0 when the
    right side is negative at 0, else in ``[0, (omega g'(inflow) + rest) / cost]``, found by
    bisection; at ``alpha = 1`` g' is constant and the root is closed-form. A firm alone in
    its cash constraint spends at most ``limit`` effort (``cost x^2 / 2 <= budget``).

    Args:
        omega: Coefficient of the firm's own g' in its marginal value, per firm.
        rest: Z, the rest of the marginal value, per firm.
        inflow: xi, effective R&D from others' last efforts, per firm.
        cost: ``(1 - c_pc) gamma_d`` per firm (USD m per effort unit squared).
        limit: The most effort the firm's cash allows, per firm (effort units).
        slope: ``slope(x)`` gives g' at effort x for these firms (x + inflow inside).
        alpha: The returns exponent (1: closed form).
        estimate: Optional fast g' (``condition_above``); the effort is the same without.
        law: Optional capability law of these firms whose ``slope(x + inflow)`` is
            ``slope(x)``: without an ``estimate`` the halvings then run on buffers
            (``bisection.bisect_effort``, the same bits, faster).

    Returns:
        Effort per firm (effort units), in ``[0, limit]``.
    """
    top = omega * slope(np.zeros_like(omega)) + rest
    hi = np.maximum(top, 0.0) / cost
    if alpha >= 1.0:
        return np.minimum(hi, limit)
    if estimate is None and law is not None and bisection.fits(law, hi.size):
        lo, hi = bisection.bisect_effort(omega, rest, inflow, cost, hi, law, BISECTION_STEPS)
        return np.minimum(0.5 * (lo + hi), limit)
    lo = np.zeros_like(hi)
    mid = np.empty_like(hi)
    for _ in range(BISECTION_STEPS):
        np.add(lo, hi, out=mid)
        mid *= 0.5
        above = condition_above(mid, omega, rest, cost, slope, estimate)
        lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)  # faster than a masked copy
    return np.minimum(0.5 * (lo + hi), limit)


def best_response(rows: np.ndarray, firms: FirmState, q: Quarter, game: Plan) -> np.ndarray:
    """Effort solving each firm's condition this quarter, within cash (effort units).

    Reason: the same response is asked for twice a quarter (``hollow_members``, then
    ``invest``); it is solved once and kept on the plan, given again only while every input
    it reads (the rows, their capability, domain, region and capital, the parameters) is
    unchanged.
    """
    return best_responses(q, [(rows, firms, game)])[0]


Case = tuple[np.ndarray, FirmState, Plan]  # rows, the firms' state, the plan they solve


def best_responses(q: Quarter, cases: Sequence[Case]) -> list[np.ndarray]:
    """``best_response`` of each (rows, firms, plan) case; those not kept solved together.

    Reason: one bisection over the cases side by side costs less than one per case (numpy's
    per-call overhead is paid once); every firm's steps are its own, so each effort is
    exactly the one a solve of its case alone gives.
    """
    efforts: list[np.ndarray | None] = []
    reads = []
    for rows, firms, game in cases:
        read = (
            rows,
            *(c[rows] for c in (firms.capability, firms.domain, firms.region, firms.capital)),
        )
        kept = game.responses
        fresh = kept.get("params") is q.params and _same(kept.get("read"), read)
        efforts.append(np.array(kept["effort"]) if fresh else None)
        reads.append(read)
    todo = [i for i, effort in enumerate(efforts) if effort is None]
    if todo:
        sizes = [cases[i][0].size for i in todo]
        solved = np.split(_solve_response(q, [cases[i] for i in todo]), np.cumsum(sizes)[:-1])
        for i, effort in zip(todo, solved, strict=True):
            cases[i][2].responses.update(
                params=q.params, read=tuple(np.array(c) for c in reads[i]), effort=np.array(effort)
            )
            efforts[i] = effort
    return [e for e in efforts if e is not None]


def _same(old: tuple[np.ndarray, ...] | None, new: tuple[np.ndarray, ...]) -> bool:
    """Whether two tuples of arrays hold the same bits, array by array (None: nothing kept)."""
    return old is not None and all(
        a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
        for a, b in zip(old, new, strict=True)
    )


def _solve_response(q: Quarter, cases: Sequence[Case]) -> np.ndarray:
    """The best responses of every case's rows, solved side by side (case after case)."""
    p = q.params

    def stacked(column: Callable[[np.ndarray, FirmState, Plan], np.ndarray]) -> np.ndarray:
        return np.concatenate([column(rows, firms, game) for rows, firms, game in cases])

    k = stacked(lambda rows, firms, _: firms.capability[rows])
    terms = [
        (rows, firm_law(p, game.economy, firms, rows, game.last_effort[rows]))
        for rows, firms, game in cases
    ]
    per_unit: dict[str, Any] = {  # per-unit terms side by side; the parameters as they are
        key: np.concatenate([_per_row(t[key], rows.shape) for rows, t in terms])
        if np.ndim(terms[0][1][key])
        else terms[0][1][key]
        for key in terms[0][1]
    }
    units = capability_law(k, **per_unit)
    inflow = stacked(lambda rows, _, game: game.inflow[rows])

    def slope(x: np.ndarray) -> np.ndarray:
        return units.slope(x + inflow)

    def estimated(x: np.ndarray) -> np.ndarray:
        g = units.estimate_slope(x + inflow)
        assert g is not None
        return g

    def exact(x: np.ndarray, at: np.ndarray) -> np.ndarray:
        return units.take(at).slope(x + inflow[at])

    # the bisection on buffers (the law fits them) beats the fast g' at every size measured:
    # 2.1 against 5.2 ms at 5,000 random firms, 19 against 100 ms at 50,000; the same bits
    buffered = bisection.fits(units, k.size)
    fast = (
        SlopeEstimate(estimated, exact)
        if units.has_estimate and k.size >= ESTIMATE_FROM and not buffered
        else None
    )

    cost = stacked(lambda rows, _, game: game.cost[rows])
    capital = stacked(lambda rows, firms, _: firms.capital[rows])
    limit = np.sqrt(2.0 * p.rnd.budget_share * np.maximum(capital, 0.0) / cost)
    return solve_effort(
        stacked(lambda rows, _, game: game.omega[rows]),
        stacked(lambda rows, _, game: game.rest[rows]),
        inflow,
        cost,
        limit,
        slope,
        p.growth.rd_returns_exponent,
        fast,
        units,
    )


def _per_row(values: Any, shape: tuple[int, ...]) -> Any:
    """``values`` broadcast to ``shape``; as they are when of that shape (speed only)."""
    return values if np.shape(values) == shape else np.broadcast_to(values, shape)


def invest(
    rows: np.ndarray, firms: FirmState, alliances: AllianceState, q: Quarter, game: Plan
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Effort, the firm's R&D spending and the part public compute paid, for ``rows``.

    Reason: firms move ``effort_adjustment`` of the way from last quarter's effort to their
    best response (partial adjustment; docs/model.md status note), within cash.
    """
    p = q.params
    x = best_response(rows, firms, q, game)
    cost = game.cost[rows]
    limit = np.sqrt(2.0 * p.rnd.budget_share * np.maximum(firms.capital[rows], 0.0) / cost)
    eta = p.rnd.effort_adjustment
    x = np.minimum(eta * x + (1.0 - eta) * firms.effort[rows], limit)
    spend = cost * x * x / 2.0
    return x, spend, game.gamma[rows] * x * x / 2.0 - spend


def hollow_members(
    firms: FirmState, alliances: AllianceState, q: Quarter, game: Plan, sales_alone: Sales
) -> np.ndarray:
    """Members whose best response inside is below ``hollow_threshold`` x their effort alone.

    Reason: docs/model.md section 10, finding 3: a member keeps the form of cooperation
    without the substance when being in the alliance makes it do much less R&D than it would
    do alone (it lives off its partners' knowledge). The effort alone solves the same
    condition with no alliance: no partners' weights, public channels only, no integrated
    offers (``sales_alone``), at the same start-of-quarter state.
    """
    rows = game.rows
    alone_firms = replace(firms, alliance=np.full(firms.n, NO_ALLIANCE, dtype=firms.alliance.dtype))
    alone_game = plan(alone_firms, alliances, q, game.economy, sales_alone)
    members = rows[firms.alliance[rows] != NO_ALLIANCE]  # only members can be hollow
    inside, alone = best_responses(q, [(rows, firms, game), (members, alone_firms, alone_game)])
    at = np.searchsorted(rows, members)  # members' places in ``rows`` (ascending)
    hollow = np.zeros(firms.n, dtype=bool)
    hollow[members] = depth_rules.hollow_members(
        inside[at], alone, q.params.reporting.hollow_share_of_alone
    )
    return hollow


def deliver(firms: FirmState, game: Plan, effort: np.ndarray, p: ModelParams) -> np.ndarray:
    """Effective R&D of every firm row from this quarter's efforts (0 for exited firms)."""
    rows = game.rows
    X = np.zeros(firms.n)
    X[rows] = effective_rnd_grouped(
        effort[rows],
        firms.domain[rows].astype(np.int64),
        np.asarray(p.rnd.relatedness, dtype=np.float64),
        game.absorption[rows],
        game.channels,
        game.bound,
    )
    return X


def learn(
    rows: np.ndarray,
    firms: FirmState,
    alliances: AllianceState,
    q: Quarter,
    game: Plan,
    effective: np.ndarray,
) -> np.ndarray:
    """New capability of ``rows``, relative to the drifted frontier (docs/model.md 6.2)."""
    terms = firm_law(q.params, game.economy, firms, rows, game.last_effort[rows])
    return np.asarray(capability_gain(firms.capability[rows], effective[rows], **terms))
