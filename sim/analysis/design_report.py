"""The report's section for sensitivity designs: indices, and scenario discovery with PRIM."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from sim.analysis.discovery import DiscoveredBox, describe, discover
from sim.analysis.sensitivity import indices
from sim.config.schema import AnalysisConfig
from sim.engine.outcomes import BY_NAME, for_sensitivity
from sim.runs.store import finished_runs, run_status

SENSITIVITY_OUTCOMES: tuple[str, ...] = tuple(o.name for o in for_sensitivity())


def design_of(root: Path) -> AnalysisConfig | None:
    """The sensitivity design the runs under ``root`` used, if any."""
    for run in finished_runs(root):
        spec = (run_status(run) or {}).get("config", {}).get("analysis")
        if spec and spec.get("method", "none") != "none":
            return AnalysisConfig(**spec)
    return None


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
    root: Path, final: pd.DataFrame, against: dict[str, str]
) -> tuple[list[tuple[str, str, Figure]], str, pd.DataFrame]:
    """Figures, markdown and the indices table for a sensitivity design under ``root``."""
    design = design_of(root)
    if design is None or "sample" not in final.columns:
        return [], "", pd.DataFrame()
    shown: list[tuple[str, str, Figure]] = []
    text = ["", f"## Sensitivity design: {design.method}, {final['sample'].nunique()} worlds", ""]
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
