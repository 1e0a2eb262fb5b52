"""Population stages of design version 2 that the model runs between the firms' phases.

- ``depth_targets`` / ``deepen``: every alliance's depth moves toward its target
  (docs/model.md 6.7), stage 4 of the quarter.

The consistent start (docs/model.md section 4) is ``sim.engine.start``.
"""

from __future__ import annotations

import numpy as np

from sim.config.schema import ModelParams
from sim.config.vocabulary import N_DOMAINS, REGIONS
from sim.engine.depth import adjust_depth, heterogeneity, target_depth
from sim.engine.state import AllianceState, FirmState


def depth_targets(
    firms: FirmState, alliances: AllianceState, p: ModelParams, mission: np.ndarray
) -> np.ndarray:
    """Target depth w* of every alliance row (docs/model.md 6.7).

    ``mission`` is the mandate's mission per alliance row (clipped to [0, 1]).
    """
    m = alliances.m
    if m == 0:
        return np.zeros(0)
    alive = firms.alive
    alliance = np.where(alive, firms.alliance, -1)
    h = heterogeneity(
        alliance, firms.openness, firms.region, firms.domain, m, len(REGIONS), N_DOMAINS
    )
    size = np.bincount(alliance[alliance >= 0], minlength=m).astype(np.float64)
    c = p.choice
    given = np.zeros(m)  # alliances founded after the policies acted have no mission
    given[: min(m, mission.size)] = mission[:m]
    given = np.where(alliances.coordinated, np.maximum(given, c.state_mission), given)
    return np.asarray(
        target_depth(
            h,
            size,
            np.clip(given, 0.0, 1.0),
            c.depth_base,
            c.working_group_size,
            c.depth_size_elasticity,
        )
    )


def deepen(
    firms: FirmState,
    alliances: AllianceState,
    p: ModelParams,
    mission: np.ndarray,
    step: int,
) -> None:
    """Move every alliance's depth toward its target; alliances new this quarter start there."""
    if alliances.m == 0:
        return
    target = depth_targets(firms, alliances, p, mission)
    moved = adjust_depth(alliances.depth, target, p.choice.depth_adjustment)
    alliances.depth[:] = np.where(alliances.founded >= step, target, moved)
