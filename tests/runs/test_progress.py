"""A sweep's progress: runs finished, and the time left at this command's rate."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from sim.runs.lock import acquire, holder_started, release
from sim.runs.progress import SweepProgress, sweep_progress, time_left

START = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


def table(*runs: tuple[str, datetime | None]) -> pd.DataFrame:
    """A manifest of runs (status, finished time or None for a run recorded without one)."""
    return pd.DataFrame(
        {
            "status": [s for s, _ in runs],
            "finished_utc": [t.isoformat(timespec="seconds") if t else "" for _, t in runs],
        }
    )


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def test_the_time_left_is_the_runs_left_at_this_commands_rate():
    """Five runs ended in the command's first 10 minutes (two workers together), so the six
    left take 12 more; a run an earlier command finished counts as finished, not in the rate."""
    runs = table(
        ("done", at(-30)),  # an earlier, interrupted command
        *(("done", at(m)) for m in (2, 4, 7, 9)),
        ("failed", at(9.5)),
        *(("pending", None) for _ in range(6)),
    )
    got = sweep_progress(runs, START, at(10))
    assert (got.finished, got.failed, got.total) == (6, 1, 12)
    assert got.seconds_left == pytest.approx(6 * 600 / 5)  # 5 ended under this command
    assert got.text() == "6 of 12 runs finished (1 failed), about 12 min left"


def test_no_estimate_before_two_runs_of_this_command_or_without_its_start():
    runs = table(("done", None), ("done", at(1)), ("pending", None))  # one without a stamp
    assert sweep_progress(runs, START, at(2)).seconds_left is None
    assert sweep_progress(runs, START, at(2)).text() == "2 of 3 runs finished"
    two = table(("done", at(1)), ("done", at(2)), ("pending", None))
    assert sweep_progress(two, START, at(2)).seconds_left == pytest.approx(60.0)
    assert sweep_progress(two, None, at(2)).seconds_left is None
    assert sweep_progress(two.drop(columns="finished_utc"), START, at(2)).seconds_left is None


def test_a_finished_sweep_says_so_without_a_time():
    done = sweep_progress(table(("done", at(1)), ("done", at(2))), START, at(3))
    assert done == SweepProgress(2, 0, 2, 0.0)
    assert done.text() == "2 of 2 runs finished"


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "under a minute left"),
        (29, "under a minute left"),
        (31, "about 1 min left"),
        (18 * 60 + 10, "about 18 min left"),
        (80 * 60, "about 1 h 20 min left"),
        (3 * 3600, "about 3 h 0 min left"),
    ],
)
def test_time_left_in_words(seconds, words):
    assert time_left(seconds) == words


def test_the_start_is_read_from_the_folders_lock(tmp_path):
    assert holder_started(tmp_path) is None  # no lock file
    before = datetime.now(UTC).replace(microsecond=0)
    lock = acquire(tmp_path, "alliancesim -m x=1,2")
    try:
        started = holder_started(tmp_path)
        assert started is not None and started.utcoffset() is not None
        assert before <= started <= datetime.now(UTC)
    finally:
        release(lock.fd)
    (tmp_path / ".alliancesim.lock").write_text("not json")
    assert holder_started(tmp_path) is None
    os.remove(tmp_path / ".alliancesim.lock")
