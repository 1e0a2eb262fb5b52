"""sim.config.levers: the typed lever configs check their values and windows."""

import pytest

import sim
from sim.config.schema import ConfigError


def test_policy_values_are_range_checked():
    with pytest.raises(ConfigError, match="clarity=2"):
        sim.compose(["scenario=antitrust_guidance", "scenario.antitrust.clarity=2"])


def test_policy_start_must_precede_end():
    with pytest.raises(ConfigError, match="end"):
        sim.compose(
            [
                "scenario=antitrust_guidance",
                "scenario.antitrust.start=8",
                "scenario.antitrust.end=4",
            ]
        )
