"""What a study leaves in its folder: trials, Pareto set, figure and summary.

``trials.csv`` (every finished trial), ``pareto.csv`` (its Pareto set), ``pareto.png`` and
``summary.md``.

Each file is written through a temporary file and renamed, so a reader never sees half of
one. ``summary.md`` names the best setting in words with its robustness: in how many of
the worlds its gap shrinks by the target.
"""

from __future__ import annotations

import math
from functools import partial
from pathlib import Path

import pandas as pd

from sim.optimise.config import OptimiseConfig
from sim.optimise.figure import pareto_figure, plural, save_figure
from sim.optimise.pareto import best, pareto_set, trials_table
from sim.runs.store import write_atomically

TRIALS_FILE, PARETO_FILE = "trials.csv", "pareto.csv"
FIGURE_FILE, SUMMARY_FILE = "pareto.png", "summary.md"


def setting_words(row: pd.Series, cfg: OptimiseConfig) -> str:
    """A setting's lever values in words: ``Subsidy (USD m a quarter) 120; ...``."""
    return "; ".join(f"{lever.words} {float(row[lever.path]):.3g}" for lever in cfg.levers)


def summary_text(trials: pd.DataFrame, front: pd.DataFrame, cfg: OptimiseConfig) -> str:
    """The study in a few lines of Markdown (see the module docstring)."""
    goal = cfg.objective
    lines = [
        "# Lever search (alliancesim-optimise)",
        "",
        f"World `{cfg.world}`, {plural(cfg.steps, 'quarter')}, every setting in "
        f"{plural(cfg.worlds, 'plausible world')} x {plural(cfg.seeds, 'seed')} against "
        f"`{cfg.baseline}` on the same worlds and seeds; "
        f"levers set in `{cfg.scenario}`. {len(trials)} finished trials, "
        f"{len(front)} in the Pareto set (`{PARETO_FILE}`, `{FIGURE_FILE}`).",
        "",
    ]
    target = f"the technology gap at least {goal.gap_reduction:g} years smaller"
    chosen = best(trials, cfg)
    if goal.kind == "cheapest_robust":
        lines.append(
            f"Objective: the least money spent with {target} than under `{cfg.baseline}` in at "
            f"least {goal.share:.0%} of the worlds."
        )
    else:
        lines.append(
            "Objective: the settings no other beats at once on money spent, the mean change of "
            "the gap and the mean change of collusion harm; the one named below has the "
            "smallest mean gap change of them."
        )
    lines.append("")
    if chosen is None:
        most = trials.sort_values(["share_met", "cost"], ascending=[False, True])
        lines.append(f"**No setting met the target.** {_closest(most, cfg, target)}")
    else:
        met = round(float(chosen["share_met"]) * cfg.worlds)
        lines += [
            f"**Best setting (trial {int(chosen['trial'])}):** {setting_words(chosen, cfg)}.",
            "",
            f"- money spent: USD {chosen['cost']:.3g} bn over the run (mean over worlds and seeds)",
            f"- robustness: {target} in {met} of {cfg.worlds} worlds ({chosen['share_met']:.0%}); "
            f"in {goal.share:.0%} of the worlds the gap shrinks by at least "
            f"{chosen['assured']:.3g} years",
            f"- mean change of the gap: {chosen['gap_effect']:+.3g} years",
            f"- mean change of collusion harm: USD {chosen['harm_effect']:+.3g} bn",
            f"- its runs: `settings/{chosen['setting']}/`",
        ]
    lines += [
        "",
        "Ranges are what the search tried, not what is wise; the worlds span the declared "
        f"uncertainty (`uncertainty={cfg.uncertainty}`), and with {cfg.worlds} worlds a share "
        f"moves in steps of {1 / cfg.worlds:.0%}.",
        "",
    ]
    return "\n".join(lines)


def _closest(ranked: pd.DataFrame, cfg: OptimiseConfig, target: str) -> str:
    """The trial coming closest to the target, in words (empty without trials)."""
    if ranked.empty:
        return ""
    row = ranked.iloc[0]
    share = float(row["share_met"])
    shown = "no" if math.isnan(share) else f"{round(share * cfg.worlds)} of {cfg.worlds}"
    return (
        f"Closest: trial {int(row['trial'])} ({setting_words(row, cfg)}), {target} in {shown} "
        f"worlds for USD {row['cost']:.3g} bn. The largest reduction reached in "
        f"{cfg.objective.share:.0%} of the worlds by any trial: "
        f"{ranked['assured'].max():.3g} years (target {cfg.objective.gap_reduction:g})."
    )


def _csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False)


def write_outputs(study: object, cfg: OptimiseConfig, out: Path) -> tuple[pd.DataFrame, str]:
    """Write the four files into ``out``; the Pareto set and the summary's text."""
    trials = trials_table(study, cfg)
    front = pareto_set(trials, cfg)
    text = summary_text(trials, front, cfg)
    for name, frame in ((TRIALS_FILE, trials), (PARETO_FILE, front)):
        write_atomically(out / name, partial(_csv, frame), parents=False)
    write_atomically(out / SUMMARY_FILE, lambda tmp: tmp.write_text(text, "utf-8"), parents=False)
    if not trials.empty:
        save_figure(pareto_figure(trials, front, best(trials, cfg), cfg), out / FIGURE_FILE)
    return front, text
