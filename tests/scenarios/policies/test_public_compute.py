"""scenarios.policies.public_compute: cheaper R&D for eligible firms, paid by the state."""

import dataclasses

import numpy as np
import pytest

import sim
from sim.config.levers import PublicComputeConfig, ScenarioConfig
from sim.config.vocabulary import DOMESTIC
from sim.engine.state import STARTUP
from tests.scenarios.policies.helpers import config, model_with


def test_public_compute_lowers_cost_for_eligible_firms_and_raises_rnd_effort():
    lever = PublicComputeConfig(cost_reduction=0.3, eligibility="startups")
    model = model_with(seed=0, public_compute=lever)
    effects = model.government.act(0)
    firms = model.firms
    who = firms.alive & (firms.region == DOMESTIC) & (firms.kind == STARTUP)
    np.testing.assert_array_equal(effects.cost_reduction[who], 0.3)
    np.testing.assert_array_equal(effects.cost_reduction[~who], 0.0)

    helped = model_with(seed=0, public_compute=lever)
    base = model_with(seed=0)
    helped.step()
    base.step()
    n = who.size
    np.testing.assert_array_equal(helped.firms.alliance[:n], base.firms.alliance[:n])  # same moves
    gain = helped.firms.effort[:n] - base.firms.effort[:n]  # effort of the quarter
    assert np.all(gain[who] > 0)  # exited during the quarter or not, every eligible firm
    np.testing.assert_array_equal(gain[~who], 0.0)
    assert helped.firms.effort.sum() > base.firms.effort.sum()


def test_public_compute_state_share_is_government_spend():
    lever = PublicComputeConfig(cost_reduction=0.3, eligibility="all")
    model = sim.AllianceModel(
        config(ScenarioConfig(public_compute=lever), n_foreign=0, n_initial_alliances=2), seed=0
    )
    base = sim.AllianceModel(config(n_foreign=0, n_initial_alliances=2), seed=0)
    total = 0.0
    for _ in range(3):
        model.step()
        base.step()
        flows = model.flows
        # every firm is eligible: the state pays 30 % of all R&D cost
        assert flows.government_spend == pytest.approx(0.3 * flows.rnd_spend)
        assert flows.government_spend > 0 and base.flows.government_spend == 0.0
        total += flows.government_spend
    assert model.cumulative_spend == pytest.approx(total)

    startups_only = model_with(
        seed=0, public_compute=dataclasses.replace(lever, eligibility="startups")
    )
    startups_only.step()
    flows = startups_only.flows
    assert 0 < flows.government_spend < 0.3 * flows.rnd_spend
