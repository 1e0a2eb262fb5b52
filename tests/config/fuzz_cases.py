"""The config fuzz's cases and their judge (used by ``test_fuzz.py``; see its docstring).

Every leaf key of ``RunConfig`` is found by walking the dataclass tree (``leaves``); for
each, ``values_for`` draws bad and edge values of its type and of every other type, written
as a command line would write them. ``judge`` then composes the override and either checks
the refusal (one line, naming the key set, saying what is allowed) or runs a few quarters of
a tiny world and checks that every float is finite.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from hydra import initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException
from hypothesis import strategies as st
from omegaconf import DictConfig
from omegaconf.errors import OmegaConfBaseException

from sim.config.checks import MAX_FIRMS, MAX_INT, MAX_SEED, MAX_STEPS, ConfigError
from sim.config.compose import (
    CONFIG_DIR,
    check_override_versions,
    compose_node,
    one_line,
    to_run_config,
)
from sim.config.levers import lever_fields
from sim.config.schema import RunConfig, register_configs

TINY = [  # a tiny synthetic world; a drawn override comes after these and wins
    "world.n_startups=30",
    "world.n_conglomerates=3",
    "world.n_foreign=2",
    "world.n_initial_alliances=2",
    "steps=3",
]
WORLDS = ("synthetic", "korea_2024")  # the synthetic one tiny; korea_2024 has ~250 firms
QUARTERS = 3  # quarters run of an accepted config (fewer if it asks for fewer)
MAX_RUN_FIRMS = 3_000  # an accepted world larger than this is not run here (too slow)
PARAMS = "analysis.params"  # set only as ++analysis.params={dotted.key:[low,high]}
DATA_DIR = Path(__file__).resolve().parents[2] / "scenarios" / "worlds" / "data"


@dataclass(frozen=True)
class Leaf:
    """A leaf key of the config tree: its dotted path, type and default."""

    path: str
    kind: Any
    default: Any
    lever: str | None  # the lever (scenario.X) it belongs to, or None


@dataclass
class Outcome:
    """What one case did: ``refused``, ``ran`` or ``too_big``; and what was wrong, if anything."""

    override: str
    base: tuple[str, str, str]
    status: str
    message: str = ""
    problems: list[str] = field(default_factory=list)


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    return f.default_factory()  # type: ignore[misc]


def _options(kind: Any) -> list[Any]:
    """The non-None members of an ``X | None`` type, or ``[kind]``."""
    if isinstance(kind, types.UnionType) or typing.get_origin(kind) is typing.Union:
        return [a for a in typing.get_args(kind) if a is not type(None)]
    return [kind]


def leaves(schema: type = RunConfig, prefix: str = "", lever: str | None = None) -> list[Leaf]:
    """Every leaf key of the config tree, found from the dataclasses' type hints."""
    out: list[Leaf] = []
    hints = typing.get_type_hints(schema)
    levers = lever_fields()
    for f in dataclasses.fields(schema):
        path = f"{prefix}{f.name}"
        if path == "uncertainty":  # a file group of entries: tests/config/test_uncertainty.py
            continue
        if path == "analysis.targets":  # a list of entries: tests/runs/test_plan_worlds.py
            continue
        nested = [k for k in _options(hints[f.name]) if dataclasses.is_dataclass(k)]
        if nested:
            inner = lever or (f.name if schema.__name__ == "ScenarioConfig" else None)
            assert inner is None or inner in levers or lever
            out += leaves(nested[0], f"{path}.", inner)  # type: ignore[arg-type]
        else:
            out.append(Leaf(path, _options(hints[f.name])[0], _default(f), lever))
    return out


@cache
def lever_scenarios() -> dict[str, str]:
    """For each lever, the first scenario file (by name) that sets it itself."""
    found: dict[str, str] = {}
    for file in sorted((CONFIG_DIR / "scenario").glob("*.yaml")):
        keys = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        for lever in lever_fields():
            if lever in keys and lever not in found:
                found[lever] = file.stem
    return found


@cache
def string_pool() -> tuple[str, ...]:
    """Plausible strings: every string default of the tree and every config group option."""
    words = {str(leaf.default) for leaf in leaves() if isinstance(leaf.default, str)}
    words |= {
        w
        for leaf in leaves()
        if isinstance(leaf.default, list)
        for w in leaf.default
        if isinstance(w, str)
    }
    for group in ("world", "scenario"):
        words |= {p.stem for p in (CONFIG_DIR / group).glob("*.yaml")}
    words |= {p.name for p in DATA_DIR.glob("*")}  # the worlds' facts files
    return tuple(sorted(words))


# --- values, as the command line writes them ----------------------------------------------

HOSTILE = (  # any key: wrong types, missing and hostile strings, interpolations
    "nan", "inf", "-inf", "null", "''", "abc", "true", "[]", "[1,1]", "{}", "{a:1}",
    "${oc.env:HOME}", "${oc.env:NO_SUCH_VARIABLE_HERE}", "${model.growth.margin}", "${nope}",
    "${seed}", "${oc.decode:'[1,2]'}", "../../../etc/hostname", "/etc/hostname", "a/b",
    "'a b'", "99999999999999999999999", "-99999999999999999999999", "1e23", "-1", "0",
    "1e-320", "1.7e308", "0.5", "1", "2", "-0.0", "'C:\\\\x'", "'\u00e9t\u00e9'",
)  # fmt: skip
EDGE_FLOATS = (0.0, -0.0, 1.0, -1.0, 1e-9, -1e-9, 5e-324, 1e-300, 1e300, 1.7e308, 0.5, 0.99,
               1.0 + 1e-12, 2.0, 100.0, 1e6, 1e6 + 1, -1e6, 1e23)  # fmt: skip
EDGE_INTS = (0, -1, 1, 2, 3, 4, 63, 64, 65, 399, 400, 401, 1000, 1001, 2**31, 2**31 - 1,
             MAX_INT, MAX_INT + 1, MAX_FIRMS, MAX_FIRMS + 1, MAX_SEED, MAX_SEED + 1, 2**64,
             10**30, -(10**30), MAX_STEPS, MAX_STEPS - 1)  # fmt: skip


def text(value: Any) -> str:
    """A Python value written in Hydra's override grammar."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value) and value not in (
            "null",
            "true",
            "false",
            "nan",
            "inf",
        ):
            return value
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, list):
        return "[" + ",".join(text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}:{text(v)}" for k, v in value.items()) + "}"
    raise TypeError(value)


def scalars(kind: Any, default: Any) -> st.SearchStrategy[Any]:
    """Edge values of a scalar type (as Python values), around its default too."""
    if kind is bool:
        return st.sampled_from([True, False, 0, 1, "yes", 2, 0.5])
    if kind is int:
        near = [default + d for d in (-2, -1, 1, 2)] + [default * 10, -default]
        return st.one_of(
            st.sampled_from(EDGE_INTS + tuple(near)),
            st.integers(-(2**70), 2**70),
            st.integers(-5, 500),
        )
    if kind is float:
        near = [default * f for f in (-1.0, 0.5, 2.0, 10.0)] + [default + 1e-9, default - 1e-9]
        return st.one_of(
            st.sampled_from((*EDGE_FLOATS, math.nan, math.inf, -math.inf, *near)),
            st.floats(allow_nan=True, allow_infinity=True),
            st.floats(-2.0, 3.0),
        )
    if kind is str:
        hostile = ["", ".", "..", "../x", "a/b", "/etc/hostname", "x" * 300, "-x", " ",
                   "${oc.env:HOME}", "na\u00efve", "CON", "nul\\l"]  # fmt: skip
        return st.one_of(st.sampled_from(string_pool()), st.sampled_from(hostile), st.text())
    raise TypeError(f"no strategy for {kind}")


def list_values(kind: Any, default: list[Any]) -> st.SearchStrategy[Any]:
    """Lists: the default with one element changed, dropped or doubled; empty; nested."""
    (item,) = typing.get_args(kind)
    first = default[0] if default else None
    if (typing.get_origin(item) or item) is list:
        element = list_values(item, first if first is not None else [])
    else:
        element = scalars(item, first if first is not None else item())

    @st.composite
    def mutated(draw: st.DrawFn) -> list[Any]:
        value = copy.deepcopy(list(default))
        how = draw(st.sampled_from(["set", "drop", "double", "append", "empty", "swap", "same"]))
        i = draw(st.integers(0, max(len(value) - 1, 0)))
        if how == "set" and value:
            value[i] = draw(element)
        elif how == "drop" and value:
            del value[i]
        elif how == "double" and value:
            value.insert(i, copy.deepcopy(value[i]))
        elif how == "append":
            value.append(draw(element))
        elif how == "empty":
            value = []
        elif how == "swap" and len(value) > 1:
            value[0], value[-1] = value[-1], value[0]
        return value

    return mutated()


def values_for(leaf: Leaf) -> st.SearchStrategy[str]:
    """Override values (text) for ``leaf``: its type's edge values, and hostile ones."""
    kind = typing.get_origin(leaf.kind) or leaf.kind
    if kind is list:
        typed = list_values(leaf.kind, leaf.default).map(text)
    elif kind is dict:
        key = st.sampled_from([leaf.path for leaf in leaves() if leaf.kind in (int, float)]
                              + ["sample", "analysis.n", "nope.nope", "a-b", "1x"])  # fmt: skip
        bound = scalars(float, 0.5)
        typed = st.dictionaries(key, st.lists(bound, min_size=0, max_size=3), max_size=2).map(text)
    else:
        typed = scalars(kind, leaf.default).map(text)
    return st.one_of(typed, typed, st.sampled_from(HOSTILE))


# --- composing and judging -----------------------------------------------------------------


@cache
def base_node(world: str, scenario: str) -> DictConfig:
    """The composed config of a world and scenario, no other overrides (Hydra once each)."""
    register_configs()
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        return compose_node([f"world={world}", f"scenario={scenario}"])


def fast_compose(world: str, scenario: str, overrides: list[str]) -> RunConfig:
    """``sim.compose([world=..., scenario=..., *overrides])`` without loading the files anew.

    Hydra applies value overrides to the composed files with its override parser and
    ``ConfigLoaderImpl._apply_overrides_to_config``; this does the same on a copy of the
    cached composition, turns errors into ``ConfigError`` as ``compose_node`` does, and
    builds the typed config with ``to_run_config`` as ``sim.compose`` does.
    ``test_fast_compose_is_compose`` checks that both give the same on a sample of cases.
    """
    from hydra._internal.config_loader_impl import ConfigLoaderImpl

    node = copy.deepcopy(base_node(world, scenario))
    try:
        parsed = OverridesParser.create().parse_overrides(list(overrides))
        ConfigLoaderImpl._apply_overrides_to_config(parsed, node)
    except (HydraException, OmegaConfBaseException) as error:
        raise ConfigError(one_line(error)) from error
    except (AssertionError, AttributeError, ValueError) as error:
        raise ConfigError(f"could not apply {list(overrides)}: {error}") from error
    check_override_versions(node, overrides)
    return to_run_config(node)


def names_key(message: str, key: str) -> bool:
    """Whether ``message`` names ``key``: in full, or its parent path and the field's name."""
    if key in message:
        return True
    parent, _, name = key.rpartition(".")
    word = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])")
    return (not parent or parent in message) and bool(word.search(message))


def refusal_problems(message: str, key: str) -> list[str]:
    """What is wrong with a refusal's message (empty: one line, names the key, says allowed)."""
    problems = []
    if "\n" in message.strip():
        problems.append("message of more than one line")
    if not names_key(message, key):
        problems.append(f"message does not name {key}")
    if "allowed" not in message:
        problems.append("message does not say what is allowed")
    return problems


def run_floats(cfg: RunConfig) -> list[str]:
    """Run ``QUARTERS`` quarters of ``cfg``; the names of records holding a non-finite float."""
    from sim.model import AllianceModel

    model = AllianceModel(cfg).run(min(cfg.steps, QUARTERS))
    bad = []
    table = model.datacollector.get_model_vars_dataframe()
    numbers = table.select_dtypes("number")
    bad += [f"steps.{c}" for c in numbers.columns if not np.isfinite(numbers[c]).all()]
    if cfg.collect_firms:
        firms = model.firm_records().select_dtypes("number")
        bad += [f"firms.{c}" for c in firms.columns if not np.isfinite(firms[c]).all()]
    for state in (model.firms, model.alliances):
        for f in dataclasses.fields(state):
            column = getattr(state, f.name)
            if isinstance(column, np.ndarray) and column.dtype.kind == "f":
                if not np.isfinite(column).all():
                    bad.append(f"{type(state).__name__}.{f.name}")
    return bad


def too_big(cfg: RunConfig) -> bool:
    """Whether an accepted config's world is too large to run in a test."""
    w = cfg.world
    return w.n_startups + w.n_conglomerates + w.n_foreign > MAX_RUN_FIRMS


def judge(
    leaf: Leaf,
    value: str,
    world: str,
    scenario: str,
    economics: str,
    compose: Callable[[str, str, list[str]], RunConfig] = fast_compose,
) -> Outcome:
    """Compose one case, then check its refusal or run it; never raises (but KeyboardInterrupt).

    Args:
        leaf: The key set.
        value: Its value, as the command line writes it.
        world: ``world=`` option; a synthetic world is made tiny (``TINY``).
        scenario: ``scenario=`` option (one that uses the leaf's lever, if it has one).
        economics: ``model.economics``, set before the drawn override.
        compose: ``fast_compose`` or an equivalent taking (world, scenario, overrides).
    """
    line = f"++{PARAMS}={value}" if leaf.path == PARAMS else f"{leaf.path}={value}"
    front = [*(TINY if world == "synthetic" else TINY[-1:]), f"model.economics={economics}"]
    result = Outcome(line, (world, scenario, economics), "refused")
    try:
        cfg = compose(world, scenario, [*front, line])
        if too_big(cfg):
            result.status = "too_big"
            return result
        result.status = "ran"
        bad = run_floats(cfg)
        if bad:
            result.problems.append(f"non-finite floats in {', '.join(bad)}")
    except ConfigError as error:  # when composed, or when the world is built (world.name)
        result.status = "refused"
        result.message = str(error)
        result.problems += refusal_problems(result.message, leaf.path)
    except Exception as error:
        result.message = f"{type(error).__name__}: {error}"
        result.problems.append(f"crash ({type(error).__name__}) after {result.status}")
    return result


def cases(
    subset: list[Leaf] | None = None, worlds: tuple[str, ...] = WORLDS
) -> st.SearchStrategy[tuple[Leaf, str, str, str, str]]:
    """(leaf, value, world, scenario, economics): the scenario pulls the leaf's lever.

    Args:
        subset: The leaves to draw from (all by default).
        worlds: The worlds to draw from.
    """
    scenarios = lever_scenarios()
    pool = subset or leaves()

    @st.composite
    def case(draw: st.DrawFn) -> tuple[Leaf, str, str, str, str]:
        leaf = draw(st.sampled_from(pool))
        value = draw(values_for(leaf))
        world = draw(st.sampled_from(worlds))
        scenario = scenarios[leaf.lever] if leaf.lever else draw(
            st.sampled_from(["baseline", *sorted(set(scenarios.values()))])
        )  # fmt: skip
        economics = draw(st.sampled_from(["v1", "v2"]))
        return leaf, value, world, scenario, economics

    return case()


@dataclass(frozen=True)
class Known:
    """A failure the fuzz found whose fix lies outside the fuzz's files (pinned by an xfail).

    A case's problems are tolerated when it sets ``key`` and each problem contains
    ``problem``; ``value`` (on ``world``, ``scenario``, ``economics``) reproduces it.
    """

    name: str
    key: str
    problem: str
    value: str
    fix: str
    world: str = "synthetic"
    scenario: str = "baseline"
    economics: str = "v1"

    def leaf(self) -> Leaf:
        """The leaf this entry sets."""
        return next(leaf for leaf in leaves() if leaf.path == self.key)

    def case(self) -> tuple[Leaf, str, str, str, str]:
        """The example case, as ``judge`` takes it."""
        return self.leaf(), self.value, self.world, self.scenario, self.economics


KNOWN: tuple[Known, ...] = ()  # every failure the fuzz found is fixed (2026-12-02)


def unexpected(leaf: Leaf, outcome: Outcome) -> list[str]:
    """The outcome's problems that no ``KNOWN`` entry for its key explains."""
    known = [k.problem for k in KNOWN if k.key == leaf.path]
    return [p for p in outcome.problems if not any(k in p for k in known)]


def summary(outcomes: list[Outcome]) -> str:
    """Counts of a batch of outcomes, for the report."""
    tried = len(outcomes)
    refused = sum(o.status == "refused" for o in outcomes)
    ran = sum(o.status == "ran" for o in outcomes)
    big = sum(o.status == "too_big" for o in outcomes)
    failed = [o for o in outcomes if o.problems]
    return (
        f"{tried} cases: {refused} refused, {ran} ran, {big} accepted but too big to run; "
        f"{tried - len(failed)} handled cleanly, {len(failed)} failures"
    )
