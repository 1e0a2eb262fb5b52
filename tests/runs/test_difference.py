"""What makes a stored sweep another one, in words (sim/runs/difference.py)."""

from __future__ import annotations

import json

import sim
from sim.config.schema import as_plain
from sim.runs.difference import sweep_difference


def record(*jobs: tuple[str, str, list[str]]) -> dict:
    return {"jobs": [{"dir": d, "fingerprint": f, "overrides": o} for d, f, o in jobs]}


def test_other_jobs_are_named_with_their_count(tmp_path):
    stored = record(("0_baseline", "a", []), ("1_open_data", "b", []))
    planned = record(("0_baseline", "a", []), ("1_open_data", "b", []), ("2_x", "c", []))
    why = sweep_difference(stored, planned, [], tmp_path)
    assert why == "it holds 2 jobs (0_baseline, 1_open_data), this command plans 3 jobs " + (
        "(0_baseline, 1_open_data, 2_x)"
    )


def test_a_run_job_names_its_first_differing_key_with_both_values(tmp_path):
    cfg = sim.compose(["scenario=open_data", "steps=2"])
    there = as_plain(cfg)
    there["scenario"]["open_data"]["spillover_bonus"] = 0.5
    (tmp_path / "0_open_data").mkdir()
    (tmp_path / "0_open_data" / "run.json").write_text(json.dumps({"config": there}))
    stored, planned = record(("0_open_data", "a", ["x=1"])), record(("0_open_data", "b", ["x=1"]))
    why = sweep_difference(stored, planned, [cfg], tmp_path)
    assert why == "in 0_open_data, scenario.open_data.spillover_bonus is 0.5 there and 0.1 now"


def test_a_job_not_run_names_its_overrides_or_a_changed_file(tmp_path):
    cfg = sim.compose(["steps=2"])
    stored, planned = (
        record(("0_baseline", "a", ["steps=3"])),
        record(("0_baseline", "b", ["steps=2"])),
    )
    assert sweep_difference(stored, planned, [cfg], tmp_path) == (
        "in 0_baseline, the overrides are steps=3 there and steps=2 now"
    )
    same = record(("0_baseline", "b", ["steps=3"]))
    assert "a file the runs read changed" in sweep_difference(stored, same, [cfg], tmp_path)
    assert sweep_difference(stored, stored, [cfg], tmp_path) == ""
