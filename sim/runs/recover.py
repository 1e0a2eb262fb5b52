"""Resume a sweep whose ``sweep.json`` is garbled, when its runs show it is the same sweep.

The planner compares a sweep folder's ``sweep.json`` with the command's plan to decide
whether the folder holds this sweep (resume) or another (refuse). When ``sweep.json`` is
garbled, the runs decide instead: the command is planned as if into a new folder, and the
folder is resumed only if at least one planned job's folder holds a finished run of that
job (same config fingerprint) and none holds another run. ``sweep.json`` is then written
anew. Otherwise the command stops with one line (exit status 2) saying what to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sim.runs.plan import Plan, plan
from sim.runs.replicates import fingerprint
from sim.runs.store import GarbledFile, ResultsError, run_status

SCRATCH = ".alliancesim-replan"  # a folder name never made: planning writes nothing


def plan_anew(overrides: Sequence[str], multirun: bool, garbled: GarbledFile, pinned: str) -> Plan:
    """Plan the command again as if into a new folder, then point it at the real one.

    Args:
        overrides: The command line's overrides.
        multirun: Whether ``-m`` was given.
        garbled: The error for the garbled ``sweep.json``.
        pinned: An override setting ``hydra.sweep.dir`` to ``scratch_folder(garbled)``.
    """
    kept = [o for o in overrides if not o.startswith("hydra.sweep.dir=")]
    command = plan([*kept, pinned], multirun)
    command.folder = garbled.path.parent
    return command


def scratch_folder(garbled: GarbledFile) -> Path:
    """A folder path inside the sweep folder that does not exist (planned into, not made)."""
    return garbled.path.parent / SCRATCH


def check_anew(command: Plan, garbled: GarbledFile) -> str:
    """Check that the folder holds this sweep's runs; the warning line to print.

    Raises:
        ResultsError: A planned job's folder holds another run, or no run there is one of
            this sweep's: the folder cannot be resumed.
    """
    folder = command.folder
    garbled_text = f"{garbled.path.name} in {str(folder)!r} is garbled ({garbled.reason})"
    matched = 0
    for job in command.jobs:
        try:
            record = run_status(folder / job.dir)
        except GarbledFile:  # this job's run is redone
            continue
        if record is None:
            continue
        if record.get("fingerprint") != fingerprint(job.cfg):
            raise ResultsError(
                f"{garbled_text} and {job.dir!r} there holds a run of another config, so the "
                "folder holds another sweep; allowed: the command that made it, or a new "
                "hydra.sweep.dir"
            )
        matched += 1
    if matched == 0:
        raise ResultsError(
            f"{garbled_text} and no run there is one of this command's, so it cannot be "
            "resumed; allowed: the command that made it, or a new hydra.sweep.dir"
        )
    return (
        f"{garbled.path.name} in {str(folder)!r} was garbled ({garbled.reason}); planned the "
        f"sweep anew from this command, which {matched} finished run(s) there match, and "
        "rewrote it"
    )
