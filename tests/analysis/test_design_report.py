"""sim.analysis.design_report: a design sweep end to end, with its indices in the report."""

from __future__ import annotations

import pandas as pd
import pytest

import sim
from sim.analysis import report
from sim.runs import store as results
from sim.runs.cli import main as alliancesim


@pytest.mark.slow  # 25-58 s measured (2 shared cores): a 14-job design sweep
def test_a_design_sweep_runs_one_job_per_row_and_reports_indices(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.argv", ["alliancesim"])
    argv = ["sweep=morris", "analysis.n=2", "replicates=1", "steps=3", "world=synthetic"]
    assert alliancesim([*argv, "world.n_startups=40", "hydra.sweep.dir=m"]) == 0
    table = results.manifest("m")
    assert len(table) == 2 * 7 and table["status"].eq("done").all()
    final = results.load("m", "final")
    assert sorted(final["sample"]) == list(range(14))
    assert final["model.growth.margin"].between(0.05, 0.2).all()
    assert report.main(["m"]) == 0
    indices = pd.read_csv(tmp_path / "m" / "sensitivity.csv")
    assert set(indices["parameter"]) == set(sim.compose(["sweep=morris"]).analysis.params)
    assert "Sensitivity design: morris" in (tmp_path / "m" / "summary.md").read_text()
