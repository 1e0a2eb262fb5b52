"""sim/calibration/configuration.py: run configurations at candidate values."""

import pytest

import sim
from sim import calibration as cal
from sim.config.schema import ConfigError


def test_with_values_sets_nested_fields_and_checks_ranges():
    cfg = sim.compose(["world=korea_2016"])
    new = cal.with_values(
        cfg, ["model.growth.frontier_growth", "model.choice.closed_selectivity"], [0.12, 0.8]
    )
    assert new.model.growth.frontier_growth == 0.12 and new.model.choice.closed_selectivity == 0.8
    assert cfg.model.growth.frontier_growth != 0.12  # the original is untouched
    with pytest.raises(ConfigError):
        cal.with_values(cfg, ["model.choice.closed_selectivity"], [1.5])


def test_base_config_applies_the_spec_and_value_at_reads_it_back():
    spec = cal.load_spec()
    cfg = cal.base_config(spec, ["model.growth.catch_up=2"])
    assert (cfg.world.name, cfg.steps) == ("korea_2016", spec.steps)
    assert cal.value_at(cfg, "model.growth.catch_up") == 2.0
    assert cal.value_at(cal.with_values(cfg, ["steps"], [7.0]), "steps") == 7  # cast to int
