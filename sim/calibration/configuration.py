"""Run configurations at candidate parameter values.

Every evaluation of the calibration starts from one base ``RunConfig`` (the specification's
world, scenario, quarters and overrides) and sets the free parameters by their dotted paths.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from sim.calibration.spec import CalibrationSpec, ParameterValues
from sim.config.schema import RunConfig


def base_config(spec: CalibrationSpec, extra: Sequence[str] = ()) -> RunConfig:
    """The run configuration every evaluation starts from (before the free parameters).

    Args:
        spec: The specification (world, scenario, quarters and overrides).
        extra: Further ``key=value`` overrides, applied last.

    Returns:
        The composed, range-checked configuration.
    """
    from sim.config.compose import compose

    return compose(
        [
            f"world={spec.world}",
            f"scenario={spec.scenario}",
            f"steps={spec.steps}",
            *spec.overrides,
            *extra,
        ]
    )


def with_values(cfg: RunConfig, paths: Sequence[str], values: ParameterValues) -> RunConfig:
    """A copy of ``cfg`` with each dotted ``path`` set to its value (range checks run).

    Args:
        cfg: The configuration to start from (not changed).
        paths: Dotted paths such as ``"model.growth.learning_rate"``.
        values: One value per path; cast to the field's type.

    Returns:
        The new configuration.
    """
    for path, value in zip(paths, values, strict=True):
        cfg = _replace(cfg, path.split("."), value)
    return cfg


def _replace(node: Any, keys: list[str], value: float) -> Any:
    current = getattr(node, keys[0])
    if len(keys) == 1:
        new = type(current)(value) if isinstance(current, int | float) else value
    else:
        new = _replace(current, keys[1:], value)
    return dataclasses.replace(node, **{keys[0]: new})


def value_at(cfg: Any, path: str) -> float:
    """The value at a dotted ``path`` of a configuration, as a float.

    Args:
        cfg: A ``RunConfig`` (or any nested dataclass).
        path: Dotted path such as ``"model.growth.learning_rate"``.

    Returns:
        The value.
    """
    for key in path.split("."):
        cfg = getattr(cfg, key)
    return float(cfg)
