"""Properties of capability and the frontier over random worlds (issue 10: "capability never
above the frontier", as a property test rather than one run; sim/engine/knowledge.py)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim


@pytest.mark.slow  # 3-11 s: CI (make test-slow), to keep make test near 5 minutes
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    startups=st.integers(20, 90),
    conglomerates=st.integers(1, 6),
    foreign=st.integers(1, 4),
    alliances=st.integers(0, 5),
    foreign_capability=st.floats(0.5, 1.0),
    domestic_capability=st.floats(0.5, 0.99),
    seed=st.integers(0, 2**31),
)
def test_no_firm_is_ever_above_its_domains_frontier(
    startups, conglomerates, foreign, alliances, foreign_capability, domestic_capability, seed
):
    cfg = sim.compose(
        [
            "world=synthetic",
            f"world.n_startups={startups}",
            f"world.n_conglomerates={conglomerates}",
            f"world.n_foreign={foreign}",
            f"world.n_initial_alliances={alliances}",
            "world.initial_alliance_size=3",
            f"world.foreign_capability_mean={foreign_capability}",
            f"world.conglomerate_capability_mean={domestic_capability}",  # some pass the frontier
            "steps=6",
        ]
    )
    check_frontier(sim.AllianceModel(cfg, seed=seed), cfg.steps)


@pytest.mark.slow  # 4-12 s: CI (make test-slow), to keep make test near 5 minutes
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(startups=st.integers(100, 600), seed=st.integers(0, 2**31))
def test_korea_2024_firms_stay_within_the_frontier_when_a_domestic_one_passes_it(startups, seed):
    """korea_2024: a domestic unit near the frontier (LG, Naver) may pass it and become it."""
    cfg = sim.compose(["world=korea_2024", f"world.n_startups={startups}", "steps=6"])
    check_frontier(sim.AllianceModel(cfg, seed=seed), cfg.steps)


def check_frontier(model: sim.AllianceModel, steps: int) -> None:
    """Step ``model`` and check every alive firm's relative capability and the frontiers."""
    frontier = [model.economy.frontier.copy()]
    for _ in range(steps):
        model.step()
        f = model.firms
        k = f.capability[f.alive]
        assert np.isfinite(k).all() and (k >= 0).all()
        assert k.max(initial=0.0) <= 1.0 + 1e-12  # relative to the domain's frontier
        frontier.append(model.economy.frontier.copy())
    assert np.all(np.diff(np.log(np.array(frontier)), axis=0) >= -1e-12)  # it never recedes
