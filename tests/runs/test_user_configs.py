"""User config folders (``--config-dir``, ``ALLIANCESIM_CONFIG``); the scenarios tutorial.

The tutorial's ``bash`` blocks are run as written, in order, in a temporary home folder, with
a tiny world and two quarters appended to each ``alliancesim`` command; its date table and
its error examples are checked against the model's calendar and the command's real output.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import sim
from sim.config.checks import ConfigError
from sim.config.compose import CONFIG_DIR, USER_CONFIG_ENV
from sim.engine.history import step_of
from sim.runs import cli
from sim.runs.overrides import check_info
from sim.runs.plan import plan
from sim.runs.store import load
from tests.runs.conftest import alliancesim_here

DOC = Path(__file__).resolve().parents[2] / "docs" / "scenarios.md"
BIN = Path(sys.executable).parent
TINY = ["world.n_startups=40", "steps=2"]  # appended to every alliancesim command of the doc
HEREDOC = re.compile(r"cat > (\S+) <<'EOF'\n(.*?)\nEOF\n", re.S)


def blocks(kind: str) -> list[str]:
    """The code blocks of docs/scenarios.md fenced as ``kind``, in order."""
    return re.findall(rf"```{kind}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def block_with(kind: str, needle: str) -> str:
    """The first code block fenced as ``kind`` that contains ``needle``."""
    return next(block for block in blocks(kind) if needle in block)


def doc_files(home: Path) -> dict[Path, str]:
    """Every file the doc writes with ``cat > FILE <<'EOF'`` (in any block), under ``home``."""
    text = "\n".join(blocks("bash") + blocks("text"))
    return {Path(p.replace("~", str(home))): f"{body}\n" for p, body in HEREDOC.findall(text)}


def write_doc_files(home: Path) -> Path:
    """Write the doc's files under ``home``; the config folder they make."""
    for path, body in doc_files(home).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    return home / "my_policies"


def tiny(script: str) -> str:
    """The script with ``TINY`` appended to each ``alliancesim`` command line."""
    lines = [
        f"{line} {' '.join(TINY)}" if line.startswith("alliancesim ") else line
        for line in script.splitlines()
    ]
    return "\n".join(lines)


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A home folder holding the tutorial's config folder; the working directory is empty."""
    monkeypatch.delenv(USER_CONFIG_ENV, raising=False)
    (tmp_path / "home").mkdir()
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    write_doc_files(tmp_path / "home")
    return tmp_path / "home"


def test_the_date_table_is_the_models_calendar():
    rows = re.findall(r"^\| (\d{4})Q([1-4]) \| (\d+) \|$", DOC.read_text(), re.M)
    assert len(rows) >= 5
    for year, quarter, step in rows:
        assert step_of(f"{year}-{3 * int(quarter) - 2:02d}", 2024) == int(step)
    assert sim.compose(["world=korea_2024"]).world.start_year == 2024  # the table's world


def test_the_tutorial_scenario_and_world_compose(home, monkeypatch):
    monkeypatch.setenv(USER_CONFIG_ENV, str(home / "my_policies"))
    cfg = sim.compose(["scenario=compute_2026"])
    lever = cfg.scenario.public_compute
    assert cfg.scenario.name == "compute_2026" and (lever.start, lever.end) == (8, 20)
    assert lever.cost_reduction == 0.4 and cfg.scenario.mega_alliance is None
    world = sim.compose(["world=korea_2024_more_startups"]).world
    packaged = sim.compose(["world=korea_2024"]).world
    assert world.n_startups == 2000 and world.name == "korea_2024"
    assert world.domestic_capability_scale == packaged.domestic_capability_scale != 1.0


def test_the_tutorials_error_examples_are_what_the_command_prints(home, capfd):
    shown = [
        line
        for line in block_with("text", "alliancesim: error").splitlines()
        if line.startswith("alliancesim:")
    ]
    file = home / "my_policies" / "scenario" / "compute_2026.yaml"
    good = file.read_text()
    cases = [
        (good.replace("cost_reduction", "cost_reductoin"), ["scenario=compute_2026"]),
        (good.replace("  end: 20", "   end: 20"), ["scenario=compute_2026"]),
        (good, ["scenario=compute2026"]),
        (good, ["scenario=compute_2026", "scenario.public_compute.end=5"]),
    ]
    assert len(shown) == len(cases)
    for expected, (text, overrides) in zip(shown, cases, strict=True):
        file.write_text(text)
        argv = ["--config-dir", str(home / "my_policies"), "--cfg", "job", *overrides]
        assert cli.main(argv) == 2
        out, err = capfd.readouterr()
        assert out == "" and len(err.splitlines()) == 1
        expected = expected.replace("/home/me", str(home))
        if expected.endswith("..."):
            assert err.startswith(expected[:-3]), err
        else:
            assert err.strip() == expected
    assert list(Path.cwd().iterdir()) == []


def test_the_describe_excerpt_is_what_it_prints(capsys):
    from sim.config.describe import main as describe

    assert describe(["lever/public_compute"]) == 0
    printed = capsys.readouterr().out.splitlines()
    excerpt = block_with("text", "lever public_compute:").splitlines()
    assert excerpt and all(line in printed for line in excerpt)


@pytest.mark.slow  # 123 s here (2 cores, shared): a run, two sweeps, two reports
def test_the_tutorial_runs_as_written(tmp_path):
    script = "\n".join(tiny(block) for block in blocks("bash"))
    assert script.count("alliancesim ") >= 4 and "alliancesim-report" in script
    env = {**os.environ, "HOME": str(tmp_path), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    env.pop(USER_CONFIG_ENV, None)
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "compute_2026" in done.stdout and "cost_reduction: 0.4" in done.stdout
    run = json.loads((tmp_path / "results/compute_2026_once/run.json").read_text())
    assert run["status"] == "done" and run["config"]["scenario"]["name"] == "compute_2026"
    for sweep in ("compute_2026", "compute_2026_vs_baseline"):
        table = load(tmp_path / "results" / sweep)
        assert sorted(table["scenario"].unique()) == ["baseline", "compute_2026"]
        summary = (tmp_path / "results" / sweep / "summary.md").read_text()
        assert "## compute_2026 (against `baseline`)" in summary
        assert (tmp_path / "results" / sweep / "report.html").is_file()


def test_a_run_with_a_config_dir(home):
    argv = ["--config-dir", str(home / "my_policies"), "scenario=compute_2026", *TINY]
    assert alliancesim_here([*argv, "world=synthetic", "hydra.run.dir=one"]) == 0
    record = json.loads((Path.cwd() / "one" / "run.json").read_text())
    assert record["config"]["scenario"]["public_compute"]["start"] == 8
    assert os.environ.get(USER_CONFIG_ENV) is None  # the folder does not leak into the process


def test_a_sweep_plan_with_the_environment_variable(home, monkeypatch):
    monkeypatch.setenv(USER_CONFIG_ENV, f"{home / 'my_policies'}{os.pathsep}")
    handoff = cli.plan_command(["sweep=compute_2026_vs_baseline", *TINY, "hydra.sweep.dir=s"])
    assert handoff.config_dirs == [str(home / "my_policies")]
    env = cli.handoff_environment(handoff)
    assert env[USER_CONFIG_ENV] == str(home / "my_policies")
    jobs = json.loads((Path.cwd() / "s" / "sweep.json").read_text())["jobs"]
    assert [j["dir"] for j in jobs] == ["0_baseline", "1_compute_2026"]
    cli.release(handoff.lock_fd)


@pytest.mark.parametrize(
    ("make", "named"),
    [
        (lambda base: str(base / "nowhere"), "there is no folder"),
        (lambda base: str(base / "my_policies" / "scenario" / "compute_2026.yaml"), "is a file"),
        (lambda base: str(base / "my_policies" / "scenario"), "holds no scenario/"),
    ],
)
def test_a_bad_config_dir_is_one_line(home, capfd, make, named):
    for argv in (
        ["--config-dir", make(home), "steps=2"],
        ["--config-dir", make(home), "--cfg", "job"],
    ):
        assert cli.main(argv) == 2
        out, err = capfd.readouterr()
        assert out == "" and len(err.splitlines()) == 1 and named in err
        assert err.startswith("alliancesim: error: --config-dir ") and "allowed" in err
    assert list(Path.cwd().iterdir()) == []


def test_a_bad_environment_folder_and_a_missing_folder_are_one_line(home, capfd, monkeypatch):
    assert cli.main(["steps=2", "--config-dir"]) == 2
    assert "--config-dir needs a folder" in capfd.readouterr().err
    monkeypatch.setenv(USER_CONFIG_ENV, str(home / "gone"))
    assert cli.main(["--cfg", "job"]) == 2
    err = capfd.readouterr().err
    assert len(err.splitlines()) == 1 and f"{USER_CONFIG_ENV}={home / 'gone'}" in err
    with pytest.raises(ConfigError, match=USER_CONFIG_ENV):
        sim.compose()


def test_a_file_named_as_a_packaged_one_is_refused(home, capfd):
    shutil.copy(CONFIG_DIR / "scenario" / "open_data.yaml", home / "my_policies" / "scenario")
    assert cli.main(["--config-dir", str(home / "my_policies"), "--cfg", "job"]) == 2
    err = capfd.readouterr().err
    assert len(err.splitlines()) == 1 and "scenario/open_data is already" in err
    assert str(CONFIG_DIR / "scenario" / "open_data.yaml") in err


def test_a_config_dir_is_still_confined(home):
    """A user folder is a user's choice on the command line; overrides stay confined."""
    folder = home / "my_policies"
    (folder / "sweep" / "evil.yaml").write_text(
        "# @package _global_\nhydra:\n  callbacks:\n    x:\n      _target_: builtins.print\n"
    )
    for argv in (
        ["--config-dir", str(folder), "sweep=evil", "hydra.sweep.dir=s"],
        ["--config-dir", str(folder), "--cfg", "job", "sweep=evil"],
    ):
        with pytest.raises(ConfigError, match=r"hydra\.callbacks is set"):
            cli.plan_command(argv)
    with pytest.raises(ConfigError, match=r"hydra\.searchpath"):
        cli.plan_command(["--config-dir", str(folder), "hydra.searchpath=[file:///tmp]"])
    with pytest.raises(ConfigError, match="--config-dir"):
        check_info(["--cfg", "job", "--config-dir", str(folder)])  # only the planner takes it
    with pytest.raises(ConfigError, match="no config scenario/compute_2026"):
        plan(["scenario=compute_2026"], False)  # without the folder, no user scenario
    assert list(Path.cwd().iterdir()) == []
