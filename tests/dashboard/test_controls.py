"""The dashboard's controls (sim/dashboard/controls.py): the lever rule and the control list."""

from __future__ import annotations

import pytest

import sim
from sim.config.levers import INFRASTRUCTURE_DOMAINS, MegaAllianceConfig, SubsidyConfig
from sim.config.schema import ConfigError
from sim.dashboard import controls
from sim.dashboard.model import DashboardModel


@pytest.mark.parametrize(
    "scenario", ["baseline", "mega_alliance", "antitrust_guidance", "subsidy_fad"]
)
def test_sliders_at_zero_keep_the_scenario_as_its_file_sets_it(scenario):
    base = sim.compose(["world=synthetic", f"scenario={scenario}"])
    cfg = controls.dashboard_config("synthetic", scenario)
    assert cfg.scenario == base.scenario
    assert cfg.world == base.world


def test_a_slider_overrides_only_its_field_of_the_scenarios_lever():
    cfg = controls.dashboard_config("synthetic", "mega_alliance", mandate_strength=2.5)
    mega = sim.compose(["world=synthetic", "scenario=mega_alliance"]).scenario.mega_alliance
    assert cfg.scenario.mega_alliance.mandate_strength == 2.5
    assert cfg.scenario.mega_alliance.start == mega.start == 4  # the rest as in the file
    assert cfg.scenario.antitrust is None and cfg.scenario.subsidy is None

    cfg = controls.dashboard_config("synthetic", "antitrust_guidance", clarity=0.4)
    assert cfg.scenario.antitrust.clarity == 0.4
    assert cfg.scenario.antitrust.share_cap == 0.4  # the scenario's cap and fines stay
    assert cfg.scenario.antitrust.fine_rate == 0.05


def test_a_slider_adds_its_lever_with_defaults_when_the_scenario_has_none():
    cfg = controls.dashboard_config(
        "synthetic",
        "baseline",
        mandate_strength=1.5,
        clarity=0.8,
        subsidy_budget=300.0,
        subsidy_focus="infrastructure",
        seed=7,
        quarters=12,
    )
    s = cfg.scenario
    assert s.mega_alliance == MegaAllianceConfig(mandate_strength=1.5)
    assert (s.antitrust.clarity, s.antitrust.share_cap, s.antitrust.fine_rate) == (0.8, 1.0, 0.0)
    assert s.subsidy == SubsidyConfig(budget=300.0, target_domains=list(INFRASTRUCTURE_DOMAINS))
    assert (cfg.seed, cfg.steps) == (7, 12)


def test_the_focus_retargets_the_scenarios_subsidy_and_needs_one():
    cfg = controls.dashboard_config(
        "synthetic", "subsidy_infrastructure", subsidy_focus="applications"
    )
    assert cfg.scenario.subsidy.target_domains == ["applications_services", "robotics"]
    assert cfg.scenario.subsidy.budget == 250.0  # the scenario's budget stays
    cfg = controls.dashboard_config("synthetic", "baseline", subsidy_focus="applications")
    assert cfg.scenario.subsidy is None  # no subsidy to focus: nothing changes


def test_apply_levers_returns_the_scenario_itself_when_nothing_changes():
    scenario = sim.compose(["world=synthetic", "scenario=mega_alliance"]).scenario
    assert controls.apply_levers(scenario) is scenario
    assert controls.apply_levers(scenario, subsidy_focus="applications") is scenario


def test_bad_settings_are_refused_and_the_cached_files_stay_untouched():
    with pytest.raises(ConfigError, match="mandate_strength"):
        controls.dashboard_config("synthetic", "baseline", mandate_strength=-1.0)
    with pytest.raises(ConfigError, match="clarity"):
        controls.dashboard_config("synthetic", "baseline", clarity=1.5)
    with pytest.raises(ValueError, match="subsidy_focus"):
        controls.dashboard_config("synthetic", "baseline", subsidy_focus="chips")
    with pytest.raises(ConfigError):
        controls.dashboard_config("synthetic", "no_such_scenario")
    controls.dashboard_config("synthetic", "mega_alliance", mandate_strength=3.0)
    cached = controls._composed("synthetic", "mega_alliance")
    assert cached.scenario.mega_alliance.mandate_strength == 1


def test_the_controls_match_the_model_constructor():
    from mesa.visualization.solara_viz import _check_model_params

    params = controls.model_params
    _check_model_params(DashboardModel.__init__, params)  # raises if not
    assert set(params) == {
        "world",
        "scenario",
        "mandate_strength",
        "clarity",
        "subsidy_budget",
        "subsidy_focus",
        "seed",
        "quarters",
    }
    for options in params.values():
        if options["type"] == "Select":
            assert options["value"] in options["values"]
    assert params["world"]["values"][0] == "korea_2024"  # the default leads
    assert {"korea_2024", "synthetic"} <= set(params["world"]["values"])
    assert params["scenario"]["values"][0] == "baseline"
    assert "national_strategy" in params["scenario"]["values"]
    # every slider's neutral default (0 = as the scenario) is the value it starts at
    for name in ("mandate_strength", "clarity", "subsidy_budget"):
        assert params[name]["value"] == params[name]["min"] == 0.0
