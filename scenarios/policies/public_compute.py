"""Public compute: a government GPU cluster that lowers eligible firms' R&D cost."""

from __future__ import annotations

import numpy as np

from scenarios.policies.lever import Lever, eligible
from sim.config.levers import PublicComputeConfig
from sim.engine.policy import PolicyEffects
from sim.engine.state import AllianceState, FirmState


class PublicCompute(Lever):
    """Eligible firms pay only part of their R&D cost; the state pays the rest.

    Reason: compute is the main R&D cost of AI; a shared public cluster lowers it for the
    firms allowed to use it. What the state pays is counted as government spending.
    """

    cfg: PublicComputeConfig

    def apply(
        self,
        step: int,
        firms: FirmState,
        alliances: AllianceState,
        effects: PolicyEffects,
        rng: np.random.Generator,
    ) -> None:
        """Set the cost share paid by the state for eligible firms."""
        who = eligible(self.cfg.eligibility, firms, alliances, effects)
        effects.cost_reduction[who] = np.maximum(
            effects.cost_reduction[who], self.cfg.cost_reduction
        )
