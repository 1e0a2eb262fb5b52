"""Damaged results are found, never read in silence, and a resume redoes exactly them.

Each table file is deleted, truncated and garbled in turn, then ``run.json``; ``load``
refuses the damage in one line or skips it with a list, and redoing the run (what a
resume does for each run: ``run_to_folder``) gives the same bytes as a clean sweep, with
one line saying why. A resume through the command line does the same with every
metadata file garbled at once.
"""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

from sim.runs import store as results
from sim.runs.replicates import run_to_folder
from sim.runs.store import TABLES, ResultsError, ResultsWarning
from tests.runs.conftest import DIRS, FOUR, alliancesim_here, assert_same_parquet

KINDS = {  # what load and a resume say of a table, and of run.json, so damaged
    "deleted": ("is missing", None),
    "truncated": ("is damaged (size differs from run.json: ", "is garbled (not JSON: "),
    "garbled": ("is damaged (checksum differs from run.json)", "is garbled (not "),
}


def spoil(path: Path, kind: str) -> None:
    """Delete, truncate (half the bytes) or garble (8 bytes flipped in the middle) a file."""
    if kind == "deleted":
        path.unlink()
        return
    data = bytearray(path.read_bytes())
    if kind == "truncated":
        path.write_bytes(bytes(data[: len(data) // 2]))
        return
    middle = len(data) // 2
    data[middle : middle + 8] = bytes(b ^ 0xFF for b in data[middle : middle + 8])
    path.write_bytes(bytes(data))


def copy_of(clean: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "s"
    shutil.copytree(clean, folder)
    return folder


def redo_lines(out: str) -> list[str]:
    """The launch's log lines about runs it redoes (without the time stamp)."""
    return [line.split(" - ", 1)[1] for line in out.splitlines() if line.endswith("redoing it")]


def redo(folder: Path, jobs, name: str) -> list[str]:
    """Resume one run as the launch's task does; the lines it says."""
    cfg, params = jobs[name]
    said: list[str] = []
    record = run_to_folder(cfg, folder / name, params, notify=said.append)
    assert record["status"] == "done" and not record.get("skipped")
    return said


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_file_damaged_is_refused_skipped_and_redone(clean, jobs, tmp_path, kind):
    folder = copy_of(clean, tmp_path)
    table_problem, record_problem = KINDS[kind]
    expected = {table: results.load(clean, table) for table in TABLES}
    for num, table in enumerate(TABLES):
        run = DIRS[num % len(DIRS)]
        spoil(folder / run / f"{table}.parquet", kind)
        with pytest.raises(ResultsError) as refused:
            results.load(folder, table)
        message = str(refused.value)
        assert message.startswith(f"{table}.parquet in '{folder / run}' {table_problem}")
        assert "\n" not in message and "on_damage='skip'" in message
        data, skipped = results.load(folder, table, on_damage="skip")
        rest = expected[table][expected[table]["run"] != run].reset_index(drop=True)
        pd.testing.assert_frame_equal(data, rest)
        [row] = results.damage_table(skipped, folder).to_dict("records")
        assert row["run"] == run and row["file"] == f"{table}.parquet"
        assert row["problem"].startswith(table_problem)
        [line] = redo(folder, jobs, run)
        assert line.startswith(f"{table}.parquet {table_problem}")
        assert_same_parquet(folder, clean)
    spoil(folder / DIRS[1] / "run.json", kind)
    if record_problem is None:  # no run.json: an unfinished run, redone without a word
        assert results.finished_runs(folder) == [folder / d for d in DIRS if d != DIRS[1]]
        assert redo(folder, jobs, DIRS[1]) == []
    else:
        with pytest.raises(ResultsError, match=rf"^run.json in '{folder / DIRS[1]}' is garbled"):
            results.load(folder)
        _, [skipped] = results.load(folder, on_damage="skip")
        assert str(skipped).startswith(f"run.json {record_problem}")
        assert results.manifest(folder).set_index("dir").loc[DIRS[1], "status"] == "damaged"
        [line] = redo(folder, jobs, DIRS[1])
        assert line.startswith(f"run.json {record_problem}")
    assert_same_parquet(folder, clean)
    assert results.check_results(folder) == []


@pytest.mark.slow
def test_a_resume_with_every_metadata_file_garbled_gives_the_same_results(clean, tmp_path, capfd):
    folder = copy_of(clean, tmp_path)
    (folder / "sweep.json").write_text('{"jobs": [{"num": 0, "dir": ')
    (folder / "manifest.csv").write_bytes(b"\x00\xffnot,a\nmanifest")
    (folder / DIRS[0] / "steps.parquet").unlink()
    spoil(folder / DIRS[2] / "run.json", "truncated")
    record = json.loads((folder / DIRS[3] / "run.json").read_text())
    del record["files"]  # as older code wrote it: no checksums
    (folder / DIRS[3] / "run.json").write_text(json.dumps(record))
    with pytest.raises(ResultsError, match=r"^sweep.json in .* is garbled \(not JSON: "):
        results.load(folder)
    with pytest.raises(ResultsError, match=r"\(1 skipped: sweep.json in .* is garbled"):
        results.load(folder, on_damage="skip")  # the whole sweep left out, and said so
    capfd.readouterr()
    assert alliancesim_here([*FOUR, f"hydra.sweep.dir={folder}"]) == 0
    out, err = capfd.readouterr()
    warning, summary = err.splitlines()
    assert warning.startswith(f"alliancesim: warning: sweep.json in '{folder}' was garbled (not")
    assert warning.endswith("which 3 finished run(s) there match, and rewrote it")
    assert summary.startswith("alliancesim: 4 of 4 runs done, 0 failed")
    lines = redo_lines(out)
    assert len(lines) == 3
    assert lines[0] == "run 1/4 baseline seed=0: steps.parquet is missing; redoing it"
    assert lines[1].startswith("run 3/4 open_data seed=0: run.json is garbled (not JSON: ")
    assert lines[2] == (
        "run 4/4 open_data seed=1: run.json has no checksums (written by older code), so its files "
        "cannot be verified; redoing it"
    )
    assert (folder / "sweep.json").read_bytes() == (clean / "sweep.json").read_bytes()
    assert pd.read_csv(folder / "manifest.csv")["status"].eq("done").all()
    assert_same_parquet(folder, clean)
    pd.testing.assert_frame_equal(results.load(folder), results.load(clean))


def test_a_garbled_sweep_json_with_other_runs_is_refused_in_one_line(clean, tmp_path, capsys):
    folder = copy_of(clean, tmp_path)
    (folder / "sweep.json").write_text("[]")
    other = [*FOUR[:-2], "steps=4", "seed=0,1", f"hydra.sweep.dir={folder}"]  # other runs
    assert alliancesim_here(other) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"alliancesim: error: sweep.json in '{folder}' is garbled (not a JSON")
    assert "holds a run of another config" in err and "allowed:" in err
    assert len(err.splitlines()) == 1
    assert (folder / "sweep.json").read_text() == "[]"  # nothing written


def test_a_garbled_run_json_of_a_single_run_is_one_line_exit_2(tmp_path, capsys):
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "run.json").write_text('{"status": "do')
    assert alliancesim_here(["steps=2", "world=synthetic", f"hydra.run.dir={folder}"]) == 2
    assert capsys.readouterr().err == (
        f"alliancesim: error: run.json in '{folder}' is garbled (not JSON: Unterminated "
        "string starting at: line 1 column 12 (char 11)); to redo the run, delete it and run "
        "the same alliancesim command again\n"
    )


def test_runs_of_older_code_are_read_with_one_warning_and_redone(clean, jobs, tmp_path):
    folder = copy_of(clean, tmp_path)
    for name in DIRS[1:3]:  # as older code wrote them: no checksums
        record = json.loads((folder / name / "run.json").read_text())
        del record["files"]
        (folder / name / "run.json").write_text(json.dumps(record))
    with pytest.warns(ResultsWarning, match=r"2 run\(s\) under .* record no checksums") as seen:
        data = results.load(folder)
    assert len(seen) == 1  # once, not once per run
    pd.testing.assert_frame_equal(data, results.load(clean))
    spoil(folder / DIRS[1] / "final.parquet", "truncated")  # unverifiable, yet unreadable
    with pytest.raises(ResultsError, match=r"final.parquet in .* \(unreadable Parquet: Arrow"):
        results.load(folder, "final")
    for name in DIRS[1:3]:
        assert redo(folder, jobs, name) == [
            "run.json has no checksums (written by older code), so its files cannot be verified"
        ]
    assert_same_parquet(folder, clean)
    assert "files" in json.loads((folder / DIRS[1] / "run.json").read_text())


def test_a_foreign_run_folder_is_ignored_with_a_warning(clean, tmp_path):
    folder = copy_of(clean, tmp_path)
    shutil.copytree(folder / DIRS[0], folder / "9_copied_in")  # a run the plan never made
    shutil.copytree(clean, folder / "nested")  # a whole sweep inside the sweep
    shutil.copytree(clean / DIRS[3], tmp_path / "one")  # a single run beside the sweep counts
    with pytest.warns(ResultsWarning, match="9_copied_in") as seen:
        data = results.load(folder)
    assert len(seen) == 1 and "ignored 5 run folder(s)" in str(seen[0].message)
    pd.testing.assert_frame_equal(data, results.load(clean))
    with pytest.warns(ResultsWarning, match="9_copied_in"):
        assert [p.name for p in results.finished_runs(folder)] == DIRS
    assert results.manifest(folder)["dir"].tolist() == DIRS
    with warnings.catch_warnings(record=True):
        everything = results.load(tmp_path)
        assert results.check_results(tmp_path) == []
    assert set(everything["run"]) == {"one", *(f"s/{d}" for d in DIRS)}
