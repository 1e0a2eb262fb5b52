"""The alliancesim command: runs, sweeps, bad input, and results never lost or overwritten."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

import sim.runs.replicates
from sim.runs import store as results
from sim.runs.cli import main

SMALL = ["world=synthetic", "world.n_startups=60", "world.n_conglomerates=4", "world.n_foreign=2"]
SCRIPT = Path(sys.executable).with_name("alliancesim")
SWEEP = ["-m", *SMALL, "steps=3", "replicates=2", "scenario=baseline,open_data"]
SWEEP += ["model.growth.margin=0.1,0.2"]
SWEPT = [(s, w) for s in ("baseline", "open_data") for w in ("0.1", "0.2")]


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    """Run in an empty folder."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="module")
def swept(tmp_path_factory) -> tuple[Path, str]:
    """``SWEEP`` run by the console script into ``s``: the folder and what it printed.

    Tests may run more commands on it but must leave its results as they are.
    """
    cwd = tmp_path_factory.mktemp("swept")
    done = subprocess.run(
        [str(SCRIPT), *SWEEP, "hydra.sweep.dir=s"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return cwd, done.stdout + done.stderr


def tree_digest(folder: Path) -> str:
    """A hash of every file's path and content under ``folder``."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def parquet_stamps(folder: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*.parquet")}


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
    (["-m", "seed=shuffle(1,2)"], "shuffled"),
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
    err = done.stderr.strip()
    assert err.startswith("alliancesim: error: steps=-3 is out of range; allowed: [1, ")
    assert len(err.splitlines()) == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow  # 3-11 s: CI (make test-slow), to keep make test near 5 minutes
def test_single_run_writes_parquet_and_metadata(in_tmp, capfd):
    folder = in_tmp / "one"
    assert main([*SMALL, "steps=4", "replicates=3", f"hydra.run.dir={folder}"]) == 0
    assert "run 1/1 baseline: done in" in capfd.readouterr().out  # the launch's log line
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


def test_sweep_writes_manifest_and_tidy_results(swept):
    cwd, printed = swept
    out = cwd / "s"
    assert f"alliancesim: 4 of 4 runs done, 0 failed; results in {out}" in printed
    # the jobs' log lines and folders name the swept values; no progress bar off a terminal
    assert "run 4/4 open_data margin=0.2: done in" in printed
    # ... and end with the sweep's progress: runs finished, from the second the time left
    assert re.search(r"run 1/4 baseline margin=0.1: done in .*; 1 of 4 runs finished\n", printed)
    left = r"; 2 of 4 runs finished, (under a minute|about \d+ min) left\n"
    assert re.search(r"run 2/4 baseline margin=0.2: done in .*" + left, printed)
    assert re.search(r"run 4/4 open_data margin=0.2: done in .*; 4 of 4 runs finished\n", printed)
    assert "quarter/s" not in printed and "%|" not in printed
    dirs = [job["dir"] for job in json.loads((out / "sweep.json").read_text())["jobs"]]
    assert dirs == [f"{n}_{s}_margin={w}" for n, (s, w) in enumerate(SWEPT)]
    assert all((out / d / "run.json").exists() for d in dirs)
    table = results.manifest(out)
    assert (table["status"] == "done").all() and len(table) == 4
    assert pd.to_datetime(table["finished_utc"], utc=True).notna().all()  # each run's end
    assert (out / "manifest.csv").exists() and (out / "sweep.json").exists()
    for job in json.loads((out / "sweep.json").read_text())["jobs"]:  # Hydra ran the plan
        assert (
            yaml.safe_load((out / job["dir"] / ".hydra" / "overrides.yaml").read_text())
            == (job["overrides"])
        )
    data = results.load(out)
    assert set(data["scenario"]) == {"baseline", "open_data"}
    assert set(data["model.growth.margin"]) == {0.1, 0.2}
    assert len(data) == 4 * 2 * 4  # jobs x replicates x (steps + start)
    assert results.load(cwd)["run"].str.startswith("s/").all()  # a folder of sweeps


@pytest.mark.slow
def test_sweep_preset_runs_as_multirun(in_tmp):
    assert main(["sweep=quick", "replicates=1", "steps=2", "hydra.sweep.dir=q"]) == 0
    assert set(results.load("q")["scenario"]) == {"baseline", "mega_alliance", "antitrust_guidance"}
    assert results.load("q")["preset"].eq("quick").all()


@pytest.mark.slow  # 3-11 s: CI (make test-slow), to keep make test near 5 minutes
def test_different_results_are_never_overwritten(swept, monkeypatch, capsys):
    cwd, _ = swept
    monkeypatch.chdir(cwd)
    before = tree_digest(cwd / "s")
    assert main([*SWEEP, "steps=2", "hydra.sweep.dir=s"]) == 2
    err = capsys.readouterr().err
    assert "holds a different sweep" in err and "steps is 3 there and 2 now" in err, err
    assert tree_digest(cwd / "s") == before
    (cwd / "other").mkdir(exist_ok=True)
    (cwd / "other" / "notes.txt").write_text("mine")
    assert main([*SWEEP, "hydra.sweep.dir=other"]) == 2
    assert main([*SMALL, "steps=2", "hydra.run.dir=other"]) == 2
    assert (cwd / "other" / "notes.txt").read_text() == "mine"


def test_an_output_path_that_is_a_file_is_refused(in_tmp, capsys):
    (in_tmp / "afile").write_text("x")
    assert main([*SMALL, "hydra.run.dir=afile"]) == 2
    assert main(["-m", *SMALL, "hydra.sweep.dir=afile"]) == 2
    assert "is a file" in capsys.readouterr().err
    assert (in_tmp / "afile").read_text() == "x"


@pytest.mark.slow
def test_a_rerun_in_another_order_or_path_spelling_redoes_nothing(swept, monkeypatch):
    cwd, _ = swept
    monkeypatch.chdir(cwd)
    stamps = parquet_stamps(cwd / "s")
    fixed, sweeps = SWEEP[1:-2], SWEEP[-2:]  # the sweeps' order sets the jobs' numbers
    assert main([*reversed(fixed), *sweeps, "-m", f"hydra.sweep.dir={cwd / 's'}"]) == 0
    assert parquet_stamps(cwd / "s") == stamps


@pytest.mark.slow
def test_a_rerun_with_another_launcher_redoes_nothing(swept, monkeypatch):
    cwd, _ = swept
    monkeypatch.chdir(cwd)
    stamps = parquet_stamps(cwd / "s")
    joblib = ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"]
    assert main([*SWEEP, *joblib, "hydra.sweep.dir=./s"]) == 0
    assert parquet_stamps(cwd / "s") == stamps


@pytest.mark.slow
def test_information_flags_are_answered_by_hydra(in_tmp, capfd):
    assert main(["--cfg", "job", "steps=7"]) == 0
    assert "\nsteps: 7\n" in capfd.readouterr().out
    assert list(in_tmp.iterdir()) == []
    completion = subprocess.run(
        [str(SCRIPT), "-sc", "install=bash"],
        cwd=in_tmp,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completion.returncode == 0
    # Hydra sees the program as typed: shell completion is installed for alliancesim
    assert completion.stdout.rstrip().endswith("-F hydra_bash_completion alliancesim")


KILL_SWEEP = [
    "-m",
    "world=synthetic",
    "world.n_startups=3000",
    "steps=30",
    "replicates=2",
    "scenario=baseline,open_data,antitrust_guidance,public_compute,subsidy_fad,mega_alliance",
]


def start(argv: list[str], cwd: Path) -> subprocess.Popen[bytes]:
    """Start the console script in a session (process group) of its own."""
    return subprocess.Popen(
        [str(SCRIPT), *argv],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def wait_for(condition, process: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None and not condition():
        time.sleep(0.01)


@pytest.mark.slow  # 3-11 s: CI (make test-slow), to keep make test near 5 minutes
@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc")
def test_killing_alliancesim_leaves_nothing_running(tmp_path):
    folder = tmp_path / "k"
    process = start([*KILL_SWEEP[1:4], "hydra.run.dir=k"], tmp_path)
    wait_for(lambda: (folder / ".hydra").exists(), process)
    assert process.poll() is None, "the run ended before the test could kill it"
    # the same process now runs Hydra on the planned command line (the folder pinned)
    cmdline = Path(f"/proc/{process.pid}/cmdline").read_bytes().decode().split("\0")
    assert f"hydra.run.dir='{folder}'" in cmdline
    process.kill()  # this one process only, as `kill -9 <pid>` would
    process.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)  # anything left in its process group?
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("a process of the killed alliancesim is still running")


def run_until(folder: Path, done_runs: int, argv: list[str], cwd: Path) -> None:
    """Start the sweep as a real process; SIGKILL it once ``done_runs`` runs finished."""
    process = start(argv, cwd)
    wait_for(lambda: folder.exists() and len(results.finished_runs(folder)) >= done_runs, process)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@pytest.fixture(scope="module")
def clean_sweep(tmp_path_factory) -> pd.DataFrame:
    """``KILL_SWEEP`` run through without interruption."""
    cwd = tmp_path_factory.mktemp("clean")
    done = subprocess.run([str(SCRIPT), *KILL_SWEEP, "hydra.sweep.dir=clean"], cwd=cwd, check=False)
    assert done.returncode == 0
    return results.load(cwd / "clean").drop(columns="sweep")


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [1, 4])
def test_killed_sweep_resumes_to_identical_results(tmp_path, kill_after, clean_sweep):
    argv = [*KILL_SWEEP, "hydra.sweep.dir=killed"]
    run_until(tmp_path / "killed", kill_after, argv, tmp_path)
    finished_runs = results.finished_runs(tmp_path / "killed")
    assert kill_after <= len(finished_runs) < 6, "the kill must land mid-sweep"
    stamps = {p: (p / "run.json").stat().st_mtime_ns for p in finished_runs}
    resumed = subprocess.run(
        [str(SCRIPT), *argv], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert resumed.returncode == 0, resumed.stderr
    # the killed command never released its lock: the resume takes it over and says so
    assert resumed.stderr.startswith("alliancesim: warning: took over the lock on ")
    assert "ended without releasing it" in resumed.stderr.splitlines()[0]
    assert {p: (p / "run.json").stat().st_mtime_ns for p in stamps} == stamps  # not redone
    assert not list((tmp_path / "killed").rglob(".*.tmp"))
    killed = results.load(tmp_path / "killed").drop(columns="sweep")
    pd.testing.assert_frame_equal(killed, clean_sweep)
