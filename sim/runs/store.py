"""The results store: one folder per run, plain Parquet plus a small JSON, written atomically.

A run folder holds ``steps.parquet`` (every quarter of every replicate), ``final.parquet``
(the last quarter of each replicate), ``alliances.parquet`` (the alliances at the end of
each replicate), ``snapshot.parquet`` (every firm at the end of replicate 0),
``firms.parquet`` when per-firm rows were collected each quarter,
and ``run.json`` (status, resolved config, seed, package versions, git commit, wall time).
``run.json`` is written last: a folder without a finished ``run.json`` holds no results.
A sweep folder holds run folders, ``sweep.json`` (the planned runs) and ``manifest.csv``
(every planned run's status).

``load(path)`` returns one tidy DataFrame for a run, a sweep, or a folder of sweeps.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

RUN_FILE = "run.json"
SWEEP_FILE = "sweep.json"
MANIFEST_FILE = "manifest.csv"
TABLES: tuple[str, ...] = ("steps", "final", "alliances", "snapshot", "firms")
DONE, FAILED, PENDING = "done", "failed", "pending"
UMASK = os.umask(0o022)
os.umask(UMASK)


class ResultsError(ValueError):
    """A results folder is missing, empty, foreign, or holds different results."""


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Write ``path`` through a temporary file in the same folder, then rename it.

    A reader sees either the old file or the complete new one, never a partial file, and
    an interrupted write leaves only a hidden temporary file behind.

    Args:
        path: The destination.
        write: Writes the content to the temporary path it is given (what it returns
            is ignored).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    os.chmod(tmp, 0o666 & ~UMASK)  # mkstemp makes owner-only files; results are shared
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, data: dict[str, Any] | list[Any]) -> None:
    """Write ``data`` as indented JSON, atomically."""
    text = json.dumps(data, indent=2, sort_keys=True, default=str)
    write_atomically(path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))


def read_json(path: Path) -> Any:
    """Read a JSON file; None if it does not exist."""
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def write_table(path: Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` as plain Parquet (no pandas index), atomically."""
    write_atomically(path, lambda tmp: frame.to_parquet(tmp, index=False, engine="pyarrow"))


def remove_leftovers(folder: Path) -> None:
    """Delete temporary files an interrupted write left in ``folder``."""
    for tmp in folder.glob(".*.tmp"):
        tmp.unlink(missing_ok=True)


def run_status(folder: Path) -> dict[str, Any] | None:
    """The ``run.json`` record of a run folder, or None if the run never finished."""
    return read_json(folder / RUN_FILE)


def finished_runs(path: Path) -> list[Path]:
    """Run folders under ``path`` (itself included) whose ``run.json`` says done."""
    candidates = [path] if (path / RUN_FILE).exists() else []
    candidates += sorted(p.parent for p in path.rglob(RUN_FILE) if p.parent != path)
    return [p for p in candidates if (run_status(p) or {}).get("status") == DONE]


def load(path: str | os.PathLike[str], table: str = "steps") -> pd.DataFrame:
    """Load the results of a run, a sweep, or a folder of sweeps as one tidy DataFrame.

    Args:
        path: A run folder, a sweep folder, or any folder containing them.
        table: ``steps`` (every quarter), ``final`` (last quarter per replicate),
            ``alliances`` (the alliances at the end of each replicate), ``snapshot`` (every
            firm at the end of replicate 0) or ``firms`` (per-firm rows each quarter, when
            ``collect_firms``).

    Returns:
        The rows of every finished run, with ``run`` (the run folder relative to
        ``path``) and ``sweep`` (its parent folder's name) columns added. Failed and
        unfinished runs are left out; see ``manifest``.

    Raises:
        ResultsError: The folder does not exist or holds no finished run.
    """
    root = Path(path)
    if table not in TABLES:
        raise ResultsError(f"table={table!r} is unknown; allowed: {', '.join(TABLES)}")
    if not root.is_dir():
        raise ResultsError(f"results folder {str(root)!r} does not exist")
    runs = finished_runs(root)
    if not runs:
        raise ResultsError(
            f"results folder {str(root)!r} holds no finished run (no {RUN_FILE} with status "
            "done); allowed: a run folder, a sweep folder or a folder of them"
        )
    frames = []
    for run in runs:
        file = run / f"{table}.parquet"
        if not file.exists():
            continue
        frame = pd.read_parquet(file)
        relative = run.relative_to(root).as_posix() if run != root else "."
        frame.insert(0, "run", relative)
        frame.insert(0, "sweep", run.parent.name if run != root else root.parent.name)
        frames.append(frame)
    if not frames:
        raise ResultsError(f"no run under {str(root)!r} has a {table}.parquet table")
    return pd.concat(frames, ignore_index=True)


def manifest(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Every planned run of a sweep with its status: done, failed (with error) or pending.

    Args:
        path: A sweep folder (one with ``sweep.json``).
    """
    root = Path(path)
    plan = read_json(root / SWEEP_FILE)
    if plan is None:
        raise ResultsError(f"{str(root)!r} is not a sweep folder (no {SWEEP_FILE})")
    rows = []
    for job in plan["jobs"]:
        record = run_status(root / job["dir"]) or {}
        rows.append(
            {
                "job": job["num"],
                "dir": job["dir"],
                "overrides": " ".join(job["overrides"]),
                "status": record.get("status", PENDING),
                "error": record.get("error", ""),
                "wall_seconds": record.get("wall_seconds"),
            }
        )
    return pd.DataFrame(rows)


def write_manifest(path: Path) -> pd.DataFrame:
    """Rebuild ``manifest.csv`` of the sweep at ``path`` from its runs; returns it."""
    table = manifest(path)
    write_atomically(path / MANIFEST_FILE, lambda tmp: table.to_csv(tmp, index=False))
    return table
