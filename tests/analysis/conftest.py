"""Shared by the analysis tests: a small world to sweep, and a working directory to sweep in."""

import pytest

SMALL = ["world=synthetic", "world.n_startups=60", "world.n_initial_alliances=3", "steps=4"]


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.argv", ["alliancesim"])
    return tmp_path
