"""Cost-effectiveness of each scenario against its baseline, paired by seed and world.

One run has no baseline, so a policy's cost-effectiveness comes from pairs of runs: a
scenario ``s`` and the baseline it is compared with ``b`` (``against``, as for the paired
effects) on the same random world ``k``: the same seed and replicate, the same design row
if any, and the same world if the results hold several. At the last quarter::

    closed_k = gap_b,k - gap_s,k      years of technology gap the scenario closed beyond
                                      the baseline (positive: the scenario is ahead)
    extra_k = spend_s,k - spend_b,k   USD bn of government money the scenario spent beyond
                                      the baseline, cumulated from the start

The cost-effectiveness is the ratio of means over the ``n`` pairs::

    CE = sum_k closed_k / sum_k extra_k = mean(closed) / mean(extra)   years per extra USD bn

and not the mean of the ratios ``closed_k / extra_k``, which is undefined for a pair whose
extra spend is zero and meaningless when extra spend changes sign from pair to pair. Its 90 %
interval is by the delta method: with the residuals ``r_k = closed_k - CE * extra_k``,
``se = sd(r) / (sqrt(n) * |mean(extra)|)`` and the interval is ``CE -+ t(0.95, n-1) * se``
(Student-t, as the paired effects of ``sim.analysis.effects``). When every pair spends the
same extra money (a fixed budget), this is the interval of the mean gap closed divided by
that extra spend.

What the ``status`` of a row says, and which of its numbers are NaN (nothing else is):

- ``costs more``: the mean extra spend is above ``SPEND_TOLERANCE`` (USD bn). ``CE`` is
  years of gap closed per extra USD bn.
- ``spends less``: the mean extra spend is below ``-SPEND_TOLERANCE``. ``CE`` is the same
  ratio, read as years of gap given up per USD bn saved; negative, the scenario closes more
  gap while spending less.
- ``no extra spend``: the mean extra spend is within ``SPEND_TOLERANCE`` of zero. There is
  no ratio (it would divide by zero, giving inf or NaN): ``CE`` and its interval are NaN;
  the gap closed is reported with its interval.
- ``one common seed``: one pair: the means are reported, no interval (NaN); with ``, no
  extra spend`` added, no ratio either.
- ``no common seeds``: nothing to pair: every number is NaN and ``pairs`` is 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.effects import LEVEL, interval, pair_keys
from sim.analysis.numbers import number

GAP = "tech_gap_years"  # years
SPEND = "spend_total"  # USD bn, cumulative (sim.analysis.effects.with_totals)
# Below this mean extra spend (USD bn) a scenario spends no more than its baseline: USD 1,
# the per-run column's threshold (sim.engine.measures.per_spend). A numerical tolerance for
# sums of USD m in floating point, not a modelling choice.
SPEND_TOLERANCE = 1e-9

COLUMNS = (
    "scenario",
    "against",
    "pairs",
    "extra_spend_usd_bn",
    "gap_closed_years",
    "gap_closed_ci90_low",
    "gap_closed_ci90_high",
    "years_per_usd_bn",
    "ci90_low",
    "ci90_high",
    "status",
)


def keys(final: pd.DataFrame) -> list[str]:
    """What identifies one random world: seed, replicate, design row, world (where present)."""
    return [*pair_keys(final), *(["world"] if "world" in final.columns else [])]


def paired_frame(final: pd.DataFrame, label: str, baseline: str) -> pd.DataFrame:
    """Gap closed (years) and extra spend (USD bn) of ``label`` beyond ``baseline``, per pair.

    Args:
        final: Last-quarter rows with ``label``, the pairing keys, ``tech_gap_years`` and
            ``spend_total``.
        label: The scenario.
        baseline: The label it is compared with.

    Returns:
        Columns ``closed`` and ``extra``, one row per random world both ran with finite
        values, indexed by the pairing keys (``keys``), so that callers may group the pairs
        (``sim.analysis.robust_money``: by plausible world).
    """
    by = keys(final)
    base = final[final["label"] == baseline].set_index(by)[[GAP, SPEND]]
    mine = final[final["label"] == label].set_index(by)[[GAP, SPEND]]
    pairs = mine.index.intersection(base.index)
    frame = pd.DataFrame(
        {
            "closed": (base.loc[pairs, GAP] - mine.loc[pairs, GAP]).to_numpy(dtype=float),
            "extra": (mine.loc[pairs, SPEND] - base.loc[pairs, SPEND]).to_numpy(dtype=float),
        },
        index=pairs,
    )
    return frame[np.isfinite(frame["closed"]) & np.isfinite(frame["extra"])]


def paired_costs(final: pd.DataFrame, label: str, baseline: str) -> tuple[np.ndarray, np.ndarray]:
    """``paired_frame`` as two arrays: ``(closed, extra)``, one value per pair."""
    frame = paired_frame(final, label, baseline)
    return frame["closed"].to_numpy(), frame["extra"].to_numpy()


def ratio_of_means(
    closed: np.ndarray, extra: np.ndarray, level: float = LEVEL
) -> tuple[float, float, float]:
    """``sum(closed) / sum(extra)`` and its delta-method Student-t interval.

    Returns:
        (ratio, low, high): all NaN without pairs or when the mean extra spend is within
        ``SPEND_TOLERANCE`` of zero; low and high NaN with fewer than two pairs.
    """
    nan = float("nan")
    if not closed.size or abs(extra.mean()) <= SPEND_TOLERANCE:
        return nan, nan, nan
    ratio = float(closed.mean() / extra.mean())
    if closed.size < 2:
        return ratio, nan, nan
    residuals = closed - ratio * extra
    se = residuals.std(ddof=1) / (np.sqrt(closed.size) * abs(extra.mean()))
    half = float(stats.t.ppf(0.5 + level / 2, closed.size - 1) * se)
    return ratio, ratio - half, ratio + half


def status(pairs: int, extra: float) -> str:
    """The row's case (module docstring): what its numbers mean and which are NaN."""
    if pairs == 0:
        return "no common seeds"
    spent = abs(extra) > SPEND_TOLERANCE
    if pairs == 1:
        return "one common seed" if spent else "one common seed, no extra spend"
    if not spent:
        return "no extra spend"
    return "costs more" if extra > 0 else "spends less"


def cost_effectiveness(final: pd.DataFrame, against: dict[str, str]) -> pd.DataFrame:
    """Each scenario's gap closed, extra spend and years per extra USD bn against its baseline.

    Args:
        final: Last-quarter rows (``paired_costs``).
        against: Each label's baseline label; baselines (mapped to themselves) are left out.

    Returns:
        One row per scenario with the columns of ``COLUMNS`` (module docstring).
    """
    rows = []
    for label, base in against.items():
        if label == base:
            continue
        closed, extra = paired_costs(final, label, base)
        mean_extra = float(extra.mean()) if extra.size else float("nan")
        gap, gap_low, gap_high = interval(closed)
        ratio, low, high = ratio_of_means(closed, extra)
        rows.append(
            {
                "scenario": label,
                "against": base,
                "pairs": int(closed.size),
                "extra_spend_usd_bn": mean_extra,
                "gap_closed_years": gap,
                "gap_closed_ci90_low": gap_low,
                "gap_closed_ci90_high": gap_high,
                "years_per_usd_bn": ratio,
                "ci90_low": low,
                "ci90_high": high,
                "status": status(int(closed.size), mean_extra),
            }
        )
    return pd.DataFrame(rows, columns=list(COLUMNS))


def sentence(row: pd.Series) -> str:
    """One row in plain words."""
    who, base = f"`{row['scenario']}`", f"`{row['against']}`"
    if row["status"] == "no common seeds":
        return f"{who} shares no seed with {base}: not compared."
    spend = abs(row["extra_spend_usd_bn"])
    gap = f"closes {number(row['gap_closed_years'], 2, signed=True)} years of the gap beyond {base}"
    if row["pairs"] >= 2:
        gap += f" (90 % interval {number(row['gap_closed_ci90_low'], 2, signed=True)} to "
        gap += f"{number(row['gap_closed_ci90_high'], 2, signed=True)})"
    if row["status"].endswith("no extra spend"):
        return (
            f"{who} spends no more than {base} and {gap}: no extra spend, so no years per "
            "USD bn to report."
        )
    ratio = number(row["years_per_usd_bn"], 3, signed=True, trim=True)
    bounds = (
        f" (90 % interval {number(row['ci90_low'], 3, signed=True)} to "
        f"{number(row['ci90_high'], 3, signed=True)})"
        if row["pairs"] >= 2
        else " (one common seed: no interval)"
    )
    if row["extra_spend_usd_bn"] > 0:
        return (
            f"{who} spends USD {number(spend, 1, trim=True)} bn more than {base} and {gap}: "
            f"{ratio} years of gap closed per extra USD bn{bounds}."
        )
    return (
        f"{who} spends USD {number(spend, 1, trim=True)} bn less than {base} and {gap}: it gives "
        f"up {ratio} years of gap per USD bn saved{bounds}; negative means it closes more gap "
        "for less money."
    )


def _number(value: float, fmt: str) -> str:
    return "-" if not np.isfinite(value) else format(value, fmt)


def markdown(table: pd.DataFrame) -> str:
    """The summary's section: a sentence and a table row per scenario."""
    if table.empty:
        return ""
    lines = [
        "## Cost-effectiveness against the baseline",
        "",
        "Years of technology gap closed per extra USD bn of government money, each scenario "
        "against its baseline on the same seeds and world: the gap the scenario closed beyond "
        "the baseline at the last quarter, summed over the pairs, divided by the extra money "
        "it spent over the run, summed likewise (a ratio of means, with a 90 % delta-method "
        "interval). A single run's `gap_change_per_own_spend` is not this: it has no baseline.",
        "",
        *(f"- {sentence(row)}" for _, row in table.iterrows()),
        "",
        "| scenario | against | pairs | extra spend (USD bn) | gap closed (years) | "
        "90 % interval | years per extra USD bn | 90 % interval | status |",
        "|---|---|---:|---:|---:|---|---:|---|---|",
    ]
    for r in table.itertuples():
        gap_bounds = f"[{_number(r.gap_closed_ci90_low, '+.3g')}, "
        gap_bounds += f"{_number(r.gap_closed_ci90_high, '+.3g')}]"
        bounds = f"[{_number(r.ci90_low, '+.3g')}, {_number(r.ci90_high, '+.3g')}]"
        lines.append(
            f"| {r.scenario} | {r.against} | {r.pairs} | {_number(r.extra_spend_usd_bn, '+.4g')} "
            f"| {_number(r.gap_closed_years, '+.3g')} | {gap_bounds} | "
            f"{_number(r.years_per_usd_bn, '+.3g')} | {bounds} | {r.status} |"
        )
    return "\n".join(lines) + "\n"
