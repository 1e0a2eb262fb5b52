import pytest

import sim

SMALL_SYNTHETIC = [
    "world=synthetic",
    "world.n_startups=120",
    "world.n_conglomerates=8",
    "world.n_foreign=4",
    "world.n_initial_alliances=4",
    "steps=10",
]


@pytest.fixture
def small_cfg():
    return sim.compose(SMALL_SYNTHETIC)
