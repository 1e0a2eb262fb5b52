"""The dashboard's controls (sim/dashboard/controls.py): the lever rule, the settings, the texts."""

from __future__ import annotations

import inspect

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.config.levers import INFRASTRUCTURE_DOMAINS, MegaAllianceConfig, SubsidyConfig
from sim.config.schema import ConfigError
from sim.dashboard import controls
from sim.dashboard.model import DashboardModel

LEVERS = ("member_value", "refusal_cost", "clarity", "subsidy_budget")
FIELDS = {  # lever setting -> (the scenario's lever, its field)
    "member_value": ("mega_alliance", "member_value"),
    "refusal_cost": ("mega_alliance", "refusal_cost"),
    "clarity": ("antitrust", "clarity"),
    "subsidy_budget": ("subsidy", "budget"),
}


@pytest.mark.parametrize(
    "scenario", ["baseline", "mega_alliance", "antitrust_guidance", "subsidy_fad"]
)
def test_levers_as_scenario_keep_the_scenario_as_its_file_sets_it(scenario):
    base = sim.compose(["world=synthetic", f"scenario={scenario}"])
    cfg = controls.dashboard_config("synthetic", scenario)
    assert cfg.scenario == base.scenario
    assert cfg.world == base.world


def test_a_lever_overrides_only_its_field_of_the_scenarios_lever():
    cfg = controls.dashboard_config("synthetic", "mega_alliance", member_value=2.5)
    mega = sim.compose(["world=synthetic", "scenario=mega_alliance"]).scenario.mega_alliance
    assert cfg.scenario.mega_alliance.member_value == 2.5
    assert cfg.scenario.mega_alliance.start == mega.start == 4  # the rest as in the file
    assert cfg.scenario.mega_alliance.refusal_cost == mega.refusal_cost
    cfg = controls.dashboard_config("synthetic", "mega_alliance", refusal_cost=3.0)
    assert cfg.scenario.mega_alliance.refusal_cost == 3.0
    assert cfg.scenario.mega_alliance.member_value == mega.member_value
    assert cfg.scenario.antitrust is None and cfg.scenario.subsidy is None

    cfg = controls.dashboard_config("synthetic", "antitrust_guidance", clarity=0.4)
    assert cfg.scenario.antitrust.clarity == 0.4
    assert cfg.scenario.antitrust.share_cap == 0.4  # the scenario's cap and fines stay
    assert cfg.scenario.antitrust.fine_rate == 0.05


def test_zero_is_a_value_like_any_other_not_as_the_scenario():
    # the issue: with 0 meaning "as the scenario", clarity 0 could not be chosen
    cfg = controls.dashboard_config("synthetic", "antitrust_guidance", clarity=0.0)
    assert cfg.scenario.antitrust.clarity == 0.0
    assert cfg.scenario.antitrust.share_cap == 0.4
    cfg = controls.dashboard_config("synthetic", "mega_alliance", member_value=0.0)
    assert cfg.scenario.mega_alliance.member_value == 0.0
    cfg = controls.dashboard_config("synthetic", "subsidy_infrastructure", subsidy_budget=0.0)
    assert cfg.scenario.subsidy.budget == 0.0
    assert cfg.scenario.subsidy.target_domains == list(INFRASTRUCTURE_DOMAINS)


def test_a_lever_adds_itself_with_defaults_when_the_scenario_has_none():
    cfg = controls.dashboard_config(
        "synthetic",
        "baseline",
        member_value=1.5,
        refusal_cost=2.0,
        clarity=0.8,
        subsidy_budget=300.0,
        subsidy_focus="infrastructure",
        seed=7,
        quarters=12,
    )
    s = cfg.scenario
    assert s.mega_alliance == MegaAllianceConfig(member_value=1.5, refusal_cost=2.0)
    assert (s.antitrust.clarity, s.antitrust.share_cap, s.antitrust.fine_rate) == (0.8, 1.0, 0.0)
    assert s.subsidy == SubsidyConfig(budget=300.0, target_domains=list(INFRASTRUCTURE_DOMAINS))
    assert (cfg.seed, cfg.steps) == (7, 12)


@settings(max_examples=25)
@given(
    lever=st.sampled_from(LEVERS),
    position=st.integers(0, 40),
    scenario=st.sampled_from(["baseline", "national_strategy", "subsidy_fad"]),
)
def test_every_slider_position_sets_exactly_its_field(lever, position, scenario):
    spec = controls.SLIDERS[lever]
    value = min(spec.min + position * spec.step, spec.max)
    base = controls.dashboard_config("synthetic", scenario)
    cfg = controls.dashboard_config("synthetic", scenario, **{lever: value})
    group, field = FIELDS[lever]
    assert getattr(getattr(cfg.scenario, group), field) == value
    for other, _ in FIELDS.values():  # the other levers stay as the scenario sets them
        if other != group:
            assert getattr(cfg.scenario, other) == getattr(base.scenario, other)


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
    with pytest.raises(ConfigError, match=r"member_value=-1.0 .*allowed: >= 0, or None"):
        controls.dashboard_config("synthetic", "baseline", member_value=-1.0)
    with pytest.raises(ConfigError, match=r"refusal_cost=-1.0 .*allowed: >= 0, or None"):
        controls.dashboard_config("synthetic", "baseline", refusal_cost=-1.0)
    with pytest.raises(ConfigError, match="clarity"):
        controls.dashboard_config("synthetic", "baseline", clarity=1.5)
    with pytest.raises(ConfigError, match="subsidy_budget"):
        controls.dashboard_config("synthetic", "baseline", subsidy_budget=float("nan"))
    with pytest.raises(ValueError, match="subsidy_focus"):
        controls.dashboard_config("synthetic", "baseline", subsidy_focus="chips")
    with pytest.raises(ConfigError):
        controls.dashboard_config("synthetic", "no_such_scenario")
    controls.dashboard_config("synthetic", "mega_alliance", member_value=3.0, refusal_cost=4.0)
    cached = controls._composed("synthetic", "mega_alliance")
    assert cached.scenario.mega_alliance.member_value == 0.5
    assert cached.scenario.mega_alliance.refusal_cost == 0.0


def test_the_settings_match_the_model_constructor():
    params = inspect.signature(DashboardModel.__init__).parameters
    assert set(controls.DEFAULTS) == set(params) - {"self"}
    for name, value in controls.DEFAULTS.items():
        assert params[name].default == value  # the page starts where the model defaults
    assert set(controls.SLIDERS) | set(controls.SELECTS) == set(controls.DEFAULTS)
    for name, (_, choices) in controls.SELECTS.items():
        assert controls.DEFAULTS[name] in choices
    assert controls.SELECTS["world"][1][0] == "korea_2024"  # the default leads
    assert {"korea_2024", "synthetic"} <= set(controls.SELECTS["world"][1])
    assert controls.SELECTS["scenario"][1][0] == "baseline"
    assert "national_strategy" in controls.SELECTS["scenario"][1]
    assert controls.AS_SCENARIO in controls.SELECTS["subsidy_focus"][1]
    # every lever starts "as scenario" and can reach 0; the others start inside their range
    for name, spec in controls.SLIDERS.items():
        assert spec.as_scenario == (name in LEVERS)
        if spec.as_scenario:
            assert controls.DEFAULTS[name] is None and spec.min == 0.0
        else:
            assert spec.integer and spec.min <= controls.DEFAULTS[name] <= spec.max


def test_as_scenario_stands_where_the_scenario_file_sets_the_lever():
    assert controls.scenario_lever("synthetic", "antitrust_guidance", "clarity") == (0.9, "0.90")
    baseline = sim.compose(["world=synthetic"]).model.choice.baseline_clarity
    assert controls.scenario_lever("synthetic", "baseline", "clarity") == (
        baseline,
        f"{baseline:.2f} (no guidance)",
    )
    assert controls.scenario_lever("synthetic", "mega_alliance", "member_value") == (
        0.5,
        "USD 0.50 m",
    )
    assert controls.scenario_lever("synthetic", "mega_alliance", "refusal_cost") == (
        0.0,
        "USD 0.00 m",
    )
    assert controls.scenario_lever("synthetic", "baseline", "member_value") == (
        MegaAllianceConfig().member_value,
        "none",
    )
    assert controls.scenario_lever("synthetic", "subsidy_infrastructure", "subsidy_budget") == (
        250.0,
        "USD 250 m",
    )
    assert controls.scenario_lever("synthetic", "baseline", "subsidy_budget")[1] == "none"


def test_the_text_beside_every_slider_says_the_value_or_what_as_scenario_means():
    chosen = dict(controls.DEFAULTS, world="synthetic", scenario="antitrust_guidance")
    texts = {name: controls.value_text(chosen, name) for name in controls.SLIDERS}
    assert texts == {
        "member_value": "scenario: none",
        "refusal_cost": "scenario: none",
        "clarity": "scenario: 0.90",
        "subsidy_budget": "scenario: none",
        "seed": "0",
        "quarters": "40 (to 2034Q1)",
    }
    chosen.update(
        member_value=0.5, refusal_cost=2.0, clarity=0.0, subsidy_budget=1000.0, seed=7, quarters=6
    )
    texts = {name: controls.value_text(chosen, name) for name in controls.SLIDERS}
    assert texts == {
        "member_value": "USD 0.50 m",
        "refusal_cost": "USD 2.00 m",
        "clarity": "0.00",
        "subsidy_budget": "USD 1,000 m",
        "seed": "7",
        "quarters": "6 (to 2025Q3)",
    }
    korea_2016 = dict(controls.DEFAULTS, world="korea_2016", quarters=8)
    assert controls.value_text(korea_2016, "quarters") == "8 (to 2018Q1)"
