"""The alliancesim command: runs, sweeps, bad input, and results never lost or overwritten."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import sim.runs.replicates
from sim.runs import store as results
from sim.runs.cli import job_params, main

SMALL = ["world=synthetic", "world.n_startups=60", "world.n_conglomerates=4", "world.n_foreign=2"]
SCRIPT = Path(sys.executable).with_name("alliancesim")


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    """Run in an empty folder, restoring sys.argv afterwards (main sets it for Hydra)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["alliancesim"])
    return tmp_path


def tree_digest(folder: Path) -> str:
    """A hash of every file's path and content under ``folder``."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


BAD_INPUT = [
    (["scenario=nope"], "scenario/nope"),
    (["world=mars"], "world/mars"),
    (["stepz=3"], "stepz"),
    (["steps=abc"], "steps"),
    (["steps=0"], "steps=0"),
    (["replicates=-1"], "replicates"),
    (["world.startup_openness_mean=1.5"], "world.startup_openness_mean"),
    (["scenario=subsidy_fad", "scenario.subsidy.target_domains=[moon]"], "target_domains"),
    (["scenario=mega_alliance", "scenario.mega_alliance.end=2"], "scenario.mega_alliance.end"),
    (["scenario.subsidy.budget=5"], "scenario.subsidy"),
    (["-m", "steps=range(0,0)"], "steps: the sweep is empty"),
    (["-m", "scenario=baseline,nope"], "scenario/nope"),
    (["scenario=baseline,open_data"], "add -m"),
    (["--bogus"], "--bogus"),
    (["+model.rnd.beta_publc=0.9"], "adding or deleting model keys"),
    (["+foo=1"], "+foo=1"),
    (["~steps"], "~steps"),
    (["-m", "hydra.sweep.dir=a,b"], "cannot be swept"),
    (["-m", "seed=interval(0,1)"], "seed"),
    (["scenario=null"], "scenario"),
    (["hydra/launcher=joblib", "hydra.launcher.n_jobs=0", "-m"], "n_jobs=0"),
    (
        ["-m", "scenario=baseline", "seed=1,2", "hydra.sweep.subdir=same"],
        "the same folder",
    ),
    (["-m", "hydra.sweep.subdir=/abs"], "leaves the sweep folder"),
]


@pytest.mark.parametrize(("argv", "named"), BAD_INPUT)
def test_bad_input_is_one_line_exit_2_and_no_folder(in_tmp, capsys, argv, named):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("alliancesim: error:") and len(err.splitlines()) == 1
    assert named in err
    assert "allowed" in err.lower() or "Available options" in err
    assert not (in_tmp / "results").exists()


def test_console_script_bad_input_has_no_traceback(tmp_path):
    done = subprocess.run(
        [str(SCRIPT), "steps=-3"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert done.stderr.strip() == "alliancesim: error: steps=-3 is out of range; allowed: [1, inf]"
    assert "Traceback" not in done.stdout + done.stderr
    assert list(tmp_path.iterdir()) == []


def test_single_run_writes_parquet_and_metadata(in_tmp):
    folder = in_tmp / "one"
    assert main([*SMALL, "steps=4", "replicates=3", f"hydra.run.dir={folder}"]) == 0
    record = json.loads((folder / "run.json").read_text())
    assert record["status"] == "done" and record["replicates"] == 3
    assert record["config"]["steps"] == 4 and record["packages"]["mesa"] == "3.3.1"
    assert record["wall_seconds"] > 0 and "git_commit" in record
    steps = pd.read_parquet(folder / "steps.parquet")  # plain Parquet, no pandas index
    assert len(steps) == 3 * 5 and set(steps["replicate"]) == {0, 1, 2}
    final = results.load(folder, "final")
    assert len(final) == 3 and (final["step"] == 4).all()
    # different replicates are different runs; the same seed reproduces them
    assert final["tech_gap_years"].nunique() == 3
    again = sim.runs.replicates.run_replicates(sim.compose([*SMALL, "steps=4", "replicates=3"]))
    assert again.final["tech_gap_years"].tolist() == final["tech_gap_years"].tolist()


def test_sweep_writes_manifest_and_tidy_results(in_tmp):
    out = in_tmp / "sweep"
    argv = ["-m", *SMALL, "steps=3", "replicates=2", "scenario=baseline,open_data"]
    assert main([*argv, "model.choice.w_legal=1.0,2.0", f"hydra.sweep.dir={out}"]) == 0
    table = results.manifest(out)
    assert (table["status"] == "done").all() and len(table) == 4
    assert (out / "manifest.csv").exists() and (out / "sweep.json").exists()
    data = results.load(out)
    assert set(data["scenario"]) == {"baseline", "open_data"}
    assert set(data["model.choice.w_legal"]) == {1.0, 2.0}
    assert len(data) == 4 * 2 * 4  # jobs x replicates x (steps + start)
    assert results.load(in_tmp)["run"].str.startswith("sweep/").all()  # a folder of sweeps


def test_sweep_preset_runs_as_multirun(in_tmp):
    assert main(["sweep=quick", "replicates=1", "steps=2", "hydra.sweep.dir=q"]) == 0
    assert set(results.load("q")["scenario"]) == {"baseline", "mega_alliance", "antitrust_guidance"}


def test_failed_run_is_recorded_and_the_sweep_goes_on(in_tmp, monkeypatch):
    real = sim.runs.replicates.run_replicates

    def flaky(cfg, params=None, progress=None):
        if cfg.scenario.name == "open_data":
            raise FloatingPointError("simulated failure")
        return real(cfg, params, progress)

    monkeypatch.setattr(sim.runs.replicates, "run_replicates", flaky)
    argv = ["-m", *SMALL, "steps=2", "scenario=open_data,baseline", "hydra.sweep.dir=s"]
    assert main(argv) == 1
    table = results.manifest("s").set_index("dir")
    assert table.loc["0_open_data", "status"] == "failed"
    assert "simulated failure" in table.loc["0_open_data", "error"]
    assert table.loc["1_baseline", "status"] == "done"
    assert "FloatingPointError" in (in_tmp / "s" / "0_open_data" / "error.log").read_text()
    assert set(results.load("s")["scenario"]) == {"baseline"}
    monkeypatch.setattr(sim.runs.replicates, "run_replicates", real)
    assert main(argv) == 0  # resuming retries the failed run only
    assert results.manifest("s")["status"].eq("done").all()


def test_different_results_are_never_overwritten(in_tmp, capsys):
    argv = ["-m", *SMALL, "steps=2", "scenario=baseline,open_data", "hydra.sweep.dir=s"]
    assert main(argv) == 0
    before = tree_digest(in_tmp / "s")
    assert main([*argv[:-1], "steps=3", "hydra.sweep.dir=s"]) == 2
    assert "holds a different sweep" in capsys.readouterr().err
    assert tree_digest(in_tmp / "s") == before
    (in_tmp / "other").mkdir()
    (in_tmp / "other" / "notes.txt").write_text("mine")
    assert main([*argv[:-1], "hydra.sweep.dir=other"]) == 2
    assert main([*SMALL, "steps=2", "hydra.run.dir=other"]) == 2
    assert (in_tmp / "other" / "notes.txt").read_text() == "mine"


def test_an_output_path_that_is_a_file_is_refused(in_tmp, capsys):
    (in_tmp / "afile").write_text("x")
    assert main([*SMALL, "hydra.run.dir=afile"]) == 2
    assert main(["-m", *SMALL, "hydra.sweep.dir=afile"]) == 2
    assert "is a file" in capsys.readouterr().err
    assert (in_tmp / "afile").read_text() == "x"


def test_resume_with_another_launcher_or_path_spelling(in_tmp):
    argv = ["-m", *SMALL, "steps=2", "scenario=baseline,open_data"]
    assert main([*argv, "hydra.sweep.dir=s"]) == 0
    stamps = {p: p.stat().st_mtime_ns for p in (in_tmp / "s").rglob("*.parquet")}
    assert (
        main([*argv, "hydra/launcher=joblib", "hydra.launcher.n_jobs=2", "hydra.sweep.dir=./s"])
        == 0
    )
    assert main([*reversed(argv[1:]), "-m", f"hydra.sweep.dir={in_tmp / 's'}"]) == 0
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps


def test_results_files_are_readable_by_others(in_tmp):
    assert main([*SMALL, "steps=2", "hydra.run.dir=one"]) == 0
    for name in ("steps.parquet", "run.json"):
        assert (in_tmp / "one" / name).stat().st_mode & 0o044 == 0o044


def test_rerun_of_a_finished_sweep_redoes_nothing(in_tmp):
    argv = ["-m", *SMALL, "steps=2", "scenario=baseline,open_data", "hydra.sweep.dir=s"]
    assert main(argv) == 0
    stamps = {p: p.stat().st_mtime_ns for p in (in_tmp / "s").rglob("*.parquet")}
    assert main(argv) == 0
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps


def test_job_params_are_typed_columns():
    params = job_params(["scenario=x", "steps=3", "model.choice.w_legal=1.5", "sweep=quick"])
    assert params == {"steps": 3, "model.choice.w_legal": 1.5, "preset": "quick"}


KILL_SWEEP = [
    "-m",
    "world=synthetic",
    "world.n_startups=3000",
    "steps=30",
    "replicates=2",
    "scenario=baseline,open_data,antitrust_guidance,public_compute,subsidy_fad,mega_alliance",
]


def run_until(folder: Path, done_runs: int, argv: list[str], cwd: Path) -> None:
    """Start the sweep as a real process; SIGKILL it once ``done_runs`` runs finished."""
    process = subprocess.Popen(
        [str(SCRIPT), *argv],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if len(results.finished_runs(folder)) >= done_runs if folder.exists() else False:
            break
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@pytest.mark.parametrize("kill_after", [1, 4])
def test_killed_sweep_resumes_to_identical_results(tmp_path, kill_after):
    argv = [*KILL_SWEEP, "hydra.sweep.dir=killed"]
    run_until(tmp_path / "killed", kill_after, argv, tmp_path)
    finished = results.finished_runs(tmp_path / "killed")
    assert kill_after <= len(finished) < 6, "the kill must land mid-sweep"
    stamps = {p: (p / "run.json").stat().st_mtime_ns for p in finished}
    resumed = subprocess.run(
        [str(SCRIPT), *argv], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert resumed.returncode == 0, resumed.stderr
    assert {p: (p / "run.json").stat().st_mtime_ns for p in stamps} == stamps  # not redone
    assert not list((tmp_path / "killed").rglob(".*.tmp"))
    clean = subprocess.run(
        [str(SCRIPT), *KILL_SWEEP, "hydra.sweep.dir=clean"], cwd=tmp_path, check=False
    )
    assert clean.returncode == 0
    killed = results.load(tmp_path / "killed").drop(columns="sweep")
    pd.testing.assert_frame_equal(killed, results.load(tmp_path / "clean").drop(columns="sweep"))
