"""Every launcher gives the basic launcher's numbers: same config and seed, same results."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.runs import store as results

SCRIPT = Path(sys.executable).with_name("alliancesim")
SWEEP = [
    "-m",
    "world=synthetic",
    "world.n_startups=150",
    "world.n_initial_alliances=3",
    "steps=6",
    "replicates=2",
    "scenario=baseline,mega_alliance,subsidy_fad",
]
LAUNCHERS = {
    "joblib": ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"],
    "submitit_local": ["hydra/launcher=submitit_local"],
    "ray": ["hydra/launcher=ray", "+hydra.launcher.ray.init.num_cpus=2"],
}


def sweep(cwd: Path, folder: str, launcher: list[str]) -> pd.DataFrame:
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    done = subprocess.run(
        [str(SCRIPT), *SWEEP, *launcher, f"hydra.sweep.dir={folder}"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert results.manifest(cwd / folder)["status"].eq("done").all()
    return results.load(cwd / folder).drop(columns="sweep")


@pytest.fixture(scope="module")
def basic(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("launchers")
    return cwd, sweep(cwd, "basic", [])


@pytest.mark.slow
@pytest.mark.parametrize("name", list(LAUNCHERS))
def test_launcher_matches_basic_launcher(basic, name):
    cwd, expected = basic
    got = sweep(cwd, name, LAUNCHERS[name])
    assert len(got) == 3 * 2 * 7
    pd.testing.assert_frame_equal(got, expected)
