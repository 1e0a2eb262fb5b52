"""sim.engine.growth: capability is capped at the frontier, and the gap is measured to it."""

import pytest

import sim


def test_a_country_at_the_frontier_has_no_gap(small_cfg):
    """Under the capped, exogenous frontier (the default until 2026-12-03; with the frontier
    held by a firm nobody is capped, tests/engine/test_held_frontier.py)."""
    small_cfg.model.growth.frontier_held_by_firm = False
    model = sim.AllianceModel(small_cfg)
    model.firms.capability[:] = 10.0  # far above the frontier: capped at it
    model.step()
    assert model.outcomes["tech_gap_years"] == pytest.approx(0.0, abs=1e-12)
