"""Simulating a candidate: seed-replicated runs of the calibration outputs.

``run_seed`` runs one replicate and records ``OUTPUTS`` at every quarter; ``Simulator``
runs the same seeds (common random numbers) at any parameter values, in worker processes,
and caches the results, so the loss is a deterministic function of the parameters.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from sim.calibration.configuration import with_values
from sim.calibration.spec import OUTPUTS, CalibrationSpec, ParameterValues
from sim.config.schema import RunConfig


def seeds_for(spec: CalibrationSpec, n: int | None = None) -> list[np.random.SeedSequence]:
    """The common random numbers: ``n`` (default ``spec.seeds``) children of the root seed."""
    return np.random.SeedSequence(spec.root_seed).spawn(n or spec.seeds)


def run_seed(cfg: RunConfig, seed: np.random.SeedSequence, steps: int) -> np.ndarray:
    """One replicate's calibration outputs at every quarter.

    Args:
        cfg: The run configuration (a world holding the K-AI-like archetype).
        seed: The replicate's seed.
        steps: Quarters to simulate.

    Returns:
        ``(len(OUTPUTS), steps + 1)``: gap in years, national level (national capability
        over the frontier) and the archetype's partners, from step 0 on.
    """
    from scenarios.worlds.korea_2016 import archetype_id, partners
    from sim.model import AllianceModel

    model = AllianceModel(cfg, seed=seed)
    aid = archetype_id(model.alliances)
    out = np.empty((len(OUTPUTS), steps + 1))
    for t in range(steps + 1):
        if t:
            model.step()
        out[0, t] = model.outcomes["tech_gap_years"]
        out[1, t] = model.outcomes["national_capability"] / model.frontier
        out[2, t] = partners(model.firms, model.alliances, aid)
    return out


def _run_chunk(job: tuple[RunConfig, list[np.random.SeedSequence], int]) -> np.ndarray:
    cfg, seeds, steps = job
    return np.stack([run_seed(cfg, s, steps) for s in seeds])


class Simulator:
    """Seed-replicated runs of one base configuration at chosen parameter values.

    Every call runs the same seeds (common random numbers), split over ``jobs`` worker
    processes; results are cached by parameter values.

    Args:
        base: The configuration every evaluation starts from.
        paths: Dotted paths of the parameters a call sets.
        seeds: The replicate seeds.
        steps: Quarters per run.
        jobs: Worker processes (1 runs in this process).
    """

    def __init__(
        self,
        base: RunConfig,
        paths: Sequence[str],
        seeds: Sequence[np.random.SeedSequence],
        steps: int,
        jobs: int = 1,
    ) -> None:
        self.base, self.paths, self.seeds, self.steps = base, list(paths), list(seeds), steps
        self.jobs = max(1, min(jobs, len(self.seeds)))
        self.pool = ProcessPoolExecutor(self.jobs) if self.jobs > 1 else None
        self.cache: dict[tuple[float, ...], np.ndarray] = {}
        self.evaluations = 0

    def __enter__(self) -> Simulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker processes."""
        if self.pool is not None:
            self.pool.shutdown()
            self.pool = None

    def __call__(self, values: ParameterValues, steps: int | None = None) -> np.ndarray:
        """Outputs ``(n_seeds, len(OUTPUTS), steps + 1)`` at parameter ``values``."""
        steps = self.steps if steps is None else steps
        key = (*(round(float(v), 12) for v in values), steps)
        if key not in self.cache:
            cfg = with_values(dataclasses.replace(self.base, steps=steps), self.paths, values)
            chunks = [list(c) for c in np.array_split(np.arange(len(self.seeds)), self.jobs)]
            jobs = [(cfg, [self.seeds[i] for i in c], steps) for c in chunks if c]
            parts = self.pool.map(_run_chunk, jobs) if self.pool else map(_run_chunk, jobs)
            self.cache[key] = np.concatenate(list(parts))
            self.evaluations += 1
        return self.cache[key]
