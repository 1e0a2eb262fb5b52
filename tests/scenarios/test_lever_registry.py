"""The registry of levers: exactly the lever fields of the scenario config, in a set order."""

import dataclasses
import typing

import pytest

import sim
from scenarios.policies import LEVERS, LeverSpec, build_policies
from sim.config.levers import ScenarioConfig, lever_fields


def test_the_registry_has_exactly_the_scenario_configs_lever_fields():
    keys = [spec.key for spec in LEVERS]
    assert len(keys) == len(set(keys))
    assert set(keys) == set(lever_fields())
    # the lever fields are every field of ScenarioConfig but its name and description
    names = {f.name for f in dataclasses.fields(ScenarioConfig)}
    assert names - set(keys) == {"name", "description"}


def test_each_lever_class_takes_the_config_its_field_holds():
    configs = lever_fields()
    for spec in LEVERS:
        assert typing.get_type_hints(spec.lever)["cfg"] is configs[spec.key], spec.key
        assert spec.order_reason


def test_levers_are_built_in_the_registry_order():
    cfg = sim.compose(["scenario=national_strategy"]).scenario
    built = [type(lever) for lever in build_policies(cfg)]
    order = [spec.lever for spec in LEVERS]
    assert built == [c for c in order if c in built]
    assert len(built) >= 3


def test_a_lever_field_without_a_registry_row_is_refused(monkeypatch):
    import scenarios.policies as policies

    monkeypatch.setattr(policies, "LEVERS", tuple(s for s in LEVERS if s.key != "open_data"))
    with pytest.raises(RuntimeError, match="add the missing LeverSpec row"):
        policies.build_policies(ScenarioConfig())


def test_lever_spec_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        LEVERS[0].key = "x"  # type: ignore[misc]
    assert isinstance(LEVERS[0], LeverSpec)
