"""Policy levers (docs/model.md 6.10), built from a scenario's config; one registry of levers.

``LEVERS`` lists every lever in the order the government applies them each quarter. Its keys
are exactly the lever fields of ``sim.config.levers.ScenarioConfig`` (checked when levers
are built and by ``tests/scenarios/test_lever_registry.py``), so a lever cannot be configured and
silently never applied.

To add a lever: its typed config (a ``LeverWindow``) as a field of ``ScenarioConfig``, a
``Lever`` subclass in this package, and one ``LeverSpec`` row here, placed where it must act.
"""

from __future__ import annotations

from dataclasses import dataclass

from scenarios.policies.antitrust import AntitrustGuidance
from scenarios.policies.enforcement import Enforcement
from scenarios.policies.lever import Lever
from scenarios.policies.mega_alliance import MegaAllianceMandate
from scenarios.policies.open_data import OpenData
from scenarios.policies.public_compute import PublicCompute
from scenarios.policies.subsidy import SubsidyFocus
from scenarios.policies.tournament import SovereignTournament
from sim.config.levers import ScenarioConfig, lever_fields


@dataclass(frozen=True)
class LeverSpec:
    """One lever: the scenario key that configures it, its class, and why it acts when it does.

    Attributes:
        key: The field of ``ScenarioConfig`` holding its config (``None``: not used).
        lever: The ``Lever`` subclass built from that config.
        order_reason: Why it sits where it does in the order of application.
    """

    key: str
    lever: type[Lever]
    order_reason: str


# The order of application within a quarter (restructure, then apply, lever by lever).
LEVERS: tuple[LeverSpec, ...] = (
    LeverSpec(
        "mega_alliance",
        MegaAllianceMandate,
        "first: it founds the mandated alliance and marks it as mandated, which the money "
        "levers' 'mandated' eligibility reads",
    ),
    LeverSpec(
        "antitrust",
        AntitrustGuidance,
        "sets clarity, the share cap and fines, which do not depend on the other levers",
    ),
    LeverSpec(
        "enforcement",
        Enforcement,
        "after guidance: both may lower the share cap, and the lower one holds",
    ),
    LeverSpec("subsidy", SubsidyFocus, "after the mandate, whose members it may target"),
    LeverSpec("public_compute", PublicCompute, "after the mandate, whose members it may target"),
    LeverSpec("open_data", OpenData, "independent of the others"),
    LeverSpec(
        "tournament",
        SovereignTournament,
        "last: ranks the consortia as the other levers left them",
    ),
)


def build_policies(scenario: ScenarioConfig) -> list[Lever]:
    """The levers a scenario pulls, in the order the government applies them.

    Raises:
        RuntimeError: The registry and ``ScenarioConfig``'s lever fields disagree (a
            programming error: a configured lever would otherwise never act).
    """
    configured = lever_fields()
    registered = [spec.key for spec in LEVERS]
    if sorted(registered) != sorted(configured):
        raise RuntimeError(
            f"scenarios.policies.LEVERS has keys {registered} but ScenarioConfig has lever "
            f"fields {sorted(configured)}: add the missing LeverSpec row"
        )
    return [
        spec.lever(getattr(scenario, spec.key))
        for spec in LEVERS
        if getattr(scenario, spec.key) is not None
    ]


__all__ = [
    "LEVERS",
    "AntitrustGuidance",
    "Lever",
    "LeverSpec",
    "MegaAllianceMandate",
    "OpenData",
    "PublicCompute",
    "SovereignTournament",
    "SubsidyFocus",
    "build_policies",
]
