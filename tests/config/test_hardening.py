"""Hostile and non-finite values: every one refused with one line naming its key."""

import dataclasses
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.config.checks import MAX_FIRMS, MAX_STEPS, ConfigError
from sim.config.levers import ScenarioConfig, lever_fields
from sim.config.schema import RunConfig


def every_lever() -> RunConfig:
    """A config with every lever on at its defaults, so every field exists."""
    scenario = ScenarioConfig(**{key: cls() for key, cls in lever_fields().items()})
    return RunConfig(scenario=scenario)


def leaves(obj, path=""):
    """(dotted path, value) of every numeric leaf of a config tree."""
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        where = f"{path}{f.name}"
        if dataclasses.is_dataclass(value):
            yield from leaves(value, where + ".")
        elif isinstance(value, int | float) and not isinstance(value, bool):
            yield where, value


def with_value(obj, path, value):
    """A copy of ``obj`` with the leaf ``path`` set, every level's checks rerun."""
    head, _, rest = path.partition(".")
    if rest:
        return dataclasses.replace(obj, **{head: with_value(getattr(obj, head), rest, value)})
    return dataclasses.replace(obj, **{head: value})


FLOATS = [p for p, v in leaves(every_lever()) if isinstance(v, float)]
INTS = [p for p, v in leaves(every_lever()) if isinstance(v, int)]


def test_the_walk_finds_the_fields():
    assert len(FLOATS) > 60 and len(INTS) > 15
    assert "model.growth.margin" in FLOATS and "scenario.subsidy.budget" in FLOATS


@settings(max_examples=300, deadline=None)
@given(
    path=st.sampled_from(FLOATS),
    bad=st.sampled_from([math.nan, math.inf, -math.inf]),
)
def test_no_float_field_accepts_nan_or_inf(path, bad):
    with pytest.raises(ConfigError) as error:
        with_value(every_lever(), path, bad)
    message = str(error.value)
    assert path.rsplit(".", 1)[-1] in message and "finite" in message
    assert "\n" not in message


@settings(max_examples=100, deadline=None)
@given(path=st.sampled_from(INTS), sign=st.sampled_from([1, -1]))
def test_no_int_field_accepts_a_huge_value(path, sign):
    with pytest.raises(ConfigError) as error:
        with_value(every_lever(), path, sign * 10**30)
    assert path.rsplit(".", 1)[-1] in str(error.value)


@pytest.mark.parametrize(
    ("overrides", "key", "allowed"),
    [
        (["model.growth.margin=nan"], "model.growth.margin=nan", "finite"),
        (["model.growth.margin=inf"], "model.growth.margin=inf", "finite"),
        (["world.n_startups=99999999999999999999999"], "world.n_startups=", str(MAX_FIRMS)),
        (["seed=99999999999999999999999"], "seed=", "at most"),
        (["steps=100000"], "steps=100000", str(MAX_STEPS)),
        (["replicates=1000000000"], "replicates=", "100000"),
        (
            ["scenario=subsidy_fad", "scenario.subsidy.target_domains=[data,data]"],
            "scenario.subsidy.target_domains",
            "at most once",
        ),
        (["world.data_file=../../../etc/hostname"], "world.data_file=", "plain name"),
        (["world.data_file=/etc/hostname"], "world.data_file=", "plain name"),
        (["scenario.name=../../../escaped"], "scenario.name=", "plain name"),
        (["scenario.name=${oc.env:HOME}"], "scenario.name=", "plain name"),
        (
            ["scenario=mega_alliance", "scenario.mega_alliance.start=1000000"],
            "scenario.mega_alliance.start=1000000",
            f"[0, {MAX_STEPS - 1}]",
        ),
        (["scenario=subsidy_fad", "scenario.subsidy.budget=-inf"], "subsidy.budget", "finite"),
    ],
)
def test_hostile_overrides_are_refused_naming_the_key_set(overrides, key, allowed):
    with pytest.raises(ConfigError) as error:
        sim.compose(overrides)
    message = str(error.value)
    assert message.startswith(key) or f" {key}" in message or key in message.split(" ")[0]
    assert allowed in message and "\n" not in message


def test_sensible_values_still_pass():
    cfg = sim.compose(["scenario=national_strategy", "steps=8", "seed=123456789012"])
    assert cfg.seed == 123456789012 and cfg.steps == 8
