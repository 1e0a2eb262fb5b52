"""Run one configuration over its replicate seeds and store the results in a folder.

``run_replicates`` is the plain computation (no files); ``run_to_folder`` adds the results
store: it skips a run already finished with the same config, refuses a folder holding a
different run, and records a failure instead of losing the sweep.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.config.schema import RunConfig, as_plain
from sim.runs.store import (
    DONE,
    FAILED,
    RUN_FILE,
    ResultsError,
    remove_leftovers,
    run_status,
    write_atomically,
    write_json,
    write_table,
)

PACKAGES: tuple[str, ...] = ("alliancesim", "mesa", "numpy", "pandas", "pyarrow", "hydra-core")
Progress = Callable[[int], None]


def fingerprint(cfg: RunConfig) -> str:
    """A short hash of the resolved config: equal configs give equal fingerprints."""
    text = json.dumps(as_plain(cfg), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def replicate_seeds(cfg: RunConfig) -> list[np.random.SeedSequence]:
    """The replicates' seeds: ``cfg.replicates`` children spawned from ``cfg.seed``."""
    return np.random.SeedSequence(cfg.seed).spawn(cfg.replicates)


@dataclass
class RunTables:
    """What one configuration's replicates produced."""

    steps: pd.DataFrame  # one row per replicate and quarter (quarter 0 = the start)
    final: pd.DataFrame  # the last quarter of each replicate
    firms: pd.DataFrame | None  # per-firm rows, when ``collect_firms``
    alliances: pd.DataFrame  # the active alliances at the end of each replicate
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
    from sim.config.design import get_path, sample_values
    from sim.model import AllianceModel

    labels = {"scenario": cfg.scenario.name, "world": cfg.world.name, "seed": cfg.seed}
    labels.update(params or {})
    # the design row's values as the run used them (integer fields rounded; None where the
    # scenario does not use the lever)
    labels.update({key: get_path(cfg, key) for key in sample_values(cfg)})
    steps, firms, alliances = [], [], []
    snapshot = pd.DataFrame()
    for replicate, child in enumerate(replicate_seeds(cfg)):
        model = AllianceModel(cfg, seed=child)
        for _ in range(cfg.steps):
            model.step()
            if progress:
                progress(1)
        frame = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        steps.append(frame.assign(replicate=replicate))
        if cfg.collect_firms:
            firms.append(model.firm_records().reset_index().assign(replicate=replicate))
        alliances.append(model.alliance_table().assign(replicate=replicate))
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


def check_folder(folder: Path, cfg: RunConfig) -> bool:
    """Whether ``folder`` already holds this run finished (True) or nothing yet (False).

    Raises:
        ResultsError: The folder holds a different run's results.
    """
    record = run_status(folder)
    if record is None:
        return False
    if record.get("fingerprint") != fingerprint(cfg):
        raise ResultsError(
            f"results folder {str(folder)!r} holds a different run (config fingerprint "
            f"{record.get('fingerprint')} != {fingerprint(cfg)}); allowed: an empty folder, "
            "or the same config to resume"
        )
    return record.get("status") == DONE


def run_to_folder(
    cfg: RunConfig,
    folder: Path,
    params: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Run ``cfg`` and store its results in ``folder``; returns the ``run.json`` record.

    A folder already holding this run finished is left as it is (status ``done``,
    ``skipped`` true). An error inside the model is recorded as status ``failed`` with
    the error, and written to ``error.log``, rather than raised.

    Raises:
        ResultsError: The folder holds a different run's results.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if check_folder(folder, cfg):
        return {**(run_status(folder) or {}), "skipped": True}
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
    try:
        tables = run_replicates(cfg, params, progress)
        write_table(folder / "steps.parquet", tables.steps)
        write_table(folder / "final.parquet", tables.final)
        write_table(folder / "alliances.parquet", tables.alliances)
        write_table(folder / "snapshot.parquet", tables.snapshot)
        if tables.firms is not None:
            write_table(folder / "firms.parquet", tables.firms)
        record["status"] = DONE
        (folder / "error.log").unlink(missing_ok=True)  # from an earlier failed attempt
    except Exception as error:  # recorded, so that a sweep goes on past one failed run
        record["status"] = FAILED
        record["error"] = f"{type(error).__name__}: {error}"
        trace = traceback.format_exc()
        write_atomically(folder / "error.log", lambda tmp: tmp.write_text(trace, encoding="utf-8"))
    record["wall_seconds"] = round(time.perf_counter() - started, 3)
    write_json(folder / RUN_FILE, record)
    return record
