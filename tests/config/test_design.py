"""sim.config.design: sensitivity designs, their sizes and samples, and bad designs refused."""

from __future__ import annotations

import pytest

import sim
from sim.config import design
from sim.config.checks import ConfigError
from sim.config.schema import AnalysisConfig

TWO = {"model.growth.catch_up": [0.5, 2.5], "model.rnd.max_game_size": [5.0, 50.0]}


def test_design_sizes_follow_the_methods():
    assert design.design_size(AnalysisConfig("sobol", 8, 0, TWO)) == 8 * (2 + 2)
    assert design.design_size(AnalysisConfig("morris", 5, 0, TWO)) == 5 * (2 + 1)
    assert design.design_size(AnalysisConfig("latin", 7, 0, TWO)) == 7


def test_a_sample_sets_the_named_fields_within_bounds():
    over = ["sweep=discovery", "scenario=mega_alliance", "analysis.n=6"]
    cfg = sim.compose([*over, "sample=3"])
    values = design.sample_values(cfg)
    assert set(values) == set(cfg.analysis.params) and len(values) == 5
    assert cfg.model.growth.catch_up == values["model.growth.catch_up"]
    assert 0.5 <= cfg.model.growth.catch_up <= 2.5
    assert cfg.scenario.mega_alliance.mission == values["scenario.mega_alliance.mission"]
    assert cfg.model.rnd.max_game_size == round(values["model.rnd.max_game_size"])  # int field
    other = sim.compose([*over, "sample=4"])
    assert other.model.growth.catch_up != cfg.model.growth.catch_up
    with pytest.raises(ConfigError, match="sample=6 is out of range"):
        sim.compose([*over, "sample=6"])


def test_a_path_through_an_unused_lever_sets_nothing_and_a_typo_is_an_error():
    base = sim.compose(["scenario=baseline"])
    assert design.set_path(base, "scenario.mega_alliance.mission", 0.5) == base
    with pytest.raises(ConfigError, match="not a config field"):
        design.set_path(base, "model.growth.catchup", 1.0)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (["analysis.method=sobol"], "analysis.params is empty"),
        (["sample=2"], "sample=2 needs a design"),
        (["analysis.method=anova"], "analysis.method='anova' is not allowed"),
    ],
)
def test_bad_designs_are_config_errors(bad, message):
    with pytest.raises(ConfigError, match=message):
        sim.compose(bad)


def test_bounds_must_be_low_below_high():
    with pytest.raises(ConfigError, match="low < high"):
        AnalysisConfig("latin", 4, 0, {"model.growth.catch_up": [2.0, 1.0]})
