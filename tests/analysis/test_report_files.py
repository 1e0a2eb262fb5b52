"""sim.analysis.report_files: reading results written under a column's former name.

(Putting a report in place as a whole is tested in ``test_report_atomic.py``.)
"""

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from sim.analysis import report, report_files
from sim.engine.outcomes import BY_NAME, FORMER_NAMES
from sim.runs.store import ResultsWarning

OLD, NEW = "gap_reduction_per_spend", "gap_change_per_own_spend"


def test_a_former_name_is_renamed_and_a_mix_is_merged():
    assert FORMER_NAMES[OLD] == NEW
    old = report_files.current_names(pd.DataFrame({"step": [0, 1], OLD: [0.0, 2.0]}))
    assert list(old.columns) == ["step", NEW] and old[NEW].tolist() == [0.0, 2.0]
    mixed = pd.DataFrame({"x": [1, 2, 3], NEW: [1.0, np.nan, 3.0], OLD: [np.nan, 2.0, np.nan]})
    merged = report_files.current_names(mixed)
    assert list(merged.columns) == ["x", NEW] and merged[NEW].tolist() == [1.0, 2.0, 3.0]
    current = pd.DataFrame({NEW: [1.0]})
    pd.testing.assert_frame_equal(report_files.current_names(current), current)


def write_as_older_code(run):
    """The run as code before the rename wrote it: the former column name, no checksums."""
    for table in ("steps", "final"):
        path = run / f"{table}.parquet"
        pd.read_parquet(path).rename(columns={NEW: OLD}).to_parquet(path)
    record = json.loads((run / "run.json").read_text())
    del record["files"]
    (run / "run.json").write_text(json.dumps(record))


@pytest.mark.parametrize(
    "older", [["1_open_data"], ["0_baseline", "1_open_data", "2_mega_alliance"]]
)
def test_older_runs_are_read_under_the_current_name(comparison, tmp_path, older):
    folder = shutil.copytree(comparison, tmp_path / "s")
    for run in older:
        write_as_older_code(folder / run)
    with pytest.warns(ResultsWarning, match="record no checksums"):
        steps, skipped = report_files.load_results(folder)
    assert not skipped and OLD not in steps.columns
    assert steps[NEW].notna().all() and NEW in BY_NAME
    spent = steps[(steps["scenario"] == "open_data") & (steps["step"] > 0)]
    assert (spent[NEW] != 0).any()  # the older runs' values, not zeros filled in
    assert report.swept_parameters(steps) == []  # the report does not take it for a parameter
    assert set(report.assign_labels(steps)["label"]) == {"baseline", "open_data", "mega_alliance"}
