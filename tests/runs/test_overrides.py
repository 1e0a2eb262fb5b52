"""Confining overrides: what a user may set, and the one line when they may not."""

from __future__ import annotations

from pathlib import Path

import pytest
from omegaconf import OmegaConf

from sim.config.checks import ConfigError
from sim.runs.overrides import (
    HYDRA_ALLOWED,
    MAX_JOBS,
    check_composed,
    check_folder,
    check_info,
    check_overrides,
    check_text,
    confine,
    hydra_allowed,
    is_hydra_key,
    parse,
    sweep_count,
)


@pytest.mark.parametrize(
    "line",
    [
        "steps=3",
        "scenario.name=a-b.c",
        "hydra.sweep.subdir=${hydra.job.num}_${scenario.name}",
        "hydra.run.dir=out/${world.name}",
        "hydra.launcher.ray.init.address=ray://host:10001",
        "hydra.sweep.dir=/data/a$b",
        "scenario.name=run_args_1",  # not an instantiation key: part of a name
        "scenario.name=my_target_",
    ],
)
def test_plain_text_passes(line):
    check_text(line)


@pytest.mark.parametrize(
    ("line", "named"),
    [
        ("steps=${oc.env:STEPS,3}", "interpolations are not allowed in overrides"),
        ("scenario.name='${oc.env:HOME}'", "interpolations are not allowed in overrides"),
        ("scenario.name=\\${x}", "interpolations are not allowed in overrides"),
        ("hydra.launcher.n_jobs=${steps}", "interpolations are not allowed in overrides"),
        ("hydra.run.dir=${oc.env:HOME}", "resolvers are not allowed"),
        ("hydra.sweep.subdir=${now:%H}", "resolvers are not allowed"),
        ("hydra.sweep.subdir=${a.${b}}", "resolvers are not allowed"),
        ("+hydra.callbacks.x._target_=builtins.open", "_target_ is not allowed"),
        ("hydra.launcher.x={_target_:os.system}", "_target_ is not allowed"),
        ("+x._args_=[f,w]", "_args_ is not allowed"),
        ("+x._partial_=true", "_partial_ is not allowed"),
        ("x={'_convert_':all}", "_convert_ is not allowed"),
        ("hydra.launcher.x=[_recursive_]", "_recursive_ is not allowed"),
        ("scenario.name=a\nb", "control characters"),
        ("scenario.name=a\x00b", "control characters"),
    ],
)
def test_hostile_text_is_refused_in_one_line(line, named):
    with pytest.raises(ConfigError, match=named) as error:
        check_text(line, "sweep/x")
    assert str(error.value).startswith("sweep/x: ") and "allowed" in str(error.value)
    assert "\n" not in str(error.value)


def test_the_allow_list_of_hydra_settings():
    assert HYDRA_ALLOWED == (
        "hydra/launcher",
        "hydra.launcher.*",
        "hydra.run.dir",
        "hydra.sweep.dir",
        "hydra.sweep.subdir",
    )
    assert all(
        hydra_allowed(k)
        for k in ("hydra/launcher", "hydra.launcher.n_jobs", "hydra.launcher.ray.init.num_cpus")
    )
    for key in ("hydra.callbacks.x", "hydra.searchpath", "hydra.job.chdir", "hydra.mode"):
        assert not hydra_allowed(key)
    assert is_hydra_key("+hydra.launcher.x=1") and is_hydra_key("hydra/launcher")
    assert not is_hydra_key("hydrax=1")  # a model key that merely starts with "hydra"


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        (["hydra.searchpath=[file:///tmp]"], "hydra.searchpath cannot be set"),
        (["+hydra.callbacks.x.y=1"], "hydra.callbacks.x.y cannot be set"),
        (["hydra.job.chdir=true"], "hydra.job.chdir cannot be set"),
        (["hydra.mode=RUN"], "hydra.mode cannot be set"),
        (["hydra/sweeper=basic"], "hydra/sweeper cannot be set"),
        (["hydra/job_logging=disabled"], "hydra/job_logging cannot be set"),
        (["world/x=y"], "world/x cannot be set"),
        (["scenario@world=baseline"], "package overrides"),
        (["+hydra/launcher=joblib"], "cannot be added or deleted"),
        (["~hydra.run.dir"], "cannot be added or deleted"),
        (["hydra.sweep.dir=a,b"], "Hydra settings cannot be swept"),
        (["sweep=quick,sobol"], "sweep cannot be swept"),
        (["analysis.n=4,8"], "analysis.n cannot be swept"),
        (["+steps2=1"], "adding or deleting model keys"),
        (["analysis.params={a.b:[0.5,1.5]}"], "design ranges cannot be set this way"),
        (["+analysis.params.a.b=[0.5,1.5]"], "design ranges cannot be set this way"),
        (["analysis.params.a=[0.5,1.5]"], "design ranges cannot be set this way"),
        (["++analysis.params={a.b:[0.5,1.5]},{c:[0.5,1.5]}"], "design ranges cannot be set"),
        (["++analysis.params=[0.5,1.5]"], "is not a {key: [low, high]} map"),
        (["++analysis.params={a/b:[0.5,1.5]}"], "is not a dotted config key"),
        (["++analysis.params={a.b:[0.5]}"], "is not [low, high]"),
        (["++analysis.params={a.b:[1,2]}"], "needs decimal bounds"),
    ],
)
def test_keys_outside_the_allow_list_are_refused(overrides, named):
    with pytest.raises(ConfigError, match=named.replace("[", r"\[").replace("{", r"\{")) as error:
        check_overrides(parse(overrides))
    assert "allowed" in str(error.value)


def test_legitimate_keys_pass():
    check_overrides(
        parse(
            [
                "hydra/launcher=joblib",
                "hydra.launcher.n_jobs=2",
                "+hydra.launcher.ray.init.num_cpus=2",
                "~hydra.launcher.x",
                "hydra.run.dir=a",
                "hydra.sweep.dir=b",
                "hydra.sweep.subdir=c",
                "++analysis.params={model.growth.catch_up:[0.5,2.5],model.rnd.beta_public:[0.1,0.2]}",
                "scenario=baseline,open_data",
                "sample=range(0,3)",
            ]
        )
    )


@pytest.mark.parametrize(
    ("line", "count"),
    [("x=range(0,3)", 3), ("x=range(5,0,-1)", 5), ("x=range(0.0,1.0,0.25)", 4), ("x=1,2", None)],
)
def test_a_range_is_counted_as_hydra_lists_it(line, count):
    (override,) = parse([line])
    assert sweep_count(override) == count
    if count is not None:
        assert len(list(override.sweep_string_iterator())) == count


@pytest.mark.parametrize(
    ("line", "named"),
    [
        ("x=range(0,1e300)", f"more than {MAX_JOBS} values"),
        (f"x=range(0,{MAX_JOBS + 1})", f"more than {MAX_JOBS} values"),
        ("x=range(0.0,1.0,1e-300)", f"more than {MAX_JOBS} values"),
        ("x=range(0,5,0)", "step of a range is 0"),
        ("x=range(0,nan)", "finite numbers"),
        ("x=range(0,inf)", "finite numbers"),
    ],
)
def test_ranges_that_never_end_are_refused(line, named):
    with pytest.raises(ConfigError, match=named):
        sweep_count(parse([line])[0])


def test_an_output_folder_is_confined(tmp_path):
    cwd = tmp_path / "cwd"
    assert check_folder("hydra.run.dir", "s", "s", cwd) == cwd / "s"
    assert check_folder("hydra.run.dir", "a/../s", "a/../s", cwd) == cwd / "s"
    assert check_folder("hydra.run.dir", "/x/../y", "/x/../y", cwd) == Path("/y")  # user's choice
    default = "results/runs/baseline/now"
    assert check_folder("hydra.run.dir", default, None, cwd) == cwd / default
    for literal in ("..", "../x", "a/../../x", ".", ""):
        with pytest.raises(ConfigError, match=r"is not inside .*allowed: a folder inside"):
            check_folder("hydra.sweep.dir", literal, literal, cwd)
    with pytest.raises(ConfigError, match=r"is not inside .*results"):
        check_folder("hydra.run.dir", "results/runs/../../x", None, cwd)  # a default escaping
    with pytest.raises(ConfigError, match="is not inside"):
        check_folder("hydra.run.dir", "/abs", "${hydra.runtime.cwd}", cwd)  # not typed absolute


def test_a_composed_config_may_not_hold_callbacks_or_search_paths():
    check_composed(OmegaConf.create({"hydra": {"callbacks": {}, "searchpath": []}}))
    for hydra in ({"callbacks": {"x": {"a": 1}}}, {"searchpath": ["file:///tmp"]}):
        with pytest.raises(ConfigError, match="allowed: nothing"):
            check_composed(OmegaConf.create({"hydra": hydra}))


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["--cfg", "job", "steps=7"],
        ["-c", "hydra", "--resolve", "-p", "hydra.run"],
        ["--cfg=all"],
        ["--info"],
        ["--info", "searchpath", "scenario=open_data"],
        ["-sc", "install=bash"],
        ["--hydra-help", "-m"],
    ],
)
def test_information_commands_pass(argv):
    check_info(argv)


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--help", "--experimental-rerun", "x.pickle"], "--experimental-rerun"),
        (["--cfg", "job", "--config-dir", "/tmp"], "--config-dir"),
        (["--cfg", "job", "-cd", "/tmp"], "-cd"),
        (["--cfg", "job", "--config-path=/tmp"], "--config-path"),
        (["--cfg", "job", "-cn", "other"], "-cn"),
        (["--help", "--run"], "--run"),
        (["--cfg", "everything"], "everything"),
        (["--cfg", "job", "+hydra.callbacks.x._target_=builtins.open"], "_target_"),
        (["--cfg", "job", "hydra.searchpath=[file:///tmp]"], "hydra.searchpath"),
        (["-sc", "query=alliancesim ${oc.env:HOME}"], "interpolations"),
    ],
)
def test_information_commands_are_confined(argv, named):
    with pytest.raises(ConfigError, match=named) as error:
        check_info(argv)
    assert "allowed" in str(error.value)


def test_confine_checks_group_options_with_a_loader():
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    from sim.config.compose import CONFIG_DIR

    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        loader = GlobalHydra.instance().config_loader()
        confine(["scenario=glob(*)", "world=synthetic", "sweep=null"], loader)
        with pytest.raises(ConfigError, match=r"no config scenario/\.\./x; allowed: anti"):
            confine(["scenario=baseline,../x"], loader)
        with pytest.raises(ConfigError, match=r"sweep/quick: .*no config world/nope"):
            confine(["world=nope"], loader, "sweep/quick")
        with pytest.raises(ConfigError, match="no config scenario/null"):
            confine(["scenario=null"], loader)
    GlobalHydra.instance().clear()
