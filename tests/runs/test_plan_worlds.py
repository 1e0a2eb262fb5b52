"""Planning a robust sweep: its worlds come from the declared uncertainty, one job per row.

The planner composes each scenario once and applies each row to the typed config
(``sim.runs.plan.with_row``); each job's process composes its own node. Both must give the
same config, or a finished sweep would not be recognised when resumed.
"""

from __future__ import annotations

import pytest
from hydra import initialize_config_dir
from hydra.core.global_hydra import GlobalHydra

from sim.config.checks import ConfigError
from sim.config.compose import CONFIG_DIR, compose_node, to_run_config
from sim.config.uncertainty import load_uncertainty, worlds
from sim.runs.cli import main
from sim.runs.plan import plan
from sim.runs.replicates import fingerprint

QUICK = ["sweep=policy_comparison_quick", "hydra.sweep.dir=q", "analysis.n=3"]


def test_a_robust_sweep_runs_every_scenario_on_the_same_declared_worlds(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    command = plan(QUICK, False)  # the preset asks for a multirun itself
    assert command.multirun and len(command.jobs) == 2 * 3
    assert "sample=range(0,3)" in command.extra
    table = worlds(load_uncertainty("default"), 3, 0)
    by_scenario: dict[str, list[int]] = {}
    for job in command.jobs:
        by_scenario.setdefault(job.cfg.scenario.name, []).append(job.cfg.sample)
        row = table.loc[job.cfg.sample]
        assert job.cfg.world.n_startups == row["world.n_startups"]
        assert job.cfg.model.growth.margin == pytest.approx(row["model.growth.margin"])
        shallow = job.cfg.model.rnd.beta_alliance_shallow
        assert shallow == pytest.approx(row["model.rnd.beta_alliance_shallow"])
    assert by_scenario == {"baseline": [0, 1, 2], "mega_alliance": [0, 1, 2]}
    assert {job.cfg.seed for job in command.jobs} == {0}  # the same seeds everywhere


def test_the_plan_gives_each_job_the_config_its_process_composes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    command = plan(QUICK, True)
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        for job in command.jobs:
            alone = to_run_config(compose_node([o for o in job.overrides if "hydra." not in o]))
            assert fingerprint(alone) == fingerprint(job.cfg), job.dir
    GlobalHydra.instance().clear()


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["analysis.source=nowhere"], "source='nowhere' is not allowed; allowed: params, unc"),
        (["analysis.method=sobol"], "analysis.method='sobol' with analysis.source=uncertainty"),
        (["++analysis.params={model.growth.margin:[0.05,0.2]}"], "allowed: {} (the ranges"),
        (["analysis.targets=[{outcome:nope,at_most:1.0}]"], "outcome='nope' is not an outcome"),
        (["analysis.targets=[{outcome:tech_gap_years}]"], "neither at_most nor at_least"),
    ],
)
def test_bad_robust_designs_are_refused_in_one_line(tmp_path, monkeypatch, argv, named):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match=named.replace("(", r"\(").replace("{", r"\{")):
        plan([*QUICK, *argv], True)


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ("model.choice.hub_link_cost=1", "model.choice.hub_link_cost is declared uncertain"),
        ("model.growth.margin=0.1", "model.growth.margin is declared uncertain"),
        ("scenario=mega_alliance", None),  # a scenario is not a world's key
    ],
)
def test_a_key_the_worlds_set_cannot_also_be_set_on_the_command_line(
    tmp_path, monkeypatch, override, named
):
    """Each world writes its values over the composed config: an override of a declared
    key would be overwritten in every run, silently, so the plan refuses it."""
    monkeypatch.chdir(tmp_path)
    if named is None:
        assert plan([*QUICK, override], True).jobs
        return
    with pytest.raises(ConfigError, match=f"^{override}: {named} .*allowed: leave it out"):
        plan([*QUICK, override], True)


def test_a_lever_key_the_worlds_set_is_refused_for_the_lever_s_scenario(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    argv = [*QUICK, "scenario=mega_alliance", "scenario.mega_alliance.member_value=0.8"]
    with pytest.raises(ConfigError, match="member_value is declared uncertain"):
        plan(argv, True)
    assert not (tmp_path / "q").exists()


def test_a_key_a_params_design_varies_cannot_be_set_on_the_command_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    argv = ["sweep=sobol", "analysis.n=2", "hydra.sweep.dir=s", "model.growth.margin=0.1"]
    with pytest.raises(ConfigError, match=r"margin is varied by analysis\.params"):
        plan(argv, True)
    ok = ["sweep=sobol", "analysis.n=2", "hydra.sweep.dir=s", "model.growth.entry_pool=0.05"]
    assert plan(ok, True).jobs  # a key the design leaves alone may be set


def test_the_command_line_exits_2_when_an_override_would_be_overwritten(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    assert main([*QUICK, "model.choice.hub_link_cost=1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "model.choice.hub_link_cost=1" in err[0]
    assert not (tmp_path / "q").exists()


def test_the_command_line_exits_2_on_a_bad_source(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main([*QUICK, "analysis.source=nowhere"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "analysis.source='nowhere'" in err[0]


def test_a_parameters_words_leave_the_fingerprint_alone():
    import dataclasses

    from sim.config.compose import compose
    from sim.config.uncertainty import UncertaintyConfig

    cfg = compose(["sweep=policy_comparison"])
    params = cfg.uncertainty.parameters
    relabelled = [dataclasses.replace(p, label="x") for p in params]
    same = dataclasses.replace(
        cfg, uncertainty=UncertaintyConfig(name=cfg.uncertainty.name, parameters=relabelled)
    )
    assert fingerprint(same) == fingerprint(cfg)
    wider = [dataclasses.replace(params[0], high=params[0].high + 0.01), *params[1:]]
    other = dataclasses.replace(
        cfg, uncertainty=UncertaintyConfig(name=cfg.uncertainty.name, parameters=wider)
    )
    assert fingerprint(other) != fingerprint(cfg)
