"""Answers across plausible worlds: how robust is each scenario's effect (docs/robust.md)?

A robust sweep (``sweep=policy_comparison``) runs every scenario and the baseline in the same
W plausible worlds (design rows, column ``sample``) on the same seeds. Per scenario, against
the baseline, and per outcome:

- a world's **effect** is the mean over its seeds of the scenario minus the baseline on the
  same seed (``world_effects``);
- across worlds: the **median** effect, the **90 % band** (5th to 95th percentile of the
  worlds' effects) and how many worlds are **better** than the baseline, the direction
  taken from the outcome registry (``summarise``);
- **regret**: in each world, how far the scenario falls short of the best scenario of that
  world, baseline included (``regret``);
- **satisficing**: the share of worlds where the scenario meets every target the user set
  (``analysis.targets``, ``satisficing``);
- **failure region**: the box of uncertain parameters where the scenario is not better,
  found with PRIM (``failure_region``, through ``sim.analysis.discovery``).

Pure functions of DataFrames: importable and testable without Hydra or a results folder.
The report's section (``sim.analysis.robust_report``) words and colours them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.analysis.discovery import DiscoveredBox, discover
from sim.analysis.numbers import is_zero
from sim.config.schema import TargetConfig
from sim.engine.outcomes import BY_NAME, headline

WORLD = "sample"  # the column naming a world (a design row)
PAIR = ("seed", "replicate")  # what pairs two runs inside one world
BAND = (0.05, 0.95)  # the 90 % band across worlds: these quantiles of the worlds' effects
REFERENCE = "\u2014reference\u2014"  # failure_region's stand-in baseline (no scenario's name)
ZERO = 1e-9  # an effect this close to 0 (in the outcome's unit) is "no effect"
# the outcomes answered across worlds: the headline outcomes a policy team prefers one way
ROBUST_OUTCOMES: tuple[str, ...] = tuple(o.name for o in headline() if o.better)


def direction(outcome: str) -> int:
    """+1 if higher is better for ``outcome``, -1 if lower is, 0 if neither (the registry)."""
    better = BY_NAME[outcome].better
    return 1 if better == "higher" else -1 if better == "lower" else 0


def judge(effect: float, outcome: str) -> str:
    """``better``, ``worse`` or ``no effect`` (``neutral`` where no direction is better)."""
    if not np.isfinite(effect) or is_zero(effect, outcome):
        return "no effect"  # what the report shows as "no effect" (sim.analysis.numbers)
    sign = direction(outcome)
    if sign == 0:
        return "neutral"
    return "better" if sign * effect > 0 else "worse"


def world_levels(final: pd.DataFrame, outcomes: Sequence[str], by: str = "label") -> pd.DataFrame:
    """Each scenario's mean over its seeds in each world.

    Args:
        final: Last-quarter rows with ``by``, ``sample``, ``seed``, ``replicate``, outcomes.
        outcomes: The outcome columns.
        by: The column naming a scenario.

    Returns:
        Index (``by``, ``sample``), one column per outcome.
    """
    return final.groupby([by, WORLD], sort=False)[list(outcomes)].mean()


def world_effects(
    final: pd.DataFrame, baseline: str, outcomes: Sequence[str], by: str = "label"
) -> pd.DataFrame:
    """Each scenario's effect against ``baseline`` in each world, paired by seed.

    Only the seeds both ran in that world count; a world without a common seed is left out.

    Returns:
        Long table: ``scenario``, ``outcome``, ``world``, ``effect`` (mean of the paired
        differences, in the outcome's unit) and ``pairs`` (seeds paired). The baseline is
        not in it.
    """
    keys = [WORLD, *[k for k in PAIR if k in final.columns]]
    cols = list(outcomes)
    base = final[final[by] == baseline].set_index(keys)[cols]
    rows = []
    for label, group in final[final[by] != baseline].groupby(by, sort=False):
        mine = group.set_index(keys)[cols]
        common = mine.index.intersection(base.index)
        if common.empty:
            continue
        diff = mine.loc[common] - base.loc[common]
        means = diff.groupby(level=WORLD).mean()
        pairs = diff.groupby(level=WORLD).size()
        long = means.stack().rename("effect").reset_index()
        long.columns = ["world", "outcome", "effect"]
        long.insert(0, "scenario", label)
        long["pairs"] = long["world"].map(pairs).astype(int)
        rows.append(long)
    columns = ["scenario", "outcome", "world", "effect", "pairs"]
    return pd.concat(rows, ignore_index=True)[columns] if rows else pd.DataFrame(columns=columns)


def summarise(effects: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and outcome: median effect, 90 % band and worlds better or worse.

    Args:
        effects: ``world_effects``.

    Returns:
        ``scenario``, ``outcome``, ``worlds``, ``median``, ``band_low``, ``band_high``,
        ``better``, ``worse``, ``no_effect`` (counts of worlds) and ``share_better``
        (better worlds over all worlds), in the order of ``effects``.
    """
    rows = []
    for (scenario, outcome), group in effects.groupby(["scenario", "outcome"], sort=False):
        values = group["effect"].to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        verdicts = [judge(v, str(outcome)) for v in values]
        n = len(values)
        low, high = np.quantile(values, BAND) if n else (np.nan, np.nan)
        rows.append(
            {
                "scenario": scenario,
                "outcome": outcome,
                "worlds": n,
                "median": float(np.median(values)) if n else np.nan,
                "band_low": float(low),
                "band_high": float(high),
                "better": verdicts.count("better"),
                "worse": verdicts.count("worse"),
                "no_effect": verdicts.count("no effect"),
                "share_better": verdicts.count("better") / n if n else np.nan,
            }
        )
    return pd.DataFrame(rows)


def regret(levels: pd.DataFrame, outcomes: Sequence[str]) -> pd.DataFrame:
    """Each scenario's regret in each world: how far it falls short of that world's best.

    The best is the best scenario of that world on that outcome, the baseline included;
    regret is in the outcome's unit, 0 for the best and positive for the others.

    Args:
        levels: ``world_levels`` (index: scenario, world).
        outcomes: Outcomes with a better direction.

    Returns:
        Long table: ``scenario``, ``outcome``, ``world``, ``regret``.
    """
    frames = []
    for outcome in outcomes:
        sign = direction(outcome)
        if sign == 0:
            raise ValueError(f"regret of {outcome!r}: the registry says no direction is better")
        wide = levels[outcome].unstack(WORLD) * sign  # higher is better from here on
        shortfall = wide.max(axis=0) - wide  # per world: the best minus this scenario
        long = shortfall.stack().rename("regret").reset_index()
        long.columns = ["scenario", "world", "regret"]
        frames.append(long.assign(outcome=outcome))
    if not frames:
        return pd.DataFrame(columns=["scenario", "outcome", "world", "regret"])
    return pd.concat(frames, ignore_index=True)[["scenario", "outcome", "world", "regret"]]


def regret_summary(regrets: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and outcome: median and worst regret, and worlds where it is the best."""
    grouped = regrets.groupby(["scenario", "outcome"], sort=False)["regret"]
    return pd.DataFrame(
        {
            "regret_median": grouped.median(),
            "regret_max": grouped.max(),
            "best_in": grouped.apply(lambda r: int((r <= ZERO).sum())),
        }
    ).reset_index()


def meets(value: float, target: TargetConfig) -> bool:
    """Whether ``value`` lies within the target's bounds."""
    if not np.isfinite(value):
        return False
    low_ok = target.at_least is None or value >= target.at_least - ZERO
    return low_ok and (target.at_most is None or value <= target.at_most + ZERO)


def satisficing(
    levels: pd.DataFrame, baseline: str, targets: Sequence[TargetConfig]
) -> pd.DataFrame:
    """Per scenario and world: which targets it meets (effects against the same world's baseline).

    An ``effect`` target bounds the scenario's mean minus the baseline's mean in that world
    (equal to the mean of the seed-paired differences when both ran the same seeds); a
    ``level`` target bounds the scenario's own mean.

    Args:
        levels: ``world_levels`` with every target's outcome.
        baseline: The baseline's label (its own effect is 0).
        targets: The targets (``analysis.targets``).

    Returns:
        One row per scenario (baseline included) and world: a boolean column per target
        (``target_text``) and ``all_met``.
    """
    base = levels.xs(baseline, level=0)
    table = pd.DataFrame(index=levels.index.copy())
    for target in targets:
        column = levels[target.outcome]
        if target.measure == "effect":
            worlds = column.index.get_level_values(WORLD)
            reference = base[target.outcome].reindex(worlds).to_numpy()
            column = column - reference
        table[target_text(target)] = [meets(float(v), target) for v in column]
    table["all_met"] = table.all(axis=1) if targets else False
    return table.rename_axis(["scenario", "world"]).reset_index()


def satisficing_summary(met: pd.DataFrame) -> pd.DataFrame:
    """Per scenario: worlds, and how many meet each target and all of them."""
    flags = [c for c in met.columns if c not in ("scenario", "world")]
    grouped = met.groupby("scenario", sort=False)
    summary = grouped[flags].sum().astype(int)
    summary.insert(0, "worlds", grouped.size())
    return summary.reset_index()


def target_text(target: TargetConfig) -> str:
    """A target in words: ``tech_gap_years effect <= -0.3``."""
    parts = []
    if target.at_least is not None:
        parts.append(f">= {target.at_least:g}")
    if target.at_most is not None:
        parts.append(f"<= {target.at_most:g}")
    return f"{target.outcome} {target.measure} {' and '.join(parts)}"


def world_parameters(final: pd.DataFrame, params: Sequence[str]) -> pd.DataFrame:
    """Each world's uncertain parameter values (index ``sample``), as the runs recorded them."""
    return final.groupby(WORLD)[list(params)].first().astype(float)


def failure_region(
    effects: pd.DataFrame,
    parameters: pd.DataFrame,
    scenario: str,
    outcome: str,
    threshold: float = 0.8,
) -> DiscoveredBox:
    """The box of uncertain parameters where ``scenario`` is not better, found with PRIM.

    PRIM (``sim.analysis.discovery.discover``) peels the parameter space down to a box
    dense in failures. ``wins`` of the result is the share of worlds where the scenario
    fails (not better: worse or no effect); coverage is the share of those failures inside
    the box, density the share of worlds inside the box that fail.

    Args:
        effects: ``world_effects``.
        parameters: ``world_parameters`` (index: world).
        scenario: The scenario.
        outcome: The outcome judged.
        threshold: The density PRIM aims for.
    """
    mine = effects[(effects["scenario"] == scenario) & (effects["outcome"] == outcome)]
    mine = mine.set_index("world")["effect"].dropna()
    fails = pd.Series([judge(v, outcome) != "better" for v in mine], index=mine.index)
    x = parameters.loc[fails.index]
    # discover() marks a world where the label's column is below the reference's: a score
    # of 0 (fails) against 0.5 marks exactly the failures
    scored = pd.concat(
        [
            x.assign(label=scenario, score=np.where(fails, 0.0, 1.0)),
            x.assign(label=REFERENCE, score=0.5),
        ]
    ).rename_axis(WORLD)
    found = discover(scored.reset_index(), scenario, REFERENCE, list(x.columns), "score", threshold)
    return dataclasses.replace(found, outcome=outcome)
