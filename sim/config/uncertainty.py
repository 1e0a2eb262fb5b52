"""Declared uncertainty: the parameters nobody knows, their plausible ranges, and worlds.

An uncertainty set (``configs/uncertainty/<name>.yaml``, docs/uncertainty.md) lists uncertain
parameters, each a dotted key of ``RunConfig`` with ``[low, high]`` and a source: a citation
or the words ``guess: <reason>``. ``worlds`` draws a Latin hypercube of plausible worlds over
the ranges, one row per world; ``apply_world`` writes a row into a ``RunConfig`` and
``overrides_of`` spells it as command-line overrides.

A key may also be ``<list key>.scale``: the value then multiplies the entries of that list
(of a square table, its entries off the diagonal), so a table such as
``model.rnd.relatedness`` is varied as one number. ``model.rnd.relatedness.scale=0.5`` halves
every relatedness between two different domains.

This module imports only ``sim.config.checks`` at load time, so that ``sim.config.schema``
may import ``UncertaintyConfig`` for a field of ``RunConfig``; the functions that need a
``RunConfig`` import the schema and ``sim.config.design`` when called.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.config.checks import MAX_SEED, ConfigError, check_finite_fields

if TYPE_CHECKING:
    import pandas as pd

    from sim.config.schema import RunConfig

UNCERTAINTY_DIR = Path(__file__).resolve().parents[2] / "configs" / "uncertainty"
SCALE = ".scale"  # suffix of a key whose value multiplies a list's entries
GUESS = "guess:"  # a source that is a guess starts with this, then gives its reason
ENTRY_KEYS: tuple[str, ...] = ("path", "low", "high", "source")
MAX_WORLDS = 1_000_000  # rows of one design (a sweep runs each world x seeds x scenarios)


@dataclass
class UncertainParameter:
    """One uncertain parameter: a dotted key, its plausible range and where the range is from."""

    path: str = ""  # dotted key of RunConfig (or <list key>.scale), e.g. model.growth.margin
    low: float = 0.0  # lowest plausible value, in the key's unit
    high: float = 1.0  # highest plausible value, in the key's unit
    source: str = ""  # a citation (file section, reference) or "guess: <reason>"
    label: str = ""  # optional: the parameter in words, for reports ("" : its key's last part)

    def __post_init__(self) -> None:
        check_finite_fields(self)
        self.low, self.high = float(self.low), float(self.high)
        if not self.path.strip():
            raise ConfigError(
                "uncertain parameter has no path; allowed: a dotted key of the run config, "
                "e.g. model.growth.margin"
            )
        if not self.low < self.high:
            raise ConfigError(
                f"uncertain parameter {self.path!r}: low={self.low!r} and high={self.high!r} "
                "are out of order; allowed: low < high"
            )
        source = self.source.strip()
        if not source or (source.lower().startswith(GUESS) and not source[len(GUESS) :].strip()):
            raise ConfigError(
                f"uncertain parameter {self.path!r}: source={self.source!r} says nowhere the "
                "range comes from; allowed: a citation (e.g. 'docs/calibration.md section 9, "
                "ABC range') or 'guess: <reason>'"
            )

    @property
    def is_guess(self) -> bool:
        """Whether the range is a guess rather than a citation."""
        return self.source.strip().lower().startswith(GUESS)


@dataclass
class UncertaintyConfig:
    """A set of declared uncertain parameters (``configs/uncertainty/<name>.yaml``)."""

    name: str = "none"  # the set's name: its file under configs/uncertainty/
    parameters: list[UncertainParameter] = field(default_factory=list)  # in the file's order

    def __post_init__(self) -> None:
        check_finite_fields(self)
        seen: set[str] = set()
        for i, p in enumerate(self.parameters):
            if p.path in seen:
                raise ConfigError(
                    f"parameters[{i}] ({p.path}): the key is declared twice; allowed: each key once"
                )
            seen.add(p.path)

    @property
    def paths(self) -> list[str]:
        """The declared keys, in the file's order (the columns of ``worlds``)."""
        return [p.path for p in self.parameters]


def uncertainty_file(name_or_path: str | Path) -> Path:
    """The file of an uncertainty set: ``configs/uncertainty/<name>.yaml``, or a path as given."""
    text = str(name_or_path)
    if text.endswith((".yaml", ".yml")) or "/" in text or "\\" in text:
        return Path(text)
    return UNCERTAINTY_DIR / f"{text}.yaml"


def load_uncertainty(name_or_path: str | Path, base: RunConfig | None = None) -> UncertaintyConfig:
    """Read and check an uncertainty set.

    Args:
        name_or_path: A name (``default`` reads ``configs/uncertainty/default.yaml``) or a
            path to a YAML file.
        base: The config each bound is checked against; a default ``RunConfig()`` if None.

    Returns:
        The typed set, every entry checked (see ``check_uncertainty``).

    Raises:
        ConfigError: One line naming the file, the entry and what is allowed.
    """
    import yaml
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    file = uncertainty_file(name_or_path)
    if not file.is_file():
        known = sorted(p.stem for p in UNCERTAINTY_DIR.glob("*.yaml"))
        raise ConfigError(
            f"{file}: there is no such uncertainty file; allowed: {', '.join(known)} or the "
            "path of a YAML file"
        )
    try:
        raw = OmegaConf.to_container(OmegaConf.load(file), resolve=True)
    except (
        OSError,
        UnicodeDecodeError,
        yaml.YAMLError,
        OmegaConfBaseException,
        ValueError,
    ) as error:
        what = " ".join(str(error).split())
        raise ConfigError(f"{file}: cannot be read as YAML: {what}") from None
    try:
        uncertainty = from_mapping(raw, default_name=file.stem)
        check_uncertainty(uncertainty, base)
    except ConfigError as error:
        raise ConfigError(f"{file}: {error}") from None
    return uncertainty


def from_mapping(raw: object, default_name: str = "none") -> UncertaintyConfig:
    """An ``UncertaintyConfig`` from a file's contents (checks each entry on its own).

    Raises:
        ConfigError: Naming the entry (``parameters[i] (path)``) and what is allowed.
    """
    if not isinstance(raw, Mapping) or set(raw) - {"name", "parameters"}:
        extra = sorted(set(raw) - {"name", "parameters"}) if isinstance(raw, Mapping) else []
        raise ConfigError(
            f"unknown top-level keys {extra}; allowed: name, parameters"
            if extra
            else "the file holds no mapping; allowed: 'name:' and a 'parameters:' list"
        )
    entries = raw.get("parameters") or []
    if not isinstance(entries, list):
        raise ConfigError("parameters is not a list; allowed: a list of {path, low, high, source}")
    parameters = []
    for i, entry in enumerate(entries):
        label = f"parameters[{i}]"
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{label}={entry!r} is not a mapping; allowed: {_entry_form()}")
        label = f"{label} ({entry.get('path', '?')})"
        unknown = sorted(set(map(str, entry)) - set(ENTRY_KEYS) - {"label"})
        missing = [k for k in ENTRY_KEYS if k not in entry]
        if unknown or missing:
            what = f"unknown keys {unknown}" if unknown else f"missing {', '.join(missing)}"
            raise ConfigError(f"{label}: {what}; allowed: {_entry_form()}")
        try:
            parameters.append(UncertainParameter(**{str(k): v for k, v in entry.items()}))
        except ConfigError as error:
            raise ConfigError(f"{label}: {error}") from None
    name = raw.get("name", default_name)
    return UncertaintyConfig(name=str(name), parameters=parameters)


def _entry_form() -> str:
    return (
        "{path: dotted key, low: number, high: number, source: citation or 'guess: reason', "
        "optional label: the parameter in words}"
    )


def check_uncertainty(uncertainty: UncertaintyConfig, base: RunConfig | None = None) -> None:
    """Refuse a declared key the config does not have, or a bound outside what it allows.

    Each bound is written into ``base`` with ``sim.config.design.set_path``, which reruns
    the config's range checks, so a range is plausible only where the typed config allows it.

    Raises:
        ConfigError: Naming the entry (``parameters[i] (path)``), the bound and what is allowed.
    """
    from sim.config.schema import RunConfig
    from sim.config.versions import check_version

    base = with_levers(base or RunConfig(), uncertainty.paths)
    kinds(uncertainty, base)
    for i, p in enumerate(uncertainty.parameters):
        label = f"parameters[{i}] ({p.path})"
        check_version([p.path.removesuffix(".scale")], base.model.economics, label)
        for bound, value in (("low", p.low), ("high", p.high)):
            try:
                set_value(base, p.path, value)
            except ConfigError as error:
                raise ConfigError(
                    f"{label}: {bound}={value!r} is outside what the config allows: {error}"
                ) from None


def lever_of(path: str) -> str | None:
    """The lever a declared key belongs to (``scenario.<lever>.<key>``), None for another key."""
    from sim.config.levers import lever_fields

    parts = path.split(".")
    if len(parts) > 2 and parts[0] == "scenario" and parts[1] in lever_fields():
        return parts[1]
    return None


def unused_lever(cfg: RunConfig, path: str) -> bool:
    """Whether ``path`` is a key of a lever ``cfg``'s scenario does not pull (nothing to set)."""
    lever = lever_of(path)
    return lever is not None and getattr(cfg.scenario, lever) is None


def with_levers(base: RunConfig, paths: list[str]) -> RunConfig:
    """``base`` with each lever a key of ``paths`` names set to its defaults where unused.

    A declared key may be a lever's (``scenario.mega_alliance.member_value``: what nobody
    knows about a policy's effect). A world's value applies only to runs whose scenario uses
    the lever (``sim.config.design.set_path`` leaves an unused lever unset), but the key and
    its range are checked against the lever's typed config all the same.
    """
    from sim.config.levers import lever_fields

    scenario = base.scenario
    for path in paths:
        lever = lever_of(path)
        if lever is not None and getattr(scenario, lever) is None:
            default: Any = lever_fields()[lever]()
            scenario = dataclasses.replace(scenario, **{lever: default})
    return dataclasses.replace(base, scenario=scenario) if scenario is not base.scenario else base


def kinds(uncertainty: UncertaintyConfig, base: RunConfig) -> list[str]:
    """Each declared key's kind in ``base`` (``int``, ``float``, ``scale``), in order.

    A lever's key is read from the lever's defaults where ``base`` does not use it
    (``with_levers``).

    Raises:
        ConfigError: Naming the entry: a bad key (``_kind``), or an integer key whose bounds
            are not whole numbers.
    """
    base = with_levers(base, uncertainty.paths)
    found = []
    for i, p in enumerate(uncertainty.parameters):
        try:
            kind = _kind(base, p.path)
        except ConfigError as error:
            raise ConfigError(f"parameters[{i}] ({p.path}): {error}") from None
        if kind == "int" and not (p.low.is_integer() and p.high.is_integer()):
            raise ConfigError(
                f"parameters[{i}] ({p.path}): low={p.low!r}, high={p.high!r} for an integer "
                "key; allowed: whole numbers"
            )
        found.append(kind)
    return found


def _kind(cfg: Any, path: str) -> str:
    """``int``, ``float`` or ``scale`` for a declared key of ``cfg``.

    Raises:
        ConfigError: An unknown key, a key through an unset (null) part, or a key that is
            not a number (nor ``<list of numbers>.scale``).
    """
    is_scale = path.endswith(SCALE)
    parts = (path[: -len(SCALE)] if is_scale else path).split(".")
    obj = cfg
    for depth, part in enumerate(parts):
        if obj is None:
            raise ConfigError(
                f"{'.'.join(parts[:depth])} is unset (null) in the config checked against; "
                "allowed: keys of the world, the model and the run (a lever's keys only with "
                "a base config whose scenario uses it)"
            )
        names = [f.name for f in dataclasses.fields(obj)] if dataclasses.is_dataclass(obj) else []
        if part not in names:
            where = ".".join(parts[:depth]) or "the run config"
            raise ConfigError(
                f"{path!r} is not a config key: {where} has no key {part!r}; allowed keys "
                f"there: {', '.join(names) or 'none (it is a value)'}"
            )
        obj = getattr(obj, part)
    if is_scale:
        if _numbers(obj) or (isinstance(obj, list) and obj and all(_numbers(r) for r in obj)):
            return "scale"
        raise ConfigError(
            f"{path!r}: {path[: -len(SCALE)]} is not a list of numbers; allowed: '.scale' "
            "after a list or table of numbers only"
        )
    if isinstance(obj, bool) or not isinstance(obj, int | float):
        hint = f" (or {path}{SCALE}, a multiplier of its entries)" if isinstance(obj, list) else ""
        raise ConfigError(
            f"{path!r} is not numeric (a {type(obj).__name__}); allowed: a numeric key{hint}"
        )
    return "int" if isinstance(obj, int) else "float"


def _numbers(value: object) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    )


def scaled(values: list[Any], factor: float) -> list[Any]:
    """A list's entries times ``factor``; of a square table, the entries off the diagonal."""
    if values and isinstance(values[0], list):
        return [
            [float(v) if i == j else float(v) * factor for j, v in enumerate(row)]
            for i, row in enumerate(values)
        ]
    return [float(v) * factor for v in values]


def set_value(cfg: RunConfig, path: str, value: float) -> RunConfig:
    """``cfg`` with the declared key ``path`` set to ``value`` (config checks rerun).

    A plain key goes through ``sim.config.design.set_path`` (an int is rounded); a
    ``<list key>.scale`` replaces the list by its entries times ``value`` (``scaled``). A key
    of a lever ``cfg``'s scenario does not use leaves ``cfg`` as it is.

    Raises:
        ConfigError: The key is unknown or not numeric, or the value is out of its range.
    """
    from sim.config import design

    if unused_lever(cfg, path):
        return cfg
    if _kind(cfg, path) != "scale":
        result: RunConfig = design.set_path(cfg, path, float(value))
        return result
    key = path[: -len(SCALE)]
    return _replace(cfg, key.split("."), scaled(design.get_path(cfg, key), float(value)))


def _replace(obj: Any, parts: list[str], value: Any) -> Any:
    """A copy of the dataclass ``obj`` with the field at ``parts`` replaced (checks rerun)."""
    head, *rest = parts
    new = _replace(getattr(obj, head), rest, value) if rest else value
    return dataclasses.replace(obj, **{head: new})


def worlds(uncertainty: UncertaintyConfig, n: int, seed: int) -> pd.DataFrame:
    """A Latin hypercube of ``n`` plausible worlds over the declared ranges.

    Each parameter's range is cut into ``n`` equal strata and each stratum holds exactly
    one world's value (``scipy.stats.qmc.LatinHypercube``, scrambled, seeded: the same
    ``seed`` gives the same worlds). An integer key is drawn over
    ``[low - 0.5, high + 0.5]`` and rounded, so that each integer is equally likely.

    Args:
        uncertainty: The declared parameters.
        n: Number of worlds (rows).
        seed: Seed of the design (``numpy.random.SeedSequence``).

    Returns:
        One row per world (index ``world``, 0..n-1), one column per declared key in the
        set's order; integer keys as int64, the others as float64.

    Raises:
        ConfigError: ``n`` or ``seed`` out of range, no parameters, or a bad key.
    """
    import pandas as pd
    from scipy.stats import qmc

    from sim.config.schema import RunConfig

    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_WORLDS:
        raise ConfigError(
            f"worlds n={n!r} is out of range; allowed: an integer in [1, {MAX_WORLDS}]"
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ConfigError(f"worlds seed={seed!r} is out of range; allowed: [0, {MAX_SEED}]")
    if not uncertainty.parameters:
        raise ConfigError(
            f"uncertainty {uncertainty.name!r} declares no parameters; allowed: at least one"
        )
    kind_of = kinds(uncertainty, RunConfig())
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    unit = qmc.LatinHypercube(d=len(kind_of), rng=rng).random(n)
    columns: dict[str, np.ndarray] = {}
    for j, (p, kind) in enumerate(zip(uncertainty.parameters, kind_of, strict=True)):
        if kind == "int":
            lo, hi = int(p.low), int(p.high)
            drawn = np.rint(lo - 0.5 + unit[:, j] * (hi - lo + 1))
            columns[p.path] = np.clip(drawn, lo, hi).astype(np.int64)
        else:
            columns[p.path] = p.low + unit[:, j] * (p.high - p.low)
    return pd.DataFrame(columns, index=pd.RangeIndex(n, name="world"))


def apply_world(cfg: RunConfig, row: Mapping[str, float] | pd.Series) -> RunConfig:
    """``cfg`` with one world's values written into the declared keys (checks rerun).

    Raises:
        ConfigError: Naming the key, the value and what is allowed.
    """
    for path, value in row.items():
        try:
            cfg = set_value(cfg, str(path), float(value))
        except ConfigError as error:
            raise ConfigError(f"world value {path}={value!r}: {error}") from None
    return cfg


def overrides_of(row: Mapping[str, float] | pd.Series, base: RunConfig | None = None) -> list[str]:
    """One world's values as ``key=value`` override strings, in the row's order.

    A ``<list key>.scale`` becomes the whole list, scaled from ``base``'s (a default
    ``RunConfig()`` if None): ``model.rnd.relatedness=[[1.0,0.15,...],...]``.
    """
    from sim.config import design
    from sim.config.schema import RunConfig

    base = base or RunConfig()
    applied = apply_world(base, row)
    overrides = []
    for path in map(str, row.keys()):
        if unused_lever(base, path):
            continue
        key = path[: -len(SCALE)] if _kind(base, path) == "scale" else path
        overrides.append(f"{key}={_spell(design.get_path(applied, key))}")
    return overrides


def _spell(value: Any) -> str:
    """A value as Hydra's override grammar reads it back exactly (``repr`` of a float)."""
    if isinstance(value, list):
        return "[" + ",".join(_spell(v) for v in value) + "]"
    if isinstance(value, float):
        return repr(value)
    return str(value)
