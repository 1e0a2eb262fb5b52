"""Fixtures and constants shared by every test folder (see tests/README.md)."""

import pytest

import sim

# Helper modules with plain ``assert`` statements, imported by test modules: rewrite them
# too, so that a failing check inside a helper reports its values.
pytest.register_assert_rewrite("tests.engine.validation_worlds")

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
