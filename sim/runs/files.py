"""Files of the results store, written atomically and read with their shape checked.

Every results file is written through a temporary file in the same folder and renamed,
so a reader sees the old file or the whole new one. ``run.json`` and ``sweep.json`` are
read with their shape checked: a garbled one is a one-line ``GarbledFile`` error naming
it, never a traceback. ``sim.runs.store`` re-exports all of this.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from sim.runs.verify import Damage

RUN_FILE = "run.json"
SWEEP_FILE = "sweep.json"
MANIFEST_FILE = "manifest.csv"
REPORT_PAGE = "report.html"  # alliancesim-report's page in a results folder (sim.analysis.report)
JOB_KEYS: dict[str, type | tuple[type, ...]] = {
    "num": int,
    "dir": str,
    "overrides": list,
    "fingerprint": str,
}
ADVICE = {
    RUN_FILE: "to redo the run, delete it and run the same alliancesim command again",
    SWEEP_FILE: "run the same alliancesim command again: it plans the sweep anew and rewrites it",
}
UMASK = os.umask(0o022)
os.umask(UMASK)


class ResultsError(ValueError):
    """A results folder is missing, empty, foreign, damaged, or holds different results."""


class GarbledFile(ResultsError):
    """A ``run.json`` or ``sweep.json`` (or other JSON file) that cannot be read."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path, self.reason = Path(path), reason
        advice = ADVICE.get(self.path.name, "delete it")
        super().__init__(
            f"{self.path.name} in {str(self.path.parent)!r} is garbled ({reason}); {advice}"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.path, self.reason))

    def damage(self) -> Damage:
        """The garbled file as a ``Damage``."""
        return Damage(self.path.parent, self.path.name, f"is garbled ({self.reason})")


class ResultsWarning(UserWarning):
    """Results were left out or read unverified (foreign folders, runs of older code)."""


def write_atomically(path: Path, write: Callable[[Path], object], parents: bool = True) -> None:
    """Write ``path`` through a temporary file in the same folder, then rename it.

    A reader sees either the old file or the complete new one, never a partial file, and
    an interrupted write leaves only a hidden temporary file behind.

    Args:
        path: The destination.
        write: Writes the content to the temporary path it is given (what it returns
            is ignored).
        parents: Make missing parent folders; without, a vanished folder is an error.

    Raises:
        OSError: The write failed (its ``filename`` names ``path``, not the temporary).
    """
    if parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    tmp = ""
    try:
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(handle)
        os.chmod(tmp, 0o666 & ~UMASK)  # mkstemp makes owner-only files; results are shared
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException as error:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        temporary = str(path.parent / f".{path.name}.")  # mkstemp's names start so
        if isinstance(error, OSError) and (
            error.filename is None or str(error.filename).startswith(temporary)
        ):
            error.filename = str(path)
        raise


def write_json(path: Path, data: dict[str, Any] | list[Any], parents: bool = True) -> None:
    """Write ``data`` as indented JSON, atomically."""
    text = json.dumps(data, indent=2, sort_keys=True, default=str)
    write_atomically(path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"), parents)


def read_json(path: Path) -> Any:
    """Read a JSON file; None if it does not exist.

    ``run.json`` must hold an object, and ``sweep.json`` an object with a list of jobs
    (``num``, ``dir``, ``overrides``, ``fingerprint``).

    Raises:
        GarbledFile: The file is not UTF-8 JSON, or not of its expected shape.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise GarbledFile(path, "not UTF-8 text") from None
    try:
        data = json.loads(text)
    except ValueError as error:
        raise GarbledFile(path, f"not JSON: {error}") from None
    if path.name in (RUN_FILE, SWEEP_FILE) and not isinstance(data, dict):
        raise GarbledFile(path, "not a JSON object")
    if path.name == SWEEP_FILE:
        jobs = data.get("jobs")
        good = isinstance(jobs, list) and all(
            isinstance(job, dict) and all(isinstance(job.get(k), t) for k, t in JOB_KEYS.items())
            for job in jobs
        )
        if not good:
            raise GarbledFile(path, "no list of jobs with num, dir, overrides, fingerprint")
    return data


def write_table(path: Path, frame: pd.DataFrame, parents: bool = True) -> None:
    """Write ``frame`` as plain Parquet (no pandas index), atomically."""
    write = lambda tmp: frame.to_parquet(tmp, index=False, engine="pyarrow")  # noqa: E731
    write_atomically(path, write, parents)


def remove_leftovers(folder: Path) -> None:
    """Delete temporary files an interrupted write left in ``folder``."""
    for tmp in folder.glob(".*.tmp"):
        tmp.unlink(missing_ok=True)
