"""scenarios.policies.mega_alliance: the mandated national alliance."""

import dataclasses

import numpy as np
import pytest

import sim
from scenarios.policies import AntitrustGuidance, MegaAllianceMandate
from scenarios.policies.mega_alliance import invitees
from sim.config.levers import AntitrustConfig, MegaAllianceConfig
from sim.config.vocabulary import DOMAINS, DOMESTIC
from sim.engine import quarter
from sim.engine.aggregates import alliance_totals
from sim.engine.choice import FIRST_CANDIDATE, STAY, draw_revision, option_utilities
from sim.engine.state import CLOSED, NO_ALLIANCE, OPEN
from tests.conftest import SMALL_SYNTHETIC
from tests.scenarios.policies.helpers import (
    FOREIGN,
    RNG,
    C,
    D,
    F,
    S,
    assert_neutral,
    effects_of,
    eligibility_world,
    hand_alliances,
    hand_firms,
    model_with,
    neutral,
)


def test_invitees_are_top_domestic_firms_per_domain_conglomerates_first():
    firms = hand_firms(
        [
            (S, D, 0, 0.95, 5, NO_ALLIANCE, True),  # 0 best in domain 0, but a startup
            (C, D, 0, 0.50, 900, NO_ALLIANCE, True),  # 1
            (C, D, 0, 0.60, 100, 0, True),  # 2 best conglomerate of domain 0
            (C, F, 0, 0.99, 9000, NO_ALLIANCE, True),  # 3 foreign: never invited
            (C, D, 0, 0.99, 900, NO_ALLIANCE, False),  # 4 exited: never invited
            (S, D, 0, 0.40, 5, NO_ALLIANCE, True),  # 5
            (S, D, 3, 0.30, 5, NO_ALLIANCE, True),  # 6
            (S, D, 3, 0.80, 5, NO_ALLIANCE, True),  # 7 best of domain 3 (no conglomerate)
            (S, D, 3, 0.50, 5, NO_ALLIANCE, True),  # 8
        ]
    )
    assert invitees(firms, 2).tolist() == [2, 1, 7, 8]
    assert invitees(firms, 3).tolist() == [2, 1, 0, 7, 8, 6]
    assert invitees(firms, 1).tolist() == [2, 7]
    firms.region[:] = FOREIGN
    assert invitees(firms, 2).size == 0


def test_mandated_alliance_is_founded_with_the_invitees_at_its_start_quarter():
    start = 3
    model = model_with(
        seed=2, mega_alliance=MegaAllianceConfig(start=start, invite_per_domain=2, budget=0.0)
    )
    (lever,) = model.government.policies
    for _ in range(start):
        model.step()
        assert not model.alliances.mandated.any() and lever.alliance is None
    expected = invitees(model.firms, 2)
    assert expected.size >= 7  # every domain sends at least one firm
    m_before = model.alliances.m
    effects = model.government.act(start)  # the start of quarter ``start``
    (a,) = np.flatnonzero(model.alliances.mandated)
    assert a == lever.alliance == m_before  # a new row
    assert model.alliances.founded[a] == start and model.alliances.active[a]
    assert model.alliances.names[a] == "National AI Alliance"
    members = np.flatnonzero(model.firms.alive & (model.firms.alliance == a))
    assert sorted(members.tolist()) == sorted(expected.tolist())
    leader = model.alliances.leader[a]
    assert leader == expected[np.argmax(model.firms.capital[expected])]  # the richest leads
    assert effects.mandate_pull[a] == 1.0 and effects.mission[a] == 0.3


def test_mandated_alliance_founded_when_the_model_steps_into_the_start_quarter():
    model = model_with(seed=1, mega_alliance=MegaAllianceConfig(start=2))
    founded = []
    for _ in range(4):
        model.step()
        founded.append(int(model.alliances.mandated.sum()))
    assert founded == [0, 0, 1, 1]
    (a,) = np.flatnonzero(model.alliances.mandated)
    assert model.alliances.founded[a] == 2


def test_mandate_pulls_and_adds_mission_to_its_alliance_only_while_active():
    firms, alliances = eligibility_world()
    lever = MegaAllianceMandate(MegaAllianceConfig(mandate_strength=0.7, mission=0.2))
    effects = effects_of(lever, firms, alliances)
    a = lever.alliance
    pull = np.zeros(alliances.m)
    pull[a] = 0.7
    np.testing.assert_array_equal(effects.mandate_pull, pull)
    np.testing.assert_array_equal(effects.mission, pull / 0.7 * 0.2)
    # once its alliance has dissolved, the mandate pulls nothing and is not re-founded
    alliances.active[a] = False
    effects = effects_of(lever, firms, alliances, step=1)
    assert lever.alliance == a and alliances.m == a + 1
    assert_neutral(effects, firms, alliances, 0.3, expected=neutral(firms, alliances))


@pytest.mark.parametrize("term", ["mandate_pull", "mission", "member_subsidy"])
def test_mandate_terms_raise_the_utility_of_the_mandated_alliance_only(term):
    model = model_with(seed=0)
    firms, alliances = model.firms, model.alliances
    cfg = MegaAllianceConfig(mandate_strength=0.8, mission=0.25, budget=50.0)
    lever = MegaAllianceMandate(cfg)
    mandated = effects_of(lever, firms, alliances)
    target = lever.alliance
    p = dataclasses.replace(model.params.choice, revision_share=1.0, n_candidates=8)
    draws = draw_revision(firms, alliances, p, np.random.default_rng(1))
    totals = alliance_totals(firms, alliances)
    k = np.arange(draws.revisers.size)
    effects = neutral(firms, alliances)
    base = option_utilities(k, draws, firms, alliances, totals, effects, p)
    setattr(effects, term, getattr(mandated, term))  # this one term of the mandate only
    pulled = option_utilities(k, draws, firms, alliances, totals, effects, p)
    np.testing.assert_array_equal(np.isfinite(pulled), np.isfinite(base))
    finite = np.isfinite(base)
    gain = np.where(finite, pulled - np.where(finite, base, 0.0), 0.0)
    # columns: alone, stay, found, then the candidates looked at
    current = firms.alliance[draws.revisers]
    options = np.column_stack([np.full_like(current, -9), current, np.full_like(current, -9)])
    options = np.concatenate([options, draws.candidates], axis=1)
    is_target = finite & (options == target)
    assert is_target[:, FIRST_CANDIDATE:].any() and is_target[:, STAY].any()
    assert (finite & ~is_target).any()
    np.testing.assert_array_equal(gain[~is_target], 0.0)
    if term == "mandate_pull":
        np.testing.assert_allclose(gain[is_target], p.w_mandate * 0.8)
    elif term == "mission":
        np.testing.assert_allclose(gain[is_target], p.w_complementarity * 0.25)
    else:  # the budget is paid to domestic members only, so only they expect it
        domestic = np.broadcast_to((firms.region[draws.revisers] == DOMESTIC)[:, None], gain.shape)
        assert np.all(gain[is_target & domestic] > 0)
        assert (is_target & ~domestic).any()
        np.testing.assert_array_equal(gain[is_target & ~domestic], 0.0)


def _mandated_sizes(strength, seed, steps=6):
    model = model_with(
        seed=seed, mega_alliance=MegaAllianceConfig(start=1, mandate_strength=strength)
    )
    sizes = []
    for _ in range(steps):
        model.step()
        a = model.government.policies[0].alliance
        if a is not None:
            sizes.append(int((model.firms.alive & (model.firms.alliance == a)).sum()))
    return sizes


def test_mandate_strength_raises_membership_of_the_mandated_alliance():
    for seed in (0, 1, 2):
        weak, strong = _mandated_sizes(0.0, seed), _mandated_sizes(1.0, seed)
        assert len(weak) == len(strong) == 5
        assert np.mean(strong[1:]) > np.mean(weak[1:]) + 5, (seed, weak, strong)


def test_federate_places_existing_domestic_led_top_alliances_inside_it():
    firms = hand_firms(
        [
            (C, D, 0, 0.7, 900, 0, True),  # 0 leads alliance 0 (domestic)
            (S, D, 1, 0.5, 5, 0, True),  # 1
            (C, F, 2, 0.9, 9000, 1, True),  # 2 leads alliance 1 (foreign)
            (S, D, 2, 0.5, 5, 1, True),  # 3
            (S, D, 3, 0.5, 5, 2, True),  # 4 leads alliance 2, a child of alliance 0
            (S, D, 3, 0.4, 5, 2, True),  # 5
            (S, D, 4, 0.5, 5, NO_ALLIANCE, True),  # 6 led the dissolved alliance 3
        ]
    )
    for federate in (False, True):
        alliances = hand_alliances([OPEN, CLOSED, OPEN, OPEN], [0, 2, 4, 6], inactive=[3])
        alliances.parent[2] = 0
        lever = MegaAllianceMandate(MegaAllianceConfig(federate=federate))
        lever.restructure(5, firms.copy(), alliances, RNG)
        mega = lever.alliance
        assert mega == 4 and alliances.parent[mega] == NO_ALLIANCE
        if federate:
            assert alliances.parent.tolist() == [mega, -1, 0, -1, -1]
            assert alliances.root().tolist() == [mega, 1, mega, 3, mega]
        else:
            assert alliances.parent.tolist() == [-1, -1, 0, -1, -1]


def test_federate_in_a_model_links_the_domestic_led_alliances():
    model = model_with(seed=3, mega_alliance=MegaAllianceConfig(start=0, federate=True))
    firms, alliances = model.firms, model.alliances
    top = np.flatnonzero(alliances.active & (alliances.parent == NO_ALLIANCE))
    domestic_led = top[firms.region[alliances.leader[top]] == DOMESTIC].tolist()
    assert domestic_led
    model.government.act(0)
    a = model.government.policies[0].alliance
    assert np.flatnonzero(alliances.parent == a).tolist() == domestic_led


def test_mandate_budget_goes_to_members_and_counts_as_government_spend():
    firms, alliances = eligibility_world()
    lever = MegaAllianceMandate(MegaAllianceConfig(budget=120.0, invite_per_domain=1))
    effects = effects_of(lever, firms, alliances)
    members = firms.alive & (firms.alliance == lever.alliance)
    assert members.sum() == 3  # one per domain 0, 1, 4
    np.testing.assert_allclose(effects.subsidy[members], 40.0)
    np.testing.assert_array_equal(effects.subsidy[~members], 0.0)
    np.testing.assert_array_equal(effects.member_subsidy[lever.alliance], 40.0)  # any domain
    assert effects.member_subsidy.sum() == 40.0 * len(DOMAINS)

    paid = model_with(seed=0, mega_alliance=MegaAllianceConfig(start=1, budget=90.0))
    free = model_with(seed=0, mega_alliance=MegaAllianceConfig(start=1, budget=0.0))
    spend = []
    for _ in range(4):
        paid.step()
        free.step()
        spend.append((paid.flows.government_spend, free.flows.government_spend))
    np.testing.assert_allclose(spend, [(0, 0), (90, 0), (90, 0), (90, 0)])
    assert paid.cumulative_spend == pytest.approx(270.0) and free.cumulative_spend == 0.0
    assert paid.outcomes["government_spend"] == pytest.approx(90.0)


@pytest.mark.parametrize("exempt", [True, False])
def test_the_mandated_alliance_is_exempt_from_the_cap_only_if_configured(exempt):
    firms, alliances = eligibility_world()
    mega = MegaAllianceMandate(MegaAllianceConfig(invite_per_domain=1, cap_exempt=exempt))
    mega.restructure(0, firms, alliances, RNG)
    effects = neutral(firms, alliances)
    mega.apply(0, firms, alliances, effects, RNG)
    AntitrustGuidance(AntitrustConfig(share_cap=0.01, fine_rate=0.1)).apply(
        0, firms, alliances, effects, RNG
    )
    q = quarter.Quarter(
        step=0,
        frontier=1.0,
        ceiling=1.05,
        params=sim.compose(SMALL_SYNTHETIC).model,
        effects=effects,
        reference_capital=5.0,
    )
    totals = alliance_totals(firms, alliances)
    fined = quarter.prepare_market(firms, alliances, q, totals).fined
    assert totals.share[mega.alliance] > 0.01
    assert fined[mega.alliance] == (not exempt)
    assert fined[0]  # other alliances above the cap are fined either way


def test_the_mandated_alliance_keeps_a_domestic_leader():
    firms, alliances = eligibility_world()
    mega = MegaAllianceMandate(MegaAllianceConfig(invite_per_domain=1))
    mega.restructure(0, firms, alliances, RNG)
    a = mega.alliance
    firms.alliance[3] = a  # the richest firm, foreign, joins
    alliances.leader[a] = 3  # and succeeds a departed leader (the model's richest-member rule)
    mega.restructure(1, firms, alliances, RNG)
    leader = alliances.leader[a]
    assert firms.region[leader] == DOMESTIC and firms.alliance[leader] == a
    domestic = (firms.alliance == a) & (firms.region == DOMESTIC)
    assert firms.capital[leader] == firms.capital[domestic].max()
