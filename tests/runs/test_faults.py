"""Results that cannot be written stop the command in one line; the same command resumes.

Disk full (simulated, and for real on a small tmpfs when running as root), permission
denied and a vanished folder: one line on stderr, exit status 1, the manifest up to date
for what finished, nothing half-written left as a result, and a resume that completes
with the same bytes as a clean sweep.
"""

from __future__ import annotations

import errno
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import hydra.core.utils
import pytest

import sim.runs.replicates
from sim.runs import cli
from sim.runs import store as results
from sim.runs.faults import WriteFault
from sim.runs.lock import acquire, release
from sim.runs.replicates import run_to_folder
from sim.runs.store import TABLES, GarbledFile
from tests.runs.conftest import DIRS, FOUR, alliancesim_here, assert_same_parquet

FULL = f"disk full ([Errno {errno.ENOSPC}] {os.strerror(errno.ENOSPC)})"


def disk_full(path) -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))


@pytest.mark.slow  # 12 s; the real full disk below stays in make test
def test_disk_full_after_two_runs_is_one_line_and_a_resume_completes(
    clean, tmp_path, capfd, monkeypatch
):
    folder = tmp_path / "s"
    real = sim.runs.replicates.write_table
    written: list[Path] = []

    def filling(path, frame, parents=True):  # the disk fills at the third run's third table
        if len(written) == 2 * len(TABLES) + 2:
            raise disk_full(path)
        written.append(path)
        real(path, frame, parents)

    monkeypatch.setattr(sim.runs.replicates, "write_table", filling)
    assert alliancesim_here([*FOUR, f"hydra.sweep.dir={folder}"]) == 1
    out, err = capfd.readouterr()
    assert err == (
        f"alliancesim: error: could not write {folder / DIRS[2] / 'alliances.parquet'}: {FULL}; "
        f"2 of 4 runs done, as {folder / 'manifest.csv'} records; free some space, then run "
        "the same command to resume\n"
    )
    assert "run 4/4 open_data seed=1: not run (an earlier run could not write its results)" in out
    assert results.manifest(folder)["status"].tolist() == ["done", "done", "pending", "pending"]
    assert (folder / "manifest.csv").read_text() == results.manifest(folder).to_csv(index=False)
    half = folder / DIRS[2]  # no table of the half-written run is left, nor a temporary
    assert not list(half.glob("*.parquet")) and not list(half.glob(".*.tmp"))
    assert not (half / "run.json").exists()
    lock = acquire(folder)
    assert lock.notes == []  # the command released its lock, and left no holder record
    release(lock.fd)
    monkeypatch.setattr(sim.runs.replicates, "write_table", real)
    assert alliancesim_here([*FOUR, f"hydra.sweep.dir={folder}"]) == 0
    assert "alliancesim: 4 of 4 runs done, 0 failed" in capfd.readouterr().err
    assert_same_parquet(folder, clean)


@pytest.mark.slow  # 3-11 s: CI (make test-slow), to keep make test near 5 minutes
def test_hydras_own_files_on_a_full_disk_are_one_line_too(tmp_path, capfd, monkeypatch):
    folder = tmp_path / "s"
    real = hydra.core.utils._save_config

    def filling(cfg, filename, output_dir):
        if Path(output_dir).parent.name == DIRS[0]:  # the first job's .hydra folder
            raise disk_full(Path(output_dir) / filename)
        real(cfg, filename, output_dir)

    monkeypatch.setattr(hydra.core.utils, "_save_config", filling)
    assert alliancesim_here([*FOUR, f"hydra.sweep.dir={folder}"]) == 1
    err = capfd.readouterr().err
    assert err == (
        f"alliancesim: error: could not write {folder / DIRS[0] / '.hydra' / 'config.yaml'}: "
        f"{FULL}; 0 of 4 runs done, as {folder / 'manifest.csv'} records; free some space, "
        "then run the same command to resume\n"
    )


def test_a_full_disk_while_planning_is_one_line_exit_1(tmp_path, capsys, monkeypatch):
    def failing(command):
        raise disk_full(command.folder / "sweep.json")

    monkeypatch.setattr(cli, "save", failing)
    assert alliancesim_here([*FOUR, f"hydra.sweep.dir={tmp_path / 's'}"]) == 1
    assert capsys.readouterr().err == (
        f"alliancesim: error: could not write {tmp_path / 's' / 'sweep.json'}: {FULL}; free "
        "some space, then run again\n"
    )
    release(acquire(tmp_path / "s").fd)  # not left locked


@pytest.mark.parametrize(
    ("case", "problem", "advice"),
    [
        ("disk full", FULL, "free some space"),
        ("permission", "permission denied ([Errno 13] Permission denied)", "make the folder"),
        ("vanished", "the folder vanished ([Errno 2] No such file or directory)", "leave the"),
    ],
)
def test_a_write_fault_leaves_no_half_run_and_the_run_is_redone(
    clean, jobs, tmp_path, monkeypatch, case, problem, advice
):
    folder = tmp_path / "s"
    shutil.copytree(clean, folder)
    run = folder / DIRS[2]
    shutil.rmtree(run)
    run.mkdir()
    real = sim.runs.replicates.write_table

    def failing(path, frame, parents=True):
        if path.name == "final.parquet":
            if case == "disk full":
                raise disk_full(path)
            if case == "permission":  # as root, chmod would not stop the write
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
            shutil.rmtree(path.parent)
        real(path, frame, parents)

    monkeypatch.setattr(sim.runs.replicates, "write_table", failing)
    cfg, params = jobs[DIRS[2]]
    with pytest.raises(WriteFault) as fault:
        run_to_folder(cfg, run, params)
    assert str(fault.value) == f"could not write {run / 'final.parquet'}: {problem}"
    assert fault.value.advice.startswith(advice)
    assert not run.exists() or not [p.name for p in run.iterdir()]  # nothing half-written
    monkeypatch.setattr(sim.runs.replicates, "write_table", real)
    assert run_to_folder(cfg, run, params)["status"] == "done"
    assert_same_parquet(folder, clean)


def test_faults_and_garbled_files_cross_process_boundaries():
    fault = pickle.loads(pickle.dumps(WriteFault("could not write x: disk full", "free it")))
    assert (str(fault), fault.advice) == ("could not write x: disk full", "free it")
    garbled = pickle.loads(pickle.dumps(GarbledFile(Path("/s/run.json"), "not JSON")))
    assert str(garbled).startswith("run.json in '/s' is garbled (not JSON); to redo the run")


def tmpfs(folder: Path, size_kb: int, remount: bool = False) -> bool:
    options = f"{'remount,' if remount else ''}size={size_kb}k"
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


@pytest.mark.slow  # 4-12 s: CI (make test-slow), to keep make test near 5 minutes
@pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.geteuid() != 0,
    reason="a real full disk needs root on Linux (mount -t tmpfs)",
)
def test_a_real_full_disk_is_one_line_and_a_resume_completes(clean, tmp_path, capfd):
    disk = tmp_path / "disk"
    disk.mkdir()
    pages = sum(-(-p.stat().st_size // 4096) for p in (clean / DIRS[0]).iterdir())
    pages += 6  # Hydra's .hydra/*.yaml and the job's log
    if not tmpfs(disk, 4 * (6 + pages * 3 // 2)):  # room for about one and a half runs
        pytest.skip("mount -t tmpfs is not permitted here")
    try:
        two = [*FOUR[:-2], "scenario=baseline", "seed=0,1"]  # the clean sweep's first runs
        argv = [*two, f"hydra.sweep.dir={disk / 's'}"]
        capfd.readouterr()
        assert alliancesim_here(argv) == 1
        [line] = capfd.readouterr().err.splitlines()
        assert line.startswith(f"alliancesim: error: could not write {disk / 's'}")
        assert FULL in line and line.endswith("then run the same command to resume")
        assert results.manifest(disk / "s")["status"].tolist() == ["done", "pending"]
        assert tmpfs(disk, 8192, remount=True)  # space freed
        assert alliancesim_here(argv) == 0
        for name in DIRS[:2]:
            assert_same_parquet(disk / "s" / name, clean / name)
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
