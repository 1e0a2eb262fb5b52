"""Simulated moments: each archetype's size, leader and regime at every quarter, per seed.

``run_seed`` runs one replicate of a configuration for ``steps + 1`` quarters and reads the
alliance table (``AllianceModel.alliance_table``) at the end of each quarter ``t`` = 0 to
``steps`` (after ``t + 1`` calls of ``model.step()``): each archetype by name (the newest
active alliance of that name; size 0 and no leader or regime once it is dissolved).
``Runner`` runs the same seeds for every candidate (common random numbers), in this process
or in worker processes. A finished model is freed: agents number themselves without Mesa
3.3's class-level registry (``agents/host.py``), and nothing here keeps a model.
"""

from __future__ import annotations

import gc
import warnings
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.config.schema import RunConfig


@dataclass(frozen=True)
class Moments:
    """What the runs of one candidate showed.

    Attributes:
        alliances: The archetypes' names, in the order of the second axis.
        size: Alive members at the end of each quarter, ``(seeds, alliances, steps + 1)``;
            0 once dissolved.
        leader: Leader's name, same shape (``""`` once dissolved).
        regime: ``"open"`` / ``"closed"``, same shape (``""`` once dissolved).
        warnings: Warnings the runs raised (e.g. a start that cycled instead of settling).
        domestic: Alive members from the home country, same shape as ``size`` (None when
            not read).
        home: The alliance's home region's name, same shape (``""`` once dissolved).
    """

    alliances: tuple[str, ...]
    size: np.ndarray
    leader: np.ndarray
    regime: np.ndarray
    warnings: int = 0
    domestic: np.ndarray | None = None
    home: np.ndarray | None = None

    def index(self, alliance: str) -> int:
        """The position of an archetype on the second axis."""
        return self.alliances.index(alliance)


def _read(table: Any, alliances: Sequence[str], out: tuple[np.ndarray, ...], t: int) -> None:
    size, leader, regime, domestic, home = out
    for a, name in enumerate(alliances):
        rows = table[table["name"] == name]
        if len(rows):
            row = rows.loc[rows["alliance"].idxmax()]
            size[a, t] = float(row["size"])
            leader[a, t] = str(row["leader_name"])
            regime[a, t] = str(row["regime"])
            domestic[a, t] = float(row["members_domestic"])
            home[a, t] = str(row["home_region"])


def run_seed(
    cfg: RunConfig, seed: np.random.SeedSequence, alliances: Sequence[str], steps: int
) -> tuple[np.ndarray, ...]:
    """One replicate's archetype sizes, leaders and regimes at the end of quarters 0..``steps``.

    Args:
        cfg: The candidate's configuration.
        seed: The replicate's seed.
        alliances: The archetypes' names.
        steps: The last quarter read (``steps + 1`` quarters are simulated).

    Returns:
        ``(size, leader, regime, domestic, home, n_warnings)``, the arrays of shape
        ``(len(alliances), steps + 1)``.
    """
    from sim.model import AllianceModel

    shape = (len(alliances), steps + 1)
    text = (np.full(shape, "", dtype=object) for _ in range(3))
    leader, regime, home = text
    out = (np.zeros(shape), leader, regime, np.zeros(shape), home)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = AllianceModel(cfg, seed=seed)
        for t in range(steps + 1):
            model.step()  # quarter t: its dated events, then the quarter's stages
            _read(model.alliance_table(), alliances, out, t)
        del model
    return (*out, np.asarray(len(caught)))


def _run_chunk(
    job: tuple[RunConfig, list[np.random.SeedSequence], tuple[str, ...], int],
) -> list[tuple[np.ndarray, ...]]:
    cfg, seeds, alliances, steps = job
    runs = [run_seed(cfg, s, alliances, steps) for s in seeds]
    gc.collect()
    return runs


class Runner:
    """Runs every candidate on the same seeds (common random numbers).

    Args:
        seeds: The replicate seeds.
        alliances: The archetypes' names.
        steps: The last quarter read (a run simulates ``steps + 1`` quarters).
        jobs: Worker processes (1 runs in this process).
    """

    def __init__(
        self,
        seeds: Sequence[np.random.SeedSequence],
        alliances: Sequence[str],
        steps: int,
        jobs: int = 1,
    ) -> None:
        self.seeds, self.alliances, self.steps = list(seeds), tuple(alliances), steps
        self.jobs = max(1, min(jobs, len(self.seeds)))
        self.pool = ProcessPoolExecutor(self.jobs) if self.jobs > 1 else None

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker processes."""
        if self.pool is not None:
            self.pool.shutdown()
            self.pool = None

    def __call__(self, cfg: RunConfig) -> Moments:
        """The moments of one configuration over every seed."""
        chunks = [c for c in np.array_split(np.arange(len(self.seeds)), self.jobs) if len(c)]
        jobs = [(cfg, [self.seeds[i] for i in c], self.alliances, self.steps) for c in chunks]
        parts = self.pool.map(_run_chunk, jobs) if self.pool else map(_run_chunk, jobs)
        runs = [run for part in parts for run in part]
        return Moments(
            self.alliances,
            np.stack([r[0] for r in runs]),
            np.stack([r[1] for r in runs]),
            np.stack([r[2] for r in runs]),
            int(sum(int(r[5]) for r in runs)),
            np.stack([r[3] for r in runs]),
            np.stack([r[4] for r in runs]),
        )


def seeds_for(root_seed: int, n: int) -> list[np.random.SeedSequence]:
    """The common random numbers: ``n`` children of ``SeedSequence(root_seed)``."""
    return np.random.SeedSequence(root_seed).spawn(n)


def seed_after(root_seed: int, n: int) -> np.random.SeedSequence:
    """The child of ``SeedSequence(root_seed)`` after ``seeds_for(root_seed, n)``'s ``n``.

    Reason: a stream for work beside the runs (the paired bootstrap's resampling) that none
    of the runs on those seeds draws from.
    """
    return seeds_for(root_seed, n + 1)[-1]
