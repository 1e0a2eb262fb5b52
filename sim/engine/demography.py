"""Startups exiting and entering (version 1; README, "One quarter", stage 5)."""

from __future__ import annotations

import numpy as np

from sim.config.schema import GrowthParams
from sim.engine.state import NO_ALLIANCE, STARTUP, FirmState


def bankrupt(
    kind: np.ndarray, capital: np.ndarray, alive: np.ndarray, floor: float = 0.0
) -> np.ndarray:
    """Startups whose capital fell below ``floor`` (conglomerates are backed by their groups).

    Reason: the design's rule is capital below zero (``floor`` = 0); since R&D spending is
    capped at a share of capital, capital only decays towards zero, so a small positive
    floor (the least a startup needs to keep a team) is the default.
    """
    return alive & (kind == STARTUP) & (capital < floor)


def remove_exits(firms: FirmState, step: int, floor: float = 0.0) -> np.ndarray:
    """Mark bankrupt startups as exited; they leave their alliance and their row freezes."""
    gone = np.flatnonzero(bankrupt(firms.kind, firms.capital, firms.alive, floor))
    return retire(firms, gone, step)


def retire(firms: FirmState, gone: np.ndarray, step: int) -> np.ndarray:
    """Firms ``gone`` exit at ``step``: they leave their alliance and their row freezes."""
    firms.alive[gone] = False
    firms.exited[gone] = step
    firms.alliance[gone] = NO_ALLIANCE
    return gone


def expected_entrants(
    initial_startups: int, startup_funding: float, median_capital: float, p: GrowthParams
) -> float:
    """Expected new startups this quarter.

    Reason: a base rate of founding, raised by funding: each median startup's worth of
    subsidy per expected entrant adds ``entry_funding_elasticity`` to the multiplier.
    """
    base = p.entry_rate * initial_startups
    if base <= 0:
        return 0.0
    funding_ratio = startup_funding / (median_capital * base)
    return base * (1.0 + p.entry_funding_elasticity * funding_ratio)
