"""sim.config.design: sensitivity designs, their sizes and samples, and bad designs refused."""

from __future__ import annotations

import pytest

import sim
from sim.config import design
from sim.config.checks import ConfigError
from sim.config.design import check_not_designed, designed_keys
from sim.config.schema import AnalysisConfig

TWO = {"model.growth.catch_up": [0.5, 2.5], "model.rnd.max_game_size": [5.0, 50.0]}


def test_design_sizes_follow_the_methods():
    assert design.design_size(AnalysisConfig("sobol", 8, 0, TWO)) == 8 * (2 + 2)
    assert design.design_size(AnalysisConfig("morris", 5, 0, TWO)) == 5 * (2 + 1)
    assert design.design_size(AnalysisConfig("latin", 7, 0, TWO)) == 7


def test_a_sample_sets_the_named_fields_within_bounds():
    ranges = (
        "++analysis.params={world.n_startups:[500.0,2000.0],"
        "scenario.mega_alliance.mission:[0.0,1.0]}"
    )
    over = ["sweep=morris", "scenario=mega_alliance", "analysis.n=1", ranges]
    cfg = sim.compose([*over, "sample=3"])
    values = design.sample_values(cfg)
    assert set(values) == set(cfg.analysis.params) and len(values) == 8
    assert cfg.model.growth.margin == values["model.growth.margin"]
    assert 0.05 <= cfg.model.growth.margin <= 0.2
    assert cfg.scenario.mega_alliance.mission == values["scenario.mega_alliance.mission"]
    assert cfg.world.n_startups == round(values["world.n_startups"])  # int field
    other = sim.compose([*over, "sample=4"])
    assert design.sample_values(other) != values  # a Morris step moves one parameter
    with pytest.raises(ConfigError, match="sample=9 is out of range"):
        sim.compose([*over, "sample=9"])


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


# --- overrides a design's rows would overwrite ---------------------------------------------

DESIGNED = designed_keys(
    "uncertainty", "default", ["model.choice.hub_link_cost", "model.rnd.relatedness.scale"], []
)


@pytest.mark.parametrize(
    ("override", "hit"),
    [
        ("model.choice.hub_link_cost=1", "model.choice.hub_link_cost"),
        ("model.choice.hub_link_cost=0.5,1", "model.choice.hub_link_cost"),  # a sweep of it
        ("model.choice={hub_link_cost:1}", "model.choice.hub_link_cost"),  # a node as a mapping
        ("model={choice:{hub_link_cost:1}}", "model.choice.hub_link_cost"),
        ("model.choice=null", "model.choice.hub_link_cost"),  # a node that holds it
        ("++model.choice.hub_link_cost=1", "model.choice.hub_link_cost"),
    ],
)
def test_an_override_a_row_would_overwrite_is_refused_in_one_line(override, hit):
    with pytest.raises(ConfigError) as error:
        check_not_designed([override], DESIGNED)
    message = str(error.value)
    assert message.startswith(f"{override}: {hit} is declared uncertain (uncertainty=default)")
    assert "allowed: leave it out, or an uncertainty set without it" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    "override",
    [
        "model.choice.coord_cost_share=0.1",  # not designed
        "model.choice={coord_cost_share:0.1}",
        "model.rnd.relatedness=[[1,0.5],[0.5,1]]",  # a scaled list: the worlds multiply it
        "model.choice.hub_link_cost_extra=1",  # a longer key is another key
        "scenario=mega_alliance",
    ],
)
def test_an_override_the_rows_leave_alone_passes(override):
    check_not_designed([override], DESIGNED)


def test_a_params_design_names_its_keys_and_what_to_do():
    designed = designed_keys(
        "params", "default", ["model.growth.margin"], ["model.rnd.beta_public"]
    )
    assert designed == {"model.rnd.beta_public": "varied by analysis.params"}
    with pytest.raises(
        ConfigError, match=r"allowed: leave it out, or take it out of analysis\.params"
    ):
        check_not_designed(["model.rnd.beta_public=0.1"], designed)
    check_not_designed(["model.growth.margin=0.1"], designed)  # not this design's key
