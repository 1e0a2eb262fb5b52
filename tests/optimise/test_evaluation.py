from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sim
from sim.config.checks import ConfigError
from sim.config.levers import SubsidyConfig
from sim.optimise.config import compose_optimise
from sim.optimise.evaluation import (
    GAP,
    HARM,
    LEVERS_FILE,
    SPEND,
    Evaluator,
    assured_reduction,
    check_levers,
    measure,
    setting_key,
    with_levers,
    world_configs,
)
from tests.optimise.conftest import LEVER


def test_with_levers_pulls_an_unused_lever_with_its_defaults():
    base = sim.compose(["world=synthetic"])
    assert base.scenario.subsidy is None
    cfg = with_levers(base, {"scenario.subsidy.budget": 123.0})
    expected = SubsidyConfig(budget=123.0)
    assert cfg.scenario.subsidy == expected
    assert cfg.scenario.name == "optimised"
    assert base.scenario.subsidy is None  # not changed in place


def test_check_levers_names_the_lever_and_the_bound():
    base = sim.compose(["world=synthetic"])
    cfg = compose_optimise(
        ["optimise.levers=[{path:scenario.public_compute.cost_reduction,low:0,high:0.9}]"]
    )
    with pytest.raises(ConfigError, match=r"optimise.levers\[0\] .*high=0.9.*allowed"):
        check_levers(cfg.levers, base)
    cfg = compose_optimise(["optimise.levers=[{path:scenario.subsidy.nope,low:0,high:1}]"])
    with pytest.raises(ConfigError, match=r"optimise.levers\[0\] .*nope"):
        check_levers(cfg.levers, base)


def test_an_override_each_world_would_overwrite_is_refused_naming_it(tiny):
    """``world.n_startups`` is declared uncertain: each world draws it, so 20 would never run."""
    cfg = compose_optimise([*tiny, "optimise.overrides=['world.n_startups=20']"])
    with pytest.raises(ConfigError) as error:
        world_configs(cfg, cfg.scenario)
    message = str(error.value)
    assert message.startswith("optimise.overrides=['world.n_startups=20']: world.n_startups=20:")
    assert "declared uncertain (uncertainty=default)" in message
    assert [c.world.n_startups for c in world_configs(compose_optimise(tiny), cfg.scenario)]


def _table(gaps, spend, harm):
    rows = [
        {"sample": w, "seed": 0, "replicate": r, GAP: g, SPEND: s, HARM: h}
        for w, (world_gaps, s, h) in enumerate(zip(gaps, spend, harm, strict=True))
        for r, g in enumerate(world_gaps)
    ]
    return pd.DataFrame(rows)


def test_measure_pairs_by_world_and_seed():
    baseline = _table([[3.0, 3.2], [4.0, 4.4], [5.0, 5.0]], [0, 0, 0], [1.0, 1.0, 1.0])
    # world 0: -0.5 and -0.1 (mean -0.3); world 1: -0.6; world 2: 0.0
    setting = _table([[2.5, 3.1], [3.4, 3.8], [5.0, 5.0]], [2.0, 2.0, 5.0], [1.5, 1.0, 1.0])
    found = measure(setting, baseline, gap_reduction=0.3, share=0.6)
    assert found.gap_effects == pytest.approx((-0.3, -0.6, 0.0))
    assert found.share_met == pytest.approx(2 / 3)  # -0.3 counts as met (at most -0.3)
    assert found.cost == pytest.approx(3.0)
    assert found.gap_effect == pytest.approx(-0.3)
    assert found.harm_effect == pytest.approx(0.5 / 3)
    assert found.assured == pytest.approx(0.3)  # 2 of 3 worlds (ceil(0.6 x 3)) reach 0.3


@given(
    effects=st.lists(st.floats(-2, 2, allow_nan=False), min_size=1, max_size=12),
    share=st.floats(0.01, 1.0),
    target=st.floats(-1, 1, allow_nan=False),
)
def test_assured_reduction_meets_the_target_exactly_when_the_share_does(effects, share, target):
    met = sum(-e >= target for e in effects) / len(effects)
    assert (assured_reduction(effects, share) >= target) == (met >= share - 1e-9)


@pytest.mark.slow  # 3-11 s: CI (make test-slow), to keep make test near 5 minutes
def test_an_evaluation_runs_through_the_store_and_is_reused(tiny, tmp_path):
    cfg = compose_optimise(tiny)
    out = tmp_path / "study"
    values = {LEVER: 0.2}
    with Evaluator(cfg, out) as evaluator:
        first = evaluator.evaluate(values)
        again = evaluator.evaluate(values)
    assert (first.runs, first.skipped) == (2, 0)
    assert (again.runs, again.skipped) == (2, 2)
    assert again == first.__class__(**{**first.__dict__, "skipped": 2})
    folder = out / "settings" / setting_key(values)
    assert json.loads((folder / LEVERS_FILE).read_text())["levers"] == {LEVER: 0.2}
    assert sorted(p.name for p in folder.glob("world_*")) == ["world_000", "world_001"]
    assert (out / "baseline" / "world_001" / "run.json").is_file()
    assert first.cost > 0 and first.gap_effect < 0  # cheaper R&D: money spent, gap closed
    worlds = ("world_000", "world_001")
    records = [json.loads((folder / w / "run.json").read_text()) for w in worlds]
    assert [r["config"]["sample"] for r in records] == [0, 1]
    assert records[0]["config"]["scenario"]["public_compute"]["cost_reduction"] == 0.2
