"""The page (sim/dashboard/layout.py): values beside every slider, "as scenario", the clock."""

from __future__ import annotations

import ipyvuetify as v
import solara
from mesa.visualization.utils import update_counter

from sim.dashboard import layout
from sim.dashboard.controls import DEFAULTS, SLIDERS, value_text
from sim.dashboard.model import DashboardModel

SMALL = {"world": "synthetic", "quarters": 6}
LEVERS = ["member_value", "refusal_cost", "clarity", "subsidy_budget"]


def _settings_card(**chosen):
    settings = solara.reactive({**DEFAULTS, **SMALL, **chosen})
    _, rc = solara.render(layout.SettingsCard(settings), handle_error=False)
    return settings, rc


def _control(rc, name: str):
    """One setting's column (a solara Column: its CSS classes follow Solara's own)."""
    return rc.find(class_=f"d-flex ma-0 alliancesim-control alliancesim-control-{name}")


def _value(rc, name: str) -> str:
    """The text beside one slider."""
    return _control(rc, name).find(class_="alliancesim-value").widget.children[0]


def test_every_slider_shows_its_value_beside_it_and_each_lever_as_scenario():
    settings, rc = _settings_card(scenario="antitrust_guidance")
    try:
        sliders = rc.find(v.Slider).widgets
        assert [s.label for s in sliders] == [spec.label for spec in SLIDERS.values()]
        assert [s.disabled for s in sliders] == [True, True, True, True, False, False]
        texts = {name: _value(rc, name) for name in SLIDERS}
        assert texts == {name: value_text(settings.value, name) for name in SLIDERS}
        assert texts["clarity"] == "scenario: 0.90"
        assert sliders[2].v_model == 0.9  # a lever "as scenario" stands at the scenario's value
        boxes = rc.find(v.Checkbox).widgets
        assert [b.label for b in boxes] == ["as scenario"] * 4
        assert all(b.v_model is True for b in boxes)
        assert [s.label for s in rc.find(v.Select).widgets] == [
            "World",
            "Scenario",
            "Subsidy focus",
        ]
    finally:
        rc.close()


def test_unticking_as_scenario_makes_the_slider_the_runs_and_zero_can_be_chosen():
    settings, rc = _settings_card(scenario="antitrust_guidance")
    try:
        clarity = _control(rc, "clarity")
        clarity.find(v.Checkbox).widget.v_model = False
        assert settings.value["clarity"] == 0.9  # starts from the scenario's own value
        slider = clarity.find(v.Slider).widget
        assert not slider.disabled
        slider.v_model = 0.0
        assert settings.value["clarity"] == 0.0
        assert _value(rc, "clarity") == "0.00"
        assert DashboardModel(**settings.value).cfg.scenario.antitrust.clarity == 0.0
        clarity.find(v.Checkbox).widget.v_model = True
        assert settings.value["clarity"] is None and _value(rc, "clarity") == "scenario: 0.90"
    finally:
        rc.close()


def test_the_as_scenario_text_follows_the_scenario_chosen():
    settings, rc = _settings_card()
    try:
        assert _value(rc, "member_value") == "scenario: none"
        rc.find(v.Select, label="Scenario").widget.v_model = "mega_alliance"
        assert settings.value["scenario"] == "mega_alliance"
        assert _value(rc, "member_value") == "scenario: USD 0.50 m"
        assert _value(rc, "refusal_cost") == "scenario: USD 0.00 m"
        rc.find(v.Slider, label="Seed").widget.v_model = 7
        assert settings.value["seed"] == 7 and _value(rc, "seed") == "7"
        assert _value(rc, "quarters") == "6 (to 2025Q3)"
    finally:
        rc.close()


def test_the_clock_shows_quarters_with_dates_never_steps():
    model = DashboardModel(**SMALL)
    _, rc = solara.render(layout.Clock(model), handle_error=False)
    try:
        texts = [w.children[0] for w in rc.find(v.Html, tag="span").widgets]
        assert texts == ["Quarter 0 of 6 · 2024Q1", "Run covers 2024Q1 to 2025Q3"]
        model.step()
        update_counter.value += 1  # what the run buttons do after a step
        texts = [w.children[0] for w in rc.find(v.Html, tag="span").widgets]
        assert texts[0] == "Quarter 1 of 6 · 2024Q2"
    finally:
        rc.close()


def test_the_page_lays_out_the_four_panels():
    model = DashboardModel(**SMALL)
    _, rc = solara.render(layout.Dashboard(model), handle_error=False)
    try:
        for css in ("network", "shares", "gap", "summary"):
            rc.find(class_=f"d-flex ma-0 alliancesim-{css}").assert_single()
    finally:
        rc.close()
