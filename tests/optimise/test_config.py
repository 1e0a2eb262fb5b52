from __future__ import annotations

import dataclasses

import pytest

from sim.config.checks import ConfigError
from sim.optimise.config import (
    LeverRange,
    OptimiseConfig,
    compose_optimise,
    study_fingerprint,
)


def test_presets_compose_typed():
    default = compose_optimise([])
    assert isinstance(default, OptimiseConfig)
    assert default.world == "korea_2024" and default.objective.kind == "cheapest_robust"
    assert [lever.lever for lever in default.levers] == [
        "subsidy",
        "public_compute",
        "open_data",
        "mega_alliance",
    ]
    quick = compose_optimise(["optimise=quick", "optimise.n_trials=3"])
    assert quick.world == "synthetic" and quick.n_trials == 3
    assert quick.levers[0].step == 100.0


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ("optimise.n_trials=0", "optimise.n_trials=0"),
        ("optimise.nope=1", "optimise.nope"),
        ("optimise.objective.kind=cheapest", "optimise.objective.kind='cheapest'"),
        ("optimise.objective.share=1.5", "optimise.objective.share=1.5"),
        ("optimise.worlds=abc", "optimise.worlds"),
        ("optimise=nope", "optimise='nope'"),
        ("world=synthetic", "'world=synthetic'"),
        ("optimise.overrides=[world.n_startups=2]", "optimise.overrides=[world.n_startups=2]"),
        ("optimise.levers=[{path:subsidy.budget,low:0,high:1}]", "'subsidy.budget'"),
        ("optimise.levers=[{path:scenario.subsidy.budget,low:5,high:1}]", "low=5.0"),
        ("optimise.levers=[{path:scenario.subsidy.budget,low:0,high:1,step:0.3}]", "step=0.3"),
    ],
)
def test_bad_input_is_one_line_naming_the_key(override, named):
    with pytest.raises(ConfigError) as error:
        compose_optimise([override])
    message = str(error.value)
    assert "\n" not in message
    assert named in message and "allowed" in message


def test_fingerprint_ignores_what_a_resume_may_change():
    cfg = compose_optimise(["optimise=quick"])
    same = dataclasses.replace(cfg, n_trials=99, jobs=2, out="elsewhere")
    assert study_fingerprint(same) == study_fingerprint(cfg)
    other = dataclasses.replace(cfg, worlds=3)
    assert study_fingerprint(other) != study_fingerprint(cfg)
    relabelled = [dataclasses.replace(lever, label="words") for lever in cfg.levers]
    assert study_fingerprint(dataclasses.replace(cfg, levers=relabelled)) == study_fingerprint(cfg)
    assert study_fingerprint(dataclasses.replace(cfg, levers=relabelled[:1])) != study_fingerprint(
        cfg
    )


def test_lever_words():
    lever = LeverRange("scenario.open_data.spillover_bonus", 0.0, 0.3)
    assert lever.lever == "open_data" and lever.words == "open data spillover bonus"
    assert LeverRange("scenario.subsidy.budget", 0, 1, label="Subsidy").words == "Subsidy"
