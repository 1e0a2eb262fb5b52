"""The per-firm phases of one quarter, written once for any set of rows.

Each phase is a function ``(rows, firms, alliances, q) -> values for those rows``. The
vectorised engine calls it once with every row; the agent engine has each Mesa agent call
it with its own row. Quantities that need the whole population (group sums, the market's
denominators) are computed once by the model between phases and handed over in ``Quarter``,
so both engines see exactly the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.config.schema import ModelParams
from sim.config.vocabulary import N_DOMAINS
from sim.engine import economics, growth, market
from sim.engine.aggregates import AllianceTotals, firm_regime, group_sum, members_mask
from sim.engine.choice import RevisionDraws, decide
from sim.engine.policy import PolicyEffects
from sim.engine.state import CLOSED, NO_ALLIANCE, OPEN, AllianceState, FirmState, padded


@dataclass
class Quarter:
    """What every firm sees this quarter; filled in by the model stage by stage."""

    step: int  # quarter index, 0 for the first simulated quarter
    frontier: float  # the frontier at the start of the quarter
    ceiling: float  # the frontier at its end: no firm's capability exceeds it
    params: ModelParams
    effects: PolicyEffects
    reference_capital: float  # median startup capital: the R&D programme's unit
    totals: AllianceTotals | None = None
    draws: RevisionDraws | None = None
    public_beta: float = 0.0
    alliance_size: np.ndarray = field(default_factory=lambda: np.zeros(1))
    alliance_effort: np.ndarray = field(default_factory=lambda: np.zeros(1))
    federation_effort: np.ndarray = field(default_factory=lambda: np.zeros(1))
    public_total: np.ndarray = field(default_factory=lambda: np.zeros(N_DOMAINS))
    public_count: np.ndarray = field(default_factory=lambda: np.zeros(N_DOMAINS))
    markets: np.ndarray = field(default_factory=lambda: np.zeros(N_DOMAINS))
    domain_attraction: np.ndarray = field(default_factory=lambda: np.zeros(N_DOMAINS))
    fees_in: np.ndarray = field(default_factory=lambda: np.zeros(1))
    fined: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=bool))
    rd_spend: np.ndarray = field(default_factory=lambda: np.zeros(0))


def _alliance_of(rows: np.ndarray, firms: FirmState) -> tuple[np.ndarray, np.ndarray]:
    """(safe alliance index, in-alliance mask) for ``rows``."""
    a = firms.alliance[rows]
    inside = a != NO_ALLIANCE
    return np.where(inside, a, 0), inside


def reconsider(k: np.ndarray, firms: FirmState, alliances: AllianceState, q: Quarter):
    """Phase 2: revisers ``k`` (positions in the draws) pick a target alliance."""
    r = q.params.rnd
    rates = (r.beta_open_internal, r.beta_closed_internal, q.public_beta)
    return decide(k, q.draws, firms, alliances, q.totals, q.effects, q.params.choice, rates)


def invest(
    rows: np.ndarray, firms: FirmState, alliances: AllianceState, q: Quarter
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Phase 3: effort, money spent on R&D, and the part of the cost the state paid."""
    p = q.params.rnd
    a, inside = _alliance_of(rows, firms)
    scale = economics.size_factor(firms.capital[rows], q.reference_capital, p)
    reduction = q.effects.cost_reduction[rows]
    effort = economics.choose_effort(
        q.alliance_size[a], padded(alliances.regime)[a], inside, scale, reduction, q.public_beta, p
    )
    wanted = economics.rd_cost(effort / scale, scale, reduction, p)
    effort = economics.affordable_effort(effort, wanted, firms.capital[rows], p)
    x = effort / scale
    spend = economics.rd_cost(x, scale, reduction, p)
    paid_by_state = economics.rd_cost(x, scale, np.zeros_like(reduction), p) - spend
    return effort, spend, paid_by_state


def learn(rows: np.ndarray, firms: FirmState, alliances: AllianceState, q: Quarter) -> np.ndarray:
    """Phase 4: new capability from own effort and the spillovers received."""
    a, inside = _alliance_of(rows, firms)
    effort = firms.effort[rows]
    regime = padded(alliances.regime)[a]
    group = economics.working_group_share(q.alliance_size[a], q.params.rnd)
    partners = np.where(inside, q.alliance_effort[a] - effort, 0.0) * group
    domain = firms.domain[rows]
    publishes = ~(inside & (regime == CLOSED))
    others = q.public_count[domain] - publishes
    pool = (q.public_total[domain] - effort * publishes) / np.maximum(others, 1.0)
    knowledge = economics.knowledge_input(
        effort,
        partners,
        economics.internal_beta_of(firms.alliance[rows], regime, q.params.rnd),
        np.where(inside, q.federation_effort[a], 0.0),
        pool,
        q.public_beta,
        q.params.rnd,
    )
    return growth.capability_gain(
        firms.capability[rows], knowledge, q.frontier, q.ceiling, q.params.growth
    )


def earn(
    rows: np.ndarray, firms: FirmState, alliances: AllianceState, q: Quarter
) -> tuple[np.ndarray, np.ndarray]:
    """Phase 5: revenue and profit (added to capital by the model)."""
    p = q.params
    a, inside = _alliance_of(rows, firms)
    attraction = market.attraction(firms.capability[rows], q.frontier, p.growth)
    revenue = market.revenue(
        firms.domain[rows], attraction, q.domain_attraction, q.markets, p.growth
    )
    is_leader = inside & (padded(alliances.leader, -1)[a] == rows)
    fee_out = market.fees_paid(
        firms.alliance[rows], is_leader, regime_fee(padded(alliances.regime)[a], p)
    )
    fee_in = np.where(is_leader, q.fees_in[a], 0.0)
    fines = np.where(inside & q.fined[a], q.effects.fine_rate * revenue, 0.0)
    profit = market.profit(
        revenue, q.rd_spend[rows], fee_out, fee_in, q.effects.subsidy[rows], fines, p.growth
    )
    return revenue, profit


def regime_fee(regime: np.ndarray, p: ModelParams) -> np.ndarray:
    """Quarterly membership fee by regime."""
    return np.where(regime == OPEN, p.choice.fee_open, p.choice.fee_closed)


# --- population-level quantities the model computes between phases -------------------


def prepare_rnd(firms: FirmState, alliances: AllianceState, q: Quarter) -> None:
    """Alliance sizes and the public spillover rate, before R&D."""
    m = max(alliances.m, 1)
    inside = members_mask(firms)
    q.alliance_size = np.bincount(firms.alliance[inside], minlength=m).astype(np.float64)
    alive = max(int(firms.alive.sum()), 1)
    in_open = firm_regime(firms, alliances) == OPEN
    q.public_beta = economics.public_spillover(
        in_open.sum() / alive, q.effects.spillover_bonus, q.params.rnd
    )


def prepare_learning(firms: FirmState, alliances: AllianceState, q: Quarter) -> None:
    """Effort pooled per alliance, per federation, and published per domain."""
    m = max(alliances.m, 1)
    inside = members_mask(firms)
    a = firms.alliance[inside]
    q.alliance_effort = group_sum(a, firms.effort[inside], m)
    root = alliances.root() if alliances.m else np.zeros(1, dtype=np.int64)
    fed_effort = group_sum(root, q.alliance_effort[: len(root)], m)[root]
    fed_size = group_sum(root, q.alliance_size[: len(root)], m)[root]
    others = np.maximum(fed_size - q.alliance_size[: len(root)], 1.0)
    q.federation_effort = np.maximum(fed_effort - q.alliance_effort[: len(root)], 0.0) / others
    publishes = firms.alive & (firm_regime(firms, alliances) != CLOSED)
    dom = firms.domain[publishes].astype(np.int64)
    q.public_total = group_sum(dom, firms.effort[publishes], N_DOMAINS)
    q.public_count = group_sum(dom, None, N_DOMAINS)


def prepare_market(firms: FirmState, alliances: AllianceState, q: Quarter) -> None:
    """Market sizes, attraction per domain, fees owed to leaders, alliances fined."""
    p = q.params
    m = max(alliances.m, 1)
    q.markets = market.domain_markets(q.step, p.growth)
    attraction = market.attraction(firms.capability, q.frontier, p.growth)
    q.domain_attraction = market.domain_totals(firms.domain, attraction, firms.alive)
    inside = members_mask(firms)
    a = np.where(inside, firms.alliance, 0)
    is_leader = inside & (padded(alliances.leader, -1)[a] == np.arange(firms.n))
    fees = market.fees_paid(
        np.where(firms.alive, firms.alliance, NO_ALLIANCE),
        is_leader,
        regime_fee(padded(alliances.regime)[a], p),
    )
    q.fees_in = group_sum(a[inside], fees[inside], m)
    share = q.totals.share if q.totals is not None else np.zeros(m)
    q.fined = np.zeros(m, dtype=bool)
    exempt = q.effects.cap_exempt[: len(share)]
    q.fined[: len(share)] = (share > q.effects.share_cap) & ~exempt
