"""The results store: one folder per run, plain Parquet plus a small JSON, written atomically.

A run folder holds ``steps.parquet`` (every quarter of every replicate), ``final.parquet``
(the last quarter of each replicate), ``alliances.parquet`` (the active alliances every
quarter of each replicate, with ``step`` and ``date`` as in ``steps``; ``last_step`` keeps
each replicate's last quarter), ``snapshot.parquet`` (every firm at the end of replicate 0),
``firms.parquet`` when per-firm rows were collected each quarter, and ``run.json``
(status, resolved config, seed, package versions, git commit, wall time, and under
``files`` each table file's ``name``, size in ``bytes``, ``rows`` and ``sha256``).
``run.json`` is written last: a folder without a finished ``run.json`` holds no results.
A sweep folder holds run folders, ``sweep.json`` (the planned runs) and ``manifest.csv``
(every planned run's status).

Reading (the API the report and notebooks use):

- ``load(path, table)`` returns one tidy DataFrame for a run, a sweep, or a folder of
  sweeps. Only the runs a sweep's plan (``sweep.json``) lists are read: another folder
  inside a sweep folder is ignored with a ``ResultsWarning`` naming it (a run folder
  given as ``path`` itself is read whatever lies above it). Each table file
  is checked against ``run.json`` (size, SHA-256, readable Parquet, rows); a damaged
  file, or a garbled ``run.json``/``sweep.json``, raises a one-line ``ResultsError``
  naming the file and the problem. ``load(path, table, on_damage="skip")`` instead
  returns ``Loaded(data, skipped)``: the intact runs' rows, and one ``Damage`` per run
  left out (``folder``, ``file``, ``problem``; ``damage_table(skipped, root)`` makes a
  table of them, e.g. for a report's list of skipped runs).
- ``finished_runs(path)`` lists the planned runs whose ``run.json`` says done;
  ``check_results(path)`` verifies every file of every one of them.
- ``manifest(path)``: every planned run of a sweep with its status: ``done``, ``failed``
  (with the error), ``pending``, or ``damaged`` (``run.json`` garbled).

Older runs stored ``alliances.parquet`` once, at the end of each replicate, without ``step``
and ``date``: ``load`` gives those rows the run's last step (``steps`` in ``run.json``, which
is when they were taken) and its date, so that every run's table reads alike. Their newer
columns (``leader_name``, ``home_region``, ``depth``, the region mix) are missing.

Runs written before checksums were recorded are read unverified, with a
``ResultsWarning``; a resume of their command redoes them. Each distinct warning is
shown once per process (Python's default filter); ``warnings.catch_warnings`` collects
them, e.g. to print each as one line.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any, Literal, NamedTuple, overload

import pandas as pd

from sim.engine.alliance_table import quarter_dates
from sim.engine.outcomes import FORMER_NAMES
from sim.runs.files import (
    MANIFEST_FILE,
    REPORT_PAGE,
    RUN_FILE,
    SWEEP_FILE,
    UMASK,
    GarbledFile,
    ResultsError,
    ResultsWarning,
    read_json,
    remove_leftovers,
    write_atomically,
    write_json,
    write_table,
)
from sim.runs.verify import Damage, check_run, read_table

__all__ = [
    "DAMAGED",
    "DONE",
    "FAILED",
    "MANIFEST_FILE",
    "PENDING",
    "REPORT_PAGE",
    "RUN_FILE",
    "SWEEP_FILE",
    "TABLES",
    "UMASK",
    "Damage",
    "GarbledFile",
    "Loaded",
    "ResultsError",
    "ResultsWarning",
    "check_results",
    "damage_table",
    "finished_runs",
    "last_step",
    "load",
    "manifest",
    "read_json",
    "remove_leftovers",
    "run_status",
    "sweep_files",
    "write_atomically",
    "write_json",
    "write_manifest",
    "write_table",
]

TABLES: tuple[str, ...] = ("steps", "final", "alliances", "snapshot", "firms")
DONE, FAILED, PENDING, DAMAGED = "done", "failed", "pending", "damaged"
OnDamage = Literal["raise", "skip"]


class Loaded(NamedTuple):
    """What ``load(..., on_damage="skip")`` returns.

    Attributes:
        data: The rows of every intact finished run.
        skipped: One ``Damage`` per run (or garbled sweep) left out, saying why.
    """

    data: pd.DataFrame
    skipped: list[Damage]


def run_status(folder: Path) -> dict[str, Any] | None:
    """The ``run.json`` record of a run folder, or None if the run never finished.

    Raises:
        GarbledFile: ``run.json`` cannot be read.
    """
    record = read_json(folder / RUN_FILE)
    return record if record is None else dict(record)


def sweep_files(root: Path) -> list[Path]:
    """The ``sweep.json`` paths under ``root`` (its own included, where it may be), sorted, once.

    ``root``'s own path is listed whether or not it exists; callers check (a folder of sweeps
    has none of its own).
    """
    return sorted({root / SWEEP_FILE, *root.rglob(SWEEP_FILE)})


def planned_runs(root: Path) -> tuple[list[Path], list[GarbledFile]]:
    """The run folders under ``root`` (itself included) that may be read.

    A run folder outside any sweep folder counts; one inside a sweep folder counts only
    if the sweep's ``sweep.json`` lists it. The others (a folder copied in, a sweep inside
    a sweep) are left out with one ``ResultsWarning`` naming them.

    Returns:
        The run folders (those with a ``run.json``), and the garbled ``sweep.json`` files
        whose runs were left out.
    """
    plans: dict[Path, set[str] | GarbledFile] = {}
    for plan_file in sweep_files(root):
        if plan_file.is_file():
            try:
                jobs = read_json(plan_file)["jobs"]
                plans[plan_file.parent] = {Path(job["dir"]).as_posix() for job in jobs}
            except GarbledFile as error:
                plans[plan_file.parent] = error
    found = [root] if (root / RUN_FILE).is_file() else []
    found += sorted(p.parent for p in root.rglob(RUN_FILE) if p.parent != root and p.is_file())
    runs, foreign, garbled = [], [], []
    for run in found:
        owners = sorted((s for s in plans if s in run.parents), key=lambda s: -len(s.parts))
        plan = plans[owners[0]] if owners else None
        if plan is None:
            runs.append(run)
        elif isinstance(plan, GarbledFile):
            garbled += [plan] if plan not in garbled else []
        elif len(owners) == 1 and run.relative_to(owners[0]).as_posix() in plan:
            runs.append(run)
        else:  # not in the plan, or inside a sweep inside a sweep
            foreign.append(run)
    if foreign:
        names = ", ".join(repr(str(p)) for p in foreign[:5])
        more = f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        warnings.warn(
            f"ignored {len(foreign)} run folder(s) that their sweep's plan ({SWEEP_FILE}) "
            f"does not list: {names}{more}; move them out of the sweep folder to read them",
            ResultsWarning,
            stacklevel=1,  # one place: Python shows each distinct warning once
        )
    return runs, garbled


def finished(
    root: Path, on_damage: OnDamage = "raise"
) -> tuple[list[tuple[Path, dict[str, Any]]], list[Damage]]:
    """The planned runs whose ``run.json`` says done, with their records.

    Returns:
        ``(runs, damaged)``: each finished run with its record, and (with
        ``on_damage="skip"``) one ``Damage`` per garbled ``run.json`` or ``sweep.json``.

    Raises:
        GarbledFile: A garbled ``run.json`` or ``sweep.json`` (with ``on_damage="raise"``).
    """
    runs, garbled = planned_runs(root)
    if garbled and on_damage == "raise":
        raise garbled[0]
    damaged = [error.damage() for error in garbled]
    done = []
    for run in runs:
        try:
            record = run_status(run) or {}
        except GarbledFile as error:
            if on_damage == "raise":
                raise
            damaged.append(error.damage())
            continue
        if record.get("status") == DONE:
            done.append((run, record))
    return done, damaged


def finished_runs(path: str | os.PathLike[str], on_damage: OnDamage = "raise") -> list[Path]:
    """Planned run folders under ``path`` (itself included) whose ``run.json`` says done.

    Args:
        path: A run folder, a sweep folder, or any folder containing them.
        on_damage: ``raise`` a ``ResultsError`` for a garbled ``run.json`` or
            ``sweep.json``, or ``skip`` the runs concerned.
    """
    return [run for run, _ in finished(Path(path), on_damage)[0]]


def damage_message(damage: Damage) -> str:
    """The one-line error for a damaged file found while loading."""
    return (
        f"{damage.describe()}; to redo that run, run the alliancesim command that made it "
        "again (it redoes damaged runs), or load with on_damage='skip' to leave it out"
    )


@overload
def load(
    path: str | os.PathLike[str], table: str = ..., on_damage: Literal["raise"] = ...
) -> pd.DataFrame: ...


@overload
def load(
    path: str | os.PathLike[str], table: str = ..., *, on_damage: Literal["skip"]
) -> Loaded: ...


@overload
def load(path: str | os.PathLike[str], table: str, on_damage: Literal["skip"]) -> Loaded: ...


def load(
    path: str | os.PathLike[str], table: str = "steps", on_damage: OnDamage = "raise"
) -> pd.DataFrame | Loaded:
    """Load the results of a run, a sweep, or a folder of sweeps as one tidy DataFrame.

    Args:
        path: A run folder, a sweep folder, or any folder containing them.
        table: ``steps`` (every quarter), ``final`` (last quarter per replicate),
            ``alliances`` (the active alliances every quarter; ``last_step`` keeps the
            last), ``snapshot`` (every firm at the end of replicate 0) or ``firms``
            (per-firm rows each quarter, when ``collect_firms``).
        on_damage: ``raise`` (a damaged file is a ``ResultsError``) or ``skip`` (damaged
            runs are left out and listed).

    Returns:
        The rows of every finished run, with ``run`` (the run folder relative to
        ``path``) and ``sweep`` (its parent folder's name) columns added. Failed and
        unfinished runs are left out; see ``manifest``. With ``on_damage="skip"``:
        ``Loaded(data, skipped)``, ``skipped`` listing each run left out and why.

    Raises:
        ResultsError: The folder does not exist or holds no finished run; or (with
            ``on_damage="raise"``) a table file or a ``run.json``/``sweep.json`` is
            damaged: one line naming the file and the problem.
    """
    root = Path(path)
    if table not in TABLES:
        raise ResultsError(f"table={table!r} is unknown; allowed: {', '.join(TABLES)}")
    if on_damage not in ("raise", "skip"):
        raise ResultsError(f"on_damage={on_damage!r} is unknown; allowed: raise, skip")
    if not root.is_dir():
        raise ResultsError(f"results folder {str(root)!r} does not exist")
    runs, skipped = finished(root, on_damage)
    if not runs and not skipped:
        raise ResultsError(
            f"results folder {str(root)!r} holds no finished run (no {RUN_FILE} with status "
            "done); allowed: a run folder, a sweep folder or a folder of them"
        )
    frames, legacy = [], []
    for run, record in runs:
        frame, damage, unverified = read_table(run, record, table)
        if unverified:
            legacy.append(run)
        if frame is not None and table == "alliances" and "step" not in frame.columns:
            frame, damage = dated_alliances(run, record, frame)
        if damage is not None:
            if on_damage == "raise":
                raise ResultsError(damage_message(damage))
            skipped.append(damage)
        if frame is None:
            continue
        relative = run.relative_to(root).as_posix() if run != root else "."
        frame.insert(0, "run", relative)
        frame.insert(0, "sweep", run.parent.name if run != root else root.parent.name)
        frames.append(frame)
    if legacy:
        warnings.warn(
            f"{len(legacy)} run(s) under {str(root)!r} record no checksums (written by older "
            f"code), so their tables are read unverified (e.g. {str(legacy[0])!r}); run the "
            "alliancesim command that made them again to redo them with checksums",
            ResultsWarning,
            stacklevel=1,  # one place and one text for every table: shown once per process
        )
    if not frames:
        why = f" ({len(skipped)} skipped: {skipped[0].describe()})" if skipped else ""
        raise ResultsError(f"no run under {str(root)!r} has a {table}.parquet table{why}")
    data = current_names(pd.concat(frames, ignore_index=True))
    return Loaded(data, skipped) if on_damage == "skip" else data


def current_names(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each column written under a former name (``FORMER_NAMES``) renamed.

    Results of older and newer runs loaded together hold both names, each empty where the
    other is set: they are merged into the current one.
    """
    for former, name in FORMER_NAMES.items():
        if former not in frame.columns:
            continue
        if name in frame.columns:
            merged = frame[name].fillna(frame[former])
            frame = frame.drop(columns=former).assign(**{name: merged})
        else:
            frame = frame.rename(columns={former: name})
    return frame


def dated_alliances(
    folder: Path, record: dict[str, Any], frame: pd.DataFrame
) -> tuple[pd.DataFrame | None, Damage | None]:
    """An older run's ``alliances`` rows (no ``step``) placed at its last step, with its date.

    Older code took the table once, after the last of ``steps`` quarters, so that is its
    step. Its date needs the run's ``world.start_year``; runs recorded before that field
    existed get no date (missing), rather than a guessed one.

    Returns:
        ``(frame, None)``, or ``(None, damage)`` when ``run.json`` records no step count.
    """
    config = record.get("config")
    config = config if isinstance(config, dict) else {}
    last = record.get("steps", config.get("steps"))
    if not isinstance(last, int) or isinstance(last, bool):
        problem = "records no steps, so its alliances.parquet (no step column) has no quarter"
        return None, Damage(folder, RUN_FILE, problem)
    world = config.get("world")
    start = world.get("start_year") if isinstance(world, dict) else None
    date = quarter_dates([last], start)[0] if isinstance(start, int) else None
    first = list(frame.columns).index("replicate") + 1 if "replicate" in frame else 0
    frame.insert(first, "step", last)
    frame.insert(first + 1, "date", date)
    return frame, None


def last_step(alliances: pd.DataFrame, final: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rows of an ``alliances`` table at each run's and replicate's last quarter.

    What the table held before it was stored every quarter: the alliances at the end of
    each replicate.

    Args:
        alliances: An ``alliances`` table (``load(path, "alliances")``).
        final: The ``final`` table of the same runs (or any table with one row per run and
            replicate at its last ``step``); it says which step is each replicate's last.
            Without it, the latest step in ``alliances`` of each run is taken, which is
            wrong only for a run whose alliances were all gone before its end.
    """
    run = [c for c in ("sweep", "run") if c in alliances.columns]
    if final is None:
        last = alliances.groupby(run)["step"].transform("max") if run else alliances["step"].max()
        return alliances[alliances["step"] == last].reset_index(drop=True)
    keys = [c for c in (*run, "replicate") if c in final.columns] + ["step"]
    ends = final[keys].drop_duplicates()
    return alliances.merge(ends, on=keys, how="inner")  # keeps the order of ``alliances``


def damage_table(damages: list[Damage], root: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Damage as a table: ``run`` (relative to ``root``), ``file``, ``problem``."""
    base = Path(root) if root is not None else None
    return pd.DataFrame([d.row(base) for d in damages], columns=["run", "file", "problem"])


def check_results(path: str | os.PathLike[str]) -> list[Damage]:
    """Verify every file of every finished planned run under ``path`` against its record.

    Returns:
        One ``Damage`` per damaged file, garbled ``run.json``/``sweep.json``, or run
        that records no checksums (written by older code); empty when all is intact.
    """
    runs, damaged = finished(Path(path), "skip")
    return damaged + [d for run, record in runs for d in check_run(run, record, RUN_FILE)]


def manifest(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Every planned run of a sweep with its status: done, failed, pending or damaged.

    ``failed`` and ``damaged`` (a garbled ``run.json``) runs carry the problem in
    ``error``. Table files are not verified here (see ``check_results``).

    Args:
        path: A sweep folder (one with ``sweep.json``).

    Raises:
        ResultsError: No ``sweep.json``, or a garbled one.
    """
    root = Path(path)
    plan = read_json(root / SWEEP_FILE)
    if plan is None:
        raise ResultsError(f"{str(root)!r} is not a sweep folder (no {SWEEP_FILE})")
    rows = []
    for job in plan["jobs"]:
        try:
            record = run_status(root / job["dir"]) or {}
        except GarbledFile as error:
            record = {"status": DAMAGED, "error": str(error.damage())}
        rows.append(
            {
                "job": job["num"],
                "dir": job["dir"],
                "overrides": " ".join(job["overrides"]),
                "status": record.get("status", PENDING),
                "error": record.get("error", ""),
                "wall_seconds": record.get("wall_seconds"),
                "finished_utc": record.get("finished_utc", ""),
            }
        )
    return pd.DataFrame(rows)


def write_manifest(path: Path) -> pd.DataFrame:
    """Rebuild ``manifest.csv`` of the sweep at ``path`` from its runs; returns it."""
    table = manifest(path)
    write_atomically(path / MANIFEST_FILE, lambda tmp: table.to_csv(tmp, index=False))
    return table
