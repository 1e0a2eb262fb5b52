"""scenarios.policies.antitrust: guidance clarity, the share cap and fines."""

import dataclasses

import numpy as np
import pytest

from scenarios.policies import AntitrustGuidance
from sim.config.levers import AntitrustConfig
from sim.engine.aggregates import alliance_totals
from sim.engine.choice import (
    FIRST_CANDIDATE,
    STAY,
    decide,
    draw_revision,
    legal_risk,
    option_utilities,
)
from sim.engine.state import NO_ALLIANCE
from tests.scenarios.policies.helpers import RNG, eligibility_world, model_with, neutral


def test_clarity_lowers_the_legal_risk_term():
    share = np.array([0.0, 0.1, 0.4, 0.8])
    risks = []
    for clarity in (0.0, 0.3, 0.6, 1.0):
        firms, alliances = eligibility_world()
        effects = neutral(firms, alliances, clarity=0.0)
        AntitrustGuidance(AntitrustConfig(clarity=clarity)).apply(0, firms, alliances, effects, RNG)
        assert effects.clarity == clarity
        risks.append(legal_risk(share, effects.clarity))
    risks = np.array(risks)
    assert np.all(np.diff(risks[:, 1:], axis=0) < 0)  # falls with clarity where share > 0
    np.testing.assert_array_equal(risks[:, 0], 0.0)
    np.testing.assert_array_equal(risks[-1], 0.0)  # clear safe harbours: no legal risk


def test_guidance_sets_clarity_also_below_the_baseline():
    firms, alliances = eligibility_world()
    for clarity in (0.0, 0.3, 1.0):
        effects = neutral(firms, alliances, clarity=0.3)
        lever = AntitrustGuidance(AntitrustConfig(clarity=clarity))
        lever.apply(0, firms, alliances, effects, RNG)
        assert effects.clarity == clarity


def _share_in_alliances(seed, clarity, steps=10):
    # version 1's legal-risk weight; version 2's clarity: tests/engine/test_competition.py
    model = model_with(seed=seed, economics="v1", antitrust=AntitrustConfig(clarity=clarity))
    shares = []
    for _ in range(steps):
        model.step()
        shares.append(1.0 - model.outcomes["share_alone"])
    return np.mean(shares)


def test_clarity_raises_alliance_membership():
    seeds = range(4)
    low = np.mean([_share_in_alliances(s, 0.0) for s in seeds])
    high = np.mean([_share_in_alliances(s, 1.0) for s in seeds])
    assert high > low + 0.005, (low, high)


def test_share_cap_refuses_joining_an_alliance_above_it():
    model = model_with(seed=0)
    firms, alliances = model.firms, model.alliances
    p = dataclasses.replace(model.params.choice, revision_share=1.0)
    draws = draw_revision(firms, alliances, p, np.random.default_rng(1))
    totals = alliance_totals(firms, alliances)
    totals.share[:] = 0.5
    k = np.arange(draws.revisers.size)
    current = firms.alliance[draws.revisers]

    def utilities(share_cap):
        effects = neutral(firms, alliances)
        lever = AntitrustGuidance(AntitrustConfig(share_cap=share_cap))
        lever.apply(0, firms, alliances, effects, RNG)
        util = option_utilities(k, draws, firms, alliances, totals, effects, p)
        return util, decide(k, draws, firms, alliances, totals, effects, p)

    free, free_targets = utilities(1.0)
    capped, capped_targets = utilities(0.4)
    assert np.isfinite(free[:, FIRST_CANDIDATE:]).any()
    assert np.isneginf(capped[:, FIRST_CANDIDATE:]).all()
    inside = current != NO_ALLIANCE
    assert inside.any()
    assert np.isfinite(capped[inside, STAY]).all()  # members may stay
    joins = (free_targets != current) & (free_targets >= 0)
    assert joins.any()  # without the cap, some revisers join another alliance
    assert np.all((capped_targets == current) | (capped_targets < 0))


def test_share_cap_holds_for_every_join_in_a_run():
    cap = 0.08
    checked = {cap: 0, 1.0: 0}
    violations = {cap: 0, 1.0: 0}
    for share_cap in (cap, 1.0):
        for seed in (0, 1):
            # version 1 caps the alliance's share of all sales; version 2 its share of the
            # joiner's domestic relevant market (test_share_cap_in_version_2 below)
            model = model_with(
                seed=seed, economics="v1", antitrust=AntitrustConfig(share_cap=share_cap)
            )
            for _ in range(8):
                totals = alliance_totals(model.firms, model.alliances)
                before, m = model.firms.alliance.copy(), model.alliances.m
                model.step()
                after = model.firms.alliance[: before.size]
                moved = (after != before) & (after >= 0) & (after < m)
                rows = np.flatnonzero(moved)
                joined = totals.share[after[rows]] + totals.firm_share[rows]
                checked[share_cap] += rows.size
                violations[share_cap] += int((joined > cap + 1e-12).sum())
    assert checked[cap] > 0 and violations[cap] == 0
    assert violations[1.0] > 0  # without enforcement such joins do happen


def test_fines_cut_the_profit_of_members_of_alliances_above_the_cap():
    """Version 1: the fine is a share of each member's whole revenue."""
    probe = model_with(seed=4, economics="v1")
    shares = alliance_totals(probe.firms, probe.alliances).share
    active = np.flatnonzero(probe.alliances.active)
    cap = float(np.median(shares[active]))
    above = set(active[shares[active] > cap].tolist())
    assert above and len(above) < active.size

    def one_quarter(fine_rate):
        model = model_with(
            seed=4, economics="v1", antitrust=AntitrustConfig(share_cap=cap, fine_rate=fine_rate)
        )
        model.step()
        return model

    fined, unfined = one_quarter(0.5), one_quarter(0.0)
    n = unfined.firms.n
    np.testing.assert_array_equal(fined.firms.revenue, unfined.firms.revenue)
    alive = fined.firms.alive & unfined.firms.alive
    in_fined = np.isin(unfined.firms.alliance, list(above)) & alive
    assert in_fined.any()
    loss = unfined.firms.capital[:n] - fined.firms.capital[:n]
    np.testing.assert_allclose(loss[in_fined], 0.5 * unfined.firms.revenue[in_fined])
    assert np.all(loss[in_fined] > 0)
    np.testing.assert_array_equal(loss[alive & ~in_fined], 0.0)


def test_over_cap_marks_domestic_cells_above_the_cap_of_non_exempt_alliances():
    from sim.engine.markets import N_MARKETS
    from sim.engine.policing import DOMESTIC_MARKETS, over_cap

    share = np.full((3, N_MARKETS), 0.5)
    share[1] = 0.1
    exempt = np.array([False, False, True])
    flagged = over_cap(share, exempt, 0.4)
    np.testing.assert_array_equal(flagged[0], DOMESTIC_MARKETS)  # rest of world: not relevant
    assert not flagged[1].any()  # below the cap
    assert not flagged[2].any()  # exempt (a mandate)
    assert not over_cap(share, exempt, 1.0).any()


def test_share_cap_fines_in_version_2():
    """Version 2 fines members of alliances above the cap in a domestic relevant market,
    fine_rate of their sales there each quarter; sales of the quarter change only through
    the revisers who foresee the fines."""

    def quarter(share_cap, fine_rate):
        model = model_with(
            seed=4,
            economics="v2",
            antitrust=AntitrustConfig(share_cap=share_cap, fine_rate=fine_rate),
        )
        model.step()
        return model.outcomes

    fined, unfined, uncapped = quarter(0.02, 0.5), quarter(0.02, 0.0), quarter(1.0, 0.5)
    assert fined["fines_paid"] > 0
    assert unfined["fines_paid"] == 0 and uncapped["fines_paid"] == 0
    # revisers foresee fines (docs/model.md 6.5), so a mover or two may differ: within 1 %
    assert fined["domestic_share_domestic_market"] == pytest.approx(
        unfined["domestic_share_domestic_market"], rel=0.01
    )
