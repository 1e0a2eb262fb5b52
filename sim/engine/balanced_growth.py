"""Balanced growth: the R&D cost slope grows with its domain's market (docs/model.md 6.2).

With ``model.growth.balanced_growth`` the cost of an effort unit in domain d at quarter t is
``gamma_{d,t} = gamma_d M_{d,t} / M_{d,0}``, with ``M_{d,t}`` the domain's whole market
(domestic plus rest of the world, USD m a quarter) and ``M_{d,0}`` its size at step 0. Every
marginal value of R&D is a sum of ``C_m = Lambda_m mu theta M_m`` times terms in shares and
marginal capabilities alone (docs/model.md 6.2), so while every market of a domain grows at
one rate it scales with ``M_{d,t}``; a cost slope that scales with it too leaves every best
response, and so a start at rest, where it was as markets grow. This is "ideas are getting
harder to find" (Bloom, Jones, Van Reenen and Webb 2020): the research effort that buys a
given capability gain costs more as the economy, and its R&D, grow. Switched off (the
default) ``gamma_{d,t} = gamma_d`` and nothing changes.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike

from sim.config.schema import ModelParams
from sim.config.vocabulary import N_DOMAINS
from sim.engine.economy import market_sizes_at
from sim.engine.markets import N_MARKETS


def domain_totals(size: ArrayLike) -> np.ndarray:
    """M_d, each domain's whole market: its domestic plus its rest-of-world market.

    Args:
        size: Size of every market (USD m a quarter), shape (N_MARKETS,), in the order of
            ``sim.engine.markets.market_id`` (geography-major).

    Returns:
        The total per domain (USD m a quarter), shape (N_DOMAINS,).
    """
    return np.asarray(np.asarray(size, dtype=np.float64).reshape(-1, N_DOMAINS).sum(axis=0))


def rd_cost_slope(gamma: ArrayLike, size: ArrayLike, size_start: ArrayLike) -> np.ndarray:
    """gamma_{d,t} = gamma_d M_{d,t} / M_{d,0}: the R&D cost slope of each domain this quarter.

    Reason: balanced growth (docs/model.md 6.2 and finding 39, item 1). Markets grow (25 %/yr
    by default) while gamma_d is fixed in USD m, so the first-order condition
    ``(1 - c_pc) gamma_d x = MV``, with MV proportional to market size, calls for efforts that
    grow as ``M^(1/(2 - alpha))`` and capability that drifts toward the frontier: a unit at
    rest at the start's market does not stay at rest. Scaling the cost slope with the
    domain's whole market (Bloom et al. 2020, ideas get harder to find) keeps ``MV / gamma``,
    and so every effort, where it was while the domain's markets grow at one rate. The scale
    is the domain's total, not a firm's own market mix: the cost of research is a property
    of the domain's technology, the same for every unit that does it wherever it sells.
    A domain with no market at the start keeps gamma_d.

    Args:
        gamma: gamma_d per domain (USD m per effort unit squared), shape (N_DOMAINS,).
        size: Size of every market this quarter (USD m a quarter), shape (N_MARKETS,).
        size_start: Size of every market at step 0, shape (N_MARKETS,).

    Returns:
        gamma_{d,t} per domain (USD m per effort unit squared), shape (N_DOMAINS,).
    """
    now, start = domain_totals(size), domain_totals(size_start)
    ratio = np.divide(now, start, out=np.ones_like(now), where=start > 0.0)
    return np.asarray(np.asarray(gamma, dtype=np.float64) * ratio)


def rd_costs(p: ModelParams, size: ArrayLike, start_year: int) -> np.ndarray:
    """The R&D cost slope of each domain at the markets ``size`` (shape (N_DOMAINS,)).

    Reason: one rule for every place the cost slope enters (the plan's conditions and
    spending, the revisers' outlook, entrants' values): ``rd_cost_slope`` against the step-0
    markets under ``model.growth.balanced_growth``, else ``model.rnd.rd_cost_by_domain`` as
    configured. ``size`` is every market's size this quarter (``Sales.size``, shape
    (N_MARKETS,)); ``start_year`` the calendar year of step 0 (``Economy.start_year``).
    Under balanced growth the slopes are computed once per distinct set of numbers
    (``_kept_slope``: a run asks for the same ones several times a quarter) and read-only.
    """
    gamma = np.asarray(p.rnd.rd_cost_by_domain, dtype=np.float64)
    if not p.growth.balanced_growth:
        return gamma
    size = np.asarray(size, dtype=np.float64)
    if size.shape != (N_MARKETS,):
        raise ValueError(f"size has shape {size.shape}; allowed: ({N_MARKETS},), one per market")
    start = market_sizes_at(0, p, start_year)
    return _kept_slope(gamma.tobytes(), size.tobytes(), np.asarray(start, np.float64).tobytes())


@lru_cache(maxsize=256)
def _kept_slope(gamma: bytes, size: bytes, size_start: bytes) -> np.ndarray:
    """``rd_cost_slope`` of the float64 arrays of these bytes, kept; read-only.

    Reason: speed only. Keyed by the bytes, not the values, so that an input differing only
    in the sign of a zero (or a NaN's payload) is computed afresh, never given another's bits.
    """
    slope = rd_cost_slope(*(np.frombuffer(b, dtype=np.float64) for b in (gamma, size, size_start)))
    slope.flags.writeable = False
    return slope
