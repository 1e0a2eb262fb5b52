"""Shared by the analysis tests: a small world to sweep, a working directory to sweep in,
the command with its launch in this process, and one sweep of three scenarios for reports.
"""

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import matplotlib.pyplot as plt
import pytest

from sim.analysis import report
from tests.runs.conftest import alliancesim_here

SMALL = ["world=synthetic", "world.n_startups=60", "world.n_initial_alliances=3", "steps=4"]
# three scenarios, three replicates each: what the report tests report on
COMPARISON = ["-m", *SMALL, "replicates=3", "scenario=baseline,open_data,mega_alliance"]


def docs_script(name: str) -> ModuleType:
    """``docs/<name>.py`` as a module (docs/ is not a package), registered under ``name``."""
    path = Path(__file__).resolve().parents[2] / "docs" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def alliancesim(argv: list[str]) -> int:
    """``alliancesim argv``: the same plan, checks and results as the command, with Hydra's
    launch run in this process (``tests.runs.conftest.alliancesim_here``) rather than in a
    fresh interpreter (which costs seconds of imports for each sweep).

    The analysis tests use the command only to make results; ``tests/runs`` tests the
    command itself, child process and console script included.
    """
    return alliancesim_here(argv)


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.argv", ["alliancesim"])
    return tmp_path


@pytest.fixture(scope="session")
def comparison(tmp_path_factory) -> Path:
    """``COMPARISON`` swept once per test process into a folder ``s``.

    Read-only for its users: a test that reports on it, or changes it, copies it first
    (``shutil.copytree(comparison, tmp_path / "s")``).
    """
    folder = tmp_path_factory.mktemp("comparison")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.setattr("sys.argv", ["alliancesim"])
        assert alliancesim([*COMPARISON, "hydra.sweep.dir=s"]) == 0
    return folder / "s"


def fast_render(fig):
    """Figures drawn but not rendered (fast): the report's ``render`` for tests of its text."""
    plt.close(fig)
    return b"png", b"svg"


@pytest.fixture
def fast_copy(comparison, tmp_path, monkeypatch) -> Path:
    """A copy of ``comparison`` to change, reported with ``fast_render``."""
    monkeypatch.setattr(report, "render", fast_render)
    return Path(shutil.copytree(comparison, tmp_path / "s"))
