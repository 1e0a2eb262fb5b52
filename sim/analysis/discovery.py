"""Scenario discovery: the parameter box where a policy beats the baseline, found with PRIM.

For each design row (a sampled world) a scenario and the baseline ran on the same seeds; the
policy "wins" in that world when its mean final outcome is better than the baseline's. PRIM
(the Patient Rule Induction Method, from ema_workbench) then peels the parameter space down
to a box where wins are dense, reporting its coverage (the share of all wins inside the box)
and density (the share of worlds in the box that are wins).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass
class DiscoveredBox:
    """A PRIM box and how good it is."""

    scenario: str
    outcome: str
    wins: float  # share of all sampled worlds where the scenario wins
    coverage: float  # share of the wins that fall inside the box
    density: float  # share of the worlds inside the box that are wins
    mass: float  # share of all worlds inside the box
    limits: pd.DataFrame  # per restricted parameter: low, high (and the sampled range)


def outcomes_by_world(
    final: pd.DataFrame, scenario: str, baseline: str, outcome: str, params: list[str]
) -> tuple[pd.DataFrame, np.ndarray]:
    """The sampled parameters per world and whether ``scenario`` beat ``baseline`` there.

    Lower is better for ``outcome`` (e.g. the technology gap).
    """
    means = final.groupby(["label", "sample"])[outcome].mean().unstack(0)
    rows = means[[scenario, baseline]].dropna()
    x = final[final["label"] == scenario].groupby("sample")[params].first().loc[rows.index]
    # floats throughout: PRIM's pasting writes fractional limits into these columns
    return x.reset_index(drop=True).astype(float), (rows[scenario] < rows[baseline]).to_numpy()


def discover(
    final: pd.DataFrame,
    scenario: str,
    baseline: str,
    params: list[str],
    outcome: str = "tech_gap_years",
    threshold: float = 0.8,
) -> DiscoveredBox:
    """Find the box of parameter values where ``scenario`` gives a lower ``outcome``.

    Args:
        final: Last-quarter rows with ``label``, ``sample`` and the parameter columns.
        scenario: The policy's label.
        baseline: The baseline's label.
        params: The sampled parameter columns.
        outcome: The outcome compared (lower wins).
        threshold: The density PRIM aims for.
    """
    x, y = outcomes_by_world(final, scenario, baseline, outcome, params)
    wins = float(y.mean()) if y.size else 0.0
    empty = pd.DataFrame(columns=["parameter", "low", "high", "sampled_low", "sampled_high"])
    if not y.any() or y.all():
        return DiscoveredBox(scenario, outcome, wins, float(y.any()), wins, 1.0, empty)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ema_workbench warns that ipyparallel is absent
        from ema_workbench.analysis import prim

        box = prim.Prim(x, y, threshold=threshold, peel_alpha=0.1).find_box()
        # PRIM returns the whole space when no box reaches ``threshold``; take instead the
        # box of its peeling trajectory with the best coverage x density
        trajectory = box.peeling_trajectory
        usable = trajectory[(trajectory["mass"] >= 0.05) & (trajectory["res_dim"] > 0)]
        if not usable.empty:
            box.select(int((usable["coverage"] * usable["density"]).idxmax()))
    limits = box.box_lim[-1] if isinstance(box.box_lim, list) else box.box_lim
    rows = []
    for p in params:
        low, high = float(limits[p].iloc[0]), float(limits[p].iloc[1])
        lo, hi = float(x[p].min()), float(x[p].max())
        if low > lo or high < hi:  # only the parameters the box restricts
            rows.append(
                {"parameter": p, "low": low, "high": high, "sampled_low": lo, "sampled_high": hi}
            )
    return DiscoveredBox(
        scenario,
        outcome,
        wins,
        float(box.coverage),
        float(box.density),
        float(box.mass),
        pd.DataFrame(rows) if rows else empty,
    )


def describe(found: DiscoveredBox, baseline: str) -> str:
    """The box in plain words (markdown)."""
    name = found.outcome.replace("_", " ")
    lines = [
        f"**{found.scenario}** gives a lower {name} than `{baseline}` in "
        f"{found.wins:.0%} of the sampled worlds.",
    ]
    if found.limits.empty:
        lines.append("No parameter box separates those worlds from the rest.")
    else:
        lines.append(
            f"PRIM's box holds {found.coverage:.0%} of those worlds (coverage) and in it the "
            f"policy wins {found.density:.0%} of the time (density); the box is "
            f"{found.mass:.0%} of all worlds:"
        )
        lines.append("")
        for r in found.limits.itertuples():
            lines.append(
                f"- {r.parameter} between {r.low:.3g} and {r.high:.3g} "
                f"(sampled {r.sampled_low:.3g} to {r.sampled_high:.3g})"
            )
    return "\n".join(lines) + "\n"
