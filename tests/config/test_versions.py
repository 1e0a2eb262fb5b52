"""sim.config.versions: version-1 keys are refused under version 2, and really are inert there."""

import numpy as np
import pytest

import sim
from sim.config.checks import ConfigError
from sim.config.design import set_path
from sim.config.uncertainty import UncertainParameter, UncertaintyConfig, check_uncertainty
from sim.config.versions import VERSION_1_ONLY, check_version, override_key
from tests.conftest import SMALL_SYNTHETIC

# A value different from each key's default (inside what the config allows).
CHANGED = {
    "model.rnd.n_rivals_alone": 5,
    "model.rnd.max_game_size": 7,
    "model.rnd.size_elasticity": 0.6,
    "model.rnd.cost_per_effort": 60.0,
    "model.rnd.open_public_boost": 0.6,
    "model.rnd.beta_open_internal": 0.9,
    "model.rnd.beta_closed_internal": 0.2,
    "model.growth.outside_weight": 100.0,
    "model.growth.market_growth": 0.1,
    "model.growth.entry_funding_elasticity": 1.5,
    "model.choice.noise_scale": 1.0,
    "model.choice.switching_cost": 1.0,
    "model.choice.scale_half": 1.0,
    "model.choice.leadership_value": 2.0,
    "model.choice.founding_cost": 10.0,
    "model.choice.closed_selectivity": 0.5,
    "model.choice.fee_open": 0.1,
    "model.choice.fee_closed": 0.5,
    "model.choice.w_scale": 2.0,
    "model.choice.w_complementarity": 2.0,
    "model.choice.w_rivalry": 2.0,
    "model.choice.w_openness_fit": 2.0,
    "model.choice.w_fee": 2.0,
    "model.choice.w_legal": 3.0,
    "model.choice.w_subsidy": 2.0,
    "model.choice.w_mandate": 2.0,
    "scenario.mega_alliance.mandate_strength": 0.0,
}


def test_every_version_1_key_has_a_changed_value_here():
    assert sorted(CHANGED) == sorted(VERSION_1_ONLY)


def _fingerprint(cfg):
    model = sim.AllianceModel(cfg, seed=1)
    model.run(4)
    f = model.firms
    outcomes = [model.outcomes[k] for k in sorted(model.outcomes)]
    return np.concatenate([f.capital, f.capability, f.alliance.astype(float), outcomes])


@pytest.mark.parametrize("key", VERSION_1_ONLY)
def test_a_version_1_key_changes_nothing_under_version_2(key):
    """Evidence, not proof: a small world over four quarters, the key's scenario."""
    scenario = "mega_alliance" if key.startswith("scenario.mega_alliance") else "baseline"
    base = sim.compose([*SMALL_SYNTHETIC, f"scenario={scenario}"])
    changed = set_path(base, key, CHANGED[key])
    before, after = _fingerprint(base), _fingerprint(changed)
    assert before.shape == after.shape and np.array_equal(before, after), key


def test_the_inertness_check_can_fail():
    """A version-2 key moves version 2's numbers, so the check above is not vacuous."""
    base = sim.compose(SMALL_SYNTHETIC)
    changed = set_path(base, "model.choice.coord_cost_fixed", 0.5)
    assert not np.array_equal(_fingerprint(base), _fingerprint(changed))


def test_overrides_of_version_1_keys_are_refused_under_version_2():
    with pytest.raises(ConfigError, match=r"model\.choice\.w_legal in the overrides.*version-1"):
        sim.compose([*SMALL_SYNTHETIC, "model.choice.w_legal=2"])
    cfg = sim.compose([*SMALL_SYNTHETIC, "model.choice.w_legal=2", "model.economics=v1"])
    assert cfg.model.choice.w_legal == 2


def test_design_and_uncertainty_keys_are_checked():
    with pytest.raises(ConfigError, match=r"analysis\.params"):
        check_version({"model.rnd.max_game_size": [5, 50]}, "v2", "analysis.params")
    check_version({"model.rnd.max_game_size": [5, 50]}, "v1", "analysis.params")
    declared = UncertaintyConfig(
        name="t",
        parameters=[UncertainParameter("model.choice.w_legal", 0.5, 3.0, "guess: test")],
    )
    with pytest.raises(ConfigError, match=r"parameters\[0\] \(model\.choice\.w_legal\)"):
        check_uncertainty(declared, sim.compose(SMALL_SYNTHETIC))


def test_override_key():
    assert override_key("+model.choice.w_legal=2") == "model.choice.w_legal"
    assert override_key("world=synthetic") == "world"
    assert override_key("~scenario.antitrust") == "scenario.antitrust"


@pytest.mark.parametrize("preset", ["sobol", "morris"])
def test_sensitivity_presets_use_version_2_keys_with_the_declared_ranges(preset):
    cfg = sim.compose([f"sweep={preset}"])
    declared = {p.path: [p.low, p.high] for p in cfg.uncertainty.parameters}
    assert cfg.analysis.params
    for key, bounds in cfg.analysis.params.items():
        assert key not in VERSION_1_ONLY
        assert key in declared, f"{key} is not a declared uncertain parameter"
        assert list(bounds) == declared[key], key
