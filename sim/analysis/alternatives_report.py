"""The report's section on structural alternatives (``alliancesim-report --alternative``).

Reads each alternative sweep's last quarter as the report reads the main sweep's, names what
it sets differently (its baseline's recorded config against the main sweep's), and gives the
section's Markdown, its figure and its table (``sim.analysis.alternatives``; docs/robust.md,
"Structural alternatives").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from sim.analysis import alternatives, report_files, robust_report
from sim.analysis.design_report import design_of
from sim.analysis.effects import final_quarter
from sim.analysis.policy_answers import BAND, BASELINE, label_of, unit_of
from sim.runs.store import ResultsError, finished

TITLE = "Do the answers hold under other structural assumptions?"


@dataclass(frozen=True)
class Alternatives:
    """Sweeps of the main job's design with one structural assumption changed.

    Attributes:
        finals: Label -> the sweep's last-quarter rows of its design runs.
        overrides: Label -> what it sets differently from the main sweep (``key=value``).
    """

    finals: dict[str, pd.DataFrame]
    overrides: dict[str, list[str]]


def parse(entries: Sequence[str]) -> dict[str, Path]:
    """``LABEL=FOLDER`` entries as a mapping (in order).

    Raises:
        ResultsError: An entry without a label or a folder, or a label given twice.
    """
    parsed: dict[str, Path] = {}
    for entry in entries:
        label, _, where = (part.strip() for part in entry.partition("="))
        if not label or not where or label in parsed:
            raise ResultsError(
                f"--alternative={entry!r} is not LABEL=FOLDER with a new label; allowed: e.g. "
                "'no foreign entry=results/no_foreign_entry', each label once"
            )
        parsed[label] = Path(where)
    return parsed


def sweep_final(folder: Path) -> pd.DataFrame:
    """The last quarter of a robust sweep's design runs, labelled by scenario.

    Raises:
        ResultsError: The folder is missing, holds no robust sweep, or no baseline.
    """
    from sim.analysis.report import assign_labels  # (report imports this module)

    design = design_of(folder)
    if design.analysis is None or design.analysis.source != "uncertainty":
        raise ResultsError(
            f"alternative {str(folder)!r} is not a robust sweep; allowed: a sweep of the main "
            "job's design (sweep=policy_comparison) with one override"
        )
    declared = robust_report.uncertainty_of(folder)
    keys = set(design.analysis.params) | set(declared[1] if declared else [])
    steps, _ = report_files.load_results(folder)
    final = final_quarter(assign_labels(steps, keys))
    final = final[final["run"].isin(design.runs)]
    if BASELINE not in set(final["label"]):
        raise ResultsError(f"alternative {str(folder)!r} has no finished {BASELINE} run")
    return final


def scenario_configs(folder: Path) -> dict[str, dict[str, Any]]:
    """Each scenario's recorded config (``run.json``) in its first world."""
    records = [r for _, r in finished(folder, "skip")[0]]
    configs: dict[str, dict[str, Any]] = {}
    for config in sorted(
        (r.get("config", {}) for r in records), key=lambda c: int(c.get("sample", -1))
    ):
        name = config.get("scenario", {}).get("name")
        if isinstance(name, str):
            configs.setdefault(name, config)
    return configs


def load(main: Path, main_final: pd.DataFrame, given: Mapping[str, Path]) -> Alternatives:
    """Each alternative's last quarter and what it sets differently from ``main``'s sweep.

    What an alternative sets is read from each scenario's recorded config in its first world
    against the main sweep's (lever settings included), so an override of the policies'
    configs only is named too.

    Args:
        main: The main sweep's folder.
        main_final: Its last-quarter rows (with the declared parameters' columns).
        given: Label -> folder of each alternative.

    Raises:
        ResultsError: An alternative is of another design (worlds, quarters or seed).
    """
    mine = scenario_configs(main)
    declared = robust_report.uncertainty_of(main)
    finals: dict[str, pd.DataFrame] = {}
    changed: dict[str, list[str]] = {}
    for label, folder in given.items():
        finals[label] = sweep_final(folder)
        theirs = scenario_configs(folder)
        base = alternatives.design_differences(mine.get(BASELINE, {}), theirs.get(BASELINE, {}))
        worlds = alternatives.differing_worlds(
            main_final, finals[label], declared[1] if declared else []
        )
        if base or worlds:
            raise ResultsError(
                f"--alternative={label}={folder}: not the main sweep's design "
                f"({(base or worlds)[0]}); allowed: the main job's design (the same "
                "analysis.n, analysis.seed, uncertainty set, steps and seed) with one override"
            )
        keys = [
            o
            for scenario in theirs
            if scenario in mine
            for o in alternatives.overrides(mine[scenario], theirs[scenario])
        ]
        changed[label] = list(dict.fromkeys(sorted(keys)))
    return Alternatives(finals, changed)


def rows_for(final: pd.DataFrame, given: Alternatives) -> list[alternatives.Holding]:
    """Every scenario of ``final`` that some alternative also ran, under each assumption.

    Scenarios come best first by their median effect as run.
    """
    others = set().union(*(set(f["label"]) for f in given.finals.values()))
    scenarios = [s for s in dict.fromkeys(final["label"]) if s != BASELINE and s in others]
    rows = alternatives.holdings(final, given.finals, scenarios)
    as_run = {r.scenario: r.answer.sign * r.answer.median for r in rows if r.shift is None}
    return sorted(rows, key=lambda r: -as_run.get(r.scenario, 0.0))  # stable within one


def section(final: pd.DataFrame, given: Alternatives) -> tuple[list[alternatives.Holding], str]:
    """The section's rows (``rows_for``) and its Markdown, heading included.

    One piece for the report and the answers page; each draws ``figure(rows)`` where there
    are rows.
    """
    rows = rows_for(final, given)
    return rows, f"## {TITLE}\n\n" + alternatives.section(rows, given.overrides)


def csv_table(rows: Sequence[alternatives.Holding]) -> pd.DataFrame:
    """One row per scenario and assumption: the answer and the shift, in the outcome's unit."""
    out = []
    for r in rows:
        a, s = r.answer, r.shift
        out.append(
            {
                "scenario": r.scenario,
                "assumption": r.assumption,
                "outcome": a.outcome,
                "seeds": r.seeds,
                "worlds": a.worlds,
                "median": a.median,
                "band_low": a.low,
                "band_high": a.high,
                "better": a.better,
                "worse": a.worse,
                "robust": a.robust,
                "shift_median": None if s is None else s.median,
                "shift_low": None if s is None else s.low,
                "shift_high": None if s is None else s.high,
                "shift_towards_better": None if s is None else s.towards_better,
                "shift_towards_worse": None if s is None else s.towards_worse,
            }
        )
    return pd.DataFrame(out)


def figure(rows: Sequence[alternatives.Holding]) -> Figure:
    """Each scenario's median effect and 90 % band under each assumption (a row each)."""
    labels = list(dict.fromkeys(r.assumption for r in rows))
    scenarios = list(dict.fromkeys(r.scenario for r in rows))
    fig, ax = plt.subplots(figsize=(10, 0.9 + 0.35 * len(rows)))
    # one colour per assumption while there are colours enough (tab20 past ten: row labels
    # still name every row, but a colour shared by two assumptions misleads at a glance)
    palette = plt.get_cmap("tab10" if len(labels) <= 10 else "tab20")
    y = 0.0
    ticks, names = [], []
    for scenario in scenarios:
        for r in (r for r in rows if r.scenario == scenario):
            colour = palette(labels.index(r.assumption) % palette.N)
            a = r.answer
            ax.plot([a.low, a.high], [y, y], color=colour, lw=2)
            ax.plot(a.median, y, "o", color=colour, mfc=colour if a.robust else "white", ms=7)
            ticks.append(y)
            names.append(f"{scenario}: {r.assumption}")
            y += 1
        y += 0.6
    ax.axvline(0, color="k", lw=0.7)
    ax.set_yticks(ticks, names, fontsize=8)
    ax.invert_yaxis()
    outcome = rows[0].answer.outcome
    # aligned on the plot's right edge: the long row labels leave the plot too narrow to
    # centre these on it without running off the figure
    ax.set_xlabel(
        f"effect on the {label_of(outcome)} against baseline, {unit_of(outcome)}", loc="right"
    )
    ax.set_title(
        f"Median (dot; filled: robust) and {BAND} of worlds (bar)", fontsize=10, loc="right"
    )
    ax.grid(alpha=0.3, axis="x")
    fig.tight_layout()
    return fig
