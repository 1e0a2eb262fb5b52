"""Sensitivity designs, their indices, scenario discovery, and the design sweeps end to end."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.analysis import discovery, report, sensitivity
from sim.config import design
from sim.config.checks import ConfigError
from sim.config.schema import AnalysisConfig
from sim.runs import store as results
from sim.runs.cli import main as alliancesim

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


def test_sobol_indices_recover_a_known_function():
    analysis = AnalysisConfig("sobol", 256, 3, {"a": [0.0, 1.0], "b": [0.0, 1.0]})
    x = design.design(analysis)
    y = 4 * x[:, 0] + 0.1 * x[:, 1]  # b explains about 0.06 % of the variance
    final = pd.DataFrame({"sample": np.arange(len(x)), "tech_gap_years": y})
    table = sensitivity.indices(final, analysis, "tech_gap_years").set_index("parameter")
    assert table.loc["a", "S1"] == pytest.approx(1.0, abs=0.05)
    assert table.loc["b", "ST"] == pytest.approx(0.0, abs=0.02)
    with pytest.raises(ValueError, match="no finished run"):
        sensitivity.indices(final.iloc[:-3], analysis, "tech_gap_years")


def test_prim_finds_the_box_where_the_policy_wins():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (300, 2))
    wins = x[:, 0] > 0.7
    rows = []
    for sample, (a, b) in enumerate(x):
        rows.append({"label": "base", "sample": sample, "p.a": a, "p.b": b, "gap": 1.0})
        gap = 0.5 if wins[sample] else 1.5
        rows.append({"label": "policy", "sample": sample, "p.a": a, "p.b": b, "gap": gap})
    found = discovery.discover(pd.DataFrame(rows), "policy", "base", ["p.a", "p.b"], "gap")
    assert found.wins == pytest.approx(wins.mean())
    limits = found.limits.set_index("parameter")
    assert list(limits.index) == ["p.a"] and limits.loc["p.a", "low"] == pytest.approx(
        0.7, abs=0.03
    )
    assert found.density > 0.9 and found.coverage > 0.9
    assert "p.a between" in discovery.describe(found, "base")


def test_a_design_sweep_runs_one_job_per_row_and_reports_indices(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.argv", ["alliancesim"])
    argv = ["sweep=morris", "analysis.n=2", "replicates=1", "steps=3", "world=synthetic"]
    assert alliancesim([*argv, "world.n_startups=40", "hydra.sweep.dir=m"]) == 0
    table = results.manifest("m")
    assert len(table) == 2 * 7 and table["status"].eq("done").all()
    final = results.load("m", "final")
    assert sorted(final["sample"]) == list(range(14))
    assert final["model.growth.catch_up"].between(0.5, 2.5).all()
    assert report.main(["m"]) == 0
    indices = pd.read_csv(tmp_path / "m" / "sensitivity.csv")
    assert set(indices["parameter"]) == {
        "model.choice.w_legal",
        "model.choice.w_rivalry",
        "model.growth.catch_up",
        "model.growth.frontier_growth",
        "model.rnd.beta_open_internal",
        "model.rnd.beta_public",
    }
    assert "Sensitivity design: morris" in (tmp_path / "m" / "summary.md").read_text()
