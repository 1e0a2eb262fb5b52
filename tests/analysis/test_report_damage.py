"""Damaged runs in a report: each listed once, in one line; a design read from intact runs only.

A run with several damaged tables (or a garbled ``run.json``) is one line of the report's
"Runs not included", not one per table read; runs of older code give one warning line; a
design sweep with a damaged run builds its section from the others and names the one
left out.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.analysis import design_report, report, report_files
from sim.runs.verify import Damage
from tests.analysis.conftest import alliancesim

TABLES = ("steps", "alliances", "snapshot", "final")
# a Latin design of 4 worlds under two scenarios (8 runs): the cheapest design with a section
DESIGN = ["-m", "sweep=discovery", "analysis.n=4", "replicates=1", "steps=3", "world=synthetic"]


@pytest.fixture
def sweep(fast_copy):
    return fast_copy


@pytest.fixture(scope="session")
def design_sweep(tmp_path_factory) -> Path:
    """``DESIGN`` swept once per test process (read-only: copy it before damaging it)."""
    folder = tmp_path_factory.mktemp("design")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.setattr("sys.argv", ["alliancesim"])
        # (no world.n_startups: each world of the design draws it)
        assert alliancesim([*DESIGN, "hydra.sweep.dir=m"]) == 0
    return folder / "m"


def lines_about(text: str, run: str) -> list[str]:
    return [line for line in text.splitlines() if f"`{run}`" in line]


def test_a_run_with_every_table_damaged_is_one_line(sweep, capsys):
    for table in TABLES[:3]:
        (sweep / "1_open_data" / f"{table}.parquet").unlink()
    (sweep / "2_mega_alliance" / "run.json").write_text("{garbage")
    assert report.main([str(sweep)]) == 0
    assert capsys.readouterr().err == ""
    summary = (sweep / "summary.md").read_text()
    assert lines_about(summary, "1_open_data") == [  # the report reads no snapshot
        "- `1_open_data`: steps.parquet is missing; alliances.parquet is missing"
    ]
    (garbled,) = lines_about(summary, "2_mega_alliance")
    assert garbled.startswith("- `2_mega_alliance`: run.json is garbled (not JSON")
    assert "failed or are unfinished" not in summary  # listed once, as not included
    page = (sweep / "report.html").read_text()
    for run in ("1_open_data", "2_mega_alliance"):
        assert page.count(f"<td>{run}</td>") == 1, run  # one row of the skipped runs
    assert pd.read_csv(sweep / "summary.csv")["label"].tolist() == ["baseline"]  # no effects


def test_runs_of_older_code_give_one_warning_line(sweep, capsys):
    for run in ("0_baseline", "1_open_data"):
        record = json.loads((sweep / run / "run.json").read_text())
        del record["files"]
        (sweep / run / "run.json").write_text(json.dumps(record))
    assert report.main([str(sweep)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("alliancesim-report: warning: 2 run(s) under")
    assert "record no checksums" in err[0]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c/d"]),
            st.sampled_from(["steps.parquet", "final.parquet", "run.json"]),
            st.sampled_from(["is missing", "is damaged (x)"]),
        ),
        max_size=12,
    )
)
def test_skipped_runs_are_one_line_each_with_each_file_once(items):
    lines = report_files.by_run([(run, f"{file} {problem}") for run, file, problem in items])
    assert [run for run, _ in lines] == list(dict.fromkeys(run for run, _, _ in items))
    for run, why in lines:
        files = [part.split(" ", 1)[0] for part in why.split("; ")]
        assert files == list(dict.fromkeys(f for r, f, _ in items if r == run))


def test_skipped_runs_group_the_store_damage_records(tmp_path):
    damages = [
        Damage(tmp_path / "1_a", "steps.parquet", "is missing"),
        Damage(tmp_path / "1_a", "steps.parquet", "is missing"),  # read twice
        Damage(tmp_path / "1_a", "run.json", "is garbled (x)"),
    ]
    pairs = [report_files.where_and_why(d, tmp_path) for d in damages]
    assert report_files.by_run(pairs) == [
        ("1_a", "steps.parquet is missing; run.json is garbled (x)")
    ]


@pytest.mark.parametrize("damage", ["steps deleted", "run.json garbled", "final truncated"])
@pytest.mark.slow
def test_a_design_is_read_from_its_intact_runs_and_names_the_damaged_one(
    design_sweep, tmp_path, damage
):
    folder = Path(shutil.copytree(design_sweep, tmp_path / "m"))
    intact = design_report.design_of(folder)
    assert intact.analysis is not None and intact.analysis.method == "latin"
    assert len(intact.runs) == 8 and intact.skipped == []
    if damage == "steps deleted":
        (folder / "1_baseline" / "steps.parquet").unlink()
    elif damage == "run.json garbled":
        (folder / "1_baseline" / "run.json").write_text("[1, 2")
    else:
        table = folder / "1_baseline" / "final.parquet"
        table.write_bytes(table.read_bytes()[:100])
    design = design_report.design_of(folder)
    assert design.analysis == intact.analysis
    assert design.runs == [run for run in intact.runs if run != "1_baseline"]
    (skipped,) = design.skipped
    assert skipped[0] == "1_baseline" and skipped[1].split(" ")[0] in (
        "steps.parquet",
        "run.json",
        "final.parquet",
    )
    final, _ = report_files.load_results(design_sweep)  # every run, as if read before damage
    final = final[final["step"] == final["step"].max()].assign(label=final["scenario"])
    against = {"baseline": "baseline", "mega_alliance": "baseline"}
    figures, text, _ = design_report.design_section(folder, final, against, design)
    for _, _, fig in figures:
        plt.close(fig)
    assert "latin, 4 worlds" in text  # the damaged run's world still has its other scenario
    (line,) = lines_about(text, "1_baseline")
    assert line.startswith("Left out of this design as damaged: 1 run: `1_baseline` (")
    assert "7 intact runs" in line
