"""Policy levers (MODEL.md section 5), built from a scenario's config."""

from __future__ import annotations

from scenarios.policies.antitrust import AntitrustGuidance
from scenarios.policies.public_compute import PublicCompute
from sim.config import ScenarioConfig
from sim.policy import Policy


def build_policies(scenario: ScenarioConfig) -> list[Policy]:
    """The policy objects a scenario switches on, in the order the government applies them."""
    policies: list[Policy] = []
    if scenario.antitrust is not None:
        policies.append(AntitrustGuidance(scenario.antitrust))
    if scenario.public_compute is not None:
        policies.append(PublicCompute(scenario.public_compute))
    return policies


__all__ = ["AntitrustGuidance", "PublicCompute", "build_policies"]
