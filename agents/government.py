"""The Government agent: holds the budget's policies and acts first every quarter."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.policy import Policy, PolicyEffects, is_active

if TYPE_CHECKING:
    from sim.model import AllianceModel


class Government(mesa.Agent):
    """Applies the active policies at the start of each quarter."""

    model: AllianceModel

    def __init__(self, model: AllianceModel, policies: list[Policy]) -> None:
        super().__init__(model)
        self.policies = list(policies)

    def act(self, step: int) -> PolicyEffects:
        """Return this quarter's policy effects (neutral where no policy acts)."""
        m = self.model
        effects = PolicyEffects.neutral(m.firms.n, m.alliances.m, m.params.choice.baseline_clarity)
        for policy in self.policies:
            if is_active(policy, step):
                policy.apply(step, m.firms, m.alliances, effects, m.rng)
        return effects
