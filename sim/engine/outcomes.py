"""Outcomes: the registry of everything the model reports, and the rules that measure them.

``OUTCOMES`` is the one table of outcomes. Each row names a column, says in plain words what
it measures, its unit and which direction is better, and gives the function that measures
it from the state at the end of a quarter (``QuarterEnd``). The model records every
measured outcome each quarter; the report, the sensitivity analysis, the policy answers and
the notebooks read labels, units and directions from here.

To add an outcome: write its rule below (a function of arrays), add one ``Outcome`` row to
``OUTCOMES``; it then appears in ``steps.parquet``, ``final.parquet`` and, if marked, in the
report. An outcome computed after the run from a stored column instead names the column and
how it is derived (``Derived``: a running total or a running mean) in its row; every reader
adds such columns with ``with_derived``. ``tests/engine/test_outcomes.py`` checks that every
row is measured and labelled.
To rename a column, add ``former name -> new name`` to ``FORMER_NAMES`` so that results
folders written under the former name still read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from sim.config.schema import ModelParams
from sim.config.vocabulary import DOMAINS
from sim.engine.aggregates import members_mask
from sim.engine.economy import Economy
from sim.engine.measures import (
    QuarterEnd,
    StepFlows,
    collusion_risk,
    domain_collusion_risk,
    hhi,
    hollow_index,
    membership_shares,
    per_spend,
)
from sim.engine.state import STARTUP, AllianceState, FirmState

__all__ = [
    "COLUMNS",
    "FORMER_NAMES",
    "OUTCOMES",
    "Derived",
    "Outcome",
    "QuarterEnd",
    "StepFlows",
    "collusion_risk",
    "compute",
    "domain_collusion_risk",
    "hhi",
    "hollow_index",
    "membership_shares",
    "with_derived",
]


Better = Literal["lower", "higher", ""]
FIRST_QUARTER = 1  # a running mean averages quarters 1..t: step 0 is the start, not a quarter


@dataclass(frozen=True)
class Derived:
    """How an outcome is derived from a stored column after the run, per run and replicate.

    Attributes:
        source: The stored (measured) column it is computed from.
        how: ``"total"``: the source summed over steps 0..t (the start included), over
            ``divisor``; ``"mean"``: the source averaged over quarters 1..t, over ``divisor``
            (at step 0, which no quarter precedes, the source's own value).
        divisor: Converts the source's unit into the outcome's (USD m to USD bn: 1000).
    """

    source: str
    how: Literal["total", "mean"]
    divisor: float = 1.0

    def words(self) -> str:
        """What it is, in a few words (the docs' table)."""
        kind = "running total" if self.how == "total" else "running mean over quarters 1..t"
        return f"{kind} of `{self.source}`" + (
            f" / {self.divisor:g}" if self.divisor != 1.0 else ""
        )

    def running(self, ordered: pd.DataFrame, keys: Sequence[str]) -> pd.Series:
        """The outcome at every row of ``ordered`` (rows sorted by ``keys`` then ``step``)."""
        groups = [ordered[k] for k in keys]
        values = ordered[self.source]
        if self.how == "total":
            return values.groupby(groups).cumsum() / self.divisor
        counted = ordered["step"] >= FIRST_QUARTER
        sums = values.where(counted, 0.0).groupby(groups).cumsum()
        n = counted.astype(np.float64).groupby(groups).cumsum()
        mean = sums / n.where(n > 0)
        return mean.where(n > 0, values) / self.divisor


@dataclass(frozen=True)
class Outcome:
    """One reported outcome.

    Attributes:
        name: Its column in every results table.
        label: What it measures, in plain words (titles, tables, verdicts).
        unit: Its unit (``share`` for fractions in [0, 1]).
        better: ``"lower"`` or ``"higher"`` if a policy team prefers one direction, ``""``
            for descriptions that are neither good nor bad.
        measure: Measures it at the end of a quarter; ``None`` for an outcome derived from
            a stored column after the run (see ``derived``).
        derived: For a derived outcome, its source column and how it is derived.
        headline: Position in the report's table of effects (1 first); ``None`` if the
            report does not lead with it.
        over_time: Drawn over time in the report (headline outcomes only).
        sensitivity: Analysed in sensitivity designs (headline outcomes only).
    """

    name: str
    label: str
    unit: str
    better: Better
    measure: Callable[[QuarterEnd], float] | None
    derived: Derived | None = None
    headline: int | None = None
    over_time: bool = False
    sensitivity: bool = False

    @property
    def derived_from(self) -> str | None:
        """For a derived outcome, the stored column it is computed from."""
        return self.derived.source if self.derived is not None else None


def _domain_gap(i: int) -> Callable[[QuarterEnd], float]:
    """The rule measuring the gap in domain ``i`` (years)."""
    return lambda e: float(e.domain_gaps[i])


def _domain_frontier(i: int) -> Callable[[QuarterEnd], float]:
    """The rule measuring domain ``i``'s frontier level (1 at the start; one frontier under v1)."""
    return lambda e: float(e.economy.frontier[i]) if e.economy is not None else float(e.frontier)


def _domain_hhi(i: int) -> Callable[[QuarterEnd], float]:
    """The rule measuring the HHI of domain ``i``'s domestic market (points)."""
    return lambda e: float(e.flows.hhi_domestic[i]) if e.flows.hhi_domestic else 0.0


OUTCOMES: tuple[Outcome, ...] = (
    Outcome(
        "tech_gap_years",
        "Technology gap to the frontier",
        "years",
        "lower",
        lambda e: e.gap,
        headline=1,
        over_time=True,
        sensitivity=True,
    ),
    Outcome(  # finding 39 item 4: the gap is censored at 0 once a domestic unit leads
        "tech_gap_years_mean",
        "Mean technology gap over the quarters so far",
        "years",
        "lower",
        None,
        derived=Derived("tech_gap_years", "mean"),
        headline=2,
        sensitivity=True,
    ),
    Outcome(  # signed: not censored at parity (finding 39 item 4)
        "tech_lead_years",
        "Lead of the best domestic unit over the best foreign unit (negative: behind)",
        "years",
        "higher",
        lambda e: e.lead,
        # not a headline: with the frontier held by a firm (the default since 2026-12-03) and
        # every korea_2024 frontier held abroad it is minus the gap, which leads already; it
        # differs where a domestic unit holds a frontier (then the gap is 0 there) or under
        # the exogenous frontier (finding 39 items 2 and 4)
    ),
    Outcome(
        "national_capability",
        "National capability: mean of the best domestic firms per domain",
        "frontier = 1 at start",
        "higher",
        lambda e: e.national,
    ),
    Outcome(
        "tech_gap_years_revenue_weighted",
        "Technology gap of the average domestic firm (revenue-weighted, not the best)",
        "years",
        "lower",
        lambda e: e.revenue_weighted_gap,
    ),
    Outcome("frontier", "Global frontier", "frontier = 1 at start", "", lambda e: e.frontier),
    Outcome(
        "domestic_market_share",
        "Domestic share of the global AI market",
        "share",
        "higher",
        lambda e: (
            float(e.firms.revenue[e.domestic].sum() / e.flows.world_market)
            if e.flows.world_market
            else 0.0
        ),
        headline=3,
        over_time=True,
        sensitivity=True,
    ),
    Outcome(
        "n_alliances",
        "Alliances of two or more members",
        "alliances",
        "",
        lambda e: int(e.formed.sum()),
    ),
    Outcome(
        "mean_alliance_size",
        "Mean alliance size",
        "firms",
        "",
        lambda e: float(e.sizes.mean()) if e.sizes.size else 0.0,
    ),
    Outcome(
        "largest_alliance_size",
        "Largest alliance size",
        "firms",
        "",
        lambda e: int(e.sizes.max()) if e.sizes.size else 0,
    ),
    Outcome(
        "share_open",
        "Share of firms in open alliances",
        "share",
        "",
        lambda e: e.membership[0],
        headline=7,
        over_time=True,
    ),
    Outcome(
        "share_closed",
        "Share of firms in closed alliances",
        "share",
        "",
        lambda e: e.membership[1],
        headline=8,
        over_time=True,
    ),
    Outcome(
        "share_alone",
        "Share of firms alone",
        "share",
        "",
        lambda e: e.membership[2],
        headline=9,
        over_time=True,
        sensitivity=True,
    ),
    Outcome(
        "share_alone_domestic",
        "Share of domestic firms alone",
        "share",
        "",
        lambda e: e.domestic_membership[2],
    ),
    Outcome(
        "hhi",
        "Concentration: Herfindahl index of the domestic markets (firms as sellers, weighted by "
        "market size; version 1: of alliances' shares)",
        "index 0-1",
        "lower",
        lambda e: e.flows.hhi_markets if e.economy is not None else hhi(e.shares),
    ),
    Outcome(
        "collusion_risk",
        "Collusion risk: domestic market share held by colluding alliances (version 1: by "
        "alliances above the threshold)",
        "share",
        "lower",
        lambda e: (
            e.flows.collusion_risk
            if e.economy is not None
            else collusion_risk(e.shares, e.params.reporting.antitrust_threshold)
        ),
        headline=5,
        over_time=True,
    ),
    Outcome(
        "collusion_risk_domain",
        "Collusion risk by domain: market share of alliances above the threshold in a domain",
        "share",
        "lower",
        lambda e: domain_collusion_risk(
            e.firms, e.alliances.m, e.params.reporting.antitrust_threshold
        ),
        headline=6,
    ),
    Outcome("firms_alive", "Firms alive", "firms", "", lambda e: int(e.firms.alive.sum())),
    Outcome(
        "startups_alive",
        "Domestic startups alive",
        "firms",
        "higher",
        lambda e: int((e.domestic & (e.firms.kind == STARTUP)).sum()),
        headline=4,
        over_time=True,
        sensitivity=True,
    ),
    Outcome(
        "startups_entered",
        "Domestic startups entered this quarter",
        "firms",
        "higher",
        lambda e: e.flows.entered,
    ),
    Outcome(
        "foreign_startups_entered",
        "Startups of other regions entered this quarter (model.growth.foreign_entry)",
        "firms",
        "",
        lambda e: e.flows.foreign_entered,
    ),
    Outcome(
        "startups_exited",
        "Domestic firms exited this quarter",
        "firms",
        "lower",
        lambda e: e.flows.exited,
    ),
    Outcome(
        "total_rnd", "R&D spending this quarter", "USD m", "higher", lambda e: e.flows.rnd_spend
    ),
    Outcome(
        "domestic_rnd",
        "Domestic firms' R&D spending this quarter",
        "USD m",
        "higher",
        lambda e: e.flows.rnd_domestic,
    ),
    Outcome(
        "government_spend",
        "Government spending this quarter",
        "USD m",
        "",
        lambda e: e.flows.government_spend,
    ),
    Outcome(  # not a policy's cost-effectiveness: the report pairs with the baseline for that
        "gap_change_per_own_spend",
        "Gap closed since this run's start per USD bn this run spent (within one run, not "
        "against a baseline: not cost-effectiveness)",
        "years per USD bn",
        "",
        per_spend,
    ),
    Outcome(
        "hollow_alliance_index",
        "Hollow alliance index: share of members investing well below their alliance's mean "
        "(version 2: below half of what they would invest alone)",
        "share",
        "lower",
        lambda e: (
            e.flows.hollow_share
            if e.economy is not None
            else hollow_index(
                e.firms.alliance,
                e.firms.effort,
                members_mask(e.firms),
                max(e.alliances.m, 1),
                e.params.reporting.hollow_threshold,
            )
        ),
    ),
    Outcome(
        "spend_total",
        "Government money spent since the start",
        "USD bn",
        "",
        None,
        derived=Derived("government_spend", "total", 1000.0),  # USD m -> USD bn
        headline=10,
        over_time=True,
    ),
    Outcome(
        "domestic_share_domestic_market",
        "Domestic firms' share of the domestic market (version 2; 0 under version 1)",
        "share",
        "higher",
        lambda e: (
            float(e.flows.domestic_sales_home / e.flows.domestic_market)
            if e.flows.domestic_market
            else 0.0
        ),
    ),
    Outcome(
        "tournament_consortia",
        "Consortia in the sovereign AI tournament this quarter (applied, selected or left)",
        "consortia",
        "",
        lambda e: float(e.flows.tournament_consortia),
    ),
    Outcome(
        "collusion_harm",
        "Overcharge colluding alliances take from buyers (version 2; 0 under 1)",
        "USD m",
        "lower",
        lambda e: e.flows.collusion_harm,
    ),
    Outcome(
        "fines_paid",
        "Antitrust fines paid this quarter (version 2; 0 under 1)",
        "USD m",
        "",
        lambda e: e.flows.fines,
    ),
    Outcome(
        "mean_alliance_depth",
        "Depth the average member of a formed alliance experiences (version 2; 0 under 1)",
        "share",
        "",
        lambda e: mean_depth(e),
    ),
    *(
        Outcome(
            f"tech_gap_years_{d}",
            f"Technology gap in {d.replace('_', ' ')} (best domestic unit)",
            "years",
            "lower",
            _domain_gap(i),
        )
        for i, d in enumerate(DOMAINS)
    ),
    *(  # the review of finding 39 item 6 (a): a domain's gap changes as its best domestic
        # unit or its frontier moves; with k*_d = 1 - phi_d gap_d the domestic level is k*_d F_d
        Outcome(
            f"frontier_{d}",
            f"Frontier in {d.replace('_', ' ')} (its best unit's level under version 2)",
            "frontier = 1 at start",
            "",
            _domain_frontier(i),
        )
        for i, d in enumerate(DOMAINS)
    ),
    *(
        Outcome(
            f"hhi_{d}",
            f"HHI of the domestic {d.replace('_', ' ')} market (version 2; 0 under 1)",
            "points",
            "lower",
            _domain_hhi(i),
        )
        for i, d in enumerate(DOMAINS)
    ),
)


def mean_depth(end: QuarterEnd) -> float:
    """Member-weighted mean depth of the formed alliances (docs/model.md section 7)."""
    a = end.alliances
    if not a.m:
        return 0.0
    size = end.totals.size[: a.m]
    formed = end.formed[: a.m] & (size >= 2)
    members = float(size[formed].sum())
    return float((a.depth[formed] * size[formed]).sum() / members) if members else 0.0


BY_NAME: dict[str, Outcome] = {o.name: o for o in OUTCOMES}
# columns renamed since results were first written: former name -> current name. Results
# folders on disk keep the former name; readers rename it (sim.analysis.effects.current_names)
FORMER_NAMES: dict[str, str] = {"gap_reduction_per_spend": "gap_change_per_own_spend"}
# the columns the model records every quarter, in the order of the table
COLUMNS: tuple[str, ...] = tuple(o.name for o in OUTCOMES if o.measure is not None)


def headline() -> tuple[Outcome, ...]:
    """The outcomes the report leads with, in the order of its table of effects."""
    chosen = [o for o in OUTCOMES if o.headline is not None]
    return tuple(sorted(chosen, key=lambda o: o.headline or 0))


def over_time() -> tuple[Outcome, ...]:
    """The headline outcomes drawn over time."""
    return tuple(o for o in headline() if o.over_time)


def for_sensitivity() -> tuple[Outcome, ...]:
    """The headline outcomes analysed in sensitivity designs."""
    return tuple(o for o in headline() if o.sensitivity)


def with_derived(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """``frame`` with every derived outcome added (``Outcome.derived``), in its row order.

    Args:
        frame: Recorded quarters with ``step``, ``keys`` and every derived outcome's source.
        keys: The columns that identify one run and replicate (``run``, ``replicate``).
    """
    missing = [o.name for o in OUTCOMES if o.derived and o.derived.source not in frame.columns]
    if missing:
        raise KeyError(
            f"derived outcomes {missing}: their sources are not columns of the frame "
            f"(sources: {[BY_NAME[m].derived_from for m in missing]})"
        )
    ordered = frame.sort_values([*keys, "step"], kind="stable")
    derived = {
        o.name: o.derived.running(ordered, keys).reindex(frame.index)
        for o in OUTCOMES
        if o.derived is not None
    }
    return frame.assign(**derived)


def compute(
    firms: FirmState,
    alliances: AllianceState,
    frontier: float,
    flows: StepFlows,
    initial_gap: float,
    cumulative_spend: float,
    p: ModelParams,
    economy: Economy | None = None,
) -> dict[str, float]:
    """Every measured outcome, from the state at the end of a quarter.

    ``economy`` holds version 2's frontiers per domain (None under version 1).
    """
    end = QuarterEnd(firms, alliances, frontier, flows, initial_gap, cumulative_spend, p, economy)
    return {o.name: o.measure(end) for o in OUTCOMES if o.measure is not None}


def markdown_table() -> str:
    """The registry as a Markdown table (``docs/outcomes.md`` holds it; a test keeps it so)."""
    lines = [
        "| column | what it measures | unit | better | in the report |",
        "|---|---|---|---|---|",
    ]
    for o in OUTCOMES:
        roles = []
        if o.headline is not None:
            roles.append(f"headline #{o.headline}")
        if o.over_time:
            roles.append("over time")
        if o.sensitivity:
            roles.append("sensitivity")
        if o.derived is not None:
            roles.append(f"derived: {o.derived.words()}")
        lines.append(
            f"| `{o.name}` | {o.label} | {o.unit} | {o.better or '-'} | {', '.join(roles) or '-'} |"
        )
    return "\n".join(lines) + "\n"
