"""The report's section for sensitivity designs: indices, and scenario discovery with PRIM."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from sim.analysis.discovery import DiscoveredBox, describe, discover
from sim.analysis.report_files import by_run, where_and_why
from sim.analysis.robust_report import uncertainty_of
from sim.analysis.sensitivity import indices
from sim.config.checks import ConfigError
from sim.config.schema import AnalysisConfig
from sim.engine.outcomes import BY_NAME, for_sensitivity
from sim.runs.store import RUN_FILE, finished
from sim.runs.verify import LEGACY, Damage, check_run

SENSITIVITY_OUTCOMES: tuple[str, ...] = tuple(o.name for o in for_sensitivity())


class DesignRuns(NamedTuple):
    """The sensitivity design of the runs under a folder, read from intact planned runs only.

    Attributes:
        analysis: The design (None: no intact run used one).
        runs: The intact runs that ran it, relative to the folder (``load``'s ``run``).
        skipped: (run, what is wrong) for each finished planned run left out as damaged.
    """

    analysis: AnalysisConfig | None
    runs: list[str]
    skipped: list[tuple[str, str]]


def design_of(root: Path) -> DesignRuns:
    """The sensitivity design the runs under ``root`` used, if any, and which runs ran it.

    Only the runs the sweeps' plans list are read (``sim.runs.store.finished``), and of
    those only the intact ones: every file checked against ``run.json``. Runs of older
    code (no checksums) are read unverified, as ``load`` reads them. A damaged run, or a
    garbled ``run.json``/``sweep.json``, is left out and listed in ``skipped``; runs
    under another design than the first one found are left out of ``runs``.
    """
    found, damaged = finished(root, "skip")
    skipped = [where_and_why(damage, root) for damage in damaged]
    analysis, runs = None, []
    for run, record in found:
        problems = [d for d in check_run(run, record, RUN_FILE) if d.problem != LEGACY]
        config = record.get("config")
        spec = config.get("analysis") if isinstance(config, dict) else None
        if isinstance(spec, dict) and spec.get("method", "none") != "none" and not problems:
            try:
                design = AnalysisConfig(**spec)
            except (TypeError, ConfigError) as error:
                problems.append(Damage(run, RUN_FILE, f"is garbled (analysis: {error})"))
            else:
                analysis = analysis or design
                if design == analysis:
                    runs.append(run.relative_to(root).as_posix() if run != root else ".")
        skipped += [where_and_why(damage, root) for damage in problems]
    return DesignRuns(analysis, runs, by_run(skipped))


def left_out(skipped: list[tuple[str, str]], used: int) -> str:
    """The design section's one line naming the runs left out as damaged ("" if none)."""
    if not skipped:
        return ""
    named = ", ".join(f"`{run}` ({why})" for run, why in skipped)
    return (
        f"Left out of this design as damaged: {len(skipped)} run{'s' * (len(skipped) > 1)}: "
        f"{named}; the section uses the other {used} intact runs.\n"
    )


def indices_figure(table: pd.DataFrame, method: str, label: str) -> Figure:
    """Bar charts of the indices per outcome, with their 95 % intervals."""
    outcomes = list(dict.fromkeys(table["outcome"]))
    fig, axes = plt.subplots(
        1, len(outcomes), figsize=(4.6 * len(outcomes), 4.8), constrained_layout=True
    )
    for ax, outcome in zip(np.atleast_1d(axes), outcomes, strict=True):
        t = table[table["outcome"] == outcome]
        names = [p.split(".")[-1] for p in t["parameter"]]
        y = np.arange(len(t))
        if method == "sobol":
            ax.barh(y - 0.2, t["S1"], 0.4, xerr=t["S1_conf"], color="#88CCEE", label="first order")
            ax.barh(y + 0.2, t["ST"], 0.4, xerr=t["ST_conf"], color="#332288", label="total")
            ax.set_xlabel("Sobol index (share of variance)")
        else:
            ax.barh(y, t["mu_star"], 0.6, xerr=t["mu_star_conf"], color="#332288", label="mu*")
            ax.scatter(t["sigma"], y, color="#CC6677", zorder=3, label="sigma")
            ax.set_xlabel(f"Morris elementary effect ({BY_NAME[outcome].unit})")
        ax.set_yticks(y, names)
        ax.set_title(BY_NAME[outcome].label, fontsize=10)
        ax.grid(alpha=0.3, axis="x")
    np.atleast_1d(axes)[0].legend(fontsize=8)
    fig.suptitle(
        f"Which uncertain parameters drive the outcomes ({label}; bars: 95 % intervals)",
        fontsize=13,
    )
    return fig


def discovery_figure(
    final: pd.DataFrame, found: DiscoveredBox, baseline: str, params: list[str]
) -> Figure:
    """The sampled worlds on the two parameters the box restricts first, wins marked."""
    from sim.analysis.discovery import outcomes_by_world

    restricted = list(found.limits["parameter"]) if not found.limits.empty else []
    chosen = (restricted + [p for p in params if p not in restricted])[:2]
    x, y = outcomes_by_world(final, found.scenario, baseline, found.outcome, chosen)
    fig, ax = plt.subplots(figsize=(7.5, 6), constrained_layout=True)
    ax.scatter(x.iloc[:, 0], x.iloc[:, 1], c=np.where(y, "#117733", "#CC6677"), s=30)
    ax.scatter([], [], c="#117733", label=f"{found.scenario} wins")
    ax.scatter([], [], c="#CC6677", label=f"{baseline} at least as good")
    limits = found.limits.set_index("parameter") if not found.limits.empty else None
    if limits is not None:
        lo = [limits.loc[c, "low"] if c in limits.index else x[c].min() for c in chosen]
        hi = [limits.loc[c, "high"] if c in limits.index else x[c].max() for c in chosen]
        ax.add_patch(
            Rectangle((lo[0], lo[1]), hi[0] - lo[0], hi[1] - lo[1], fill=False, lw=2, ls="--")
        )
    ax.set_xlabel(chosen[0])
    ax.set_ylabel(chosen[1] if len(chosen) > 1 else "")
    ax.legend(fontsize=9)
    ax.set_title(
        f"Where {found.scenario} closes the gap faster than {baseline}\n"
        f"(dashed: PRIM box; coverage {found.coverage:.0%}, density {found.density:.0%})",
        fontsize=11,
    )
    return fig


def design_section(
    root: Path, final: pd.DataFrame, against: dict[str, str], runs: DesignRuns | None = None
) -> tuple[list[tuple[str, str, Figure]], str, pd.DataFrame]:
    """Figures, markdown and the indices table for a sensitivity design under ``root``.

    Args:
        root: The results folder.
        final: The last quarter's rows (labelled), with ``sample`` and ``run``.
        against: Each label's baseline label.
        runs: ``design_of(root)``, if already read. Only the rows of its intact runs
            are used; the runs it left out as damaged are named in one line.
    """
    runs = design_of(root) if runs is None else runs
    design = runs.analysis
    if design is None or "sample" not in final.columns:
        return [], "", pd.DataFrame()
    if "run" in final.columns:
        final = final[final["run"].isin(runs.runs)]
    shown: list[tuple[str, str, Figure]] = []
    worlds = final["sample"].nunique()
    text = ["", f"## Sensitivity design: {design.method}, {worlds} worlds", ""]
    if runs.skipped:
        used = final["run"].nunique() if "run" in final.columns else len(runs.runs)
        text.append(left_out(runs.skipped, used))
    tables = []
    if design.method in ("sobol", "morris"):
        for label, group in final.groupby("label", sort=False):
            try:
                table = pd.concat([indices(group, design, o) for o in SENSITIVITY_OUTCOMES])
            except ValueError as error:
                text.append(f"{label}: no indices ({error}).")
                continue
            tables.append(table.assign(scenario=label))
            shown.append(
                (
                    f"Sensitivity of {label}",
                    "Sobol first-order (alone) and total (with interactions) indices"
                    if design.method == "sobol"
                    else "Morris mu* (mean absolute elementary effect) and sigma (interactions"
                    " or non-linearity)",
                    indices_figure(table, design.method, label),
                )
            )
            text.append(f"### {label}\n\n```\n{table.round(3).to_string(index=False)}\n```\n")
    params = sorted(design.params)
    if not params and design.source == "uncertainty":  # the worlds' columns: declared keys
        declared = uncertainty_of(root)
        params = sorted(k for k in (declared[1] if declared else []) if k in final.columns)
    if not params:
        return shown, "\n".join(text), pd.concat(tables) if tables else pd.DataFrame()
    for label, baseline in against.items():
        if label != baseline:
            found = discover(final, label, baseline, params)
            text.append(describe(found, baseline))
            shown.append(
                (
                    f"Scenario discovery: {label}",
                    "Each point is a sampled world (mean over its seeds).",
                    discovery_figure(final, found, baseline, params),
                )
            )
    return shown, "\n".join(text), pd.concat(tables) if tables else pd.DataFrame()
