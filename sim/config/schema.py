"""Typed run configuration: dataclasses registered with Hydra's ConfigStore.

Every weight, rate and size the model uses is a field here with a documented default;
the YAML files under ``configs/`` only choose among and override these. Range checks run
in ``__post_init__`` so a bad value fails when the config is built, naming the key.

This module ties the groups together (``RunConfig``, ``ModelParams``) and re-exports each
group from its own module: ``world`` (``WorldConfig``), ``choice`` (``ChoiceParams``),
``rnd`` (``RnDParams``), ``growth`` (``GrowthParams``), ``markets``, ``competition``,
``analysis_config`` (``AnalysisConfig``, ``TargetConfig``), ``levers`` and ``uncertainty``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hydra.core.config_store import ConfigStore

from sim.config.analysis_config import (
    ANALYSIS_METHODS,
    ANALYSIS_SOURCES,
    TARGET_MEASURES,
    AnalysisConfig,
    TargetConfig,
    default_targets,
)
from sim.config.checks import (
    MAX_FIRMS,
    MAX_REPLICATES,
    MAX_SEED,
    MAX_STEPS,
    ConfigError,
    check_choice,
    check_finite_fields,
    check_order,
    check_plain_name,
    check_range,
    check_tree,
    check_weights,
)
from sim.config.choice import ChoiceParams
from sim.config.competition import CompetitionParams
from sim.config.growth import MAX_LEARNING_RATE, GrowthParams
from sim.config.levers import ScenarioConfig
from sim.config.markets import MarketParams
from sim.config.rnd import RELATEDNESS, RnDParams
from sim.config.uncertainty import UncertaintyConfig
from sim.config.vocabulary import N_DOMAINS, REGIONS
from sim.config.world import WorldConfig

# the names this module has always offered (``from sim.config.schema import X``), whichever
# module of sim.config now defines them
__all__ = [
    "ANALYSIS_METHODS",
    "ANALYSIS_SOURCES",
    "ECONOMICS",
    "ENGINES",
    "MAX_FIRMS",
    "MAX_LEARNING_RATE",
    "MAX_REPLICATES",
    "MAX_SEED",
    "MAX_STEPS",
    "N_DOMAINS",
    "REGIONS",
    "RELATEDNESS",
    "TARGET_MEASURES",
    "AnalysisConfig",
    "ChoiceParams",
    "CompetitionParams",
    "ConfigError",
    "GrowthParams",
    "MarketParams",
    "ModelParams",
    "ReportingParams",
    "RnDParams",
    "RunConfig",
    "ScenarioConfig",
    "TargetConfig",
    "UncertaintyConfig",
    "WorldConfig",
    "as_plain",
    "check_choice",
    "check_finite_fields",
    "check_order",
    "check_plain_name",
    "check_range",
    "check_tree",
    "check_weights",
    "default_targets",
    "register_configs",
]

ENGINES: tuple[str, ...] = ("vectorised", "agents")
ECONOMICS: tuple[str, ...] = ("v1", "v2")  # the economics of design version 1 or 2


@dataclass
class ReportingParams:
    """Thresholds used by the per-step outcomes (docs/outcomes.md)."""

    antitrust_threshold: float = 0.3  # alliance market share above which collusion is a risk
    hollow_threshold: float = 0.25  # member is hollow if its effort < this x alliance mean
    hollow_share_of_alone: float = 0.5  # v2: hollow if its R&D inside < this x its R&D alone

    def __post_init__(self) -> None:
        check_finite_fields(self)
        check_range(self, "antitrust_threshold", 0.0, 1.0)
        check_range(self, "hollow_threshold", 0.0, 1.0)
        check_range(self, "hollow_share_of_alone", 0.0, 1.0)


@dataclass
class ModelParams:
    """All behavioural parameters, one group per stage of the quarter."""

    choice: ChoiceParams = field(default_factory=ChoiceParams)
    rnd: RnDParams = field(default_factory=RnDParams)
    growth: GrowthParams = field(default_factory=GrowthParams)
    reporting: ReportingParams = field(default_factory=ReportingParams)
    markets: MarketParams = field(default_factory=MarketParams)  # v2 only
    competition: CompetitionParams = field(default_factory=CompetitionParams)  # v2 only
    economics: str = "v2"  # v1 | v2: the design version of R&D, capability and markets

    def __post_init__(self) -> None:
        check_choice(self, "economics", ECONOMICS)
        if self.economics == "v2" and not self.growth.margin >= 0.01:
            # version 2's firms act on profit: without a margin its start has nothing to solve
            raise ConfigError(
                f"GrowthParams.margin={self.growth.margin!r} is out of range under "
                "model.economics=v2; allowed: 0.01 to 1"
            )
        if self.growth.scale_fixed_amounts and self.choice.cost_index_growth > 0.0:
            # two indexes for the same fixed amounts (sim.engine.fixed_amounts)
            raise ConfigError(
                f"ChoiceParams.cost_index_growth={self.choice.cost_index_growth!r} is not "
                "allowed with model.growth.scale_fixed_amounts=true; allowed: 0 (the markets' "
                "index reads every fixed amount)"
            )


# A bound across config groups (checked in ``RunConfig``): the R&D game's efforts stay finite
# while the cost slope net of public compute exceeds 2 / demand_slope. ``--help`` and
# ``alliancesim-describe`` show it beside the key (``joint_bounds``).
COST_REDUCTION_BOUND = "model.rnd.rd_cost x (1 - cost_reduction) x demand_slope > 2"


def compute_bound(rd_cost: float, demand_slope: float) -> float:
    """The share of R&D cost public compute may pay at most, exclusive: ``1 - 2 / (gamma b)``."""
    return 1.0 - 2.0 / (rd_cost * demand_slope)


def joint_bounds() -> dict[str, str]:
    """Keys bounded jointly with other groups' keys, and the bound, at the defaults too."""
    default = compute_bound(RnDParams().rd_cost, RnDParams().demand_slope)
    return {
        "scenario.public_compute.cost_reduction": (
            f"and {COST_REDUCTION_BOUND} (below {default:.3g} at the defaults)"
        )
    }


@dataclass
class RunConfig:
    """One run (or one batch of replicates): world, behaviour, scenario and run settings."""

    world: WorldConfig = field(default_factory=WorldConfig)
    model: ModelParams = field(default_factory=ModelParams)
    scenario: ScenarioConfig = field(default_factory=ScenarioConfig)
    steps: int = 40  # quarters to simulate
    seed: int = 0  # root of every random number of the run
    replicates: int = 1  # seeds spawned from ``seed`` (SeedSequence.spawn)
    engine: str = "vectorised"  # vectorised | agents
    collect_firms: bool = False  # also record per-firm rows each step
    analysis: AnalysisConfig = field(default_factory=AnalysisConfig)  # sensitivity design
    sample: int = -1  # row of the design whose values this run takes; -1: none
    uncertainty: UncertaintyConfig = field(
        default_factory=UncertaintyConfig
    )  # declared uncertain parameters (configs/uncertainty/, docs/uncertainty.md)

    def __post_init__(self) -> None:
        check_finite_fields(self)
        check_tree(self)
        check_range(self, "steps", 1, MAX_STEPS)
        check_range(self, "seed", 0, MAX_SEED)
        compute = self.scenario.public_compute
        rnd = self.model.rnd
        if (
            compute is not None
            and rnd.rd_cost * (1 - compute.cost_reduction) * rnd.demand_slope <= 2
        ):
            raise ConfigError(
                f"scenario.public_compute.cost_reduction={compute.cost_reduction!r} is out of "
                f"range; allowed: {COST_REDUCTION_BOUND} "
                f"(here below {compute_bound(rnd.rd_cost, rnd.demand_slope):.3g})"
            )
        check_range(self, "replicates", 1, MAX_REPLICATES)
        check_choice(self, "engine", ENGINES)
        check_range(self, "sample", -1)
        if self.sample >= 0 and self.analysis.method == "none":
            raise ConfigError(
                f"sample={self.sample} needs a design; allowed: -1, or a sweep preset with "
                "analysis.method sobol, morris or latin"
            )


def register_configs(cs: ConfigStore | None = None) -> None:
    """Register the schemas with Hydra's ConfigStore so YAML files are type-checked.

    Args:
        cs: The store to register in; the global instance by default.
    """
    cs = cs or ConfigStore.instance()
    cs.store(name="run_schema", node=RunConfig)  # types every group merged into it


def as_plain(cfg: Any) -> dict[str, Any]:
    """Return a dataclass config as nested plain dicts (for records and JSON)."""
    from dataclasses import asdict

    return asdict(cfg)


def flat(config: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """A nested config dict (``as_plain``, or a ``run.json``'s) as dotted keys, lists whole."""
    out: dict[str, Any] = {}
    for key, value in config.items():
        if isinstance(value, Mapping):
            out.update(flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out
