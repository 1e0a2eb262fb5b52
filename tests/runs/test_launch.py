"""The launch process: it runs only planned commands, records failures, and sets the status."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import sim.runs.replicates
from sim.runs import cli, launch
from sim.runs import store as results
from sim.runs.launch import PLAN_ENV, Handoff, job_params, planned

SMALL = ["world=synthetic", "world.n_startups=60", "world.n_conglomerates=4", "world.n_foreign=2"]
OTHER_PID = next(p for p in range(2, 1 << 22) if p not in (os.getpid(), os.getppid()))


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(PLAN_ENV, raising=False)
    return tmp_path


def launch_here(argv: list[str], monkeypatch) -> int:
    """Plan ``argv`` and run the launch in this process (so that tests can patch it)."""
    handoff = cli.plan_command(argv)
    monkeypatch.setenv(PLAN_ENV, handoff.encode())
    monkeypatch.setattr(sys, "argv", ["alliancesim", *handoff.args])
    return launch.main()


def test_job_params_are_typed_columns():
    params = job_params(["scenario=x", "steps=3", "model.choice.w_legal=1.5", "sweep=quick"])
    assert params == {"steps": 3, "model.choice.w_legal": 1.5, "preset": "quick"}
    assert job_params(["+hydra.x=1", "~seed", "note=[1,2]", "k=null"]) == {
        "note": "[1,2]",
        "k": "null",
    }


def test_a_handoff_round_trips_and_garbage_is_none():
    handoff = Handoff(["-m", "steps=2", "hydra.sweep.dir='/x'"], True, "/x", 42)
    assert Handoff.decode(handoff.encode()) == handoff
    for text in ("", "{", "[]", '{"args": []}', "null"):
        assert Handoff.decode(text) is None


def test_a_plan_counts_only_for_its_command_line_and_process(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["alliancesim", "steps=2"])
    for pid in (os.getpid(), os.getppid()):  # after os.execv, or in the planner's child
        monkeypatch.setenv(PLAN_ENV, Handoff(["steps=2"], False, "/x", pid).encode())
        assert planned() is not None
    monkeypatch.setenv(PLAN_ENV, Handoff(["steps=3"], False, "/x", os.getpid()).encode())
    assert planned() is None  # another command line
    monkeypatch.setenv(PLAN_ENV, Handoff(["steps=2"], False, "/x", OTHER_PID).encode())
    assert planned() is None  # another process's plan, inherited
    monkeypatch.delenv(PLAN_ENV)
    assert planned() is None


def test_an_unplanned_command_is_refused_with_one_line(in_tmp, capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["alliancesim", *SMALL, "hydra.run.dir=one"])
    assert launch.main() == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("alliancesim: error:") and len(err.splitlines()) == 1
    assert "allowed" in err
    assert list(in_tmp.iterdir()) == []


def test_the_launch_module_refuses_to_run_alone(in_tmp):
    argv = [sys.executable, "-m", "sim.runs.launch", "-m", *SMALL, "hydra.sweep.dir=s"]
    env = {k: v for k, v in os.environ.items() if k != PLAN_ENV}
    done = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("alliancesim: error:") and len(done.stderr.splitlines()) == 1
    assert list(in_tmp.iterdir()) == []


@pytest.mark.slow  # 3-11 s: CI (make test-slow), to keep make test near 5 minutes
def test_failed_run_is_recorded_and_the_sweep_goes_on(in_tmp, monkeypatch, capfd):
    real = sim.runs.replicates.run_replicates

    def flaky(cfg, params=None, progress=None):
        if cfg.scenario.name == "open_data":
            raise FloatingPointError("simulated failure")
        return real(cfg, params, progress)

    monkeypatch.setattr(sim.runs.replicates, "run_replicates", flaky)
    argv = ["-m", *SMALL, "steps=2", "scenario=open_data,baseline", "hydra.sweep.dir=s"]
    assert launch_here(argv, monkeypatch) == 1
    assert PLAN_ENV not in os.environ  # the jobs do not inherit the plan
    table = results.manifest("s").set_index("dir")
    assert table.loc["0_open_data", "status"] == "failed"
    assert "simulated failure" in table.loc["0_open_data", "error"]
    assert table.loc["1_baseline", "status"] == "done"
    assert "FloatingPointError" in (in_tmp / "s" / "0_open_data" / "error.log").read_text()
    assert set(results.load("s")["scenario"]) == {"baseline"}
    out, err = capfd.readouterr()
    assert "run 1/2 open_data: FAILED (FloatingPointError: simulated failure)" in out
    assert "run 2/2 baseline: done in" in out
    assert "alliancesim: 1 of 2 runs done, 1 failed; results in" in err
    monkeypatch.setattr(sim.runs.replicates, "run_replicates", real)
    assert launch_here(argv, monkeypatch) == 0  # resuming retries the failed run only
    assert results.manifest("s")["status"].eq("done").all()
    assert "run 2/2 baseline: already finished in" in capfd.readouterr().out


def test_a_failed_single_run_exits_1(in_tmp, monkeypatch):
    def broken(cfg, params=None, progress=None):
        raise RuntimeError("broken")

    monkeypatch.setattr(sim.runs.replicates, "run_replicates", broken)
    assert launch_here([*SMALL, "steps=2", "hydra.run.dir=one"], monkeypatch) == 1
    assert results.run_status(in_tmp / "one")["status"] == "failed"


@pytest.mark.slow  # 4-12 s: CI (make test-slow), to keep make test near 5 minutes
def test_an_information_flag_is_answered_and_runs_nothing(in_tmp, monkeypatch, capsys):
    assert launch_here(["--cfg", "job", "steps=7"], monkeypatch) == 0
    assert "\nsteps: 7\n" in capsys.readouterr().out
    assert list(in_tmp.iterdir()) == []
    with pytest.raises(SystemExit) as exited:  # Hydra ends --help itself
        launch_here(["--help"], monkeypatch)
    assert exited.value.code == 0
    assert "alliancesim is powered by Hydra" in capsys.readouterr().out


def test_a_report_older_than_a_finished_run_is_flagged(tmp_path):
    """A report built on a half-finished sweep is out of date once the sweep is resumed."""
    import pandas as pd

    table = pd.DataFrame({"status": ["done", "done"], "finished_utc": ["", ""]})
    assert not launch.report_predates(tmp_path, table)  # no report
    (tmp_path / "report.html").write_text("<html>")
    os.utime(tmp_path / "report.html", (1_700_000_000, 1_700_000_000))  # 2023-11-14 22:13 UTC
    assert not launch.report_predates(tmp_path, table)  # runs of older code: no stamps
    table["finished_utc"] = ["2023-11-14T22:00:00+00:00", "2023-11-14T22:10:00+00:00"]
    assert not launch.report_predates(tmp_path, table)
    table.loc[1, "finished_utc"] = "2023-11-14T22:20:00+00:00"
    assert launch.report_predates(tmp_path, table)
