"""The results store: atomic, shareable files; tidy loading of runs, sweeps and their manifest."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.runs import store as results
from sim.runs.store import (
    GarbledFile,
    ResultsError,
    ResultsWarning,
    write_atomically,
    write_json,
    write_manifest,
    write_table,
)
from sim.runs.verify import file_record


def fake_run(folder, scenario: str, status: str = "done", rows: int = 2) -> None:
    """A run folder as run_to_folder leaves it (a steps table and its run.json)."""
    record = {"status": status, "wall_seconds": 1.0}
    if status == "done":
        write_table(folder / "steps.parquet", pd.DataFrame({"scenario": [scenario] * rows}))
        record["files"] = [file_record(folder / "steps.parquet", rows)]
    write_json(folder / "run.json", record)


def fake_sweep(folder, jobs) -> None:
    """A sweep.json planning ``jobs`` (run folder names)."""
    planned = [
        {"num": n, "dir": d, "overrides": [f"x={n}"], "fingerprint": f"f{n}"}
        for n, d in enumerate(jobs)
    ]
    write_json(folder / "sweep.json", {"jobs": planned})


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
    fake_sweep(sweep, [d for d, _, _ in jobs])
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


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        ("run.json", '{"status": "done"', "not JSON: Expecting ',' delimiter"),
        ("run.json", "", "not JSON: Expecting value: line 1 column 1 (char 0)"),
        ("run.json", "[1, 2]", "not a JSON object"),
        ("run.json", b"\xff\xfe{}", "not UTF-8 text"),
        ("sweep.json", '{"jobs": 3}', "no list of jobs with num, dir, overrides, fingerprint"),
        ("sweep.json", '{"jobs": [{"dir": "a"}]}', "no list of jobs with num, dir, overrides"),
        ("sweep.json", "null", "not a JSON object"),
    ],
)
def test_a_garbled_record_is_a_one_line_error_naming_it(tmp_path, name, text, reason):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(GarbledFile) as garbled:
        results.read_json(path)
    message = str(garbled.value)
    assert message.startswith(f"{name} in '{tmp_path}' is garbled ({reason}")
    assert "\n" not in message and "run the same alliancesim command again" in message


def test_a_damaged_table_is_named_in_one_line_or_skipped_with_why(tmp_path):
    for name in ("a", "b", "c"):
        fake_run(tmp_path / "s" / name, name, rows=3)
    fake_sweep(tmp_path / "s", ["a", "b", "c"])
    record = results.read_json(tmp_path / "s" / "b" / "run.json")
    record["files"][0]["rows"] = 4  # the right bytes, but not the rows recorded
    write_json(tmp_path / "s" / "b" / "run.json", record)
    (tmp_path / "s" / "c" / "steps.parquet").write_bytes(b"PAR1 not parquet")
    with pytest.raises(ResultsError) as refused:
        results.load(tmp_path / "s")
    assert str(refused.value) == (
        f"steps.parquet in '{tmp_path / 's' / 'b'}' is damaged (holds 3 rows, run.json records "
        "4); to redo that run, run the alliancesim command that made it again (it redoes "
        "damaged runs), or load with on_damage='skip' to leave it out"
    )
    loaded = results.load(tmp_path / "s", on_damage="skip")
    assert isinstance(loaded, results.Loaded) and loaded.data["scenario"].eq("a").all()
    table = results.damage_table(loaded.skipped, tmp_path / "s")
    assert table.to_dict("records") == [
        {
            "run": "b",
            "file": "steps.parquet",
            "problem": "is damaged (holds 3 rows, run.json records 4)",
        },
        {
            "run": "c",
            "file": "steps.parquet",
            "problem": "is damaged (size differs from run.json: "
            f"16 bytes, recorded {record['files'][0]['bytes']})",
        },
    ]
    assert [d.file for d in results.check_results(tmp_path / "s")] == ["steps.parquet"]  # c
    with pytest.raises(ResultsError, match="on_damage='ignore' is unknown"):
        results.load(tmp_path / "s", on_damage="ignore")


def test_an_unverifiable_unreadable_table_is_damage_too(tmp_path):
    folder = tmp_path / "old"
    write_table(folder / "steps.parquet", pd.DataFrame({"x": [1, 2]}))
    write_json(folder / "run.json", {"status": "done"})  # older code: no checksums
    with pytest.warns(ResultsWarning, match="record no checksums"):
        assert results.load(folder)["x"].tolist() == [1, 2]
    (folder / "steps.parquet").write_bytes(b"garbage")
    with pytest.raises(ResultsError, match=r"is damaged \(unreadable Parquet: ArrowInvalid: "):
        results.load(folder)
    assert [d.problem for d in results.check_results(folder)] == [
        "has no checksums (written by older code), so its files cannot be verified"
    ]


def test_a_manifest_lists_a_garbled_run_json_as_damaged(tmp_path):
    fake_run(tmp_path / "a", "a")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "run.json").write_text("{")
    fake_sweep(tmp_path, ["a", "b"])
    table = results.manifest(tmp_path)
    assert table["status"].tolist() == ["done", "damaged"]
    assert table["error"][1].startswith("run.json is garbled (not JSON: ")
    assert results.finished_runs(tmp_path, on_damage="skip") == [tmp_path / "a"]
    with pytest.raises(GarbledFile, match=r"run.json in .* is garbled"):
        results.finished_runs(tmp_path)


def test_a_write_names_the_file_not_its_temporary(tmp_path):
    gone = tmp_path / "gone"
    with pytest.raises(FileNotFoundError) as failed:
        write_json(gone / "run.json", {}, parents=False)  # the folder is not made anew
    assert failed.value.filename == str(gone / "run.json")
    assert not gone.exists()
