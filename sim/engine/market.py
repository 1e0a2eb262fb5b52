"""Markets and capital (version 1): revenue shares by capability, profit, fees."""

from __future__ import annotations

import numpy as np

from sim.config.schema import GrowthParams
from sim.config.vocabulary import N_DOMAINS
from sim.engine.aggregates import group_sum
from sim.engine.state import NO_ALLIANCE


def domain_markets(step: int, p: GrowthParams) -> np.ndarray:
    """Global market size (USD m per quarter) of each domain at ``step``.

    Reason: every domain market grows at the configured yearly rate from its share of the
    step-0 market.
    """
    weights = np.asarray(p.domain_market_weights, dtype=np.float64)
    return p.market_size * weights / weights.sum() * (1.0 + p.market_growth) ** (step / 4.0)


def attraction(capability: np.ndarray, frontier: float, p: GrowthParams) -> np.ndarray:
    """Logit attraction of a firm's offer: exp(sensitivity x (capability/frontier - 1)).

    Reason: customers pick the better technology, with noise (logit market shares); the
    rest of the world is an outside competitor at the frontier with weight
    ``outside_weight``.
    """
    return np.exp(p.share_sensitivity * (capability / frontier - 1.0))


def domain_totals(domain: np.ndarray, values: np.ndarray, alive: np.ndarray) -> np.ndarray:
    """Sum of ``values`` over alive firms in each domain."""
    return group_sum(domain[alive].astype(np.int64), values[alive], N_DOMAINS)


def revenue(
    domain: np.ndarray,
    own_attraction: np.ndarray,
    domain_attraction: np.ndarray,
    markets: np.ndarray,
    p: GrowthParams,
) -> np.ndarray:
    """Revenue of each firm: its logit share of its home domain's market.

    Args:
        domain: Home domain per firm.
        own_attraction: Each firm's attraction.
        domain_attraction: Sum of attraction of alive firms per domain.
        markets: Market size per domain.
        p: Growth parameters (outside competitor's weight).
    """
    denominator = domain_attraction[domain] + p.outside_weight
    return markets[domain] * own_attraction / denominator


def fees_paid(alliance: np.ndarray, is_leader: np.ndarray, regime_fee: np.ndarray) -> np.ndarray:
    """Fee each firm pays its alliance's leader this quarter (leaders and firms alone: 0)."""
    return np.where((alliance != NO_ALLIANCE) & ~is_leader, regime_fee, 0.0)


def profit(
    revenue: np.ndarray,
    rd_spend: np.ndarray,
    fees_out: np.ndarray,
    fees_in: np.ndarray,
    subsidy: np.ndarray,
    fines: np.ndarray,
    p: GrowthParams,
) -> np.ndarray:
    """Profit = margin x revenue - R&D cost - fees + fees received + subsidies - fines."""
    return p.margin * revenue - rd_spend - fees_out + fees_in + subsidy - fines
