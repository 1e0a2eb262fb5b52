"""sim.engine.turnover: entry by expected profit and funding, exit by cash and prospects (v2)."""

import numpy as np
import pytest

import sim
from sim.engine import economy, innovation, turnover
from sim.engine.state import CONGLOMERATE, STARTUP
from tests.conftest import SMALL_SYNTHETIC


@pytest.fixture(scope="module")
def model():
    return sim.AllianceModel(sim.compose([*SMALL_SYNTHETIC, "model.economics=v2"])).run(3)


def _values(model):
    s = economy.sales(model.firms, model.economy, 3, model.params, model.alliances)
    return turnover.entrant_values(
        model.economy, s, innovation.horizon(model.params, model.economy), model.params
    )


def test_entrants_value_their_domains_in_money(model):
    values = _values(model)
    assert values.shape == (7,) and np.isfinite(values).all()
    assert np.ptp(values) > 0  # domains differ in market size and crowding


def test_public_funding_never_lowers_entry_on_the_same_draws(model):
    values = _values(model)
    counts = []
    for funding in (0.0, 50.0, 500.0):
        rng = np.random.default_rng(7)
        columns = turnover.enter(
            model.firms, model.cfg.world, values, funding, 1000, model.params, rng
        )
        counts.append(columns["kind"].size)
        assert (columns["kind"] == STARTUP).all()
        assert np.all(columns["capability"] > 0)
    assert counts[0] <= counts[1] <= counts[2] and counts[2] > counts[0]


def test_startups_without_prospects_leave_and_groups_stay(model):
    f = model.firms.copy()
    n = f.n
    h = innovation.horizon(model.params, model.economy)
    zero = np.zeros(n)
    f.revenue[:] = 0.0
    f.capital[:] = 0.5  # above the floor, below a horizon of fixed costs
    gone = turnover.leaving(f, zero, zero, zero, h, model.params)
    startups = f.alive & (f.kind == STARTUP)
    assert np.array_equal(gone, startups)
    assert not gone[f.kind == CONGLOMERATE].any()
    f.capital[:] = 1e6  # rich enough to wait
    assert not turnover.leaving(f, zero, zero, zero, h, model.params).any()
