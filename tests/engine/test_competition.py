"""Competition policy (docs/model.md 6.8): safe harbour, clarity, collusion, enforcement."""

import inspect

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine import competition as comp
from sim.engine import markets
from sim.engine.markets import N_DOMAINS, N_MARKETS
from sim.engine.state import NO_ALLIANCE

FAST = settings(max_examples=40, deadline=None)
SH, COOP, S_COLL, T_CD, MU = 0.25, 0.02, 0.30, 8, 0.3  # s_SH, phi_coop, s_coll, T_cd, mu
DEFAULT = {"detection": 0.04, "fine_rate": 0.10, "fine_base_quarters": 4.0, "max_uplift": 0.10}
STRONG = {**DEFAULT, "detection": 0.1, "fine_rate": 0.2}
DOMESTIC = markets.market_geography(np.arange(N_MARKETS)) == markets.DOMESTIC_MARKET
LAMBDA_0, LAMBDA_LEV = 10.56, 14.39  # horizon multipliers at the defaults (docs/model.md 6.2)
shares_01 = st.floats(0.0, 1.0)


def random_world(seed, n_firms=15, n_alliances=4):
    """Seller rows of random firms (some alone), shares with an outside good, market sizes."""
    rng = np.random.default_rng(seed)
    presence = rng.integers(0, 2**N_DOMAINS, n_firms)
    firm, market = markets.seller_rows(
        presence, np.ones(n_firms, bool), rng.integers(0, 7, n_firms)
    )
    alliance = rng.integers(NO_ALLIANCE, n_alliances, n_firms) if n_alliances else -np.ones(n_firms)
    weight = rng.uniform(0.0, 1.0, firm.size) * rng.uniform(0.1, 5.0, n_firms)[firm]
    outside = rng.uniform(0.05, 2.0, N_MARKETS)
    share = weight / (np.bincount(market, weights=weight, minlength=N_MARKETS) + outside)[market]
    size = rng.uniform(50.0, 2000.0, N_MARKETS)
    return {
        "share": share,
        "revenue": share * size[market],
        "market": market,
        "alliance_of_row": alliance.astype(np.int64)[firm],
        "n_alliances": n_alliances,
        "size": size,
        "exempt": rng.random(n_alliances) < 0.3,
    }


def quarter(w, enforcement, rng, cooldown=None):
    """One quarter of 6.8 in the documented order; returns every output."""
    g = comp.alliance_market_shares(
        w["share"], w["revenue"], w["market"], w["alliance_of_row"], w["n_alliances"], N_MARKETS
    )
    cooldown = np.zeros(N_MARKETS, np.int64) if cooldown is None else cooldown
    colluding = comp.collusion_decision(
        g.share, g.sellers, S_COLL, **enforcement, cooldown_left=cooldown, domestic=DOMESTIC
    )
    cell = comp.row_cell(w["market"], w["alliance_of_row"], N_MARKETS)
    uplift = comp.margin_uplift(g.share, enforcement["max_uplift"])
    challenge = comp.challenge_probability(
        g.share, colluding, w["exempt"], DOMESTIC, enforcement["detection"], SH
    )
    detected, challenged = comp.enforcement_draws(
        colluding, challenge, enforcement["detection"], rng
    )
    L = enforcement["fine_base_quarters"]
    return {
        "groups": g,
        "colluding": colluding,
        "challenge": challenge,
        "detected": detected,
        "challenged": challenged,
        "margin": comp.row_margin(MU, cell, colluding, uplift),
        "collusion_fines": comp.member_fines(
            w["revenue"], cell, detected, enforcement["fine_rate"], L
        ),
        "cooperation_fines": comp.member_fines(w["revenue"], cell, challenged, COOP, L),
        "harm": comp.collusion_harm(g.share, g.revenue, colluding, enforcement["max_uplift"]),
        "risk": comp.collusion_risk(g.share, colluding, w["size"], DOMESTIC),
        "cooldown": comp.update_cooldown(cooldown, detected, T_CD),
    }


def hand_world(first_share=0.2):
    """Domestic market of domain 0: alliance 0 with two sellers of 0.2 each (S = 0.4),
    alliance 1 with one seller of 0.35, a firm alone with 0.1; the same firms abroad."""
    share = np.array([first_share, 0.2, 0.35, 0.1] * 2)
    market = np.array([0] * 4 + [N_DOMAINS] * 4)
    size = np.full(N_MARKETS, 100.0)
    size[0] = 400.0
    return {
        "share": share,
        "revenue": share * size[market],
        "market": market,
        "alliance_of_row": np.array([0, 0, 1, NO_ALLIANCE] * 2),
        "n_alliances": 2,
        "size": size,
        "exempt": np.array([False, True]),
    }


# --- the requirements -------------------------------------------------------------


def test_weak_enforcement_above_the_threshold_colludes_and_strong_enforcement_deters():
    weak = quarter(hand_world(), DEFAULT, np.random.default_rng(0))
    assert weak["colluding"][0, 0] and weak["colluding"].sum() == 1  # S = 0.4 >= 0.3 > 0.16
    # harm = Delta mu_max S R_A = 0.1 * 0.4 * (0.4 * 400); risk = M_0 S / sum_dom M
    assert weak["harm"] == pytest.approx(0.1 * 0.4 * 160.0)
    assert weak["risk"] == pytest.approx(400.0 * 0.4 / (400.0 + 6 * 100.0))
    np.testing.assert_allclose(weak["margin"], [MU + 0.04, MU + 0.04, MU, MU, MU, MU, MU, MU])
    strong = quarter(hand_world(), STRONG, np.random.default_rng(0))
    assert not strong["colluding"].any()  # 0.4 < deterrence share 0.8
    assert strong["harm"] == 0.0 and strong["risk"] == 0.0
    np.testing.assert_array_equal(strong["margin"], MU)


@given(shares_01, st.integers(2, 9))
def test_collusion_happens_exactly_where_threshold_and_deterrence_are_crossed(s, sellers):
    for enforcement, bar in ((DEFAULT, S_COLL), (STRONG, 0.8)):
        decided = comp.collusion_decision(
            [[s]], [[sellers]], S_COLL, **enforcement, cooldown_left=[0], domestic=[True]
        )
        if abs(s - bar) > 1e-9:
            assert decided[0, 0] == (s > bar)


def test_clarity_does_not_enter_the_collusion_rules():
    for rule in (comp.collusion_decision, comp.challenge_probability, comp.enforcement_draws):
        assert "clarity" not in inspect.signature(rule).parameters
    # In AT the collusion term is the same at every clarity: only the cooperation term moves.
    share, revenue = np.array([[0.2, 0.5]]), np.array([[30.0, 70.0]])
    args = (LAMBDA_0, LAMBDA_LEV, 0.04, SH, COOP, 0.10, 4.0, 0.10)

    def at(colludes, c):
        return comp.expected_antitrust_cost(share, revenue, colludes, c, *args)[0]

    colludes, legit = np.array([[False, True]]), np.zeros((1, 2), bool)
    for c in (0.0, 0.3, 0.9):
        assert at(colludes, c) - at(legit, c) == pytest.approx(at(colludes, 1.0) - at(legit, 1.0))


@given(st.floats(0.0, SH), st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_clarity_lowers_the_perceived_risk_inside_the_safe_harbour(s, c1, c2):
    low, high = sorted((c1, c2))
    p_low, p_high = (comp.perceived_challenge(s, c, 0.04, SH) for c in (low, high))
    assert p_high <= p_low
    if s > 0 and high - low > 1e-6:
        assert p_high < p_low
    assert comp.perceived_challenge(s, 1.0, 0.04, SH) == 0.0


# --- harbour and perceived challenge -------------------------------------------------------


@given(shares_01, shares_01, st.floats(0.0, 1.0), st.floats(0.0, 0.9))
def test_psi_and_p_hat_properties(s1, s2, c, sh):
    lo, hi = sorted((s1, s2))
    psi = comp.harbour_excess([lo, hi], sh)
    assert 0.0 <= psi[0] <= psi[1] <= 1.0 + 1e-12
    assert (psi[0] == 0.0) == (lo <= sh)
    p_hat = comp.perceived_challenge([lo, hi], c, 0.04, sh)
    assert 0.0 <= p_hat[0] <= p_hat[1] + 1e-15
    np.testing.assert_allclose(comp.perceived_challenge([lo, hi], 1.0, 0.04, sh), 0.04 * psi)
    np.testing.assert_allclose(comp.perceived_challenge(hi, 0.0, 0.04, sh), 0.04 * hi)
    assert comp.perceived_challenge(hi, c, 0.04, sh) <= 0.04 * hi + 1e-15  # Psi(S) <= S


def test_psi_hand_values():
    np.testing.assert_allclose(comp.harbour_excess([0.0, 0.25, 0.4, 1.0], SH), [0, 0, 0.2, 1])
    assert comp.perceived_challenge(0.4, 0.3, 0.04, SH) == pytest.approx(0.04 * (0.06 + 0.28))


# --- deterrence and the decision -----------------------------------------------------------


def test_deterrence_share_hand_values():
    assert comp.deterrence_share(**DEFAULT) == pytest.approx(0.16)
    assert comp.deterrence_share(**STRONG) == pytest.approx(0.8)
    assert comp.deterrence_share(**{**DEFAULT, "max_uplift": 0.0}) == np.inf
    assert comp.margin_uplift(0.4, 0.1) == pytest.approx(0.04)


@given(shares_01, st.integers(0, 1))
def test_a_single_seller_never_colludes(s, sellers):
    decided = comp.collusion_decision(
        [[s]], [[sellers]], 0.0, **{**DEFAULT, "detection": 0.0}, cooldown_left=[0], domestic=[1]
    )
    assert not decided.any()


def test_rest_of_world_markets_are_never_colluded_in():
    share, sellers = np.full((3, N_MARKETS), 0.9), np.full((3, N_MARKETS), 5)
    decided = comp.collusion_decision(
        share, sellers, S_COLL, **DEFAULT, cooldown_left=np.zeros(N_MARKETS), domestic=DOMESTIC
    )
    assert decided[:, DOMESTIC].all() and not decided[:, ~DOMESTIC].any()
    w = random_world(3)
    w["share"][:] = 0.9  # every cell far above the threshold
    out = quarter(w, DEFAULT, np.random.default_rng(1))
    assert not out["colluding"][:, ~DOMESTIC].any() and out["colluding"].any()
    assert not out["challenge"][:, ~DOMESTIC].any()


def test_cooldown_bars_the_market_for_exactly_t_cd_quarters():
    w = hand_world()
    detected = np.zeros((2, N_MARKETS), bool)
    detected[1, 0] = True  # any alliance's detection bars the market
    cooldown = comp.update_cooldown(np.zeros(N_MARKETS, np.int64), detected, T_CD)
    assert cooldown[0] == T_CD and cooldown[1:].sum() == 0
    barred = []
    for _ in range(T_CD + 2):
        out = quarter(w, {**DEFAULT, "detection": 0.0}, np.random.default_rng(0), cooldown)
        barred.append(not out["colluding"][0, 0])
        cooldown = out["cooldown"]
    assert barred == [True] * T_CD + [False, False]
    per_cell = comp.update_cooldown([[0, 3]], [[True, False]], T_CD)
    np.testing.assert_array_equal(per_cell, [[T_CD, 2]])


# --- group sums ------------------------------------------------------------------------------


def slow_groups(w):
    """S_{A,m}, R_{A,m} and sellers, summed row by row in Python."""
    shape = (w["n_alliances"], N_MARKETS)
    share, revenue, sellers = np.zeros(shape), np.zeros(shape), np.zeros(shape, int)
    for r in range(w["share"].size):
        a, m = w["alliance_of_row"][r], w["market"][r]
        if a != NO_ALLIANCE:
            share[a, m] += w["share"][r]
            revenue[a, m] += w["revenue"][r]
            sellers[a, m] += 1
    return share, revenue, sellers


@pytest.mark.parametrize("n_alliances", [0, 1, 4, 9])
@pytest.mark.parametrize("seed", range(4))
def test_group_sums_equal_the_slow_reference(seed, n_alliances):
    w = random_world(seed, n_alliances=n_alliances)
    g = quarter(w, DEFAULT, np.random.default_rng(seed))["groups"]
    share, revenue, sellers = slow_groups(w)
    np.testing.assert_allclose(g.share, share, atol=1e-12)
    np.testing.assert_allclose(g.revenue, revenue, rtol=1e-12, atol=1e-9)
    np.testing.assert_array_equal(g.sellers, sellers)
    relevant = markets.domestic_relevant_shares(
        w["share"], w["market"], np.arange(w["share"].size), w["alliance_of_row"], n_alliances
    )[1]
    np.testing.assert_allclose(g.share[:, DOMESTIC], relevant, atol=1e-12)


# --- draws, fines and margins ----------------------------------------------------------------


def test_draws_are_reproducible_and_independent_of_who_colludes():
    rng = np.random.default_rng(11)
    colluding = rng.random((5, N_MARKETS)) < 0.5
    challenge = rng.uniform(0.0, 0.5, (5, N_MARKETS))
    everyone = np.ones_like(colluding)
    a, b, c = (np.random.default_rng(7) for _ in range(3))
    det_a, ch_a = comp.enforcement_draws(colluding, challenge, 0.3, a)
    det_b, _ = comp.enforcement_draws(colluding, challenge, 0.3, b)
    det_c, ch_c = comp.enforcement_draws(everyone, challenge, 0.3, c)
    np.testing.assert_array_equal(det_a, det_b)
    np.testing.assert_array_equal(det_a, det_c & colluding)
    np.testing.assert_array_equal(ch_a, ch_c)
    d = np.random.default_rng(7)
    det_d, ch_d = comp.enforcement_draws(~everyone, challenge, 0.3, d)
    assert not det_d.any()
    np.testing.assert_array_equal(ch_d, ch_c)
    assert a.random() == c.random() == d.random()  # as many draws whoever colludes
    u = np.random.default_rng(7).random((2, 5, N_MARKETS))  # the documented order
    np.testing.assert_array_equal(det_c, u[0] < 0.3)
    np.testing.assert_array_equal(ch_c, u[1] < challenge)


def test_detection_frequency_is_p():
    detected, challenged = comp.enforcement_draws(
        np.ones((400, 50), bool), np.full((400, 50), 0.1), 0.04, np.random.default_rng(5)
    )
    assert detected.mean() == pytest.approx(0.04, abs=0.005)
    assert challenged.mean() == pytest.approx(0.1, abs=0.01)


def test_fines_by_hand_and_cap_exempt_alliances_are_never_challenged():
    w = hand_world(first_share=0.3)  # alliance 0: S = 0.5; alliance 1 (exempt): S = 0.35
    share = np.array([[0.5, 0.0], [0.35, 0.0]])
    colluding = np.zeros((2, 2), bool)
    exempt = np.array([False, True])
    domestic = np.array([True, False])
    challenge = comp.challenge_probability(share, colluding, exempt, domestic, 0.04, SH)
    np.testing.assert_allclose(challenge, [[0.04 * 0.25 / 0.75, 0.0], [0.0, 0.0]])
    assert comp.challenge_probability(share, ~colluding, ~exempt, domestic, 0.04, SH).sum() == 0
    cell = comp.row_cell(w["market"][:4], w["alliance_of_row"][:4], 2)
    np.testing.assert_array_equal(cell, [0, 0, 2, comp.NO_CELL])
    everything = np.ones((2, 2), bool)
    coll = comp.member_fines(w["revenue"][:4], cell, everything, 0.1, 4.0)
    np.testing.assert_allclose(coll, [0.4 * 120.0, 0.4 * 80.0, 0.4 * 140.0, 0.0])
    coop = comp.member_fines(w["revenue"][:4], cell, [[True, False], [False, False]], COOP, 4.0)
    np.testing.assert_allclose(coop, [0.08 * 120.0, 0.08 * 80.0, 0.0, 0.0])


@pytest.mark.parametrize("seed", range(6))
def test_fines_and_margins_follow_the_draws_row_by_row(seed):
    w = random_world(seed)
    w["share"] *= 3.0  # push some cells over the threshold (shares may pass 1: still finite)
    w["revenue"] *= 3.0
    out = quarter(w, {**DEFAULT, "detection": 0.5}, np.random.default_rng(seed))
    for r in range(w["share"].size):
        a, m, rev = w["alliance_of_row"][r], w["market"][r], w["revenue"][r]
        colludes = a != NO_ALLIANCE and out["colluding"][a, m]
        detected = a != NO_ALLIANCE and out["detected"][a, m]
        challenged = a != NO_ALLIANCE and out["challenged"][a, m]
        S = out["groups"].share[a, m] if a != NO_ALLIANCE else 0.0
        assert out["margin"][r] == pytest.approx(MU + (0.1 * S if colludes else 0.0))
        assert out["collusion_fines"][r] == pytest.approx(0.4 * rev if detected else 0.0)
        assert out["cooperation_fines"][r] == pytest.approx(0.08 * rev if challenged else 0.0)
        if a != NO_ALLIANCE and w["exempt"][a]:
            assert out["cooperation_fines"][r] == 0.0
    assert not (out["detected"] & ~out["colluding"]).any()
    assert not (out["challenged"] & out["colluding"]).any()


# --- membership term AT ---------------------------------------------------------------------


def test_expected_antitrust_cost_by_hand():
    share = np.array([[0.4, 0.2], [0.4, 0.2], [0.0, 0.0]])
    revenue = np.array([[50.0, 20.0]] * 3)
    colludes = np.array([[False, False], [True, False], [False, False]])
    args = (0.3, LAMBDA_0, LAMBDA_LEV, 0.04, SH, COOP, 0.10, 4.0, 0.10)
    at = comp.expected_antitrust_cost(share, revenue, colludes, *args)
    p_hat = 0.04 * np.array([0.3 * 0.2 + 0.7 * 0.4, 0.7 * 0.2])  # Psi(0.4) = 0.2, Psi(0.2) = 0
    fines = LAMBDA_0 * (p_hat * 0.02 * 4.0 * revenue[0]).sum()
    collusion = LAMBDA_LEV * (0.1 * 0.4 - 0.04 * 0.1 * 4.0) * 50.0
    np.testing.assert_allclose(at, [fines, fines - collusion, 0.0])
    exempt = comp.expected_antitrust_cost(share, revenue, colludes, *args, exempt=True)
    np.testing.assert_allclose(exempt, [0.0, -collusion, 0.0])
    clear = comp.expected_antitrust_cost(
        share[:, 1:], revenue[:, 1:], colludes[:, 1:], 1.0, *args[1:]
    )
    np.testing.assert_array_equal(clear, 0.0)  # inside the harbour, c = 1: no fear


@pytest.mark.parametrize("seed", range(3))
def test_expected_antitrust_cost_equals_the_formula_pair_by_pair(seed):
    rng = np.random.default_rng(seed)
    share, revenue = rng.uniform(0, 1, (9, N_DOMAINS)), rng.uniform(0, 80, (9, N_DOMAINS))
    colludes, clarity = rng.random((9, N_DOMAINS)) < 0.4, rng.uniform(0, 1, (9, 1))
    lev = rng.uniform(5, 20, N_DOMAINS)
    at = comp.expected_antitrust_cost(
        share, revenue, colludes, clarity, LAMBDA_0, lev, 0.04, SH, COOP, 0.1, 4.0, 0.1
    )
    for k in range(9):
        expected = 0.0
        for m in range(N_DOMAINS):
            s, c, r = share[k, m], clarity[k, 0], revenue[k, m]
            p_hat = 0.04 * (c * max(0.0, (s - SH) / (1 - SH)) + (1 - c) * s)
            expected += LAMBDA_0 * p_hat * COOP * 4.0 * r
            if colludes[k, m]:
                expected -= lev[m] * (0.1 * s - 0.04 * 0.1 * 4.0) * r
        assert at[k] == pytest.approx(expected)


# --- every output finite -------------------------------------------------------------------


@FAST
@given(st.integers(0, 2**32 - 1), st.integers(1, 30), st.integers(0, 6), st.booleans())
def test_every_output_is_finite_and_bounded(seed, n_firms, n_alliances, strong):
    w = random_world(seed, n_firms, n_alliances)
    enforcement = STRONG if strong else DEFAULT
    out = quarter(w, enforcement, np.random.default_rng(seed))
    for key in ("challenge", "margin", "collusion_fines", "cooperation_fines", "harm", "risk"):
        assert np.isfinite(out[key]).all(), key
    assert 0.0 <= out["risk"] <= 1.0 and out["harm"] >= 0.0
    assert ((out["challenge"] >= 0) & (out["challenge"] <= enforcement["detection"] + 1e-12)).all()
    assert ((out["cooldown"] == 0) | (out["cooldown"] == T_CD)).all()
