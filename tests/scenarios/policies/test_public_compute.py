"""scenarios.policies.public_compute: cheaper R&D for eligible firms, paid by the state."""

import dataclasses

import numpy as np
import pytest

import sim
from sim.config.levers import PublicComputeConfig, ScenarioConfig
from sim.config.vocabulary import DOMESTIC
from sim.engine.state import STARTUP
from tests.scenarios.policies.helpers import config, model_with


def _first_quarter_effort_gain(seed, economics):
    """Eligible rows and each firm's effort gain in the first quarter with public compute."""
    lever = PublicComputeConfig(cost_reduction=0.3, eligibility="startups")
    model = model_with(seed=seed, economics=economics, public_compute=lever)
    effects = model.government.act(0)
    firms = model.firms
    who = firms.alive & (firms.region == DOMESTIC) & (firms.kind == STARTUP)
    np.testing.assert_array_equal(effects.cost_reduction[who], 0.3)
    np.testing.assert_array_equal(effects.cost_reduction[~who], 0.0)

    helped = model_with(seed=seed, economics=economics, public_compute=lever)
    base = model_with(seed=seed, economics=economics)
    helped.step()
    base.step()
    n = who.size
    np.testing.assert_array_equal(helped.firms.alliance[:n], base.firms.alliance[:n])  # same moves
    gain = helped.firms.effort[:n] - base.firms.effort[:n]  # effort of the quarter
    assert helped.firms.effort.sum() > base.firms.effort.sum()
    return who, gain, base.firms.effort[:n]


def test_public_compute_lowers_cost_for_eligible_firms_and_raises_rnd_effort_under_version_1():
    who, gain, _ = _first_quarter_effort_gain(0, "v1")
    assert np.all(gain[who] > 0)  # exited during the quarter or not, every eligible firm
    np.testing.assert_array_equal(gain[~who], 0.0)


@pytest.mark.parametrize("seed", [0, 1])
def test_public_compute_raises_the_rnd_effort_of_eligible_firms_under_version_2(seed):
    """No eligible firm invests less; every one that invests at all invests more.

    A firm may sit at the corner of zero effort in both arms: under version 2 effort is
    capped by cash (``innovation.invest``), and on seed 0 one startup (row 1) that has just
    founded an alliance, paying the switching and founding costs (about 19 USD m against its
    16 of capital), has negative capital when it invests, so cheaper R&D cannot move it.
    In the first quarter the rivals' efforts do not change (measured: seeds 0-2): each
    firm's best response reads the start-of-quarter state. From the second quarter they may,
    through version 2's business stealing (the helped firms' better capabilities take share,
    which lowers the rivals' return on R&D), so the check stops at one quarter.
    """
    who, gain, base = _first_quarter_effort_gain(seed, "v2")
    assert np.all(gain[who] >= 0)
    investing = who & (base > 0)
    assert investing.sum() >= who.sum() - 1
    assert np.all(gain[investing] > 0)
    np.testing.assert_array_equal(gain[~who], 0.0)


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
