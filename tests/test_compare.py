import pandas as pd
import pytest

from sim import compare

QUICK = ["world=synthetic", "world.n_startups=60", "steps=4"]


def test_main_writes_plot_summary_and_outcomes(tmp_path, capsys):
    out = tmp_path / "cmp"
    code = compare.main(["--replicates", "3", "--out", str(out), *QUICK])
    assert code == 0
    assert {p.name for p in out.iterdir()} == {"outcomes.csv", "summary.md", "comparison.png"}
    df = pd.read_csv(out / "outcomes.csv")
    assert set(df["scenario"]) == set(compare.available_scenarios())
    assert len(df) == len(compare.available_scenarios()) * 3 * 5
    assert "distinguishable from noise" in (out / "summary.md").read_text()
    assert (out / "comparison.png").read_bytes()[:4] == b"\x89PNG"


def test_effects_are_paired_by_seed():
    outcomes = compare.run_comparison(["baseline", "baseline"], 2, QUICK)
    effects = compare.paired_effects(outcomes)
    assert (effects["effect_vs_baseline"] == 0).all()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scenarios", "baseline", "mars"], "scenario=mars is unknown; allowed:"),
        (["world.n_startups=-3"], "n_startups=-3 is out of range"),
        (["--replicates", "0"], "replicates=0 is out of range"),
        (["world.nonsense=1"], "world.nonsense"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys, args, message):
    out = tmp_path / "cmp"
    assert compare.main([*args, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err and "Traceback" not in err
    assert not out.exists()
