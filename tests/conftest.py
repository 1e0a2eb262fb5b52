"""Fixtures and constants shared by every test folder (see tests/README.md)."""

import os

import pytest
from hypothesis import settings

import sim

# Property tests draw the same examples on every run unless HYPOTHESIS_PROFILE=explore: CI
# must not pass or fail by luck. Run `HYPOTHESIS_PROFILE=explore make test` to search anew.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("explore", deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

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
