"""sim.config.schema: checks that span fields of the run and model configs."""

import pytest

import sim
from sim.config.schema import ConfigError


def test_public_compute_cannot_make_effort_unbounded():
    with pytest.raises(ConfigError, match=r"cost_reduction=0\.6"):
        sim.compose(["scenario=public_compute", "scenario.public_compute.cost_reduction=0.6"])


def test_frontier_must_grow():
    with pytest.raises(ConfigError, match="frontier_growth"):
        sim.compose(["model.growth.frontier_growth=0"])
