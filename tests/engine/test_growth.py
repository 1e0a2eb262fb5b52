"""sim.engine.growth: capability is capped at the frontier, and the gap is measured to it."""

import pytest

import sim


def test_a_country_at_the_frontier_has_no_gap(small_cfg):
    model = sim.AllianceModel(small_cfg)
    model.firms.capability[:] = 10.0  # far above the frontier: capped at it
    model.step()
    assert model.outcomes["tech_gap_years"] == pytest.approx(0.0, abs=1e-12)
