"""Whether the results a report reads are complete, said first (``alliancesim-report``).

A report built on a sweep still running, or on one killed or failed part-way, compares
scenarios on the runs that happen to be finished; without a word at the top an analyst
reads it as the answer (found by a newcomer, 2026-12-06: a sweep killed after one of five
jobs opened with "no scenario has a baseline run"). ``notice`` gives that word: who is
still writing, and how many planned runs are done, failed or unfinished.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.runs.lock import busy
from sim.runs.store import DAMAGED, DONE, FAILED, manifest, sweep_files


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


def sweep_manifests(root: Path) -> list[tuple[Path, pd.DataFrame]]:
    """Each sweep's folder and manifest under ``root`` (``root`` itself included), once."""
    return [(plan.parent, manifest(plan.parent)) for plan in sweep_files(root) if plan.exists()]


def failed_runs(manifests: Sequence[tuple[Path, pd.DataFrame]]) -> pd.DataFrame:
    """Failed or unfinished runs of the sweeps of ``sweep_manifests``, with a ``sweep`` column.

    Runs with a garbled ``run.json`` (``damaged``) are left to the report's runs not
    included, which say what is wrong with them: each run is listed once.
    """
    tables = []
    for folder, table in manifests:
        table = table.copy()
        table.insert(0, "sweep", folder.name)
        tables.append(table[~table["status"].isin([DONE, DAMAGED])])
    return pd.concat(tables, ignore_index=True).drop_duplicates() if tables else pd.DataFrame()


def completeness(root: Path, manifests: Sequence[tuple[Path, pd.DataFrame]]) -> Completeness:
    """Count the runs of the sweeps under ``root`` (``sweep_manifests(root)``), and who writes.

    A single run's folder has no sweep: nothing is planned, and only its lock is read.
    """
    planned = done = failed = 0
    writing = busy(root)
    for folder, table in manifests:
        status = table["status"]
        planned += len(status)
        done += int(status.isin([DONE, DAMAGED]).sum())
        failed += int((status == FAILED).sum())
        writing = writing or busy(folder)
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
