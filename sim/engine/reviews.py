"""Leaders' regime reviews (design version 2, docs/model.md 6.6 and section 3, stage 2).

Every ``regime_review_every`` quarters the leader of each formed alliance compares its
expected profit under the other regime: the fees its members pay, the knowledge its own
effort leaks to rivals when the alliance publishes, and the recruits the other regime would
attract (prospects drawn, each counted if joining pays for it and for the leader). Members
whose surplus from staying (``valuation.membership_surplus``) would not cover a higher fee
are foreseen to leave, and pay nothing (before this, closing an open alliance counted a fee
from every member, and the leaders of the open alliances closed them at their first review).
It switches when the gain exceeds ``regime_switch_cost``. This is the K-AI Alliance's 2024 move:
it opened once the knowledge of recruits at scale outweighed the leak of its own.
Mandated alliances keep the regime their mandate sets, state-coordinated ones the regime the
state set, chartered ones (an open-source alliance by mission or grant) the regime of their
charter; an alliance founded this quarter is not reviewed (its founders just chose).
"""

from __future__ import annotations

import numpy as np

from sim.config.schema import ModelParams
from sim.engine.aggregates import home_region
from sim.engine.founding import recruit_value
from sim.engine.outlook import Prospects, flow_scale, reviser_at
from sim.engine.policy import PolicyEffects
from sim.engine.quarter import regime_fee
from sim.engine.state import CLOSED, OPEN, AllianceState, FirmState
from sim.engine.valuation import membership_surplus


def review_regimes(
    firms: FirmState,
    alliances: AllianceState,
    view: Prospects,
    p: ModelParams,
    rng: np.random.Generator,
    effects: PolicyEffects,
    step: int,
) -> np.ndarray:
    """Switch the regime of alliances whose leader gains from it; returns the ids switched.

    Draws ``n_prospects`` alive firms per formed alliance (one call, whatever the values).
    """
    c = p.choice
    o = view.outlook
    member = np.where(firms.alive, firms.alliance, -1)
    size = np.bincount(member[member >= 0], minlength=max(alliances.m, 1))[: alliances.m]
    fixed = alliances.mandated | alliances.coordinated | alliances.chartered
    new = alliances.founded >= step  # founded this quarter: its founders just chose the regime
    ids = np.flatnonzero(alliances.active & (size >= 2) & ~fixed & ~new)
    alive = np.flatnonzero(firms.alive)
    prospects = alive[rng.integers(0, max(alive.size, 1), size=(ids.size, c.n_prospects))]
    if ids.size == 0:
        return ids
    leaders = alliances.leader[ids]
    r = reviser_at(leaders, firms, view.outlook, view.channels, view.position)
    money = float(o.multipliers.money[0])
    flow = flow_scale(o, p)
    R = np.asarray(p.rnd.relatedness, dtype=np.float64)
    regime = alliances.regime[ids]
    other = np.where(regime == OPEN, CLOSED, OPEN)
    fee, fee_other = regime_fee(regime, p), regime_fee(other, p)
    staying = members_staying(ids, fee_other - fee, firms, alliances, view, effects, p)
    fees = money * (fee_other * staying - fee * (size[ids] - 1))
    # the leader's own effort reaches every rival in its markets at the public rate if open
    fl = flow[r.markets]
    rivals = o.reach_all[r.markets] - (r.absorption * r.slope)[:, None] * r.share
    leak = (fl * r.share * rivals).sum(-1) * o.public_rate * r.effort
    leak_change = np.where(other == OPEN, leak, -leak)
    rate = o.internal[ids]
    recruits = np.zeros(ids.size)
    home = home_region(firms, alliances)[ids]
    eligible = ~alliances.national[ids][:, None] | (firms.region[prospects] == home[:, None])
    for option in (OPEN, CLOSED):
        value = recruit_value(r, prospects, firms, o, R, flow, p, option, rate, eligible)
        recruits += np.where(other == option, value, 0.0) - np.where(regime == option, value, 0.0)
    gain = fees - leak_change + recruits - c.regime_switch_cost
    switch = ids[gain > 0.0]
    alliances.regime[switch] = np.where(alliances.regime[switch] == OPEN, CLOSED, OPEN)
    return switch


def members_staying(
    ids: np.ndarray,
    fee_rise: np.ndarray,
    firms: FirmState,
    alliances: AllianceState,
    view: Prospects,
    effects: PolicyEffects,
    p: ModelParams,
) -> np.ndarray:
    """Members (leader excluded) of each alliance ``ids`` who would stay after a fee rise.

    A member stays when its surplus from staying covers the rise over the horizon
    (``money x fee_rise``); a fall keeps everyone.
    """
    member = np.where(firms.alive, firms.alliance, -1)
    position = np.full(max(alliances.m, 1), -1, dtype=np.int64)
    position[ids] = np.arange(ids.size)
    at = position[np.maximum(member, 0)]
    rows = np.flatnonzero((member >= 0) & (at >= 0))
    rows = rows[alliances.leader[member[rows]] != rows]
    if rows.size == 0:
        return np.zeros(ids.size)
    where = at[rows]
    rise = float(view.outlook.multipliers.money[0]) * np.asarray(fee_rise)[where]
    surplus = membership_surplus(rows, firms, alliances, view, effects, p)
    stays = (rise <= 0.0) | (surplus >= rise)
    return np.bincount(where, weights=stays.astype(np.float64), minlength=ids.size)
