"""sim.engine.policing: collusion that can happen, and enforcement that stops it (v2)."""

import numpy as np
import pytest

import sim

KOREA_V2 = ["world=korea_2024", "model.economics=v2", "steps=12", "seed=3"]
STRONG = [
    "model.competition.detection_probability=0.1",
    "model.competition.fine_rate=0.2",
]


def _run(extra):
    model = sim.AllianceModel(sim.compose([*KOREA_V2, *extra])).run()
    return model.datacollector.get_model_vars_dataframe()


@pytest.fixture(scope="module")
def weak():
    return _run([])


def test_collusion_happens_above_the_threshold_under_weak_enforcement(weak):
    assert (weak["collusion_risk"] > 0).any()
    assert (weak["collusion_harm"] > 0).any()
    assert ((weak["collusion_risk"] > 0) == (weak["collusion_harm"] > 0)).all()


def test_strong_enforcement_deters_all_collusion():
    """p phi L / max uplift = 0.1 x 0.2 x 4 / 0.1 = 0.8: no combined share pays."""
    strong = _run(STRONG)
    assert (strong["collusion_risk"] == 0).all()
    assert (strong["collusion_harm"] == 0).all()


def test_clarity_leaves_the_collusion_rule_alone(weak):
    """Clarity changes who joins (membership), never the decision to collude given shares."""
    from sim.engine import economy
    from sim.engine.policing import decide_collusion

    model = sim.AllianceModel(sim.compose(KOREA_V2)).run(4)
    s = economy.sales(model.firms, model.economy, 4, model.params, model.alliances)
    effects = model.government.act(4)
    base = decide_collusion(s, model.firms, model.alliances, model.cooldown, model.params, effects)
    from dataclasses import replace

    p = model.params
    clear = replace(p, choice=replace(p.choice, baseline_clarity=1.0))
    same = decide_collusion(s, model.firms, model.alliances, model.cooldown, clear, effects)
    np.testing.assert_array_equal(base, same)


def test_the_enforcement_lever_deters_what_the_status_quo_allows(weak):
    lever = _run(["scenario=strong_enforcement"])
    assert (lever["collusion_risk"] == 0).all() and (weak["collusion_risk"] > 0).any()


@pytest.mark.slow
def test_clarity_raises_membership_without_raising_collusion():
    """The issue's test at model level: clarity lowers the cooperation fines firms fear inside
    the safe harbour, so more firms join, while enforcement, hence collusion, is unchanged.
    At the default fine rates the effect is tiny (docs/model.md section 10, finding 13), so
    the cooperation fine rate is at its maximum here to show the mechanism's direction."""
    stress = ["steps=8", "model.competition.cooperation_fine_rate=1.0"]
    joined, risk = {}, {}
    for clarity in (0.0, 1.0):
        runs = [
            _run([*stress, f"seed={seed}", f"model.choice.baseline_clarity={clarity}"])
            for seed in (0, 1)
        ]
        joined[clarity] = np.mean([(r["share_open"] + r["share_closed"]).mean() for r in runs])
        risk[clarity] = np.mean([r["collusion_risk"].mean() for r in runs])
    assert joined[1.0] > joined[0.0]
    assert risk[1.0] <= risk[0.0] + 1e-12
