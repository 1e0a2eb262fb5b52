"""Run configurations of a candidate: the spec's world and overrides, then its parameter values.

Every candidate is composed with ``sim.compose`` from the same overrides (world, scenario,
quarters, the spec's ``overrides``, the command line's ``--set``), followed by one
``path=value`` per free parameter, so every value passes the config's range checks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sim.calibration.history.spec import HistoryParameter, HistorySpec
from sim.config.schema import RunConfig


def base_overrides(spec: HistorySpec, steps: int, extra: Sequence[str] = ()) -> list[str]:
    """The overrides every candidate starts from.

    Args:
        spec: World, scenario and the spec's overrides.
        steps: Quarters a run needs.
        extra: Further ``key=value`` overrides (``--set``), applied last.
    """
    return [
        f"world={spec.world}",
        f"scenario={spec.scenario}",
        f"steps={steps}",
        *spec.overrides,
        *extra,
    ]


def value_text(parameter: HistoryParameter, value: float) -> str:
    """A parameter value as an override writes it (an integer for integer parameters)."""
    return str(round(value)) if parameter.integer else repr(float(value))


def candidate_overrides(
    spec: HistorySpec, values: Mapping[str, float], base: Sequence[str]
) -> list[str]:
    """``base`` followed by one ``path=value`` per free parameter.

    Args:
        spec: The free parameters (their order and types).
        values: A value per parameter path.
        base: The overrides every candidate starts from (``base_overrides``).

    Raises:
        ValueError: A parameter of the spec has no value.
    """
    missing = [p.path for p in spec.parameters if p.path not in values]
    if missing:
        raise ValueError(f"candidate has no value for {missing}; allowed: one per parameter")
    return [*base, *(f"{p.path}={value_text(p, values[p.path])}" for p in spec.parameters)]


def candidate_config(
    spec: HistorySpec, values: Mapping[str, float], base: Sequence[str]
) -> RunConfig:
    """The composed, range-checked configuration of one candidate.

    Raises:
        ConfigError: An override is unknown or out of range (one line naming it).
    """
    from sim.config.compose import compose

    return compose(candidate_overrides(spec, values, base))


def defaults_of(spec: HistorySpec, base: Sequence[str]) -> dict[str, float]:
    """The free parameters' values in the base configuration (the current defaults)."""
    from sim.config.compose import compose

    cfg = compose(list(base))
    out = {}
    for path in spec.paths:
        node: object = cfg
        for key in path.split("."):
            node = getattr(node, key)
        out[path] = float(node)  # type: ignore[arg-type]
    return out
