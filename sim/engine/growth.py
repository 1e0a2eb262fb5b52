"""Capability, frontier and the technology gap (version 1)."""

from __future__ import annotations

import numpy as np

from sim.config.schema import GrowthParams
from sim.config.vocabulary import N_DOMAINS


def capability_gain(
    capability: np.ndarray,
    knowledge: np.ndarray,
    frontier: float,
    ceiling: float,
    p: GrowthParams,
) -> np.ndarray:
    """New capability after a quarter of learning, capped at ``ceiling``.

    ``frontier`` is the frontier at the start of the quarter (the distance that drives
    catch-up), ``ceiling`` the frontier at its end (nobody passes the global best).

    Reason: absorbed knowledge raises capability in proportion to the frontier's scale,
    faster the further the firm is behind (catch-up: imitation is cheaper than invention),
    while a share of capability becomes obsolete each quarter.
    """
    behind = np.clip(1.0 - capability / frontier, 0.0, 1.0)
    gain = p.learning_rate * frontier * knowledge * (1.0 + p.catch_up * behind)
    return np.minimum((1.0 - p.obsolescence) * capability + gain, ceiling)


def next_frontier(frontier: float, p: GrowthParams) -> float:
    """The global frontier one quarter later (configured yearly growth)."""
    return frontier * (1.0 + p.frontier_growth) ** 0.25


def national_capability(
    capability: np.ndarray, domain: np.ndarray, domestic: np.ndarray, top_k: int
) -> float:
    """The country's capability: mean over domains of its top-k domestic firms' mean.

    Reason: a country's technology level is that of its leading firms in each part of the
    value chain, not the average of all its firms. Domains without domestic firms are
    skipped.
    """
    levels = []
    for d in range(N_DOMAINS):  # a loop over the 7 domains, not over firms
        values = capability[domestic & (domain == d)]
        if values.size:
            k = min(top_k, values.size)
            levels.append(np.partition(values, values.size - k)[values.size - k :].mean())
    return float(np.mean(levels)) if levels else 0.0


def technology_gap_years(national: float, frontier: float, p: GrowthParams) -> float:
    """Gap in years: (frontier - national) / the frontier's yearly growth."""
    return (frontier - national) / (frontier * p.frontier_growth)
