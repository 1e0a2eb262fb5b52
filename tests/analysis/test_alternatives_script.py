"""docs/make_alternatives.py: the one list of structural alternatives, and how it runs them."""

from __future__ import annotations

import pytest
import yaml

import sim
from sim.config.design import get_path
from sim.runs.plan import plan
from tests.analysis.conftest import docs_script

ma = docs_script("make_alternatives")


@pytest.mark.parametrize("alternative", ma.ALTERNATIVES, ids=lambda a: a.name)
def test_every_alternative_composes_and_plans_with_its_overrides_kept(
    alternative, tmp_path, monkeypatch
):
    """Its sweep plans (a bad key, or a key the worlds would overwrite, is refused) and every
    job runs with the alternative's values, not a world's."""
    cfg = sim.compose(list(alternative.overrides))  # a bad key or value raises here
    assert cfg.world.name == "korea_2024"
    monkeypatch.chdir(tmp_path)
    argv = ma.command(alternative, tmp_path / "x")[2:]  # without the program and -m
    jobs = plan([*argv, "analysis.n=2"], True).jobs  # two worlds: quicker to plan
    assert len(jobs) == 2 * (11 if alternative.every_scenario else len(ma.SCENARIOS))
    for override in alternative.overrides:
        key, text = override.split("=")
        for job in jobs:
            assert get_path(job.cfg, key) == pytest.approx(yaml.safe_load(text)), (key, job.dir)


def test_labels_and_folders_are_unique_and_one_row_checks_the_pairing():
    assert len({a.label for a in ma.ALTERNATIVES}) == len(ma.ALTERNATIVES)
    assert len({a.name for a in ma.ALTERNATIVES}) == len(ma.ALTERNATIVES)
    assert [a.name for a in ma.ALTERNATIVES if not a.overrides] == ["defaults"]


def test_each_alternative_runs_the_main_design_on_one_seed(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(ma.subprocess, "run", lambda argv, **kw: calls.append((argv, kw)))
    folders = ma.run(ma.ALTERNATIVES[:2], tmp_path)
    assert list(folders) == [a.label for a in ma.ALTERNATIVES[:2]]
    argv, options = calls[1]
    assert argv[1:6] == [
        "-m",
        "sweep=policy_comparison",
        "hydra/launcher=joblib",
        "replicates=1",
        "scenario=baseline,mega_alliance,national_strategy,public_compute",
    ]
    assert "model.growth.foreign_entry=false" in argv
    assert argv[-1] == f"hydra.sweep.dir={tmp_path / 'no_foreign_entry'}"
    assert options == {"check": True, "cwd": ma.ROOT}


def test_the_list_and_a_missing_main_sweep(tmp_path, capsys):
    assert ma.main(["--list"]) == 0
    assert capsys.readouterr().out.count("\n") == len(ma.ALTERNATIVES)
    with pytest.raises(SystemExit, match="no finished sweep; run `make run` first"):
        ma.main(["--results", str(tmp_path)])


def test_the_catch_up_alternative_that_matches_the_start_runs_every_scenario():
    every = [a for a in ma.ALTERNATIVES if a.every_scenario]
    assert [a.name for a in every] == ["common_rate_016"]
    argv = ma.command(every[0], ma.ROOT / "x")
    assert not any(x.startswith("scenario=") for x in argv)  # the preset's every scenario


def test_the_refitted_alternative_takes_its_fits_values_but_those_the_worlds_set():
    """The candidate default: the catch-up learning model under which the record was fitted,
    and the record's adopted values except the two declared uncertain (each world's own)."""
    (alternative,) = [a for a in ma.ALTERNATIVES if a.name == "common_rate_016_refit"]
    record = yaml.safe_load(ma.CATCH_UP_RECORD.read_text())
    learning = [o for o in alternative.overrides if o.startswith("model.growth.")]
    assert learning == [o for o in record["overrides"] if o.startswith("model.growth.")]
    given = dict(o.split("=") for o in alternative.overrides if o.startswith("model.choice."))
    assert {k: float(v) for k, v in given.items()} == {
        k: v for k, v in record["adopted"].items() if k in given
    }
    assert set(record["adopted"]) - set(given) == {
        "model.choice.coord_cost_fixed",
        "model.choice.hub_link_cost",
    }
