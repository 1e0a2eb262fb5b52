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
