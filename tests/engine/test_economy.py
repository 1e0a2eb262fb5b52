"""sim.engine.economy: markets, trade and the costs members pay (version 2)."""

import numpy as np

import sim
from sim.engine import economy
from sim.engine.state import NO_ALLIANCE
from tests.conftest import SMALL_SYNTHETIC


def test_members_of_formed_alliances_pay_coordination_and_others_do_not():
    model = sim.AllianceModel(sim.compose([*SMALL_SYNTHETIC, "model.economics=v2"]))
    f, a, p = model.firms, model.alliances, model.params
    spend = np.zeros(f.n)
    cc = economy.coordination_costs(f, a, spend, p)
    alone = f.alliance == NO_ALLIANCE
    assert np.all(cc[alone] == 0.0)
    members = ~alone & f.alive
    assert np.all(cc[members] >= p.choice.coord_cost_fixed)  # every multiplier is >= 1
    more = economy.coordination_costs(f, a, spend + 10.0, p)
    assert np.all(more[members] > cc[members])  # the R&D coordinated costs too
    lonely = a.append(np.array([0]), np.array([np.flatnonzero(alone)[0]]), 0)
    f.alliance[np.flatnonzero(alone)[0]] = lonely[0]
    again = economy.coordination_costs(f, a, spend, p)
    assert again[np.flatnonzero(alone)[0]] == 0.0  # a founder alone coordinates nobody
