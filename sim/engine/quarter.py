"""The per-firm phases of one quarter, written once for any set of rows.

Each phase is a function ``(rows, firms, alliances, q, <stage values>) -> values for those
rows``. The vectorised engine calls it once with every row; the agent engine has each Mesa
agent call it with its own row. Quantities that need the whole population (group sums, the
market's denominators) are computed once by the model between phases, by the ``prepare_*``
functions, and handed to the phases as immutable values, so both engines see exactly the
same numbers:

- ``Quarter``: what every firm knows at the start (step, frontier, parameters, policy);
- ``Revision``: alliance totals and the revision draws (``reconsider``);
- ``RnDConditions``: alliance sizes and the public spillover rate (``invest``, ``learn``);
- ``KnowledgePool``: effort pooled per alliance, federation and domain (``learn``);
- ``MarketConditions``: market sizes, attraction, fees, fines (``earn``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config.schema import ModelParams
from sim.config.vocabulary import N_DOMAINS
from sim.engine import economics, growth, market
from sim.engine.aggregates import AllianceTotals, firm_regime, group_sum, members_mask
from sim.engine.choice import RevisionDraws, decide
from sim.engine.policy import PolicyEffects
from sim.engine.state import CLOSED, NO_ALLIANCE, OPEN, AllianceState, FirmState, padded


@dataclass(frozen=True)
class Quarter:
    """What every firm knows at the start of a quarter."""

    step: int  # quarter index, 0 for the first simulated quarter
    frontier: float  # the frontier at the start of the quarter
    ceiling: float  # the frontier at its end: no firm's capability exceeds it
    params: ModelParams
    effects: PolicyEffects
    reference_capital: float  # median startup capital: the R&D programme's unit
    # W_t / W_0 under ``model.growth.scale_fixed_amounts`` (``params`` then holds the fixed
    # amounts at this quarter's markets), else 1 (``sim.engine.fixed_amounts``)
    money_scale: float = 1.0


@dataclass(frozen=True)
class Revision:
    """What revisers see: alliance totals at the start of the quarter and the draws."""

    totals: AllianceTotals
    draws: RevisionDraws
    prompted: np.ndarray | None = None  # rows of draws a call prompted (not drawn)


@dataclass(frozen=True)
class RnDConditions:
    """Alliance sizes (members per alliance row) and the public spillover rate."""

    alliance_size: np.ndarray
    public_beta: float


@dataclass(frozen=True)
class KnowledgePool:
    """Effort pooled per alliance and per federation, and published per domain."""

    alliance_effort: np.ndarray
    federation_effort: np.ndarray
    public_total: np.ndarray
    public_count: np.ndarray


@dataclass(frozen=True)
class MarketConditions:
    """Market sizes and attraction per domain, fees owed to leaders, alliances fined."""

    markets: np.ndarray
    domain_attraction: np.ndarray
    fees_in: np.ndarray
    fined: np.ndarray


def _alliance_of(rows: np.ndarray, firms: FirmState) -> tuple[np.ndarray, np.ndarray]:
    """(safe alliance index, in-alliance mask) for ``rows``."""
    a = firms.alliance[rows]
    inside = a != NO_ALLIANCE
    return np.where(inside, a, 0), inside


def reconsider(
    k: np.ndarray,
    firms: FirmState,
    alliances: AllianceState,
    q: Quarter,
    revision: Revision,
    rnd: RnDConditions,
) -> np.ndarray:
    """Phase 2: revisers ``k`` (positions in the draws) pick a target alliance."""
    r = q.params.rnd
    rates = (r.beta_open_internal, r.beta_closed_internal, rnd.public_beta)
    return decide(
        k, revision.draws, firms, alliances, revision.totals, q.effects, q.params.choice, rates
    )


def invest(
    rows: np.ndarray, firms: FirmState, alliances: AllianceState, q: Quarter, rnd: RnDConditions
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Phase 3: effort, money spent on R&D, and the part of the cost the state paid."""
    p = q.params.rnd
    a, inside = _alliance_of(rows, firms)
    scale = economics.size_factor(firms.capital[rows], q.reference_capital, p)
    reduction = q.effects.cost_reduction[rows]
    effort = economics.choose_effort(
        rnd.alliance_size[a],
        padded(alliances.regime)[a],
        inside,
        scale,
        reduction,
        rnd.public_beta,
        p,
    )
    wanted = economics.rd_cost(effort / scale, scale, reduction, p)
    effort = economics.affordable_effort(effort, wanted, firms.capital[rows], p)
    x = effort / scale
    spend = economics.rd_cost(x, scale, reduction, p)
    paid_by_state = economics.rd_cost(x, scale, np.zeros_like(reduction), p) - spend
    return effort, spend, paid_by_state


def learn(
    rows: np.ndarray,
    firms: FirmState,
    alliances: AllianceState,
    q: Quarter,
    rnd: RnDConditions,
    pool: KnowledgePool,
) -> np.ndarray:
    """Phase 4: new capability from own effort and the spillovers received."""
    a, inside = _alliance_of(rows, firms)
    effort = firms.effort[rows]
    regime = padded(alliances.regime)[a]
    group = economics.working_group_share(rnd.alliance_size[a], q.params.rnd)
    partners = np.where(inside, pool.alliance_effort[a] - effort, 0.0) * group
    domain = firms.domain[rows]
    publishes = ~(inside & (regime == CLOSED))
    others = pool.public_count[domain] - publishes
    public = (pool.public_total[domain] - effort * publishes) / np.maximum(others, 1.0)
    knowledge = economics.knowledge_input(
        effort,
        partners,
        economics.internal_beta_of(firms.alliance[rows], regime, q.params.rnd),
        np.where(inside, pool.federation_effort[a], 0.0),
        public,
        rnd.public_beta,
        q.params.rnd,
    )
    return growth.capability_gain(
        firms.capability[rows], knowledge, q.frontier, q.ceiling, q.params.growth
    )


def earn(
    rows: np.ndarray,
    firms: FirmState,
    alliances: AllianceState,
    q: Quarter,
    mc: MarketConditions,
    rd_spend: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Phase 5: revenue and profit (added to capital by the model).

    ``rd_spend`` is this quarter's R&D spending of every firm row (zeros before any R&D).
    """
    p = q.params
    a, inside = _alliance_of(rows, firms)
    attraction = market.attraction(firms.capability[rows], q.frontier, p.growth)
    revenue = market.revenue(
        firms.domain[rows], attraction, mc.domain_attraction, mc.markets, p.growth
    )
    is_leader = inside & (padded(alliances.leader, -1)[a] == rows)
    fee_out = market.fees_paid(
        firms.alliance[rows], is_leader, regime_fee(padded(alliances.regime)[a], p)
    )
    fee_in = np.where(is_leader, mc.fees_in[a], 0.0)
    fines = np.where(inside & mc.fined[a], q.effects.fine_rate * revenue, 0.0)
    profit = market.profit(
        revenue, rd_spend[rows], fee_out, fee_in, q.effects.subsidy[rows], fines, p.growth
    )
    return revenue, profit


def regime_fee(regime: np.ndarray, p: ModelParams) -> np.ndarray:
    """Quarterly membership fee by regime."""
    return np.where(regime == OPEN, p.choice.fee_open, p.choice.fee_closed)


# --- population-level quantities the model computes between phases -------------------


def prepare_rnd(firms: FirmState, alliances: AllianceState, q: Quarter) -> RnDConditions:
    """Alliance sizes and the public spillover rate, before R&D."""
    m = max(alliances.m, 1)
    inside = members_mask(firms)
    size = np.bincount(firms.alliance[inside], minlength=m).astype(np.float64)
    alive = max(int(firms.alive.sum()), 1)
    in_open = firm_regime(firms, alliances) == OPEN
    beta = economics.public_spillover(
        in_open.sum() / alive, q.effects.spillover_bonus, q.params.rnd
    )
    return RnDConditions(alliance_size=size, public_beta=beta)


def prepare_learning(
    firms: FirmState, alliances: AllianceState, rnd: RnDConditions
) -> KnowledgePool:
    """Effort pooled per alliance, per federation, and published per domain."""
    m = max(alliances.m, 1)
    inside = members_mask(firms)
    a = firms.alliance[inside]
    alliance_effort = group_sum(a, firms.effort[inside], m)
    root = alliances.root() if alliances.m else np.zeros(1, dtype=np.int64)
    size = rnd.alliance_size[: len(root)]
    fed_effort = group_sum(root, alliance_effort[: len(root)], m)[root]
    fed_size = group_sum(root, size, m)[root]
    others = np.maximum(fed_size - size, 1.0)
    federation_effort = np.maximum(fed_effort - alliance_effort[: len(root)], 0.0) / others
    publishes = firms.alive & (firm_regime(firms, alliances) != CLOSED)
    dom = firms.domain[publishes].astype(np.int64)
    return KnowledgePool(
        alliance_effort=alliance_effort,
        federation_effort=federation_effort,
        public_total=group_sum(dom, firms.effort[publishes], N_DOMAINS),
        public_count=group_sum(dom, None, N_DOMAINS),
    )


def prepare_market(
    firms: FirmState, alliances: AllianceState, q: Quarter, totals: AllianceTotals | None
) -> MarketConditions:
    """Market sizes, attraction per domain, fees owed to leaders, alliances fined.

    ``totals`` are the alliance totals the quarter's revisers saw (their shares decide who is
    above the antitrust cap); ``None`` before the first quarter (no one is fined).
    """
    p = q.params
    m = max(alliances.m, 1)
    attraction = market.attraction(firms.capability, q.frontier, p.growth)
    _, fees_in = fees_owed(firms, alliances, p)
    share = totals.share if totals is not None else np.zeros(m)
    fined = np.zeros(m, dtype=bool)
    exempt = q.effects.cap_exempt[: len(share)]
    fined[: len(share)] = (share > q.effects.share_cap) & ~exempt
    return MarketConditions(
        markets=market.domain_markets(q.step, p.growth),
        domain_attraction=market.domain_totals(firms.domain, attraction, firms.alive),
        fees_in=fees_in,
        fined=fined,
    )


def fees_owed(
    firms: FirmState, alliances: AllianceState, p: ModelParams
) -> tuple[np.ndarray, np.ndarray]:
    """Fees each firm row pays its leader this quarter, and each alliance's leader receives.

    Reason: members pay their regime's fee every quarter; leaders and firms alone pay none.

    Returns:
        ``(paid, received)``: USD m per firm row (n,) and per alliance (max(m, 1),).
    """
    inside = members_mask(firms)
    a = np.where(inside, firms.alliance, 0)
    is_leader = inside & (padded(alliances.leader, -1)[a] == np.arange(firms.n))
    paid = market.fees_paid(
        np.where(firms.alive, firms.alliance, NO_ALLIANCE),
        is_leader,
        regime_fee(padded(alliances.regime)[a], p),
    )
    return paid, group_sum(a[inside], paid[inside], max(alliances.m, 1))
