"""Helpers shared by the policy lever tests (not a test module: pytest does not collect it).

Unit tests build ``FirmState``/``AllianceState`` by hand and call a lever's ``restructure``
and ``apply``; integration tests run small synthetic worlds with and without a lever on the
same seeds. Scenarios are built from the typed lever configs, so the tests do not depend
on the values in ``configs/scenario``.
"""

import copy
import dataclasses
from functools import lru_cache

import numpy as np

import sim
from sim.config.levers import ScenarioConfig
from sim.config.vocabulary import DOMESTIC
from sim.engine.policy import PolicyEffects
from sim.engine.state import (
    CLOSED,
    CONGLOMERATE,
    NO_ALLIANCE,
    OPEN,
    STARTUP,
    AllianceState,
    FirmState,
    presence_mask,
)
from tests.conftest import SMALL_SYNTHETIC

FOREIGN = 1  # any region but DOMESTIC
RNG = np.random.default_rng(0)  # levers take a generator; none of them draws from it


@lru_cache(maxsize=1)
def _base_cfg():
    return sim.compose(SMALL_SYNTHETIC)


def config(scenario=None, economics=None, **world):
    """The small synthetic run config with ``scenario`` and world overrides.

    ``economics`` ("v1" or "v2") pins the design version where a test checks one version's
    rule; ``None`` takes the default (version 2 since 2026-12-02).
    """
    cfg = copy.deepcopy(_base_cfg())
    cfg.scenario = scenario or ScenarioConfig()
    if economics is not None:
        cfg.model.economics = economics
    for key, value in world.items():
        setattr(cfg.world, key, value)
    return cfg


def model_with(seed=0, economics=None, **levers):
    """A model of the small world pulling ``levers`` (ScenarioConfig fields)."""
    scenario = ScenarioConfig(name="test", **levers)
    return sim.AllianceModel(config(scenario, economics=economics), seed=seed)


def neutral(firms, alliances, clarity=0.3):
    """Neutral effects, except that alliances flagged mandated are under an active mandate
    (what the mega-alliance lever, applied first, would have written)."""
    effects = PolicyEffects.neutral(firms.n, alliances.m, clarity)
    effects.mandated[: alliances.m] = alliances.mandated & alliances.active
    return effects


def effects_of(lever, firms, alliances, step=0):
    """Effects of one lever applied alone to neutral effects (restructuring first)."""
    lever.restructure(step, firms, alliances, RNG)
    effects = neutral(firms, alliances)
    lever.apply(step, firms, alliances, effects, RNG)
    return effects


def assert_neutral(effects, firms, alliances, clarity, expected=None):
    expected = expected or PolicyEffects.neutral(firms.n, alliances.m, clarity)
    for f in dataclasses.fields(PolicyEffects):
        np.testing.assert_array_equal(
            getattr(effects, f.name), getattr(expected, f.name), err_msg=f.name
        )


def hand_firms(rows):
    """Firms from (kind, region, domain, capability, capital, alliance, alive) tuples."""
    kind, region, domain, capability, capital, alliance, alive = map(
        np.array, zip(*rows, strict=True)
    )
    firms = FirmState()
    firms.append(
        kind=kind,
        region=region,
        domain=domain,
        presence=presence_mask(domain),
        capital=capital.astype(float),
        openness=np.full(len(rows), 0.5),
        capability=capability.astype(float),
        alliance=alliance,
        alive=alive.astype(bool),
        revenue=np.ones(len(rows)),
    )
    return firms


def hand_alliances(regimes, leaders, mandated=(), inactive=()):
    alliances = AllianceState()
    alliances.append(np.array(regimes), np.array(leaders), founded=0)
    alliances.mandated[list(mandated)] = True
    alliances.active[list(inactive)] = False
    return alliances


S, C = STARTUP, CONGLOMERATE
D, F = DOMESTIC, FOREIGN


def eligibility_world():
    """Alliance 0 open, 1 closed, 2 closed and mandated; rows named in the comments."""
    firms = hand_firms(
        [
            (S, D, 0, 0.5, 5, NO_ALLIANCE, True),  # 0 startup alone
            (C, D, 0, 0.7, 500, 0, True),  # 1 conglomerate, open alliance (leader)
            (S, D, 1, 0.5, 5, 0, True),  # 2 startup, open alliance
            (C, F, 1, 0.9, 9000, 0, True),  # 3 foreign, open alliance
            (S, D, 4, 0.5, 5, 1, True),  # 4 startup, closed alliance (leader)
            (C, D, 4, 0.7, 500, 1, True),  # 5 conglomerate, closed alliance
            (S, D, 0, 0.5, 5, 2, True),  # 6 startup, mandated alliance (leader)
            (C, D, 1, 0.7, 500, 2, True),  # 7 conglomerate, mandated alliance
            (S, D, 0, 0.5, 5, NO_ALLIANCE, False),  # 8 exited startup
            (S, F, 0, 0.5, 5, NO_ALLIANCE, True),  # 9 foreign startup alone
        ]
    )
    alliances = hand_alliances([OPEN, CLOSED, CLOSED], [1, 4, 6], mandated=[2])
    return firms, alliances


def rows_of(mask):
    return np.flatnonzero(mask).tolist()
