"""A mistake inside a config file, or a misspelt option under ``--cfg``: one line, exit 2.

Each case runs ``alliancesim`` (``sim.runs.cli.main``, and the console script for one) on
a user config folder holding the faulty file; stderr must be one line naming the file and
the line (for a file) and what is allowed, with nothing on stdout and nothing written.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sim.config.compose import USER_CONFIG_ENV, file_problem, key_line
from sim.runs.cli import main

SCRIPT = Path(sys.executable).with_name("alliancesim")
SMALL = ["world=synthetic", "world.n_startups=40", "steps=2"]
GOOD = "name: mine\npublic_compute:\n  start: 8\n  end: 20\n"
SWEEP = "# @package _global_\nhydra:\n  mode: MULTIRUN\n  sweeper:\n    params:\n"
SWEEP += "      scenario: baseline,mine\nreplicates: 2\n"


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    """A user config folder with a good scenario ``mine``; the working directory is empty."""
    monkeypatch.delenv(USER_CONFIG_ENV, raising=False)
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    for group in ("scenario", "world", "sweep"):
        (tmp_path / "mine" / group).mkdir(parents=True)
    (tmp_path / "mine" / "scenario" / "mine.yaml").write_text(GOOD)
    return tmp_path / "mine"


def one_line(argv: list[str], capfd) -> str:
    """Run ``alliancesim argv``: exit 2, nothing on stdout, nothing written; the line."""
    assert main(argv) == 2
    out, err = capfd.readouterr()
    assert out == "" and "Traceback" not in err
    assert len(err.splitlines()) == 1 and err.startswith("alliancesim: error: ")
    assert list(Path.cwd().iterdir()) == []
    return err.strip()


@pytest.mark.parametrize("info", [[], ["--cfg", "job"], ["-m"]])
@pytest.mark.parametrize(
    ("group", "text", "line", "what"),
    [
        ("scenario", GOOD.replace("  end", "   end"), 4, "YAML syntax error: mapping values"),
        ("scenario", GOOD.replace("  end", "\tend"), 4, "YAML syntax error: found character"),
        ("scenario", GOOD + "subsidy: [1, 2\n", 6, "YAML syntax error:"),
        ("scenario", GOOD.replace("start", "strat"), 3, "allowed keys: start, end, cost_"),
        ("scenario", GOOD.replace("public_compute", "public_comptue"), 2, "allowed keys: name"),
        ("scenario", GOOD.replace("8", "2026Q1"), 3, "allowed: a value of type int"),
        ("world", "name: synthetic\nn_startup: 40\n", 2, "allowed keys: name, n_startups"),
        ("sweep", SWEEP.replace("replicates", "replicats"), 7, "allowed keys: world, model"),
    ],
)
def test_a_mistake_in_a_file_is_one_line(folder, capfd, group, text, line, what, info):
    (folder / group / "bad.yaml").write_text(text)
    choice = {"scenario": "scenario=bad", "world": "world=bad", "sweep": "sweep=bad"}[group]
    err = one_line(["--config-dir", str(folder), *info, *SMALL, choice], capfd)
    assert err.startswith(f"alliancesim: error: {folder / group / 'bad.yaml'}, line {line}")
    assert what in err and "allowed" in err


def test_a_misspelt_option_under_cfg_is_one_line(folder, capfd):
    err = one_line(["--cfg", "job", "scenario=baselin"], capfd)
    assert "there is no config scenario/baselin; allowed: antitrust_guidance, baseline" in err
    err = one_line(["--config-dir", str(folder), "--cfg", "job", "world=korea"], capfd)
    assert "there is no config world/korea; allowed: korea_2016, korea_2024, synthetic" in err
    err = one_line(["--config-dir", str(folder), "--cfg", "job", "scenario=mien"], capfd)
    assert "allowed: antitrust_guidance, baseline, mega_alliance, mine," in err


@pytest.mark.slow
def test_what_cfg_shows_is_checked_like_a_run(folder, capfd):
    """These reached Hydra before, which printed a traceback (exit 1) or a bad config."""
    err = one_line(["--cfg", "job", "scenario.mega_alliance.start=3"], capfd)
    assert "scenario.mega_alliance is not set (null)" in err
    err = one_line(["--cfg", "job", "steps=0"], capfd)
    assert "steps=0 is out of range; allowed: [1, 400]" in err
    err = one_line(["--cfg", "job", "seed=1,2"], capfd)
    assert "seed=1,2 is a sweep; --cfg shows one config" in err
    err = one_line(["--cfg", "job", "-m", "steps=3"], capfd)
    assert "-m and --cfg cannot be combined" in err
    err = one_line(["--info", "-c", "all"], capfd)
    assert "--cfg and --info cannot be combined" in err
    assert main(["--cfg", "job", "steps=3"]) == 0
    assert "\nsteps: 3\n" in capfd.readouterr().out


def test_the_console_script_prints_one_line_for_a_broken_file(folder):
    (folder / "scenario" / "bad.yaml").write_text(GOOD.replace("  end", "   end"))
    for info in ([], ["--cfg", "job"]):
        done = subprocess.run(
            [str(SCRIPT), "--config-dir", str(folder), *info, "scenario=bad"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 2 and done.stdout == ""
        assert done.stderr.count("\n") == 1 and "line 4, column 7: YAML syntax error" in done.stderr
    assert list(Path.cwd().iterdir()) == []


def test_key_line_finds_the_deepest_key_the_file_spells(tmp_path):
    file = tmp_path / "x.yaml"
    file.write_text("name: x\nsubsidy:\n  budget: 1\n  target_domains: [data]\n")
    assert key_line(file, "scenario.subsidy.target_domains") == 4
    assert key_line(file, "subsidy") == 2
    assert key_line(file, "scenario.open_data.cost") is None
    file.write_text("a: [\n")
    assert key_line(file, "a") is None


def test_other_errors_are_not_taken_for_file_mistakes():
    assert file_problem(ValueError("In the middle")) is None
    assert file_problem(RuntimeError("In 'scenario/none_such': bad")) is None


@pytest.mark.parametrize(
    ("text", "overrides", "expected"),
    [
        (  # a value out of range in the file: the file and its line
            "name: mine\nsubsidy:\n  budget: -5\n  target_domains: [data]\n",
            [],
            "mine.yaml, line 3: scenario.subsidy.budget=-5.0 is out of range",
        ),
        (  # two of the file's values out of order: the file, the first key's line
            "name: mine\npublic_compute:\n  start: 8\n  end: 4\n",
            [],
            "mine.yaml, line 3: scenario.public_compute.start=8 and scenario.public_compute.end"
            "=4 are out of order",
        ),
        (  # the command line's value out of order with the file's: not the file's mistake
            GOOD,
            ["scenario.public_compute.end=5"],
            "alliancesim: error: scenario.public_compute.start=8 and",
        ),
    ],
)
def test_a_range_error_names_the_file_only_where_the_file_set_the_values(
    folder, capfd, text, overrides, expected
):
    (folder / "scenario" / "mine.yaml").write_text(text)
    line = one_line(["--config-dir", str(folder), *SMALL, "scenario=mine", *overrides], capfd)
    assert expected in line, line
    if not overrides:
        assert line.startswith(f"alliancesim: error: {folder / 'scenario'}"), line
