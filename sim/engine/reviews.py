"""Leaders' regime reviews (design version 2, docs/model.md 6.6 and section 3, stage 2).

Every ``regime_review_every`` quarters the leader of each formed alliance compares its
expected profit under the other regime: its resale margin on the channel of the partners who
would stay, the knowledge its own effort leaks to rivals when the alliance publishes, and the
recruits the other regime would attract (prospects drawn, each counted if joining pays for it
and for the leader). Members whose surplus from staying (``valuation.membership_surplus``)
would not cover higher dues are foreseen to leave. Dues fund the secretariat, not the leader
(review finding 18: with fees paid to the leader, closing the K-AI Alliance would have paid
SK Telecom twelve times its margin).
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
from sim.engine.channel_access import leader_pool
from sim.engine.economy import dues_share
from sim.engine.founding import recruit_value
from sim.engine.outlook import Outlook, Prospects, Reviser, flow_scale, own_reach, reviser_at
from sim.engine.policy import PolicyEffects
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
    rise = dues_share(other, p) - dues_share(regime, p)
    staying = members_staying(ids, rise, firms, alliances, view, effects, p)
    # the leader's stake: its resale margin on the channel of the partners who stay
    sold, counts = o.leader_sales[ids], o.partners[ids]
    kept = counts * (staying / np.maximum(size[ids] - 1, 1))[:, None]
    lost = leader_pool(sold, kept, p) - leader_pool(sold, counts, p)
    stake = money * c.channel_resale_margin * lost
    leak = opening_leak(r, o, flow)
    leak_change = np.where(other == OPEN, leak, -leak)
    rate = o.internal[ids]
    recruits = np.zeros(ids.size)
    home = home_region(firms, alliances)[ids]
    eligible = ~alliances.national[ids][:, None] | (firms.region[prospects] == home[:, None])
    for option in (OPEN, CLOSED):
        value = recruit_value(
            r, prospects, firms, o, R, flow, p, option, rate, eligible, counts, sold
        )
        recruits += np.where(other == option, value, 0.0) - np.where(regime == option, value, 0.0)
    gain = stake - leak_change + recruits - c.regime_switch_cost
    switch = ids[gain > 0.0]
    alliances.regime[switch] = np.where(alliances.regime[switch] == OPEN, CLOSED, OPEN)
    return switch


def opening_leak(r: Reviser, o: Outlook, flow: np.ndarray) -> np.ndarray:
    """What an open regime leaks of each leader ``r``'s effort to its rivals (USD m, >= 0).

    Reason: docs/model.md 6.6 (regime switching): if open, the leader's own effort reaches
    every rival in its markets at the public rate. The rivals' reach is the outlook's sum
    over receivers whose public channel is not saturated, less the leader's own term masked
    the same way (``outlook.own_reach``; unmasked, a saturated leader's leak came out
    negative, -0.156 USD m in a test world, a spurious gain from opening).

    Args:
        r: The leaders' own quantities (``outlook.reviser_at``).
        o: The quarter's outlook.
        flow: ``outlook.flow_scale``, ``C^flow_m`` per market (USD m; docs/model.md 6.5).

    Returns:
        The leak per leader, shape (len(r.rows),), USD m over the horizon.
    """
    fl = flow[r.markets]
    rivals = o.reach_all[r.markets] - own_reach(r)[0]
    return np.asarray((fl * r.share * rivals).sum(-1) * o.public_rate * r.effort)


def members_staying(
    ids: np.ndarray,
    dues_rise: np.ndarray,
    firms: FirmState,
    alliances: AllianceState,
    view: Prospects,
    effects: PolicyEffects,
    p: ModelParams,
) -> np.ndarray:
    """Members (leader excluded) of each alliance ``ids`` who would stay after a dues rise.

    ``dues_rise`` is the rise in dues as a share of revenue, per alliance. A member stays
    when its surplus from staying covers the rise over the horizon (``money x rise x its
    revenue``); a fall keeps everyone.
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
    revenue = view.outlook.revenue[rows].sum(-1)
    rate = np.asarray(dues_rise)[where]
    rise = float(view.outlook.multipliers.money[0]) * rate * revenue
    surplus = membership_surplus(rows, firms, alliances, view, effects, p)
    stays = (rate <= 0.0) | (surplus >= rise)
    return np.bincount(where, weights=stays.astype(np.float64), minlength=ids.size)
