"""A report says first when its results are incomplete (sim/analysis/completeness.py)."""

from __future__ import annotations

import pytest

from sim.analysis import completeness, report
from sim.analysis.completeness import Completeness
from sim.runs import lock


@pytest.fixture
def sweep(fast_copy):
    return fast_copy


def test_a_complete_sweep_gets_no_notice():
    assert completeness.notice(Completeness(3, 3, 0, None)) == ""


def test_the_notice_counts_runs_and_names_who_still_writes():
    text = completeness.notice(Completeness(5, 1, 1, "PID 7 on host h, started x"))
    assert text.startswith("A command is still writing these results (PID 7 on host h")
    assert "Only 1 of 5 planned runs are done (1 failed, 3 unfinished;" in text


def test_a_report_on_an_unfinished_sweep_says_so_at_the_top(sweep):
    (sweep / "2_mega_alliance" / "run.json").unlink()  # as if killed before it finished
    assert report.main([str(sweep)]) == 0
    summary = (sweep / "summary.md").read_text()
    assert summary.startswith("> **Incomplete results.** Only 2 of 3 planned runs are done")
    assert "failed or are unfinished" not in summary  # said once, at the top (was twice)
    page = (sweep / "report.html").read_text()
    assert page.index("Incomplete results") < page.index("<h2>")


def test_a_report_on_a_sweep_being_written_says_who_writes_it(sweep):
    held = lock.acquire(sweep, "alliancesim -m scenario=baseline")
    try:
        assert report.main([str(sweep)]) == 0
    finally:
        lock.release(held.fd)
    summary = (sweep / "summary.md").read_text()
    assert summary.startswith("> **Incomplete results.** A command is still writing these")
    assert "running 'alliancesim -m scenario=baseline'" in summary
    assert lock.busy(sweep) is None  # released: nobody writes now
    assert report.main([str(sweep)]) == 0
    assert "Incomplete results" not in (sweep / "summary.md").read_text()
