"""Whether the policy answers hold under other structural assumptions (docs/robust.md).

The robust comparison varies the declared uncertain parameters over plausible worlds; a
structural assumption (a rule switched on or off, the size of the foreign sample, how the
start is solved) is not among them. To test one, the same sweep is run with the assumption
changed into another folder: the same worlds (same design seed and size) and the same seeds.
For each scenario this module then gives

- its answer under each assumption: the effect against the baseline per world, paired by
  seed, across worlds (``policy_answers.compare``: median, 90 % band, worlds better,
  robust or not), and
- how far the assumption moves it (``Shift``): per world, the effect under the assumption
  minus the effect as run, on the (world, seed) pairs both sweeps ran, across worlds.

``overrides`` names what differs between two sweeps' configurations, read from their runs'
records, so a table says what each assumption is without anyone typing it.
Pure functions of last-quarter frames (``label``, ``sample``, ``seed``, ``replicate`` and the
outcomes, as ``docs/make_policy_answers.py`` loads them) and of config dicts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis import robust
from sim.analysis.policy_answers import (
    BASELINE,
    GAP,
    Comparison,
    band_words,
    compare,
    effect_words,
    label_of,
)
from sim.config.schema import flat
from sim.config.versions import VERSION_1_ONLY
from sim.runs.replicates import without_words

AS_RUN = "as run"  # the main sweep's label in the tables
KEYS = ("sample", "seed", "replicate")  # a run of a design: world, seed, replicate
# config keys that are not assumptions of the model: the design (which must agree between
# the sweeps: ``alternatives_report`` refuses another design), the run's bookkeeping and the
# scenario's words; lever settings (``scenario.<lever>.*``) are assumptions and count
NOT_ASSUMPTIONS = frozenset(
    {"replicates", "sample", "steps", "seed", "engine", "collect_firms", "scenario.name"}
    | {"scenario.description"}
)
DESIGN_GROUPS = ("analysis.", "uncertainty.")


@dataclass(frozen=True)
class Shift:
    """How far an assumption moves a scenario's effect, world by world (same seeds).

    Attributes:
        worlds: Worlds with a seed both sweeps ran.
        pairs: (world, seed) pairs compared.
        median: Median over worlds of (effect under the assumption - effect as run).
        low: The shift's 5 % quantile across worlds.
        high: Its 95 % quantile.
        towards_better: Worlds where the effect moved to the better side.
        towards_worse: Worlds where it moved to the worse side.
    """

    worlds: int
    pairs: int
    median: float
    low: float
    high: float
    towards_better: int
    towards_worse: int


@dataclass(frozen=True)
class Holding:
    """One scenario's answer under one assumption.

    Attributes:
        scenario: The scenario, compared with the baseline.
        assumption: ``AS_RUN`` or the alternative's label.
        answer: Its effect across worlds under the assumption.
        seeds: Seeds per world in that sweep (fewest over worlds).
        shift: How far the assumption moves the effect (None as run).
    """

    scenario: str
    assumption: str
    answer: Comparison
    seeds: int
    shift: Shift | None


def paired_differences(final: pd.DataFrame, scenario: str, outcome: str) -> pd.Series:
    """``scenario`` minus the baseline on each (world, seed, replicate) run both made."""
    keys = list(KEYS)
    base = final[final["label"] == BASELINE].set_index(keys)[outcome]
    mine = final[final["label"] == scenario].set_index(keys)[outcome]
    common = mine.index.intersection(base.index)
    return mine.loc[common] - base.loc[common]


def differing_worlds(main: pd.DataFrame, other: pd.DataFrame, keys: Sequence[str]) -> list[str]:
    """Declared parameters whose value differs between the sweeps in a world both ran.

    Two sweeps pair by the world's index (``sample``), which names the same world only if
    both drew the same design (``analysis.n``, ``analysis.seed``, the same uncertainty set).
    Returns ``key (world w: a != b)`` for each such parameter (its first differing world).
    """
    out = []
    for key in keys:
        if key not in main.columns:
            continue
        if key not in other.columns:
            out.append(f"{key} (not among the alternative's world values)")
            continue
        left = main.groupby("sample")[key].first()
        right = other.groupby("sample")[key].first()
        both = left.index.intersection(right.index)
        a, b = left.loc[both].to_numpy(), right.loc[both].to_numpy()
        bad = np.flatnonzero(~np.isclose(a, b))
        if bad.size:
            i = int(bad[0])
            out.append(f"{key} (world {both[i]}: {a[i]:g} != {b[i]:g})")
    return out


def shift(
    main: pd.DataFrame, other: pd.DataFrame, scenario: str, outcome: str = GAP
) -> Shift | None:
    """How far ``other``'s assumption moves ``scenario``'s effect against the baseline.

    Each sweep's paired differences (scenario minus baseline on the same world, seed and
    replicate) are joined on the runs both sweeps made, so that a seed only one sweep ran, in
    either scenario, does not count as the assumption's doing; their change is averaged per
    world. None when no pair is common.
    """
    as_run = paired_differences(main, scenario, outcome)
    changed = paired_differences(other, scenario, outcome)
    both = as_run.index.intersection(changed.index)
    if both.empty:
        return None
    per_world = (changed.loc[both] - as_run.loc[both]).groupby(level="sample").mean()
    moved = per_world.to_numpy(dtype=float)
    low, high = np.quantile(moved, robust.BAND)
    sign = robust.direction(outcome)
    better = [v for v in moved if sign * v > 0 and robust.judge(v, outcome) != "no effect"]
    worse = [v for v in moved if sign * v < 0 and robust.judge(v, outcome) != "no effect"]
    return Shift(
        worlds=len(per_world),
        pairs=len(both),
        median=float(np.median(moved)),
        low=float(low),
        high=float(high),
        towards_better=len(better) if sign else 0,
        towards_worse=len(worse) if sign else 0,
    )


def seeds_per_world(final: pd.DataFrame) -> int:
    """The fewest seeds any scenario ran in any world."""
    return int(final.groupby(["label", "sample"]).size().min()) if len(final) else 0


def holdings(
    main: pd.DataFrame,
    alternatives: Mapping[str, pd.DataFrame],
    scenarios: Iterable[str],
    outcome: str = GAP,
) -> list[Holding]:
    """Each scenario's answer as run and under each alternative, with its shift.

    A scenario an alternative did not run is left out of that alternative's rows.
    """
    rows = []
    for scenario in scenarios:
        for label, final in [(AS_RUN, main), *alternatives.items()]:
            if scenario not in set(final["label"]) or BASELINE not in set(final["label"]):
                continue
            answer = compare(final, [], scenario, BASELINE, outcome)
            moved = None if label == AS_RUN else shift(main, final, scenario, outcome)
            rows.append(Holding(scenario, label, answer, seeds_per_world(final), moved))
    return rows


def verdict(rows: Sequence[Holding], given: Sequence[str] = ()) -> str:
    """Whether one scenario's answer holds across the assumptions, in a sentence.

    The answer holds when its median effect is on the same side (better, worse or no effect)
    as run and under every alternative; it is robust where ``Comparison.robust`` says so.
    ``given``: every alternative's label, so that those that did not run it are counted.
    """
    if not rows:
        return ""
    scenario, outcome = rows[0].scenario, rows[0].answer.outcome
    side = {r.assumption: robust.judge(r.answer.median, outcome) for r in rows}
    robust_in = [r.assumption for r in rows if r.answer.robust]
    not_robust = [r.assumption for r in rows if not r.answer.robust]
    n = len(rows)
    missing = [g for g in given if g not in side]
    untested = ""
    if missing:
        untested = f" Not run under {_names(missing) if len(missing) <= 2 else len(missing)}"
        untested += " of the alternatives." if len(missing) > 2 else "."
    if len(robust_in) == n:
        return f"`{scenario}`: robust as run and under {_each(n - 1)}.{untested}"
    sides = set(side.values())
    if len(sides) > 1:
        parts = [
            f"{word} under {_names([a for a, s in side.items() if s == judged])}"
            for judged, word in (
                ("better", "better"),
                ("worse", "worse"),
                ("no effect", "no effect"),
            )
            if judged in sides
        ]
        return (
            f"`{scenario}`: the median effect is {'; '.join(parts)}: the answer depends on "
            f"the assumption.{untested}"
        )
    where = {"better": "is on the better side", "worse": "is on the worse side"}.get(
        sides.pop(), "rounds to no effect"
    )
    robustness = (
        f"; robust under {_names(robust_in)}, not robust under {_names(not_robust)}"
        if robust_in
        else ""
    )
    return (
        f"`{scenario}`: the median effect {where} as run and under {_each(n - 1)}"
        f"{robustness}.{untested}"
    )


def _each(k: int) -> str:
    """``the alternative`` or ``each of the k alternatives``."""
    return "the alternative" if k == 1 else f"each of the {k} alternatives"


def _names(labels: Sequence[str]) -> str:
    """Assumption labels in words: ``a``, ``a and b``, ``a, b and c``."""
    quoted = [label if label == AS_RUN else f"'{label}'" for label in labels]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def table(rows: Sequence[Holding]) -> str:
    """A Markdown table: one row per scenario and assumption."""
    lines = [
        "| scenario | assumption | seeds | median effect | 90 % of worlds | better in | robust "
        "| shift: median | shift: 90 % of worlds | shift towards better / worse |",
        "|---|---|---:|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        a = r.answer
        better = f"{a.better} of {a.worlds}" + (f" (worse in {a.worse})" if a.worse else "")
        if r.shift is None:
            moved = ["", "", ""]
        else:
            s = r.shift
            moved = [
                effect_words(s.median, a.outcome),
                band_words(s.low, s.high, a.outcome),
                f"{s.towards_better} / {s.towards_worse} of {s.worlds}",
            ]
        lines.append(
            f"| {r.scenario} | {r.assumption} | {r.seeds} | {effect_words(a.median, a.outcome)} "
            f"| {band_words(a.low, a.high, a.outcome)} | {better} | "
            f"{'yes' if a.robust else 'no'} | " + " | ".join(moved) + " |"
        )
    return "\n".join(lines)


def overrides(main: Mapping[str, Any], other: Mapping[str, Any]) -> list[str]:
    """What ``other``'s config sets differently from ``main``'s, as ``key=value`` overrides.

    Both are a run's recorded config (``run.json``'s ``config``) of the same world, so the
    world's sampled values agree; the design, the replicates, the scenario and the number of
    steps are left out (they are not assumptions of the model), and so are the keys neither
    run's economics reads (a version-1 default changed between two version-2 sweeps).
    """
    a, b = flat(main), flat(other)
    unread = (
        set(VERSION_1_ONLY)
        if a.get("model.economics") == b.get("model.economics") == "v2"
        else set()
    )
    keys = sorted(
        k
        for k in set(a) | set(b)
        if a.get(k) != b.get(k)
        and k not in NOT_ASSUMPTIONS
        and k not in unread
        and not k.startswith(DESIGN_GROUPS)
    )
    return [f"{k}={_value(b.get(k))}" for k in keys]


def design_differences(main: Mapping[str, Any], other: Mapping[str, Any]) -> list[str]:
    """Where two recorded configs' designs differ: ``key: a != b`` (the worlds, the horizon).

    The design (``analysis.*``, ``uncertainty.*``), the quarters run and the root seed must
    agree for two sweeps' runs to pair: world w and seed s name the same world and seed only
    then.
    """
    a, b = flat(without_sources(main)), flat(without_sources(other))
    keys = sorted(
        k
        for k in set(a) | set(b)
        if (k.startswith(DESIGN_GROUPS) or k in ("steps", "seed")) and a.get(k) != b.get(k)
    )
    return [f"{k}: {_value(a.get(k))} != {_value(b.get(k))}" for k in keys]


def without_sources(config: Mapping[str, Any]) -> dict[str, Any]:
    """A recorded config without its uncertain parameters' labels and sources.

    Reason: a parameter's ``source`` says where its range comes from, in words; a sweep run
    before its wording was edited draws the same worlds, so it is the same design. (The runs'
    fingerprints keep the source: a stored sweep resumes only under the words it was planned
    with, ``sim.runs.replicates.without_words``.)
    """
    return without_words(config, ("label", "source"))


def _value(value: Any) -> str:
    """A config value as an override writes it (``true``, ``12000``, ``0.5``)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def section(rows: Sequence[Holding], described: Mapping[str, Sequence[str]]) -> str:
    """The Markdown section: the assumptions, a verdict per scenario, the table.

    Args:
        rows: ``holdings``.
        described: Each alternative's label and its overrides (``overrides``).
    """
    if not rows:
        return "No scenario was run under another assumption.\n"
    outcome = rows[0].answer.outcome
    text = "Each alternative is the same sweep with one structural assumption changed:\n\n"
    for label, keys in described.items():
        text += f"- **{label}**: `{' '.join(keys) or '(no config difference found)'}`\n"
    text += (
        f"\nThe lead outcome is the {label_of(outcome)} at the last quarter. A shift is, per "
        "world, the scenario's effect under the alternative minus its effect as run, on the "
        "seeds both sweeps ran (towards better: the scenario's advantage grows). An "
        "alternative run on fewer seeds is noisier: a scenario can lose its robustness there "
        "by noise alone.\n\n"
    )
    by_scenario: dict[str, list[Holding]] = {}
    for r in rows:
        by_scenario.setdefault(r.scenario, []).append(r)
    text += "".join(f"- {verdict(group, list(described))}\n" for group in by_scenario.values())
    return text + "\n" + table(rows) + "\n"
