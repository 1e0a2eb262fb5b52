import pandas as pd
import pytest

from sim import report
from sim.cli import main as alliancesim

SMALL = ["world=synthetic", "world.n_startups=60", "steps=4", "replicates=3"]


@pytest.fixture
def sweep(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.argv", ["alliancesim"])
    assert alliancesim(["-m", *SMALL, "scenario=baseline,open_data", "hydra.sweep.dir=s"]) == 0
    return tmp_path / "s"


def test_report_writes_plot_and_summaries(sweep, capsys):
    assert report.main([str(sweep)]) == 0
    names = {p.name for p in sweep.iterdir()}
    assert {"summary.md", "summary.csv", "comparison.png"} <= names
    table = pd.read_csv(sweep / "summary.csv")
    assert set(table["scenario"]) == {"baseline", "open_data"}
    assert (table.loc[table["scenario"] == "baseline", "effect_vs_baseline"] == 0).all()
    assert "distinguishable from noise" in (sweep / "summary.md").read_text()
    assert (sweep / "comparison.png").read_bytes()[:4] == b"\x89PNG"


def test_effects_are_paired_by_seed():
    rows = [
        {
            "scenario": s,
            "seed": 0,
            "replicate": r,
            "step": 4,
            **dict.fromkeys(report.KEY_OUTCOMES, v),
        }
        for s, shift in (("baseline", 0.0), ("other", 1.0))
        for r, v in enumerate(v + shift for v in (0.0, 5.0, 9.0))
    ]
    effects = report.paired_effects(pd.DataFrame(rows))
    other = effects[effects["scenario"] == "other"]
    # replicates differ by up to 9, yet pairing by seed sees the constant shift exactly
    assert (other["effect_vs_baseline"] == 1.0).all()
    assert (other["ci90_high"] - other["ci90_low"] == 0).all()


@pytest.mark.parametrize("folder", ["missing", "empty", "foreign"])
def test_bad_folder_exits_2_with_one_line(tmp_path, capsys, folder):
    (tmp_path / "empty").mkdir()
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "notes.txt").write_text("x")
    assert report.main([str(tmp_path / folder)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("alliancesim-report: error:") and "\n" not in err
    assert not (tmp_path / folder / "summary.md").exists()


def test_unknown_baseline_is_an_error(sweep, capsys):
    assert report.main([str(sweep), "--baseline", "nope"]) == 2
    assert "baseline='nope'" in capsys.readouterr().err
