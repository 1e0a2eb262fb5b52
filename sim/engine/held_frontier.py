"""A frontier held by a firm (``model.growth.frontier_held_by_firm``; docs/model.md 6.4).

Finding 39, item 2, of docs/model.md: with the switch off only foreign units are capped at
the drifted frontier (``innovation.law``), so where a domestic unit starts above every
modelled foreign firm no firm holds the frontier, and once a domestic unit leads the frontier
grows with that unit's R&D while the gap still divides by the trend. With the switch on:

- at the start each domain's capabilities are divided by its best live unit, so that unit is
  at 1 (``to_best``; ``start.start_economy``), and the start solves its own learning rate
  so that at rest it grows at the trend f_d;
- no unit is capped (``ceiling``);
- each quarter the frontier is the best live unit of its domain: it moves by that unit's
  capability after learning, up or down (``push``), and after exit and entry, a domain whose
  holder left is renormalised on its best live unit (``hold``): the frontier then falls to that
  unit's level, since no live firm holds the knowledge the leaver took with it.
- a domain without live units drifts at f_d until its first entrant, which ``hold`` makes
  the holder at its own level (a fall) and which learns at lambda_d, a rate no start solved
  for rest (docs/model.md 6.4).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from sim.config.schema import ModelParams
from sim.config.vocabulary import DOMESTIC, N_DOMAINS
from sim.engine.state import FirmState

if TYPE_CHECKING:  # the economy imports this module; its type is read only by the checker
    from sim.engine.economy import Economy


def ceiling(p: ModelParams, region: ArrayLike) -> np.ndarray:
    """The most relative capability each unit's law allows (``knowledge.capability_law``).

    Reason: with the frontier held by a firm no unit is capped, so the best unit's own R&D
    moves the frontier; without it foreign units are capped at the drifted frontier and
    domestic ones are not (finding 2 of docs/model.md section 10).
    """
    region = np.asarray(region)
    if p.growth.frontier_held_by_firm:
        return np.full(region.shape, np.inf)
    return np.where(region == DOMESTIC, np.inf, 1.0)


def best_by_domain(k: ArrayLike, domain: ArrayLike, n_domains: int = N_DOMAINS) -> np.ndarray:
    """The best of ``k`` in each domain, 1 where a domain has no unit (frontier units).

    Args:
        k: Relative capability of each unit, shape (n,).
        domain: Domain index of each unit in ``[0, n_domains)``, shape (n,).
        n_domains: Number of domains.

    Returns:
        Shape (n_domains,), > 0 where the units' capabilities are.
    """
    k = np.asarray(k, dtype=np.float64)
    domain = np.asarray(domain, dtype=np.int64)
    best = np.full(n_domains, -np.inf)
    np.maximum.at(best, domain, k)
    return np.asarray(np.where(np.isfinite(best), best, 1.0))


def push(
    k: ArrayLike, domain: ArrayLike, n_domains: int, drift: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """``knowledge.push_frontier`` with the frontier held by the best unit, up or down.

    Reason: the frontier is the best live unit, so it moves by that unit's relative capability
    after learning, ``push_d = max_i k'_i`` (not floored at 1): a holder at rest (``k' = 1``)
    moves it at the drift, one that learns less than the drift moves it by less. A domain
    without live units drifts at f_d (``best_by_domain`` reads 1 there).

    Args:
        k: Relative capability of each live unit after ``capability_gain``, shape (n,).
        domain: Domain index of each unit, shape (n,).
        n_domains: Number of domains.
        drift: f_d, the drift ``capability_gain`` divided by, scalar or (n_domains,).

    Returns:
        ``(k, growth)`` as ``push_frontier``: the best unit of each domain at 1, and the
        frontier's growth this quarter per domain, ``(1 + f_d) push_d - 1``.
    """
    best = best_by_domain(k, domain, n_domains)
    growth = (1.0 + np.asarray(drift, dtype=np.float64)) * best - 1.0
    held = np.asarray(k, dtype=np.float64) / best[np.asarray(domain, dtype=np.int64)]
    return held, np.asarray(np.broadcast_to(growth, (n_domains,)))


def to_best(firms: FirmState) -> np.ndarray:
    """Divide each domain's live capabilities by its best live unit; return those bests.

    Reason: the start (``start.start_economy``) and ``hold``: the best live unit of every
    domain is the frontier, at 1. Exited rows keep their capability.
    """
    rows = np.flatnonzero(firms.alive)
    domain = firms.domain[rows].astype(np.int64)
    best = best_by_domain(firms.capability[rows], domain)
    firms.capability[rows] = firms.capability[rows] / best[domain]
    return best


def hold(firms: FirmState, economy: Economy) -> Economy:
    """Renormalise every domain on its best live unit, moving the frontier level with it.

    Reason: after exit and entry a domain whose holder left has no live unit at 1; the
    frontier falls to its best live unit (``F_d`` times that unit's k), and the quarter's
    realised growth with it. A domain whose best unit is at 1 is unchanged (bit for bit);
    a domain without live units keeps its frontier.
    """
    best = to_best(firms)
    if np.all(best == 1.0):
        return economy
    growth = (1.0 + economy.realised_growth) * best - 1.0
    return replace(economy, frontier=economy.frontier * best, realised_growth=growth)
