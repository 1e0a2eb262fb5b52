"""Whether the results a report reads are complete, said first (``alliancesim-report``).

A report built on a sweep still running, or on one killed or failed part-way, compares
scenarios on the runs that happen to be finished; without a word at the top an analyst
reads it as the answer (found by a newcomer, 2026-12-06: a sweep killed after one of five
jobs opened with "no scenario has a baseline run"). ``notice`` gives that word: who is
still writing, and how many planned runs are done, failed or unfinished.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sim.runs.lock import busy
from sim.runs.store import DAMAGED, DONE, FAILED, SWEEP_FILE, manifest


@dataclass(frozen=True)
class Completeness:
    """The planned runs of every sweep under a results folder, by status.

    Attributes:
        planned: Runs the sweeps plan.
        done: Of them, finished (a damaged run counts here; the report lists it apart).
        failed: Of them, failed.
        writing: The command still writing there (``lock.holder_text``), or None.
    """

    planned: int
    done: int
    failed: int
    writing: str | None

    @property
    def unfinished(self) -> int:
        """Planned runs neither done nor failed."""
        return self.planned - self.done - self.failed


def completeness(root: Path) -> Completeness:
    """Count the runs of every sweep under ``root`` (a run, a sweep or a folder of sweeps)."""
    planned = done = failed = 0
    writing = busy(root)
    for plan in sorted({root / SWEEP_FILE, *root.rglob(SWEEP_FILE)}):
        if not plan.exists():
            continue
        status = manifest(plan.parent)["status"]
        planned += len(status)
        done += int(status.isin([DONE, DAMAGED]).sum())
        failed += int((status == FAILED).sum())
        writing = writing or busy(plan.parent)
    return Completeness(planned, done, failed, writing)


def notice(state: Completeness) -> str:
    """One paragraph for the report's top, or ``""`` when every planned run is done."""
    parts = []
    if state.writing:
        parts.append(
            f"A command is still writing these results ({state.writing}): this report shows "
            "the runs finished so far; run alliancesim-report again when it ends."
        )
    if state.unfinished or state.failed:
        parts.append(
            f"Only {state.done} of {state.planned} planned runs are done ({state.failed} "
            f"failed, {state.unfinished} unfinished; manifest.csv lists them): every "
            "comparison below uses the finished runs only. The same sweep command finishes "
            "the rest; then build the report again."
        )
    return " ".join(parts)
