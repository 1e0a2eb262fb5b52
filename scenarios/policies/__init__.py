"""Policy levers (MODEL.md section 5), built from a scenario's config."""

from __future__ import annotations

from scenarios.policies.antitrust import AntitrustGuidance
from scenarios.policies.lever import Lever
from scenarios.policies.mega_alliance import MegaAllianceMandate
from scenarios.policies.open_data import OpenData
from scenarios.policies.public_compute import PublicCompute
from scenarios.policies.subsidy import SubsidyFocus
from scenarios.policies.tournament import SovereignTournament
from sim.config.levers import ScenarioConfig

LEVERS: dict[str, type[Lever]] = {
    "mega_alliance": MegaAllianceMandate,
    "antitrust": AntitrustGuidance,
    "subsidy": SubsidyFocus,
    "public_compute": PublicCompute,
    "open_data": OpenData,
    "tournament": SovereignTournament,
}


def build_policies(scenario: ScenarioConfig) -> list[Lever]:
    """The levers a scenario pulls, in the order the government applies them."""
    return [
        lever(getattr(scenario, key))
        for key, lever in LEVERS.items()
        if getattr(scenario, key) is not None
    ]


__all__ = [
    "LEVERS",
    "AntitrustGuidance",
    "Lever",
    "MegaAllianceMandate",
    "OpenData",
    "PublicCompute",
    "SovereignTournament",
    "SubsidyFocus",
    "build_policies",
]
