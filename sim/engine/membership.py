"""Applying membership changes: founding, joining, leaving, leader succession, dissolution."""

from __future__ import annotations

import numpy as np

from sim.engine.aggregates import home_region, members_mask
from sim.engine.choice import FOUND_NEW, founding_regime
from sim.engine.state import NO_ALLIANCE, AllianceState, FirmState


def apply_moves(
    firms: FirmState,
    alliances: AllianceState,
    rows: np.ndarray,
    targets: np.ndarray,
    step: int,
    founding_cost: float | np.ndarray = 0.0,
    regimes: np.ndarray | None = None,
) -> np.ndarray:
    """Move firms ``rows`` to ``targets`` (alliance id, NO_ALLIANCE or FOUND_NEW).

    Reason: revision is synchronous, so all decisions of a quarter take effect together;
    each founder pays the founding cost and gets a new alliance it leads, with the regime
    its openness leans to (version 1) or the one it chose (``regimes``, one per founder,
    version 2; ``founding_cost`` may then be one per founder too).

    Returns:
        Ids of the alliances founded.
    """
    founders = rows[targets == FOUND_NEW]
    firms.capital[founders] -= founding_cost
    regime = founding_regime(firms.openness[founders]) if regimes is None else regimes
    new_ids = alliances.append(regime, founders, founded=step, home=firms.region[founders])
    targets = targets.copy()
    targets[targets == FOUND_NEW] = new_ids
    firms.alliance[rows] = targets
    return new_ids


def alliance_sizes(firms: FirmState, m: int) -> np.ndarray:
    """Alive members per alliance."""
    inside = members_mask(firms)
    return np.bincount(firms.alliance[inside], minlength=m)


def replace_departed_leaders(
    firms: FirmState, alliances: AllianceState, within_home: bool = False
) -> None:
    """Give every alliance whose leader left (or exited) a new leader.

    Reason: the richest remaining member takes over, as the member best able to carry
    the alliance's costs. With ``within_home`` (version 2, docs/model.md 6.6) the richest
    member of the alliance's home region does, if one remains; otherwise the richest member,
    and the home region becomes its region.
    """
    if alliances.m == 0:
        return
    ids = np.arange(alliances.m)
    leader_ok = (firms.alliance[alliances.leader] == ids) & firms.alive[alliances.leader]
    orphaned = alliances.active & ~leader_ok
    if not orphaned.any():
        return
    rows = np.flatnonzero(members_mask(firms))
    rows = rows[orphaned[firms.alliance[rows]]]
    if rows.size == 0:
        return
    at_home = np.zeros(rows.size, dtype=bool)
    if within_home:
        at_home = firms.region[rows] == home_region(firms, alliances)[firms.alliance[rows]]
    order = rows[np.lexsort((rows, firms.capital[rows], at_home, firms.alliance[rows]))]
    groups = firms.alliance[order]
    last = np.r_[groups[1:] != groups[:-1], True]  # richest (ties: highest row) per group
    alliances.leader[groups[last]] = order[last]
    if within_home:
        moved = groups[last][~at_home[np.searchsorted(rows, order[last])]]
        alliances.home[moved] = firms.region[alliances.leader[moved]]


def dissolve_small(firms: FirmState, alliances: AllianceState, step: int, grace: int) -> np.ndarray:
    """Dissolve alliances left with fewer than two members; return the dissolved ids.

    Reason: an alliance of one is no alliance; a newly founded one gets ``grace``
    quarters to recruit before it counts as left alone. Its last member goes alone, and
    alliances federated under it lose their parent.
    """
    size = alliance_sizes(firms, alliances.m)
    young = step - alliances.founded < grace
    gone = alliances.active & ((size == 0) | ((size == 1) & ~young))
    if gone.any():
        alliances.active[gone] = False
        inside = firms.alliance != NO_ALLIANCE
        leaving = inside & gone[np.where(inside, firms.alliance, 0)]
        firms.alliance[leaving] = NO_ALLIANCE
        orphan = alliances.parent >= 0
        alliances.parent[orphan & gone[np.where(orphan, alliances.parent, 0)]] = NO_ALLIANCE
    return np.flatnonzero(gone)


def settle(
    firms: FirmState, alliances: AllianceState, step: int, grace: int, within_home: bool = False
) -> np.ndarray:
    """Leader succession then dissolution, after any change of membership."""
    replace_departed_leaders(firms, alliances, within_home)
    return dissolve_small(firms, alliances, step, grace)
