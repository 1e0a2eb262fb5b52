"""sim.config.compose: overrides become a typed RunConfig; bad keys and values, one-line errors."""

import pytest

import sim
from sim.config.schema import ConfigError, RunConfig


def test_compose_returns_typed_config():
    cfg = sim.compose(["world=synthetic", "steps=8", "world.n_startups=50"])
    assert isinstance(cfg, RunConfig)
    assert cfg.world.name == "synthetic" and cfg.world.n_startups == 50 and cfg.steps == 8


def test_default_world_is_korea_and_scenario_baseline():
    cfg = sim.compose()
    assert cfg.world.name == "korea_2024" and cfg.scenario.name == "baseline"
    assert cfg.scenario.antitrust is None


def test_scenario_files_fill_policy_configs():
    cfg = sim.compose(["scenario=antitrust_guidance"])
    assert cfg.scenario.antitrust.clarity == 0.9 and cfg.scenario.antitrust.start == 0


def test_unknown_key_is_an_error():
    with pytest.raises(ConfigError, match=r"world\.n_startup: Key 'n_startup' not in"):
        sim.compose(["world.n_startup=5"])


def test_wrong_type_is_an_error():
    with pytest.raises(ConfigError, match=r"world\.n_startups: Value 'many'"):
        sim.compose(["world.n_startups=many"])


def test_a_wrong_value_in_a_mapping_says_what_its_values_may_be():
    """Found by the thorough fuzz (2026-12-04): ``++analysis.params={a:1}`` named the key but
    not what is allowed, because the key walked into a mapping's entry."""
    with pytest.raises(ConfigError) as error:
        sim.compose(["++analysis.params={a:1}"])
    message = str(error.value)
    assert message.startswith("analysis.params.a: ") and "\n" not in message
    assert message.endswith("; allowed: a value of type list[float]")


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("world.startup_openness_mean=1.5", "startup_openness_mean"),
        ("model.choice.revision_share=-0.1", "revision_share"),
        ("steps=0", "steps"),
        ("model.rnd.rd_cost=1.0", "rd_cost"),
        ("engine=gpu", "engine"),
        ("model.growth.domain_market_weights=[1,2]", "domain_market_weights"),
        ("scenario.name=x", None),
    ],
)
def test_out_of_range_values_name_the_key(override, key):
    if key is None:  # a free-text field: any value is allowed
        assert sim.compose([override]).scenario.name == "x"
        return
    with pytest.raises(ConfigError, match=key) as error:
        sim.compose([override])
    assert "\n" not in str(error.value) and "allowed" in str(error.value)


def test_unknown_group_option_is_an_error():
    with pytest.raises(ConfigError, match="mars"):
        sim.compose(["world=mars"])


def test_a_scenario_file_named_otherwise_than_its_name_is_refused(tmp_path):
    """A copied scenario file that keeps the original's ``name`` would be reported as the
    original (found by a newcomer, 2026-12-06): one line naming both, nothing composed."""
    from sim.config.compose import user_configs

    (tmp_path / "scenario").mkdir()
    (tmp_path / "scenario" / "open_data_big.yaml").write_text(
        "name: open_data\nopen_data:\n  spillover_bonus: 0.5\n  cost: 20.0\n"
    )
    with user_configs([tmp_path]), pytest.raises(ConfigError) as error:
        sim.compose(["scenario=open_data_big"])
    message = str(error.value)
    assert message.startswith("scenario=open_data_big: its file sets name: open_data")
    assert "allowed: name: open_data_big" in message and len(message.splitlines()) == 1
    (tmp_path / "scenario" / "open_data_big.yaml").write_text(
        "name: open_data_big\nopen_data:\n  spillover_bonus: 0.5\n  cost: 20.0\n"
    )
    with user_configs([tmp_path]):
        assert sim.compose(["scenario=open_data_big"]).scenario.name == "open_data_big"


def test_a_scenario_name_no_file_can_have_is_refused_by_its_range_not_the_file_system():
    """A 300-character ``scenario.name`` made the scenario file's lookup raise OSError (name
    too long), reported as a failed write (found by the fuzz, 2026-12-06); it is refused in
    one line naming the key."""
    from sim.config.compose import config_file

    assert config_file("scenario/" + "x" * 300) is None
    with pytest.raises(ConfigError) as error:
        sim.compose(["world=synthetic", "scenario.name=" + "x" * 300])
    assert str(error.value).startswith("scenario.name=") and "allowed" in str(error.value)


@pytest.mark.parametrize("key", ["model.economics", "scenario.name"])
def test_an_unresolvable_interpolation_is_refused_naming_its_key(key):
    """The fuzz (2026-12-06): ``model.economics=${oc.env:NO_SUCH_VARIABLE_HERE}`` crashed
    with InterpolationResolutionError in the version check, before the typed config could
    refuse it (the command line refuses interpolations earlier; ``sim.compose`` did not)."""
    with pytest.raises(ConfigError) as error:
        sim.compose(["world=synthetic", f"{key}=${{oc.env:NO_SUCH_VARIABLE_HERE}}"])
    assert str(error.value).startswith(f"{key}:") and "allowed" in str(error.value)
