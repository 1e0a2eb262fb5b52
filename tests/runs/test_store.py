"""The results store: atomic, shareable files; tidy loading of runs, sweeps and their manifest."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.runs import store as results
from sim.runs.store import ResultsError, write_atomically, write_json, write_manifest, write_table


def fake_run(folder, scenario: str, status: str = "done", rows: int = 2) -> None:
    """A run folder as run_to_folder leaves it (a steps table and its run.json)."""
    if status == "done":
        write_table(folder / "steps.parquet", pd.DataFrame({"scenario": [scenario] * rows}))
    write_json(folder / "run.json", {"status": status, "wall_seconds": 1.0})


def test_results_files_are_readable_by_others(tmp_path):
    write_table(tmp_path / "steps.parquet", pd.DataFrame({"x": [1]}))
    write_json(tmp_path / "run.json", {"status": "done"})
    for name in ("steps.parquet", "run.json"):
        assert (tmp_path / name).stat().st_mode & 0o044 == 0o044


def test_an_interrupted_write_leaves_the_old_file_and_no_temporary(tmp_path):
    write_json(tmp_path / "a.json", {"v": 1})

    def broken(tmp):
        tmp.write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomically(tmp_path / "a.json", broken)
    assert results.read_json(tmp_path / "a.json") == {"v": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]
    (tmp_path / ".a.json.x.tmp").write_text("left by a killed run")
    results.remove_leftovers(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_a_sweep_loads_tidy_with_its_manifest(tmp_path):
    sweep = tmp_path / "s"
    jobs = [("0_a", "a", "done"), ("1_b", "b", "failed"), ("2_c", "c", "")]
    for folder, scenario, status in jobs:
        if status:
            fake_run(sweep / folder, scenario, status)
    planned = [{"num": n, "dir": d, "overrides": [f"x={n}"]} for n, (d, _, _) in enumerate(jobs)]
    write_json(sweep / "sweep.json", {"jobs": planned})
    table = write_manifest(sweep)
    assert table["status"].tolist() == ["done", "failed", "pending"]
    assert pd.read_csv(sweep / "manifest.csv")["dir"].tolist() == ["0_a", "1_b", "2_c"]
    data = results.load(sweep)
    assert data["run"].eq("0_a").all() and data["sweep"].eq("s").all() and len(data) == 2
    assert results.load(tmp_path)["run"].eq("s/0_a").all()  # a folder of sweeps
    assert results.finished_runs(tmp_path) == [sweep / "0_a"]


@pytest.mark.parametrize(
    ("make", "table", "message"),
    [
        (lambda p: None, "steps", "does not exist"),
        (lambda p: p.mkdir(), "steps", "holds no finished run"),
        (lambda p: fake_run(p, "a"), "firms", "has a firms.parquet"),
        (lambda p: fake_run(p, "a"), "nope", "table='nope' is unknown"),
    ],
)
def test_loading_what_is_not_there_is_a_results_error(tmp_path, make, table, message):
    make(tmp_path / "r")
    with pytest.raises(ResultsError, match=message):
        results.load(tmp_path / "r", table)


def test_a_manifest_needs_a_sweep_folder(tmp_path):
    with pytest.raises(ResultsError, match="not a sweep folder"):
        results.manifest(tmp_path)
