"""Antitrust guidance: clarity of safe harbours, an enforced share cap, fines."""

from __future__ import annotations

import numpy as np

from scenarios.policies.lever import Lever
from sim.config.levers import AntitrustConfig
from sim.engine.policy import PolicyEffects
from sim.engine.state import AllianceState, FirmState


class AntitrustGuidance(Lever):
    """Clear rules lower the legal risk of joining; a cap refuses joining above a share.

    Reason: firms hesitate to cooperate when cooperation may later be judged collusion;
    published safe harbours remove that doubt, while an enforced cap and fines keep large
    alliances from closing the market.
    """

    cfg: AntitrustConfig

    def apply(
        self,
        step: int,
        firms: FirmState,
        alliances: AllianceState,
        effects: PolicyEffects,
        rng: np.random.Generator,
    ) -> None:
        """Set clarity, the share cap and the fine rate for this quarter.

        Clarity replaces the baseline clarity (0 models guidance that adds legal doubt).
        """
        effects.clarity = self.cfg.clarity  # guidance sets clarity, above or below baseline
        effects.share_cap = min(effects.share_cap, self.cfg.share_cap)
        effects.fine_rate = max(effects.fine_rate, self.cfg.fine_rate)
