"""Public compute: a government GPU cluster that lowers eligible firms' R&D cost."""

from __future__ import annotations

import numpy as np

from sim.config import PublicComputeConfig
from sim.policy import PolicyEffects
from sim.state import NO_ALLIANCE, OPEN, STARTUP, AllianceState, FirmState


def eligible(
    rule: str, kind: np.ndarray, alliance: np.ndarray, regime: np.ndarray, alive: np.ndarray
) -> np.ndarray:
    """Firms an eligibility rule admits: all, startups, or members of open alliances."""
    if rule == "startups":
        return alive & (kind == STARTUP)
    if rule == "open_members":
        inside = alliance != NO_ALLIANCE
        return alive & inside & (regime[np.where(inside, alliance, 0)] == OPEN)
    return alive.copy()


class PublicCompute:
    """Eligible firms pay only part of their R&D cost; the state pays the rest.

    Reason: compute is the main R&D cost of AI; a shared public cluster lowers it for the
    firms allowed to use it. What the state pays is counted as government spending.
    """

    def __init__(self, cfg: PublicComputeConfig) -> None:
        self.cfg = cfg
        self.start, self.end = cfg.start, cfg.end

    def apply(
        self,
        step: int,
        firms: FirmState,
        alliances: AllianceState,
        effects: PolicyEffects,
        rng: np.random.Generator,
    ) -> None:
        """Set the cost share paid by the state for eligible firms."""
        regime = alliances.regime if alliances.m else np.zeros(1, np.int8)
        who = eligible(self.cfg.eligibility, firms.kind, firms.alliance, regime, firms.alive)
        effects.cost_reduction[who] = self.cfg.cost_reduction
