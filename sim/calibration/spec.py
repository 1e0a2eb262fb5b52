"""What the calibration fits: targets, checks and free parameters (``configs/calibration/``).

A specification names the records the model should reproduce (``Target``), the parameters
the fit may move within bounds (``FreeParameter``) and the runs every evaluation makes
(world, scenario, quarters, seeds). ``load_spec`` reads it from YAML.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[2]
SPEC_FILE = ROOT / "configs" / "calibration" / "korea_2016.yaml"
OUTPUTS: tuple[str, ...] = ("tech_gap_years", "national_level", "archetype_partners")

ParameterValues: TypeAlias = Sequence[float] | np.ndarray
"""Values of the free parameters, one per parameter in the specification's order."""

Simulate: TypeAlias = Callable[[ParameterValues], np.ndarray]
"""Parameter values to outputs ``(n_seeds, len(OUTPUTS), steps + 1)`` (e.g. a ``Simulator``)."""


@dataclass(frozen=True)
class Target:
    """A recorded value the model should reproduce, averaged over seeds.

    Attributes:
        name: Short label.
        output: One of ``OUTPUTS``.
        step: Quarter at which it is compared (0 = the start).
        value: The recorded value.
        sd: How far off the record may be (the loss's unit; data uncertainty).
        source: Where the value comes from.
    """

    name: str
    output: str
    step: int
    value: float
    sd: float = 1.0
    source: str = ""


@dataclass(frozen=True)
class FreeParameter:
    """A parameter the fit chooses, by its dotted path in ``RunConfig``, within bounds."""

    path: str
    low: float
    high: float
    start: float


@dataclass
class CalibrationSpec:
    """What to fit, to what, on which runs (``configs/calibration/*.yaml``)."""

    targets: list[Target]
    parameters: list[FreeParameter]
    checks: list[Target] = field(default_factory=list)
    world: str = "korea_2016"
    scenario: str = "baseline"
    steps: int = 20
    seeds: int = 32
    root_seed: int = 0
    overrides: list[str] = field(default_factory=list)

    @property
    def paths(self) -> list[str]:
        """Dotted paths of the free parameters, in order."""
        return [p.path for p in self.parameters]


def load_spec(path: Path | str = SPEC_FILE) -> CalibrationSpec:
    """Read a calibration specification from YAML.

    Args:
        path: The file (``configs/calibration/korea_2016.yaml`` by default).

    Returns:
        The specification, with targets, checks and free parameters.
    """
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return CalibrationSpec(
        targets=[Target(**t) for t in raw["targets"]],
        parameters=[FreeParameter(**p) for p in raw["parameters"]],
        checks=[Target(**t) for t in raw.get("checks", [])],
        world=raw.get("world", "korea_2016"),
        scenario=raw.get("scenario", "baseline"),
        steps=int(raw.get("steps", 20)),
        seeds=int(raw.get("seeds", 32)),
        root_seed=int(raw.get("root_seed", 0)),
        overrides=list(raw.get("overrides", [])),
    )
