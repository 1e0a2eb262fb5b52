"""Each policy lever's mechanism moves what it should, against a baseline or counterfactual.

Unit tests build ``FirmState``/``AllianceState`` by hand and call a lever's ``restructure``
and ``apply``; integration tests run small synthetic worlds with and without a lever on the
same seeds. Scenarios are built from the typed lever configs, so the tests do not depend
on the values in ``configs/scenario``.
"""

import copy
import dataclasses
from functools import lru_cache

import numpy as np
import pytest

import sim
from scenarios.policies import (
    AntitrustGuidance,
    MegaAllianceMandate,
    SovereignTournament,
    SubsidyFocus,
)
from scenarios.policies.lever import alliance_flags, eligible, share_equally
from scenarios.policies.mega_alliance import invitees
from sim.config.levers import (
    AntitrustConfig,
    MegaAllianceConfig,
    OpenDataConfig,
    PublicComputeConfig,
    ScenarioConfig,
    SubsidyConfig,
    TournamentConfig,
)
from sim.config.vocabulary import DOMAINS, DOMESTIC
from sim.engine import quarter
from sim.engine.aggregates import alliance_totals
from sim.engine.choice import (
    FIRST_CANDIDATE,
    STAY,
    decide,
    draw_revision,
    legal_risk,
    option_utilities,
)
from sim.engine.policy import PolicyEffects
from sim.engine.state import (
    CLOSED,
    CONGLOMERATE,
    NO_ALLIANCE,
    OPEN,
    STARTUP,
    AllianceState,
    FirmState,
    presence_mask,
)
from tests.conftest import SMALL_SYNTHETIC

FOREIGN = 1  # any region but DOMESTIC
RNG = np.random.default_rng(0)  # levers take a generator; none of them draws from it


# --- helpers ----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _base_cfg():
    return sim.compose(SMALL_SYNTHETIC)


def config(scenario=None, **world):
    """The small synthetic run config with ``scenario`` and world overrides."""
    cfg = copy.deepcopy(_base_cfg())
    cfg.scenario = scenario or ScenarioConfig()
    for key, value in world.items():
        setattr(cfg.world, key, value)
    return cfg


def model_with(seed=0, **levers):
    """A model of the small world pulling ``levers`` (ScenarioConfig fields)."""
    return sim.AllianceModel(config(ScenarioConfig(name="test", **levers)), seed=seed)


def neutral(firms, alliances, clarity=0.3):
    """Neutral effects, except that alliances flagged mandated are under an active mandate
    (what the mega-alliance lever, applied first, would have written)."""
    effects = PolicyEffects.neutral(firms.n, alliances.m, clarity)
    effects.mandated[: alliances.m] = alliances.mandated & alliances.active
    return effects


def effects_of(lever, firms, alliances, step=0):
    """Effects of one lever applied alone to neutral effects (restructuring first)."""
    lever.restructure(step, firms, alliances, RNG)
    effects = neutral(firms, alliances)
    lever.apply(step, firms, alliances, effects, RNG)
    return effects


def assert_neutral(effects, firms, alliances, clarity, expected=None):
    expected = expected or PolicyEffects.neutral(firms.n, alliances.m, clarity)
    for f in dataclasses.fields(PolicyEffects):
        np.testing.assert_array_equal(
            getattr(effects, f.name), getattr(expected, f.name), err_msg=f.name
        )


def hand_firms(rows):
    """Firms from (kind, region, domain, capability, capital, alliance, alive) tuples."""
    kind, region, domain, capability, capital, alliance, alive = map(
        np.array, zip(*rows, strict=True)
    )
    firms = FirmState()
    firms.append(
        kind=kind,
        region=region,
        domain=domain,
        presence=presence_mask(domain),
        capital=capital.astype(float),
        openness=np.full(len(rows), 0.5),
        capability=capability.astype(float),
        alliance=alliance,
        alive=alive.astype(bool),
        revenue=np.ones(len(rows)),
    )
    return firms


def hand_alliances(regimes, leaders, mandated=(), inactive=()):
    alliances = AllianceState()
    alliances.append(np.array(regimes), np.array(leaders), founded=0)
    alliances.mandated[list(mandated)] = True
    alliances.active[list(inactive)] = False
    return alliances


S, C = STARTUP, CONGLOMERATE
D, F = DOMESTIC, FOREIGN


def eligibility_world():
    """Alliance 0 open, 1 closed, 2 closed and mandated; rows named in the comments."""
    firms = hand_firms(
        [
            (S, D, 0, 0.5, 5, NO_ALLIANCE, True),  # 0 startup alone
            (C, D, 0, 0.7, 500, 0, True),  # 1 conglomerate, open alliance (leader)
            (S, D, 1, 0.5, 5, 0, True),  # 2 startup, open alliance
            (C, F, 1, 0.9, 9000, 0, True),  # 3 foreign, open alliance
            (S, D, 4, 0.5, 5, 1, True),  # 4 startup, closed alliance (leader)
            (C, D, 4, 0.7, 500, 1, True),  # 5 conglomerate, closed alliance
            (S, D, 0, 0.5, 5, 2, True),  # 6 startup, mandated alliance (leader)
            (C, D, 1, 0.7, 500, 2, True),  # 7 conglomerate, mandated alliance
            (S, D, 0, 0.5, 5, NO_ALLIANCE, False),  # 8 exited startup
            (S, F, 0, 0.5, 5, NO_ALLIANCE, True),  # 9 foreign startup alone
        ]
    )
    alliances = hand_alliances([OPEN, CLOSED, CLOSED], [1, 4, 6], mandated=[2])
    return firms, alliances


def rows_of(mask):
    return np.flatnonzero(mask).tolist()


# --- 1. mega-alliance mandate -------------------------------------------------------------


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


# --- 2. antitrust guidance ----------------------------------------------------------------


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
    model = model_with(seed=seed, antitrust=AntitrustConfig(clarity=clarity))
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
            model = model_with(seed=seed, antitrust=AntitrustConfig(share_cap=share_cap))
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
    probe = model_with(seed=4)
    shares = alliance_totals(probe.firms, probe.alliances).share
    active = np.flatnonzero(probe.alliances.active)
    cap = float(np.median(shares[active]))
    above = set(active[shares[active] > cap].tolist())
    assert above and len(above) < active.size

    def one_quarter(fine_rate):
        model = model_with(seed=4, antitrust=AntitrustConfig(share_cap=cap, fine_rate=fine_rate))
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


# --- 3. subsidy focus ----------------------------------------------------------------------


def test_eligibility_rules_select_the_right_firms():
    firms, alliances = eligibility_world()
    assert rows_of(eligible("all", firms, alliances, neutral(firms, alliances))) == [
        0,
        1,
        2,
        4,
        5,
        6,
        7,
    ]
    assert rows_of(eligible("startups", firms, alliances, neutral(firms, alliances))) == [
        0,
        2,
        4,
        6,
    ]
    assert rows_of(eligible("open_members", firms, alliances, neutral(firms, alliances))) == [1, 2]
    assert rows_of(eligible("mandated", firms, alliances, neutral(firms, alliances))) == [6, 7]
    assert alliance_flags(alliances, "open_members", neutral(firms, alliances)).tolist() == [
        True,
        False,
        False,
    ]
    alliances.active[[0, 2]] = False  # a dissolved alliance makes nobody eligible
    assert rows_of(eligible("open_members", firms, alliances, neutral(firms, alliances))) == []
    assert rows_of(eligible("mandated", firms, alliances, neutral(firms, alliances))) == []
    assert alliance_flags(
        AllianceState(), "mandated", PolicyEffects.neutral(0, 0, 0.3)
    ).tolist() == [False]


def test_share_equally_splits_the_budget_over_eligible_rows():
    subsidy = np.ones(5)
    assert share_equally(90.0, np.array([1, 0, 1, 0, 1], bool), subsidy) == 30.0
    assert subsidy.tolist() == [31.0, 1.0, 31.0, 1.0, 31.0]
    assert share_equally(90.0, np.zeros(5, bool), subsidy) == 0.0
    assert subsidy.sum() == 95.0


@pytest.mark.parametrize(
    ("rule", "paid"),
    [
        ("all", [0, 1, 2, 6, 7]),
        ("startups", [0, 2, 6]),
        ("open_members", [1, 2]),
        ("mandated", [6, 7]),
    ],
)
def test_sustained_subsidy_pays_eligible_domestic_firms_of_target_domains(rule, paid):
    firms, alliances = eligibility_world()
    cfg = SubsidyConfig(budget=100.0, target_domains=[DOMAINS[0], DOMAINS[1]], eligibility=rule)
    lever = SubsidyFocus(cfg)
    for step in range(5):
        firms.revenue[:] = np.arange(firms.n) * (step + 1)  # sustained ignores revenue
        effects = effects_of(lever, firms, alliances, step)
        assert rows_of(effects.subsidy > 0) == paid
        np.testing.assert_allclose(effects.subsidy[paid], 100.0 / len(paid))
        assert effects.subsidy.sum() == pytest.approx(100.0)
        assert effects.subsidy[[3, 9]].tolist() == [0.0, 0.0]  # foreign firms get nothing
        assert effects.subsidy[[4, 5]].tolist() == [0.0, 0.0]  # other domains get nothing
    assert lever.history == [(step, None) for step in range(5)]


def test_members_expect_the_subsidy_of_eligible_alliances_only():
    firms, alliances = eligibility_world()
    cfg = SubsidyConfig(budget=100.0, target_domains=list(DOMAINS), eligibility="mandated")
    effects = effects_of(SubsidyFocus(cfg), firms, alliances)
    expected = np.zeros((3, len(DOMAINS)))
    expected[2] = 50.0
    np.testing.assert_array_equal(effects.member_subsidy, expected)
    cfg = SubsidyConfig(budget=100.0, target_domains=list(DOMAINS), eligibility="all")
    effects = effects_of(SubsidyFocus(cfg), firms, alliances)
    np.testing.assert_array_equal(effects.member_subsidy, 0.0)  # paid whether member or not


def test_members_expect_the_subsidy_only_in_the_target_domains():
    """Joining an eligible alliance promises money only to firms of the target domains."""
    firms, alliances = eligibility_world()
    cfg = SubsidyConfig(budget=100.0, target_domains=[DOMAINS[1]], eligibility="open_members")
    effects = effects_of(SubsidyFocus(cfg), firms, alliances)
    assert rows_of(effects.subsidy > 0) == [2]  # the domestic domain-1 member of alliance 0
    expected = np.zeros((3, len(DOMAINS)))
    expected[0, 1] = 100.0
    np.testing.assert_array_equal(effects.member_subsidy, expected)


def test_sustained_subsidy_in_a_model_pays_its_budget_every_quarter_of_the_window():
    targets = ["foundation_models", "ai_chips", "cloud_infrastructure", "data"]
    lever = SubsidyConfig(start=1, end=4, budget=250.0, target_domains=targets)
    model = model_with(seed=0, subsidy=lever)
    spend = []
    for _ in range(6):
        model.step()
        spend.append(model.flows.government_spend)
    np.testing.assert_allclose(spend, [0, 250, 250, 250, 0, 0])
    assert model.cumulative_spend == pytest.approx(750.0)


def fad_world(revenue):
    """One domestic firm per domain (with the given revenue) and a foreign one in domain 0."""
    n = len(DOMAINS)
    firms = hand_firms(
        [(S, D, d, 0.5, 5, NO_ALLIANCE, True) for d in range(n)]
        + [(C, F, 0, 0.9, 9000, NO_ALLIANCE, True)]
    )
    firms.revenue[:n] = revenue
    firms.revenue[n] = 1e6  # foreign revenue does not make a domain hot
    return firms, AllianceState()


def test_fad_chases_the_hottest_target_never_the_same_and_stops_after_the_hype():
    targets = [0, 2, 4]
    cfg = SubsidyConfig(
        start=1,
        budget=70.0,
        target_domains=[DOMAINS[d] for d in targets],
        schedule="fad",
        switch_every=2,
        hype_quarters=6,
    )
    lever = SubsidyFocus(cfg)
    revenue = np.array([10.0, 99.0, 30.0, 5.0, 20.0, 99.0, 99.0])
    firms, alliances = fad_world(revenue)
    funded = []
    for step in range(1, 10):
        if step == 3:  # growth since the first switch: 0 by 100 %, 2 by 0 %, 4 by 50 %
            firms.revenue[[0, 2, 4]] = [20.0, 30.0, 30.0]
        if step == 5:  # the hot domain 0 grows most, but the money must move on: to 4
            firms.revenue[[0, 2, 4]] = [2000.0, 33.0, 300.0]
        effects = effects_of(lever, firms, alliances, step)
        paid = rows_of(effects.subsidy > 0)
        funded.append(paid[0] if paid else None)
        if paid:
            assert len(paid) == 1 and effects.subsidy.sum() == pytest.approx(70.0)
        else:
            assert effects.subsidy.sum() == 0.0
    # the biggest first (2), then the most grown (0), then the most grown but the hot one (4)
    assert funded == [2, 2, 0, 0, 4, 4, None, None, None]
    assert lever.history == [(s, d) for s, d in zip(range(1, 10), funded, strict=True)]


def test_fad_never_funds_the_same_domain_twice_in_a_row():
    cfg = SubsidyConfig(
        target_domains=[DOMAINS[0], DOMAINS[2]],
        schedule="fad",
        switch_every=1,
        hype_quarters=8,
    )
    lever = SubsidyFocus(cfg)
    firms, alliances = fad_world(np.array([10.0, 0, 5.0, 0, 0, 0, 0]))
    for step in range(8):
        firms.revenue[0] *= 2.0  # the hot domain keeps growing fastest
        effects_of(lever, firms, alliances, step)
    funded = [d for _, d in lever.history]
    assert funded == [0, 2, 0, 2, 0, 2, 0, 2]
    single = SubsidyFocus(dataclasses.replace(cfg, target_domains=[DOMAINS[2]]))
    for step in range(3):
        effects_of(single, firms, alliances, step)
    assert [d for _, d in single.history] == [2, 2, 2]  # one target: it stays funded


def test_fad_in_a_model_switches_every_few_quarters_then_stops_paying():
    cfg = SubsidyConfig(start=1, budget=250.0, schedule="fad", switch_every=2, hype_quarters=6)
    model = model_with(seed=0, subsidy=cfg)
    spend = []
    for _ in range(9):
        model.step()
        spend.append(model.flows.government_spend)
    (lever,) = model.government.policies
    steps, hot = zip(*lever.history, strict=True)
    assert steps == tuple(range(1, 9))
    assert hot[0] == hot[1] != hot[2] == hot[3] != hot[4] == hot[5]
    assert all(d is not None for d in hot[:6]) and hot[6:] == (None, None)
    np.testing.assert_allclose(spend, [0, 250, 250, 250, 250, 250, 250, 0, 0])


def _entrants(subsidy, seed, steps=6):
    model = model_with(seed=seed, subsidy=subsidy)
    entered = 0
    for _ in range(steps):
        model.step()
        entered += model.outcomes["startups_entered"]
    return entered, model


def test_subsidy_to_startups_funds_startups_and_raises_entry():
    cfg = SubsidyConfig(budget=250.0, eligibility="startups")
    effects = model_with(seed=0, subsidy=cfg).government.act(0)
    assert effects.startup_funding == pytest.approx(250.0)
    assert model_with(seed=0).government.act(0).startup_funding == 0.0
    for seed in (0, 1):
        funded, model = _entrants(cfg, seed)
        base, _ = _entrants(None, seed)
        assert funded > base
        entered = model.firms.entered > 0
        assert entered.sum() == funded and np.all(model.firms.kind[entered] == STARTUP)


# --- 4. public compute -----------------------------------------------------------------------


def test_public_compute_lowers_cost_for_eligible_firms_and_raises_rnd_effort():
    lever = PublicComputeConfig(cost_reduction=0.3, eligibility="startups")
    model = model_with(seed=0, public_compute=lever)
    effects = model.government.act(0)
    firms = model.firms
    who = firms.alive & (firms.region == DOMESTIC) & (firms.kind == STARTUP)
    np.testing.assert_array_equal(effects.cost_reduction[who], 0.3)
    np.testing.assert_array_equal(effects.cost_reduction[~who], 0.0)

    helped = model_with(seed=0, public_compute=lever)
    base = model_with(seed=0)
    helped.step()
    base.step()
    n = who.size
    np.testing.assert_array_equal(helped.firms.alliance[:n], base.firms.alliance[:n])  # same moves
    gain = helped.firms.effort[:n] - base.firms.effort[:n]  # effort of the quarter
    assert np.all(gain[who] > 0)  # exited during the quarter or not, every eligible firm
    np.testing.assert_array_equal(gain[~who], 0.0)
    assert helped.firms.effort.sum() > base.firms.effort.sum()


def test_public_compute_state_share_is_government_spend():
    lever = PublicComputeConfig(cost_reduction=0.3, eligibility="all")
    model = sim.AllianceModel(
        config(ScenarioConfig(public_compute=lever), n_foreign=0, n_initial_alliances=2), seed=0
    )
    base = sim.AllianceModel(config(n_foreign=0, n_initial_alliances=2), seed=0)
    total = 0.0
    for _ in range(3):
        model.step()
        base.step()
        flows = model.flows
        # every firm is eligible: the state pays 30 % of all R&D cost
        assert flows.government_spend == pytest.approx(0.3 * flows.rnd_spend)
        assert flows.government_spend > 0 and base.flows.government_spend == 0.0
        total += flows.government_spend
    assert model.cumulative_spend == pytest.approx(total)

    startups_only = model_with(
        seed=0, public_compute=dataclasses.replace(lever, eligibility="startups")
    )
    startups_only.step()
    flows = startups_only.flows
    assert 0 < flows.government_spend < 0.3 * flows.rnd_spend


# --- 5. open data ----------------------------------------------------------------------------


def _public_beta(model, effects):
    q = quarter.Quarter(
        step=0,
        frontier=model.frontier,
        ceiling=model.frontier,
        params=model.params,
        effects=effects,
        reference_capital=model.reference_capital,
    )
    return quarter.prepare_rnd(model.firms, model.alliances, q).public_beta


def test_open_data_raises_public_spillover_by_its_bonus_and_costs_spend():
    model = model_with(seed=0, open_data=OpenDataConfig(spillover_bonus=0.15, cost=20.0))
    effects = model.government.act(0)
    assert effects.spillover_bonus == 0.15 and effects.spend == 20.0
    plain = neutral(model.firms, model.alliances)
    assert _public_beta(model, effects) == pytest.approx(_public_beta(model, plain) + 0.15)
    # the rate is capped at 1
    effects.spillover_bonus = 1.0
    assert _public_beta(model, effects) == 1.0

    model = model_with(seed=0, open_data=OpenDataConfig(start=1, end=3, cost=20.0))
    spend = []
    for _ in range(4):
        model.step()
        spend.append(model.flows.government_spend)
    assert spend == [0.0, 20.0, 20.0, 0.0]
    assert model.cumulative_spend == 40.0


def test_open_data_raises_what_firms_learn():
    learned, alone = {}, []
    for bonus in (0.0, 0.3):
        model = model_with(seed=0, open_data=OpenDataConfig(spillover_bonus=bonus, cost=0.0))
        before = model.firms.capability.copy()
        model.step()
        learned[bonus] = model.firms.capability[: before.size] - before
        alone.append(model.firms.alive[: before.size] & (model.firms.alliance[: before.size] < 0))
    alone = alone[0] & alone[1]  # firms alone in both runs get more from the public leak
    assert alone.sum() > 50
    assert learned[0.3][alone].sum() > learned[0.0][alone].sum()


# --- 6. sovereign tournament ---------------------------------------------------------------


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


# --- 7. every lever acts only inside its window ---------------------------------------------

WINDOW = {"start": 2, "end": 4}
LEVERS = {
    "mega_alliance": MegaAllianceConfig(**WINDOW, budget=10.0),
    "antitrust": AntitrustConfig(**WINDOW, clarity=0.9, share_cap=0.4, fine_rate=0.1),
    "subsidy": SubsidyConfig(**WINDOW),
    "public_compute": PublicComputeConfig(**WINDOW),
    "open_data": OpenDataConfig(**WINDOW),
    "tournament": TournamentConfig(**WINDOW, consortia=2, finalists=1),
}


@pytest.mark.parametrize("name", sorted(LEVERS))
def test_levers_are_neutral_outside_their_window(name):
    model = model_with(seed=0, **{name: copy.deepcopy(LEVERS[name])})
    government = model.government
    assert len(government.policies) == 1
    clarity = model.params.choice.baseline_clarity
    firms, alliances = model.firms, model.alliances
    for step in range(7):
        effects = government.act(step)
        if WINDOW["start"] <= step < WINDOW["end"]:
            with pytest.raises(AssertionError):
                assert_neutral(effects, firms, alliances, clarity)
        else:
            assert_neutral(effects, firms, alliances, clarity)


# --- fixes found in review: foreign members, expired mandates, the mandate's cap exemption --


def test_state_money_never_goes_to_foreign_members():
    firms, alliances = eligibility_world()  # alliance 0 has foreign member 3
    mega = MegaAllianceMandate(MegaAllianceConfig(budget=90.0, invite_per_domain=1))
    effects = effects_of(mega, firms, alliances)
    firms.alliance[3] = mega.alliance  # a foreign firm joins the mandated alliance
    effects = effects_of(mega, firms, alliances, step=1)
    members = firms.alive & (firms.alliance == mega.alliance)
    assert members[3] and effects.subsidy[3] == 0.0
    np.testing.assert_allclose(effects.subsidy[members & (firms.region == DOMESTIC)], 30.0)

    firms, alliances = eligibility_world()
    lever = SovereignTournament(
        TournamentConfig(consortia=1, finalists=1, funding=90.0, min_members=3)
    )
    effects = effects_of(lever, firms, alliances)
    assert lever.funded == [0]  # the only domestic-led alliance with three members
    assert effects.subsidy[3] == 0.0
    np.testing.assert_allclose(effects.subsidy[[1, 2]], 45.0)


def test_mandated_eligibility_ends_with_the_mandate():
    window = {"start": 1, "end": 3}
    model = model_with(
        seed=0,
        mega_alliance=MegaAllianceConfig(**window),
        subsidy=SubsidyConfig(budget=100.0, eligibility="mandated"),
    )
    paid = []
    for step in range(5):
        effects = model.government.act(step)
        paid.append(effects.subsidy.sum())
    assert paid[0] == 0.0  # no mandate yet
    assert paid[1] == pytest.approx(100.0) and paid[2] == pytest.approx(100.0)
    assert paid[3] == 0.0 and paid[4] == 0.0  # the alliance lives on, unmandated
    assert model.alliances.mandated.any() and model.alliances.active.any()


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
