"""The report's history section: the real alliances against the model, in words and a table.

Renders what ``sim.analysis.history`` computes (``History``): the markdown table of reported
points against the model's band, the region mix of foreign-led alliances, a two-sentence
reading, the caveat, and the report section with its figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from sim.analysis.figures import history_bands
from sim.analysis.history import KOREA_SHARE_LIMIT, History, evaluate
from sim.engine.alliance_table import quarter_dates
from sim.runs.store import run_status


def _percent(value: float) -> str:
    return f"{value:.0%}"


def reported(value: float, at_least: bool) -> str:
    """A reported size as written: ``100`` or, for a lower bound, ``more than 100``."""
    return f"more than {value:g}" if at_least else f"{value:g}"


def markdown_table(agree: pd.DataFrame, start_year: int) -> str:
    """The reported points against the model as a markdown table."""
    lines = [
        "| archetype | reported at | compared at the end of | reported | model median "
        "[5-95 %] | inside? | absent: not founded / gone | leader (share) | regime (share) | "
        "point |",
        "|---|---|---|---:|---|---|---|---|---|---|",
    ]
    for r in agree.itertuples():
        (end,) = quarter_dates([r.step - 1], start_year)
        lines.append(
            f"| {r.alliance} | {r.date} | {end} | {reported(r.expected, r.at_least)} | "
            f"{r.p50:.4g} [{r.p05:.4g}-"
            f"{r.p95:.4g}] | {'yes' if r.inside else '**no**'} | {_percent(r.not_founded)} / "
            f"{_percent(r.gone)} | {r.leader} ({_percent(r.leader_share)}) | {r.regime} "
            f"({_percent(r.regime_share)}) | {r.role} |"
        )
    return "\n".join(lines) + "\n"


def mix_lines(mix: pd.DataFrame) -> str:
    """The foreign-led alliances' share of members from Korea, one bullet each."""
    lines = []
    for r in mix.itertuples():
        verdict = "**above a quarter**" if r.above_limit else "within a quarter"
        lines.append(
            f"- {r.alliance} (home {r.home_region}; {r.replicates} replicates, mean size "
            f"{r.mean_size:.0f}): {_percent(r.share_korea)} of members from Korea on average, "
            f"at most {_percent(r.share_korea_max)}: {verdict}"
        )
    return "\n".join(lines) + "\n" if lines else "- none\n"


def reading(agree: pd.DataFrame) -> str:
    """Which points lie inside the 90 % band and which do not, in two sentences."""
    parts = []
    for role in ("in-sample", "held-out"):
        mine = agree[agree["role"] == role]
        if mine.empty:
            continue
        inside = mine[mine["inside"]]
        outside = mine[~mine["inside"]]
        names = "; ".join(f"{r.alliance} {r.date}" for r in outside.itertuples()) or "none"
        parts.append(
            f"{len(inside)} of {len(mine)} {role} points lie inside the 90 % band; "
            f"outside: {names}."
        )
    return " ".join(parts)


def caveat(view: History) -> str:
    """What the band is and how far to trust it, in a few sentences."""
    version = {"v2": "Version 2", "v1": "Version 1"}.get(view.economics, view.economics)
    calibrated = (
        "Version 2's defaults are fitted to the in-sample points (docs/calibration.md, "
        "history matching); held-out points are out-of-sample checks."
        if view.economics == "v2"
        else f"{version} was calibrated on korea_2016, not on these points."
    )
    scale = (
        f" Reported sizes are multiplied by archetype_scale={view.scale:g}."
        if view.scale != 1
        else ""
    )
    return (
        f"Band: 5 % to 95 % of replicates (median line) of each archetype's members, "
        f"`model.economics={view.economics}` on `{view.world}`; a replicate without the "
        f"alliance counts as 0 (the table says whether not yet founded or gone). A point "
        f"dated in a quarter is compared with the state at the end of that quarter, a year "
        f"alone with the end of that year. Filled markers are in-sample points of the history "
        f'matching, hollow ones held out; a triangle is a lower bound ("more than 100"), '
        f"inside when the band reaches it. {calibrated}{scale}"
    )


def section_text(view: History, label: str) -> str:
    """The report's markdown section for one label's runs."""
    skipped = (
        f" {view.beyond} reported point(s) lie after the runs' last quarter." if view.beyond else ""
    )
    return (
        f"\n## History: the real alliances ({label})\n\n{caveat(view)}{skipped}\n\n"
        f"{reading(view.agreement)}\n\n{markdown_table(view.agreement, view.start_year)}\n"
        f"Members from Korea in alliances led from abroad, at the last quarter (at most "
        f"{KOREA_SHARE_LIMIT:.0%} expected):\n\n{mix_lines(view.mix)}"
    )


@dataclass(frozen=True)
class Section:
    """The report's history section: its figures, its markdown and its table (CSV, HTML)."""

    figures: list[tuple[str, str, Figure]]
    text: str
    table: pd.DataFrame


def history_section(root: Path, alliances: pd.DataFrame | None, labels: Sequence[str]) -> Section:
    """The history section for the first label (baselines first) whose world has archetypes.

    Args:
        root: The results folder.
        alliances: Its alliance table, every step, with ``label`` (None if the runs lack it).
        labels: The report's labels in order.

    Returns:
        The section; one line saying why it is skipped when no run's world has archetypes,
        or its runs are too old to compare (no leader names, no ``world.start_year``).
    """
    heading = "\n## History: the real alliances\n\n"
    if alliances is None or alliances.empty:
        return Section(
            [], heading + "Skipped: these runs stored no alliance table.\n", pd.DataFrame()
        )
    worlds = []
    for label in labels:
        rows = alliances[alliances["label"] == label]
        if rows.empty:
            continue
        run = str(rows["run"].iloc[0])
        config = (run_status(root if run == "." else root / run) or {}).get("config") or {}
        worlds.append(str((config.get("world") or {}).get("name", "?")))
        try:
            view = evaluate(rows, config)
        except (KeyError, ValueError) as error:  # an older run or facts file: say so, go on
            why = f"Skipped: these runs cannot be compared ({type(error).__name__}: {error}).\n"
            return Section([], heading + why, pd.DataFrame())
        if view is None:
            continue
        title = f"{label}: the real alliances against the model (model.economics={view.economics})"
        fig = history_bands(view.bands, view.agreement, view.start_year, title)
        table = view.agreement.drop(columns=["first_step"]).assign(label=label)
        return Section(
            [("History: the real alliances", caveat(view), fig)], section_text(view, label), table
        )
    names = ", ".join(dict.fromkeys(worlds)) or "unknown"
    line = f"Skipped: the runs' world ({names}) holds no real alliances with reported sizes.\n"
    return Section([], heading + line, pd.DataFrame())
