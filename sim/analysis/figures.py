"""The report's figures, each a function of tidy results returning a matplotlib Figure.

One colour per scenario label in every figure, and the same colours for open and closed
alliances, firms alone and domains as the dashboard and the notebooks (all from
:mod:`sim.analysis.palette`, colour-blind safe); plain-word titles and axis labels with
units. Time is in years from the start (quarter / 4).
"""

from __future__ import annotations

import textwrap
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.analysis import figures_robust
from sim.analysis.effects import interval, paired_differences
from sim.analysis.palette import (
    DOMAIN_COLOURS,
    FAINT,
    MEMBERSHIP_COLOURS,
    MODEL_BAND,
    MODEL_LINE,
    SCENARIO_PALETTE,
    scenario_styles,
)
from sim.analysis.words import parameter_words
from sim.config.vocabulary import DOMAINS
from sim.engine.outcomes import BY_NAME, over_time

OVER_TIME: tuple[str, ...] = tuple(o.name for o in over_time())
WIDTH, FONT = figures_robust.WIDTH, figures_robust.FONT  # about the page's width; smallest type
colours = scenario_styles  # (colour, line style, marker) per scenario label, by position


def _axis_label(column: str) -> str:
    o = BY_NAME[column]
    name, unit, better = o.label, ("%" if o.unit == "share" else o.unit), o.better
    hint = f", {better} is better" if better else ""
    return f"{textwrap.fill(name, 44)}\n({unit}{hint})"


def final_distributions(final: pd.DataFrame, style: dict) -> Figure:
    """Final outcomes per scenario as distributions across seeds (box and points)."""
    columns = [*(c for c in OVER_TIME if c != "share_alone"), "share_alone"]
    labels = list(style)
    rng = np.random.default_rng(0)  # jitter of the points only
    with plt.rc_context({"font.size": FONT}):
        fig, axes = plt.subplots(
            4, 2, figsize=(WIDTH, 4 * (0.3 * len(labels) + 1.3)), constrained_layout=True
        )
        for ax, col in zip(axes.flat, columns, strict=True):
            data = [final.loc[final["label"] == lab, col].to_numpy(dtype=float) for lab in labels]
            scale = 100.0 if BY_NAME[col].unit == "share" else 1.0
            data = [scale * d for d in data]
            ax.boxplot(
                data,
                orientation="horizontal",
                widths=0.6,
                showfliers=False,
                medianprops={"color": "k"},
            )
            for i, (lab, values) in enumerate(zip(labels, data, strict=True)):
                y = i + 1 + rng.uniform(-0.18, 0.18, values.size)
                ax.scatter(values, y, s=12, color=style[lab][0], alpha=0.8, zorder=3)
            shown = labels if ax in axes[:, 0] else [""] * len(labels)
            ax.set_yticks(range(1, len(labels) + 1), shown)
            ax.invert_yaxis()
            ax.set_xlabel(_axis_label(col))
            ax.grid(alpha=0.3, axis="x")
        fig.suptitle(
            "Final outcomes across seeds (one point per seed; box: quartiles)", fontsize=FONT + 2
        )
    return fig


def alliance_landscape(outcomes: pd.DataFrame, alliances: pd.DataFrame, style: dict) -> Figure:
    """Firms in open alliances, closed ones and alone over time (stacked), per scenario.

    ``alliances`` (the last quarter's alliances) is kept for callers; the sizes are in the
    history section and the tables.
    """
    labels = list(style)
    cols = min(len(labels), 4)
    rows = int(np.ceil(len(labels) / cols))
    with plt.rc_context({"font.size": FONT}):
        fig, axes = plt.subplots(
            rows,
            cols,
            figsize=(WIDTH, 0.9 + 2.7 * rows),
            squeeze=False,
            constrained_layout=True,
            sharex=True,
            sharey=True,
        )
        for ax in axes.flat[len(labels) :]:
            ax.set_visible(False)
        kinds = ("open", "closed", "alone")
        names = ["in open alliances", "in closed alliances", "alone"]
        for i, (ax, label) in enumerate(zip(axes.flat, labels, strict=False)):
            mean = (
                outcomes[outcomes["label"] == label]
                .groupby("step")[[f"share_{k}" for k in kinds]]
                .mean()
            )
            ax.stackplot(
                mean.index / 4,
                *(100 * mean[f"share_{k}"] for k in kinds),
                colors=[MEMBERSHIP_COLOURS[k] for k in kinds],
                labels=names,
            )
            ax.set_title(label, fontsize=FONT)
            ax.set_ylim(0, 100)
            if i % cols == 0:
                ax.set_ylabel("Share of firms (%)")
            if i >= len(labels) - cols:
                ax.set_xlabel("Years from the start")
                ax.xaxis.set_tick_params(labelbottom=True)
        handles, texts = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, texts, loc="outside lower center", ncol=3, frameon=False)
        fig.suptitle(
            "Alliance landscape: share of firms in open alliances, closed ones, or alone "
            "(mean of seeds)",
            fontsize=FONT + 1,
        )
    return fig


def tradeoff(final: pd.DataFrame, against: dict[str, str], style: dict) -> Figure:
    """Gap reduction against government money spent: one point per scenario, 90 % intervals.

    Each scenario is paired by seed with its own baseline (``against``).
    """
    fig, ax = plt.subplots(figsize=(9, 6.5), constrained_layout=True)
    points: list[tuple[float, float, str]] = []
    for label, (colour, _, marker) in style.items():
        if label not in against:
            continue
        y, ylo, yhi = interval(-paired_differences(final, label, against[label], "tech_gap_years"))
        spent = final.loc[final["label"] == label, "spend_total"]
        x, xlo, xhi = interval(spent.to_numpy(dtype=float))
        xerr = [[x - xlo], [xhi - x]] if np.isfinite(xlo) else None
        yerr = [[y - ylo], [yhi - y]] if np.isfinite(ylo) else None
        ax.errorbar(x, y, xerr=xerr, yerr=yerr, fmt=marker, color=colour, ms=8, capsize=4)
        points.append((float(x), float(y), label))
    direct_labels(ax, points)
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xlabel("Government money spent over the run (USD bn; mean and 90 % interval)")
    names = ", ".join(dict.fromkeys(against.values()))
    ax.set_ylabel(f"Technology gap closed versus {names} (years; higher is better)")
    ax.set_title("Policy trade-off: gap reduction against money spent", fontsize=13)
    ax.grid(alpha=0.3)
    return fig


LABEL_PT = 9  # type size of a point's name (points)
CHAR_WIDTH = 0.55  # a character's mean width as a share of the type size (DejaVu Sans)


def direct_labels(ax: Any, points: list[tuple[float, float, str]], line: float = 12.0) -> None:
    """Name each point beside it; a name that would overlap one already placed moves down.

    Names are placed from the highest point down, each first just above and to the right of
    its point (to the left in the right third of the axes, so no name runs past the frame),
    then one line lower at a time until its box (estimated from its length at 9 pt) meets no
    name placed before.
    """
    if not points:
        return
    ax.autoscale_view()
    to_pt = 72.0 / ax.figure.dpi
    shown = [ax.transData.transform((x, y)) * to_pt for x, y, _ in points]
    x_left, x_right = (ax.transAxes.transform((v, 0))[0] * to_pt for v in (0.0, 1.0))
    boxes: list[tuple[float, float, float, float]] = []
    for i in sorted(range(len(points)), key=lambda i: (-shown[i][1], shown[i][0])):
        x, y, label = points[i]
        px, py = shown[i]
        width = CHAR_WIDTH * LABEL_PT * len(label)
        left = px > x_left + 2 * (x_right - x_left) / 3
        x0 = px - 6 - width if left else px + 6
        dy = 6.0
        for _ in range(len(points) + 1):
            box = (x0, py + dy, x0 + width, py + dy + line - 1)
            if not any(
                box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes
            ):
                break
            dy -= line
        boxes.append(box)
        ax.annotate(
            label,
            (x, y),
            textcoords="offset points",
            xytext=(-6.0 if left else 6.0, dy),
            fontsize=LABEL_PT,
            ha="right" if left else "left",
        )


def parameter_effects(final: pd.DataFrame, params: list[str], style: dict) -> Figure:
    """Outcome against one swept parameter (lines), or a heatmap for two."""
    if len(params) == 1:
        (param,) = params
        fig, axes = plt.subplots(1, 3, figsize=(16, 4.8), constrained_layout=True)
        for ax, col in zip(axes, ("tech_gap_years", "share_alone", "startups_alive"), strict=True):
            for i, (scenario, group) in enumerate(final.groupby("scenario")):
                stats_ = group.groupby(param)[col]
                mean = stats_.mean()
                low, high = stats_.quantile(0.05), stats_.quantile(0.95)
                colour = SCENARIO_PALETTE[i % len(SCENARIO_PALETTE)]
                ax.plot(mean.index, mean.values, "o-", color=colour, label=scenario)
                ax.fill_between(mean.index, low.values, high.values, color=colour, alpha=0.15)
            ax.set_xlabel(parameter_words(param))
            ax.set_ylabel(_axis_label(col), fontsize=9)
            ax.grid(alpha=0.3)
        axes[0].legend(fontsize=8)
        fig.suptitle(
            f"Final outcomes against the {parameter_words(param)} (mean; band: 90 % of seeds)",
            fontsize=13,
        )
        return fig
    x, y = params[:2]
    scenarios = list(dict.fromkeys(final["scenario"]))
    fig, axes = plt.subplots(
        1, len(scenarios), figsize=(7 * len(scenarios), 5.5), constrained_layout=True
    )
    for ax, scenario in zip(np.atleast_1d(axes), scenarios, strict=True):
        rows = final[final["scenario"] == scenario]
        table = rows.pivot_table(index=y, columns=x, values="tech_gap_years", aggfunc="mean")
        image = ax.imshow(table.to_numpy(), cmap="viridis", origin="lower", aspect="auto")
        ax.set_xticks(range(table.shape[1]), [f"{v:g}" for v in table.columns])
        ax.set_yticks(range(table.shape[0]), [f"{v:g}" for v in table.index])
        for (r, c), value in np.ndenumerate(table.to_numpy()):
            ax.text(c, r, f"{value:.2f}", ha="center", va="center", color="w", fontsize=9)
        ax.set_xlabel(parameter_words(x))
        ax.set_ylabel(parameter_words(y))
        ax.set_title(scenario, fontsize=11)
        fig.colorbar(image, ax=ax, label="Technology gap at the end (years, mean of seeds)")
    fig.suptitle(f"Technology gap by {parameter_words(x)} and {parameter_words(y)}", fontsize=13)
    return fig


def network_snapshot(snapshot: pd.DataFrame, alliances: pd.DataFrame, title: str) -> Figure:
    """The alliances of one run at its end: hubs by regime, members coloured by domain.

    Alliances are placed on a circle by size; each member sits around its alliance's hub.
    Firms alone are left out (their count is in the caption).
    """
    fig, ax = plt.subplots(figsize=(10, 10), constrained_layout=True)
    alive = snapshot[snapshot["alive"]]
    members = alive[alive["alliance"] >= 0]
    table = alliances.sort_values("size", ascending=False).reset_index(drop=True)
    k = len(table)
    angle = 2 * np.pi * np.arange(k) / max(k, 1)
    hub = {int(a): (np.cos(t), np.sin(t)) for a, t in zip(table["alliance"], angle, strict=True)}
    rng = np.random.default_rng(0)  # placement of members around hubs only
    radius = 0.9 * np.sin(np.pi / max(k, 2))
    xs: list[float] = []
    ys: list[float] = []
    cs: list[str] = []
    for a, group in members.groupby("alliance"):
        if int(a) not in hub:
            continue
        cx, cy = hub[int(a)]
        r = radius * np.sqrt(rng.uniform(0.05, 1.0, len(group)))
        t = rng.uniform(0, 2 * np.pi, len(group))
        px, py = cx + r * np.cos(t), cy + r * np.sin(t)
        ax.plot(
            np.column_stack([np.full(len(group), cx), px]).T,
            np.column_stack([np.full(len(group), cy), py]).T,
            color=FAINT,
            lw=0.3,
            alpha=0.5,
            zorder=1,
        )
        xs.extend(px)
        ys.extend(py)
        cs.extend(DOMAIN_COLOURS[DOMAINS[int(d)]] for d in group["domain"])
    ax.scatter(xs, ys, s=10, c=cs, zorder=2, linewidths=0)
    for row in table.itertuples():
        cx, cy = hub[int(row.alliance)]
        ax.scatter(
            cx, cy, s=40 + 4 * row.size, c=MEMBERSHIP_COLOURS[row.regime], edgecolors="k", zorder=3
        )
        if row.Index < 12:
            ax.annotate(
                f"{row.name} ({row.size})",
                (cx, cy),
                fontsize=8,
                zorder=4,
                xytext=(0, 10),
                textcoords="offset points",
                ha="center",
            )
    for regime in ("open", "closed"):
        ax.scatter(
            [], [], s=80, c=MEMBERSHIP_COLOURS[regime], edgecolors="k", label=f"{regime} alliance"
        )
    for name in DOMAINS:
        ax.scatter([], [], s=20, c=DOMAIN_COLOURS[name], label=name.replace("_", " "))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, title="Hubs and firms")
    ax.set_axis_off()
    ax.set_aspect("equal")
    alone = int((alive["alliance"] < 0).sum())
    ax.set_title(
        f"{title}\n{len(members)} firms in {k} alliances; {alone} firms alone (not drawn)",
        fontsize=12,
    )
    return fig


def history_bands(
    bands: pd.DataFrame, agreement: pd.DataFrame, start_year: int, title: str
) -> Figure:
    """Each archetype's size over quarters against its reported points (small multiples).

    Args:
        bands: ``sim.analysis.history.bands`` (one row per alliance and step).
        agreement: ``sim.analysis.history.agreement`` (the reported points within the run).
        start_year: The calendar year of step 0 (the x axis is in calendar years).
        title: The figure's title.

    The band holds 90 % of replicates, the line is the median; filled markers are
    in-sample points, hollow ones held out; a year alone spans its year as a thin line.
    Each panel's title gives the leader and regime reported at its last point and the
    share of replicates that agree.
    """
    names = list(dict.fromkeys(bands["alliance"]))
    cols = min(4, max(len(names), 1))
    rows = int(np.ceil(len(names) / cols))
    fig, axes = plt.subplots(
        rows, cols, figsize=(4.4 * cols, 3.4 * rows), constrained_layout=True, squeeze=False
    )
    for ax in axes.flat[len(names) :]:
        ax.set_visible(False)
    first, last = start_year + bands["step"].min() / 4, start_year + bands["step"].max() / 4
    for ax, name in zip(axes.flat, names, strict=False):
        band = bands[bands["alliance"] == name]
        x = start_year + band["step"].to_numpy() / 4
        ax.fill_between(x, band["p05"], band["p95"], color=MODEL_BAND, alpha=0.45, lw=0)
        ax.plot(x, band["p50"], color=MODEL_LINE, lw=1.6)
        points = agreement[agreement["alliance"] == name]
        for p in points.itertuples():
            held = p.role == "held-out"
            at = start_year + p.step / 4
            if p.step - p.first_step > 1:  # a year alone: it may refer to any of its quarters
                ax.hlines(p.expected, start_year + p.first_step / 4, at, color="k", lw=0.8)
            ax.scatter(
                at,
                p.expected,
                s=42,
                zorder=3,
                marker="^" if p.at_least else "o",  # a lower bound ("more than 100") points up
                edgecolors="k",
                facecolors="none" if held else "k",
            )
        heading = textwrap.fill(name, 34)
        if len(points):
            p = points.iloc[-1]
            heading += (
                f"\nleader {p['leader']} {p['leader_share']:.0%}, "
                f"{p['regime']} {p['regime_share']:.0%} (at {p['date']})"
            )
        ax.set_title(heading, fontsize=9)
        ax.set_xlim(first - 0.06, last + 0.06)  # room for the points at the edges
        ax.set_xticks(np.arange(np.ceil(first), np.floor(last) + 1))
        ax.xaxis.set_major_formatter(lambda value, _: f"{value:.0f}")
        ax.set_xticks(x, minor=True)
        ax.set_ylim(bottom=0)
        ax.set_ylabel("members", fontsize=8)
        ax.grid(alpha=0.3)
    handles = [
        Patch(color=MODEL_BAND, alpha=0.45, label="90 % of replicates"),
        Line2D([], [], color=MODEL_LINE, lw=1.6, label="median"),
        Line2D([], [], ls="", marker="o", color="k", label="reported, in-sample"),
        Line2D([], [], ls="", marker="o", mfc="none", mec="k", label="reported, held out"),
    ]
    if agreement["at_least"].astype(bool).any():
        handles.append(Line2D([], [], ls="", marker="^", color="k", label='"more than" (a bound)'))
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), fontsize=9)
    fig.suptitle(title, fontsize=12)
    return fig
