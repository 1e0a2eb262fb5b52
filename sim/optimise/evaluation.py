"""One evaluation: a lever setting run on the same W worlds x S seeds as the baseline.

Each evaluation is an ensemble stored in the results store (``sim.runs.replicates.
run_to_folder``): one run folder per world under ``settings/<key>/`` (``key`` a hash of the
lever values, which ``levers.json`` there spells out), each running the S seeds. The baseline
ensemble is stored once under ``baseline/``. A run already finished with the same config is
reused (``skipped``), a damaged one redone, a folder holding another run refused.

The setting is compared with the baseline world by world, paired by seed
(``sim.analysis.robust.world_effects``):

- **cost**: the money the setting spends over the run, ``spend_total`` in USD bn (the sum of
  ``government_spend``), its mean over worlds and seeds;
- **gap effect** in each world: the technology gap (``tech_gap_years``) at the last quarter,
  the setting minus the baseline on the same seed, mean over the seeds (years; below zero
  the gap is smaller);
- **share met**: the share of worlds whose gap is at least ``gap_reduction`` years smaller
  (``sim.analysis.robust.meets``, a target on the effect);
- **harm effect**: the overcharge colluding alliances take from buyers summed over the run
  (``collusion_harm``, USD bn), the setting minus the baseline, mean over worlds.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis import robust
from sim.config.checks import ConfigError
from sim.config.compose import compose, config_file, keyed
from sim.config.design import (
    apply_sample,
    check_not_designed,
    designed_keys,
    get_path,
    set_path,
)
from sim.config.levers import lever_fields
from sim.config.schema import RunConfig, TargetConfig
from sim.optimise.config import LeverRange, OptimiseConfig
from sim.runs.replicates import fingerprint, run_to_folder
from sim.runs.store import DONE, load, read_json, write_json

GAP = "tech_gap_years"  # years, lower is better
SPEND = "spend_total"  # USD bn over the run
HARM = "collusion_harm_total"  # USD bn over the run: the sum of the quarterly collusion_harm
BASELINE, SETTING = "baseline", "setting"  # the two labels compared
SETTING_NAME = "optimised"  # the scenario name of a setting's runs
LEVERS_FILE = "levers.json"
Values = Mapping[str, float]


@dataclass(frozen=True)
class Measures:
    """What one evaluation found (see the module docstring).

    Attributes:
        cost: Mean money spent over the run, USD bn.
        gap_effect: Mean over worlds of the gap effect, years (negative: smaller gap).
        harm_effect: Mean over worlds of the collusion harm effect, USD bn.
        share_met: Share of worlds whose gap shrank by at least the target.
        assured: The gap reduction (years) reached in at least ``share`` of the worlds: the
            ``ceil(share x W)``-th largest reduction. The target is met in at least
            ``share`` of the worlds exactly when ``assured >= gap_reduction``, so
            ``gap_reduction - assured`` is a constraint that also says how far a setting
            misses (the search's constraint).
        gap_effects: The gap effect in each world, in world order.
        runs: Run folders of the evaluation.
        skipped: Of them, found finished in the store and reused.
        error: A failed run's error ("" if every run finished).
    """

    cost: float
    gap_effect: float
    harm_effect: float
    share_met: float
    assured: float
    gap_effects: tuple[float, ...]
    runs: int
    skipped: int
    error: str = ""


Evaluate = Callable[[Values], Measures]  # lever values (by path) to what they did


def setting_key(values: Values) -> str:
    """A setting's folder name: a hash of its lever values (the same values, the same name)."""
    text = json.dumps({k: repr(float(v)) for k, v in values.items()}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def with_levers(cfg: RunConfig, values: Values) -> RunConfig:
    """``cfg`` with each lever value set; a lever the scenario does not pull is pulled.

    A lever left ``None`` by the scenario gets its typed defaults (``sim/config/levers.py``)
    before its searched key is set. The scenario is renamed ``optimised``.

    Raises:
        ConfigError: An unknown lever or key, or a value the lever's checks refuse.
    """
    scenario = cfg.scenario
    known = lever_fields()
    for path, value in values.items():
        lever = path.split(".")[1]
        if lever not in known:
            raise ConfigError(
                f"{path!r}: {lever!r} is not a lever; allowed: scenario.<lever>.<key> with "
                f"<lever> one of {', '.join(known)}"
            )
        if getattr(scenario, lever) is None:
            pulled: dict[str, Any] = {lever: known[lever]()}
            scenario = dataclasses.replace(scenario, **pulled)
        try:
            scenario = set_path(scenario, path.split(".", 1)[1], float(value))
        except ConfigError as error:
            raise keyed(error) from None
    return dataclasses.replace(
        cfg,
        scenario=dataclasses.replace(scenario, name=SETTING_NAME, description="optimiser setting"),
    )


def _names(group: str) -> str:
    from sim.config.compose import CONFIG_DIR

    return ", ".join(sorted(p.stem for p in (CONFIG_DIR / group).glob("*.yaml")))


def run_overrides(cfg: OptimiseConfig, scenario: str, world: int) -> list[str]:
    """The overrides composing one world's run of ``scenario`` (W worlds as a robust sweep)."""
    return [
        f"world={cfg.world}",
        f"scenario={scenario}",
        f"uncertainty={cfg.uncertainty}",
        f"steps={cfg.steps}",
        f"replicates={cfg.seeds}",
        f"seed={cfg.seed}",
        "analysis.method=latin",
        "analysis.source=uncertainty",
        f"analysis.n={cfg.worlds}",
        f"analysis.seed={cfg.world_seed}",
        f"sample={world}",
        *cfg.overrides,
    ]


def world_configs(cfg: OptimiseConfig, scenario: str) -> list[RunConfig]:
    """The W run configs of ``scenario``, one per plausible world.

    Raises:
        ConfigError: An unknown world, scenario or uncertainty set, or a bad override,
            named by its ``optimise`` key.
    """
    for key, group, name in (
        ("world", "world", cfg.world),
        ("scenario" if scenario == cfg.scenario else "baseline", "scenario", scenario),
        ("uncertainty", "uncertainty", cfg.uncertainty),
    ):
        if config_file(f"{group}/{name}") is None:
            raise ConfigError(
                f"optimise.{key}={name!r} is unknown; allowed: {_names(group)} (configs/{group}/)"
            )
    try:
        # composed once (no world), then each world's values written in as a sweep's job
        # would have them (sim.config.design.apply_sample): the same config, W times faster
        base = compose(run_overrides(cfg, scenario, -1))
        declared = [p.path for p in base.uncertainty.parameters]
        check_not_designed(
            cfg.overrides, designed_keys("uncertainty", cfg.uncertainty, declared, [])
        )
        return [apply_sample(dataclasses.replace(base, sample=w)) for w in range(cfg.worlds)]
    except ConfigError as error:
        raise ConfigError(f"optimise.overrides={cfg.overrides!r}: {error}") from None


def check_levers(levers: list[LeverRange], base: RunConfig) -> None:
    """Refuse a lever key the scenario config lacks, or a bound its checks refuse.

    Raises:
        ConfigError: Naming ``optimise.levers[i]``, the key, the bound and what is allowed.
    """
    for i, lever in enumerate(levers):
        where = f"optimise.levers[{i}] ({lever.path})"
        for bound, value in (("low", lever.low), ("high", lever.high)):
            try:
                cfg = with_levers(base, {lever.path: value})
            except ConfigError as error:
                raise ConfigError(f"{where}: {bound}={value!r}: {error}") from None
            current = get_path(cfg, lever.path)
            if isinstance(current, bool) or not isinstance(current, int | float):
                raise ConfigError(f"{where}: the key is not numeric; allowed: a numeric lever key")


def ensemble_table(folders: list[Path], label: str) -> pd.DataFrame:
    """One row per world, seed and replicate: the final gap and the run's money and harm.

    Each run folder is read through the store (``sim.runs.store.load``: files checked
    against their ``run.json``).
    """
    frames = []
    for folder in folders:
        steps = load(folder, "steps").sort_values(["replicate", "step"], kind="stable")
        by = steps.groupby(["sample", "seed", "replicate"], sort=True)
        frames.append(
            pd.DataFrame(
                {
                    GAP: by[GAP].last(),
                    SPEND: by["government_spend"].sum() / 1000.0,
                    HARM: by["collusion_harm"].sum() / 1000.0,
                }
            ).reset_index()
        )
    return pd.concat(frames, ignore_index=True).assign(label=label)


def assured_reduction(gap_effects: Sequence[float], share: float) -> float:
    """The gap reduction reached in at least ``share`` of the worlds (years; -inf if none).

    The ``ceil(share x W)``-th largest of the worlds' reductions (minus their gap effects).
    """
    reductions = sorted((-float(e) for e in gap_effects), reverse=True)
    needed = max(1, math.ceil(share * len(reductions) - 1e-9))
    return reductions[needed - 1] if needed <= len(reductions) else -math.inf


def measure(
    setting: pd.DataFrame, baseline: pd.DataFrame, gap_reduction: float, share: float
) -> Measures:
    """Compare a setting's ensemble with the baseline's, world by world, paired by seed.

    Args:
        setting: ``ensemble_table`` of the setting.
        baseline: ``ensemble_table`` of the baseline (same worlds and seeds).
        gap_reduction: Years by which the gap must shrink in a world to count as met.
        share: Share of the worlds the target asks for (for ``assured``).
    """
    final = pd.concat([baseline.assign(label=BASELINE), setting.assign(label=SETTING)])
    effects = robust.world_effects(final, BASELINE, [GAP, HARM]).set_index(["outcome", "world"])
    gaps = effects.loc[GAP, "effect"].sort_index()
    target = TargetConfig(GAP, "effect", at_most=-gap_reduction)
    met = [robust.meets(float(v), target) for v in gaps]
    levels = robust.world_levels(final, [SPEND]).xs(SETTING, level=0)
    return Measures(
        cost=float(levels[SPEND].mean()),
        gap_effect=float(gaps.mean()),
        harm_effect=float(effects.loc[HARM, "effect"].mean()),
        share_met=float(np.mean(met)) if met else 0.0,
        assured=assured_reduction(list(gaps), share),
        gap_effects=tuple(float(v) for v in gaps),
        runs=0,
        skipped=0,
    )


def _run(args: tuple[RunConfig, Path, int]) -> dict[str, Any]:
    """One world's run into its folder (a top-level function: process pools pickle it)."""
    cfg, folder, world = args
    return run_to_folder(cfg, folder, {"sample": world})


class Evaluator:
    """Runs settings on the study's worlds and seeds, through the store under ``out``.

    Use as a context manager: with ``jobs > 1`` it holds a pool of worker processes.
    """

    def __init__(self, cfg: OptimiseConfig, out: Path) -> None:
        """Compose the worlds' configs of the scenario and the baseline; check the levers.

        Raises:
            ConfigError: A bad world, scenario, override or lever (one line).
        """
        self.cfg, self.out = cfg, out
        self.bases = world_configs(cfg, cfg.scenario)
        self.baselines = world_configs(cfg, cfg.baseline)
        check_levers(cfg.levers, self.bases[0])
        self._pool: Executor | None = None
        self._baseline: pd.DataFrame | None = None

    @property
    def fingerprint(self) -> str:
        """A hash of every world's run config of the scenario and of the baseline."""
        parts = [fingerprint(c) for c in (*self.bases, *self.baselines)]
        return hashlib.sha256(" ".join(parts).encode()).hexdigest()[:16]

    def __enter__(self) -> Evaluator:
        if self.cfg.jobs > 1:
            self._pool = ProcessPoolExecutor(max_workers=self.cfg.jobs)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def run_ensemble(self, configs: list[RunConfig], folder: Path) -> tuple[list[Path], int, str]:
        """Run (or reuse) every world's run; the folders, how many were reused, an error."""
        jobs = [(c, folder / f"world_{w:03d}", w) for w, c in enumerate(configs)]
        records = list(self._pool.map(_run, jobs) if self._pool else map(_run, jobs))
        skipped = sum(bool(r.get("skipped")) for r in records)
        failed = [(j[1], r) for j, r in zip(jobs, records, strict=True) if r["status"] != DONE]
        error = f"{failed[0][1].get('error')} (see {failed[0][0] / 'error.log'})" if failed else ""
        return [j[1] for j in jobs], skipped, error

    def baseline(self) -> pd.DataFrame:
        """The baseline ensemble's table (run once, then read from the store)."""
        if self._baseline is None:
            folders, _, error = self.run_ensemble(self.baselines, self.out / "baseline")
            if error:
                raise RuntimeError(f"the baseline failed: {error}")
            self._baseline = ensemble_table(folders, BASELINE)
        return self._baseline

    def setting_folder(self, values: Values) -> Path:
        """The folder of a setting, with ``levers.json`` naming its values."""
        folder = self.out / "settings" / setting_key(values)
        record = {"levers": {k: float(v) for k, v in values.items()}}
        file = folder / LEVERS_FILE
        if file.is_file() and read_json(file) != record:
            raise ConfigError(f"{folder} holds another setting; allowed: an unused folder")
        if not file.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            write_json(file, record, parents=False)
        return folder

    def evaluate(self, values: Values) -> Measures:
        """Run a setting on every world and seed (reusing finished runs) and measure it."""
        baseline = self.baseline()
        configs = [with_levers(c, values) for c in self.bases]
        folders, skipped, error = self.run_ensemble(configs, self.setting_folder(values))
        if error:
            nan = float("nan")
            return Measures(nan, nan, nan, nan, nan, (), len(folders), skipped, error)
        table = ensemble_table(folders, SETTING)
        goal = self.cfg.objective
        found = measure(table, baseline, goal.gap_reduction, goal.share)
        return dataclasses.replace(found, runs=len(folders), skipped=skipped)
