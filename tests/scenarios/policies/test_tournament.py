"""scenarios.policies.tournament: a call, a shortlist, a selection, reviews to finalists."""

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sim
from scenarios.policies import SovereignTournament
from scenarios.policies.tournament import StageRecord, expected_funding, jury_generator
from sim.config.levers import TournamentConfig, funded_slots
from sim.engine.history import step_of
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
    neutral,
)


def consortia_world(capabilities, extra=True):
    """Domestic-led two-member alliances 0..k-1 of the given mean capabilities; with
    ``extra``, a foreign-led alliance and a one-member one that cannot compete."""
    groups = [(D, [c, c]) for c in capabilities]
    if extra:
        groups += [(F, [0.99, 0.99]), (D, [1.0])]
    rows: list[tuple[Any, ...]] = []
    leaders: list[int] = []
    for a, (region, caps) in enumerate(groups):
        leaders.append(len(rows))
        for i, cap in enumerate(caps):
            rows.append((C, region if i == 0 else D, a % 7, cap, 100, a, True))
    return hand_firms(rows), hand_alliances([OPEN] * len(groups), leaders)


def paid_alliances(effects, firms):
    return sorted(set(firms.alliance[effects.subsidy > 0].tolist()))


# 20 consortia, alliance a of mean capability 0.9 - 0.02 a: the lower row is the better.
TWENTY = [0.9 - 0.02 * a for a in range(20)]


def test_without_the_jury_error_only_consortia_ranked_within_the_selection_apply():
    cfg = TournamentConfig(jury_noise=0.0)  # Korea's programme, a deterministic ranking
    assert cfg.stages == [[5, 15], [6, 10], [6, 5], [7, 4], [9, 4], [11, 2]]
    lever = SovereignTournament(cfg)
    firms, alliances = consortia_world(TWENTY)
    counts, paid = [], {}
    for step in range(cfg.end):
        effects = effects_of(lever, firms, alliances, step)
        counts.append(lever.consortia(step))
        paid[step] = paid_alliances(effects, firms)
        assert effects.subsidy.sum() == pytest.approx(cfg.funding * len(paid[step]))
    # ranks 1-2 are funded in all 10 quarters, 3-4 in the 5 up to 2026 Q3, 5 in the
    # selection's quarter only; from rank 6 on nothing: the cuts rank by score alone
    f = cfg.funding
    assert lever.expected_at_call == pytest.approx([10 * f] * 2 + [5 * f] * 2 + [f] + [0.0] * 15)
    assert counts == [0] * 5 + [5, 5, 4, 4, 4, 4] + [2] * 5
    assert [(r.quarter, r.stage, r.asked, r.kept) for r in lever.record] == [
        (5, "application", 15, 5),  # the real 15 cannot apply: ranks 6-15 expect nothing
        (6, "shortlist", 10, 5),
        (6, "selection", 5, 5),
        (7, "review", 4, 4),
        (9, "review", 4, 4),
        (11, "review", 2, 2),
    ]
    assert lever.eligible_at_call == 20 and lever.selected_at == 6
    assert paid[5] == []  # applicants are not paid before the selection
    assert paid[6] == [0, 1, 2, 3, 4] and paid[7] == [0, 1, 2, 3] and paid[11] == [0, 1]
    for a in paid[11]:  # each consortium's money is shared by its two domestic members
        np.testing.assert_allclose(effects.subsidy[firms.alliance == a], cfg.funding / 2)


def test_with_the_jury_error_lower_ranks_apply_on_their_odds():
    # Korea's programme at a fixed jury error (the default is calibrated and may move)
    cfg = TournamentConfig(jury_noise=0.03)
    lever = SovereignTournament(cfg)
    firms, alliances = consortia_world(TWENTY)
    rng = np.random.default_rng(7)
    state = rng.bit_generator.state
    for step in range(cfg.end):
        lever.restructure(step, firms, alliances, rng)
        lever.apply(step, firms, alliances, neutral(firms, alliances), rng)
    assert rng.bit_generator.state == state  # the jury draws from its own stream
    expected = np.array(lever.expected_at_call)
    # funding x P(still in), summed over the 10 funded quarters: below the deterministic
    # 138 for the first, above 0 for ranks 6-8 (the jury may put them in), falling with rank
    assert expected[0] < 10 * cfg.funding and np.all(expected[5:8] > cfg.application_cost)
    assert np.all(np.diff(expected[:12]) < 0) and np.all(expected[8:] <= cfg.application_cost)
    # every place is somebody's: the odds of the 20 sum to the places of each quarter
    assert expected.sum() == pytest.approx(cfg.funding * funded_slots(cfg).sum())
    assert lever.applying_at_call == 8 == int((expected > cfg.application_cost).sum())
    assert [r.kept for r in lever.record] == [8, 8, 5, 4, 4, 2]
    assert set(lever.entrants) <= set(range(8))  # finalists among the applicants
    # the jury: one error per eligible consortium, by row, the same for the same seed
    assert sorted(lever.jury) == list(range(20))
    errors = cfg.jury_noise * jury_generator(np.random.default_rng(7)).standard_normal(20)
    np.testing.assert_allclose([lever.jury[a] for a in range(20)], errors)
    finalists = sorted(range(8), key=lambda a: -(TWENTY[a] + lever.jury[a]))[:2]
    assert sorted(lever.entrants) == sorted(finalists)


def test_the_jury_is_fixed_by_the_seed_whoever_spawned_from_it():
    seed = np.random.SeedSequence(0).spawn(3)[1]
    first = jury_generator(np.random.default_rng(seed)).standard_normal(4)
    seed.spawn(2)  # children spawned from the same object do not move the jury
    again = jury_generator(np.random.default_rng(seed)).standard_normal(4)
    np.testing.assert_array_equal(first, again)
    other = jury_generator(np.random.default_rng(np.random.SeedSequence(0).spawn(3)[2]))
    assert not np.allclose(other.standard_normal(4), first)


def test_default_stages_fall_at_the_programmes_dates_in_korea_2024():
    # call, shortlist, selection, first review, then every six months (docs in the config)
    dates = ["2025-06", "2025-07", "2025-08", "2025-12", "2026-06", "2026-12"]
    quarters = [quarter for quarter, _ in TournamentConfig().stages]
    assert quarters == [step_of(date, 2024) for date in dates]


def test_stages_cut_on_the_scores_of_the_day():
    cfg = TournamentConfig(stages=[[0, 4], [1, 3], [2, 2]], selection_stage=1, end=4, jury_noise=0)
    lever = SovereignTournament(cfg)
    firms, alliances = consortia_world([0.9, 0.8, 0.7, 0.6, 0.5])
    effects_of(lever, firms, alliances, 0)
    assert lever.entrants == [0, 1, 2]  # ranks 4 and 5 would never be funded: they stay out
    firms.capability[firms.alliance == 0] = 0.1  # alliance 0 falls behind
    firms.capability[firms.alliance == 4] = 0.95  # too late: 4 did not apply
    effects_of(lever, firms, alliances, 1)
    assert lever.funded == [1, 2, 0]  # the selection keeps 3, best first
    effects_of(lever, firms, alliances, 2)
    assert lever.funded == [1, 2]  # the first at the call is cut on the scores of the day


def test_fewer_eligible_consortia_than_a_stage_asks_for_are_kept_not_invented():
    lever = SovereignTournament(TournamentConfig(jury_noise=0.0))  # the best two are kept
    firms, alliances = consortia_world([0.9, 0.8, 0.7])
    spend = [effects_of(lever, firms, alliances, t).subsidy.sum() for t in range(16)]
    assert lever.eligible_at_call == 3
    assert [(r.stage, r.asked, r.kept) for r in lever.record] == [
        ("application", 15, 3),
        ("shortlist", 10, 3),
        ("selection", 5, 3),
        ("review", 4, 3),
        ("review", 4, 3),
        ("review", 2, 2),
    ]
    assert [lever.consortia(t) for t in range(16)] == [0] * 5 + [3] * 6 + [2] * 5
    assert lever.funded == [0, 1]  # alliance rows that exist, nothing else
    np.testing.assert_allclose(spend, [0.0] * 6 + [41.4] * 5 + [27.6] * 5)


def test_no_eligible_consortium_leaves_the_tournament_empty():
    lever = SovereignTournament(TournamentConfig())
    firms, alliances = consortia_world([0.9, 0.8])
    firms.region[alliances.leader] = FOREIGN
    spend = [effects_of(lever, firms, alliances, t).subsidy.sum() for t in range(16)]
    assert lever.eligible_at_call == 0 and lever.record[0] == StageRecord(5, "application", 15, 0)
    assert max(lever.consortia(t) for t in range(16)) == 0 and sum(spend) == 0.0


def test_expected_funding_counts_the_funded_quarters_a_rank_is_within_the_places():
    base: dict[str, Any] = {
        "stages": [[0, 3], [1, 2], [3, 1]],
        "selection_stage": 1,
        "end": 5,
        "funding": 10.0,
    }
    cfg = TournamentConfig(**base, jury_noise=0.0)
    np.testing.assert_array_equal(funded_slots(cfg), [2, 2, 1, 1])  # quarters 1 to 4
    # ranks 1, 2 (cut at quarter 3) and 3 (shortlisted at the call, never selected)
    np.testing.assert_allclose(expected_funding(cfg, np.array([0.9, 0.8, 0.7])), [40, 20, 0])
    noisy = expected_funding(TournamentConfig(**base, jury_noise=0.1), np.array([0.9, 0.8, 0.7]))
    assert 40 > noisy[0] > noisy[1] > noisy[2] > 0  # the third may be placed by the jury
    assert noisy.sum() == pytest.approx(10.0 * 6)  # the 6 funded places are somebody's


@pytest.mark.parametrize("margin", [-0.01, 0.01])
def test_a_consortium_applies_when_its_rank_pays_more_than_the_cost(margin):
    base: dict[str, Any] = {
        "stages": [[0, 3], [1, 2], [3, 1]],
        "selection_stage": 1,
        "end": 5,
        "funding": 10.0,
    }
    base["jury_noise"] = 0.0
    means = np.array([0.9, 0.8, 0.7, 0.6])
    second = expected_funding(TournamentConfig(**base), means)[1]  # 20: quarters 1 and 2
    lever = SovereignTournament(TournamentConfig(**base, application_cost=second + margin))
    firms, alliances = consortia_world(means.tolist())
    spend = [effects_of(lever, firms, alliances, t).subsidy.sum() for t in range(5)]
    assert lever.eligible_at_call == 4
    assert lever.expected_at_call == pytest.approx([40.0, 20.0, 0.0, 0.0])
    if margin > 0:  # the second's rank no longer pays the cost: only the first applies
        assert lever.entrants == [0] and lever.record[0].kept == 1
        assert spend == pytest.approx([0, 10, 10, 10, 10])
    else:  # ranks 1 and 2 apply; ranks 3 and 4 (eligible, 0 expected) do not
        assert lever.record[0].kept == 2 and spend == pytest.approx([0, 20, 20, 10, 10])


def test_a_consortium_that_dissolves_leaves_the_tournament_for_good():
    cfg = TournamentConfig(stages=[[0, 3], [5, 2]], selection_stage=0, end=8, funding=60.0)
    lever = SovereignTournament(cfg)
    firms, alliances = consortia_world([0.85, 0.7, 0.55, 0.4])
    assert paid_alliances(effects_of(lever, firms, alliances, 0), firms) == [0, 1, 2]
    alliances.active[1] = False
    firms.alliance[firms.alliance == 1] = NO_ALLIANCE
    assert paid_alliances(effects_of(lever, firms, alliances, 1), firms) == [0, 2]
    # it does not come back, and the vacancy is not refilled by the next best (3)
    alliances.active[1] = True
    firms.alliance[[2, 3]] = 1
    effects = effects_of(lever, firms, alliances, 2)
    assert lever.funded == [0, 2] and effects.subsidy.sum() == pytest.approx(120.0)
    assert lever.consortia(2) == 2


@given(
    caps=st.lists(st.floats(0.05, 1.0), min_size=1, max_size=12),
    keeps=st.lists(st.integers(1, 12), min_size=1, max_size=6),
    gaps=st.lists(st.integers(0, 2), min_size=6, max_size=6),
    selection=st.integers(0, 5),
    shocks=st.lists(st.tuples(st.integers(0, 11), st.floats(0.0, 1.0)), max_size=20),
    dissolve=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=3),
)
def test_funded_set_only_shrinks_after_selection(caps, keeps, gaps, selection, shocks, dissolve):
    keeps = sorted(keeps, reverse=True)
    quarters = np.cumsum(gaps[: len(keeps)]).tolist()
    cfg = TournamentConfig(
        stages=[[q, k] for q, k in zip(quarters, keeps, strict=True)],
        selection_stage=min(selection, len(keeps) - 1),
        end=quarters[-1] + 3,
    )
    lever = SovereignTournament(cfg)
    firms, alliances = consortia_world(caps)
    before = None
    for step in range(cfg.end):
        a, cap = shocks[step % len(shocks)] if shocks else (0, caps[0])
        firms.capability[firms.alliance == a] = cap  # scores move between quarters
        for when, gone in dissolve:
            if when == step and gone < len(caps):
                alliances.active[gone] = False
        effects = effects_of(lever, firms, alliances, step)
        funded = set(lever.funded)
        assert funded == set(paid_alliances(effects, firms))
        assert funded <= set(range(len(caps)))  # only consortia that exist
        if step >= quarters[0]:  # never more than the last stage run allows
            assert lever.consortia(step) <= min(k for q, k in cfg.stages if q <= step)
        if before is not None:
            assert funded <= before
        if lever.selected_at is not None:
            before = funded


def test_tournament_in_a_model_pays_the_selected_from_the_selection_on():
    cfg = TournamentConfig(
        start=1, stages=[[1, 4], [2, 3], [4, 1]], selection_stage=1, end=7, funding=50.0
    )
    model = model_with(seed=0, tournament=cfg)
    (lever,) = model.government.policies
    spend, funded = [], []
    for _ in range(7):
        model.step()
        spend.append(model.flows.government_spend)
        funded.append(len(lever.funded))
    assert lever.selected_at == 2 and lever.record[0].kept >= 2
    assert spend[:2] == [0.0, 0.0] and funded[:2] == [0, 0]
    np.testing.assert_allclose(spend[2:], 50.0 * np.array(funded[2:]))
    assert 1 <= funded[2] <= 3 and funded[-1] <= 1


def test_the_call_is_announced_announce_lead_quarters_before_the_application():
    cfg = TournamentConfig(start=3, announce_lead=2)  # default stages: the call at quarter 5
    lever = SovereignTournament(cfg)
    assert cfg.announced == 3
    firms, alliances = consortia_world([0.9, 0.8])
    calls, records = [], []
    for t in range(7):
        calls.append(effects_of(lever, firms, alliances, t).call)
        records.append(len(lever.record))
    assert [c is not None for c in calls] == [False, False, False, True, True, False, False]
    assert records == [0, 0, 0, 0, 0, 1, 3]  # an announcement runs no stage
    call = calls[3]
    assert (call.step, call.announced, call.application) == (3, 3, 5)
    np.testing.assert_array_equal(call.quarters, np.arange(6, cfg.end))
    np.testing.assert_array_equal(call.places, funded_slots(cfg))
    assert (call.funding, call.cost, call.min_members) == (cfg.funding, 0.5, 2)
    assert lever.consortia(3) == lever.consortia(4) == 0
    silent = SovereignTournament(TournamentConfig(start=3, announce_lead=0))
    assert all(effects_of(silent, firms, alliances, t).call is None for t in range(7))
    assert TournamentConfig(start=4).announced == 4  # never before the lever's window


@pytest.mark.parametrize("seed", [0, 1])
def test_the_call_raises_the_consortia_eligible_at_it(seed):
    """Firms form consortia for the call: more are eligible at it than in the same world
    (same seed) where firms learn of the call only when it opens."""
    eligible = []
    for lead in (2, 0):
        cfg = TournamentConfig(
            start=1, stages=[[3, 15], [4, 5], [6, 2]], selection_stage=1, end=8, announce_lead=lead
        )
        model = model_with(seed=seed, tournament=cfg)
        for _ in range(4):  # quarters 0-3: the application at the start of quarter 3
            model.step()
        (lever,) = model.government.policies
        eligible.append(lever.eligible_at_call)
    announced, silent = eligible
    assert announced > silent


# The jury error this test assumes: re-calibrated 2026-12-06 after founders decided in order,
# invited their prospects and every domestic firm heard the call (docs/model.md 6.10 and
# finding 52; 0.06 before)
JURY_NOISE = 0.12


@pytest.mark.parametrize(
    ("index", "kept", "eligible"),
    [
        pytest.param(0, [15, 10, 5, 4, 4, 2], 19, marks=pytest.mark.slow),  # 4 s: CI
        (1, [15, 10, 5, 4, 4, 2], 16),
        (2, [15, 10, 5, 4, 4, 2], 15),
    ],
)
def test_korea_2024_stage_counts_under_the_jury_error(index, kept, eligible):
    """Measured 2026-12-06 on seeds 0-2 of SeedSequence(0).spawn(16) (docs/model.md 6.10,
    finding 52): consortia ranked below the selection expect a share of the prize, so more
    than the selection's 5 apply, and every eligible consortium applies. On the 16 seeds
    15-21 would apply (mean 18.2). The history of this pin (jury errors 0.03 to 0.06, 9-12
    of 16 seeds with the whole path) is in docs/model.md 6.10."""
    cfg = sim.compose(["world=korea_2024", "scenario=sovereign_tournament", "steps=12"])
    assert cfg.scenario.tournament.jury_noise == JURY_NOISE  # the pins below are for it
    seed = np.random.SeedSequence(0).spawn(16)[index]
    model = sim.AllianceModel(cfg, seed=seed)
    for _ in range(12):  # through 2026 Q4, the last review
        model.step()
    (lever,) = model.government.policies
    assert [r.kept for r in lever.record] == kept
    assert lever.eligible_at_call == eligible == len(lever.expected_at_call)
    expected = np.array(lever.expected_at_call)
    assert lever.applying_at_call == int(
        (expected > cfg.scenario.tournament.application_cost).sum()
    )
    assert lever.applying_at_call > 5  # ranks below the selection's 5 apply on their odds


@pytest.mark.slow  # about 20 s: CI (make test-slow)
def test_the_reported_path_in_every_seed():
    """Issue 11's acceptance: 15 -> 10 -> 5 -> 4 -> 2 consortia at the real dates (the lever's
    stages: the 2025 Q2 call, shortlist, selection, reviews, finalists by 2026 Q4) in each of
    16 seeds the jury's error was not calibrated on (16-31 of SeedSequence(0).spawn(32);
    measured 2026-12-06: 15-22 would apply). After the call the counts are the lever's keeps,
    so this checks that at least 15 consortia would apply (finding 52)."""
    cfg = sim.compose(["world=korea_2024", "scenario=sovereign_tournament", "steps=12"])
    paths = []
    for seed in np.random.SeedSequence(0).spawn(32)[16:]:
        model = sim.AllianceModel(cfg, seed=seed)
        for _ in range(12):
            model.step()
        (lever,) = model.government.policies
        paths.append([r.kept for r in lever.record])
    assert paths == [[15, 10, 5, 4, 4, 2]] * 16
