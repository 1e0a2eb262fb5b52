"""sim.engine.policing: collusion that can happen, and enforcement that stops it (v2)."""

import numpy as np
import pytest

import sim

# seed 1 (seed 3 until the level bound, docs/model.md 6.3). Since the stationary start
# (docs/model.md section 4 item 9, default from 2026-12-03) no alliance's members reach the
# default threshold s_coll = 0.30 in a domestic market of korea_2024: the largest combined
# share there is 0.135-0.179 in seed 0's first 12 quarters (0.25-0.35 with the old start,
# measured 2026-12-03), so collusion happens in no seed of 0-7 within 12 quarters nor in
# seeds 0-2 within 40. The tests of the rule put the threshold below the members' shares and
# halve detection (ABOVE: deterrence share p phi L / max uplift = 0.02 x 0.1 x 4 / 0.1 = 0.08
# instead of 0.16): "above the threshold under weak enforcement" is the condition they test,
# not a default that is met. Measured 2026-12-03, seed 1: collusion in quarters 1-12, risk
# 0.033-0.063, harm 0.40-1.09 USD m a quarter
KOREA_V2 = ["world=korea_2024", "model.economics=v2", "steps=12", "seed=1"]
ABOVE = [
    "model.competition.collusion_share_threshold=0.10",
    "model.competition.detection_probability=0.02",
]
STRONG = [
    "model.competition.detection_probability=0.1",
    "model.competition.fine_rate=0.2",
]


def _run(extra):
    model = sim.AllianceModel(sim.compose([*KOREA_V2, *extra])).run()
    return model.datacollector.get_model_vars_dataframe()


@pytest.fixture(scope="module")
def weak():
    return _run(ABOVE)


def test_collusion_happens_above_the_threshold_under_weak_enforcement(weak):
    assert (weak["collusion_risk"] > 0).any()
    assert (weak["collusion_harm"] > 0).any()
    assert ((weak["collusion_risk"] > 0) == (weak["collusion_harm"] > 0)).all()


def test_strong_enforcement_deters_all_collusion():
    """p phi L / max uplift = 0.1 x 0.2 x 4 / 0.1 = 0.8: no combined share pays."""
    strong = _run([ABOVE[0], *STRONG])  # the threshold; enforcement strong
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
    lever = _run([*ABOVE, "scenario=strong_enforcement"])
    assert (lever["collusion_risk"] == 0).all() and (weak["collusion_risk"] > 0).any()


def test_clarity_raises_membership_without_raising_collusion():
    """The issue's test on one quarter's decisions, same state and same draws: clarity lowers
    the cooperation fines firms fear inside the safe harbour, so no reviser leaves alliances for
    it and some join, while the collusion decision does not read clarity at all
    (``test_clarity_leaves_the_collusion_rule_alone``). Over whole runs the effect is about 0.001
    of firms at the defaults and is lost in the noise of later choices (finding 13); even in one
    quarter no decision flips until the cooperation fine rate is at its maximum and detection
    raised from 0.04 to 0.5 a quarter (the same in both runs: enforcement is unchanged). Then 4
    more of about 1,250 revisers join (measured 2026-12-02)."""
    from dataclasses import replace

    from sim.engine import valuation
    from sim.engine.choice import draw_revision

    stress = [
        "model.competition.cooperation_fine_rate=1.0",
        "model.competition.detection_probability=0.5",
    ]
    cfg = sim.compose([*KOREA_V2, *stress])
    model = sim.AllianceModel(cfg).run(4)
    q = model._new_quarter(4, model.government.act(4))
    choice = replace(q.params.choice, revision_share=1.0)
    p = replace(q.params, choice=choice)
    draws = draw_revision(model.firms, model.alliances, choice, model.rng)
    view = valuation.prospects(model.firms, model.alliances, q, model.economy, draws, model.rng)
    k = np.arange(draws.revisers.size)
    inside, targets_at = {}, {}
    for clarity in (0.0, 1.0):
        effects = replace(q.effects, clarity=clarity)
        targets, _ = valuation.decide(k, draws, model.firms, model.alliances, view, effects, p)
        inside[clarity] = targets != -1  # an alliance, or founding one
        targets_at[clarity] = targets
    assert (inside[1.0] >= inside[0.0]).all()  # nobody leaves alliances for clarity
    assert inside[1.0].sum() > inside[0.0].sum()  # and some join
    # ... alliances inside the safe harbour: with the joiner, the alliance's share of the
    # joiner's domestic market is below it (clarity removes the fear of cooperating there only)
    from sim.engine import economy
    from sim.engine.markets import DOMESTIC_MARKET, market_id

    f = model.firms
    s = economy.sales(f, model.economy, 4, p, model.alliances)
    joined = np.flatnonzero(inside[1.0] & ~inside[0.0])
    harbour = p.competition.safe_harbour
    for row in joined:
        firm, target = draws.revisers[row], int(targets_at[1.0][row])
        home = market_id(f.domain[firm], DOMESTIC_MARKET)
        in_market = s.market == home
        members = (f.alliance[s.firm] == target) | (s.firm == firm)
        assert s.share[in_market & members].sum() < harbour, (firm, target)
