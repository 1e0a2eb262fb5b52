"""The alliance table stored every quarter: one per step, verified on resume, old files read.

The tests of ``alliances.parquet`` across ``sim.runs.replicates`` (writing it each quarter),
``sim.runs.verify`` (resume checks) and ``sim.runs.store`` (loading older files, ``last_step``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from scenarios.worlds import build_world
from sim.engine.alliance_table import COLUMNS, quarter_dates
from sim.model import AllianceModel
from sim.runs import store as results
from sim.runs.replicates import replicate_seeds, resume_state, run_to_folder
from sim.runs.store import ResultsError, last_step
from sim.runs.verify import file_record

SMALL = ["world=synthetic", "world.n_startups=60", "world.n_conglomerates=4", "world.n_foreign=2"]
SMALL += ["world.n_initial_alliances=3", "steps=3", "replicates=2"]
OLD_COLUMNS = ["alliance", "name", "regime", "leader", "founded", "parent", "size"]
OLD_COLUMNS += ["market_share"]  # what alliance_table held before leader_name and the rest


@pytest.fixture(scope="module")
def cfg():
    return sim.compose(SMALL)


@pytest.fixture(scope="module")
def stored(cfg, tmp_path_factory) -> Path:
    """One run of ``cfg`` stored as the launch stores it. Tests copy it."""
    folder = tmp_path_factory.mktemp("quarterly") / "run"
    assert run_to_folder(cfg, folder, {"note": "x"})["status"] == "done"
    return folder


def copy_of(stored: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "run"
    shutil.copytree(stored, folder)
    return folder


def test_a_run_stores_the_alliances_of_every_quarter_the_steps_table_has(cfg, stored):
    steps = results.load(stored)
    alliances = results.load(stored, "alliances")
    quarters = steps[["replicate", "step"]].drop_duplicates()
    assert len(quarters) == cfg.replicates * (cfg.steps + 1)  # step 0 and after each quarter
    held = alliances[["replicate", "step"]].drop_duplicates()
    assert sorted(map(tuple, held.to_numpy())) == sorted(map(tuple, quarters.to_numpy()))
    labels = ["sweep", "run", "scenario", "world", "seed", "note", "replicate", "step"]
    assert list(alliances.columns[:8]) == labels
    assert list(alliances.columns[8:]) == ["date", *COLUMNS]
    assert (alliances["date"] == quarter_dates(alliances["step"], 2024)).all()
    assert alliances.loc[alliances["step"] == 0, "date"].eq("2024Q1").all()
    assert alliances.loc[alliances["step"] == 3, "date"].eq("2024Q4").all()
    assert not alliances.duplicated(["replicate", "step", "alliance"]).any()


def test_the_last_step_is_what_the_model_shows_at_the_end(cfg, stored):
    """``last_step`` gives the table stored once per replicate before: the model's own."""
    ends = last_step(results.load(stored, "alliances"), results.load(stored, "final"))
    assert set(ends["step"]) == {cfg.steps}
    for replicate, child in enumerate(replicate_seeds(cfg)):
        model = AllianceModel(cfg, seed=child).run()
        mine = ends[ends["replicate"] == replicate][OLD_COLUMNS].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, model.alliance_table()[OLD_COLUMNS], check_dtype=False)
    fallback = last_step(results.load(stored, "alliances"))  # without the final table
    pd.testing.assert_frame_equal(fallback, ends)


def test_a_damaged_alliance_table_is_caught_on_resume_and_redone(cfg, stored, tmp_path):
    folder = copy_of(stored, tmp_path)
    path = folder / "alliances.parquet"
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8] = bytes(b ^ 0xFF for b in data[middle : middle + 8])
    path.write_bytes(bytes(data))
    assert resume_state(folder, cfg) == (
        False,
        "alliances.parquet is damaged (checksum differs from run.json)",
    )
    with pytest.raises(ResultsError, match=r"^alliances.parquet in .* is damaged \(checksum"):
        results.load(folder, "alliances")
    said: list[str] = []
    assert run_to_folder(cfg, folder, {"note": "x"}, notify=said.append)["status"] == "done"
    assert said == ["alliances.parquet is damaged (checksum differs from run.json)"]
    assert path.read_bytes() == (stored / "alliances.parquet").read_bytes()
    assert resume_state(folder, cfg) == (True, None)


def as_older_code_wrote_it(folder: Path, record_change=None) -> pd.DataFrame:
    """Rewrite ``alliances.parquet`` as older code did: the last step only, no step or date
    or the newer columns; ``run.json`` records the file as written (checksums included)."""
    table = pd.read_parquet(folder / "alliances.parquet")
    old = table[table["step"] == table["step"].max()]
    old = old[[*old.columns[: list(old.columns).index("step")], *OLD_COLUMNS]]
    old = old.reset_index(drop=True)
    old.to_parquet(folder / "alliances.parquet")
    record = json.loads((folder / "run.json").read_text())
    record["files"] = [
        file_record(folder / f["name"], len(old)) if f["name"] == "alliances.parquet" else f
        for f in record["files"]
    ]
    if record_change:
        record_change(record)
    (folder / "run.json").write_text(json.dumps(record))
    return old


def test_an_older_alliance_table_reads_as_the_last_step(cfg, stored, tmp_path):
    folder = copy_of(stored, tmp_path)
    old = as_older_code_wrote_it(folder)
    loaded = results.load(folder, "alliances")
    assert "step" not in old.columns
    assert (loaded["step"] == cfg.steps).all() and (loaded["date"] == "2024Q4").all()
    assert list(loaded.columns).index("step") == list(loaded.columns).index("replicate") + 1
    pd.testing.assert_frame_equal(loaded.drop(columns=["sweep", "run", "step", "date"]), old)
    assert results.check_results(folder) == []  # its record still verifies the file
    both = tmp_path / "both"  # an older run beside a newer one: one table, the same ends
    shutil.copytree(folder, both / "old")
    shutil.copytree(stored, both / "new")
    mixed = results.load(both, "alliances")
    ends = last_step(mixed, results.load(both, "final"))
    new, older = (
        ends[ends["run"] == r][OLD_COLUMNS].reset_index(drop=True) for r in ("new", "old")
    )
    pd.testing.assert_frame_equal(new, older, check_dtype=False)
    assert mixed.loc[mixed["run"] == "old", "leader_name"].isna().all()


def test_an_older_table_gets_no_date_without_a_start_year(stored, tmp_path):
    folder = copy_of(stored, tmp_path)
    as_older_code_wrote_it(folder, lambda record: record["config"]["world"].pop("start_year"))
    loaded = results.load(folder, "alliances")
    assert (loaded["step"] == 3).all() and loaded["date"].isna().all()  # not guessed


def test_an_older_table_without_a_recorded_step_count_is_refused_in_one_line(stored, tmp_path):
    def no_steps(record):
        del record["steps"], record["config"]["steps"]

    folder = copy_of(stored, tmp_path)
    as_older_code_wrote_it(folder, no_steps)
    with pytest.raises(ResultsError) as refused:
        results.load(folder, "alliances")
    assert str(refused.value).startswith(
        f"run.json in '{folder}' records no steps, so its alliances.parquet (no step column) "
        "has no quarter; to redo that run"
    )
    assert "\n" not in str(refused.value)
    with pytest.raises(ResultsError, match=r"\(1 skipped: run.json in .* records no steps"):
        results.load(folder, "alliances", on_damage="skip")
    assert len(results.load(folder, "steps")) == 8  # the other tables still read


def test_named_worlds_name_their_first_firms_and_synthetic_ones_none(cfg):
    rng = np.random.default_rng(0)
    assert build_world(cfg.world, rng).names == ()
    names = build_world(sim.compose(["world=korea_2024"]).world, rng).names
    assert names[:3] == ("SK Telecom", "Samsung Electronics", "LG")
    assert build_world(sim.compose(["world=korea_2016"]).world, rng).names[0] == "SK Telecom"
    table = sim.AllianceModel(sim.compose(["world=korea_2024", "steps=1"])).alliance_table()
    kai = table[table["name"] == "K-AI Alliance"].iloc[0]
    assert kai["leader_name"] == "SK Telecom" and kai["home_region"] == "domestic"
