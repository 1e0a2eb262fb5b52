"""sim/calibration/history/cli.py: ``python -m sim.calibration history``."""

import subprocess
import sys

import pytest
import yaml

from sim import calibration as cal
from sim.calibration import history as hm
from sim.calibration.history import cli as history_cli
from sim.calibration.history.paired import PairedDifference

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
        ({"adopt_only_if_better": "yes"}, "adopt_only_if_better='yes'"),
        ({"adopt_only_if_better": True, "rescore_seeds": 0}, "adopt_only_if_better=True"),
        ({"bootstrap_resamples": -1}, "bootstrap_resamples=-1"),
        ({"bootstrap_resamples": "many"}, "bootstrap_resamples='many'"),
        (
            {"bootstrap_resamples": 10, "rescore_seeds": 0, "adopt_only_if_better": False},
            "bootstrap_resamples=10",
        ),
        ({"bootstrap_level": 1.5}, "bootstrap_level=1.5"),
        ({"bootstrap_level": "high"}, "bootstrap_level='high'"),
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
    raw = {**raw, "rescore_seeds": 2, "adopt_only_if_better": False}  # adopts what it finds
    raw["bootstrap_resamples"] = 50  # reported, not deciding
    spec_file.write_text(yaml.safe_dump(raw), encoding="utf-8")
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
    paired = result["rescore"]["paired"]  # adopted minus defaults on the re-score's 2 seeds
    assert paired["resamples"] == 50 and paired["low"] <= paired["high"]
    losses = result["rescore"]["loss"]
    assert paired["difference"] == pytest.approx(
        losses["adopted"]["total"] - losses["defaults"]["total"], abs=2e-4
    )
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


def _loss(total: float) -> hm.Loss:
    return hm.Loss(total, total, 0.0, 0.0)


@pytest.mark.parametrize(
    ("guard", "rescore", "kept"),
    [
        (True, {"defaults": 5.0, "best": 5.7, "adopted": 5.5}, True),  # finding 49's refit
        (True, {"defaults": 5.0, "best": 4.0, "adopted": 5.0}, True),  # a tie keeps them
        (True, {"defaults": 5.0, "best": 5.7, "adopted": 4.9}, False),
        (True, {"defaults": 5.0, "best": 4.9}, False),  # adopt: best, no medians
        (True, {"defaults": 5.0, "best": 5.1}, True),
        (False, {"defaults": 5.0, "best": 5.7, "adopted": 5.5}, False),
        (True, None, False),  # no re-score
    ],
)
def test_the_defaults_are_kept_unless_the_fit_scores_better_on_new_seeds(guard, rescore, kept):
    spec = hm.load_spec()
    spec.adopt_only_if_better = guard
    losses = None if rescore is None else {k: _loss(v) for k, v in rescore.items()}
    assert history_cli.keeps_defaults(spec, losses) is kept


def _paired(low: float, high: float) -> PairedDifference:
    return PairedDifference((low + high) / 2, low, high, 0.5, 100, 0.9)


@pytest.mark.parametrize(
    ("rescore", "interval", "kept"),
    [
        ({"defaults": 5.0, "adopted": 4.0}, (-1.5, -0.2), False),  # lower across the interval
        ({"defaults": 5.0, "adopted": 4.0}, (-1.5, 0.3), True),  # lower, but within the noise
        ({"defaults": 5.0, "adopted": 4.0}, (-1.5, 0.0), True),  # an interval reaching 0 keeps
        ({"defaults": 5.0, "adopted": 5.5}, (0.1, 0.9), True),
    ],
)
def test_with_the_bootstrap_only_a_difference_beyond_the_noise_replaces_the_defaults(
    rescore, interval, kept
):
    spec = hm.load_spec()
    losses = {k: _loss(v) for k, v in rescore.items()}
    assert history_cli.keeps_defaults(spec, losses, _paired(*interval)) is kept
    spec.adopt_only_if_better = False  # without the guard nothing is kept
    assert history_cli.keeps_defaults(spec, losses, _paired(*interval)) is False


def test_the_real_spec_keeps_the_defaults_unless_the_fit_is_better():
    spec = hm.load_spec()
    assert spec.adopt_only_if_better and spec.rescore_seeds > 0
    assert spec.bootstrap_resamples >= 1000 and spec.bootstrap_level == 0.9
    assert spec.rescore_root_seed != spec.root_seed


def test_the_docs_give_the_paired_difference():
    result = yaml.safe_load(hm.RESULT_FILE.read_text(encoding="utf-8"))
    paired = {"difference": -0.8, "low": -1.4, "high": -0.3, "share_better": 0.99}
    rescore = {**result["rescore"], "paired": {**paired, "resamples": 2000, "level": 0.9}}
    text = hm.fragment({**result, "kept_defaults": False, "rescore": rescore})
    assert "adopted minus defaults: -0.80 (90% interval -1.40 to -0.30" in text
    assert "2000 resamples; lower in 99% of them" in text
    kept = hm.fragment({**result, "kept_defaults": True, "rescore": rescore})
    assert "proposed minus defaults" in kept and "across the paired interval" in kept


def test_the_docs_say_when_the_defaults_were_kept():
    """The fragment of a result that kept its defaults says so and labels its tables."""
    result = yaml.safe_load(hm.RESULT_FILE.read_text(encoding="utf-8"))
    kept = {
        **result,
        "kept_defaults": True,
        "proposed_loss": {"total": 4.8, "sizes": 4.6, "leader_miss": 0.02, "regime_miss": 0.0},
    }
    text = hm.fragment(kept)
    assert "**The defaults are kept**" in text and "4.8 (sizes 4.6" in text
    assert "In-sample size targets (at the defaults, kept):" in text
    assert "| alliance | kept defaults | at the defaults |" in text
    assert "proposed (not adopted) " in text  # the re-score names the point not adopted
    assert "proposed (not adopted)" not in hm.fragment({**result, "kept_defaults": False})
    assert "The defaults are kept" not in hm.fragment({**result, "kept_defaults": False})


class _NoRunner:
    """Stands in for ``Runner`` in ``_at_defaults`` (no simulation)."""

    def __init__(self, *args: object) -> None:
        pass

    def __enter__(self) -> "_NoRunner":
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def test_keeping_the_defaults_runs_them_when_the_first_trial_is_not_them(monkeypatch):
    """The guard never falls back to another point: defaults the search did not run first are
    evaluated on the fit's seeds."""
    spec = hm.load_spec()
    defaults = {p.path: 1.0 for p in spec.parameters}
    first = hm.Trial(0, {p.path: 2.0 for p in spec.parameters}, _loss(9.0), 1.0)
    done = hm.Search([first], {0: "moments of the first trial"})
    seen = []

    def evaluator(*args: object):
        def evaluate(values):
            seen.append(dict(values))
            return _loss(4.0), type("M", (), {"warnings": 0})()

        return evaluate

    monkeypatch.setattr(history_cli, "Runner", _NoRunner)
    monkeypatch.setattr(history_cli, "_evaluator", evaluator)
    targets = type("T", (), {"alliances": (), "steps": 7})()
    trial, _ = history_cli._at_defaults(spec, done, targets, [], defaults, 1)
    assert seen == [defaults] and trial.values == defaults and trial.loss.total == 4.0
    done = hm.Search([hm.Trial(0, dict(defaults), _loss(5.0), 1.0)], {0: "m0"})
    assert history_cli._at_defaults(spec, done, targets, [], defaults, 1)[1] == "m0"
    assert len(seen) == 1  # the search's own first trial, not run again


@pytest.mark.slow
def test_a_tiny_fit_that_keeps_its_defaults_writes_them(tmp_path, monkeypatch):
    """The kept path end to end (2 seeds x 3 trials on a small world, about 12 s): the result
    file adopts the defaults, names the point not adopted, and its tables are the defaults'."""
    monkeypatch.setattr(history_cli, "keeps_defaults", lambda spec, rescore, paired: True)
    raw = yaml.safe_load(hm.SPEC_FILE.read_text(encoding="utf-8"))
    spec_file = tmp_path / "spec.yaml"
    raw = {**raw, "rescore_seeds": 2, "bootstrap_resamples": 50}
    spec_file.write_text(yaml.safe_dump(raw), encoding="utf-8")
    argv = ["history", "--seeds", "2", "--trials", "3", "--out", str(tmp_path / "out")]
    assert cal.main([*argv, "--spec", str(spec_file), "--no-docs", "--quiet", *SMALL]) == 0
    result = yaml.safe_load((tmp_path / "out" / hm.RESULT_FILE.name).read_text(encoding="utf-8"))
    assert result["kept_defaults"] and result["adopted"] == result["defaults"]
    assert result["adopted_loss"] == result["defaults_loss"]
    assert result["proposed"] != result["defaults"] and result["proposed_loss"]
    assert set(result["rescore"]["loss"]) == {"defaults", "best", "proposed"}
    assert all(r["model_median"] == r["defaults_median"] for r in result["fit"])
    text = (tmp_path / "out" / hm.RESULT_FILE.name).with_suffix(".md").read_text(encoding="utf-8")
    assert "**The defaults are kept**" in text and "proposed (not adopted) " in text
