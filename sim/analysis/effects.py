"""Scenario effects against the baseline, paired by seed, and their plain-words summary.

Every scenario of a sweep runs on the same replicate seeds (common random numbers), so the
difference between a scenario and the baseline on the same seed removes most of the noise
that both share. The effect is the mean of those paired differences at the last quarter,
with a 90 % Student-t interval; it is called distinguishable from noise when the interval
excludes zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.numbers import band, difference, is_zero, level
from sim.analysis.numbers import effect as effect_text
from sim.engine.outcomes import BY_NAME, headline, with_derived

# The outcomes a policy team reads first, in order (sim.engine.outcomes.OUTCOMES says which)
KEY_OUTCOMES: tuple[str, ...] = tuple(o.name for o in headline())


def pair_keys(frame: pd.DataFrame) -> list[str]:
    """What identifies one random world: seed and replicate (and design row, if any)."""
    return [k for k in ("sample", "seed", "replicate") if k in frame.columns]


LEVEL = 0.90


def with_totals(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Add every derived outcome per run and replicate (``sim.engine.outcomes.with_derived``).

    ``spend_total`` (cumulative government spending, USD bn) and ``tech_gap_years_mean``
    (the gap's mean over quarters 1..t); the registry says which and how.
    """
    return with_derived(outcomes, ("run", "replicate"))


def final_quarter(outcomes: pd.DataFrame) -> pd.DataFrame:
    """The last quarter of every (label, replicate)."""
    last = outcomes.groupby("label")["step"].transform("max")
    return outcomes[outcomes["step"] == last]


def interval(diff: np.ndarray, level: float = LEVEL) -> tuple[float, float, float]:
    """Mean and two-sided Student-t interval of the mean of ``diff``.

    Returns:
        (mean, low, high); low and high are NaN with fewer than two values.
    """
    diff = diff[np.isfinite(diff)]
    mean = float(diff.mean()) if diff.size else float("nan")
    if diff.size < 2:
        return mean, float("nan"), float("nan")
    half = stats.t.ppf(0.5 + level / 2, diff.size - 1) * diff.std(ddof=1) / np.sqrt(diff.size)
    return mean, mean - half, mean + half


def paired_differences(final: pd.DataFrame, label: str, baseline: str, column: str) -> np.ndarray:
    """``column`` of ``label`` minus ``baseline`` on every random world both ran."""
    keys = pair_keys(final)
    base = final[final["label"] == baseline].set_index(keys)[column]
    mine = final[final["label"] == label].set_index(keys)[column]
    pairs = mine.index.intersection(base.index)
    return (mine.loc[pairs] - base.loc[pairs]).to_numpy(dtype=float)


def paired_effects(final: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Each label's effect against ``baseline`` on every key outcome, paired by seed.

    Args:
        final: Last-quarter rows with ``label``, ``seed``, ``replicate`` and the outcomes.
        baseline: The label compared against.

    Returns:
        One row per label and outcome: final mean, effect (label minus baseline), its
        interval, the number of pairs, and whether the interval excludes zero.
    """
    rows = []
    for label, group in final.groupby("label", sort=False):
        for col in KEY_OUTCOMES:
            diff = paired_differences(final, label, baseline, col)
            mean, low, high = interval(diff)
            rows.append(
                {
                    "scenario": label,
                    "outcome": col,
                    "final_mean": float(group[col].mean()),
                    "effect_vs_baseline": mean,
                    "ci90_low": low,
                    "ci90_high": high,
                    "pairs": len(diff),
                    "against": baseline,
                    "distinguishable": bool(label != baseline and (low > 0 or high < 0)),
                }
            )
    return pd.DataFrame(rows)


def compare(final: pd.DataFrame, against: dict[str, str]) -> pd.DataFrame:
    """Paired effects of every label against its own baseline (``against[label]``).

    Baselines appear once, against themselves (effect 0). Labels without a baseline are
    left out.
    """
    tables = []
    for base in dict.fromkeys(against.values()):
        members = [base, *[lab for lab, b in against.items() if b == base and lab != base]]
        table = paired_effects(final[final["label"].isin(members)], base)
        tables.append(table)
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()


def verdict(row: pd.Series) -> str:
    """One plain sentence on one effect (numbers rounded per unit: sim.analysis.numbers)."""
    key = row["outcome"]
    outcome = BY_NAME[key]
    name, better = outcome.label, outcome.better
    effect = row["effect_vs_baseline"]
    if row["pairs"] < 2:
        return f"{name}: not paired with `{row['against']}` (fewer than two common seeds)"
    bounds = f"90 % interval {band(row['ci90_low'], row['ci90_high'], key)}"
    if not row["distinguishable"] or is_zero(effect, key):
        shown = effect_text(effect, key)
        return f"{name}: no difference distinguishable from noise ({shown}; {bounds})"
    direction = "higher" if effect > 0 else "lower"
    good = (better == "lower" and effect < 0) or (better == "higher" and effect > 0)
    bad = (better == "lower" and effect > 0) or (better == "higher" and effect < 0)
    judgement = " (better)" if good else " (worse)" if bad else ""
    size = difference(abs(effect), key, signed=False)
    return f"{name}: {direction} by {size}{judgement}; {bounds}"


def summary_markdown(effects: pd.DataFrame, replicates: int, steps: int | str) -> str:
    """The summary a person reads: sentences per scenario, then the full table.

    ``steps``: the quarters run, or words for several (``"8 to 16"``, a folder of sweeps).
    """
    baselines = list(dict.fromkeys(effects["against"]))
    named = ", ".join(f"`{b}`" for b in baselines)
    lines = [
        "# Scenario comparison",
        "",
        f"At least {replicates} seeds per scenario, {steps} quarters. An effect is the "
        f"scenario minus its baseline ({named}) at the last quarter, paired by seed (the same "
        "seeds for every scenario), with a 90 % interval; it is *distinguishable from noise* "
        f"when that interval excludes zero. {len(effects)} effects are listed, so at 90 % "
        "about one in ten of those without a real difference will look distinguishable.",
        "",
    ]
    for label, group in effects.groupby("scenario", sort=False):
        if label in baselines:
            continue
        lines.append(f"## {label} (against `{group['against'].iloc[0]}`)")
        lines.append("")
        for _, row in group.iterrows():
            lines.append(f"- {verdict(row)}")
        lines.append("")
    lines += [
        "## All effects",
        "",
        "| scenario | outcome | final mean | effect vs baseline | 90 % interval | "
        "distinguishable from noise |",
        "|---|---|---:|---:|---|---|",
    ]
    for r in effects.itertuples():
        base = r.scenario == r.against
        interval_text = "-" if base else band(r.ci90_low, r.ci90_high, r.outcome)
        verdict_text = "-" if base else ("yes" if r.distinguishable else "no")
        lines.append(
            f"| {r.scenario} | {r.outcome} | {level(r.final_mean, r.outcome)} | "
            f"{effect_text(r.effect_vs_baseline, r.outcome)} | {interval_text} | {verdict_text} |"
        )
    return "\n".join(lines) + "\n"
