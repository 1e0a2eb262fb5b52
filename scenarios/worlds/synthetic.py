"""A synthetic world of any size: firm counts per kind and trait distributions from config."""

from __future__ import annotations

import numpy as np

from sim.config.schema import WorldConfig
from sim.engine import traits
from sim.engine.choice import founding_regime
from sim.engine.history import WorldStart
from sim.engine.state import AllianceState, FirmState


def build(cfg: WorldConfig, rng: np.random.Generator) -> WorldStart:
    """Draw the firms; optionally seed ``n_initial_alliances`` alliances of random firms.

    Firms: domestic startups and conglomerates, foreign big tech, and ``n_foreign_startups``
    startups of other regions (until 2026-12-05 this world ignored that key).

    Seeded alliances are led by their richest member and take their regime from the
    leader's openness.
    """
    firms = FirmState()
    firms.append(**traits.startups(cfg.n_startups, cfg, rng))
    firms.append(**traits.conglomerates(cfg.n_conglomerates, cfg, rng))
    firms.append(**traits.conglomerates(cfg.n_foreign, cfg, rng, foreign=True))
    if cfg.n_foreign_startups:  # none: no draw, so worlds without them keep their numbers
        firms.append(**traits.foreign_startups(cfg.n_foreign_startups, cfg, rng))
    alliances = AllianceState()
    k, size = cfg.n_initial_alliances, cfg.initial_alliance_size
    if k:
        members = rng.permutation(firms.n)[: k * size].reshape(k, size)
        # leader: the member with the most capital (a conglomerate if the group has one)
        leaders = members[np.arange(k), np.argmax(firms.capital[members], axis=1)]
        ids = alliances.append(
            founding_regime(firms.openness[leaders]), leaders, founded=0, home=firms.region[leaders]
        )
        firms.alliance[members] = ids[:, None]
    return WorldStart(firms, alliances)
