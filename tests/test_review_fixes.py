"""Regression tests for problems found in review of the engine."""

import subprocess
import sys

import numpy as np
import pytest

import sim
from sim.config.schema import ConfigError
from sim.engine.choice import FOUND_NEW
from sim.engine.membership import apply_moves
from sim.engine.state import AllianceState, FirmState, federate


@pytest.mark.parametrize("package", ["agents", "scenarios.worlds", "scenarios.policies", "sim"])
def test_packages_import_on_their_own(package):
    subprocess.run([sys.executable, "-c", f"import {package}"], check=True)


def test_public_compute_cannot_make_effort_unbounded():
    with pytest.raises(ConfigError, match=r"cost_reduction=0\.6"):
        sim.compose(["scenario=public_compute", "scenario.public_compute.cost_reduction=0.6"])


def test_frontier_must_grow():
    with pytest.raises(ConfigError, match="frontier_growth"):
        sim.compose(["model.growth.frontier_growth=0"])


def test_founding_costs_the_founder():
    firms = FirmState()
    firms.append(
        kind=np.zeros(2, np.int8),
        capital=np.array([500.0, 50.0]),
        openness=np.array([0.9, 0.9]),
        domain=np.zeros(2, np.int8),
    )
    apply_moves(firms, AllianceState(), np.array([0]), np.array([FOUND_NEW]), 0, 100.0)
    assert firms.capital.tolist() == [400.0, 50.0]


def test_federation_refuses_deep_cycles():
    a = AllianceState()
    a.append(np.zeros(3, np.int8), np.arange(3), founded=0)
    federate(a, 1, 0)
    federate(a, 2, 1)
    with pytest.raises(ValueError, match="cycle"):
        federate(a, 0, 2)
    assert a.root().tolist() == [0, 0, 0]


def test_agent_engine_runs_with_no_firm_alive(small_cfg):
    runs = []
    for engine in ("vectorised", "agents"):
        model = sim.AllianceModel(small_cfg, engine=engine)
        model.firms.alive[:] = False
        model.firms.alliance[:] = -1
        runs.append(model.run(2).datacollector.get_model_vars_dataframe())
    assert runs[0].equals(runs[1])


def test_a_country_at_the_frontier_has_no_gap(small_cfg):
    model = sim.AllianceModel(small_cfg)
    model.firms.capability[:] = 10.0  # far above the frontier: capped at it
    model.step()
    assert model.outcomes["tech_gap_years"] == pytest.approx(0.0, abs=1e-12)


def test_first_quarter_is_quarter_zero(small_cfg):
    small_cfg.steps = 1
    model = sim.AllianceModel(small_cfg).run()
    entrants = model.firms.entered[model.firms.entered > 0]
    assert entrants.size and set(entrants.tolist()) == {1}
    assert model.outcomes["startups_entered"] == entrants.size


def test_firm_records_hold_firms_only(small_cfg):
    small_cfg.collect_firms = True
    model = sim.AllianceModel(small_cfg).run(2)
    records = model.firm_records()
    everything = model.datacollector.get_agent_vars_dataframe()
    assert len(everything) - len(records) == 3  # the Government's row at each collected step
    assert records["row"].notna().all() and records["capital"].notna().all()
    last = records.xs(2, level="Step")
    assert sorted(last["row"]) == list(range(model.firms.n))
