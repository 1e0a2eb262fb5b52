"""Shared by the optimiser's tests: a tiny study that runs through the real results store."""

from __future__ import annotations

from pathlib import Path

import pytest

# A synthetic world (each world draws its startups: 500-2000), 1 quarter, 2 worlds x 1 seed;
# one lever on a grid of 5 values (public compute's cost cut 0, 0.1, ..., 0.4): one
# evaluation is two runs.
TINY = [
    "optimise.world=synthetic",
    "optimise.overrides=['world.n_conglomerates=3','world.n_foreign=2',"
    "'world.n_initial_alliances=2','world.initial_alliance_size=2',"
    "'model.growth.common_learning_rate=false']",  # tests.before_leaders.RATES_AT_REST
    "optimise.steps=1",
    "optimise.worlds=2",
    "optimise.seeds=1",
    "optimise.levers=[{path:scenario.public_compute.cost_reduction,low:0.0,high:0.4,step:0.1}]",
    "optimise.startup_trials=2",
]
LEVER = "scenario.public_compute.cost_reduction"
GRID = (0.0, 0.1, 0.2, 0.3, 0.4)


@pytest.fixture
def tiny(tmp_path: Path) -> list[str]:
    """``TINY`` writing into a fresh folder."""
    return [*TINY, f"optimise.out={tmp_path / 'study'}"]
