"""Startups at rest that break even, and fixed USD m amounts that grow with the markets.

Switches of docs/model.md (section 4, item 10, 6.2, "Fixed amounts", and 6.5):

- ``model.growth.startup_break_even``: each startup's fixed cost ``Phi_i`` is what its
  business pays at rest, its margin less its R&D spend at the step-0 markets, between 0 and
  ``fixed_cost_startup`` (``break_even_cost``), so that no startup starts loss-making;
  entrants size theirs the same way at their expected entry revenue and effort.
- ``model.growth.scale_fixed_amounts``: every private fixed USD m amount is read at
  ``W_t / W_0`` of its configured value (``scaled``; W the whole world market, which is
  every domain's ``M_{d,t} / M_{d,0}`` too, because every domain's markets share one growth
  path), so that under balanced growth (6.2) membership, entry and exit margins, not only
  the R&D condition, stay where they were while markets grow.
- ``model.choice.cost_index_growth`` (finding 45's proposal): the fixed membership amounts
  alone are read at a slow index ``omega_t = (1 + g)^(t/4)`` (``cost_index``, ``indexed``)
  and their flows valued as growing at g (``cost_flow_ratio``); with
  ``model.choice.distance_cost_revenue`` a member abroad also pays a share of its revenue
  (``distance_revenue_cost``).
"""

from __future__ import annotations

import copy
from dataclasses import replace
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike

from sim.config.schema import ModelParams
from sim.engine.rnd_game import HorizonMultipliers, horizon_multipliers
from sim.engine.state import STARTUP, FirmState

# the private fixed amounts of version 2 in USD m (one-off) or USD m a quarter (docs 6.2,
# "Fixed amounts"); policy levers' amounts are the state's and stay as the scenario sets them
SCALED_CHOICE: tuple[str, ...] = (
    "noise_revenue_floor",
    "coord_cost_fixed",
    "distance_cost_fixed",
    "switching_cost_fixed",
    "founding_cost_open",
    "founding_cost_closed",
    "regime_switch_cost",
)
# not ``exit_capital``: it is a floor on cash, a stock that a startup paying its way keeps
# but does not grow; scaled, it retired startups that were not losing money (docs 6.2)
SCALED_GROWTH: tuple[str, ...] = (
    "entry_cost",
    "seed_funding",
    "fixed_cost_startup",
)


def market_scale(size: ArrayLike, size_start: ArrayLike) -> float:
    """W_t / W_0: the whole world market this quarter over its size at step 0.

    Args:
        size: Every market's size this quarter (USD m a quarter), shape (N_MARKETS,).
        size_start: Every market's size at step 0, the same shape.

    Returns:
        The ratio of the totals (1 where the step-0 total is 0).
    """
    start = float(np.sum(size_start))
    return float(np.sum(size)) / start if start > 0.0 else 1.0


def scaled(p: ModelParams, scale: float) -> ModelParams:
    """The parameters with every amount of ``SCALED_CHOICE`` and ``SCALED_GROWTH`` times ``scale``.

    Reason: docs/model.md 6.2, "Fixed amounts": under balanced growth revenue and R&D cost
    grow with the markets; a fixed cost, entry cost or exit floor held in USD m shrinks
    against them, so entry, exit and membership drift while the R&D condition stays put.
    ``scale`` 1 returns ``p`` itself (the switch off, bit for bit).
    """
    if scale == 1.0:
        return p
    choice = replace(p.choice, **{n: getattr(p.choice, n) * scale for n in SCALED_CHOICE})
    growth = replace(p.growth, **{n: getattr(p.growth, n) * scale for n in SCALED_GROWTH})
    return replace(p, choice=choice, growth=growth)


def reads_markets(p: ModelParams) -> bool:
    """Whether a quarter's parameters depend on its markets' scale or its date."""
    c = p.choice
    return bool(p.growth.scale_fixed_amounts or c.distance_at_market_scale or c.cost_index_growth)


def at_markets(p: ModelParams, markets: float, step: int = 0) -> tuple[ModelParams, float]:
    """A quarter's parameters at markets ``markets`` x the start's, and its money scale.

    Reason: docs/model.md 6.2, "Fixed amounts": with ``model.growth.scale_fixed_amounts``
    every private fixed amount is read at ``W_t / W_0`` (``scaled``; the money scale too);
    otherwise the fixed membership amounts at quarter ``step``'s cost index
    (``cost_index``, 1 without ``model.choice.cost_index_growth``) and, with
    ``model.choice.distance_at_market_scale``, the fixed distance cost also at the markets'
    scale (``scaled_distance``; finding 45); with none, ``p`` itself at money scale 1.
    """
    if p.growth.scale_fixed_amounts:
        return scaled(p, markets), markets
    p = indexed(p, cost_index(p, step))
    if p.choice.distance_at_market_scale:
        return scaled_distance(p, markets), 1.0
    return p, 1.0


def cost_index(p: ModelParams, step: int) -> float:
    """omega_t = (1 + g)^(t / 4): the index fixed membership amounts are read at in quarter t.

    Reason: finding 45 of docs/model.md section 10 and 6.5, "Coordination cost": the fixed
    membership amounts pay people (staff to coordinate, travel, lawyers), whose pay grows
    at ``model.choice.cost_index_growth`` a year, not with the markets (25 % a year, which
    would make them a wall by year five) nor not at all (start-year USD m, against gains
    valued in growing markets). 1 at step 0, and always 1 at growth 0.
    """
    g = float(p.choice.cost_index_growth)
    return 1.0 if g == 0.0 else float((1.0 + g) ** (step / 4.0))


def indexed(p: ModelParams, index: float) -> ModelParams:
    """The parameters with every amount of ``SCALED_CHOICE`` times ``index``, the rest unchanged.

    Reason: ``cost_index``. ``index`` 1 returns ``p`` itself (the index off, bit for bit).
    The values were checked once, at compose, so they are copied, not re-validated.
    """
    return choice_times(p, SCALED_CHOICE, index)


def choice_times(p: ModelParams, names: tuple[str, ...], factor: float) -> ModelParams:
    """The parameters with the ``model.choice`` amounts ``names`` times ``factor``.

    Copied, not rebuilt with ``replace``: the values were checked once, at compose, and a
    quarter should not re-validate them. ``factor`` 1 returns ``p`` itself (bit for bit).
    """
    if factor == 1.0:
        return p
    choice = copy.copy(p.choice)
    for name in names:
        setattr(choice, name, getattr(p.choice, name) * factor)
    out = copy.copy(p)
    out.choice = choice
    return out


@lru_cache(maxsize=64)
def _flow_ratio(discount_rate: float, growth: float, horizon: int) -> float:
    """``cost_flow_ratio`` of these rates, kept (a run asks every quarter)."""
    m = horizon_multipliers(discount_rate, growth, 0.0, 0.0, horizon)
    return float(m.level) / float(m.money)


def cost_flow_ratio(p: ModelParams) -> float:
    """Lambda^omega / Lambda^0: what a fixed membership flow is worth over the horizon, per quarter.

    Reason: docs/model.md 6.5 (finding 45's review, objection (c)): a flow read at
    ``cost_index`` grows at ``model.choice.cost_index_growth`` a year, so over the horizon it
    is worth ``sum_tau (rho (1 + g)^(1/4))^tau`` quarters of this quarter's amount
    (``horizon_multipliers``' ``level`` at market growth g), not the constant flow's
    ``Lambda^0``. Exactly 1 at growth 0.
    """
    g = float(p.choice.cost_index_growth)
    if g == 0.0:
        return 1.0
    return _flow_ratio(float(p.choice.discount_rate), g, int(p.choice.horizon_quarters))


def distance_revenue_cost(revenue: ArrayLike, away: ArrayLike, p: ModelParams) -> np.ndarray:
    """d1 R_f a quarter (USD m) for a member of an alliance of another region, else 0.

    Reason: docs/model.md 6.5, "Coordination cost", and finding 45's proposal: belonging to
    an alliance abroad costs localisation, compliance and support in proportion to the
    business it touches (``model.choice.distance_cost_revenue`` of the member's revenue a
    quarter), so that the cost grows with the member as the knowledge it gains does.
    Arguments broadcast: the member's revenue (USD m a quarter), whether it is away.
    """
    d1 = float(p.choice.distance_cost_revenue)
    return np.asarray(d1 * np.asarray(revenue, dtype=np.float64) * np.asarray(away, dtype=bool))


def scaled_distance(p: ModelParams, scale: float) -> ModelParams:
    """The parameters with ``distance_cost_fixed`` times ``scale``, the rest unchanged.

    Reason: finding 45 of docs/model.md section 10 (``model.choice.distance_at_market_scale``):
    the knowledge a member from another region gains is valued in markets that grow, while a
    fixed distance cost in start-year USD m does not, so by year five the gain is twice the
    cost and foreign-led alliances fill with Korean startups. ``scale`` 1 returns ``p`` itself.
    """
    return choice_times(p, ("distance_cost_fixed",), scale)


def break_even_cost(margin: ArrayLike, rd_spend: ArrayLike, cap: ArrayLike) -> np.ndarray:
    """Phi_i = min(cap, max(0, margin - R&D)): the fixed cost a startup's business pays at rest.

    Reason: docs/model.md section 4, item 10: a startup sizes its team to what its margin
    pays after its R&D; none spends more than ``fixed_cost_startup`` (a full small team),
    and one whose margin does not cover its R&D has no paid team (founders unpaid). At rest
    its profit is then 0, or positive where the full team's cost is covered.

    Args:
        margin: mu R, the margin earned a quarter (USD m).
        rd_spend: Its own R&D spend a quarter (USD m).
        cap: ``fixed_cost_startup`` (USD m a quarter).

    Returns:
        Phi_i (USD m a quarter), broadcast.
    """
    surplus = np.asarray(margin, dtype=np.float64) - np.asarray(rd_spend, dtype=np.float64)
    return np.asarray(np.clip(surplus, 0.0, cap))


def startup_fixed_costs(
    rows: np.ndarray, firms: FirmState, p: ModelParams, scale: float
) -> np.ndarray:
    """The fixed cost each of ``rows`` pays this quarter (USD m; 0 for conglomerates).

    Reason: docs/model.md 6.9 and section 4, item 10: ``fixed_cost_startup`` for every
    startup (``p`` already at this quarter's markets under ``scale_fixed_amounts``), or
    under ``startup_break_even`` its own ``Phi_i`` (``FirmState.fixed_cost``, at the step-0
    markets) times ``scale``, W_t / W_0 (1 without ``scale_fixed_amounts``).
    """
    startup = firms.kind[rows] == STARTUP
    if not p.growth.startup_break_even:
        return np.asarray(np.where(startup, p.growth.fixed_cost_startup, 0.0))
    return np.asarray(np.where(startup, firms.fixed_cost[rows] * scale, 0.0))


def growing_costs(multipliers: HorizonMultipliers, market: int) -> HorizonMultipliers:
    """The multipliers with ``money`` replaced by a flow growing with ``market``'s size.

    Reason: docs/model.md 6.2, "Fixed amounts": once fixed amounts, R&D cost (balanced
    growth) and revenue all grow with the markets, a cost flow is worth ``sum_tau (rho
    (1 + n))^tau`` over the horizon, ``Lambda^lev`` of the market, not the constant flow's
    ``Lambda^0`` (10.56 against 14.39 quarters at the defaults: costs were understated
    about 27 %). Used for entrants' values and the value of continuing.
    """
    level = np.asarray(multipliers.level)
    money = np.full_like(np.asarray(multipliers.money), float(level[market]))
    return multipliers._replace(money=money)
