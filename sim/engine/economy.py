"""Markets and frontiers of design version 2 (docs/model.md 6.1 and 6.4), per quarter.

``Economy`` is the state version 2 keeps besides the firm and alliance rows: each domain's
frontier and trend, the outside goods and the domestic sellers' shifts solved at the start,
and the learning rate per domain. ``sales`` lays out the seller rows (each alive firm sells in
both geographies of its home domain: one division per firm in this release, docs/model.md
section 9, item 1) with their logit shares; ``prepare_trade`` and ``earn`` turn them into
revenue and profit, the way ``sim.engine.quarter`` does for version 1.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike

from sim.config.schema import ModelParams
from sim.config.vocabulary import DOMESTIC, N_DOMAINS, REGIONS
from sim.engine import fixed_amounts, held_frontier
from sim.engine.aggregates import AllianceTotals, formed_alliance, home_region
from sim.engine.arrays import row_sums, take_rows
from sim.engine.channels import member_value
from sim.engine.demand import shares as logit_shares
from sim.engine.depth import heterogeneity
from sim.engine.knowledge import push_frontier, quarterly_rate
from sim.engine.markets import (
    DOMESTIC_MARKET,
    N_MARKETS,
    hhi_by_market,
    home_seller_rows,
    market_geography,
    market_id,
    market_sizes,
    seller_shift,
)
from sim.engine.policy import PolicyEffects
from sim.engine.quarter import Quarter
from sim.engine.state import (
    NO_ALLIANCE,
    OPEN,
    AllianceState,
    FirmState,
    padded,
)


@dataclass(frozen=True)
class Economy:
    """Frontiers and market constants of version 2 at the start of a quarter.

    Attributes:
        frontier: Frontier level F_d per domain (index, 1 at step 0).
        trend: The frontier's trend growth phi_d per domain (/yr): the gap's denominator.
        outside: Outside-good weight O_m per market, fixed in frontier-relative units.
        home_bias: h_d, domestic sellers' value shift at home (logit units).
        row_penalty: p_d, domestic sellers' value shift abroad, subtracted (logit units).
        learning_rate: lambda_d per domain (share of the frontier per effort unit^alpha).
        realised_growth: The frontier's growth in the last quarter per domain (/quarter).
        start_year: Calendar year whose first quarter is step 0.
        transfer_rate: eps_d per domain, the Nelson-Phelps transfer rate (share of the gap a
            quarter at absorptive capacity 1; ``model.growth.common_learning_rate``), None
            without it.
    """

    frontier: np.ndarray
    trend: np.ndarray
    outside: np.ndarray
    home_bias: np.ndarray
    row_penalty: np.ndarray
    learning_rate: np.ndarray
    realised_growth: np.ndarray
    start_year: int
    transfer_rate: np.ndarray | None = None

    @property
    def drift(self) -> np.ndarray:
        """f_d, the frontier's trend drift per quarter."""
        return quarterly_rate(self.trend)


@dataclass(frozen=True)
class Sales:
    """Seller rows of the alive firms with their shares of their whole markets.

    Attributes:
        firm: Seller (firm row) of each row, shape (R,).
        market: Market of each row (``sim.engine.markets.market_id``), shape (R,).
        share: Logit share of each row, outside good counted, shape (R,).
        size: Size of every market this quarter (USD m a quarter), shape (N_MARKETS,).
    """

    firm: np.ndarray
    market: np.ndarray
    share: np.ndarray
    size: np.ndarray

    @property
    def revenue(self) -> np.ndarray:
        """Revenue of each row, share times market size (USD m a quarter)."""
        return np.asarray(self.share * self.size[self.market])

    def per_firm(self, n: int, domestic_only: bool = False) -> np.ndarray:
        """Revenue of each of ``n`` firm rows, in all markets or the domestic ones only."""
        weights = self.revenue
        if domestic_only:
            weights = np.where(market_geography(self.market) == DOMESTIC_MARKET, weights, 0.0)
        return np.bincount(self.firm, weights=weights, minlength=n)


def complementarity_table() -> np.ndarray:
    """comp[d, d'], how much domain d' completes d's offers: 1/6 off the diagonal.

    Reason: docs/model.md 6.5: uniform (row-normalised, 0 on the diagonal) until value-chain
    data exist.
    """
    return np.asarray((1.0 - np.eye(N_DOMAINS)) / (N_DOMAINS - 1))


def complementarity_bonus(
    domain: np.ndarray, alliance: np.ndarray, best: np.ndarray, depth: np.ndarray, p: ModelParams
) -> np.ndarray:
    """The bonus b = nu w_A sum_{d' != d} comp_{d d'} best_{A d'}: the uplift of integrated offers.

    Reason: docs/model.md 6.5, "Complementarity as revenue"; the table is uniform (1/6 off
    the diagonal) until value-chain data exist; a hollow (shallow) alliance sells none.
    """
    bonus = np.zeros(domain.shape)
    if best.size == 0:
        return bonus
    # members' rows only (speed only): every row's bonus is its own row's sums, 0.0 alone
    inside = alliance != NO_ALLIANCE
    a = alliance[inside]
    value = row_sums(take_rows(complementarity_table(), domain[inside]) * take_rows(best, a))
    bonus[inside] = p.choice.complementarity_uplift * member_value(depth, a, 0.0) * value
    return bonus


def best_capability(firms: FirmState, alliances: AllianceState) -> np.ndarray:
    """Members' best capability per (alliance, domain), shape (m, D) (0 where none)."""
    best = np.zeros((alliances.m, N_DOMAINS))
    inside = firms.alive & (firms.alliance != NO_ALLIANCE)
    np.maximum.at(
        best,
        (firms.alliance[inside], firms.domain[inside].astype(np.int64)),
        firms.capability[inside],
    )
    return best


def seller_values(
    firms: FirmState, alliances: AllianceState | None, firm: np.ndarray, p: ModelParams
) -> np.ndarray:
    """``theta k + b`` of each seller row before the domestic shifts (logit units).

    The complementarity bonus b of alliance members (docs/model.md 6.5) enters demand here,
    so the start's calibration and every quarter's shares see the same values. Without
    ``alliances`` (a counterfactual of everyone alone) there is no bonus.
    """
    if alliances is None:
        return np.asarray(p.growth.share_sensitivity * firms.capability[firm])
    best = best_capability(firms, alliances) if alliances.m else np.zeros((1, N_DOMAINS))
    depth = alliances.depth if alliances.m else np.zeros(1)
    alliance = np.where(firms.alive, firms.alliance, NO_ALLIANCE)[firm]
    bonus = complementarity_bonus(firms.domain[firm].astype(np.int64), alliance, best, depth, p)
    return np.asarray(p.growth.share_sensitivity * firms.capability[firm] + bonus)


def market_sizes_at(step: int, p: ModelParams, start_year: int) -> np.ndarray:
    """Every market's size at quarter ``step`` (USD m a quarter; KITA totals, docs 6.1).

    Computed once per quarter and set of market parameters (``_market_sizes_at``: a run asks
    for the same sizes about nine times a quarter); the array is read-only.
    """
    m = p.markets
    weights = np.asarray(p.growth.domain_market_weights, dtype=np.float64)
    return _market_sizes_at(
        int(step),
        m.domestic_size_2030,
        m.world_size_2030,
        m.growth_domestic,
        m.growth_world,
        tuple(weights.ravel().tolist()),
        weights.shape,
        start_year,
    )


@lru_cache(maxsize=1024)
def _market_sizes_at(
    step: int,
    domestic_size: float,
    world_size: float,
    growth_domestic: float,
    growth_world: float,
    weights: tuple[float, ...],
    weights_shape: tuple[int, ...],
    start_year: int,
) -> np.ndarray:
    """``market_sizes_at`` of these parameters, kept; read-only so that no caller alters it."""
    growth = np.array([[growth_domestic], [growth_world]]) * np.ones(N_DOMAINS)
    shares = np.asarray(weights, dtype=np.float64).reshape(weights_shape)
    size = np.asarray(market_sizes(step, domestic_size, world_size, growth, shares, start_year))
    size.flags.writeable = False
    return size


def sales(
    firms: FirmState,
    economy: Economy,
    step: int,
    p: ModelParams,
    alliances: AllianceState | None,
) -> Sales:
    """The seller rows of every alive firm, with this quarter's shares and market sizes.

    Reason: docs/model.md 6.1, ``u = theta k + h + b`` and ``s = e^u / (sum e^u + O_m)``
    in every (domain, geography) market, every seller counted, domestic and foreign (the
    complementarity bonus b of alliance members).
    """
    firm, market = home_seller_rows(firms.domain, firms.alive)
    value = seller_values(firms, alliances, firm, p) + seller_shift(
        firms.region[firm], market, economy.home_bias, economy.row_penalty
    )
    share = logit_shares(value, market, N_MARKETS, economy.outside)
    return Sales(firm, market, share, market_sizes_at(step, p, economy.start_year))


def advance(
    firms: FirmState,
    rows: np.ndarray,
    capability: np.ndarray,
    economy: Economy,
    held: bool = False,
) -> Economy:
    """Write the quarter's new capabilities and move the frontiers (docs/model.md 6.4).

    Reason: every frontier drifts at its trend; a unit that passes its drifted frontier
    becomes it, and every capability of its domain is renormalised so that the best is 1.
    With ``held`` (``model.growth.frontier_held_by_firm``) the frontier is the best unit
    whether it passes the drift or not (``held_frontier.push``).

    Args:
        firms: The firm rows (``capability`` of ``rows`` is overwritten).
        rows: The alive firm rows whose capabilities ``capability`` holds.
        capability: Their new capability relative to the drifted frontier.
        economy: The economy at the start of the quarter.
        held: Whether the best unit holds the frontier below the drift too.

    Returns:
        The economy with the frontiers at the end of the quarter.
    """
    move = held_frontier.push if held else push_frontier
    k, growth = move(capability, firms.domain[rows], N_DOMAINS, economy.drift)
    firms.capability[rows] = k
    return replace(economy, frontier=economy.frontier * (1.0 + growth), realised_growth=growth)


@dataclass(frozen=True)
class Trade:
    """What ``earn`` reads, per firm row: revenue, margin earned, dues, fines (USD m).

    ``margin_income`` and ``fines`` start as the margin on revenue and nothing; competition
    policy (``sim.engine.policing``) replaces them with collusive margins and fines.
    """

    revenue: np.ndarray
    domestic_revenue: np.ndarray
    fees_out: np.ndarray  # dues paid (``dues_owed``); no one receives them
    margin_income: np.ndarray
    fines: np.ndarray
    sales: Sales
    coordination: np.ndarray | None = None  # USD m a quarter each member pays (version 2)
    mandate: np.ndarray | None = None  # USD m a quarter the mandate gives each member (v2)
    channel: np.ndarray | None = None  # USD m a quarter earned through an alliance's channel


def prepare_trade(
    firms: FirmState,
    alliances: AllianceState,
    q: Quarter,
    economy: Economy,
    totals: AllianceTotals | None,
) -> Trade:
    """Shares with this quarter's capabilities, revenue and fees (docs/model.md 6.1).

    The share cap acts at admission (``sim.engine.valuation``); fines and collusive margins
    come from ``sim.engine.policing``. ``totals`` is kept for the signature of version 1.
    """
    p = q.params
    s = sales(firms, economy, q.step, p, alliances)
    revenue = s.per_firm(firms.n)
    return Trade(
        revenue=revenue,
        domestic_revenue=s.per_firm(firms.n, domestic_only=True),
        fees_out=dues_owed(firms, alliances, revenue, p),
        margin_income=p.growth.margin * revenue,
        fines=np.zeros(firms.n),
        sales=s,
    )


def earn(
    rows: np.ndarray,
    firms: FirmState,
    alliances: AllianceState,
    q: Quarter,
    trade: Trade,
    rd_spend: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Revenue and profit of ``rows`` this quarter (docs/model.md 6.1), USD m.

    Profit is the margin earned (collusive uplift included) less the firm's share of its R&D
    cost and its dues, plus subsidies, what a mandate gives its members and channel income,
    less fines, coordination costs, a mandate's cost of refusing (``refusal_costs``) and, for
    a startup, the fixed cost of its team (docs/model.md 6.9; its own ``Phi_i`` under
    ``model.growth.startup_break_even``, ``sim.engine.fixed_amounts``). ``rd_spend`` holds
    every firm row's R&D spending this quarter; ``alliances`` is unused: the phase's
    signature is the one both engines call.
    """
    p = q.params
    revenue = trade.revenue[rows]
    profit = (
        trade.margin_income[rows]
        - rd_spend[rows]
        - trade.fees_out[rows]
        + q.effects.subsidy[rows]
        - trade.fines[rows]
        - fixed_amounts.startup_fixed_costs(rows, firms, p, q.money_scale)
        - (0.0 if trade.coordination is None else trade.coordination[rows])
        + (0.0 if trade.mandate is None else trade.mandate[rows])
        + (0.0 if trade.channel is None else trade.channel[rows])
        - refusal_costs(rows, firms, q.effects)
    )
    return revenue, profit


def by_geography(trade: Trade) -> np.ndarray:
    """Each firm row's sales this quarter by market geography (n, 2): domestic, rest."""
    return np.stack([trade.domestic_revenue, trade.revenue - trade.domestic_revenue], axis=1)


def dues_share(regime: ArrayLike, p: ModelParams) -> np.ndarray:
    """Dues by regime, as a share of the member's revenue a quarter (docs/model.md 6.5)."""
    c = p.choice
    return np.asarray(np.where(np.asarray(regime) == OPEN, c.dues_share_open, c.dues_share_closed))


def dues_owed(
    firms: FirmState, alliances: AllianceState, revenue: np.ndarray, p: ModelParams
) -> np.ndarray:
    """Dues each firm row pays this quarter (USD m): its regime's share of its revenue.

    Reason: review finding 18 (docs/model.md section 10): real dues fund a secretariat and
    are tiered by size (K-AI and the AI Alliance charge none); a flat fee paid to the leader
    could not fit six SMEs and NVIDIA at once, and made reviews weigh fee income. The leader
    pays none and receives none (its stake is its resale margin, ``channel_access``).
    """
    inside = firms.alive & (firms.alliance != NO_ALLIANCE)
    a = np.where(inside, firms.alliance, 0)
    is_leader = inside & (padded(alliances.leader, -1)[a] == np.arange(firms.n))
    rate = dues_share(padded(alliances.regime)[a], p)
    return np.asarray(np.where(inside & ~is_leader, rate * revenue, 0.0))


def mandate_payments(firms: FirmState, effects: PolicyEffects) -> np.ndarray:
    """What each firm receives from a mandate this quarter (USD m), 0 for most.

    Reason: docs/model.md 6.5, "Mandate": a mandate offers its domestic members something of
    value each quarter (procurement, data or compute) worth ``member_value``; the value that
    steers their choices (``valuation``) is paid, and counted as government spending.
    """
    value = np.asarray(effects.mandate_value, dtype=np.float64)
    a = firms.alliance
    ok = firms.alive & (a >= 0) & (a < value.size) & (firms.region == DOMESTIC)
    return np.asarray(np.where(ok, value[np.where(ok, a, 0)], 0.0))


def refusal_costs(rows: np.ndarray, firms: FirmState, effects: PolicyEffects) -> np.ndarray:
    """What each firm of ``rows`` pays this quarter for refusing a mandate (USD m), 0 for most.

    Reason: docs/model.md 6.5, "Mandate": a mandate may impose a cost of refusing,
    ``refusal_cost`` a quarter, on the firms it invited that stay out. ``effects.refusal_cost``
    holds it for each invited firm; it is paid while the firm, at the end of the quarter's
    moves, is alive and not a member of an alliance under the mandate. A real cost paid to no
    one (not government revenue), which ``valuation.option_values`` counts.
    """
    rows = np.asarray(rows, dtype=np.int64)
    cost = np.asarray(effects.refusal_cost, dtype=np.float64)
    owed = np.zeros(rows.size)
    known = rows < cost.size  # rows that entered after the effects were built owe nothing
    owed[known] = cost[rows[known]]
    a = firms.alliance[rows]
    mandated = padded(np.asarray(effects.mandated, dtype=bool))
    inside = (a >= 0) & (a < mandated.size) & mandated[np.clip(a, 0, mandated.size - 1)]
    return np.asarray(np.where(firms.alive[rows] & ~inside, owed, 0.0))


def coordination_costs(
    firms: FirmState, alliances: AllianceState, spend: np.ndarray, p: ModelParams
) -> np.ndarray:
    """cc_f, what each member of a formed alliance pays a quarter to coordinate (USD m).

    Reason: docs/model.md 6.5, "Coordination cost" (a real cost, paid, not only feared): a
    fixed part and a part proportional to the R&D coordinated (depth x own R&D spend),
    rising with size beyond a working group, heterogeneity, the misfit between the firm's
    openness and the regime, and distance from the alliance's home region. In a
    hub-and-spoke alliance (``hub_and_spoke``) a partner coordinates with the leader only.
    A member from another region also pays ``model.choice.distance_cost_revenue`` of its
    revenue (``fixed_amounts.distance_revenue_cost``; last quarter's, the one it knows).
    """
    if alliances.m == 0:
        return np.zeros(firms.n)
    member = np.where(firms.alive, firms.alliance, NO_ALLIANCE)
    size = np.bincount(member[member >= 0], minlength=alliances.m).astype(np.float64)
    safe = np.where(member >= 0, member, 0)
    hetero = heterogeneity(
        member, firms.openness, firms.region, firms.domain, alliances.m, len(REGIONS), N_DOMAINS
    )
    home = home_region(firms, alliances)
    hub = hub_and_spoke(alliances, p)[safe]
    away = firms.region != home[safe]
    cost = coordination_rule(
        spend,
        alliances.depth[safe],
        size[safe],
        hetero[safe],
        coordination_misfit(
            firms.openness,
            alliances.regime[safe],
            leader_openness(firms, alliances)[safe],
            hub,
        ),
        away,
        p,
        hub,
    )
    if p.choice.distance_cost_revenue > 0.0:
        cost = cost + fixed_amounts.distance_revenue_cost(firms.revenue, away, p)
    return np.asarray(np.where(formed_alliance(firms, alliances) >= 0, cost, 0.0))


def hub_and_spoke(alliances: AllianceState, p: ModelParams) -> np.ndarray:
    """Per alliance row, whether its partners coordinate with its leader only (bool, m).

    Reason: docs/model.md 6.5, "Coordination cost", and findings 42 and 49 of section 10: a
    partner programme's partners (``AllianceState.hub``, data file ``coordination: hub``:
    Kolon Benit's non-equity programme in ``korea_2024``, not the K-AI Alliance, built from
    firms SK Telecom had invested in or worked with) each sign with the leader and sell
    through it; they do not run joint work with one another, so no working group grows with
    the alliance. Only with ``model.choice.hub_and_spoke`` (on by default since 2026-12-05;
    off: every alliance coordinates as one group).
    """
    return np.asarray(alliances.hub & bool(p.choice.hub_and_spoke))


def leader_openness(firms: FirmState, alliances: AllianceState) -> np.ndarray:
    """Per alliance row, its current leader's openness (0 where it has no leader row)."""
    leader = alliances.leader
    known = (leader >= 0) & (leader < firms.n)
    return np.asarray(np.where(known, firms.openness[np.where(known, leader, 0)], 0.0))


def coordination_misfit(
    openness: ArrayLike, regime: ArrayLike, leader: ArrayLike, hub: ArrayLike
) -> np.ndarray:
    """The misfit a member's coordination cost reads: ``|o_f - 1[open]|``, or ``|o_f - o_L|``.

    Reason: docs/model.md 6.5, "Coordination cost": in a group the friction is between the
    firm's openness and the rules the group shares (its regime); in a hub-and-spoke alliance
    the only relation is the bilateral one with the leader, so the friction is the distance
    between the two parties' openness. Arguments broadcast: the member's openness, the
    alliance's regime (OPEN or CLOSED), its leader's openness, and whether it is a hub.
    """
    o = np.asarray(openness, dtype=np.float64)
    group = np.abs(o - (np.asarray(regime) == OPEN))
    own_leader = np.abs(o - np.asarray(leader, dtype=np.float64))
    return np.asarray(np.where(np.asarray(hub, dtype=bool), own_leader, group))


def coordination_rule(
    spend: ArrayLike,
    depth: ArrayLike,
    size: ArrayLike,
    heterogeneity: ArrayLike,
    misfit: ArrayLike,
    away: ArrayLike,
    p: ModelParams,
    hub: ArrayLike = False,
) -> np.ndarray:
    """Cc = (cc0 + cc1 w RD) crowd (1 + eta_H H + eta_o misfit + eta_d away) + d0 away.

    ``crowd = max(1, n / n_wg)^eps``; in a hub-and-spoke alliance (``hub``) ``crowd = 1``,
    ``H = 0`` and the fixed part is one link's, ``hub_link_cost x cc0``: a partner coordinates
    with the leader, not with a group (finding 50).

    Reason: docs/model.md 6.5, "Coordination cost": one rule for what members pay
    (``coordination_costs``) and what revisers expect (``sim.engine.valuation``). Arguments
    broadcast: own R&D spend (USD m), the alliance's depth, size (members) and
    heterogeneity, the misfit (``coordination_misfit``), whether the firm is of
    another region than the alliance's home, and whether the alliance is a hub. Distance also
    costs ``d0`` a quarter whatever the rest (``distance_cost_fixed``: travel, language,
    contracts under another law), so that it is not a multiple of a coordination cost that
    can be near zero. Returns USD m a quarter.
    """
    c = p.choice
    group = ~np.asarray(hub, dtype=bool)
    fixed = c.coord_cost_fixed * np.where(group, 1.0, c.hub_link_cost)
    base = fixed + c.coord_cost_share * np.asarray(depth) * np.asarray(spend)
    crowd = np.maximum(1.0, np.asarray(size) / c.working_group_size) ** c.coord_size_elasticity
    crowd = np.where(group, crowd, 1.0)
    factor = 1.0 + c.coord_heterogeneity * np.asarray(heterogeneity) * group
    factor = (
        factor + c.coord_regime_misfit * np.asarray(misfit) + c.distance_cost * np.asarray(away)
    )
    return np.asarray(base * crowd * factor + c.distance_cost_fixed * np.asarray(away))


def domestic_hhi(s: Sales) -> np.ndarray:
    """HHI of each domain's domestic market in points, firms as sellers (docs/model.md 6.8)."""
    hhi = hhi_by_market(s.share, s.market, N_MARKETS)
    return np.asarray(hhi[market_id(np.arange(N_DOMAINS), DOMESTIC_MARKET)])
