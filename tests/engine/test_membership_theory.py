"""Membership (sim.engine.choice, membership; run by the model) vs Goyal and Joshi (2003).

With no cost of collaborating, every firm ends in one alliance; as the cost rises, one
dominant alliance remains and more firms stay alone (see docs/validation.md; the world is
``GOYAL_JOSHI`` in tests/engine/validation_worlds.py).
"""

from __future__ import annotations

import numpy as np

from tests.engine.validation_worlds import GJ_COSTS, GJ_SEEDS, goyal_joshi_run


def test_no_cost_of_collaborating_puts_everyone_in_one_alliance():
    for seed in GJ_SEEDS:
        run = goyal_joshi_run(0.0, seed)
        assert run["initial_alliances"] == 6  # the merger is an outcome, not the start
        assert run["n_alliances"] == 1
        assert run["largest_share"] >= 0.95, (seed, run)


def test_costly_collaboration_leaves_a_dominant_group_and_isolated_firms():
    alone = {}
    for fee in GJ_COSTS:
        runs = [goyal_joshi_run(fee, seed) for seed in GJ_SEEDS]
        for run in runs:
            # dominant-group architecture: one alliance holds every member, the rest alone
            assert run["n_alliances"] == 1, (fee, run)
            assert run["largest_size"] == run["members"]
            assert run["firms_alive"] >= 150  # few exits: fees do not empty the industry
        alone[fee] = float(np.mean([r["share_alone"] for r in runs]))
    shares = [alone[fee] for fee in GJ_COSTS]
    assert np.all(np.diff(shares) > 0), shares  # more isolated firms as the cost rises
    assert alone[GJ_COSTS[1]] > 0.02  # a small fee already leaves some firms out
    assert alone[GJ_COSTS[-1]] > 0.5  # a high one leaves most out ...
    high = [goyal_joshi_run(GJ_COSTS[-1], seed) for seed in GJ_SEEDS]
    assert min(r["largest_size"] for r in high) >= 10  # ... but the group survives


def test_isolated_firms_are_those_the_fee_weighs_on_most():
    """Firms differ in capital, so the fee keeps out the poorest (G&J's firms are identical)."""
    for seed in GJ_SEEDS:
        run = goyal_joshi_run(0.2, seed)
        assert run["capital_alone"] < run["capital_member"]
