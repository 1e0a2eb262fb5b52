"""Competition policy in the quarter (design version 2, docs/model.md 6.8).

Who colludes, who is caught, what it costs buyers, and which cooperation is challenged.

``decide_collusion`` runs in stage 5, on the shares at the start of the quarter; ``enforce``
runs in stage 8, on the quarter's sales: colluders earn the margin uplift on their sales in
the market, enforcement draws detect collusion (fine, end, cooldown) and challenge
cooperation above the safe harbour (a smaller fine). The rules are the functions of
``sim.engine.competition``; this module only lays the state out for them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sim.config.competition import CompetitionParams
from sim.config.schema import ModelParams
from sim.config.vocabulary import N_DOMAINS
from sim.engine.competition import (
    AllianceMarkets,
    alliance_market_shares,
    challenge_probability,
    collusion_decision,
    collusion_harm,
    collusion_risk,
    enforcement_draws,
    margin_uplift,
    member_fines,
    row_cell,
    row_margin,
    update_cooldown,
)
from sim.engine.economy import Sales
from sim.engine.markets import N_MARKETS
from sim.engine.policy import PolicyEffects
from sim.engine.state import NO_ALLIANCE, AllianceState, FirmState

DOMESTIC_MARKETS = np.arange(N_MARKETS) < N_DOMAINS  # the relevant markets of Korean policy


def enforced(p: ModelParams, effects: PolicyEffects) -> CompetitionParams:
    """The quarter's competition parameters: the status quo, strengthened by enforcement.

    The status quo itself (``p.competition``, not a copy) when enforcement strengthens
    nothing: a copy's checks cost more than the rules that read it (callers only read it).
    """
    c = p.competition
    detection = max(c.detection_probability, effects.detection)
    fine_rate = max(c.fine_rate, effects.collusion_fine_rate)
    if detection is c.detection_probability and fine_rate is c.fine_rate:
        return c
    return replace(c, detection_probability=detection, fine_rate=fine_rate)


def cells_of(sales: Sales, firms: FirmState, alliances: AllianceState) -> AllianceMarkets:
    """Each (alliance, market) cell's combined share, revenue and member sellers."""
    alliance = np.where(firms.alive, firms.alliance, NO_ALLIANCE)[sales.firm]
    return alliance_market_shares(
        sales.share, sales.revenue, sales.market, alliance, max(alliances.m, 1), N_MARKETS
    )


def decide_collusion(
    sales: Sales,
    firms: FirmState,
    alliances: AllianceState,
    cooldown: np.ndarray,
    p: ModelParams,
    effects: PolicyEffects,
) -> np.ndarray:
    """Cells whose member sellers collude this quarter, (max(m, 1), N_MARKETS) bool.

    Reason: docs/model.md 6.8: two or more members selling in a domestic market, above the
    sustainability threshold, where the expected fine is below the gain, and not barred.
    """
    c = enforced(p, effects)
    cells = cells_of(sales, firms, alliances)
    decided = collusion_decision(
        cells.share,
        cells.sellers,
        c.collusion_share_threshold,
        c.detection_probability,
        c.fine_rate,
        c.fine_base_quarters,
        c.collusion_margin_uplift,
        cooldown,
        DOMESTIC_MARKETS,
    )
    active = np.zeros(decided.shape[0], dtype=bool)
    active[: alliances.m] = alliances.active
    return np.asarray(decided & active[:, None])


def row_margins(
    sales: Sales,
    firms: FirmState,
    alliances: AllianceState,
    colluding: np.ndarray,
    p: ModelParams,
) -> np.ndarray:
    """Margin of each seller row this quarter: ``mu + Delta mu(S)`` where its alliance colludes.

    Reason: docs/model.md 6.2: a colluding member's own profit terms carry the collusive
    margin, so its R&D condition values a better product at that margin.
    """
    cells = cells_of(sales, firms, alliances)
    alliance = np.where(firms.alive, firms.alliance, NO_ALLIANCE)[sales.firm]
    cell = row_cell(sales.market, alliance, N_MARKETS)
    uplift = margin_uplift(cells.share, p.competition.collusion_margin_uplift)
    rows = colluding[: cells.share.shape[0]]
    return np.asarray(row_margin(p.growth.margin, cell, rows, uplift))


@dataclass(frozen=True)
class Enforcement:
    """The quarter's competition-policy outcome.

    Attributes:
        margin_income: Margin earned per firm row, collusive uplift included (USD m).
        fines: Fines per firm row, collusion and challenged cooperation (USD m).
        harm: Overcharge taken from buyers by colluders (USD m a quarter).
        risk: Share of the domestic markets held by colluding alliances.
        cooldown: Quarters each market stays barred from collusion, after this quarter.
    """

    margin_income: np.ndarray
    fines: np.ndarray
    harm: float
    risk: float
    cooldown: np.ndarray


def over_cap(share: np.ndarray, exempt: np.ndarray, share_cap: float) -> np.ndarray:
    """Cells (alliance, market) of the domestic relevant markets above the guidance's share cap.

    Reason: docs/model.md, the lever table ("antitrust guidance"): the guidance's share cap
    refuses joins above it (``valuation``) and fines members of an alliance whose share of a
    domestic relevant market is above it anyway (grown there by sales, not by joins)
    ``fine_rate`` of their sales in that market each quarter; mandated alliances may be exempt.
    """
    return np.asarray(cap_breached(share, exempt[:, None], share_cap) & DOMESTIC_MARKETS[None, :])


def cap_breached(share: np.ndarray, exempt: np.ndarray, share_cap: float) -> np.ndarray:
    """Where a (non-exempt) alliance's share of a relevant market is above the share cap.

    The guidance's rule for fines (``over_cap``) and for what members expect (``valuation``).
    """
    return np.asarray((share > share_cap) & ~exempt)


def enforce(
    sales: Sales,
    firms: FirmState,
    alliances: AllianceState,
    colluding: np.ndarray,
    effects: PolicyEffects,
    cooldown: np.ndarray,
    p: ModelParams,
    rng: np.random.Generator,
) -> Enforcement:
    """Margins with collusion, enforcement draws, fines, harm and risk for the quarter.

    ``colluding`` comes from ``decide_collusion`` (membership does not change in between);
    ``effects.cap_exempt`` marks mandated alliances never challenged. The draws are one
    uniform per cell and kind, whatever the state (``competition.enforcement_draws``).
    """
    c = enforced(p, effects)
    exempt = effects.cap_exempt
    cells = cells_of(sales, firms, alliances)
    m = cells.share.shape[0]
    colluding = (
        colluding[:m]
        if colluding.shape[0] >= m
        else np.pad(colluding, ((0, m - colluding.shape[0]), (0, 0)))
    )
    free = np.zeros(m, dtype=bool)
    free[: min(m, exempt.size)] = exempt[:m]
    challenge = challenge_probability(
        cells.share,
        colluding,
        free,
        DOMESTIC_MARKETS,
        c.detection_probability,
        c.safe_harbour,
    )
    detected, challenged = enforcement_draws(colluding, challenge, c.detection_probability, rng)
    alliance = np.where(firms.alive, firms.alliance, NO_ALLIANCE)[sales.firm]
    cell = row_cell(sales.market, alliance, N_MARKETS)
    uplift = margin_uplift(cells.share, c.collusion_margin_uplift)
    margin = row_margin(p.growth.margin, cell, colluding, uplift)
    L = c.fine_base_quarters
    fines = member_fines(sales.revenue, cell, detected, c.fine_rate, L) + member_fines(
        sales.revenue, cell, challenged, c.cooperation_fine_rate, L
    )
    fines += member_fines(
        sales.revenue, cell, over_cap(cells.share, free, effects.share_cap), effects.fine_rate, 1.0
    )
    n = firms.n
    return Enforcement(
        margin_income=np.bincount(sales.firm, weights=margin * sales.revenue, minlength=n),
        fines=np.bincount(sales.firm, weights=fines, minlength=n),
        harm=collusion_harm(cells.share, cells.revenue, colluding, c.collusion_margin_uplift),
        risk=collusion_risk(cells.share, colluding, sales.size, DOMESTIC_MARKETS),
        cooldown=update_cooldown(cooldown, detected, c.collusion_cooldown),
    )
