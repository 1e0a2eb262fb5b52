"""sim.config.levers: the typed lever configs check their values and windows."""

import pytest

import sim
from sim.config.levers import TournamentConfig
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


# --- the sovereign tournament's stages --------------------------------------------------

TOURNAMENT = ["scenario=sovereign_tournament"]


@pytest.mark.parametrize(
    ("override", "key", "allowed"),
    [
        ("scenario.tournament.stages=[[5,15],[6,20]]", "stages", "never increase"),
        ("scenario.tournament.stages=[[5,0]]", "stages", "at least 1"),
        ("scenario.tournament.stages=[[6,15],[5,10]]", "stages", "never decrease"),
        ("scenario.tournament.stages=[[2,15],[6,5]]", "stages", "window"),
        ("scenario.tournament.stages=[[5,15],[16,2]]", "stages", "window"),
        ("scenario.tournament.stages=[[5,15,3]]", "stages", "[quarter, keep]"),
        ("scenario.tournament.stages=[]", "stages", "non-empty"),
        ("scenario.tournament.selection_stage=6", "selection_stage", "[0, 5]"),
        ("scenario.tournament.application_cost=-1", "application_cost", "[0.0, inf]"),
        ("scenario.tournament.jury_noise=-0.1", "jury_noise", "[0.0, inf]"),
    ],
)
def test_tournament_config_errors_are_one_line_naming_the_key(override, key, allowed):
    with pytest.raises(ConfigError) as error:
        sim.compose([*TOURNAMENT, override])
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(f"scenario.tournament.{key}=")
    assert allowed in message


def test_tournament_defaults_are_the_real_programme_in_its_scenario():
    cfg = sim.compose(TOURNAMENT).scenario.tournament
    assert cfg is not None
    assert [keep for _, keep in cfg.stages] == [15, 10, 5, 4, 4, 2]
    assert cfg.stages[cfg.selection_stage] == [6, 5]  # 2025 Q3 in korea_2024
    assert cfg.stages == TournamentConfig().stages  # the file and the class agree
