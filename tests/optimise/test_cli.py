from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.optimise.cli import main
from sim.optimise.config import compose_optimise
from sim.optimise.search import CONFIG_FILE, INTERRUPTED, open_study
from tests.optimise.conftest import LEVER, TINY

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["optimise.n_trials=-1"], "optimise.n_trials=-1"),
        (["optimise.worlds=0"], "optimise.worlds=0"),
        (["optimise.world=atlantis"], "optimise.world='atlantis'"),
        (["optimise.overrides=['world.nope=1']"], "world.nope"),
        (["optimise.levers=[{path:scenario.subsidy.budget,low:-5,high:1}]"], "low=-5.0"),
        (["steps=4"], "'steps=4'"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(argv, named, tmp_path, capsys):
    out = tmp_path / "study"
    assert main([*TINY, f"optimise.out={out}", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("alliancesim-optimise: error: ")
    assert named in err and "allowed" in err
    assert not out.exists()


@pytest.mark.slow  # 3-11 s: CI (make test-slow), to keep make test near 5 minutes
def test_a_study_writes_its_pareto_set_and_resumes_as_done(tiny, capsys):
    argv = [
        *tiny,
        "optimise.worlds=1",
        "optimise.n_trials=2",
        "optimise.objective.gap_reduction=0.003",  # met by cuts of 0.3 and 0.4 (test_search)
    ]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert printed.count("\ntrial ") == 2 and "Best setting" in printed
    out = Path(compose_optimise(tiny).out)
    trials = pd.read_csv(out / "trials.csv")
    front = pd.read_csv(out / "pareto.csv")
    assert len(trials) == 2 and set(front["trial"]) <= set(trials["trial"])
    assert {LEVER, "cost", "share_met", "gap_effect", "harm_effect"} <= set(front.columns)
    assert (out / "pareto.png").stat().st_size > 0
    assert "robustness" in (out / "summary.md").read_text()

    assert main(argv) == 0  # the same command: nothing left to run
    assert "trial 1/" not in capsys.readouterr().out
    recorded = (out / CONFIG_FILE).read_text()
    assert main([*argv, "optimise.seeds=2"]) == 2  # another study in the same folder
    err = capsys.readouterr().err
    assert "optimise.seeds differs" in err and err.count("\n") == 1
    assert (out / CONFIG_FILE).read_text() == recorded


@pytest.mark.slow
def test_resumes_after_a_kill(tiny, capsys):
    """The command killed (SIGKILL) after its first trial; the same command finishes it."""
    argv = [*tiny, "optimise.n_trials=4"]
    code = "import sys; from sim.optimise.cli import main; sys.exit(main(sys.argv[1:]))"
    child = subprocess.Popen(
        [sys.executable, "-c", code, *argv],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith("trial 1/"):
            os.kill(child.pid, signal.SIGKILL)
            break
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    cfg = compose_optimise(argv)
    out = Path(cfg.out)
    finished_before = {
        p: p.stat().st_mtime_ns for p in out.rglob("run.json") if json.loads(p.read_text())
    }

    assert main(argv) == 0
    study = open_study(cfg, out)
    complete = [t for t in study.trials if t.state.name == "COMPLETE"]
    assert len(complete) == 4
    killed = [t for t in study.trials if t.user_attrs.get(INTERRUPTED)]
    assert all(t.state.name == "FAIL" for t in killed)  # none left running
    for path, stamp in finished_before.items():  # runs finished before the kill: kept
        assert path.stat().st_mtime_ns == stamp
    assert "took over the lock" in capsys.readouterr().err
