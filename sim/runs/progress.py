"""How far a sweep has got, and about how long the rest will take.

Each job's log line ends with the sweep's progress: ``40 of 352 runs finished, about 18 min
left``. The runs are counted from the sweep's manifest (``store.manifest``); the time left is
the remaining runs at the rate runs finished since this command started (the start its
results folder's lock records, ``lock.holder_started``). A run finished by an earlier,
interrupted command counts as finished but not in the rate, so a resumed sweep is not
promised the earlier command's time, and parallel workers are counted by the rate they
achieve together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from sim.runs.store import DONE, FAILED

FIRST_ESTIMATE_AFTER = 2  # runs finished by this command before the time left is given


@dataclass(frozen=True)
class SweepProgress:
    """A sweep's runs: how many are finished, failed and planned; about how long to go.

    Attributes:
        finished: Runs done or failed (by this command or an earlier one).
        failed: Of them, failed.
        total: Runs the sweep plans.
        seconds_left: The estimated wall time until the last run finishes (None before
            ``FIRST_ESTIMATE_AFTER`` runs finished under this command, or without its start).
    """

    finished: int
    failed: int
    total: int
    seconds_left: float | None

    def text(self) -> str:
        """``40 of 352 runs finished (1 failed), about 18 min left``."""
        words = f"{self.finished} of {self.total} runs finished"
        if self.failed:
            words += f" ({self.failed} failed)"
        if self.finished < self.total and self.seconds_left is not None:
            words += f", {time_left(self.seconds_left)}"
        return words


def time_left(seconds: float) -> str:
    """Words for a remaining time, to the minute (an estimate does not deserve seconds).

    ``under a minute left``, ``about 18 min left``, ``about 1 h 20 min left``.
    """
    minutes = round(seconds / 60)
    if minutes < 1:
        return "under a minute left"
    if minutes < 60:
        return f"about {minutes} min left"
    return f"about {minutes // 60} h {minutes % 60} min left"


def sweep_progress(table: pd.DataFrame, since: datetime | None, now: datetime) -> SweepProgress:
    """The progress of the sweep whose manifest is ``table``.

    Args:
        table: ``store.manifest``'s table: a ``status`` and a ``finished_utc`` (ISO time, or
            empty for runs recorded before it existed) per planned run.
        since: When this command started (timezone-aware), or None if unknown.
        now: The time now (timezone-aware).

    Returns:
        The counts, and the time left at this command's rate so far.
    """
    status = table["status"]
    ended = status.isin([DONE, FAILED])
    finished, failed = int(ended.sum()), int((status == FAILED).sum())
    seconds_left = None
    if since is not None and "finished_utc" in table:
        stamps = pd.to_datetime(table.loc[ended, "finished_utc"], utc=True, errors="coerce")
        here = int((stamps >= pd.Timestamp(since)).sum())  # NaT (no stamp) compares False
        elapsed = (now - since).total_seconds()
        if here >= FIRST_ESTIMATE_AFTER and elapsed > 0:
            seconds_left = (len(table) - finished) * elapsed / here
    return SweepProgress(finished, failed, len(table), seconds_left)
