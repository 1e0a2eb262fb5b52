"""sim.engine.membership: moves, founding, leaders, dissolution and federation."""

import numpy as np
import pytest

from sim.engine.aggregates import home_region
from sim.engine.choice import FOUND_NEW
from sim.engine.membership import apply_moves, dissolve_small, replace_departed_leaders, settle
from sim.engine.state import CLOSED, NO_ALLIANCE, OPEN, AllianceState, FirmState, federate


def world(n=6):
    firms = FirmState()
    firms.append(
        kind=np.zeros(n, np.int8),
        region=np.zeros(n, np.int8),
        domain=np.arange(n) % 7,
        presence=np.ones(n, np.uint8),
        capital=np.arange(1.0, n + 1),
        openness=np.full(n, 0.8),
        capability=np.full(n, 0.5),
    )
    alliances = AllianceState()
    return firms, alliances


def test_founder_leads_new_alliance_with_its_regime():
    firms, alliances = world()
    firms.openness[2] = 0.1
    ids = apply_moves(firms, alliances, np.array([1, 2]), np.array([FOUND_NEW, FOUND_NEW]), 3)
    assert ids.tolist() == [0, 1]
    assert alliances.leader.tolist() == [1, 2] and alliances.founded.tolist() == [3, 3]
    assert alliances.regime.tolist() == [OPEN, CLOSED]
    assert firms.alliance[1] == 0 and firms.alliance[2] == 1


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


def test_alliance_left_with_one_member_dissolves_after_grace():
    firms, alliances = world()
    apply_moves(firms, alliances, np.array([0]), np.array([FOUND_NEW]), 0)
    assert dissolve_small(firms, alliances, step=1, grace=4).size == 0  # young: kept
    assert dissolve_small(firms, alliances, step=4, grace=4).tolist() == [0]
    assert firms.alliance[0] == NO_ALLIANCE and not alliances.active[0]


def test_leader_who_leaves_is_replaced_by_richest_member():
    firms, alliances = world()
    apply_moves(firms, alliances, np.array([0]), np.array([FOUND_NEW]), 0)
    firms.alliance[[2, 4, 5]] = 0
    firms.alliance[0] = NO_ALLIANCE
    replace_departed_leaders(firms, alliances)
    assert alliances.leader[0] == 5  # the richest remaining member


def test_a_founded_alliance_keeps_its_founders_region_as_home():
    firms, alliances = world()
    firms.region[:] = [0, 1, 0, 2, 0, 1]
    apply_moves(firms, alliances, np.array([1]), np.array([FOUND_NEW]), 0)
    assert alliances.home.tolist() == [1] and not alliances.national[0]
    firms.alliance[[2, 4]] = 0
    firms.alliance[1] = NO_ALLIANCE
    replace_departed_leaders(firms, alliances)
    assert alliances.leader[0] == 4 and home_region(firms, alliances).tolist() == [1]


@pytest.mark.parametrize("within_home", [False, True])
def test_succession_within_the_home_region_when_asked(within_home):
    """The richest member of the home region succeeds (version 2); the richest otherwise."""
    firms, alliances = world()
    firms.region[:] = [0, 0, 0, 1, 0, 1]  # 5 (richest) and 3 are foreign
    apply_moves(firms, alliances, np.array([0]), np.array([FOUND_NEW]), 0)
    firms.alliance[[1, 2, 3, 5]] = 0
    firms.alliance[0] = NO_ALLIANCE  # the domestic founder leaves
    replace_departed_leaders(firms, alliances, within_home)
    assert alliances.leader[0] == (2 if within_home else 5)


def test_with_no_member_of_its_home_left_the_richest_leads():
    firms, alliances = world()
    firms.region[:] = [0, 1, 1, 1, 1, 1]
    apply_moves(firms, alliances, np.array([0]), np.array([FOUND_NEW]), 0)
    firms.alliance[[1, 3]] = 0
    firms.alliance[0] = NO_ALLIANCE
    replace_departed_leaders(firms, alliances, within_home=True)
    assert alliances.leader[0] == 3 and home_region(firms, alliances).tolist() == [1]


def test_exited_leader_is_replaced():
    firms, alliances = world()
    apply_moves(firms, alliances, np.array([5]), np.array([FOUND_NEW]), 0)
    firms.alliance[[1, 3]] = 0
    firms.alive[5] = False
    firms.alliance[5] = NO_ALLIANCE
    settle(firms, alliances, 1, grace=0)
    assert alliances.leader[0] == 3 and alliances.active[0]


def test_federation_links_and_dissolution_orphans_children():
    firms, alliances = world()
    apply_moves(firms, alliances, np.array([0, 1]), np.array([FOUND_NEW, FOUND_NEW]), 0)
    firms.alliance[[2, 3]] = [0, 1]
    federate(alliances, child=1, parent=0)
    assert alliances.root().tolist() == [0, 0]
    with pytest.raises(ValueError, match="cycle"):
        federate(alliances, child=0, parent=1)
    firms.alliance[[0, 2]] = NO_ALLIANCE
    settle(firms, alliances, 10, grace=0)
    assert not alliances.active[0] and alliances.parent[1] == NO_ALLIANCE
