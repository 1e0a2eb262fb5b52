"""What every policy lever shares: its active window and who it may pay."""

from __future__ import annotations

import numpy as np

from sim.config.levers import LeverWindow
from sim.config.vocabulary import DOMESTIC
from sim.engine.policy import PolicyEffects
from sim.engine.state import NO_ALLIANCE, OPEN, STARTUP, AllianceState, FirmState


class Lever:
    """A policy acting from ``cfg.start`` to ``cfg.end``; subclasses write ``apply``.

    ``restructure`` runs before the quarter's effects are built and may found or federate
    alliances; ``apply`` writes this quarter's ``PolicyEffects``.
    """

    def __init__(self, cfg: LeverWindow) -> None:
        self.cfg = cfg
        self.start, self.end = cfg.start, cfg.end

    def restructure(
        self, step: int, firms: FirmState, alliances: AllianceState, rng: np.random.Generator
    ) -> None:
        """Change the alliance structure at the start of quarter ``step`` (default: none)."""

    def apply(
        self,
        step: int,
        firms: FirmState,
        alliances: AllianceState,
        effects: PolicyEffects,
        rng: np.random.Generator,
    ) -> None:
        """Write this lever's changes for quarter ``step`` into ``effects``."""
        raise NotImplementedError


def alliance_flags(alliances: AllianceState, rule: str, effects: PolicyEffects) -> np.ndarray:
    """Per alliance (at least one row): whether its members are eligible under ``rule``.

    ``mandated`` means under a mandate this quarter (``effects.mandated``, which the
    mega-alliance lever sets before the money levers run), not founded by one once.
    """
    if not alliances.m:
        return np.zeros(1, dtype=bool)
    if rule == "open_members":
        return alliances.active & (alliances.regime == OPEN)
    if rule == "mandated":
        return alliances.active & effects.mandated[: alliances.m]
    return alliances.active.copy()


def eligible(
    rule: str, firms: FirmState, alliances: AllianceState, effects: PolicyEffects
) -> np.ndarray:
    """Domestic firms alive that an eligibility rule admits.

    Args:
        rule: ``all``, ``startups``, ``open_members`` (members of open alliances) or
            ``mandated`` (members of a government-mandated alliance).
        firms: The firm rows.
        alliances: The alliance rows.
        effects: This quarter's effects so far (which alliances are mandated).

    Returns:
        A boolean mask over firm rows. Foreign firms are never eligible.
    """
    who = firms.alive & (firms.region == DOMESTIC)
    if rule == "startups":
        return who & (firms.kind == STARTUP)
    if rule in ("open_members", "mandated"):
        inside = firms.alliance != NO_ALLIANCE
        flags = alliance_flags(alliances, rule, effects)
        return who & inside & flags[np.where(inside, firms.alliance, 0)]
    return who


def share_equally(budget: float, who: np.ndarray, subsidy: np.ndarray) -> float:
    """Add ``budget`` split equally over the rows in ``who`` to ``subsidy``.

    Returns:
        The amount per firm (0 when nobody is eligible; nothing is paid then).
    """
    count = int(who.sum())
    if count == 0 or budget <= 0:
        return 0.0
    each = budget / count
    subsidy[who] += each
    return each


def domestic_members(firms: FirmState, alliance: int) -> np.ndarray:
    """Mask of the alive domestic members of ``alliance`` (whom the state may pay)."""
    return firms.alive & (firms.alliance == alliance) & (firms.region == DOMESTIC)
