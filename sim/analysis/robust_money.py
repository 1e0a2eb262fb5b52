"""Cost-effectiveness across plausible worlds: years of gap closed per extra USD bn.

In each world of a robust sweep (column ``sample``), a scenario's cost-effectiveness is the
paired counterfactual of ``sim.analysis.cost_effectiveness``: against the baseline, on the
same seeds, the gap it closed beyond the baseline at the last quarter over the extra money it
spent over the run, a ratio of means over the world's seeds (``ratio_of_means``, not written
again here). Across worlds (``summarise``): the median, the 90 % band (the 5th to the 95th
percentile of the worlds' ratios, ``sim.analysis.robust.BAND``) and the worlds where it is
positive. A world where the scenario spends no more than the baseline (within
``SPEND_TOLERANCE``) has no ratio; a scenario with no ratio in any world says "no extra
spend". ``rows`` words the summary for the report (``sim.analysis.robust_report`` lays it
out), with no number in scientific notation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis import numbers
from sim.analysis.cost_effectiveness import paired_frame, ratio_of_means, status
from sim.analysis.robust import BAND, WORLD

NO_EXTRA = "no extra spend"
WORLD_COLUMNS = ["scenario", "world", "pairs", "extra_usd_bn", "closed_years", "years_per_usd_bn"]
SUMMARY_COLUMNS = [
    "scenario",
    "worlds",
    "extra_usd_bn_median",
    "with_ratio",
    "median",
    "band_low",
    "band_high",
    "positive",
    "status",
]
HEADER = [
    "scenario",
    "extra spend (median over worlds)",
    "years of gap closed per extra USD bn (median)",
    "90 % of worlds",
    "positive in",
]


def world_costs(final: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Each scenario's paired cost-effectiveness in each world.

    Args:
        final: Last-quarter rows: ``label``, ``sample``, ``seed``, ``replicate``,
            ``tech_gap_years`` and ``spend_total`` (USD bn).
        baseline: The baseline's label.

    Returns:
        ``WORLD_COLUMNS``: pairs (seeds both ran), mean extra spend (USD bn), mean gap closed
        (years) and their ratio (NaN where the mean extra spend is within the tolerance).
    """
    rows = []
    for label in (x for x in final["label"].drop_duplicates() if x != baseline):
        pairs = paired_frame(final, str(label), baseline)
        if WORLD not in pairs.index.names:
            continue
        for world, group in pairs.groupby(level=WORLD, sort=True):
            closed, extra = group["closed"].to_numpy(), group["extra"].to_numpy()
            rows.append(
                {
                    "scenario": label,
                    "world": world,
                    "pairs": len(group),
                    "extra_usd_bn": float(extra.mean()),
                    "closed_years": float(closed.mean()),
                    "years_per_usd_bn": ratio_of_means(closed, extra)[0],
                }
            )
    return pd.DataFrame(rows, columns=WORLD_COLUMNS)


def summarise(per_world: pd.DataFrame) -> pd.DataFrame:
    """Per scenario: median extra spend, and the ratio's median, 90 % band and sign across worlds.

    ``with_ratio`` counts the worlds with a ratio (extra spend not zero); ``positive`` those
    where it is above zero. ``status`` is ``cost_effectiveness.status`` of the median extra
    spend (``costs more``, ``spends less``, ``no extra spend``) when every world's extra spend
    has that sign, else ``mixed``.
    """
    rows = []
    for scenario, group in per_world.groupby("scenario", sort=False):
        ratios = group["years_per_usd_bn"].to_numpy(dtype=float)
        ratios = ratios[np.isfinite(ratios)]
        extra = group["extra_usd_bn"].to_numpy(dtype=float)
        kinds = {status(2, float(x)) for x in extra}
        low, high = np.quantile(ratios, BAND) if ratios.size else (np.nan, np.nan)
        rows.append(
            {
                "scenario": scenario,
                "worlds": len(group),
                "extra_usd_bn_median": float(np.median(extra)) if extra.size else np.nan,
                "with_ratio": int(ratios.size),
                "median": float(np.median(ratios)) if ratios.size else np.nan,
                "band_low": float(low),
                "band_high": float(high),
                "positive": int((ratios > 0).sum()),
                "status": kinds.pop() if len(kinds) == 1 else "mixed",
            }
        )
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def rows(summary: pd.DataFrame) -> list[tuple[list[str], str]]:
    """The report's table: per scenario, its cells (``HEADER``) and the median's verdict.

    The verdict is ``better`` for a positive median of a scenario that costs more (a negative
    one that spends less), ``worse`` the other way, ``""`` without a ratio. Scenarios come
    with the best median first, those with no extra spend last.
    """
    order = summary.assign(key=summary["median"].fillna(-np.inf)).sort_values(
        "key", ascending=False, kind="stable"
    )
    out = []
    for r in order.itertuples():
        spend = numbers.money(float(r.extra_usd_bn_median), signed=True)
        if r.with_ratio == 0:
            out.append(([str(r.scenario), spend, NO_EXTRA, NO_EXTRA, NO_EXTRA], ""))
            continue
        band = f"{numbers.per_usd_bn(r.band_low)} to {numbers.per_usd_bn(r.band_high)}"
        share = f"{r.positive} of {r.with_ratio} ({100 * r.positive / r.with_ratio:.0f} %)"
        sign = 1 if r.status != "spends less" else -1
        median = numbers.per_usd_bn(r.median)
        verdict = (
            "" if median == numbers.NO_EFFECT else "better" if sign * r.median > 0 else "worse"
        )
        out.append(([str(r.scenario), spend, median, band, share], verdict))
    return out


def intro(baseline: str) -> str:
    """What the table's numbers are."""
    return (
        f"In each world, a scenario's cost-effectiveness is the years of technology gap it "
        f"closed beyond {baseline} at the last quarter per extra USD bn of government money it "
        f"spent over the run, both paired with {baseline} on the same seeds (a ratio of "
        "means over the world's seeds). The median and the 90 % band are across worlds. "
        "Scenarios named ..._equal_spend plan the same total as the scenario they are "
        "rescaled to (docs/robust.md); compare them per USD bn and at equal money."
    )


def markdown_lines(summary: pd.DataFrame, baseline: str) -> list[str]:
    """The table as Markdown lines after its intro (none without a scenario)."""
    if summary.empty:
        return []
    lines = ["", intro(baseline), ""]
    lines += [f"| {' | '.join(HEADER)} |", "|---|---:|---:|---|---:|"]
    return lines + [f"| {' | '.join(texts)} |" for texts, _ in rows(summary)]
