"""Open public data: curated public datasets raise what every firm learns from others."""

from __future__ import annotations

import numpy as np

from scenarios.policies.lever import Lever
from sim.config.levers import OpenDataConfig
from sim.engine.policy import PolicyEffects
from sim.engine.state import AllianceState, FirmState


class OpenData(Lever):
    """Raises the public spillover rate; its running cost is government spending.

    Reason: public data lowers the cost of building on others' published work, which in
    the R&D game is a higher spillover among firms outside closed alliances.
    """

    cfg: OpenDataConfig

    def apply(
        self,
        step: int,
        firms: FirmState,
        alliances: AllianceState,
        effects: PolicyEffects,
        rng: np.random.Generator,
    ) -> None:
        """Add the spillover bonus and book the quarter's cost."""
        effects.spillover_bonus += self.cfg.spillover_bonus
        effects.spend += self.cfg.cost
