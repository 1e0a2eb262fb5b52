"""sim/calibration/history/cli.py: ``python -m sim.calibration history``."""

import subprocess
import sys

import pytest
import yaml

from sim import calibration as cal
from sim.calibration import history as hm

SMALL = ["--set", "world.n_startups=60", "--set", "world.archetype_scale=0.2"]


@pytest.mark.parametrize(
    ("argv", "names"),
    [
        (["--seeds", "0"], "'0'"),
        (["--trials", "many"], "'many'"),
        (["--set", "world.n_startups"], "KEY=VALUE"),
        (["--set", "world.n_startups=-5", "--no-docs"], "n_startups"),
        (["--spec", "/nonexistent/spec.yaml"], "spec="),
        (["--bogus"], "--bogus"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv, names, capsys, tmp_path):
    assert cal.main(["history", "--out", str(tmp_path), *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and names in err and "error" in err
    assert not list(tmp_path.iterdir())  # nothing was written


@pytest.mark.parametrize(
    ("change", "names"),
    [
        ({"adopt": "mean"}, "adopt='mean'"),
        ({"rescore_seeds": -1}, "rescore_seeds=-1"),
        ({"rescore_root_seed": 20240101}, "rescore_root_seed=20240101"),
    ],
)
def test_a_bad_adoption_entry_is_one_line_and_exit_2(change, names, capsys, tmp_path):
    """The spec's ``adopt``, ``rescore_seeds`` and ``rescore_root_seed`` are checked before
    any run (the re-score must run seeds other than the search's)."""
    raw = yaml.safe_load(hm.SPEC_FILE.read_text(encoding="utf-8"))
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump({**raw, **change}), encoding="utf-8")
    out = tmp_path / "out"
    assert cal.main(["history", "--spec", str(spec), "--out", str(out), "--no-docs"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and names in err and "allowed" in err
    assert not out.exists()


def test_bad_input_exits_2_from_the_command_line(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "sim.calibration", "history", "--seeds", "-1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "--seeds" in done.stderr


def test_docs_without_markers_is_refused_before_running(tmp_path, capsys):
    doc = tmp_path / "doc.md"
    doc.write_text("# no markers\n", encoding="utf-8")
    assert cal.main(["history", "--out", str(tmp_path), "--docs", str(doc), *SMALL]) == 2
    assert "history-matching:start" in capsys.readouterr().err
    assert doc.read_text(encoding="utf-8") == "# no markers\n"


def test_python_dash_m_history_help():
    done = subprocess.run(
        [sys.executable, "-m", "sim.calibration", "history", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: python -m sim.calibration history")


@pytest.mark.slow
def test_a_tiny_fit_writes_the_result_and_the_docs_section(tmp_path, capsys):
    """2 seeds x 3 trials on a small world (about 12 s)."""
    doc = tmp_path / "calibration.md"
    doc.write_text(
        f"# Before\n\n{hm.START_MARKER}\nold\n{hm.END_MARKER}\n\n# After\n", encoding="utf-8"
    )
    raw = yaml.safe_load(hm.SPEC_FILE.read_text(encoding="utf-8"))
    spec_file = tmp_path / "spec.yaml"  # the real spec, re-scored on 2 seeds instead of 32
    spec_file.write_text(yaml.safe_dump({**raw, "rescore_seeds": 2}), encoding="utf-8")
    argv = ["history", "--seeds", "2", "--trials", "3", "--out", str(tmp_path / "out")]
    argv += ["--spec", str(spec_file)]
    assert cal.main([*argv, "--docs", str(doc), "--quiet", *SMALL]) == 0
    path = tmp_path / "out" / hm.RESULT_FILE.name
    result = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert (result["seeds"], result["trials"], result["quarters"]) == (2, 3, 8)
    assert "world.archetype_scale=0.2" in result["overrides"]
    assert "model.economics=v2" in result["overrides"]
    spec = hm.load_spec()
    for p in spec.parameters:
        assert p.low <= result["fitted"][p.path] <= p.high
    assert result["fitted_loss"]["total"] <= result["defaults_loss"]["total"]
    assert result["adopt"] == "accepted_median"  # the accepted medians, evaluated
    ranges = result["accepted"]["ranges"]
    for path, value in result["adopted"].items():
        assert value == round(ranges[path]["median"], 4)
    assert set(result["adopted_loss"]) >= {"total", "sizes"}
    assert result["rescore"]["seeds"] == 2
    assert set(result["rescore"]["loss"]) == {"defaults", "best", "adopted"}
    assert len(result["fit"]) == 24 and all(not r["held_out"] for r in result["fit"])
    assert {r["alliance"] for r in result["held_out"]} == {
        "AI-RAN Alliance",
        "Kolon Benit AI Alliance",
    }
    k_ai = next(r for r in result["fit"] if r["alliance"] == "K-AI Alliance")
    assert k_ai["reported"] == 19 and k_ai["target"] == pytest.approx(3.8)
    assert k_ai["model_p05"] <= k_ai["model_median"] <= k_ai["model_p95"]
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("# Before\n") and text.endswith(f"{hm.END_MARKER}\n\n# After\n")
    assert "old" not in text and "Held-out checks" in text
    assert (tmp_path / "out" / "korea_2024_history_result.md").read_text(encoding="utf-8") in text


def test_a_spec_missing_a_key_is_one_line_and_exit_2(tmp_path, capsys):
    spec = tmp_path / "spec.yaml"
    spec.write_text("parameters: [{low: 0, high: 1}]\n", encoding="utf-8")
    assert cal.main(["history", "--spec", str(spec), "--no-docs"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'path'" in err
