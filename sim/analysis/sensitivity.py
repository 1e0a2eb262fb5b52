"""Sensitivity indices with SALib: which uncertain parameters drive the outcomes.

The design (``AnalysisConfig``: method, size, seed, and ``[low, high]`` per dotted parameter)
is a fixed matrix of parameter values; each sweep job takes one row (``sample``) and
``apply_sample`` writes that row's values into its ``RunConfig``. After the sweep,
``indices`` computes Sobol first-order and total indices (or Morris mu*, sigma) with
confidence intervals from the final outcomes, averaged over each row's replicates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.config.design import design, problem
from sim.config.schema import AnalysisConfig


def indices(final: pd.DataFrame, analysis: AnalysisConfig, outcome: str) -> pd.DataFrame:
    """Sensitivity indices of ``outcome`` for each uncertain parameter.

    Args:
        final: Last-quarter rows of one scenario with a ``sample`` column.
        analysis: The design the sweep ran.
        outcome: The outcome column.

    Returns:
        One row per parameter: Sobol ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (95 %
        confidence half-widths), or Morris ``mu_star``, ``mu_star_conf``, ``sigma``.

    Raises:
        ValueError: Some design rows have no finished run.
    """
    from SALib.analyze import morris, sobol

    spec = problem(analysis)
    matrix = design(analysis)
    y = final.groupby("sample")[outcome].mean().reindex(range(len(matrix)))
    if y.isna().any():
        missing = int(y.isna().sum())
        raise ValueError(f"{missing} of {len(matrix)} design rows have no finished run")
    values = y.to_numpy(dtype=float)
    if analysis.method == "sobol":
        result = sobol.analyze(
            spec, values, calc_second_order=False, conf_level=0.95, seed=analysis.seed
        )
        keys: tuple[str, ...] = ("S1", "S1_conf", "ST", "ST_conf")
    elif analysis.method == "morris":
        result = morris.analyze(spec, matrix, values, conf_level=0.95, seed=analysis.seed)
        keys = ("mu_star", "mu_star_conf", "sigma")
    else:
        raise ValueError(f"analysis.method={analysis.method!r} has no indices (sobol, morris)")
    table = pd.DataFrame({k: np.asarray(result[k], dtype=float) for k in keys})
    table.insert(0, "parameter", spec["names"])
    table.insert(0, "outcome", outcome)
    return table
