"""The Government agent: holds the scenario's policies and acts first every quarter."""

from __future__ import annotations

from collections.abc import Sequence

from agents.host import AllianceWorld, ModelAgent
from sim.engine.policy import Policy, PolicyEffects, is_active, startup_funding


class Government(ModelAgent):
    """Applies the active policies at the start of each quarter."""

    model: AllianceWorld

    def __init__(self, model: AllianceWorld, policies: Sequence[Policy]) -> None:
        super().__init__(model)
        self.policies = list(policies)

    def act(self, step: int) -> PolicyEffects:
        """Restructure alliances, then return this quarter's policy effects.

        Policies restructure first (a mandate may found an alliance), so the per-alliance
        effect arrays are sized to the alliances that exist when the quarter runs.
        """
        m = self.model
        active = [policy for policy in self.policies if is_active(policy, step)]
        for policy in active:
            policy.restructure(step, m.firms, m.alliances, m.rng)
        effects = PolicyEffects.neutral(m.firms.n, m.alliances.m, m.params.choice.baseline_clarity)
        for policy in active:
            policy.apply(step, m.firms, m.alliances, effects, m.rng)
        effects.startup_funding = startup_funding(m.firms, effects.subsidy)
        return effects
