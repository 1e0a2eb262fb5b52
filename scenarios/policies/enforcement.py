"""Enforcement against collusion: detection, fines and a share cap (version 2)."""

from __future__ import annotations

import numpy as np

from scenarios.policies.lever import Lever
from sim.config.levers import EnforcementConfig
from sim.engine.policy import PolicyEffects
from sim.engine.state import AllianceState, FirmState


class Enforcement(Lever):
    """A competition authority that looks harder and fines more deters collusion.

    Reason: docs/model.md 6.8: collusion pays while ``max uplift x S > p phi L``; raising the
    detection probability p and the fine rate phi raises the deterrence share. Clarity (the
    antitrust guidance lever) is a separate lever: it changes what firms fear, not what the
    authority does.
    """

    cfg: EnforcementConfig

    def apply(
        self,
        step: int,
        firms: FirmState,
        alliances: AllianceState,
        effects: PolicyEffects,
        rng: np.random.Generator,
    ) -> None:
        """Raise detection and the collusion fine rate; lower the share cap."""
        effects.detection = max(effects.detection, self.cfg.detection_probability)
        effects.collusion_fine_rate = max(effects.collusion_fine_rate, self.cfg.fine_rate)
        effects.share_cap = min(effects.share_cap, self.cfg.share_cap)
