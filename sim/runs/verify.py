"""Check a run's files against what its ``run.json`` recorded when they were written.

``run.json`` lists, under ``files``, every table file of a finished run: its ``name``,
size in ``bytes``, ``rows`` and ``sha256``. ``check_run`` compares the files on disk with
that list (missing, size, checksum); ``read_table`` reads one table, checked the same way
and then parsed (an unreadable Parquet file, or another row count, is damage too). Runs
written before checksums were recorded (no ``files`` in ``run.json``) cannot be verified:
``check_run`` reports that as damage of ``run.json`` (a resume redoes such runs), and
``read_table`` reads them unchecked, saying so through ``legacy``.

Nothing here raises for damage: problems come back as ``Damage`` values, which the store
(``sim.runs.store``) turns into a one-line ``ResultsError`` or a list of skipped runs.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

FILE_KEYS = ("name", "bytes", "rows", "sha256")
LEGACY = "has no checksums (written by older code), so its files cannot be verified"


@dataclass(frozen=True)
class Damage:
    """What is wrong with one file of a results folder.

    Attributes:
        folder: The run folder (or sweep folder, for ``sweep.json``).
        file: The file's name, e.g. ``steps.parquet`` or ``run.json``.
        problem: What is wrong, as it reads after the file name: ``is missing``,
            ``is damaged (size differs from run.json: ...)``, ``is garbled (...)``.
    """

    folder: Path
    file: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file} {self.problem}"

    def describe(self) -> str:
        """The damage with its folder: ``steps.parquet in '/x/s/3_a' is missing``."""
        return f"{self.file} in {str(self.folder)!r} {self.problem}"

    def row(self, root: Path | None = None) -> dict[str, str]:
        """A table row: ``run`` (relative to ``root``), ``file`` and ``problem``."""
        run = self.folder
        if root is not None and (run == root or root in run.parents):
            relative = run.relative_to(root).as_posix()
        else:
            relative = str(run)
        return {"run": relative, "file": self.file, "problem": self.problem}


def one_line(error: BaseException, limit: int = 160) -> str:
    """An exception as ``Type: message`` on one line, cut at ``limit`` characters."""
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def sha256_of(data: bytes) -> str:
    """The SHA-256 hex digest of ``data``."""
    return hashlib.sha256(data).hexdigest()


def file_record(path: Path, rows: int) -> dict[str, Any]:
    """What ``run.json`` records of a table file just written: name, bytes, rows, sha256."""
    data = path.read_bytes()
    return {"name": path.name, "bytes": len(data), "rows": rows, "sha256": sha256_of(data)}


def recorded_files(record: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The ``files`` list of a ``run.json`` record; None for a run made by older code.

    Raises:
        ValueError: ``files`` is there but not a list of name/bytes/rows/sha256 records.
    """
    files = record.get("files")
    if files is None:
        return None
    good = isinstance(files, list) and all(
        isinstance(f, dict)
        and isinstance(f.get("name"), str)
        and "/" not in f["name"]
        and all(isinstance(f.get(k), int | str) for k in FILE_KEYS)
        for f in files
    )
    if not good:
        raise ValueError("files: not a list of name/bytes/rows/sha256 records")
    return files


def check_bytes(folder: Path, entry: dict[str, Any], data: bytes | None) -> Damage | None:
    """Compare a file's content (None: missing) with its ``run.json`` entry."""
    name = entry["name"]
    if data is None:
        return Damage(folder, name, "is missing")
    if len(data) != entry["bytes"]:
        return Damage(
            folder,
            name,
            f"is damaged (size differs from run.json: {len(data)} bytes, recorded "
            f"{entry['bytes']})",
        )
    if sha256_of(data) != entry["sha256"]:
        return Damage(folder, name, "is damaged (checksum differs from run.json)")
    return None


def read_bytes(path: Path) -> bytes | None:
    """A file's content; None if it does not exist."""
    try:
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def check_run(folder: Path, record: dict[str, Any], run_file: str = "run.json") -> list[Damage]:
    """Every problem of a finished run's files against its ``run.json`` record.

    Args:
        folder: The run folder.
        record: Its parsed ``run.json``.
        run_file: The record's file name, for messages.

    Returns:
        Nothing when every recorded file is there with its size and checksum; otherwise
        one ``Damage`` per bad file, or one for ``run.json`` itself when it records no
        checksums (older code) or records them in a shape it cannot read.
    """
    try:
        files = recorded_files(record)
    except ValueError as error:
        return [Damage(folder, run_file, f"is garbled ({error})")]
    if files is None:
        return [Damage(folder, run_file, LEGACY)]
    found = (check_bytes(folder, entry, read_bytes(folder / entry["name"])) for entry in files)
    return [damage for damage in found if damage is not None]


def parse_table(folder: Path, name: str, data: bytes) -> tuple[pd.DataFrame | None, Damage | None]:
    """Parse Parquet bytes; an unreadable file is damage."""
    try:
        return pd.read_parquet(io.BytesIO(data), engine="pyarrow"), None
    except Exception as error:  # pyarrow raises ArrowInvalid, OSError and others
        return None, Damage(folder, name, f"is damaged (unreadable Parquet: {one_line(error)})")


def read_table(
    folder: Path, record: dict[str, Any], table: str
) -> tuple[pd.DataFrame | None, Damage | None, bool]:
    """Read one table of a finished run, checked against its ``run.json`` record.

    Args:
        folder: The run folder.
        record: Its parsed ``run.json``.
        table: The table name (``steps``, ``final``, ...).

    Returns:
        ``(frame, damage, legacy)``: the frame (None if the run has no such table, or it
        is damaged), the damage found (or None), and whether the run records no
        checksums, so that the table was read unverified.
    """
    name = f"{table}.parquet"
    try:
        files = recorded_files(record)
    except ValueError as error:
        return None, Damage(folder, "run.json", f"is garbled ({error})"), False
    data = read_bytes(folder / name)
    if files is None:  # older code: read what is there, unverified
        if data is None:
            return None, None, True
        frame, damage = parse_table(folder, name, data)
        return frame, damage, True
    entry = next((f for f in files if f["name"] == name), None)
    if entry is None:  # this run made no such table (e.g. firms without collect_firms)
        return None, None, False
    damage = check_bytes(folder, entry, data)
    if damage is not None or data is None:
        return None, damage, False
    frame, damage = parse_table(folder, name, data)
    if frame is not None and len(frame) != entry["rows"]:
        rows = f"holds {len(frame)} rows, run.json records {entry['rows']}"
        return None, Damage(folder, name, f"is damaged ({rows})"), False
    return frame, damage, False
