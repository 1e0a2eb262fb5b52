"""The real alliances against the model: reported sizes, leaders and regimes (issue 11, item 7).

A world built from a facts file (``korea_2024``) holds alliance archetypes with their sizes
reported at dates (``history:``). This module sets them beside a sweep's alliance table
(``alliances.parquet``, every quarter of every replicate):

- ``reported_points``: each point dated at or after the world's start, with the members the
  model should show (the leader added where the file counts partners only, times
  ``world.archetype_scale``), the reported leader and regime then, and whether it is
  in-sample or held out of the history matching (``held_out_points``).
- ``bands``: per archetype and step, the 5 %, 50 % and 95 % of its size over replicates. A
  replicate without the alliance counts as size 0, and ``not_founded`` (not seen yet) and
  ``gone`` (seen before, absent now) say which share of replicates that is.
- ``agreement``: each point with the band at its step, whether it lies inside the 90 % band,
  and the shares of replicates whose alliance has the reported leader and regime (a
  replicate without the alliance has neither).
- ``foreign_mix``: at each replicate's last step, the share of members from Korea in
  alliances whose home is another region (issue 11's acceptance: at most a quarter).

When: the alliance table's step ``s`` is the state after ``s`` quarters (step 0 is the world
at the start of its first quarter). A point dated in quarter ``t`` is compared with step
``t + 1``, the end of its quarter, as the history matching does (``sim/calibration/history``).
A year alone ("18 by 2024") is compared at the end of that year; the history matching
instead reads it in each of the year's four quarters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from sim.config.vocabulary import DOMESTIC, REGIONS
from sim.engine.alliance_table import quarter_dates
from sim.engine.history import step_of

ROOT = Path(__file__).resolve().parents[2]
SPEC_FILE = ROOT / "configs" / "calibration" / "korea_2024_history.yaml"
# Held out of the history matching, never fitted (issue 11, items 5 and 7): read from the
# spec file's ``held_out`` when it has one for the world, else this list (korea_2024 only).
HELD_OUT: tuple[tuple[str, str], ...] = (
    ("AI-RAN Alliance", "2024-02"),
    ("AI-RAN Alliance", "2025-03"),
    ("Kolon Benit AI Alliance", "2025-10"),
)
QUANTILES = (0.05, 0.5, 0.95)  # the band holds 90 % of replicates; its middle is the median
KOREA_SHARE_LIMIT = 0.25  # issue 11's acceptance: no foreign-led alliance over a quarter Korean
OTHERS = "alliances founded in the run"  # foreign-led alliances that are not archetypes
POINT_COLUMNS = (
    "alliance",
    "date",
    "first_step",
    "step",
    "reported",
    "expected",
    "leader",
    "regime",
    "role",
    "at_least",
)
NEEDED = ("step", "name", "size", "regime", "leader_name")  # alliance-table columns read


def held_out_points(world: str, spec_file: Path = SPEC_FILE) -> frozenset[tuple[str, str]]:
    """The (alliance, date) points held out of the history matching of ``world``."""
    if spec_file.is_file():
        spec = yaml.safe_load(spec_file.read_text(encoding="utf-8")) or {}
        if spec.get("world") == world and spec.get("held_out") is not None:
            return frozenset((str(p["alliance"]), str(p["date"])) for p in spec["held_out"])
    return frozenset(HELD_OUT) if world == "korea_2024" else frozenset()


def regime_at(alliance: Mapping[str, Any], quarter: int, start_year: int) -> str:
    """An archetype's reported regime in ``quarter``: at founding, then its dated changes."""
    regime = str(alliance["regime"])
    changes = [
        (step_of(c["date"], start_year), str(c["regime"]))
        for c in alliance.get("regime_changes") or []
    ]
    for at, new in sorted(changes):
        if at <= quarter:
            regime = new
    return regime


def archetypes(facts: Mapping[str, Any]) -> list[str]:
    """The names of a facts file's alliances that have dated reported sizes."""
    return [
        str(a["name"])
        for a in facts.get("alliances") or []
        if any("date" in p and "members" in p for p in a.get("history") or [])
    ]


def reported_points(
    facts: Mapping[str, Any],
    start_year: int,
    scale: float = 1.0,
    held_out: Iterable[tuple[str, str]] = (),
) -> pd.DataFrame:
    """Every reported size dated at or after the start, one row each (``POINT_COLUMNS``).

    Args:
        facts: A world's facts file (``scenarios.worlds.korea_2024.load_facts``).
        start_year: ``world.start_year``: step 0 is its first quarter.
        scale: ``world.archetype_scale`` (``expected`` is ``reported`` times it).
        held_out: (alliance, date) points held out of the fit.

    Returns:
        ``first_step``: the first quarter the report may refer to (a year alone: its first
        quarter); ``step``: the table step compared (the end of the point's quarter, or of
        its year); ``reported``: members with the leader; ``role``: in-sample or held-out;
        ``at_least``: the report is a lower bound ("more than 100"; the facts file's
        ``at_least: true``).
        Points without a date (``korea_2016``'s ``after_quarters``) are left out.
    """
    held = set(held_out)
    rows = []
    for alliance in facts.get("alliances") or []:
        name = str(alliance["name"])
        leader = 1 if alliance.get("history_excludes_leader", False) else 0
        for point in alliance.get("history") or []:
            if "date" not in point or "members" not in point:
                continue
            date = str(point["date"])
            first = step_of(date, start_year)
            quarter = first if "-" in date else first + 3
            if first < 0:
                continue
            reported = float(point["members"]) + leader
            role = "held-out" if (name, date) in held else "in-sample"
            regime = regime_at(alliance, quarter, start_year)
            row = (name, date, first, quarter + 1, reported, reported * scale)
            bound = bool(point.get("at_least", False))
            rows.append((*row, str(alliance["leader"]), regime, role, bound))
    return pd.DataFrame(rows, columns=list(POINT_COLUMNS))


def _replicated(alliances: pd.DataFrame) -> pd.DataFrame:
    """``alliances`` with ``_rep``, one id per (sweep, run, replicate)."""
    missing = [c for c in NEEDED if c not in alliances.columns]
    if missing:
        raise ValueError(
            f"alliance table lacks {', '.join(missing)}; allowed: a table stored every quarter "
            "with leader names (runs made before issue 11, item 6 do not have them)"
        )
    keys = [c for c in ("sweep", "run", "replicate") if c in alliances.columns]
    rep = alliances.groupby(keys, sort=True).ngroup() if keys else 0
    return alliances.assign(_rep=rep)


def _grid(table: pd.DataFrame, name: str) -> pd.DataFrame:
    """One row per (replicate, step) of ``table``: the largest alliance called ``name``, or NaN."""
    index = pd.MultiIndex.from_product(
        [np.unique(table["_rep"]), np.unique(table["step"])], names=["_rep", "step"]
    )
    rows = table[table["name"] == name].sort_values("size", kind="stable")
    rows = rows.drop_duplicates(["_rep", "step"], keep="last").set_index(["_rep", "step"])
    return rows.reindex(index)


def bands(alliances: pd.DataFrame, names: Sequence[str], start_year: int) -> pd.DataFrame:
    """Each archetype's size over replicates at every step of the table.

    Returns:
        One row per (alliance, step): ``date`` (the table's quarter label), ``p05``,
        ``p50``, ``p95`` and ``mean`` of size (0 where a replicate lacks the alliance),
        ``present``, ``not_founded`` and ``gone`` (shares of replicates; they sum to 1)
        and ``replicates``.
    """
    table = _replicated(alliances)
    steps = np.unique(table["step"])
    out = []
    for name in names:
        size = _grid(table, name)["size"].to_numpy(dtype=float).reshape(-1, steps.size)
        present = ~np.isnan(size)
        seen = np.logical_or.accumulate(present, axis=1)
        values = np.nan_to_num(size, nan=0.0)
        low, mid, high = np.quantile(values, QUANTILES, axis=0)
        out.append(
            pd.DataFrame(
                {
                    "alliance": name,
                    "step": steps,
                    "date": quarter_dates(steps, start_year),
                    "p05": low,
                    "p50": mid,
                    "p95": high,
                    "mean": values.mean(axis=0),
                    "present": present.mean(axis=0),
                    "not_founded": (~seen).mean(axis=0),
                    "gone": (seen & ~present).mean(axis=0),
                    "replicates": size.shape[0],
                }
            )
        )
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()


def agreement(alliances: pd.DataFrame, points: pd.DataFrame, band: pd.DataFrame) -> pd.DataFrame:
    """Each reported point within the run beside the model at its step.

    Args:
        alliances: The alliance table (every step).
        points: ``reported_points``.
        band: ``bands`` of the points' alliances.

    Returns:
        The points whose step the table has, with the band's columns at that step,
        ``inside`` (``p05 <= expected <= p95``; for a lower bound, ``expected <= p95``: the
        report "more than N" and the band overlap), ``leader_share`` and ``regime_share``.
    """
    table = _replicated(alliances)
    merged = points.merge(band.drop(columns="date"), on=["alliance", "step"], how="inner")
    grids = {name: _grid(table, name) for name in merged["alliance"].unique()}
    leads, holds = [], []
    for p in merged.itertuples():
        at = grids[p.alliance].xs(p.step, level="step")
        leads.append(float((at["leader_name"] == p.leader).mean()))
        holds.append(float((at["regime"] == p.regime).mean()))
    reached = merged["p05"] <= merged["expected"]
    inside = (reached | merged["at_least"].astype(bool)) & (merged["expected"] <= merged["p95"])
    return merged.assign(inside=inside, leader_share=leads, regime_share=holds)


def foreign_mix(alliances: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """Members from Korea in alliances whose home is abroad, at each replicate's last step.

    Returns:
        One row per foreign-led archetype (and one for the other foreign-led alliances,
        ``OTHERS``): ``home_region``, ``replicates`` (with it), ``mean_size``,
        ``share_korea`` (mean over replicates of its members from Korea over its size;
        ``OTHERS`` pools its alliances within each replicate),
        ``share_korea_max`` and ``above_limit`` (the mean above ``KOREA_SHARE_LIMIT``).
        Empty for tables without the region mix.
    """
    korea = f"members_{REGIONS[DOMESTIC]}"
    columns = ["alliance", "home_region", "replicates", "mean_size", "share_korea"]
    columns += ["share_korea_max", "above_limit"]
    if korea not in alliances.columns or "home_region" not in alliances.columns:
        return pd.DataFrame(columns=columns)
    table = _replicated(alliances)
    last = table[table["step"] == table.groupby("_rep")["step"].transform("max")]
    abroad = last[last["home_region"] != REGIONS[DOMESTIC]]
    group = abroad["name"].where(abroad["name"].isin(list(names)), OTHERS)
    per = abroad.assign(alliance=group).groupby(["alliance", "_rep"], sort=False)
    runs = per.agg(korea=(korea, "sum"), size=("size", "sum"), home=("home_region", "first"))
    runs["share"] = runs["korea"] / runs["size"].clip(lower=1)
    out = runs.groupby(level="alliance", sort=False).agg(
        home_region=("home", lambda s: ", ".join(sorted(set(s)))),
        replicates=("share", "size"),
        mean_size=("size", "mean"),
        share_korea=("share", "mean"),
        share_korea_max=("share", "max"),
    )
    out["above_limit"] = out["share_korea"] > KOREA_SHARE_LIMIT
    order = {name: i for i, name in enumerate([*names, OTHERS])}
    out = out.reset_index().sort_values("alliance", key=lambda s: s.map(order), kind="stable")
    return out[columns].reset_index(drop=True)


@dataclass(frozen=True)
class History:
    """The real alliances of one world against one set of runs.

    Attributes:
        world: The world's name.
        economics: ``model.economics`` of the runs (``v1`` or ``v2``).
        start_year: The calendar year of step 0.
        scale: ``world.archetype_scale``.
        bands: ``bands`` of every archetype.
        agreement: ``agreement`` of every reported point within the runs.
        mix: ``foreign_mix`` at the last step.
        beyond: Reported points after the runs' last step (not compared).
    """

    world: str
    economics: str
    start_year: int
    scale: float
    bands: pd.DataFrame
    agreement: pd.DataFrame
    mix: pd.DataFrame
    beyond: int


def facts_of(config: Mapping[str, Any]) -> dict[str, Any] | None:
    """The facts file of a run's resolved config, if its world has archetypes."""
    from scenarios.worlds.korea_2024 import load_facts

    name = (config.get("world") or {}).get("data_file") or ""
    if not name:
        return None
    facts = load_facts(name)
    return facts if archetypes(facts) else None


def evaluate(alliances: pd.DataFrame, config: Mapping[str, Any]) -> History | None:
    """The history view of runs sharing ``config`` (a run's resolved config, ``run.json``).

    Returns:
        None when the runs' world has no archetype with dated reported sizes.
    """
    facts = facts_of(config)
    if facts is None:
        return None
    world = config["world"]
    start_year, scale = int(world["start_year"]), float(world["archetype_scale"])
    names = archetypes(facts)
    points = reported_points(facts, start_year, scale, held_out_points(str(world["name"])))
    band = bands(alliances, names, start_year)
    agree = agreement(alliances, points, band)
    return History(
        world=str(world["name"]),
        economics=str((config.get("model") or {}).get("economics", "v1")),
        start_year=start_year,
        scale=scale,
        bands=band,
        agreement=agree,
        mix=foreign_mix(alliances, names),
        beyond=int((points["step"] > band["step"].max()).sum()),
    )
