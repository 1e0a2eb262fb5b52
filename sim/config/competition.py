"""Typed parameters of competition policy (version 2, docs/model.md 6.8): ``model.competition``."""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.checks import check_finite_fields, check_range


@dataclass
class CompetitionParams:
    """Safe harbour, enforcement and collusion (docs/model.md 6.8; sources there)."""

    safe_harbour: float = 0.25  # share of the relevant market (EU R&D block exemption, 25 %)
    detection_probability: float = 0.04  # /quarter (about 15 %/yr; Bryant and Eckard 1991)
    fine_rate: float = 0.10  # share of relevant sales over fine_base_quarters (Korea caps 20 %)
    fine_base_quarters: int = 4  # quarters of relevant sales forming the fine base
    cooperation_fine_rate: float = 0.02  # legitimate cooperation challenged above the harbour
    collusion_share_threshold: float = 0.30  # combined share from which collusion is sustainable
    collusion_margin_uplift: float = 0.10  # margin points at a combined share of 1
    collusion_cooldown: int = 8  # quarters a market is barred from collusion after detection

    def __post_init__(self) -> None:
        check_finite_fields(self)
        for name in (
            "safe_harbour",
            "detection_probability",
            "fine_rate",
            "cooperation_fine_rate",
            "collusion_share_threshold",
            "collusion_margin_uplift",
        ):
            check_range(self, name, 0.0, 1.0)
        check_range(self, "safe_harbour", 0.0, 0.99)
        check_range(self, "fine_base_quarters", 0, 40)
        check_range(self, "collusion_cooldown", 0, 400)
