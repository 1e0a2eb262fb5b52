"""Shared by the damage, fault and lock tests: a clean sweep, and alliancesim run in-process."""

from __future__ import annotations

import filecmp
import sys
from pathlib import Path
from typing import Any

import pytest

from sim.config.checks import ConfigError
from sim.config.schema import RunConfig
from sim.runs import cli, launch
from sim.runs.launch import PLAN_ENV, job_params
from sim.runs.plan import plan, save
from sim.runs.replicates import run_to_folder
from sim.runs.store import ResultsError, write_manifest

SMALL = ["world=synthetic", "world.n_startups=60", "world.n_conglomerates=4", "world.n_foreign=2"]
# four runs with every table (firms too): baseline and open_data, seeds 0 and 1
FOUR = ["-m", *SMALL, "steps=3", "replicates=2", "collect_firms=true"]
FOUR += ["scenario=baseline,open_data", "seed=0,1"]
# job folders: number, scenario, then the other swept value (sim.runs.plan.job_name)
DIRS = ["0_baseline_seed=0", "1_baseline_seed=1", "2_open_data_seed=0", "3_open_data_seed=1"]


def alliancesim_here(argv: list[str]) -> int:
    """``alliancesim argv`` with the launch in this process (so that tests can patch it).

    As ``sim.runs.cli.main`` does, but without the child process: the planner's lock is
    handed to the launch in this same process, which releases it.
    """
    try:
        handoff = cli.plan_command(argv)
    except (ConfigError, ResultsError, OSError) as error:
        return cli.report(error)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(PLAN_ENV, handoff.encode())
        patch.setattr(sys, "argv", ["alliancesim", *handoff.args])
        return launch.main()


def parquet_files(folder: Path) -> list[str]:
    """Every Parquet file under ``folder``, relative, sorted."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.parquet"))


def assert_same_parquet(folder: Path, expected: Path) -> None:
    """The same Parquet files, byte for byte (as ``cmp`` compares them)."""
    assert parquet_files(folder) == parquet_files(expected)
    for name in parquet_files(expected):
        assert filecmp.cmp(folder / name, expected / name, shallow=False), name


@pytest.fixture(scope="session")
def planned(tmp_path_factory) -> tuple[Path, dict[str, tuple[RunConfig, dict[str, Any]]]]:
    """``FOUR`` planned and run, without damage or fault: its folder, and for each run
    folder the config and parameter columns its job runs with.

    Each run is made as the launch's task makes it (``run_to_folder``), without Hydra's
    per-job overhead; the resume tests check that the command line gives the same bytes.
    """
    folder = tmp_path_factory.mktemp("clean") / "s"
    command = plan([*FOUR[1:], f"hydra.sweep.dir={folder}"], True)
    save(command)
    jobs = {job.dir: (job.cfg, job_params(job.overrides)) for job in command.jobs}
    for name, (cfg, params) in jobs.items():
        assert run_to_folder(cfg, folder / name, params)["status"] == "done"
    write_manifest(folder)
    return folder, jobs


@pytest.fixture(scope="session")
def clean(planned) -> Path:
    """The folder of a clean ``FOUR`` sweep. Tests copy it."""
    return planned[0]


@pytest.fixture(scope="session")
def jobs(planned) -> dict[str, tuple[RunConfig, dict[str, Any]]]:
    """Each run folder of ``clean``: the config and parameter columns its job runs with.

    ``run_to_folder(cfg, folder, params)`` then does what the launch's task does for that
    job, without Hydra.
    """
    return planned[1]
