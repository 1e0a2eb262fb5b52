"""Alliance depth (docs/model.md 6.7): heterogeneity, target, adjustment, hollow members."""

from itertools import combinations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.engine import depth
from sim.engine.state import NO_ALLIANCE

W0, EPS, N_WG, ETA = 0.8, 0.5, 10, 0.25

unit = st.floats(0.0, 1.0, allow_nan=False)


def one_alliance(openness, region, domain, n_regions=4, n_domains=6):
    n = len(openness)
    h = depth.heterogeneity(np.zeros(n, int), openness, region, domain, 1, n_regions, n_domains)
    assert h.shape == (1,)
    return float(h[0])


def random_firms(seed, n, m, n_regions=3, n_domains=4):
    rng = np.random.default_rng(seed)
    alliance = rng.integers(-1, m, n) if m else np.full(n, NO_ALLIANCE)
    return {
        "alliance": alliance,
        "openness": rng.uniform(0.0, 1.0, n) * (rng.random(n) < 0.8),
        "region": rng.integers(0, n_regions, n),
        "domain": rng.integers(0, n_domains, n),
        "n_alliances": m,
        "n_regions": n_regions,
        "n_domains": n_domains,
    }


def literal_heterogeneity(f):
    """docs/model.md 6.7 read alliance by alliance, pair by pair."""
    out = []
    for a in range(f["n_alliances"]):
        rows = [i for i in range(len(f["alliance"])) if f["alliance"][i] == a]
        if len(rows) < 2:
            out.append(0.0)
            continue
        o = [f["openness"][i] for i in rows]
        mean = sum(o) / len(o)
        dispersion = 2.0 * sum(abs(x - mean) for x in o) / len(o)
        regions = [f["region"][i] for i in rows]
        simpson = sum((regions.count(r) / len(rows)) ** 2 for r in set(regions))
        pairs = list(combinations(rows, 2))
        rivals = sum(f["domain"][i] == f["domain"][j] for i, j in pairs)
        out.append((dispersion + (1.0 - simpson) + rivals / len(pairs)) / 3.0)
    return np.array(out)


# --- heterogeneity: pinned examples ------------------------------------------------------


def test_homogeneous_six_firm_consortium_runs_at_base_depth():
    h = one_alliance([0.4] * 6, [2] * 6, [0, 1, 2, 3, 4, 5])
    assert h == pytest.approx(0.0, abs=1e-12)
    target = depth.target_depth(h, 6, 0.0, W0, N_WG, EPS)
    assert target == pytest.approx(W0)


def test_hundred_member_open_mixed_alliance_is_shallow_unless_mission():
    n = 100
    openness = np.repeat([0.0, 1.0], 50)  # dispersion 2 x 0.5 = 1
    region = np.tile(np.arange(4), 25)  # 25 each: Gini-Simpson 0.75
    domain = np.tile(np.arange(5), 20)  # 20 each: 5 C(20,2) / C(100,2) = 950 / 4950
    h = one_alliance(openness, region, domain, n_regions=4, n_domains=5)
    assert h == pytest.approx((1.0 + 0.75 + 950 / 4950) / 3.0)
    shallow = float(depth.target_depth(h, n, 0.0, W0, N_WG, EPS))
    assert shallow == pytest.approx(W0 * (1.0 - h) * np.sqrt(10 / 100))
    assert shallow < 0.1
    assert depth.target_depth(h, n, 1.0, W0, N_WG, EPS) == pytest.approx(1.0)
    half = depth.target_depth(h, n, 0.5, W0, N_WG, EPS)
    assert half == pytest.approx(shallow + 0.5 * (1.0 - shallow))


@pytest.mark.parametrize(
    ("domain", "share"),
    [([0, 0, 1, 1], 2 / 6), ([0, 0, 0, 1], 3 / 6), ([0, 0, 0, 0], 1.0), ([0, 1, 2, 3], 0.0)],
)
def test_rivalry_is_the_share_of_pairs_sharing_a_domain(domain, share):
    assert one_alliance([0.5] * 4, [0] * 4, domain) == pytest.approx(share / 3.0)


@pytest.mark.parametrize(
    ("region", "gini_simpson"),
    [([0, 0, 1, 2], 1 - (0.25 + 0.0625 + 0.0625)), ([0, 1, 2, 3], 0.75), ([3, 3, 3, 3], 0.0)],
)
def test_regional_diversity_is_gini_simpson(region, gini_simpson):
    assert one_alliance([0.5] * 4, region, [0, 1, 2, 3]) == pytest.approx(gini_simpson / 3.0)


@pytest.mark.parametrize(
    ("openness", "dispersion"),
    [([0.0, 0.0, 1.0, 1.0], 1.0), ([0.2, 0.4, 0.2, 0.4], 0.2), ([0.0, 0.0, 0.0, 1.0], 0.75)],
)
def test_openness_dispersion_is_twice_the_mean_absolute_deviation(openness, dispersion):
    assert one_alliance(openness, [0] * 4, [0, 1, 2, 3]) == pytest.approx(dispersion / 3.0)


def test_loners_are_ignored_and_small_alliances_have_zero_heterogeneity():
    alliance = np.array([0, 0, NO_ALLIANCE, NO_ALLIANCE, 1, NO_ALLIANCE])
    openness = np.array([0.1, 0.3, 1.0, 0.0, 0.9, 0.5])
    region = np.array([0, 0, 1, 2, 1, 2])
    domain = np.array([0, 1, 0, 1, 0, 0])
    h = depth.heterogeneity(alliance, openness, region, domain, 3, 3, 2)
    # Alliance 0: dispersion 2 x 0.1, one region, different domains. 1: one member. 2: empty.
    np.testing.assert_allclose(h, [0.2 / 3.0, 0.0, 0.0])


def test_no_alliances_and_bad_ids():
    assert depth.heterogeneity([NO_ALLIANCE] * 3, [0.5] * 3, [0] * 3, [0] * 3, 0, 1, 1).shape == (
        0,
    )
    with pytest.raises(ValueError, match="alliance ids"):
        depth.heterogeneity([0, 2], [0.5] * 2, [0] * 2, [0] * 2, 2, 1, 1)
    with pytest.raises(ValueError, match="alliance ids"):
        depth.hollow_share([True], [-2], 1)


# --- heterogeneity: properties ---------------------------------------------------------


@given(st.integers(0, 2**32 - 1), st.integers(0, 40), st.integers(0, 6))
def test_heterogeneity_matches_the_literal_rule_and_lies_in_unit_interval(seed, n, m):
    f = random_firms(seed, n, m)
    h = depth.heterogeneity(**f)
    assert h.shape == (m,)
    np.testing.assert_allclose(h, literal_heterogeneity(f), atol=1e-12)
    assert np.all((h >= 0.0) & (h <= 1.0))


@given(st.integers(0, 2**32 - 1), st.integers(2, 30))
def test_heterogeneity_does_not_depend_on_row_order_or_ids(seed, n):
    f = random_firms(seed, n, 3)
    h = depth.heterogeneity(**f)
    order = np.random.default_rng(seed + 1).permutation(n)
    relabel = np.array([2, 0, 1])  # old id -> new id
    g = {k: (v[order] if isinstance(v, np.ndarray) else v) for k, v in f.items()}
    g["alliance"] = np.where(g["alliance"] == NO_ALLIANCE, NO_ALLIANCE, relabel[g["alliance"]])
    np.testing.assert_allclose(depth.heterogeneity(**g)[relabel], h, atol=1e-12)


# --- target and adjustment -------------------------------------------------------------


def test_target_size_beyond_working_group_and_empty_alliance():
    targets = depth.target_depth([0.0, 0.0, 0.0, 0.0], [0, 1, 10, 40], 0.0, W0, N_WG, EPS)
    np.testing.assert_allclose(targets, [W0, W0, W0, W0 * 0.5])


params = st.tuples(unit, st.floats(0.0, 3.0), st.floats(1.0, 50.0))


@given(unit, unit, st.integers(0, 500), unit, params)
def test_target_in_unit_interval_and_monotone_in_heterogeneity(h1, h2, n, mission, p):
    w0, eps, n_wg = p
    lo, hi = depth.target_depth([min(h1, h2), max(h1, h2)], n, mission, w0, n_wg, eps)
    assert 0.0 <= hi <= lo <= 1.0


@given(unit, st.integers(0, 500), st.integers(0, 500), unit, params)
def test_target_falls_with_size(h, n1, n2, mission, p):
    w0, eps, n_wg = p
    small, large = depth.target_depth(h, [min(n1, n2), max(n1, n2)], mission, w0, n_wg, eps)
    assert 0.0 <= large <= small <= 1.0


@given(unit, st.integers(0, 500), unit, unit, params)
def test_target_rises_with_mission_and_mission_one_is_full_depth(h, n, m1, m2, p):
    w0, eps, n_wg = p
    lo, hi, full = depth.target_depth(h, n, [min(m1, m2), max(m1, m2), 1.0], w0, n_wg, eps)
    assert 0.0 <= lo <= hi <= 1.0
    assert full == pytest.approx(1.0)


def test_target_strictly_falls_where_it_should():
    assert depth.target_depth(0.5, 5, 0.0, W0, N_WG, EPS) < depth.target_depth(
        0.2, 5, 0.0, W0, N_WG, EPS
    )
    assert depth.target_depth(0.2, 20, 0.0, W0, N_WG, EPS) < depth.target_depth(
        0.2, 11, 0.0, W0, N_WG, EPS
    )


def test_adjust_pinned():
    np.testing.assert_allclose(depth.adjust_depth([0.2, 0.6], [0.6, 0.2], ETA), [0.3, 0.5])
    assert depth.adjust_depth(0.2, 0.6, 1.0) == pytest.approx(0.6)
    assert depth.adjust_depth(0.2, 0.6, 0.0) == pytest.approx(0.2)


@given(unit, unit, unit)
def test_adjust_moves_toward_target_without_overshoot(current, target, rate):
    new = float(depth.adjust_depth(current, target, rate))
    assert min(current, target) - 1e-12 <= new <= max(current, target) + 1e-12
    assert abs(new - target) <= abs(current - target) + 1e-12
    assert abs(new - (current + rate * (target - current))) < 1e-12


@given(st.integers(1, 200))
def test_repeated_adjustment_converges_to_target(steps):
    w = depth.adjust_depth(0.0, 0.7, ETA)
    for _ in range(steps - 1):
        w = depth.adjust_depth(w, 0.7, ETA)
    assert float(w) == pytest.approx(0.7 * (1.0 - (1.0 - ETA) ** steps))


# --- hollow members --------------------------------------------------------------------


def test_hollow_members_pinned():
    effort = [0.1, 0.6, 0.0, 1.0, 0.5, 0.0]
    alone = [1.0, 1.0, 0.0, 1.0, 1.0, 2.0]
    hollow = depth.hollow_members(effort, alone, 0.5)
    assert hollow.tolist() == [True, False, False, False, False, True]


def test_hollow_share_pinned():
    alliance = [0, 0, 0, 1, NO_ALLIANCE, 2, 2, NO_ALLIANCE]
    hollow = [True, False, False, True, True, True, True, False]
    per, overall = depth.hollow_share(hollow, alliance, 4)
    np.testing.assert_allclose(per, [1 / 3, 0.0, 1.0, 0.0])
    assert overall == pytest.approx(3 / 5)


@pytest.mark.parametrize("m", [0, 2])
def test_hollow_share_without_formed_alliances_is_zero(m):
    alliance = [NO_ALLIANCE, NO_ALLIANCE] if m == 0 else [0, NO_ALLIANCE]
    per, overall = depth.hollow_share([True, True], alliance, m)
    assert per.shape == (m,)
    assert np.all(per == 0.0)
    assert overall == 0.0
    assert np.isfinite(overall)


@given(st.integers(0, 2**32 - 1), st.integers(0, 40), st.integers(0, 6), unit)
def test_hollow_share_matches_a_loop(seed, n, m, threshold):
    rng = np.random.default_rng(seed)
    alliance = rng.integers(-1, m, n) if m else np.full(n, NO_ALLIANCE)
    alone = rng.uniform(0.0, 2.0, n) * (rng.random(n) < 0.8)
    effort = rng.uniform(0.0, 2.0, n)
    hollow = depth.hollow_members(effort, alone, threshold)
    per, overall = depth.hollow_share(hollow, alliance, m)
    flags = [a > 0 and x < threshold * a for x, a in zip(effort, alone, strict=True)]
    assert hollow.tolist() == flags
    expected, members, count = [], 0, 0
    for a in range(m):
        rows = [i for i in range(n) if alliance[i] == a]
        k = sum(flags[i] for i in rows)
        expected.append(k / len(rows) if len(rows) >= 2 else 0.0)
        if len(rows) >= 2:
            members, count = members + len(rows), count + k
    np.testing.assert_allclose(per, expected, atol=1e-12)
    assert overall == pytest.approx(count / members if members else 0.0)
    assert np.all((per >= 0.0) & (per <= 1.0)) and 0.0 <= overall <= 1.0
