"""sim.analysis.report: files, figures, labels and baselines, and clear errors on bad folders."""

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from sim.analysis import report
from tests.analysis.conftest import SMALL, alliancesim


@pytest.fixture
def sweep(comparison, in_tmp):
    """A copy of the shared sweep (``COMPARISON``: three scenarios, three replicates)."""
    return Path(shutil.copytree(comparison, in_tmp / "s"))


FIGURES = {"outcomes_over_time", "final_distributions", "alliance_landscape", "tradeoff"}


@pytest.mark.slow  # 3-11 s: CI (make test-slow), to keep make test near 5 minutes
def test_report_writes_html_figures_and_summaries(sweep):
    assert report.main([str(sweep)]) == 0
    assert {p.stem for p in (sweep / "figures").glob("*.png")} == FIGURES
    assert {p.stem for p in (sweep / "figures").glob("*.svg")} == FIGURES
    page = (sweep / "report.html").read_text()
    assert page.count("data:image/png;base64,") == len(FIGURES)
    assert "src='http" not in page and 'src="http' not in page  # opens offline
    table = pd.read_csv(sweep / "summary.csv")
    assert set(table["scenario"]) == {"baseline", "open_data", "mega_alliance"}
    assert (table.loc[table["scenario"] == "baseline", "effect_vs_baseline"] == 0).all()
    text = (sweep / "summary.md").read_text()
    assert "distinguishable from noise" in text and "## mega_alliance" in text
    # cost-effectiveness: open data is paid from the first quarter, the mandate comes later
    costs = pd.read_csv(sweep / "cost_effectiveness.csv").set_index("scenario")
    assert costs["status"].to_dict() == {
        "open_data": "costs more",
        "mega_alliance": "no extra spend",
    }
    assert costs.loc["open_data", "extra_spend_usd_bn"] > 0 and (costs["pairs"] == 3).all()
    assert costs.loc["open_data"].drop(["against", "status"]).notna().all()
    assert costs.loc["mega_alliance", ["years_per_usd_bn", "ci90_low", "ci90_high"]].isna().all()
    assert "## Cost-effectiveness against the baseline" in text and "`open_data` spends USD" in text
    assert "years per extra USD bn" in page
    # not robust: bands across seeds, no figure or section of worlds; HTML, no <pre> Markdown
    assert "Final outcomes across seeds" in page and "90 % of seeds" in page
    assert "robust_gap" not in page and "Robust answers" not in page
    assert "<h2>What each scenario does</h2>" in page and "open_data" in page
    assert "These results hold them at their defaults" in page
    assert "<pre" not in page and "```" not in page and "| scenario |" not in page


@pytest.mark.slow
def test_a_single_run_gets_a_report_without_effects(in_tmp):
    assert alliancesim([*SMALL, "replicates=2", "scenario=open_data", "hydra.run.dir=one"]) == 0
    assert report.main(["one"]) == 0
    assert "no effects" in (in_tmp / "one" / "summary.md").read_text()
    assert not (in_tmp / "one" / "figures" / "tradeoff.png").exists()


@pytest.mark.slow  # 25-53 s measured (2 shared cores): three CLI sweeps
def test_several_sweeps_and_a_parameter_sweep(in_tmp):
    base = ["-m", *SMALL, "replicates=2"]
    assert alliancesim([*base, "scenario=baseline,open_data", "hydra.sweep.dir=all/a"]) == 0
    assert alliancesim([*base, "scenario=baseline", "hydra.sweep.dir=all/b"]) == 0
    sweep = ["scenario=antitrust_guidance", "scenario.antitrust.clarity=0.2,0.9"]
    assert alliancesim([*base, *sweep, "hydra.sweep.dir=all/c"]) == 0
    assert report.main(["all", "--baseline", "baseline [a]"]) == 0
    labels = set(pd.read_csv(in_tmp / "all" / "summary.csv")["scenario"])
    assert {"baseline [a]", "baseline [b]", "open_data"} <= labels
    assert {"antitrust_guidance clarity=0.2", "antitrust_guidance clarity=0.9"} <= labels
    assert (in_tmp / "all" / "figures" / "parameter_effects.png").exists()


@pytest.mark.slow  # 4-12 s: CI (make test-slow), to keep make test near 5 minutes
def test_failed_runs_are_reported_and_the_rest_plotted(sweep):
    record = json.loads((sweep / "1_open_data" / "run.json").read_text())
    record.update(status="failed", error="FloatingPointError: simulated")
    (sweep / "1_open_data" / "run.json").write_text(json.dumps(record))
    assert report.main([str(sweep)]) == 0
    page = (sweep / "report.html").read_text()
    assert "1 runs failed or unfinished" in page and "simulated" in page
    assert "open_data" not in set(pd.read_csv(sweep / "summary.csv")["scenario"])


@pytest.mark.parametrize("folder", ["missing", "empty", "foreign"])
def test_bad_folder_exits_2_with_one_line(tmp_path, capsys, folder):
    (tmp_path / "empty").mkdir()
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "notes.txt").write_text("x")
    assert report.main([str(tmp_path / folder)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("alliancesim-report: error:") and "\n" not in err
    assert not (tmp_path / folder / "report.html").exists()


def test_unknown_baseline_is_an_error(sweep, capsys):
    assert report.main([str(sweep), "--baseline", "nope"]) == 2
    assert "baseline='nope'" in capsys.readouterr().err


@pytest.mark.slow  # 19-32 s measured (2 shared cores): two CLI sweeps
def test_each_sweep_is_compared_with_its_own_baseline(in_tmp):
    base = ["-m", *SMALL, "replicates=2"]
    assert alliancesim([*base, "scenario=baseline,open_data", "hydra.sweep.dir=two/a"]) == 0
    assert alliancesim([*base, "scenario=baseline,open_data", "hydra.sweep.dir=two/b"]) == 0
    assert report.main(["two"]) == 0
    table = pd.read_csv(in_tmp / "two" / "summary.csv")
    against = dict(zip(table["scenario"], table["against"], strict=False))
    assert against == {
        "baseline [a]": "baseline [a]",
        "open_data [a]": "baseline [a]",
        "baseline [b]": "baseline [b]",
        "open_data [b]": "baseline [b]",
    }


@pytest.mark.slow  # 14 s; make test-slow runs it
def test_a_sweep_over_seeds_keeps_one_label_per_scenario(in_tmp):
    argv = ["-m", *SMALL, "replicates=2", "scenario=baseline,open_data", "seed=0,1"]
    assert alliancesim([*argv, "hydra.sweep.dir=s"]) == 0
    assert report.main(["s"]) == 0
    table = pd.read_csv(in_tmp / "s" / "summary.csv")
    assert set(table["scenario"]) == {"baseline", "open_data"}
    assert (table["pairs"] == 4).all()  # two seeds x two replicates


@pytest.mark.slow
def test_a_world_without_alliances_still_gets_a_report(in_tmp):
    argv = ["world=synthetic", "world.n_startups=10", "world.n_initial_alliances=0", "steps=1"]
    no_founding = ["model.economics=v1", "model.choice.founding_cost=1e12"]  # a v1 key
    assert alliancesim([*argv, *no_founding, "hydra.run.dir=none"]) == 0
    assert report.main(["none"]) == 0
    assert (in_tmp / "none" / "report.html").exists()
