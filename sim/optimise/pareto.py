"""The study's trials as a table, its Pareto set and its best setting.

The Pareto set is the finished trials no other finished trial dominates: no worse on every
objective and better on one. Its objectives depend on the kind:

- ``cheapest_robust``: money spent (lower is better) against the share of worlds meeting the
  gap target (higher is better): what each extra USD bn buys in robustness;
- ``pareto``: money spent, the mean change of the gap and the mean change of collusion harm
  (all lower is better).

The best setting of ``cheapest_robust`` is the cheapest trial meeting the target in at least
``share`` of the worlds (ties: the larger share, the smaller gap, then the earlier trial);
of ``pareto``, the Pareto trial with the smallest mean gap change (one reading of the set,
named as such).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.optimise.config import OptimiseConfig
from sim.optimise.space import snap

FEASIBLE = 1e-12  # a constraint at most this is met (shares are fractions of whole worlds)


def non_dominated(points: np.ndarray) -> np.ndarray:
    """Which rows no other row dominates, all columns minimised.

    Row ``a`` dominates row ``b`` when ``a <= b`` in every column and ``a < b`` in one.
    Equal rows do not dominate each other (both are kept).

    Args:
        points: Shape (n, k), finite.

    Returns:
        Boolean mask of length n.
    """
    points = np.asarray(points, dtype=float)
    if points.size == 0:
        return np.zeros(len(points), dtype=bool)
    no_worse = (points[:, None, :] <= points[None, :, :]).all(axis=2)
    better = (points[:, None, :] < points[None, :, :]).any(axis=2)
    dominated = (no_worse & better).any(axis=0)  # some row a dominates row b
    return np.asarray(~dominated, dtype=bool)


def trials_table(study: object, cfg: OptimiseConfig) -> pd.DataFrame:
    """One row per finished trial: lever values, measures, feasibility.

    Columns: ``trial``, each lever's path, ``cost`` (USD bn), ``gap_effect`` (years),
    ``harm_effect`` (USD bn), ``share_met``, ``assured`` (the gap reduction reached in at
    least ``share`` of the worlds, years), ``feasible``, ``setting`` (its folder name under
    ``settings/``), ``runs`` and ``skipped``.
    """
    from optuna.trial import TrialState

    rows = []
    for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)):  # type: ignore[attr-defined]
        attrs = t.user_attrs
        row: dict[str, object] = {"trial": t.number}
        row.update({lever.path: snap(lever, t.params[lever.path]) for lever in cfg.levers})
        row.update({k: attrs.get(k) for k in ("cost", "gap_effect", "harm_effect", "share_met")})
        row["assured"] = attrs.get("assured")
        row["feasible"] = attrs.get("constraint", 1.0) <= FEASIBLE
        row.update({k: attrs.get(k) for k in ("setting", "runs", "skipped")})
        rows.append(row)
    columns = ["trial", *(lever.path for lever in cfg.levers), "cost", "gap_effect"]
    columns += ["harm_effect", "share_met", "assured", "feasible", "setting", "runs", "skipped"]
    return pd.DataFrame(rows, columns=columns)


def objectives(trials: pd.DataFrame, cfg: OptimiseConfig) -> np.ndarray:
    """The Pareto set's objectives of every trial, as minimised columns (see the docstring)."""
    if cfg.objective.kind == "cheapest_robust":
        return np.column_stack([trials["cost"], -trials["share_met"]]).astype(float)
    return trials[["cost", "gap_effect", "harm_effect"]].to_numpy(dtype=float)


def pareto_set(trials: pd.DataFrame, cfg: OptimiseConfig) -> pd.DataFrame:
    """The non-dominated trials, cheapest first."""
    if trials.empty:
        return trials.copy()
    mask = non_dominated(objectives(trials, cfg))
    return trials[mask].sort_values(["cost", "trial"]).reset_index(drop=True)


def best(trials: pd.DataFrame, cfg: OptimiseConfig) -> pd.Series | None:
    """The best setting (see the module docstring), or None if no trial qualifies."""
    if cfg.objective.kind == "cheapest_robust":
        pool = trials[trials["feasible"].astype(bool)]
        if pool.empty:
            return None
        order = pool.assign(_share=-pool["share_met"])
        order = order.sort_values(["cost", "_share", "gap_effect", "trial"])
        return order.drop(columns="_share").iloc[0]
    pool = pareto_set(trials, cfg)
    if pool.empty:
        return None
    return pool.sort_values(["gap_effect", "cost", "trial"]).iloc[0]
