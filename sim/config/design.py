"""Experimental designs over uncertain parameters (SALib), and applying one row to a config.

A design (``AnalysisConfig``: method, size, seed, and ``[low, high]`` per dotted parameter)
is a fixed matrix of parameter values; each sweep job takes one row (``sample``) and
``apply_sample`` writes that row's values into its ``RunConfig``. The analysis of the
finished sweep (``sim.analysis.sensitivity.indices``) reads the same design.

With ``analysis.source=uncertainty`` the rows are the plausible worlds of the declared
uncertainty instead (``sim.config.uncertainty.worlds`` over ``cfg.uncertainty``, ``n`` rows,
``seed``), written with ``apply_world``: the ranges are declared once, in
``configs/uncertainty/`` (docs/robust.md).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from sim.config.checks import ConfigError
from sim.config.schema import AnalysisConfig, RunConfig


def problem(analysis: AnalysisConfig) -> dict[str, Any]:
    """The SALib problem: parameter names and bounds, in a fixed (sorted) order."""
    names = sorted(analysis.params)
    return {
        "num_vars": len(names),
        "names": names,
        "bounds": [list(map(float, analysis.params[k])) for k in names],
    }


@lru_cache(maxsize=8)
def _design(method: str, n: int, seed: int, bounds: tuple) -> np.ndarray:
    from SALib.sample import latin, morris, sobol

    spec = {
        "num_vars": len(bounds),
        "names": [name for name, _, _ in bounds],
        "bounds": [[low, high] for _, low, high in bounds],
    }
    if method == "sobol":
        return sobol.sample(spec, n, calc_second_order=False, seed=seed)
    if method == "morris":
        return morris.sample(spec, n, num_levels=4, seed=seed)
    if method == "latin":
        return latin.sample(spec, n, seed=seed)
    raise ConfigError(f"analysis.method={method!r} has no design; allowed: sobol, morris, latin")


def design(analysis: AnalysisConfig) -> np.ndarray:
    """The design matrix: one row per sample, one column per parameter (``problem`` order)."""
    spec = problem(analysis)
    bounds = tuple(
        (name, low, high) for name, (low, high) in zip(spec["names"], spec["bounds"], strict=True)
    )
    return _design(analysis.method, analysis.n, analysis.seed, bounds)


def set_path(obj: Any, path: str, value: float) -> Any:
    """A copy of the dataclass ``obj`` with the dotted field ``path`` set (checks rerun).

    A path through an unused lever (``scenario.mega_alliance`` being None, as in the
    baseline) sets nothing, so one design serves every scenario of a sweep.

    Raises:
        ConfigError: The path names no numeric field.
    """
    head, _, rest = path.partition(".")
    names = {f.name for f in dataclasses.fields(obj)}
    if head not in names:
        raise ConfigError(
            f"analysis.params key {path!r} is not a config field; allowed keys here: "
            f"{', '.join(sorted(names))}"
        )
    current = getattr(obj, head)
    if rest and current is None:  # a lever this scenario does not use: nothing to set
        return obj
    if rest:
        if not dataclasses.is_dataclass(current):
            raise ConfigError(f"analysis.params key {path!r}: {head} has no fields")
        return dataclasses.replace(obj, **{head: set_path(current, rest, value)})
    if isinstance(current, bool) or not isinstance(current, int | float):
        raise ConfigError(f"analysis.params key {path!r} is not numeric; allowed: numeric fields")
    return dataclasses.replace(
        obj, **{head: round(value) if isinstance(current, int) else float(value)}
    )


def from_uncertainty(analysis: AnalysisConfig) -> bool:
    """Whether the design's rows are the declared uncertainty's worlds."""
    return analysis.source == "uncertainty"


@lru_cache(maxsize=8)
def _worlds(ranges: tuple, name: str, n: int, seed: int) -> Any:
    from sim.config.uncertainty import UncertainParameter, UncertaintyConfig, worlds

    declared = [UncertainParameter(p, low, high, source) for p, low, high, source in ranges]
    return worlds(UncertaintyConfig(name, declared), n, seed)


def world_table(cfg: RunConfig) -> Any:
    """The worlds of ``cfg``'s design (a DataFrame, index ``world``; cached, do not modify)."""
    u = cfg.uncertainty
    ranges = tuple((p.path, p.low, p.high, p.source) for p in u.parameters)
    return _worlds(ranges, u.name, cfg.analysis.n, cfg.analysis.seed)


def sample_values(cfg: RunConfig) -> dict[str, float]:
    """The uncertain parameters' values of ``cfg``'s design row (empty without a sample)."""
    if cfg.sample < 0:
        return {}
    if from_uncertainty(cfg.analysis):
        table = world_table(cfg)
        if cfg.sample >= len(table):
            raise ConfigError(
                f"sample={cfg.sample} is out of range; allowed: [0, {len(table) - 1}] for "
                "this design"
            )
        # column by column: an integer key stays an int
        return {str(k): table[k].iloc[cfg.sample].item() for k in table.columns}
    matrix = design(cfg.analysis)
    if cfg.sample >= len(matrix):
        raise ConfigError(
            f"sample={cfg.sample} is out of range; allowed: [0, {len(matrix) - 1}] for this design"
        )
    names = problem(cfg.analysis)["names"]
    return {name: float(v) for name, v in zip(names, matrix[cfg.sample], strict=True)}


def get_path(obj: Any, path: str) -> Any:
    """The value of the dotted field ``path`` of ``obj`` (None through an unused lever)."""
    for part in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


def sample_labels(cfg: RunConfig) -> dict[str, Any]:
    """The design row's values as a run records them (columns of its results tables).

    A world of the declared uncertainty: its values as drawn (a ``<list key>.scale`` is the
    multiplier). Otherwise each field's value in ``cfg`` (integers rounded, None where the
    scenario does not use the lever).
    """
    if from_uncertainty(cfg.analysis):
        return dict(sample_values(cfg))
    return {key: get_path(cfg, key) for key in sample_values(cfg)}


def apply_sample(cfg: RunConfig) -> RunConfig:
    """``cfg`` with its design row's values written into the named fields."""
    if from_uncertainty(cfg.analysis):
        from sim.config.uncertainty import apply_world

        return apply_world(cfg, sample_values(cfg)) if cfg.sample >= 0 else cfg
    for path, value in sample_values(cfg).items():
        cfg = set_path(cfg, path, value)
    return cfg


def design_size(analysis: AnalysisConfig) -> int:
    """Rows in the design (jobs of the sweep, per scenario)."""
    if from_uncertainty(analysis):
        return analysis.n
    return len(design(analysis))


def designed_keys(
    source: str, uncertainty: str, declared: Iterable[str], params: Iterable[str]
) -> dict[str, str]:
    """The keys each row of a design writes over the config, with why (for messages).

    With ``source`` ``uncertainty`` the declared uncertain parameters of the set named
    ``uncertainty`` (``declared``: their paths); otherwise the design's ``params``. A
    ``<list key>.scale`` entry multiplies the list as configured, so an override of the list
    itself is kept (scaled) and only the ``.scale`` key counts.
    """
    if source == "uncertainty":
        return {str(k): f"declared uncertain (uncertainty={uncertainty})" for k in declared}
    return {str(k): "varied by analysis.params" for k in params}


def check_not_designed(overrides: Sequence[str], designed: dict[str, str]) -> None:
    """Refuse an override of a key the design's rows set: each row would overwrite it.

    Reason: a design's row is written over the composed config (``apply_sample``), so
    ``model.choice.hub_link_cost=1`` in a sweep whose worlds draw that key would run every
    world at the drawn value, not at 1, silently. A mapping value (``model.choice={...}``)
    is checked key by key, and a node that holds a designed key set to null
    (``model.choice=null``) is refused too; a config group's option (``scenario=x``) is not.

    Raises:
        ConfigError: Naming the override, why the design sets the key, and what is allowed.
    """
    for line in overrides:
        hit = _designed_hit(line, designed)
        if hit is None:
            continue
        allowed = (
            "leave it out, or an uncertainty set without it (a file in "
            "configs/uncertainty/, then uncertainty=<name>: other worlds)"
            if designed[hit].startswith("declared")
            else "leave it out, or take it out of analysis.params"
        )
        raise ConfigError(
            f"{line}: {hit} is {designed[hit]}, so each row of the design sets it and "
            f"this value would be overwritten; allowed: {allowed}"
        )


def _designed_hit(line: str, designed: dict[str, str]) -> str | None:
    """The first designed key the override ``line`` sets (``check_not_designed``), or None.

    Its own key; each leaf of a mapping value; or, for a null value, the first designed key
    below its node. A group's option (``scenario=x``) is not a node's value, and the list a
    ``.scale`` key multiplies is kept (scaled), so neither reaches a designed key below.
    """
    key, _, text = line.lstrip("+~").partition("=")
    value = _value_of(line)
    if isinstance(value, dict):
        leaves = [f"{key}.{sub}" for sub in _flat_keys(value)]
        return next((leaf for leaf in leaves if leaf in designed), None)
    if key in designed:
        return key
    if value is None and text:
        below = (d for d in designed if d.startswith(f"{key}.") and d != f"{key}.scale")
        return next(below, None)
    return None


def _value_of(line: str) -> Any:
    """An override's value as Hydra reads it (``{a:1}`` is a mapping); None if unreadable."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException

    try:
        return OverridesParser.create().parse_override(line).value()
    except HydraException:
        return None


def _flat_keys(value: dict[Any, Any]) -> list[str]:
    """The dotted keys of a nested mapping's leaves (a leaf may itself be a list)."""
    out = []
    for k, v in value.items():
        out += [f"{k}.{sub}" for sub in _flat_keys(v)] if isinstance(v, dict) and v else [str(k)]
    return out
