"""sim.engine.reviews: leaders switch their alliance's regime when it pays (version 2)."""

from dataclasses import replace

import numpy as np
import pytest

import sim
from sim.engine import valuation
from sim.engine.choice import draw_revision
from sim.engine.reviews import review_regimes
from sim.engine.state import OPEN
from tests.conftest import SMALL_SYNTHETIC


@pytest.fixture()
def world():
    model = sim.AllianceModel(sim.compose([*SMALL_SYNTHETIC, "model.economics=v2"]))
    q = model._new_quarter(0, model.government.act(0))
    draws = draw_revision(model.firms, model.alliances, q.params.choice, model.rng)
    view = valuation.prospects(model.firms, model.alliances, q, model.economy, draws, model.rng)
    return model, q, view


def _with(q, **choice):
    return replace(q.params, choice=replace(q.params.choice, **choice))


def test_a_prohibitive_switching_cost_keeps_every_regime(world):
    model, q, view = world
    before = model.alliances.regime.copy()
    p = _with(q, regime_switch_cost=1e6)
    assert review_regimes(model.firms, model.alliances, view, p, model.rng).size == 0
    assert np.array_equal(model.alliances.regime, before)


def test_fees_worth_collecting_close_open_alliances_and_mandates_stay(world):
    model, q, view = world
    a = model.alliances
    opened = np.flatnonzero(a.active & (a.regime == OPEN))
    assert opened.size >= 2  # one mandated, the others free to switch
    a.mandated[opened[0]] = True  # a mandate fixes its regime
    p = _with(q, fee_closed=50.0, regime_switch_cost=0.0)
    switched = review_regimes(model.firms, a, view, p, model.rng)
    assert set(opened[1:]) <= set(switched.tolist())  # 50 USD m a member a quarter pays
    assert opened[0] not in switched and a.regime[opened[0]] == OPEN
