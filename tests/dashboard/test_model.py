"""The model behind the dashboard (sim/dashboard/model.py): settings, stepping, stopping."""

from __future__ import annotations

import numpy as np

import sim
from sim.dashboard.model import DashboardModel

SMALL = {"world": "synthetic", "quarters": 6}


def test_the_dashboard_model_steps_records_and_stops_at_its_horizon():
    model = DashboardModel(scenario="mega_alliance", refusal_cost=0.5, seed=3, **SMALL)
    assert model.settings["refusal_cost"] == 0.5
    assert model.cfg.scenario.mega_alliance.refusal_cost == 0.5
    assert model.running and model.steps == 0
    for _ in range(6):
        model.step()
    assert model.steps == 6 and not model.running
    df = model.datacollector.get_model_vars_dataframe()
    assert list(df["step"]) == list(range(7))
    shares = df[["share_open", "share_closed", "share_alone"]].sum(axis=1)
    assert np.allclose(shares, 1.0)
    # the same settings give the same run (the page re-creates the model on Reset)
    again = DashboardModel(scenario="mega_alliance", refusal_cost=0.5, seed=3, **SMALL)
    again.run(6)
    assert again.datacollector.get_model_vars_dataframe().equals(df)


def test_slider_floats_are_rounded_to_what_the_user_chose():
    model = DashboardModel(clarity=0.1 + 0.2, **SMALL)
    assert model.cfg.scenario.antitrust.clarity == 0.3


def test_levers_default_to_as_scenario_and_zero_is_a_choice():
    model = DashboardModel(scenario="antitrust_guidance", **SMALL)
    assert model.settings["clarity"] is None
    file = sim.compose(["world=synthetic", "scenario=antitrust_guidance"]).scenario
    assert model.cfg.scenario == file
    zero = DashboardModel(scenario="antitrust_guidance", clarity=0, **SMALL)
    assert zero.settings["clarity"] == 0.0 and zero.cfg.scenario.antitrust.clarity == 0.0
