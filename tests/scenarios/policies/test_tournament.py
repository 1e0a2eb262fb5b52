"""scenarios.policies.tournament: funding the best consortia, then cutting to finalists."""

import numpy as np
import pytest

from scenarios.policies import SovereignTournament
from sim.config.levers import TournamentConfig
from sim.engine.state import NO_ALLIANCE, OPEN
from tests.scenarios.policies.helpers import (
    FOREIGN,
    C,
    D,
    F,
    effects_of,
    hand_alliances,
    hand_firms,
    model_with,
)


def tournament_world():
    """Alliances 0-3 domestic-led (mean capability .85, .7, .55, .4), 4 foreign-led, 5 alone."""
    rows = []
    groups = [
        (D, [0.9, 0.8]),
        (D, [0.7, 0.7, 0.7]),
        (D, [0.6, 0.5]),
        (D, [0.4, 0.4]),
        (F, [0.99, 0.98]),
        (D, [1.0]),
    ]
    leaders = []
    for a, (region, capabilities) in enumerate(groups):
        leaders.append(len(rows))
        for i, cap in enumerate(capabilities):
            rows.append((C, region if i == 0 else D, a % 7, cap, 100, a, True))
    firms = hand_firms(rows)
    alliances = hand_alliances([OPEN] * len(groups), leaders)
    return firms, alliances


def paid_alliances(effects, firms):
    return sorted(set(firms.alliance[effects.subsidy > 0].tolist()))


def test_tournament_funds_best_consortia_then_cuts_down_to_finalists():
    cfg = TournamentConfig(start=2, consortia=3, funding=60.0, cut_every=2, cut=1, finalists=1)
    lever = SovereignTournament(cfg)
    firms, alliances = tournament_world()
    funded = {}
    for step in range(2, 10):
        if step == 4:  # alliance 0 falls behind: cuts use the scores of the day
            firms.capability[firms.alliance == 0] = 0.3
        effects = effects_of(lever, firms, alliances, step)
        funded[step] = paid_alliances(effects, firms)
        assert sorted(lever.funded) == funded[step]
        for a in funded[step]:
            members = firms.alliance == a
            each = 60.0 / members.sum()
            np.testing.assert_allclose(effects.subsidy[members], each)
            np.testing.assert_allclose(effects.member_subsidy[a], each)
        unfunded = ~np.isin(firms.alliance, funded[step])
        np.testing.assert_array_equal(effects.subsidy[unfunded], 0.0)
        assert effects.subsidy.sum() == pytest.approx(60.0 * len(funded[step]))
    assert lever.selected_at == 2
    assert funded == {
        2: [0, 1, 2],  # the foreign-led 4 and the one-member 5 cannot compete
        3: [0, 1, 2],
        4: [1, 2],  # first cut: the weakest today
        5: [1, 2],
        6: [1],
        7: [1],
        8: [1],  # finalists reached: no more cuts
        9: [1],
    }


def test_tournament_cuts_stop_at_the_finalists():
    cfg = TournamentConfig(consortia=4, funding=60.0, cut_every=1, cut=3, finalists=2)
    lever = SovereignTournament(cfg)
    firms, alliances = tournament_world()
    funded = [paid_alliances(effects_of(lever, firms, alliances, t), firms) for t in range(3)]
    assert funded == [[0, 1, 2, 3], [0, 1], [0, 1]]


def test_a_consortium_that_dissolves_leaves_the_tournament():
    cfg = TournamentConfig(consortia=3, funding=60.0, cut_every=100, finalists=1)
    lever = SovereignTournament(cfg)
    firms, alliances = tournament_world()
    assert paid_alliances(effects_of(lever, firms, alliances, 0), firms) == [0, 1, 2]
    alliances.active[1] = False
    firms.alliance[firms.alliance == 1] = NO_ALLIANCE
    assert paid_alliances(effects_of(lever, firms, alliances, 1), firms) == [0, 2]
    # it does not come back, and the vacancy is not refilled by the next best (3)
    alliances.active[1] = True
    firms.alliance[[2, 3, 4]] = 1
    effects = effects_of(lever, firms, alliances, 2)
    assert paid_alliances(effects, firms) == [0, 2] and lever.funded == [0, 2]
    assert effects.subsidy.sum() == pytest.approx(120.0)


def test_tournament_waits_for_candidates_before_selecting():
    lever = SovereignTournament(TournamentConfig(consortia=2, finalists=1))
    firms, alliances = tournament_world()
    region = firms.region.copy()
    firms.region[alliances.leader] = FOREIGN
    effects = effects_of(lever, firms, alliances, 3)
    assert lever.selected_at is None and effects.subsidy.sum() == 0.0
    firms.region[:] = region
    effects = effects_of(lever, firms, alliances, 4)
    assert lever.selected_at == 4 and lever.funded == [0, 1]
    assert effects.subsidy.sum() == pytest.approx(2 * lever.cfg.funding)


def test_tournament_in_a_model_funds_consortia_from_its_first_quarter():
    cfg = TournamentConfig(start=2, consortia=3, funding=50.0, cut_every=2, cut=1, finalists=1)
    model = model_with(seed=0, tournament=cfg)
    (lever,) = model.government.policies
    spend, funded = [], []
    for _ in range(7):
        model.step()
        spend.append(model.flows.government_spend)
        funded.append(len(lever.funded))
    assert lever.selected_at == 2
    assert spend[:2] == [0.0, 0.0] and funded[:2] == [0, 0]
    np.testing.assert_allclose(spend[2:], 50.0 * np.array(funded[2:]))
    assert funded[2] >= 2 and funded[-1] < funded[2]
