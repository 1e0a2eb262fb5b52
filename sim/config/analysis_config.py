"""Typed designs over uncertain parameters and the targets of a robust sweep: ``analysis``.

``AnalysisConfig`` chooses the sensitivity, discovery or robust-worlds design a sweep runs;
``TargetConfig`` is one satisficing target its report counts (docs/robust.md), and
``default_targets`` the targets a design has unless it sets its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sim.config.checks import (
    MAX_SEED,
    ConfigError,
    check_choice,
    check_finite_fields,
    check_range,
)

ANALYSIS_METHODS: tuple[str, ...] = ("none", "sobol", "morris", "latin")
# where a design's parameters and ranges come from: analysis.params, or the declared
# uncertainty (RunConfig.uncertainty, configs/uncertainty/): the worlds of a robust sweep
ANALYSIS_SOURCES: tuple[str, ...] = ("params", "uncertainty")
TARGET_MEASURES: tuple[str, ...] = ("effect", "level")


@dataclass
class TargetConfig:
    """A target a policy must meet in a plausible world (satisficing, docs/robust.md).

    ``measure: effect`` bounds the scenario minus the baseline in the same world (mean over
    its seeds, in the outcome's unit); ``measure: level`` bounds the scenario's own value.
    Example: ``{outcome: tech_gap_years, measure: effect, at_most: -0.3}`` asks for a gap at
    least 0.3 years smaller than the baseline's.
    """

    outcome: str = "tech_gap_years"  # an outcome of the registry (checked: sim.runs.plan)
    measure: str = "effect"  # effect (scenario minus baseline) | level (the scenario's value)
    at_most: float | None = None  # upper bound, in the outcome's unit (None: none)
    at_least: float | None = None  # lower bound, in the outcome's unit (None: none)

    def __post_init__(self) -> None:
        # the outcome's name is checked against the registry by the runs layer
        # (sim.runs.plan.check_targets): the config layer knows nothing of the engine
        check_choice(self, "measure", TARGET_MEASURES)
        bounds = {"at_most": self.at_most, "at_least": self.at_least}
        for name, value in bounds.items():
            if value is not None and (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
            ):
                raise ConfigError(
                    f"TargetConfig.{name}={value!r} is invalid; allowed: a finite number or null"
                )
        if self.at_most is None and self.at_least is None:
            raise ConfigError(
                f"TargetConfig for {self.outcome!r} has neither at_most nor at_least; allowed: "
                "at least one bound"
            )
        if self.at_most is not None and self.at_least is not None:
            if not self.at_least <= self.at_most:
                raise ConfigError(
                    f"TargetConfig for {self.outcome!r}: at_least={self.at_least!r} is above "
                    f"at_most={self.at_most!r}; allowed: at_least <= at_most"
                )


def default_targets() -> list[TargetConfig]:
    """The default targets: a gap at least 0.3 years smaller, at most USD 5 bn spent."""
    return [
        TargetConfig("tech_gap_years", "effect", at_most=-0.3),
        TargetConfig("spend_total", "level", at_most=5.0),
    ]


@dataclass
class AnalysisConfig:
    """A design over uncertain parameters (sensitivity, discovery, or robust worlds).

    With a method other than ``none``, a sweep runs one job per row of the design
    (``sample=0..N-1``, added by the command line), each setting the uncertain parameters
    to that row's values. Set by the ``sweep/sobol``, ``sweep/morris``, ``sweep/discovery``
    and ``sweep/policy_comparison`` presets.

    ``source: params`` draws the design with SALib over ``params``. ``source: uncertainty``
    (``method: latin`` only, ``params`` empty) takes the parameters and ranges from the
    declared uncertainty (``RunConfig.uncertainty``): its rows are the plausible worlds of
    ``sim.config.uncertainty.worlds(uncertainty, n, seed)`` (docs/robust.md). ``targets``
    are what the report's satisficing counts (``sim.analysis.robust``); they do not change
    a run.
    """

    method: str = "none"  # none | sobol | morris | latin
    n: int = 16  # base sample size (Saltelli N, Morris trajectories, Latin rows)
    seed: int = 0  # seed of the design (SALib's sampler, or the worlds' Latin hypercube)
    params: dict[str, list[float]] = field(default_factory=dict)  # dotted key -> [low, high]
    source: str = "params"  # params | uncertainty: where the parameters and ranges come from
    targets: list[TargetConfig] = field(default_factory=default_targets)  # satisficing

    def __post_init__(self) -> None:
        # read back from a run's stored config (run.json), targets are plain mappings
        self.targets = [TargetConfig(**t) if isinstance(t, dict) else t for t in self.targets]
        check_finite_fields(self)
        check_choice(self, "method", ANALYSIS_METHODS)
        check_choice(self, "source", ANALYSIS_SOURCES)
        check_range(self, "n", 1)
        check_range(self, "seed", 0, MAX_SEED)
        for key, bounds in self.params.items():
            finite = all(isinstance(b, int | float) and math.isfinite(b) for b in bounds)
            if len(bounds) != 2 or not finite or not bounds[0] < bounds[1]:
                raise ConfigError(
                    f"analysis.params.{key}={list(bounds)!r} is invalid; allowed: [low, high] "
                    "of finite numbers with low < high"
                )
        if self.source == "uncertainty":
            if self.method != "latin":
                raise ConfigError(
                    f"analysis.method={self.method!r} with analysis.source=uncertainty; "
                    "allowed: latin (the worlds are a Latin hypercube over the declared ranges)"
                )
            if self.params:
                raise ConfigError(
                    f"analysis.params={dict(self.params)!r} with analysis.source=uncertainty; "
                    "allowed: {} (the ranges come from the uncertainty group, "
                    "configs/uncertainty/)"
                )
        elif self.method != "none" and not self.params:
            raise ConfigError(
                f"analysis.params is empty for method {self.method!r}; allowed: at least one "
                "dotted key with [low, high], or analysis.source=uncertainty with method latin"
            )
        seen: set[tuple[str, str]] = set()
        for i, target in enumerate(self.targets):
            pair = (target.outcome, target.measure)
            if pair in seen:
                raise ConfigError(
                    f"analysis.targets[{i}]: {target.outcome} ({target.measure}) is targeted "
                    "twice; allowed: one entry per outcome and measure (give both bounds in it)"
                )
            seen.add(pair)
