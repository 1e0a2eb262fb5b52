"""The Pareto figure: every finished trial, its Pareto set and the best setting.

``cheapest_robust``: money spent (x) against the share of worlds meeting the gap target
(y), the required share as a dashed line; the Pareto set is joined by a line, the best
setting ringed. ``pareto``: money spent (x) against the mean change of the gap (y), colour
the mean change of collusion harm; the Pareto set circled (not joined: it is a set in three
objectives), the one with the smallest gap ringed. Type is at least 9 pt; axes are labelled
in words.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from sim.analysis.palette import BETTER, FAINT, INK, SECONDARY_INK, WORSE
from sim.optimise.config import OptimiseConfig

FONT = 10  # points; nothing smaller than SMALL
SMALL = 9
COST = "Money spent over the run (USD bn)"


def pareto_figure(
    trials: pd.DataFrame, front: pd.DataFrame, chosen: pd.Series | None, cfg: OptimiseConfig
) -> Figure:
    """Draw the trials, the Pareto set and the best setting (see the module docstring)."""
    with plt.rc_context({"font.size": FONT}):
        fig, ax = plt.subplots(figsize=(7.5, 5.0), layout="constrained")
        goal = cfg.objective
        if goal.kind == "cheapest_robust":
            y, front_y = trials["share_met"] * 100, front["share_met"] * 100
            ax.axhline(goal.share * 100, color=SECONDARY_INK, linestyle="--", linewidth=1)
            ax.annotate(
                f"required: {goal.share:.0%} of worlds",
                (0.01, goal.share * 100),
                xycoords=("axes fraction", "data"),
                textcoords="offset points",
                xytext=(0, 4),
                fontsize=SMALL,
                color=SECONDARY_INK,
            )
            for feasible, colour, words in ((True, BETTER, "meets"), (False, WORSE, "misses")):
                mine = trials["feasible"].astype(bool) == feasible
                ax.scatter(
                    trials.loc[mine, "cost"],
                    y[mine],
                    color=colour,
                    s=28,
                    alpha=0.8,
                    zorder=2,
                    label=f"trial that {words} the target",
                )
            ax.set_ylabel(
                f"Worlds where the technology gap shrinks\nby at least "
                f"{goal.gap_reduction:g} years (%)"
            )
            ax.set_ylim(-5, 105)
            title = "Cheapest lever setting meeting the gap target"
        else:
            y, front_y = trials["gap_effect"], front["gap_effect"]
            points = ax.scatter(
                trials["cost"], y, c=trials["harm_effect"], cmap="viridis", s=28, zorder=2
            )
            bar = fig.colorbar(points, ax=ax)
            bar.set_label("Change of collusion harm\nagainst the baseline (USD bn)")
            ax.axhline(0, color=FAINT, linewidth=1)
            ax.set_ylabel("Mean change of the technology gap\nagainst the baseline (years)")
            title = "Lever settings: money against gap against collusion harm"
        order = front.sort_values("cost")
        ax.plot(
            order["cost"],
            front_y.loc[order.index],
            drawstyle="steps-post" if goal.kind == "cheapest_robust" else "default",
            color=INK,
            linewidth=1 if goal.kind == "cheapest_robust" else 0,  # a 3-objective set: no line
            marker="o",
            markersize=7,
            markerfacecolor="none",
            label="Pareto set",
            zorder=3,
        )
        if chosen is not None:
            chosen_y = (
                chosen["share_met"] * 100
                if goal.kind == "cheapest_robust"
                else chosen["gap_effect"]
            )
            ax.scatter(
                [chosen["cost"]],
                [chosen_y],
                s=220,
                facecolors="none",
                edgecolors=INK,
                linewidths=2,
                label=(
                    f"best (trial {int(chosen['trial'])})"
                    if goal.kind == "cheapest_robust"
                    else f"smallest gap of the set (trial {int(chosen['trial'])})"
                ),
                zorder=4,
            )
        ax.set_xlabel(COST)
        ax.set_title(
            f"{title}\n{len(trials)} trials, each {plural(cfg.worlds, 'world')} x "
            f"{plural(cfg.seeds, 'seed')}"
        )
        ax.legend(fontsize=SMALL, loc="best")
        ax.grid(True, color=FAINT, alpha=0.3)
    return fig


def plural(n: int, word: str) -> str:
    """``1 world``, ``2 worlds``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def save_figure(fig: Figure, path: Path) -> None:
    """Write ``fig`` as a PNG at 150 dpi through a temporary file, then close it."""
    tmp = path.with_name(f".{path.name}.tmp")
    fig.savefig(tmp, dpi=150, format="png")
    plt.close(fig)
    tmp.replace(path)
