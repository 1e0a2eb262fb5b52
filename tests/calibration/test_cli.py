"""sim/calibration/cli.py and __main__.py: the command ``python -m sim.calibration``."""

import subprocess
import sys

import numpy as np
import pytest

from sim import calibration as cal
from sim.calibration import simulation

TINY_SPEC = """\
world: korea_2016
scenario: baseline
steps: 2
seeds: 2
root_seed: 7
targets:
  - {name: gap_start, output: tech_gap_years, step: 0, value: 2.2, sd: 0.1}
  - {name: gap_end, output: tech_gap_years, step: 2, value: 2.1, sd: 0.1}
  - {name: partners, output: archetype_partners, step: 1, value: 8, sd: 2.0}
parameters:
  - {path: model.growth.frontier_growth, low: 0.08, high: 0.20, start: 0.12}
  - {path: model.growth.learning_rate, low: 0.02, high: 0.12, start: 0.05}
checks:
  - {name: level_end, output: national_level, step: 2, value: 0.75}
"""


def test_set_needs_its_own_result_file():
    with pytest.raises(SystemExit) as raised:
        cal.main(["--set", "world.n_startups=1200"])
    assert raised.value.code == 2


def test_python_dash_m_runs_the_command():
    done = subprocess.run(
        [sys.executable, "-m", "sim.calibration", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: python -m sim.calibration")


def fake_run_seed(cfg, seed, steps):
    """Outputs that meet TINY_SPEC's targets at frontier_growth 0.26 / 2.2, learning_rate 0.05."""
    growth = cfg.model.growth
    t = np.arange(steps + 1)
    noise = np.random.default_rng(seed).normal(0.0, 0.002, steps + 1)
    gap = 0.26 / growth.frontier_growth - growth.learning_rate * t + noise
    return np.stack([gap, 0.74 + 0.01 * t, 7 + 20 * growth.learning_rate * t])


@pytest.mark.slow  # 3-11 s: CI (make test-slow), to keep make test near 5 minutes
def test_main_fits_a_tiny_spec_and_writes_result_and_figures(tmp_path, capsys, monkeypatch):
    """The command's wiring, on a fast stand-in for the model (jobs=1 runs in-process)."""
    monkeypatch.setattr(simulation, "run_seed", fake_run_seed)
    spec = tmp_path / "tiny.yaml"
    spec.write_text(TINY_SPEC, encoding="utf-8")
    result, out = tmp_path / "result.yaml", tmp_path / "figures"
    argv = ["--spec", str(spec), "--result", str(result), "--out", str(out), "--jobs", "1"]
    argv += ["--refits", "1", "--profile", "model.growth.catch_up=0"]
    assert cal.main(argv) == 0
    written = cal.load_result(result)
    assert list(written["fitted"]) == cal.load_spec(spec).paths
    assert list(written["fitted"].values()) == pytest.approx([0.26 / 2.2, 0.05], abs=2e-3)
    assert written["loss"] < 0.01
    assert len(written["parameters"]["model.growth.learning_rate"]["full_refits"]) == 1
    assert list(written["targets"]) == ["gap_start", "gap_end", "partners"]
    assert list(written["checks"]) == ["level_end"]
    assert [p["fixed"] for p in written["profile"]] == [
        "model.growth.catch_up=0",
        "model.growth.catch_up=1.5",
    ]
    figures = sorted(p.name for p in out.glob("*.png"))
    assert figures == [
        "calibration_archetype.png",
        "calibration_gap.png",
        "calibration_profile.png",
        "calibration_uncertainty.png",
    ]
    assert "fitted values" in capsys.readouterr().out
