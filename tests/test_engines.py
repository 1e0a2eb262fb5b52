"""The vectorised engine and the agent-by-agent engine give identical results."""

from dataclasses import fields

import numpy as np
import pytest

import sim
from sim.engine.state import FirmState
from tests.conftest import SMALL_SYNTHETIC

WORLDS = {
    "synthetic": SMALL_SYNTHETIC,
    "korea": ["world=korea_2024", "world.n_startups=60", "world.archetype_scale=0.3", "steps=8"],
}


@pytest.mark.parametrize("world", sorted(WORLDS))
@pytest.mark.parametrize("scenario", ["baseline", "antitrust_guidance", "public_compute"])
@pytest.mark.parametrize("seed", [0, 7, 123])
def test_engines_agree_exactly(world, scenario, seed):
    cfg = sim.compose([*WORLDS[world], f"scenario={scenario}", f"seed={seed}"])
    fast = sim.AllianceModel(cfg, engine="vectorised").run()
    slow = sim.AllianceModel(cfg, engine="agents").run()
    assert fast.datacollector.get_model_vars_dataframe().equals(
        slow.datacollector.get_model_vars_dataframe()
    )
    for f in fields(FirmState):
        np.testing.assert_array_equal(getattr(fast.firms, f.name), getattr(slow.firms, f.name))
    np.testing.assert_array_equal(fast.alliances.leader, slow.alliances.leader)
    np.testing.assert_array_equal(fast.alliances.active, slow.alliances.active)
    assert fast.firms.n == slow.firms.n == len(slow.firm_agents)


def test_engines_move_firms(small_cfg):
    """Guard against a vacuous agreement: the runs do change membership and capital."""
    model = sim.AllianceModel(small_cfg, engine="agents")
    before = model.firms.copy()
    model.run()
    assert (model.firms.alliance[: before.n] != before.alliance).any()
    assert not np.allclose(model.firms.capital[: before.n], before.capital)


def test_unknown_engine_is_refused(small_cfg):
    with pytest.raises(ValueError, match="engine"):
        sim.AllianceModel(small_cfg, engine="gpu")
