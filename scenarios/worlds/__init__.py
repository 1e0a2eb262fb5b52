"""Worlds: the firms and alliances a run starts from, one registry of every world.

To add a world: write a module here with ``build(cfg, rng) -> WorldStart`` (the firms and
alliances at step 0 and the dated events after it, ``sim.engine.history``),
add one ``World`` row to ``WORLDS`` and a file ``configs/world/<name>.yaml`` (a test checks
that the two agree).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from scenarios.worlds import korea_2016, korea_2024, synthetic
from sim.config.checks import ConfigError
from sim.config.schema import WorldConfig
from sim.engine.history import WorldStart

Builder = Callable[[WorldConfig, np.random.Generator], WorldStart]


@dataclass(frozen=True)
class World:
    """One world a run can start from.

    Attributes:
        name: The value of ``world.name`` (and the config file ``configs/world/<name>.yaml``).
        build: Draws the firms, alliances and scheduled events from the world's config and
            the run's generator.
        summary: One line for help texts and the docs.
    """

    name: str
    build: Builder
    summary: str


WORLDS: dict[str, World] = {
    w.name: w
    for w in (
        World("synthetic", synthetic.build, "a synthetic world of any size from trait draws"),
        World("korea_2024", korea_2024.build, "Korea's AI industry in 2024 and its alliances"),
        World("korea_2016", korea_2016.build, "Korea in 2016, the calibration's starting point"),
    )
}


def world_named(name: str) -> World:
    """The registered world ``name``.

    Raises:
        ConfigError: No world has that name (the message lists those that do).
    """
    try:
        return WORLDS[name]
    except KeyError:
        raise ConfigError(f"world.name={name!r} is unknown; allowed: {', '.join(WORLDS)}") from None


def build_world(cfg: WorldConfig, rng: np.random.Generator) -> WorldStart:
    """Build the world ``cfg.name`` names, drawing only from ``rng``."""
    return world_named(cfg.name).build(cfg, rng)
