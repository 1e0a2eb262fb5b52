"""Typed configs of the six policy levers (docs/model.md, section 6.10) and of a scenario.

A scenario names the levers it pulls; a lever left ``None`` is not used. Every lever acts
from quarter ``start`` (inclusive) to ``end`` (exclusive). Money is in USD millions per
quarter.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field, fields
from itertools import pairwise

import numpy as np

from sim.config.checks import (
    MAX_STEPS,
    ConfigError,
    check_choice,
    check_finite_fields,
    check_order,
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
        check_order(self, "start", "end", strict=True)


@dataclass
class MegaAllianceConfig(LeverWindow):
    """A government-mandated national alliance of the top firms of every domain."""

    name: str = "National AI Alliance"  # display name of the mandated alliance
    regime: str = "open"  # open | closed
    invite_per_domain: int = 2  # top domestic firms invited per domain, conglomerates first
    mandate_strength: float = 1.0  # utility pull toward the mandated alliance (>= 0)
    mission: float = 0.3  # mission: v1 utility bonus; v2 share of depth (>= 0)
    member_value: float = 0.5  # v2: USD m a quarter each domestic member gets (procurement)
    refusal_cost: float = 0.0  # v2: USD m a quarter each invited firm pays while outside it
    federate: bool = False  # place existing domestic-led alliances inside it
    budget: float = 0.0  # USD m per quarter shared equally by its domestic members
    cap_exempt: bool = True  # the antitrust share cap and fines do not apply to it

    def __post_init__(self) -> None:
        check_finite_fields(self)
        super().__post_init__()
        check_choice(self, "regime", REGIME_NAMES)
        check_range(self, "invite_per_domain", 1)
        for name in ("mandate_strength", "mission", "budget", "member_value", "refusal_cost"):
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
    target_domains: list[str] = field(
        default_factory=lambda: list(DOMAINS)
    )  # domains whose firms are eligible (names from DOMAINS)
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
    """Sovereign AI tournament: a call, a shortlist, a selection, then reviews to finalists.

    ``stages`` lists ``[quarter, keep]`` pairs in order. The first is the call: every
    eligible consortium (an active domestic-led alliance of at least ``min_members``
    members) whose expected funding (funded while its rank by the jury's score is within the
    places every stage keeps, at its odds under ``jury_noise``) exceeds
    ``application_cost`` applies, at most ``keep`` of them (the best-scoring). Each later
    stage keeps the ``keep`` best-scoring of those still in (score: members' mean
    capability plus the jury's error); stage ``selection_stage`` is the selection, from
    which the consortia still in are paid ``funding`` a quarter until ``end``. Stages in
    the same quarter run in order. The call is announced ``announce_lead`` quarters before
    it (``announced``): from then until the call, consortia form by firms' choices
    (docs/model.md 6.10).
    Quarters are steps: in ``korea_2024`` step 0 is 2024 Q1 (``sim.engine.history.step_of``
    maps a date to its step). The defaults are Korea's independent AI foundation model
    programme (독자 AI 파운데이션 모델, Ministry of Science and ICT) in ``korea_2024``;
    the keys ``msit_*`` and ``model_md`` are in ``scenarios/worlds/data/korea_2024.yaml``
    (``sources`` and ``policies_observed.sovereign_ai_foundation_model_2025``).
    """

    # Money stops at 2028 Q1 (exclusive), so the finalists are funded through 2027
    # (assumption: model_md's "2 by 2027" read as the programme's last year).
    end: int = 16
    stages: list[list[int]] = field(
        default_factory=lambda: [
            [5, 15],  # 2025 Q2: the call (opened 2025-06); 15 applied, source: 바이라인네트워크,
            # "독자 AI 파운데이션 모델 프로젝트 총 15개팀 참여 확정", 2025-07-21
            [6, 10],  # 2025 Q3: 10 shortlisted on documents, source: 노컷뉴스, "독자 AI
            # 파운데이션 모델 10개 정예팀 선발 (서면평가)", 2025-07
            [6, 5],  # 2025 Q3: 5 selected, source: 서울와이어, "과기정통부, 'AI 파운데이션 모델'
            # 개발 정예팀 5곳 선정", 2025-08
            [7, 4],  # 2025 Q4: first review, 4 remain (model_md; the date 2025-12 is the
            # data file's, no article gives it)
            [9, 4],  # 2026 Q2: review six months on; no source gives its count: keeps 4
            # (assumption)
            [11, 2],  # 2026 Q4: review six months on, 2 finalists "by 2027" (model_md)
        ]
    )
    selection_stage: int = 2  # index in stages of the selection, from which money is paid
    # USD m a quarter per selected consortium, shared by its domestic members: the
    # programme's KRW 193.6 bn (msit_* keys, 2025) at KRW 1,400 per USD (assumption: about
    # the 2025 average) over the 5 teams and the 2 quarters of 2025 after selection
    # (assumption: it is the 2025 budget), kept for later quarters (assumption)
    funding: float = 13.8
    # USD m a consortium's proposal costs it (forming the team, writing and presenting the
    # plan): assumption. Only the decision to apply weighs it; the lever does not charge it.
    application_cost: float = 0.5
    min_members: int = 2  # smallest alliance that counts as a consortium
    # Quarters from the call's announcement to its application (the first stage): from then
    # on, the consortium's expected funding enters domestic firms' membership values
    # (docs/model.md 6.10, "Consortia formed for the call"), not before ``start``; 0: firms
    # learn of the call when it opens. The National AI Committee announced the 'World Best
    # LLM' project, open to teams of firms, on 2025-02-20 (뉴스1, "정부,'AI 국가대표' 선발해
    # '한국형 챗GPT' 만든다(종합)", fnnews.com/news/202502201631186469), and applications
    # closed on 2025-07-21 (뉴스웍스, 2025-06-20,
    # newsworks.co.kr/news/articleView.html?idxno=800434): five months, about 2 quarters.
    # The model runs the application at the start of the call's quarter, so the lead is
    # kept, not the date (assumption; by date the announcement falls in 2025 Q1, one quarter
    # before the call's quarter).
    announce_lead: int = 2
    # The jury's error: every stage ranks a consortium by its members' mean capability plus
    # one normal draw of this standard deviation (on the capability index, the frontier at
    # 1), drawn once per consortium at the call (the jury's view of a team); applicants
    # weigh their odds under it (docs/model.md 6.10). No source gives it: calibrated to the
    # reported stages (in-sample, seeds 0-15 of korea_2024, 2026-12-06): the least value of
    # the grid 0.09, 0.10, ..., 0.13 at which the consortia that would apply reach the
    # reported 15 in every seed (15-21, mean 18.2; docs/model.md 6.10 and finding 52; 0.06
    # before founders decided in order, 0.03 and 0.045 earlier); 0: the deterministic
    # ranking by capability.
    jury_noise: float = 0.12

    def __post_init__(self) -> None:
        check_finite_fields(self)
        super().__post_init__()
        check_range(self, "funding", 0.0)
        check_range(self, "jury_noise", 0.0)
        check_range(self, "application_cost", 0.0)
        check_range(self, "min_members", 1)
        check_range(self, "announce_lead", 0, MAX_STEPS)
        stages = list(self.stages)
        name = f"{type(self).__name__}.stages={stages!r}"
        if not stages or not all(self._is_pair(s) for s in stages):
            raise ConfigError(
                f"{name} is not allowed; allowed: a non-empty list of [quarter, keep] integers"
            )
        quarters = [q for q, _ in stages]
        keeps = [k for _, k in stages]
        if any(k < 1 for k in keeps) or any(b > a for a, b in pairwise(keeps)):
            raise ConfigError(
                f"{name} is not allowed; allowed: counts (keep) at least 1 that never increase"
            )
        if any(b < a for a, b in pairwise(quarters)):
            raise ConfigError(f"{name} is not allowed; allowed: quarters that never decrease")
        if quarters[0] < self.start or quarters[-1] >= self.end:
            raise ConfigError(
                f"{name} is not allowed; allowed: quarters inside the lever's window "
                f"[start={self.start}, end={self.end})"
            )
        check_range(self, "selection_stage", 0, len(stages) - 1)

    @property
    def announced(self) -> int:
        """The quarter the call is announced: ``announce_lead`` before it, not before ``start``.

        Like every lever, the tournament acts only inside its window: a lead longer than the
        window allows is cut at ``start``. An announcement pays nothing and runs no stage.
        """
        return max(self.start, self.stages[0][0] - self.announce_lead)

    @staticmethod
    def _is_pair(value: object) -> bool:
        """Whether ``value`` is a ``[quarter, keep]`` pair of integers."""
        return (
            isinstance(value, list | tuple)
            and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        )


def funded_slots(cfg: TournamentConfig) -> np.ndarray:
    """Consortia funded in each quarter from the selection to ``end``, as planned.

    The count in force in a quarter is the ``keep`` of the last stage at or before it.
    """
    plan = cfg.stages[cfg.selection_stage :]
    first = plan[0][0]
    slots = np.zeros(cfg.end - first, dtype=np.int64)
    for quarter, keep in plan:
        slots[quarter - first :] = keep
    return slots


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
