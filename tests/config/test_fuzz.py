"""A fuzz of the whole config tree: every leaf key, bad and edge values (issue 15, item 6).

Each case sets one leaf of ``RunConfig`` (found by walking its dataclasses) to a value drawn
for its type or a hostile one (NaN, infinities, huge and negative numbers, zero, wrong
types, empty, shortened and doubled lists, path separators, ``${...}`` interpolations), on
a world, scenario (one that pulls the leaf's lever) and economics drawn too. It must end in
one of two ways: a ``ConfigError`` of one line naming the key set and what is allowed (exit
2 on the command line), or a run of a few quarters whose every float is finite.

``make test`` runs a few hundred cases in this process on the tiny synthetic world; the
tests marked slow run thousands on both worlds, and a sample through the real command line.
Failures whose fix lies outside ``sim.config.checks``/``compose`` are listed in ``KNOWN``,
each pinned by a strict xfail below: when it is fixed, its xfail passes and fails the suite,
and the entry goes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings

import sim
from sim.config.checks import ConfigError
from tests.config.fuzz_cases import (
    KNOWN,
    PARAMS,
    TINY,
    Known,
    Leaf,
    Outcome,
    cases,
    fast_compose,
    judge,
    leaves,
    refusal_problems,
    run_floats,
    too_big,
    unexpected,
    values_for,
)

SCRIPT = Path(sys.executable).with_name("alliancesim")
FUZZ = settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)
# one in four slow cases on korea_2024 (~250 firms, up to 10 s a case), the rest tiny
SLOW_WORLDS = ("synthetic", "synthetic", "synthetic", "korea_2024")
# the fuzz checks outcomes, not the engine's warnings about odd values (they are many)
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def test_the_walk_finds_every_leaf_and_each_has_values():
    found = {leaf.path: leaf for leaf in leaves()}
    assert len(found) > 150
    for key in ("world.domain_weights", "model.rnd.relatedness", "scenario.tournament.stages",
                "scenario.subsidy.target_domains", PARAMS, "seed", "model.markets.world_size_2030",
                "scenario.mega_alliance.start"):  # fmt: skip
        assert key in found, key
    assert found["scenario.subsidy.budget"].lever == "subsidy"
    assert found["model.growth.margin"].lever is None
    for leaf in found.values():
        values_for(leaf)  # a strategy for every type the tree uses


def test_the_judge_can_fail():
    """A refusal naming another key, and a run with NaN, are both caught."""
    wrong = "model.rnd.demand_intercept=2.0 is out of range; allowed: [3, inf]"
    assert refusal_problems(wrong, "model.rnd.unit_cost") == [
        "message does not name model.rnd.unit_cost"
    ]
    assert refusal_problems("world.x: bad\nTraceback", "world.x") == [
        "message of more than one line",
        "message does not say what is allowed",
    ]
    cfg = sim.compose([*TINY, "world=synthetic"])
    cfg.model.growth.margin = float("nan")  # past the checks, as no user can
    assert any("steps." in name for name in run_floats(cfg))


@pytest.mark.slow  # 3-11 s: CI (make test-slow), to keep make test near 5 minutes
@settings(FUZZ, max_examples=6)
@given(cases(worlds=("synthetic",)))
def test_fast_compose_is_compose(case):
    """The fuzz's shortcut (files composed once) gives what ``sim.compose`` gives."""
    leaf, value, world, scenario, economics = case
    line = f"++{PARAMS}={value}" if leaf.path == PARAMS else f"{leaf.path}={value}"
    overrides = [*TINY, f"model.economics={economics}", line]
    outcomes = []
    for compose in (fast_compose, lambda w, s, o: sim.compose([f"world={w}", f"scenario={s}", *o])):
        try:
            outcomes.append(compose(world, scenario, overrides))
        except ConfigError as error:
            outcomes.append(str(error))
    assert outcomes[0] == outcomes[1]


def check(leaf: Leaf, value: str, world: str, scenario: str, economics: str) -> None:
    outcome = judge(leaf, value, world, scenario, economics)
    problems = unexpected(leaf, outcome)
    assert not problems, (outcome.override, outcome.base, problems, outcome.message)


# about 18 s of one core on the shared 2-core machine
@pytest.mark.slow  # 3-11 s: CI (make test-slow), to keep make test near 5 minutes
@settings(FUZZ, max_examples=160)
@given(cases(worlds=("synthetic",)))
def test_every_leaf_refuses_cleanly_or_runs_finite(case):
    check(*case)


# --- slow: thousands in this process, a sample through the command line -------------------


@pytest.mark.slow  # about 70 s each on the shared 2-core machine
@pytest.mark.parametrize("shard", range(4))
def test_every_leaf_thoroughly(shard):
    subset = leaves()[shard::4]  # four shards draw different leaves (and so examples)

    @settings(FUZZ, max_examples=500)
    @given(cases(subset, SLOW_WORLDS))
    def fuzz(case):
        check(*case)

    fuzz()


@pytest.mark.slow  # about 150 s on the shared 2-core machine
@settings(FUZZ, max_examples=20)
@given(case=cases(worlds=("synthetic",)))
def test_the_command_line_exits_2_in_one_line_or_runs_finite(tmp_path_factory, case):
    leaf, value, world, scenario, economics = case
    line = f"++{PARAMS}={value}" if leaf.path == PARAMS else f"{leaf.path}={value}"
    front = [*TINY, f"model.economics={economics}"]
    try:  # a long or large run is not for a test; the in-process fuzz covers its config
        cfg = fast_compose(world, scenario, [*front, line])
        assume(cfg.steps <= 12 and cfg.replicates <= 2 and not too_big(cfg))
    except ConfigError:
        pass
    cwd = tmp_path_factory.mktemp("cli")
    command = [str(SCRIPT), f"world={world}", f"scenario={scenario}", *front, line]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)
    lines = done.stderr.strip().splitlines()
    if done.returncode == 2:
        assert len(lines) == 1 and lines[0].startswith("alliancesim: error: "), done.stderr
        outcome = Outcome(line, (world, scenario, economics), "refused", lines[0])
        outcome.problems = refusal_problems(lines[0], leaf.path)
        assert not unexpected(leaf, outcome), (line, lines[0])
        return
    assert done.returncode == 0, (line, done.stderr[-2000:])
    tables = list(cwd.rglob("*.parquet"))
    assert tables
    for table in tables:
        numbers = pd.read_parquet(table).select_dtypes("number")
        assert np.isfinite(numbers.to_numpy(dtype=float)).all(), (line, table.name)


# --- what the fuzz found that needs a change outside the files of this fuzz ---------------


class KnownFailure(Exception):
    """A ``KNOWN`` entry's example failed as recorded."""


@pytest.mark.parametrize(
    "known",
    [
        pytest.param(k, marks=pytest.mark.xfail(strict=True, raises=KnownFailure, reason=k.fix))
        for k in KNOWN
    ],
    ids=[k.name for k in KNOWN],
)
def test_known_failure_is_fixed(known: Known):
    """Fails (xfail) while the entry's example fails as recorded; passes (so fails the
    suite, strict) once it is fixed: then remove the entry from ``KNOWN``."""
    outcome = judge(*known.case())
    assert not unexpected(known.leaf(), outcome), (outcome.problems, outcome.message)
    if outcome.problems:
        raise KnownFailure(f"{outcome.override}: {outcome.problems}; {outcome.message}")
