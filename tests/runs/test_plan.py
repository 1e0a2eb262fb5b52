"""Planning: sweeps expand as Hydra's basic sweeper launches them; bad sweeps are refused.

Overrides are confined first (``sim.runs.overrides``; hostile ones in ``test_hostile.py``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hydra import initialize_config_dir
from hydra._internal.core_plugins.basic_sweeper import BasicSweeper  # the reference only
from hydra.core.global_hydra import GlobalHydra
from hypothesis import given
from hypothesis import strategies as st
from omegaconf import OmegaConf

from sim.config.checks import ConfigError
from sim.config.compose import CONFIG_DIR, compose_node
from sim.config.schema import register_configs
from sim.runs.overrides import MAX_JOBS, check_overrides
from sim.runs.plan import (
    MAX_JOB_NAME,
    NAMING_KEY,
    expand,
    job_name,
    parse,
    plan,
    save,
    short_keys,
    unnamed_keys,
)
from sim.runs.store import ResultsError
from tests.runs.conftest import alliancesim_here

PRESETS = sorted(p.stem for p in (CONFIG_DIR / "sweep").glob("*.yaml"))
SWEEPS = [
    ["a=1,2", "b=x,y,z"],
    ["steps=range(1,4)", "seed=0,1"],
    ["scenario=choice(baseline,open_data)", "seed=range(0,6,2)", "replicates=2"],
    ["seed=1,2", "steps=3", "seed=5,6,7"],  # a repeated key keeps its first place
    ["hydra/launcher=joblib", "x=1,2", "hydra.sweep.dir=out"],
    ["x=range(0.5,2.0,0.5)", "y=sort(3,1,2)", "z=[1,2],[3,4]"],
    ["name='a,b'", "k=null", "+new=1,2", "w=choice('p q',r)"],
    ["x=range(0,3)", "y=tag(t,choice(1,2))", "z=1"],
]


@pytest.fixture
def hydra_loader():
    """An initialised Hydra on the project's configs; its config loader."""
    register_configs()
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        yield GlobalHydra.instance().config_loader()
    GlobalHydra.instance().clear()


def hydra_jobs(overrides: list[str], loader=None, batch: int | None = None) -> list[list[str]]:
    """The jobs Hydra's basic sweeper launches, batch after batch."""
    batches = BasicSweeper.split_arguments(parse(overrides, loader), batch)
    return [job for jobs in batches for job in jobs]


@pytest.mark.parametrize("overrides", SWEEPS)
def test_expansion_is_hydras_basic_sweeper(overrides):
    assert expand(overrides) == hydra_jobs(overrides)
    assert expand(overrides) == hydra_jobs(overrides, batch=2)  # batches: same jobs, in order


@pytest.mark.parametrize("preset", PRESETS)
def test_preset_params_expand_as_hydra_does(hydra_loader, preset):
    base = compose_node([f"sweep={preset}"], hydra_config=True)
    params = OmegaConf.select(base, "hydra.sweeper.params") or {}
    for command in ([f"sweep={preset}"], [f"sweep={preset}", "seed=1,2", "scenario=baseline"]):
        combined = [f"{k}={v}" for k, v in params.items()] + command
        assert expand(combined, hydra_loader) == hydra_jobs(combined, hydra_loader)


def test_a_glob_over_a_config_group_expands_as_hydra_does(hydra_loader):
    overrides = ["scenario=glob(*,exclude=sub*)", "seed=1,2"]
    jobs = expand(overrides, hydra_loader)
    assert jobs == hydra_jobs(overrides, hydra_loader)
    scenarios = Path(__file__).parents[2] / "configs" / "scenario"
    kept = [f for f in scenarios.glob("*.yaml") if not f.stem.startswith("sub")]
    assert ["scenario=baseline", "seed=1"] in jobs and len(jobs) == 2 * len(kept) == 2 * 8


def test_a_preset_sweep_plans_the_jobs_in_hydras_order(tmp_path):
    command = plan(["sweep=quick", "seed=1,2", f"hydra.sweep.dir={tmp_path / 'q'}"], False)
    assert command.multirun and command.folder == tmp_path / "q"
    assert [job.dir for job in command.jobs] == [
        f"{num}_{name}_seed={seed}"
        for num, (name, seed) in enumerate(
            [
                (s, seed)
                for s in ("baseline", "mega_alliance", "antitrust_guidance")
                for seed in (1, 2)
            ]
        )
    ]
    assert [job.cfg.seed for job in command.jobs] == [1, 2] * 3
    assert not (tmp_path / "q").exists()  # planning writes nothing


def test_a_single_run_plans_one_job_in_its_folder(tmp_path):
    command = plan(["steps=3", f"hydra.run.dir={tmp_path / 'one'}"], False)
    assert not command.multirun and command.folder == tmp_path / "one"
    assert [(job.num, job.dir, job.cfg.steps) for job in command.jobs] == [(0, ".", 3)]


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        (["seed=shuffle(1,2,3)"], "shuffled"),
        (["seed=shuffle(range(0,3))"], "shuffled"),
        (["seed=interval(0,1)"], "no list of values"),
        (["seed=range(3,3)"], "the sweep is empty"),
        (["scenario=glob(nothing*)"], "the sweep is empty"),
    ],
)
def test_sweeps_that_cannot_be_planned_are_refused(hydra_loader, overrides, named):
    with pytest.raises(ConfigError, match=named):
        expand(overrides, hydra_loader)


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        (["+steps2=1"], "adding or deleting model keys"),
        (["++steps=1"], "adding or deleting model keys"),
        (["~seed"], "adding or deleting model keys"),
        (["hydra.sweep.dir=a,b"], "cannot be swept"),
        (["hydra.job.name=a"], "hydra.job.name cannot be set; allowed Hydra settings"),
    ],
)
def test_unchecked_overrides_are_refused(overrides, named):
    with pytest.raises(ConfigError, match=named):
        check_overrides(parse(overrides))
    check_overrides(parse(["+hydra.launcher.x=1", "steps=1,2"]))  # Hydra's own keys may be added


def test_bad_syntax_is_a_config_error():
    with pytest.raises(ConfigError):
        parse(["steps=range(1"])


@pytest.mark.slow  # 3-11 s: CI (make test-slow), to keep make test near 5 minutes
def test_planning_an_existing_sweep_checks_it_is_the_same(tmp_path):
    argv = ["world=synthetic", "steps=2", "seed=1,2", f"hydra.sweep.dir={tmp_path / 's'}"]
    save(plan(argv, True))
    assert plan([*argv[:-1], f"hydra.sweep.dir={tmp_path}/./s/"], True).jobs  # same sweep
    with pytest.raises(ResultsError, match="holds a different sweep") as error:
        plan(["world=synthetic", "steps=3", "seed=1,2", argv[-1]], True)
    # not run yet (no run.json): the overrides are what it names
    assert "(in 0_baseline_seed=1, the overrides are world=synthetic steps=2 seed=1 there" in str(
        error.value
    )
    with pytest.raises(ResultsError, match=r"holds 2 jobs \(0_baseline_seed=1, 1_base"):
        plan(["world=synthetic", "steps=2", "seed=1,2,3", argv[-1]], True)


CATCH_UP = "++analysis.params={model.growth.catch_up:[0.5,2.5]}"


def test_design_ranges_set_on_the_command_line_plan_one_job_per_row(tmp_path):
    ranges = CATCH_UP.replace("]}", "],model.rnd.beta_public:[0.1,0.2]}")
    argv = ["analysis.method=morris", "analysis.n=2", ranges, f"hydra.sweep.dir={tmp_path}/d"]
    command = plan(argv, True)
    assert command.extra[0] == "sample=range(0,6)"  # Morris: n x (2 ranges + 1)
    assert [job.cfg.sample for job in command.jobs] == list(range(6))
    assert command.jobs[0].cfg.analysis.params == {
        "model.growth.catch_up": [0.5, 2.5],
        "model.rnd.beta_public": [0.1, 0.2],
    }
    values = {job.cfg.model.growth.catch_up for job in command.jobs}
    assert len(values) > 1 and all(0.5 <= v <= 2.5 for v in values)


def test_ranges_added_to_a_preset_design_add_or_change_its_rows():
    ranges = (
        "++analysis.params={model.choice.coord_cost_share:[0.02,0.1],"
        "model.growth.margin:[0.1,0.15]}"
    )
    command = plan(["sweep=morris", "analysis.n=2", ranges], False)
    assert len(command.jobs) == 2 * (7 + 1) and command.folder.name == "morris"  # 6 + 1 ranges
    params = command.jobs[0].cfg.analysis.params
    assert params["model.growth.margin"] == [0.1, 0.15] and len(params) == 7
    assert len({job.cfg.model.choice.coord_cost_share for job in command.jobs}) > 1
    assert all(0.1 <= job.cfg.model.growth.margin <= 0.15 for job in command.jobs)


@pytest.mark.parametrize(
    ("argv", "multirun", "named"),
    [
        ([CATCH_UP], True, "analysis.params is set but analysis.method is none; allowed"),
        (["analysis.method=latin", CATCH_UP], False, "design of 16 runs; allowed: -m"),
        (["analysis.method=sobol", "analysis.n=1000000", CATCH_UP], True, f"at most {MAX_JOBS}"),
        (
            ["analysis.method=latin", "++analysis.params={model.growth.nope:[0.5,2.5]}"],
            True,
            "nope",
        ),
        (
            ["analysis.method=latin", "analysis.params={model.growth.catch_up:[0.5,2.5]}"],
            True,
            "++",
        ),
    ],
)
def test_bad_designs_are_refused(argv, multirun, named):
    with pytest.raises(ConfigError, match=named.replace("+", r"\+")):
        plan(argv, multirun)


def test_one_row_of_a_design_runs_alone():
    command = plan(["analysis.method=latin", "analysis.n=4", CATCH_UP, "sample=2"], False)
    assert not command.multirun and command.jobs[0].cfg.sample == 2


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["seed=range(0,1e300)"], f"more than {MAX_JOBS} values"),
        (["seed=range(0,5,0)"], "step of a range is 0"),
        (["seed=range(0,nan)"], "finite numbers"),
        ([f"seed=range(0,{MAX_JOBS})", "steps=1,2"], f"jobs; allowed: at most {MAX_JOBS}"),
    ],
)
def test_sweeps_too_large_to_plan_are_refused_at_once(argv, named):
    with pytest.raises(ConfigError, match=named):
        plan(argv, True)


@pytest.mark.slow  # 3-11 s: CI (make test-slow), to keep make test near 5 minutes
def test_output_folders_stay_inside_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert plan(["hydra.run.dir=one"], False).folder == tmp_path / "one"
    assert plan(["hydra.sweep.dir=a/../s", "seed=1,2"], True).folder == tmp_path / "s"
    assert plan([f"hydra.run.dir={tmp_path}/../abs"], False).folder == tmp_path.parent / "abs"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert plan(["hydra.run.dir='~/r'"], False).folder == tmp_path / "home" / "r"
    assert plan([], False).folder.parent.parent == tmp_path / "results" / "runs"
    for argv in (["hydra.run.dir=../x"], ["hydra.run.dir=a/../../x"], ["hydra.run.dir=."]):
        with pytest.raises(ConfigError, match="is not inside"):
            plan(argv, False)
    with pytest.raises(ConfigError, match="is not inside"):
        plan(["hydra.sweep.dir=..", "seed=1,2"], True)
    assert list(tmp_path.iterdir()) == []


def test_a_presets_sweep_values_are_confined(tmp_path, monkeypatch):
    configs = tmp_path / "configs"
    shutil.copytree(CONFIG_DIR, configs)
    monkeypatch.setattr("sim.runs.plan.CONFIG_DIR", configs)
    preset = configs / "sweep" / "hostile.yaml"
    for params, named in [
        ("scenario: baseline,../../../x", "sweep/hostile: scenario=baseline,../../../x: there is"),
        ("steps: ${oc.env:HOME}", "sweep/hostile: steps=.*: interpolations are not allowed"),
        ("hydra.callbacks.x: '1'", "sweep/hostile: hydra.callbacks.x=1: hydra.callbacks.x cannot"),
        ("sweep: quick,sobol", "sweep/hostile: sweep=quick,sobol: sweep cannot be swept"),
    ]:
        preset.write_text(
            "# @package _global_\nhydra:\n  mode: MULTIRUN\n  sweeper:\n    params:\n"
            f"      {params}\n"
        )
        with pytest.raises(ConfigError, match=named):
            plan(["sweep=hostile", f"hydra.sweep.dir={tmp_path / 'out'}"], False)
    preset.write_text(
        "# @package _global_\nhydra:\n  callbacks:\n    x:\n      a: 1\n"
    )  # a preset file itself setting callbacks (no key of a file is an override)
    with pytest.raises(ConfigError, match=r"hydra\.callbacks is set"):
        plan(["sweep=hostile", f"hydra.run.dir={tmp_path / 'out'}"], False)
    assert not (tmp_path / "out").exists()


# Job folder names: the swept values, in a bounded, safe name (sim.runs.plan.job_name)


def test_a_job_is_named_by_its_scenario_and_the_values_its_sweep_varies():
    overrides = ["world=synthetic", "scenario=mega_alliance"]
    overrides += ["scenario.mega_alliance.member_value=0.6", "seed=2"]
    unnamed = ["scenario", "sample", "world"]
    assert job_name(3, "mega_alliance", overrides, unnamed) == (
        "3_mega_alliance_member_value=0.6_seed=2"
    )
    assert job_name(0, "baseline", ["scenario=baseline", "sample=4"], ["scenario", "sample"]) == (
        "0_baseline"
    )
    lists = ["scenario.subsidy.target_domains=[data, robotics]", "note='a/b c'", "x=-0.5"]
    assert job_name(1, "s", lists, []) == "1_s_target_domains=data-robotics_note=a-b-c_x=-0.5"


def test_keys_are_shortened_only_as_far_as_they_stay_apart():
    keys = ["scenario.subsidy.budget", "scenario.mega_alliance.budget", "seed", "model.rnd.beta"]
    assert short_keys(keys) == {
        "scenario.subsidy.budget": "subsidy.budget",
        "scenario.mega_alliance.budget": "mega_alliance.budget",
        "seed": "seed",
        "model.rnd.beta": "beta",
    }


def test_names_leave_out_the_keys_every_job_sets_alike():
    jobs = [["steps=3", "scenario=a", "seed=1"], ["steps=3", "scenario=b", "seed=2"]]
    assert unnamed_keys(jobs) == ["scenario", "sample", "steps"]
    assert unnamed_keys([["hydra.sweep.dir=x", "seed=1"]]) == ["scenario", "sample", "seed"]


VALUES = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300)


@given(num=st.integers(0, 99_999), scenario=VALUES, values=st.lists(VALUES, max_size=4))
def test_every_name_is_one_safe_folder_name_of_bounded_length(num, scenario, values):
    overrides = [f"key{i}={v}" for i, v in enumerate(values)]
    name = job_name(num, scenario, overrides, [])
    assert len(name.encode()) <= MAX_JOB_NAME
    assert name.startswith(f"{num}_") and "/" not in name and "\\" not in name
    assert not any(c in name for c in '\x00:*?"<>|') and name.isprintable()
    if len(name.encode()) < MAX_JOB_NAME:  # a name cut short ends in a hash of the whole
        assert name.count("=") == len(values)


def test_a_long_name_is_cut_and_keeps_a_hash_of_the_whole():
    one, two = (f"x=[{','.join([first, *['robotics'] * 30])}]" for first in ("data", "telecom"))
    names = [job_name(0, "subsidy_infrastructure", [o], []) for o in (one, two)]
    assert all(len(n.encode()) == MAX_JOB_NAME and n[-9] == "~" for n in names)
    assert names[0] != names[1]  # cut at the same place, told apart by the hash


def test_a_sweep_plans_its_names_and_hands_the_unnamed_keys_to_hydra(tmp_path):
    argv = ["world=synthetic", "steps=2", "scenario=antitrust_guidance", "seed=1"]
    argv += ["scenario.antitrust.clarity=0.2,0.9", f"hydra.sweep.dir={tmp_path / 's'}"]
    command = plan(argv, True)
    assert [j.dir for j in command.jobs] == [
        "0_antitrust_guidance_clarity=0.2",
        "1_antitrust_guidance_clarity=0.9",
    ]
    assert command.extra == [f"{NAMING_KEY}=[scenario,sample,world,steps,seed]"]


LEGACY = "hydra.sweep.subdir=${hydra.job.num}_${scenario.name}"


@pytest.mark.slow  # 4-12 s: CI (make test-slow), to keep make test near 5 minutes
def test_a_sweep_planned_with_the_old_names_is_resumed_under_them(tmp_path):
    argv = ["world=synthetic", "steps=2", "seed=1,2", f"hydra.sweep.dir={tmp_path / 's'}"]
    save(plan([*argv, LEGACY], True))  # as sweeps were planned before names had values
    command = plan(argv, True)
    assert [j.dir for j in command.jobs] == ["0_baseline", "1_baseline"]
    assert command.extra[-1] == LEGACY and "without the swept values" in command.notes[0]
    with pytest.raises(ResultsError, match="holds a different sweep"):  # another sweep
        plan(["world=synthetic", "steps=3", "seed=1,2", argv[-1]], True)
    fresh = plan([*argv[:-1], f"hydra.sweep.dir={tmp_path / 'new'}"], True)
    assert [j.dir for j in fresh.jobs] == ["0_baseline_seed=1", "1_baseline_seed=2"]
    assert fresh.notes == []


@pytest.mark.slow  # about 16 s: it runs a sweep twice through the command line
def test_an_old_sweep_resumes_its_own_folders_from_the_command_line(tmp_path, monkeypatch, capfd):
    monkeypatch.chdir(tmp_path)
    argv = ["-m", "world=synthetic", "world.n_startups=40", "steps=2", "seed=1,2"]
    argv += ["hydra.sweep.dir=s"]
    assert alliancesim_here([*argv, LEGACY]) == 0
    shutil.rmtree(tmp_path / "s" / "1_baseline")  # killed before the second run finished
    capfd.readouterr()
    assert alliancesim_here(argv) == 0
    out, err = capfd.readouterr()
    assert "resumed under those names" in err
    assert "run 1/2 baseline seed=1: already finished in" in out  # the log names the values
    assert "run 2/2 baseline seed=2: done in" in out
    folders = sorted(p.name for p in (tmp_path / "s").iterdir() if p.is_dir())
    assert folders == ["0_baseline", "1_baseline"]
