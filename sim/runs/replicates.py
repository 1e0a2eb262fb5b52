"""Run one configuration over its replicate seeds and store the results in a folder.

``run_replicates`` is the plain computation (no files); ``run_to_folder`` adds the results
store: it skips a run already finished with the same config and intact files (checked
against the sizes and SHA-256 checksums its ``run.json`` records), redoes a damaged one,
refuses a folder holding a different run, and records a failure instead of losing the
sweep. A failure to write (disk full, permission denied, folder gone) is a ``WriteFault``.
"""

from __future__ import annotations

import ctypes
import errno
import gc
import hashlib
import json
import os
import platform
import subprocess
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.config.schema import RunConfig, as_plain
from sim.engine.alliance_table import alliance_columns, stack_alliance_columns
from sim.runs.faults import WriteFault
from sim.runs.store import (
    DONE,
    FAILED,
    RUN_FILE,
    GarbledFile,
    ResultsError,
    remove_leftovers,
    run_status,
    write_atomically,
    write_json,
    write_table,
)
from sim.runs.verify import check_run, file_record

# bytes glibc's malloc keeps at the top of the heap when it grows or trims it (heap_padded)
HEAP_TOP_PAD = 16 * 2**20
M_TOP_PAD = -2  # mallopt's parameter number of the pad (glibc's malloc.h)
PACKAGES: tuple[str, ...] = ("alliancesim", "mesa", "numpy", "pandas", "pyarrow", "hydra-core")
Progress = Callable[[int], None]
Notify = Callable[[str], None]


def fingerprint(cfg: RunConfig) -> str:
    """A short hash of the resolved config: equal configs give equal fingerprints.

    An uncertain parameter's ``label`` (its words, read by reports only) is left out, so
    words added or changed later do not make a finished sweep another one.
    """
    text = json.dumps(without_words(as_plain(cfg)), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def without_words(config: Mapping[str, Any], words: tuple[str, ...] = ("label",)) -> dict[str, Any]:
    """A plain config (``as_plain``, or a ``run.json``'s) without its parameters' ``words``.

    An uncertain parameter's ``label`` holds words read by reports only, which must not make
    two runs differ (``fingerprint``) or two designs (``sim.analysis.alternatives``, which
    drops the ``source`` too).
    """
    out = dict(config)
    declared = out.get("uncertainty")
    if isinstance(declared, Mapping) and isinstance(declared.get("parameters"), list):
        kept = [
            {k: v for k, v in p.items() if k not in words} if isinstance(p, Mapping) else p
            for p in declared["parameters"]
        ]
        out["uncertainty"] = {**declared, "parameters": kept}
    return out


def replicate_seeds(cfg: RunConfig) -> list[np.random.SeedSequence]:
    """The replicates' seeds: ``cfg.replicates`` children spawned from ``cfg.seed``."""
    return np.random.SeedSequence(cfg.seed).spawn(cfg.replicates)


@dataclass
class RunTables:
    """What one configuration's replicates produced."""

    steps: pd.DataFrame  # one row per replicate and quarter (quarter 0 = the start)
    final: pd.DataFrame  # the last quarter of each replicate
    firms: pd.DataFrame | None  # per-firm rows, when ``collect_firms``
    alliances: pd.DataFrame  # the active alliances every quarter (as steps) of each replicate
    snapshot: pd.DataFrame  # every firm at the end of replicate 0 (for network pictures)


def run_replicates(
    cfg: RunConfig, params: Mapping[str, Any] | None = None, progress: Progress | None = None
) -> RunTables:
    """Run every replicate of ``cfg`` and return tidy tables.

    Args:
        cfg: The run configuration; ``cfg.replicates`` seeds are spawned from ``cfg.seed``.
        params: Parameter columns to add to every row (e.g. a sweep's overrides).
        progress: Called with 1 after every simulated quarter.

    Returns:
        The per-step, final and (optionally) per-firm tables, with ``scenario``,
        ``world``, ``seed``, ``replicate`` and the parameter columns.
    """
    from sim.config.design import sample_labels
    from sim.model import AllianceModel

    labels = {"scenario": cfg.scenario.name, "world": cfg.world.name, "seed": cfg.seed}
    labels.update(params or {})
    # the design row's values as the run used them (integer fields rounded; None where the
    # scenario does not use the lever)
    labels.update(sample_labels(cfg))
    steps, firms, alliances = [], [], []
    snapshot = pd.DataFrame()
    heap_padded()
    with older_objects_frozen():
        for replicate, child in enumerate(replicate_seeds(cfg)):
            model = AllianceModel(cfg, seed=child)
            quarters = [quarter_alliance_columns(model)]
            for _ in range(cfg.steps):
                model.step()
                quarters.append(quarter_alliance_columns(model))
                if progress:
                    progress(1)
            alliances.append(stack_alliance_columns(quarters).assign(replicate=replicate))
            frame = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
            steps.append(frame.assign(replicate=replicate))
            if cfg.collect_firms:
                firms.append(model.firm_records().reset_index().assign(replicate=replicate))
            if replicate == 0:
                snapshot = firm_snapshot(model)
    table = _label(pd.concat(steps, ignore_index=True), labels)
    final = table[table["step"] == table["step"].max()].reset_index(drop=True)
    firm_table = _label(pd.concat(firms, ignore_index=True), labels) if firms else None
    return RunTables(
        steps=table,
        final=final,
        firms=firm_table,
        alliances=_label(pd.concat(alliances, ignore_index=True), labels),
        snapshot=_label(snapshot.assign(replicate=0), labels),
    )


@contextmanager
def older_objects_frozen() -> Iterator[None]:
    """Leave the objects alive before the block out of the garbage collector's passes.

    Reason: speed only; no number depends on it. A run creates a Mesa agent per firm (about
    3,000 on korea_2024) and many small objects a quarter, and each collection of the older
    generations also walks every object the process held before (configs, imports, earlier
    results: about 160,000), some 25 ms a replicate. ``gc.freeze`` moves those to a
    permanent generation for the block and ``gc.unfreeze`` returns them to the oldest one
    after, so garbage among them is still collected later.
    """
    if gc.get_freeze_count():  # frozen already (by the caller): theirs to undo, not ours
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def heap_padded(pad: int = HEAP_TOP_PAD) -> bool:
    """Ask glibc's malloc to keep ``pad`` bytes at the top of the heap as it grows and trims.

    Reason: speed only; no number depends on where memory comes from. A quarter makes and
    frees many arrays of a few hundred kilobytes (rows of sales times domains); by default
    malloc hands the heap's freed top back to the kernel at once and asks for it again for
    the next array, which then faults its pages in anew: about 330,000 page faults and
    0.6 s of system time in a process of 4 korea_2024 runs, against 40,000 and 0.2 s with a
    pad (a few MB suffice; benchmarks/README.md). The setting is the process's, one way
    (glibc then also stops adapting its mmap threshold), and holds at most ``pad`` bytes
    more; repeating it changes nothing. Where the C library has no ``mallopt`` (not glibc)
    nothing is done.

    Args:
        pad: Bytes kept at the heap's top (glibc's ``M_TOP_PAD``).

    Returns:
        Whether malloc took the setting.
    """
    if platform.libc_ver()[0] != "glibc":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # (no such symbol: nothing to set)
        return False
    return bool(mallopt(M_TOP_PAD, int(pad)) == 1)


def quarter_alliances(model: Any) -> pd.DataFrame:
    """The model's active alliances now, with ``step`` (as ``steps``) and ``date`` first."""
    return stack_alliance_columns([quarter_alliance_columns(model)])


def quarter_alliance_columns(model: Any) -> dict[str, Any]:
    """The columns of ``quarter_alliances`` (``alliance_table.alliance_columns``)."""
    return alliance_columns(
        model.firms,
        model.alliances,
        firm_names=model.firm_names,
        step=int(model.steps),
        start_year=model.cfg.world.start_year,
    )


def firm_snapshot(model: Any) -> pd.DataFrame:
    """Every firm row of ``model`` now: kind, region, domain, alliance, capability, alive."""
    f = model.firms
    return pd.DataFrame(
        {
            "firm": np.arange(f.n),
            "kind": f.kind,
            "region": f.region,
            "domain": f.domain,
            "alliance": f.alliance,
            "capability": f.capability,
            "capital": f.capital,
            "alive": f.alive,
        }
    )


def _label(frame: pd.DataFrame, labels: Mapping[str, Any]) -> pd.DataFrame:
    """Put the label columns first, then ``replicate`` and ``step``."""
    for position, (key, value) in enumerate(labels.items()):
        frame.insert(position, key, value)
    first = [*labels, "replicate"]
    return frame[first + [c for c in frame.columns if c not in first]]


def _git(*args: str) -> str:
    """Output of a git command in the package's checkout ('' without git or a checkout)."""
    try:
        return subprocess.run(
            ["git", *args],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def environment() -> dict[str, Any]:
    """Package versions, Python version and git commit, for the run record."""
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    commit = _git("rev-parse", "HEAD")
    dirty = bool(_git("status", "--porcelain", "--untracked-files=no"))
    return {
        "python": platform.python_version(),
        "packages": versions,
        "git_commit": commit,
        "git_dirty": dirty,  # uncommitted changes to tracked files when the run was made
    }


def resume_state(folder: Path, cfg: RunConfig) -> tuple[bool, str | None]:
    """Whether ``folder`` holds this run finished and intact, and if not, why to redo it.

    Returns:
        ``(True, None)``: finished, every file as ``run.json`` records it. ``(False,
        None)``: nothing finished yet (or a failed run) to do or redo. ``(False, why)``:
        a finished run that is damaged (``why``: one line, e.g. ``steps.parquet is
        missing``), has a garbled ``run.json``, or records no checksums (older code).

    Raises:
        ResultsError: The folder holds a different run's results.
    """
    try:
        record = run_status(folder)
    except GarbledFile as error:
        return False, str(error.damage())
    if record is None:
        return False, None
    if record.get("fingerprint") != fingerprint(cfg):
        raise ResultsError(
            f"results folder {str(folder)!r} holds a different run (config fingerprint "
            f"{record.get('fingerprint')} != {fingerprint(cfg)}); allowed: an empty folder, "
            "or the same config to resume"
        )
    if record.get("status") != DONE:
        return False, None
    damage = check_run(folder, record, RUN_FILE)
    if damage:
        more = f" (and {len(damage) - 1} more files)" if len(damage) > 1 else ""
        return False, f"{damage[0]}{more}"
    return True, None


def check_folder(folder: Path, cfg: RunConfig) -> bool:
    """Whether ``folder`` already holds this run finished and intact (True), or not.

    Raises:
        ResultsError: The folder holds a different run's results.
    """
    return resume_state(folder, cfg)[0]


def write_tables(folder: Path, tables: RunTables) -> list[dict[str, Any]]:
    """Write a run's tables into ``folder``; what ``run.json`` records of each file.

    The folder must exist: one that vanished meanwhile is an error, not made anew. On an
    error the tables written so far are deleted (without ``run.json`` they are no results).
    """
    frames = {"steps": tables.steps, "final": tables.final, "alliances": tables.alliances}
    frames["snapshot"] = tables.snapshot
    if tables.firms is not None:
        frames["firms"] = tables.firms
    files: list[dict[str, Any]] = []
    try:
        for name, frame in frames.items():
            path = folder / f"{name}.parquet"
            write_table(path, frame, parents=False)
            files.append(file_record(path, len(frame)))
        for entry in files:  # still there as written (not a folder made anew meanwhile)
            if (folder / entry["name"]).stat().st_size != entry["bytes"]:
                raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(folder))
    except OSError:
        for entry in files:
            try:
                (folder / entry["name"]).unlink(missing_ok=True)
            except OSError:
                pass
        raise
    return files


def run_to_folder(
    cfg: RunConfig,
    folder: Path,
    params: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    notify: Notify | None = None,
) -> dict[str, Any]:
    """Run ``cfg`` and store its results in ``folder``; returns the ``run.json`` record.

    A folder already holding this run finished, with every file as its ``run.json``
    records (name, bytes, rows, sha256 under ``files``), is left as it is (status
    ``done``, ``skipped`` true). A damaged one is redone, after ``notify`` is called with
    why. An error inside the model is recorded as status ``failed`` with the error, and
    written to ``error.log``, rather than raised.

    Args:
        cfg: The run's configuration.
        folder: Its results folder.
        params: Parameter columns for every table.
        progress: Called with 1 after every simulated quarter.
        notify: Called with one line (e.g. ``steps.parquet is missing``) before a
            finished but damaged run is redone.

    Raises:
        ResultsError: The folder holds a different run's results.
        WriteFault: The results could not be written (disk full, permission denied, the
            folder vanished); nothing of this run is left recorded as finished.
    """
    try:
        return _run_to_folder(cfg, folder, params, progress, notify)
    except OSError as error:
        raise WriteFault.from_error(error, folder) from error


def _run_to_folder(
    cfg: RunConfig,
    folder: Path,
    params: Mapping[str, Any] | None,
    progress: Progress | None,
    notify: Notify | None,
) -> dict[str, Any]:
    """``run_to_folder`` without turning an ``OSError`` into a ``WriteFault``."""
    folder.mkdir(parents=True, exist_ok=True)
    done, damaged = resume_state(folder, cfg)
    if done:
        return {**(run_status(folder) or {}), "skipped": True}
    if damaged is not None:
        if notify:
            notify(damaged)
        (folder / RUN_FILE).unlink(missing_ok=True)  # no longer a finished run
    remove_leftovers(folder)
    record: dict[str, Any] = {
        "fingerprint": fingerprint(cfg),
        "scenario": cfg.scenario.name,
        "world": cfg.world.name,
        "seed": cfg.seed,
        "replicates": cfg.replicates,
        "steps": cfg.steps,
        "params": dict(params or {}),
        "config": as_plain(cfg),
        **environment(),
    }
    started = time.perf_counter()
    writing = False
    try:
        tables = run_replicates(cfg, params, progress)
        writing = True
        record["files"] = write_tables(folder, tables)
        record["status"] = DONE
        (folder / "error.log").unlink(missing_ok=True)  # from an earlier failed attempt
    except Exception as error:  # recorded, so that a sweep goes on past one failed run
        if writing and isinstance(error, OSError):  # not the run's fault: the command stops
            raise
        record["status"] = FAILED
        record["error"] = f"{type(error).__name__}: {error}"
        trace = traceback.format_exc()
        write = lambda tmp: tmp.write_text(trace, encoding="utf-8")  # noqa: E731
        write_atomically(folder / "error.log", write, parents=False)
    record["wall_seconds"] = round(time.perf_counter() - started, 3)
    record["finished_utc"] = datetime.now(UTC).isoformat(timespec="seconds")
    write_json(folder / RUN_FILE, record, parents=False)
    return record
