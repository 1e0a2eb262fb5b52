"""World builders: the firms and alliances a run starts from."""

from __future__ import annotations

import numpy as np

from sim.config.schema import WorldConfig
from sim.engine.state import AllianceState, FirmState


def build_world(cfg: WorldConfig, rng: np.random.Generator) -> tuple[FirmState, AllianceState]:
    """Build the world ``cfg.name`` names, drawing only from ``rng``."""
    if cfg.name == "synthetic":
        from scenarios.worlds import synthetic

        return synthetic.build(cfg, rng)
    if cfg.name == "korea_2024":
        from scenarios.worlds import korea_2024

        return korea_2024.build(cfg, rng)
    if cfg.name == "korea_2016":
        from scenarios.worlds import korea_2016

        return korea_2016.build(cfg, rng)
    raise ValueError(
        f"world.name={cfg.name!r} is unknown; allowed: synthetic, korea_2024, korea_2016"
    )
