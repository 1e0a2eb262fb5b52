"""Typed configs of the six policy levers (docs/model.md, section 6.10) and of a scenario.

A scenario names the levers it pulls; a lever left ``None`` is not used. Every lever acts
from quarter ``start`` (inclusive) to ``end`` (exclusive). Money is in USD millions per
quarter.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field, fields

from sim.config.checks import (
    MAX_STEPS,
    ConfigError,
    check_choice,
    check_finite_fields,
    check_plain_name,
    check_range,
    check_unique,
)
from sim.config.vocabulary import DOMAINS, REGIME_NAMES

ELIGIBILITY: tuple[str, ...] = ("all", "startups", "open_members", "mandated")
SCHEDULES: tuple[str, ...] = ("sustained", "fad")
INFRASTRUCTURE_DOMAINS: tuple[str, ...] = (
    "foundation_models",
    "ai_chips",
    "cloud_infrastructure",
    "data",
)


@dataclass
class LeverWindow:
    """When a lever acts: quarters ``start`` to ``end`` (exclusive)."""

    start: int = 0  # first quarter the lever acts
    end: int = 10_000  # quarter it stops acting (exclusive)

    def __post_init__(self) -> None:
        check_finite_fields(self)
        check_range(self, "start", 0, MAX_STEPS - 1)
        check_range(self, "end", self.start + 1)


@dataclass
class MegaAllianceConfig(LeverWindow):
    """A government-mandated national alliance of the top firms of every domain."""

    name: str = "National AI Alliance"
    regime: str = "open"  # open | closed
    invite_per_domain: int = 2  # top domestic firms invited per domain, conglomerates first
    mandate_strength: float = 1.0  # utility pull toward the mandated alliance (>= 0)
    mission: float = 0.3  # complementarity bonus of the coordinated mission (>= 0)
    member_value: float = 0.5  # v2: USD m a quarter each domestic member gets (procurement)
    federate: bool = False  # place existing domestic-led alliances inside it
    budget: float = 0.0  # USD m per quarter shared equally by its domestic members
    cap_exempt: bool = True  # the antitrust share cap and fines do not apply to it

    def __post_init__(self) -> None:
        check_finite_fields(self)
        super().__post_init__()
        check_choice(self, "regime", REGIME_NAMES)
        check_range(self, "invite_per_domain", 1)
        for name in ("mandate_strength", "mission", "budget", "member_value"):
            check_range(self, name, 0.0)


@dataclass
class AntitrustConfig(LeverWindow):
    """Antitrust guidance: clarity of safe harbours, an enforced share cap, fines."""

    clarity: float = 0.9  # 0 legal uncertainty, 1 clear safe harbours
    share_cap: float = 1.0  # joining an alliance above this market share is refused
    fine_rate: float = 0.0  # share of revenue fined each quarter from members above the cap

    def __post_init__(self) -> None:
        check_finite_fields(self)
        super().__post_init__()
        for name in ("clarity", "share_cap", "fine_rate"):
            check_range(self, name, 0.0, 1.0)


@dataclass
class EnforcementConfig(LeverWindow):
    """Enforcement against collusion (version 2, docs/model.md 6.8): separate from clarity.

    While active, the detection probability and the collusion fine rate are at least these
    (``model.competition`` holds the status quo), and joining above the share cap is refused.
    """

    detection_probability: float = 0.1  # /quarter (strong: about 34 %/yr)
    fine_rate: float = 0.2  # share of relevant sales over the fine base (Korea's cap, 20 %)
    share_cap: float = 1.0  # joining an alliance above this domestic market share is refused

    def __post_init__(self) -> None:
        check_finite_fields(self)
        super().__post_init__()
        for name in ("detection_probability", "fine_rate", "share_cap"):
            check_range(self, name, 0.0, 1.0)


@dataclass
class SubsidyConfig(LeverWindow):
    """Subsidies for eligible domestic firms of target domains, sustained or fad-chasing.

    Under ``fad`` the money follows the hottest target domain (the one whose domestic
    revenue grew most since the last switch), switches every ``switch_every`` quarters to
    the next hottest, and stops paying ``hype_quarters`` after ``start``.
    """

    budget: float = 200.0  # USD m per quarter, shared equally by eligible firms
    target_domains: list[str] = field(default_factory=lambda: list(DOMAINS))
    eligibility: str = "all"  # all | startups | open_members | mandated
    schedule: str = "sustained"  # sustained | fad
    switch_every: int = 4  # fad: quarters between switches of the hot domain
    hype_quarters: int = 12  # fad: quarters after start when the hype ends and money stops

    def __post_init__(self) -> None:
        check_finite_fields(self)
        super().__post_init__()
        check_range(self, "budget", 0.0)
        check_choice(self, "eligibility", ELIGIBILITY)
        check_choice(self, "schedule", SCHEDULES)
        check_range(self, "switch_every", 1)
        check_range(self, "hype_quarters", 1)
        unknown = [d for d in self.target_domains if d not in DOMAINS]
        if unknown or not self.target_domains:
            raise ConfigError(
                f"SubsidyConfig.target_domains={list(self.target_domains)!r} is not allowed; "
                f"allowed: a non-empty list from {', '.join(DOMAINS)}"
            )
        check_unique(self, "target_domains")


@dataclass
class PublicComputeConfig(LeverWindow):
    """A government GPU cluster lowering the R&D cost of eligible firms."""

    cost_reduction: float = 0.3  # share of R&D cost the cluster saves an eligible firm
    eligibility: str = "startups"  # all | startups | open_members | mandated

    def __post_init__(self) -> None:
        check_finite_fields(self)
        super().__post_init__()
        check_range(self, "cost_reduction", 0.0, 0.9)
        check_choice(self, "eligibility", ELIGIBILITY)


@dataclass
class OpenDataConfig(LeverWindow):
    """Open public data: raises the public spillover every firm learns from."""

    spillover_bonus: float = 0.1  # added to the public spillover rate
    cost: float = 20.0  # USD m per quarter of curating and hosting the data

    def __post_init__(self) -> None:
        check_finite_fields(self)
        super().__post_init__()
        check_range(self, "spillover_bonus", 0.0, 1.0)
        check_range(self, "cost", 0.0)


@dataclass
class TournamentConfig(LeverWindow):
    """Sovereign AI tournament: fund the best consortia, cut the weakest every few quarters.

    Consortia are active domestic-led alliances with at least ``min_members`` members,
    ranked by their members' mean capability.
    """

    consortia: int = 5  # consortia funded at the start
    funding: float = 50.0  # USD m per quarter per funded consortium, shared by its members
    cut_every: int = 2  # quarters between evaluation rounds
    cut: int = 1  # consortia dropped at each round
    finalists: int = 2  # cutting stops when this many remain
    min_members: int = 2  # smallest alliance that counts as a consortium

    def __post_init__(self) -> None:
        check_finite_fields(self)
        super().__post_init__()
        check_range(self, "consortia", 1)
        check_range(self, "funding", 0.0)
        check_range(self, "cut_every", 1)
        check_range(self, "cut", 0)
        check_range(self, "finalists", 1, self.consortia)
        check_range(self, "min_members", 1)


@dataclass
class ScenarioConfig:
    """A named combination of levers. A lever left ``None`` is not used."""

    name: str = "baseline"
    description: str = "No policy beyond the status quo."
    mega_alliance: MegaAllianceConfig | None = None
    antitrust: AntitrustConfig | None = None
    enforcement: EnforcementConfig | None = None
    subsidy: SubsidyConfig | None = None
    public_compute: PublicComputeConfig | None = None
    open_data: OpenDataConfig | None = None
    tournament: TournamentConfig | None = None

    def __post_init__(self) -> None:
        check_finite_fields(self)
        check_plain_name(self, "name")  # it names result folders


def lever_fields() -> dict[str, type[LeverWindow]]:
    """The lever keys of ``ScenarioConfig`` and the config class each holds.

    A lever key is a field whose type is ``SomeLeverConfig | None``; the registry of levers
    (``scenarios.policies.LEVERS``) must have exactly these keys.
    """
    hints = typing.get_type_hints(ScenarioConfig)
    out: dict[str, type[LeverWindow]] = {}
    for f in fields(ScenarioConfig):
        for arg in typing.get_args(hints[f.name]):
            if isinstance(arg, type) and issubclass(arg, LeverWindow):
                out[f.name] = arg
    return out
