"""Fixtures and constants shared by every test folder (see tests/README.md)."""

import os
from typing import Any

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


def quiet_prospects(model: sim.AllianceModel, step: int) -> Any:
    """The membership view (``valuation.prospects``) of ``model`` at ``step`` with no reviser
    drawn: the outlook, channels and positions every firm's terms are read from."""
    import numpy as np

    from sim.engine.choice import RevisionDraws
    from sim.engine.valuation import prospects

    q = model._new_quarter(step, model.government.act(step))
    none = RevisionDraws(np.zeros(0, np.int64), np.zeros((0, 1), np.int64), np.zeros((0, 2)))
    return prospects(model.firms, model.alliances, q, model.economy, none, np.random.default_rng(0))
