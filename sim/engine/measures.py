"""The rules that measure outcomes at the end of a quarter (each a function of arrays).

``QuarterEnd`` holds the state at the end of a quarter and computes the quantities several
outcomes share once; ``sim.engine.outcomes.OUTCOMES`` says which rule measures which column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from sim.config.schema import ModelParams
from sim.config.vocabulary import DOMESTIC, N_DOMAINS
from sim.engine import growth
from sim.engine.aggregates import (
    AllianceTotals,
    alliance_totals,
    formed_alliance,
    group_sum,
    members_mask,
)
from sim.engine.economy import Economy
from sim.engine.state import CLOSED, NO_ALLIANCE, OPEN, AllianceState, FirmState


@dataclass
class StepFlows:
    """What happened during the quarter (not visible in the end state)."""

    entered: int = 0
    exited: int = 0
    foreign_entered: int = 0  # version 2, model.growth.foreign_entry: startups of other regions
    rnd_spend: float = 0.0
    rnd_domestic: float = 0.0  # domestic firms' R&D, their share plus the state's (USD m)
    government_spend: float = 0.0
    world_market: float = 0.0
    domestic_market: float = 0.0  # version 2: size of the domestic markets (USD m a quarter)
    domestic_sales_home: float = 0.0  # version 2: domestic firms' revenue in them (USD m)
    hhi_domestic: tuple[float, ...] = field(default_factory=tuple)  # version 2: per domain
    hhi_markets: float = 0.0  # version 2: market-weighted domestic HHI, index 0-1
    collusion_harm: float = 0.0  # version 2: overcharge taken by colluders (USD m)
    collusion_risk: float = 0.0  # version 2: domestic market share held by colluders
    fines: float = 0.0  # version 2: antitrust fines paid this quarter (USD m)
    hollow_share: float = 0.0  # version 2: members doing far less R&D than they would alone
    tournament_consortia: int = 0  # consortia in the sovereign AI tournament this quarter


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
    """Herfindahl index of alliance market shares (shares of modelled revenue, 0..1).

    Shares are ratios of sums and may add up to 1 plus a rounding error; the index is clipped
    to [0, 1] so that it never reports more than a monopoly.
    """
    return float(min(np.sum(shares * shares), 1.0))


def collusion_risk(shares: np.ndarray, threshold: float) -> float:
    """Market share held by alliances above the antitrust threshold (clipped to [0, 1]).

    Shares are ratios of sums and may add up to 1 plus a rounding error (a hypothesis test
    found 1.0000000000000002); a share of the market is never above 1.
    """
    return float(min(shares[shares > threshold].sum(), 1.0))


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


class QuarterEnd:
    """The state at the end of a quarter, with the intermediate quantities outcomes share.

    Each shared quantity (national capability, alliance totals, ...) is computed once, on
    first use, so that outcomes measured one by one cost what one pass over them would.
    """

    def __init__(
        self,
        firms: FirmState,
        alliances: AllianceState,
        frontier: float,
        flows: StepFlows,
        initial_gap: float,
        cumulative_spend: float,
        params: ModelParams,
        economy: Economy | None = None,
    ) -> None:
        self.economy = economy  # version 2's frontiers; None under version 1
        self.firms = firms
        self.alliances = alliances
        self.frontier = frontier
        self.flows = flows
        self.initial_gap = initial_gap
        self.cumulative_spend = cumulative_spend
        self.params = params

    @cached_property
    def domestic(self) -> np.ndarray:
        """Alive domestic firms (mask over rows)."""
        return self.firms.alive & (self.firms.region == DOMESTIC)

    @cached_property
    def relative_capability(self) -> np.ndarray:
        """Each firm row's capability relative to its frontier.

        Version 1 holds one frontier and absolute capabilities; version 2 keeps capability
        relative to each domain's frontier.
        """
        if self.economy is not None:
            return self.firms.capability
        return self.firms.capability / self.frontier

    @cached_property
    def foreign(self) -> np.ndarray:
        """Alive foreign firms (mask over rows): every region but the domestic one."""
        return self.firms.alive & (self.firms.region != DOMESTIC)

    def _best(self, rows: np.ndarray) -> np.ndarray:
        """The best capability of ``rows`` per domain relative to its frontier (0 if none)."""
        best = np.zeros(N_DOMAINS)
        k = self.relative_capability
        np.maximum.at(best, self.firms.domain[rows].astype(np.int64), k[rows])
        return best

    @cached_property
    def best_domestic(self) -> np.ndarray:
        """k*_d: the best domestic capability per domain relative to its frontier (0 if none)."""
        return self._best(self.domestic)

    @cached_property
    def best_foreign(self) -> np.ndarray:
        """k^f_d: the best foreign capability per domain relative to its frontier (0 if none)."""
        return self._best(self.foreign)

    @cached_property
    def trend(self) -> np.ndarray:
        """phi_d, the frontier's yearly trend growth per domain (the gap's denominator)."""
        if self.economy is not None:
            return self.economy.trend
        return np.full(N_DOMAINS, self.params.growth.frontier_growth)

    @cached_property
    def domain_gaps(self) -> np.ndarray:
        """Gap per domain in years, ``(1 - k*_d) / phi_d`` (SPRi; docs/model.md 6.4)."""
        return (1.0 - self.best_domestic) / self.trend

    @cached_property
    def domain_leads(self) -> np.ndarray:
        """Lead per domain in years, ``(k*_d - k^f_d) / phi_d``; negative when behind.

        The best domestic unit against the best foreign unit, both relative to the domain's
        frontier, over the gap's denominator. Unlike the gap it is not censored at 0 once a
        domestic unit holds the frontier (finding 39, item 4, of docs/model.md). A domain
        without a live domestic (foreign) unit counts that side at 0, as the gap counts a
        domain without a domestic unit, so the lead is always finite.
        """
        return (self.best_domestic - self.best_foreign) / self.trend

    @cached_property
    def lead(self) -> float:
        """Lead of the best domestic over the best foreign unit in years, averaged as the gap.

        Version 2: ``sum_d w_d (k*_d - k^f_d) / phi_d``, market-weighted. Version 1, whose
        gap weighs domains equally: the plain mean over domains.
        """
        if self.economy is not None:
            return float(self.domain_weights @ self.domain_leads)
        return float(self.domain_leads.mean())

    @cached_property
    def revenue_weighted_gap(self) -> float:
        """The gap of the average domestic firm, ``sum_d w_d (1 - kbar_d) / phi_d``.

        ``kbar_d`` is the revenue-weighted mean capability of the domestic firms of domain
        ``d`` relative to its frontier (0 in a domain without domestic revenue): where the
        best-unit gap (``gap``) asks how far the country's best firm is behind, this asks how
        far its sales are (finding 35 of docs/model.md section 10).
        """
        k = self.relative_capability
        rows = self.domestic
        d = self.firms.domain[rows].astype(np.int64)
        r = np.maximum(self.firms.revenue[rows], 0.0)
        sales = np.bincount(d, weights=r, minlength=N_DOMAINS)
        weighted = np.bincount(d, weights=r * k[rows], minlength=N_DOMAINS)
        kbar = np.divide(weighted, sales, out=np.zeros(N_DOMAINS), where=sales > 0)
        return float(self.domain_weights @ ((1.0 - kbar) / self.trend))

    @cached_property
    def domain_weights(self) -> np.ndarray:
        """w_d, each domain's share of the world market (the gap's weights)."""
        w = np.asarray(self.params.growth.domain_market_weights, dtype=np.float64)
        return w / w.sum()

    @cached_property
    def national(self) -> float:
        """National capability.

        Version 1: mean over domains of the mean of the top-k domestic firms. Version 2:
        ``sum_d w_d k*_d``, the best domestic unit per domain, market-weighted.
        """
        if self.economy is not None:
            return float(self.domain_weights @ self.best_domestic)
        g = self.params.growth
        firms = self.firms
        return growth.national_capability(
            firms.capability, firms.domain, self.domestic, g.national_top_k
        )

    @cached_property
    def gap(self) -> float:
        """Technology gap to the frontier in years (SPRi's definition).

        Version 1: ``(F - N) / (phi F)`` with the top-k national capability. Version 2:
        ``sum_d w_d (1 - k*_d) / phi_d``, market-weighted over domains.
        """
        if self.economy is not None:
            return float(self.domain_weights @ self.domain_gaps)
        return growth.technology_gap_years(self.national, self.frontier, self.params.growth)

    @cached_property
    def totals(self) -> AllianceTotals:
        """Sizes and market shares of every alliance."""
        return alliance_totals(self.firms, self.alliances)

    @cached_property
    def active(self) -> np.ndarray:
        """Alliances not dissolved (mask over alliance rows; one False row if none)."""
        return self.alliances.active if self.alliances.m else np.zeros(1, dtype=bool)

    @cached_property
    def formed(self) -> np.ndarray:
        """Active alliances of two or more: a founder still recruiting is not yet one."""
        return self.active & (self.totals.size >= 2)

    @cached_property
    def sizes(self) -> np.ndarray:
        """Member counts of the formed alliances."""
        return self.totals.size[self.formed]

    @cached_property
    def shares(self) -> np.ndarray:
        """Market shares of the active alliances (of all modelled revenue)."""
        return self.totals.share[self.active]

    @cached_property
    def membership(self) -> tuple[float, float, float]:
        """Shares of alive firms in open alliances, closed ones and alone.

        Version 2 counts only alliances of two or more: a founder still recruiting is alone.
        """
        return self._membership(self.firms.alive)

    @cached_property
    def domestic_membership(self) -> tuple[float, float, float]:
        """The same shares among alive domestic firms only.

        Foreign firms enter and join alliances abroad too, so the all-firm shares mix the
        two populations (finding 47's review).
        """
        return self._membership(self.domestic)

    @cached_property
    def counted_alliance(self) -> np.ndarray:
        """Each firm's alliance as membership counts it (version 2: formed ones only)."""
        if self.economy is None:
            return self.firms.alliance
        return formed_alliance(self.firms, self.alliances)

    def _membership(self, rows: np.ndarray) -> tuple[float, float, float]:
        """Shares of the firms ``rows`` (bool mask) in open alliances, closed ones and alone."""
        a = self.alliances
        regime = a.regime if a.m else np.zeros(1, np.int8)
        return membership_shares(self.counted_alliance, regime, rows)


def per_spend(end: QuarterEnd) -> float:
    """Years of gap closed since the start per USD bn the government spent.

    Below one dollar of spending the ratio is undefined and reported as 0.
    """
    if end.cumulative_spend <= 1e-6:
        return 0.0
    return (end.initial_gap - end.gap) / (end.cumulative_spend / 1000)
