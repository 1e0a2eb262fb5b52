"""The alliance table: one row per active alliance, as the model and the results store show it.

Columns, in order: ``alliance`` (its row), ``name``, ``regime`` (``open``/``closed``),
``leader`` (the leading firm's row), ``leader_name``, ``founded`` (step), ``parent`` (its
federation, -1 if none), ``size`` (alive members), ``market_share`` (the members' share of
the modelled firms' revenue last quarter), ``home_region``, ``depth``, ``coordinated`` (run
by a state coordinator), ``domain_concentration`` (``sum_d`` of the squared shares of
members by home domain: 1 when all work in one domain) and one
``members_<region>`` count per region of ``sim.config.vocabulary.REGIONS`` (alive members
by home region; they sum to ``size``). Given a ``step``, ``step`` and ``date`` (the calendar
quarter, e.g. ``2024Q1``) come first.

- ``leader_name``: firms carry no names in the state. A world built from a facts file names
  its first firm rows (the file's ``firms``, in order); the caller passes those names as
  ``firm_names``. Every other firm is ``firm #<row>``, as notebook 01 labels them.
- ``home_region``: the alliance's home region (its founder's; ``aggregates.home_region``).
- ``depth``: the state's depth ``w_A`` (docs/model.md 6.7). Only version 2 moves it; under
  version 1 it stays at the 0.0 every alliance is founded with (version 1 has no depth, as
  the outcome ``mean_alliance_depth`` reads 0 there).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from sim.config.vocabulary import N_DOMAINS, REGIME_NAMES, REGIONS
from sim.engine.aggregates import alliance_totals, group_sum, home_region, members_mask
from sim.engine.state import AllianceState, FirmState

if TYPE_CHECKING:
    import pandas as pd

N_REGIONS = len(REGIONS)
REGION_COLUMNS: tuple[str, ...] = tuple(f"members_{r}" for r in REGIONS)
COLUMNS: tuple[str, ...] = (
    "alliance",
    "name",
    "regime",
    "leader",
    "leader_name",
    "founded",
    "parent",
    "size",
    "market_share",
    "home_region",
    "depth",
    "coordinated",
    "domain_concentration",
    *REGION_COLUMNS,
)
WHEN: tuple[str, ...] = ("step", "date")  # the columns a table of a given step starts with


def quarter_dates(steps: ArrayLike, start_year: int) -> list[str]:
    """The calendar quarter of each step, step 0 being the first quarter of ``start_year``.

    Args:
        steps: Steps (quarters from the start; negative ones lie before it).
        start_year: The calendar year whose first quarter is step 0 (``world.start_year``).

    Returns:
        One ``YYYYQn`` label per step, e.g. ``2024Q1`` for step 0 and ``2023Q4`` for -1.
    """
    year, quarter = np.divmod(np.asarray(steps, dtype=np.int64).ravel(), 4)
    pairs = zip((year + start_year).tolist(), (quarter + 1).tolist(), strict=True)
    return [f"{y}Q{q}" for y, q in pairs]


def region_mix(firms: FirmState, alliances: AllianceState) -> np.ndarray:
    """Alive members of each alliance by home region, shape ``(max(m, 1), len(REGIONS))``."""
    m = max(alliances.m, 1)
    inside = members_mask(firms)
    cell = firms.alliance[inside].astype(np.int64) * N_REGIONS + firms.region[inside]
    return group_sum(cell, None, m * N_REGIONS).astype(np.int64).reshape(m, N_REGIONS)


def domain_concentration(firms: FirmState, alliances: AllianceState) -> np.ndarray:
    """Members' concentration on domains, ``sum_d (n_Ad / n_A)^2`` per alliance (0 if empty).

    1 when every member works in one domain; ``1 / N_DOMAINS`` when they spread evenly over
    all: the specialisation of a coordinated alliance's division of labour shows as a low value.
    """
    m = max(alliances.m, 1)
    inside = members_mask(firms)
    cell = firms.alliance[inside].astype(np.int64) * N_DOMAINS + firms.domain[inside]
    counts = group_sum(cell, None, m * N_DOMAINS).reshape(m, N_DOMAINS)
    size = counts.sum(axis=1)
    share = counts / np.maximum(size, 1.0)[:, None]
    return np.asarray(np.where(size > 0, (share**2).sum(axis=1), 0.0))


def firm_labels(rows: np.ndarray, firm_names: Sequence[str] = ()) -> list[str]:
    """A label per firm row: its name if ``firm_names`` has one, else ``firm #<row>``."""
    named = len(firm_names)
    return [firm_names[r] if 0 <= r < named else f"firm #{r}" for r in rows.tolist()]


def alliance_columns(
    firms: FirmState,
    alliances: AllianceState,
    *,
    firm_names: Sequence[str] = (),
    step: int | None = None,
    start_year: int | None = None,
) -> dict[str, np.ndarray | list[str]]:
    """The columns of ``alliance_table``, in order, as arrays and lists (no DataFrame).

    Reason: a sweep records the table every quarter; building one DataFrame of all its
    quarters from these columns (``stack_alliance_columns``) costs a small part of a
    DataFrame a quarter. Same arguments as ``alliance_table``.

    Raises:
        ValueError: ``step`` is given without ``start_year``.
    """
    if step is not None and start_year is None:
        raise ValueError(f"start_year=None with step={step}; allowed: a calendar year")
    a = alliances
    ids = np.flatnonzero(a.active)
    totals = alliance_totals(firms, a)
    leader = a.leader[ids]
    mix = region_mix(firms, a)[ids]
    when: dict[str, np.ndarray | list[str]] = {}
    if step is not None and start_year is not None:
        when["step"] = np.full(ids.size, step, dtype=np.int64)
        when["date"] = quarter_dates(np.full(ids.size, step), start_year)
    return {
        **when,
        "alliance": ids,
        "name": [a.names[i] for i in ids.tolist()],
        "regime": np.asarray(REGIME_NAMES, dtype=object)[a.regime[ids]],
        "leader": leader,
        "leader_name": firm_labels(leader, firm_names),
        "founded": a.founded[ids],
        "parent": a.parent[ids],
        "size": totals.size[ids],
        "market_share": totals.share[ids],
        "home_region": np.asarray(REGIONS, dtype=object)[home_region(firms, alliances)[ids]],
        "depth": a.depth[ids],
        "coordinated": a.coordinated[ids],
        "domain_concentration": domain_concentration(firms, a)[ids],
        **{name: mix[:, j] for j, name in enumerate(REGION_COLUMNS)},
    }


def alliance_table(
    firms: FirmState,
    alliances: AllianceState,
    *,
    firm_names: Sequence[str] = (),
    step: int | None = None,
    start_year: int | None = None,
) -> pd.DataFrame:
    """The active alliances now, one row each (the columns of the module docstring).

    Args:
        firms: The firm rows.
        alliances: The alliance rows.
        firm_names: Names of the first firm rows, from the world's facts file (none for a
            synthetic world).
        step: The step the state is at; when given, ``step`` and ``date`` columns lead.
        start_year: The calendar year of step 0 (``world.start_year``); needed with
            ``step``.

    Returns:
        A DataFrame with ``COLUMNS`` (after ``step`` and ``date`` if ``step`` is given).

    Raises:
        ValueError: ``step`` is given without ``start_year``.
    """
    columns = alliance_columns(
        firms, alliances, firm_names=firm_names, step=step, start_year=start_year
    )
    return _frame(columns)


def _frame(columns: dict[str, np.ndarray | list[str]]) -> pd.DataFrame:
    """A DataFrame of ``alliance_columns``, built as ``alliance_table`` always built it."""
    import pandas as pd

    when = [c for c in WHEN if c in columns]
    table = pd.DataFrame({c: columns[c] for c in COLUMNS}, columns=list(COLUMNS))
    for position, c in enumerate(when):
        table.insert(position, c, columns[c])
    return table


def stack_alliance_columns(quarters: Sequence[dict[str, np.ndarray | list[str]]]) -> pd.DataFrame:
    """``pd.concat`` of the tables of ``quarters`` (``alliance_columns``), index 0..n-1.

    Reason: equal to concatenating one ``alliance_table`` per quarter, built once. When a
    quarter has no alliance, pandas gives that quarter's empty columns other dtypes than
    the full ones (object, float) and the concatenation promotes them; that case is left
    to ``pd.concat`` itself so that the result stays exactly the same.
    """
    import pandas as pd

    if not quarters or any(len(q["alliance"]) == 0 for q in quarters):
        frames = [_frame(q) for q in quarters]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    stacked: dict[str, np.ndarray | list[str]] = {}
    for name, first in quarters[0].items():
        if isinstance(first, list):
            stacked[name] = [v for q in quarters for v in q[name]]
        else:
            stacked[name] = np.concatenate([np.asarray(q[name]) for q in quarters])
    return _frame(stacked)
