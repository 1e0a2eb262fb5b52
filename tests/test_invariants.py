"""Invariants that hold for any config (hypothesis draws the configs)."""

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import sim
from sim.engine.aggregates import alliance_totals
from sim.engine.state import NO_ALLIANCE, STARTUP

configs = st.fixed_dictionaries(
    {
        "world.n_startups": st.integers(15, 80),
        "world.n_conglomerates": st.integers(1, 8),
        "world.n_foreign": st.integers(0, 4),
        "world.n_initial_alliances": st.integers(0, 3),
        "model.choice.revision_share": st.floats(0.0, 1.0),
        "model.choice.noise_scale": st.floats(0.0, 2.0),
        "model.choice.founding_cost": st.floats(0.0, 500.0),
        "model.choice.w_rivalry": st.floats(0.0, 3.0),
        "model.growth.margin": st.floats(0.0, 0.5),
        "model.rnd.cost_per_effort": st.floats(0.0, 100.0),
        "seed": st.integers(0, 2**31),
        "scenario": st.sampled_from(["baseline", "antitrust_guidance", "public_compute"]),
    }
)


def check_state(model):
    f, a = model.firms, model.alliances
    members = f.alliance != NO_ALLIANCE
    # a firm is in at most one alliance, and only in one that exists and is active
    assert f.alliance.ndim == 1 and f.alliance.shape == (f.n,)
    assert np.all(f.alliance[members] < a.m)
    assert np.all(a.active[f.alliance[members]])
    assert not np.any(members & ~f.alive)
    # members per alliance agree with the firms' rows; active alliances keep >= 1 member
    totals = alliance_totals(f, a)
    for aid in np.flatnonzero(a.active):
        rows = np.flatnonzero(f.alliance == aid)
        assert totals.size[aid] == rows.size >= 1
        assert a.leader[aid] in rows
        young = model.steps - 1 - a.founded[aid] < model.params.choice.founding_grace_steps
        assert rows.size >= 2 or young
    out = model.outcomes
    shares = [out["share_open"], out["share_closed"], out["share_alone"]]
    assert all(0.0 <= s <= 1.0 for s in shares)
    assert abs(sum(shares) - 1.0) < 1e-12
    assert 0.0 <= out["hhi"] <= 1.0 and 0.0 <= out["collusion_risk"] <= 1.0
    assert 0.0 <= out["collusion_risk_domain"] <= 1.0 + 1e-12
    assert 0.0 <= out["domestic_market_share"] <= 1.0
    assert 0.0 <= out["hollow_alliance_index"] <= 1.0
    for column in (f.capital, f.capability, f.effort, f.revenue, f.openness):
        assert np.all(np.isfinite(column))
    assert all(np.isfinite(v) for v in out.values())


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(overrides=configs)
def test_invariants_hold_every_step(overrides):
    args = ["world=synthetic", "steps=12"] + [f"{k}={v}" for k, v in overrides.items()]
    model = sim.AllianceModel(sim.compose(args))
    frozen: dict[int, float] = {}
    for _ in range(12):
        model.step()
        check_state(model)
        f = model.firms
        for row, capital in frozen.items():
            assert f.capital[row] == capital and f.capability[row] >= 0
        for row in np.flatnonzero(~f.alive):
            frozen.setdefault(int(row), float(f.capital[row]))
        assert np.all(f.kind[~f.alive] == STARTUP)


def test_exits_happen_and_freeze_capital():
    """The frozen-capital check above is not vacuous: with no margin, startups exit."""
    cfg = sim.compose(
        ["world=synthetic", "world.n_startups=200", "model.growth.margin=0.0", "steps=12"]
    )
    model = sim.AllianceModel(cfg).run()
    dead = np.flatnonzero(~model.firms.alive)
    assert dead.size > 0
    snapshot = model.firms.capital[dead].copy()
    model.run(3)
    np.testing.assert_array_equal(model.firms.capital[dead], snapshot)
    assert np.all(model.firms.exited[dead] >= 0)
