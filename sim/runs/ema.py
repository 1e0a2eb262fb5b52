"""The model as an EMA Workbench model: uncertainties, levers and outcomes from the registries.

``model(overrides)`` composes a base config (``sim.compose``, as the command line would) and
returns an ``ema_workbench`` model whose

- outcomes are every row of the outcome registry (``sim.engine.outcomes.OUTCOMES``), as
  ``ScalarOutcome`` with kind ``MAXIMIZE`` / ``MINIMIZE`` from the row's better direction
  (``INFO`` for the descriptions that are neither good nor bad);
- levers are the keys of the levers the base scenario pulls, in the lever registry's order
  (``scenarios.policies.LEVERS``), each with the type and allowed range its typed config
  checks (``sim.config.describe`` reads them); by default every key with a closed range, a
  choice or true/false, except the lever's window (``start``, ``end``);
- uncertainties are the base config's declared uncertain parameters (``analysis.params``,
  set by ``sweep=sobol``, ``sweep=morris`` or ``sweep=discovery``), or a mapping of dotted
  keys to ``(low, high)``.

Each experiment is one run of the project (``sim.runs.replicates.run_replicates``) of the
base config with the experiment's values written in (as a design row is written in), on the
base config's seed; its outcomes are those of ``final.parquet`` (the last quarter, or
``quarter``). With ``replicates`` above 1 the model is a ``ReplicatorModel`` whose
replications are the project's replicates, each outcome their mean.

EMA names must be Python identifiers, so a dotted key ``scenario.subsidy.budget`` is the
parameter ``scenario__subsidy__budget`` (``name_of``; its ``variable_name`` is the key).
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from scenarios.policies import LEVERS
from sim.config.checks import ConfigError
from sim.config.compose import compose, keyed
from sim.config.describe import allowed_of, keys_of
from sim.config.levers import LeverWindow
from sim.config.schema import RunConfig
from sim.config.versions import VERSION_1_ONLY, check_version
from sim.engine.outcomes import OUTCOMES, with_derived
from sim.runs.replicates import RunTables, fingerprint, run_replicates

SEP = "__"  # joins a dotted key's parts into an EMA name
Bounds = tuple[float, float]
WINDOW = tuple(f.name for f in dataclasses.fields(LeverWindow))  # when a lever acts
NUMBER = r"-?\d+(?:\.\d+)?(?:e-?\d+)?"


def name_of(key: str) -> str:
    """The EMA name of a dotted config key (``a.b_c`` -> ``a__b_c``)."""
    return key.replace(".", SEP)


def key_of(name: str) -> str:
    """The dotted config key of an EMA name (inverse of ``name_of``)."""
    return name.replace(SEP, ".")


@dataclass(frozen=True)
class Domain:
    """What one config key may take.

    Attributes:
        key: The dotted key in ``RunConfig``.
        kind: ``int``, ``float``, ``bool`` or ``choice``.
        low: Lowest allowed value (numbers; None when the config sets no lower bound).
        high: Highest allowed value (numbers; None when the config sets no upper bound).
        choices: The allowed values of a choice.
    """

    key: str
    kind: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()

    @property
    def closed(self) -> bool:
        """Whether the config alone says every value the key may take."""
        return self.kind in ("bool", "choice") or (self.low is not None and self.high is not None)


def _bounds(allowed: str) -> tuple[float | None, float | None]:
    """The numeric bounds of a range ``describe`` reads (``0 to 1``, ``>= 0``; else None)."""
    both = re.fullmatch(rf"({NUMBER}) to ({NUMBER})", allowed)
    if both:
        return float(both.group(1)), float(both.group(2))
    low = re.fullmatch(rf">= ({NUMBER})", allowed)
    high = re.fullmatch(rf"<= ({NUMBER})", allowed)
    return (float(low.group(1)) if low else None), (float(high.group(1)) if high else None)


def lever_domains(cfg: RunConfig) -> dict[str, Domain]:
    """Every settable key of the levers ``cfg``'s scenario pulls, in the registry's order.

    Numbers (with the range their config checks), true/false and choices; names, lists
    (target domains, tournament stages) are left out.
    """
    out: dict[str, Domain] = {}
    for spec in LEVERS:
        lever = getattr(cfg.scenario, spec.key)
        if lever is None:
            continue
        allowed = allowed_of(type(lever))
        for k in keys_of(type(lever)):
            key = f"scenario.{spec.key}.{k.name}"
            rule = allowed.get(k.name, "")
            if k.kind == "bool":
                out[key] = Domain(key, "bool")
            elif rule.startswith("one of "):
                choices = tuple(c.strip() for c in rule.removeprefix("one of ").split(","))
                out[key] = Domain(key, "choice", choices=choices)
            elif k.kind in ("int", "float"):
                out[key] = Domain(key, k.kind, *_bounds(rule))
    return out


def default_levers(cfg: RunConfig) -> dict[str, Domain]:
    """The levers of ``model`` by default: closed keys outside the lever's window.

    Keys the run's economics does not read (``sim.config.versions``) are left out.
    """
    domains = lever_domains(cfg).items()
    unread = VERSION_1_ONLY if cfg.model.economics == "v2" else ()
    return {
        k: d
        for k, d in domains
        if d.closed and k.rsplit(".", 1)[1] not in WINDOW and k not in unread
    }


def value_at(cfg: Any, key: str, what: str) -> Any:
    """The value of the dotted ``key`` of ``cfg``, checked to exist and be used.

    Raises:
        ConfigError: One line naming ``what`` (``uncertainty``, ``lever``), the key and the
            allowed keys at the first part that is wrong.
    """
    obj, walked = cfg, list[str]()
    for part in key.split("."):
        where = ".".join(walked) or "the top"
        if obj is None:
            raise ConfigError(
                f"{what} {key!r}: {where} is not used by the base config (null); allowed: "
                "keys of what it uses, or a base scenario that pulls that lever"
            )
        if not dataclasses.is_dataclass(obj):
            raise ConfigError(f"{what} {key!r}: {where} has no keys; allowed: a dotted key")
        names = sorted(f.name for f in dataclasses.fields(obj))
        if part not in names:
            raise ConfigError(
                f"{what} {key!r} is not a config key; allowed at {where}: {', '.join(names)}"
            )
        obj = getattr(obj, part)
        walked.append(part)
    return obj


def with_value(obj: Any, key: str, value: Any) -> Any:
    """A copy of the dataclass ``obj`` with the dotted ``key`` set (every check reruns)."""
    head, _, rest = key.partition(".")
    if rest:
        return dataclasses.replace(obj, **{head: with_value(getattr(obj, head), rest, value)})
    current = getattr(obj, head)
    if isinstance(current, bool):
        value = bool(value)
    elif isinstance(current, int):
        value = round(float(value))
    elif isinstance(current, float):
        value = float(value)
    elif isinstance(current, str):
        value = str(value)
    return dataclasses.replace(obj, **{head: value})


def applied(cfg: RunConfig, values: Mapping[str, Any]) -> RunConfig:
    """``cfg`` with each dotted key of ``values`` set (an EMA experiment's values).

    Raises:
        ConfigError: A value out of its allowed range, named by its dotted key.
    """
    for key, value in values.items():
        try:
            cfg = with_value(cfg, key, value)
        except ConfigError as error:
            raise keyed(error) from None
    return cfg


def uncertainty_domains(
    cfg: RunConfig, ranges: Mapping[str, Sequence[float]] | None
) -> dict[str, Domain]:
    """The uncertain parameters: ``ranges``, or else ``cfg``'s declared ``analysis.params``.

    Raises:
        ConfigError: An unknown key, a key that is not a number, or bounds not
            ``low < high`` inside what the config allows.
    """
    declared = ranges is None
    out: dict[str, Domain] = {}
    for key, bounds in (cfg.analysis.params if ranges is None else ranges).items():
        low, high = (float(b) for b in bounds)
        if not low < high:
            raise ConfigError(f"uncertainty {key!r}: ({low}, {high}); allowed: low < high")
        current = _number(cfg, key, "uncertainty", lenient=declared)
        if current is None:  # a declared key through a lever the scenario does not pull:
            continue  # it sets nothing there, as in the project's own sweeps
        kind = "int" if isinstance(current, int) else "float"
        domain = Domain(key, kind, low, high)
        for bound in (low, high):
            applied(cfg, {key: bound})  # each bound passes the key's own checks
        out[key] = domain
    return out


def _number(cfg: RunConfig, key: str, what: str, lenient: bool = False) -> Any:
    """The current value of a numeric key (None through an unused lever, when ``lenient``)."""
    try:
        current = value_at(cfg, key, what)
    except ConfigError:
        head = ".".join(key.split(".")[:2])
        if lenient and key.count(".") >= 2 and value_at(cfg, head, what) is None:
            return None
        raise
    if isinstance(current, bool) or not isinstance(current, int | float):
        raise ConfigError(f"{what} {key!r}={current!r} is not a number; allowed: numeric keys")
    return current


def lever_choice(
    cfg: RunConfig, levers: Mapping[str, Sequence[float] | None] | None
) -> dict[str, Domain]:
    """The levers: ``default_levers``, or the keys of ``levers`` (a range, or None: the config's).

    Raises:
        ConfigError: A key of no lever the base scenario pulls, None for a key without a
            closed range, or bounds outside the allowed range.
    """
    if levers is None:
        return default_levers(cfg)
    domains = lever_domains(cfg)
    out: dict[str, Domain] = {}
    for key, bounds in levers.items():
        if key not in domains:
            value_at(cfg, key, "lever")  # names the wrong part, if any
            raise ConfigError(
                f"lever {key!r} is not a number, choice or true/false of a lever the base "
                f"scenario {cfg.scenario.name!r} pulls; allowed: {', '.join(domains) or 'none'}"
            )
        domain = domains[key]
        if bounds is None:
            if not domain.closed:
                raise ConfigError(
                    f"lever {key!r} has no upper or lower bound in the config; allowed: give "
                    "its (low, high)"
                )
            out[key] = domain
            continue
        if domain.kind not in ("int", "float"):
            raise ConfigError(f"lever {key!r} is a {domain.kind}; allowed: None (all its values)")
        low, high = (float(b) for b in bounds)
        if not low < high:
            raise ConfigError(f"lever {key!r}: ({low}, {high}); allowed: low < high")
        for bound in (low, high):
            applied(cfg, {key: bound})
        out[key] = dataclasses.replace(domain, low=low, high=high)
    return out


def parameter(domain: Domain) -> Any:
    """The EMA parameter of a domain, named ``name_of(key)``, its variable the dotted key."""
    from ema_workbench import (
        BooleanParameter,
        CategoricalParameter,
        IntegerParameter,
        RealParameter,
    )

    name = name_of(domain.key)
    if domain.kind == "bool":
        return BooleanParameter(name, variable_name=domain.key)
    if domain.kind == "choice":
        return CategoricalParameter(name, list(domain.choices), variable_name=domain.key)
    low, high = float(domain.low or 0.0), float(domain.high or 0.0)
    if domain.kind == "int":
        if np.ceil(low) > np.floor(high):
            raise ConfigError(
                f"{domain.key!r}: ({low}, {high}) holds no integer; allowed: integer bounds"
            )
        return IntegerParameter(
            name, int(np.ceil(low)), int(np.floor(high)), variable_name=domain.key
        )
    return RealParameter(name, low, high, variable_name=domain.key)


def outcome_values(steps: pd.DataFrame, quarter: int) -> pd.DataFrame:
    """Every registered outcome at ``quarter``, one row per replicate (``replicate`` index).

    A measured outcome is its column; a derived one is derived from its source over the
    quarters up to ``quarter`` as the registry says (``sim.engine.outcomes.with_derived``,
    the report's rule too).
    """
    rows = with_derived(steps[steps["step"] <= quarter], ("replicate",))
    at = rows[rows["step"] == quarter].set_index("replicate")
    return at[[o.name for o in OUTCOMES]]


@dataclass
class Experiment:
    """One EMA experiment: the project's run of the base config with the values written in.

    Attributes:
        base: The base config (its seed and replicates are the runs').
        quarter: The quarter whose outcomes are returned.
    """

    base: RunConfig
    quarter: int
    # the outcomes of the last config run (a ReplicatorModel asks once per replicate)
    _last: tuple[str, pd.DataFrame] | None = field(default=None, init=False, repr=False)

    def outcomes(self, values: Mapping[str, Any]) -> pd.DataFrame:
        """Every outcome of each replicate of the base config with ``values`` set."""
        cfg = applied(self.base, values)
        mark = fingerprint(cfg)
        if self._last is None or self._last[0] != mark:
            tables: RunTables = run_replicates(cfg)
            self._last = (mark, outcome_values(tables.steps, self.quarter))
        return self._last[1]

    def __call__(self, **experiment: Any) -> dict[str, float]:
        """The outcomes of one experiment (of replicate ``replicate``, if given)."""
        replicate = int(experiment.pop("replicate", 0))
        row = self.outcomes(experiment).loc[replicate]
        return {name: float(row[name]) for name in row.index}


def model(
    overrides: Sequence[str] = (),
    uncertainties: Mapping[str, Sequence[float]] | None = None,
    levers: Mapping[str, Sequence[float] | None] | None = None,
    quarter: int | None = None,
    name: str = "alliancesim",
) -> Any:
    """An ``ema_workbench`` model of the project, described by its registries.

    Args:
        overrides: The base config, as for ``alliancesim`` (``["world=synthetic",
            "scenario=antitrust_guidance", "steps=8"]``); its seed and replicates are every
            experiment's.
        uncertainties: Dotted key -> ``(low, high)``; None: the base config's
            ``analysis.params`` (``sweep=sobol`` declares six).
        levers: Dotted key (``scenario.LEVER.KEY``) -> ``(low, high)``, or None for the
            range, choices or true/false the config allows; None: ``default_levers``.
        quarter: The quarter whose outcomes are returned (default: the last, ``steps``).
        name: The EMA model's name (letters and digits).

    Returns:
        An ``ema_workbench.Model`` (one replicate) or ``ReplicatorModel`` (its
        replications the project's replicates, each outcome their mean).

    Raises:
        ConfigError: One line naming a bad key, value or quarter, and what is allowed.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ema_workbench warns that ipyparallel is absent
        from ema_workbench import Model, ReplicatorModel, ScalarOutcome

    base = compose(overrides)
    if quarter is None:
        quarter = base.steps
    if not 0 <= quarter <= base.steps:
        raise ConfigError(f"quarter={quarter!r} is out of range; allowed: [0, {base.steps}]")
    inputs = uncertainty_domains(base, uncertainties)
    chosen = lever_choice(base, levers)
    check_version([*inputs, *chosen], base.model.economics, "the EMA inputs")
    both = sorted(set(inputs) & set(chosen))
    if both:
        raise ConfigError(f"{', '.join(both)}: both uncertainty and lever; allowed: one of them")
    function = Experiment(dataclasses.replace(base, sample=-1), quarter)
    ema: Any
    if base.replicates > 1:
        ema = ReplicatorModel(name, function=function)
        ema.replications = [{"replicate": i} for i in range(base.replicates)]
    else:
        ema = Model(name, function=function)
    kinds = {"higher": ScalarOutcome.MAXIMIZE, "lower": ScalarOutcome.MINIMIZE}
    mean = np.mean if base.replicates > 1 else None
    ema.uncertainties = [parameter(d) for d in inputs.values()]
    ema.levers = [parameter(d) for d in chosen.values()]
    ema.outcomes = [
        ScalarOutcome(o.name, kind=kinds.get(o.better, ScalarOutcome.INFO), function=mean)
        for o in OUTCOMES
    ]
    return ema
