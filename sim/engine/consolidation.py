"""Consolidation: a leader folds its alliance into a larger one when that pays (docs/model.md 6.6).

A leader does not reconsider membership as other firms do: walking away from the alliance it
runs is not a decision a founder takes on a passing impulse (``leadership.leaders_stay``).
But a leader whose alliance is worth less to it than membership of a larger one joins the
larger one, as small alliances are absorbed by larger ones (Goyal and Joshi 2003: with cheap
collaboration, the complete network). The decision is deliberate, like a leader's regime
review: no choice noise, the same option values as every reviser (``valuation.option_values``,
the leader's resale margin counted for staying), over the candidates the leader's revision drew
that are larger than its own alliance at the start of the quarter. Its former partners keep
the alliance under a successor (``membership.replace_departed_leaders``) or, left alone,
reconsider. Only an alliance of fewer than ``fold_below_members`` (10 firms by default, the size
of one working group) is folded: a leader that built an alliance of that size or more has a stake
in it the option values
do not hold (its agenda, its name; finding 19 of docs/model.md section 10), and with every
leader free to fold SoftBank folded the AI-RAN Alliance into the AI Alliance in 8 of 32 seeds of
``korea_2024`` by 2025, against the record. Leaders of mandated, state-coordinated and chartered
alliances do not fold: the state or the charter, not the leader, keeps the alliance. Nor do
leaders of joint ventures whose founders hold equity (``AllianceState.venture``, data file
``commitment: equity``: Stargate's four equity funders): folding one would mean unwinding the
founders' stakes, which no option value of membership holds; with it, OpenAI folded Stargate
(4 founders, under ``fold_below_members``) into a larger alliance in 3 of the history fit's 16
seeds by 2025 Q2, and Oracle led it after (finding 44 of docs/model.md section 10).
"""

from __future__ import annotations

import numpy as np

from sim.config.schema import ModelParams
from sim.engine.aggregates import formed_alliance
from sim.engine.choice import FIRST_CANDIDATE, RevisionDraws
from sim.engine.membership import alliance_sizes
from sim.engine.outlook import Prospects
from sim.engine.policy import PolicyEffects
from sim.engine.state import AllianceState, FirmState
from sim.engine.valuation import deliberate_values

__all__ = ["fold_targets", "leaders_drawn"]


def leaders_drawn(
    draws: RevisionDraws, firms: FirmState, alliances: AllianceState, below: int
) -> RevisionDraws:
    """The draws of the leaders of formed alliances of fewer than ``below`` alive members.

    Reason: the revisers ``leadership.leaders_stay`` drops are the leaders who may consider
    consolidation this quarter: those of alliances with fewer alive members than ``below`` now
    (``model.choice.fold_below_members``; an alliance that has shrunk below it counts too);
    mandated, state-coordinated and chartered alliances are kept by the state or their charter,
    joint ventures by their founders' equity.
    """
    mine = formed_alliance(firms, alliances)[draws.revisers]
    ok = mine >= 0
    if alliances.m:  # with no alliance there is no leader
        ids = np.maximum(mine, 0)
        fixed = alliances.mandated | alliances.coordinated | alliances.chartered | alliances.venture
        size = alliance_sizes(firms, alliances.m)
        ok &= alliances.leader[ids] == draws.revisers
        ok &= ~fixed[ids] & (size[ids] < below)
    return RevisionDraws(draws.revisers[ok], draws.candidates[ok], draws.gumbel[ok])


def fold_targets(
    leaders: RevisionDraws,
    firms: FirmState,
    alliances: AllianceState,
    view: Prospects,
    effects: PolicyEffects,
    p: ModelParams,
) -> np.ndarray:
    """Each drawn leader's target: the best larger candidate that pays, else its own alliance.

    Reason: module docstring. Values are USD m over the horizon against staying
    (``valuation.option_values``), switching cost and admission included; only candidate
    alliances with more alive members than the leader's own count.
    """
    rows = leaders.revisers
    own = firms.alliance[rows].astype(np.int64)
    if rows.size == 0:
        return own
    values = deliberate_values(leaders, firms, alliances, view, effects, p)
    size = alliance_sizes(firms, alliances.m)
    candidates = leaders.candidates
    larger = (candidates >= 0) & (size[np.maximum(candidates, 0)] > size[own][:, None])
    gain = np.where(larger, values[:, FIRST_CANDIDATE:], -np.inf)
    best = np.argmax(gain, axis=1)
    at = np.arange(rows.size)
    return np.where(gain[at, best] > 0.0, candidates[at, best], own).astype(np.int64)
