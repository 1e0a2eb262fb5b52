"""sim.engine.choice: the terms of a firm's utility for each option, and admission."""

import numpy as np

import sim
from sim.engine.aggregates import alliance_totals
from sim.engine.choice import (
    accessible_capability,
    admits,
    complementarity_value,
    draw_revision,
    legal_risk,
    money_burden,
    openness_misfit,
    option_utilities,
    rivalry_cost,
    scale_value,
)
from sim.engine.policy import PolicyEffects
from sim.engine.state import CLOSED, OPEN


def test_scale_value_rises_with_diminishing_returns():
    v = scale_value(np.array([0.0, 1.0, 2.0, 3.0]), half=2.0)
    assert v[0] == 0 and v[2] == 0.5 and np.all(np.diff(v) > 0) and np.all(np.diff(v, 2) < 0)


def test_access_is_partial_for_partners():
    assert accessible_capability(np.array(5.0), np.array(1.0), np.array(0.5)) == 3.0


def test_complementarity_counts_other_domains_covered_by_others():
    coverage = np.array([[1, 1, 0, 0, 1, 0, 0]])
    own = np.array([[0, 1, 0, 0, 0, 0, 0]])
    assert complementarity_value(coverage, own, np.array([True]), np.array([1]))[0] == 2 / 6
    assert complementarity_value(coverage, own, np.array([False]), np.array([1]))[0] == 2 / 6
    assert complementarity_value(coverage, own, np.array([False]), np.array([3]))[0] == 3 / 6


def test_rivalry_worse_with_more_capable_rivals():
    r = rivalry_cost(np.array([0.0, 1.0, 3.0]), np.array(1.0))
    assert r[0] == 0 and np.all(np.diff(r) > 0)


def test_openness_fit_and_money_and_legal_terms():
    assert openness_misfit(np.array(0.8), np.array(OPEN)) == np.float64(0.8 - 1.0).__abs__()
    assert openness_misfit(np.array(0.8), np.array(CLOSED)) == 0.8
    assert money_burden(np.array(1.0), np.array(9.0)) == 0.1
    assert legal_risk(np.array(0.5), clarity=1.0) == 0 and legal_risk(np.array(0.5), 0.0) == 0.5


def test_admission_rules():
    regime = np.array([OPEN, CLOSED, CLOSED, OPEN])
    mean = np.array([1.0, 1.0, 0.2, 1.0])
    share = np.array([0.1, 0.1, 0.1, 0.5])
    ok = admits(regime, mean, np.array(0.5), share, np.zeros(4, bool), 0.9, share_cap=0.4)
    assert ok.tolist() == [True, False, True, False]
    assert admits(regime, mean, np.array(0.5), share, np.ones(4, bool), 0.9, 0.4).all()


def _utilities(model, clarity):
    firms, alliances = model.firms, model.alliances
    draws = draw_revision(
        firms,
        alliances,
        model.params.choice.__class__(revision_share=1.0),
        np.random.default_rng(0),
    )
    effects = PolicyEffects.neutral(firms.n, alliances.m, clarity)
    totals = alliance_totals(firms, alliances)
    totals.share[:] = 0.3  # make legal risk bite
    k = np.arange(draws.revisers.size)
    return option_utilities(k, draws, firms, alliances, totals, effects, model.params.choice)


def test_clarity_raises_the_utility_of_joining(small_cfg):
    model = sim.AllianceModel(small_cfg)
    low, high = _utilities(model, 0.0), _utilities(model, 1.0)
    finite = np.isfinite(low[:, 3:])
    assert finite.any()
    assert np.all(high[:, 3:][finite] > low[:, 3:][finite])
    np.testing.assert_array_equal(high[:, 0], low[:, 0])  # staying alone: unaffected
