"""Per-step outcomes (MODEL.md section 6), computed from the arrays after a quarter."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config.schema import ModelParams
from sim.config.vocabulary import DOMESTIC, N_DOMAINS
from sim.engine import growth
from sim.engine.aggregates import alliance_totals, group_sum, members_mask
from sim.engine.state import CLOSED, NO_ALLIANCE, OPEN, STARTUP, AllianceState, FirmState

COLUMNS: tuple[str, ...] = (
    "tech_gap_years",
    "national_capability",
    "frontier",
    "domestic_market_share",
    "n_alliances",
    "mean_alliance_size",
    "largest_alliance_size",
    "share_open",
    "share_closed",
    "share_alone",
    "hhi",
    "collusion_risk",
    "collusion_risk_domain",
    "firms_alive",
    "startups_alive",
    "startups_entered",
    "startups_exited",
    "total_rnd",
    "government_spend",
    "gap_reduction_per_spend",
    "hollow_alliance_index",
)


@dataclass
class StepFlows:
    """What happened during the quarter (not visible in the end state)."""

    entered: int = 0
    exited: int = 0
    rnd_spend: float = 0.0
    government_spend: float = 0.0
    world_market: float = 0.0


def membership_shares(
    alliance: np.ndarray, regime: np.ndarray, alive: np.ndarray
) -> tuple[float, float, float]:
    """Shares of alive firms in open alliances, closed ones and alone (sum to 1)."""
    n = int(alive.sum())
    if n == 0:
        return 0.0, 0.0, 1.0
    inside = alive & (alliance != NO_ALLIANCE)
    r = regime[np.where(inside, alliance, 0)]
    n_open = int((inside & (r == OPEN)).sum())
    n_closed = int((inside & (r == CLOSED)).sum())
    return n_open / n, n_closed / n, (n - n_open - n_closed) / n


def hhi(shares: np.ndarray) -> float:
    """Herfindahl index of alliance market shares (shares of modelled revenue, 0..1)."""
    return float(np.sum(shares * shares))


def collusion_risk(shares: np.ndarray, threshold: float) -> float:
    """Market share held by alliances above the antitrust threshold."""
    return float(shares[shares > threshold].sum())


def domain_collusion_risk(firms: FirmState, m: int, threshold: float) -> float:
    """Share of the modelled market held, domain by domain, by alliances above ``threshold``.

    Reason: ``collusion_risk`` pools an alliance's revenue over all domains, so an alliance
    that dominates one domain (say chips) but is small overall stays below the threshold.
    Here each alliance's share is taken within each domain (its members' revenue there over
    all modelled firms' revenue there); the shares above the threshold are summed per domain
    and weighted by the domain's revenue. Reported only: the antitrust lever's cap and the
    legal-risk term still use the pooled share.
    """
    revenue = np.where(firms.alive, firms.revenue, 0.0)
    domain = firms.domain.astype(np.int64)
    total = np.bincount(domain, weights=revenue, minlength=N_DOMAINS)
    inside = members_mask(firms)
    cell = firms.alliance[inside].astype(np.int64) * N_DOMAINS + domain[inside]
    held = group_sum(cell, revenue[inside], max(m, 1) * N_DOMAINS)
    share = held.reshape(-1, N_DOMAINS) / np.maximum(total, 1e-12)
    above = np.where(share > threshold, share, 0.0).sum(axis=0)
    return float((above * total).sum() / max(total.sum(), 1e-12))


def hollow_index(
    alliance: np.ndarray, effort: np.ndarray, inside: np.ndarray, m: int, threshold: float
) -> float:
    """Share of alliance members whose R&D effort is below ``threshold`` x their alliance's mean.

    Reason: an alliance whose members contribute little keeps the form of cooperation
    without the substance ("talk, not technology").
    """
    if not inside.any():
        return 0.0
    a = alliance[inside]
    mean = group_sum(a, effort[inside], m) / np.maximum(np.bincount(a, minlength=m), 1)
    return float((effort[inside] < threshold * mean[a]).mean())


def compute(
    firms: FirmState,
    alliances: AllianceState,
    frontier: float,
    flows: StepFlows,
    initial_gap: float,
    cumulative_spend: float,
    p: ModelParams,
) -> dict[str, float]:
    """All per-step outcome columns, from the state at the end of a quarter."""
    g = p.growth
    domestic = firms.alive & (firms.region == DOMESTIC)
    national = growth.national_capability(
        firms.capability, firms.domain, domestic, g.national_top_k
    )
    gap = growth.technology_gap_years(national, frontier, g)
    totals = alliance_totals(firms, alliances)
    active = alliances.active if alliances.m else np.zeros(1, dtype=bool)
    formed = active & (totals.size >= 2)  # a founder still recruiting is not yet an alliance
    sizes = totals.size[formed]
    shares = totals.share[active]
    share_open, share_closed, share_alone = membership_shares(
        firms.alliance, alliances.regime if alliances.m else np.zeros(1, np.int8), firms.alive
    )
    inside = members_mask(firms)
    world = flows.world_market
    return {
        "tech_gap_years": gap,
        "national_capability": national,
        "frontier": frontier,
        "domestic_market_share": float(firms.revenue[domestic].sum() / world) if world else 0.0,
        "n_alliances": int(formed.sum()),
        "mean_alliance_size": float(sizes.mean()) if sizes.size else 0.0,
        "largest_alliance_size": int(sizes.max()) if sizes.size else 0,
        "share_open": share_open,
        "share_closed": share_closed,
        "share_alone": share_alone,
        "hhi": hhi(shares),
        "collusion_risk": collusion_risk(shares, p.reporting.antitrust_threshold),
        "collusion_risk_domain": domain_collusion_risk(
            firms, alliances.m, p.reporting.antitrust_threshold
        ),
        "firms_alive": int(firms.alive.sum()),
        "startups_alive": int((domestic & (firms.kind == STARTUP)).sum()),
        "startups_entered": flows.entered,
        "startups_exited": flows.exited,
        "total_rnd": flows.rnd_spend,
        "government_spend": flows.government_spend,
        "gap_reduction_per_spend": (
            # per USD bn; below one dollar of spending the ratio is undefined: 0
            (initial_gap - gap) / (cumulative_spend / 1000) if cumulative_spend > 1e-6 else 0.0
        ),
        "hollow_alliance_index": hollow_index(
            firms.alliance,
            firms.effort,
            inside,
            max(alliances.m, 1),
            p.reporting.hollow_threshold,
        ),
    }
