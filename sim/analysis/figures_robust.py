"""Figures that tell worlds from seeds: effects across plausible worlds, outcomes over time.

- ``world_effects``: for each scenario (rows, in the ranking's order) its effect against the
  baseline in every plausible world (a dot per world), the median (a bar) and the 90 % band
  across worlds (a thick line), coloured by better or worse (``sim.analysis.palette``), with
  the better side named in words; one panel per outcome.
- ``over_time``: each key outcome over time as small multiples, at most ``GROUP`` scenarios
  and the baseline per panel, labelled at the line's end instead of a legend. Where the
  results have worlds, the line is the median across worlds of each world's mean over its
  seeds and the band holds 90 % of worlds; otherwise the line is the mean across seeds and
  the band holds 90 % of seeds. The titles say which.

Type is at least ``FONT`` pt on a figure ``WIDTH`` inches wide, shown at about its size on a
1366-px-wide page.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from sim.analysis import numbers
from sim.analysis.palette import BETTER, FAINT, INK, SECONDARY_INK, WORSE, scenario_colours
from sim.engine.outcomes import BY_NAME

WIDTH = 12.0  # inches: about the page's width at 110 dpi
FONT = 12.0  # points: the smallest type in these figures (9 pt on a 1024-px page)
GROUP = 3  # scenarios per panel besides the baseline
BAND = (0.05, 0.95)
VERDICT_COLOUR = {"better": BETTER, "worse": WORSE}


def unit_words(outcome: str) -> str:
    """The unit of an effect in words: ``percentage points`` for shares."""
    kind = numbers.unit(outcome)
    return "percentage points" if kind == "share" else kind


def better_words(outcome: str) -> tuple[str, str]:
    """The words at the left and right ends of an effect axis (lower, higher)."""
    better = BY_NAME[outcome].better
    if better == "lower":
        return "\u2190 better (lower)", "worse (higher) \u2192"
    if better == "higher":
        return "\u2190 worse (lower)", "better (higher) \u2192"
    return "\u2190 lower", "higher \u2192"


def _effect_panel(
    ax: Axes, table: pd.DataFrame, outcome: str, order: Sequence[str], labels: bool
) -> None:
    column = f"effect_{outcome}"
    rng = np.random.default_rng(0)  # vertical jitter of the dots only
    for row, scenario in enumerate(order):
        values = table.loc[table["scenario"] == scenario, column].dropna().to_numpy(float)
        if values.size == 0:
            continue
        shown = numbers.scaled(1.0, outcome) * values
        colours = [VERDICT_COLOUR.get(numbers.verdict(v, outcome), FAINT) for v in values]
        low, high = np.quantile(shown, BAND)
        median = float(np.median(values))
        colour = VERDICT_COLOUR.get(numbers.verdict(median, outcome), SECONDARY_INK)
        ax.hlines(row, low, high, color=colour, lw=5, alpha=0.35, zorder=1)
        ax.scatter(shown, row + rng.uniform(-0.18, 0.18, shown.size), s=22, c=colours, zorder=2)
        ax.scatter([numbers.scaled(median, outcome)], [row], marker="|", s=400, c=INK, zorder=3)
    ax.axvline(0, color=INK, lw=0.9)
    ax.set_yticks(range(len(order)), list(order) if labels else [""] * len(order))
    ax.set_ylim(len(order) - 0.5, -0.5)
    ax.grid(alpha=0.3, axis="x")
    left, right = better_words(outcome)
    ax.set_xlabel(
        f"{textwrap.fill(BY_NAME[outcome].label, 44)}\n"
        f"effect against the baseline ({unit_words(outcome)})\n{left}      {right}"
    )
    ax.xaxis.set_major_formatter(lambda value, _: numbers.number(value, 2, trim=True))


def world_effects(
    table: pd.DataFrame, outcomes: Sequence[str], order: Sequence[str], baseline: str, title: str
) -> Figure:
    """Each scenario's effect in every world against ``baseline``, one panel per outcome.

    Args:
        table: One row per scenario and world, a column ``effect_<outcome>`` per outcome
            (``RobustAnswers.world_table``).
        outcomes: The outcomes, one panel each (three panels a row).
        order: The scenarios, top to bottom (the ranking's order).
        baseline: The baseline's name (for the legend).
        title: The figure's title.
    """
    cols = min(len(outcomes), 3)
    rows = int(np.ceil(len(outcomes) / cols))
    height = 1.4 + rows * (0.45 * len(order) + 1.8)
    width = WIDTH if cols > 1 else 0.75 * WIDTH  # one panel: shown near its size at 1024 px
    with plt.rc_context({"font.size": FONT}):
        fig, axes = plt.subplots(
            rows, cols, figsize=(width, height), squeeze=False, constrained_layout=True
        )
        for i, (ax, outcome) in enumerate(zip(axes.flat, outcomes, strict=False)):
            _effect_panel(ax, table, outcome, order, labels=i % cols == 0)
        for ax in axes.flat[len(outcomes) :]:
            ax.set_visible(False)
        handles = [
            plt.Line2D([], [], ls="", marker="o", color=BETTER, label="a world, better"),
            plt.Line2D([], [], ls="", marker="o", color=WORSE, label="a world, worse"),
            plt.Line2D([], [], ls="", marker="o", color=FAINT, label="a world, no effect"),
            plt.Line2D([], [], ls="", marker="|", ms=14, color=INK, label="median of worlds"),
            plt.Line2D([], [], lw=5, alpha=0.35, color=SECONDARY_INK, label="90 % of worlds"),
        ]
        fig.legend(
            handles=handles, loc="outside lower center", ncol=5 if cols > 1 else 3, frameon=False
        )
        fig.suptitle(f"{title}\n(0 = the same as {baseline} in that world)", fontsize=FONT + 2)
    return fig


def readable(colour: str) -> tuple[float, float, float]:
    """``colour`` darkened until text in it reads on white (light greens and yellows)."""
    rgb = np.array(to_rgb(colour))
    lightness = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    factor = min(1.0, 0.45 / lightness) if lightness > 0.45 else 1.0
    r, g, b = (rgb * factor).tolist()
    return (r, g, b)


def spread_labels(
    y: Sequence[float], gap: float, bounds: tuple[float, float] | None = None
) -> list[float]:
    """Label positions near ``y``, at least ``gap`` apart, inside ``bounds`` where they fit."""
    order = np.argsort(y)
    placed = np.array(y, dtype=float)[order]
    for i in range(1, len(placed)):
        placed[i] = max(placed[i], placed[i - 1] + gap)
    shift = (placed - np.array(y, dtype=float)[order]).mean() if len(placed) else 0.0
    placed -= shift / 2
    if bounds is not None and len(placed):
        low, high = bounds[0] + gap / 2, bounds[1] - gap / 2
        placed += max(0.0, low - placed[0]) - max(0.0, placed[-1] - high)
    out = np.empty(len(placed))
    out[order] = placed
    return out.tolist()


def _series(rows: pd.DataFrame, column: str, worlds: bool) -> pd.DataFrame:
    """Per step: the line and the band (``mid``, ``low``, ``high``).

    Where ``worlds``, a run without a world (``sample`` empty: a single run or a sweep at the
    defaults reported beside a robust one) counts as one world of its own, not as no row.
    """
    if worlds:  # each world's mean over its seeds, then across worlds
        per_world = rows.groupby(["sample", "step"], dropna=False)[column].mean()
        by_step = per_world.groupby(level="step")
        mid = by_step.median()
    else:
        by_step = rows.groupby("step")[column]
        mid = by_step.mean()
    return pd.DataFrame(
        {"mid": mid, "low": by_step.quantile(BAND[0]), "high": by_step.quantile(BAND[1])}
    )


def over_time(
    outcomes: pd.DataFrame, labels: Sequence[str], columns: Sequence[str], worlds: bool
) -> Figure:
    """Each outcome over time (rows) for groups of scenarios with the baseline (columns).

    Args:
        outcomes: Every quarter's rows with ``label``, ``step``, the outcomes and, where
            ``worlds``, ``sample``.
        labels: The labels, the baseline first.
        columns: The outcomes, one row of panels each.
        worlds: Whether the band is across worlds (else across seeds).
    """
    base, others = labels[0], list(labels[1:])
    groups = [others[i : i + GROUP] for i in range(0, len(others), GROUP)] or [[]]
    colours = scenario_colours(labels)
    what = (
        "line: median of worlds (each world the mean of its seeds); band: 90 % of worlds"
        if worlds
        else "line: mean of seeds; band: 90 % of seeds"
    )
    with plt.rc_context({"font.size": FONT}):
        fig, axes = plt.subplots(
            len(columns),
            len(groups),
            figsize=(WIDTH, 0.8 + 2.9 * len(columns)),
            squeeze=False,
            constrained_layout=True,
            sharey="row",
        )
        for r, column in enumerate(columns):
            for c, group in enumerate(groups):
                ax = axes[r, c]
                ends = []
                for label in [base, *group]:
                    series = _series(outcomes[outcomes["label"] == label], column, worlds)
                    scale = numbers.scaled(1.0, column)
                    years = series.index.to_numpy() / 4
                    colour = colours[label]
                    ax.plot(years, scale * series["mid"], color=colour, lw=1.8)
                    ax.fill_between(
                        years,
                        scale * series["low"],
                        scale * series["high"],
                        color=colour,
                        alpha=0.10,
                        lw=0,
                    )
                    ends.append((label, years[-1], scale * float(series["mid"].iloc[-1])))
                low, high = ax.get_ylim()
                placed = spread_labels([e[2] for e in ends], 0.075 * (high - low), (low, high))
                last = years[-1]
                for (label, x, y_end), y in zip(ends, placed, strict=True):
                    ax.plot([x, x + 0.06 * last], [y_end, y], color=FAINT, lw=0.6)
                    ax.annotate(
                        label,
                        (x + 0.06 * last, y),
                        xytext=(2, 0),
                        textcoords="offset points",
                        va="center",
                        color=readable(colours[label]),
                        fontsize=FONT,
                    )
                ax.set_ylim(low, high)
                ax.set_xlim(0, last * 1.9)
                ax.set_xticks([t for t in ax.get_xticks() if 0 <= t <= last])
                ax.grid(alpha=0.3)
                if c == 0:
                    kind = numbers.unit(column)
                    ax.set_ylabel(
                        textwrap.fill(
                            f"{BY_NAME[column].label} ({'%' if kind == 'share' else kind})", 30
                        )
                    )
                if r == len(columns) - 1:
                    ax.set_xlabel("Years from the start")
        fig.suptitle(f"Key outcomes over time ({what})", fontsize=FONT + 2)
    return fig
