"""sim/calibration/history/loss.py: the SMM distance on log sizes and the state penalties."""

import copy

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scenarios.worlds.korea_2024 import load_facts
from sim.calibration import history as hm

ALLIANCES = ("A", "B")


def hand_targets(held_value=50.0):
    sizes = (
        hm.SizeTarget("A", "2024", 1, 10.0, 10.0, 0.2),
        hm.SizeTarget("B", "2024-08", 2, 30.0, 30.0, 0.1),
        hm.SizeTarget("B", "2025", 3, held_value, held_value, 0.1, held_out=True),
    )
    leaders = (hm.StateTarget("A", 1, "Ann"), hm.StateTarget("B", 2, "Bob"))
    regimes = (hm.StateTarget("A", 1, "open"), hm.StateTarget("B", 2, "closed"))
    return hm.Targets(sizes, leaders, regimes, ALLIANCES, 3)


def moments_at(a_size, b_size, seeds=2, leader_b="Bob", regime_a="open"):
    size = np.zeros((seeds, 2, 4))
    size[:, 0, 1], size[:, 1, 2], size[:, 1, 3] = a_size, b_size, 7.0
    leader = np.full(size.shape, "", dtype=object)
    regime = np.full(size.shape, "", dtype=object)
    leader[:, 0, 1], leader[:, 1, 2] = "Ann", leader_b
    regime[:, 0, 1], regime[:, 1, 2] = regime_a, "closed"
    return hm.Moments(ALLIANCES, size, leader, regime)


def test_loss_is_zero_when_simulated_equals_reported():
    result = hm.loss(moments_at(10.0, 30.0), hand_targets(), 10.0, 10.0)
    assert result == hm.Loss(0.0, 0.0, 0.0, 0.0)


def test_pinned_loss_of_a_miss():
    # A: log(1+21) - log(11) = log 2 over 0.2; B exact; leader wrong in 1 of 2 seeds
    m = moments_at(21.0, 30.0, leader_b=np.array(["Bob", "Eve"]))
    result = hm.loss(m, hand_targets(), 10.0, 4.0)
    assert result.sizes == pytest.approx((np.log(2.0) / 0.2) ** 2)
    assert result.leader_miss == pytest.approx(0.25)  # 1 of 4 (seed, target) pairs
    assert result.total == pytest.approx(result.sizes + 2.5)


def test_a_dissolved_alliance_misses_leader_and_regime():
    m = moments_at(10.0, 30.0, leader_b="", regime_a="")
    result = hm.loss(m, hand_targets(), 1.0, 1.0)
    assert result.leader_miss == pytest.approx(0.5) and result.regime_miss == pytest.approx(0.5)


@given(
    offsets=st.lists(st.floats(-3.0, 3.0), min_size=2, max_size=2),
    shrink=st.floats(0.0, 0.99),
)
def test_loss_grows_with_the_distance(offsets, shrink):
    """Moving the simulated log sizes further from the reported ones never lowers the loss."""
    t = hand_targets()

    def at(scale):
        a = np.expm1(np.log1p(10.0) + scale * offsets[0])
        b = np.expm1(np.log1p(30.0) + scale * offsets[1])
        return hm.loss(moments_at(a, b), t, 10.0, 10.0).total

    far, near = at(1.0), at(shrink)
    assert near <= far + 1e-9
    assert at(0.0) == pytest.approx(0.0, abs=1e-9)
    if max(abs(o) for o in offsets) > 1e-3:
        assert far > 0.0


def test_a_held_out_point_never_enters_the_loss():
    m = moments_at(12.0, 25.0)
    assert hm.loss(m, hand_targets(50.0), 1, 1) == hm.loss(m, hand_targets(500.0), 1, 1)


def test_held_out_facts_leave_the_korea_loss_unchanged_and_in_sample_ones_do_not():
    spec = hm.load_spec()
    facts = load_facts()
    t = hm.build_targets(spec, facts, 1.0, 2024)
    rng = np.random.default_rng(3)
    shape = (3, len(t.alliances), t.steps + 1)
    m = hm.Moments(
        t.alliances,
        rng.integers(0, 90, shape).astype(float),
        np.full(shape, "SK Telecom", dtype=object),
        np.full(shape, "open", dtype=object),
    )
    base = hm.loss(m, t, 10.0, 10.0)

    def changed(name, date, members):
        new = copy.deepcopy(facts)
        alliance = next(a for a in new["alliances"] if a["name"] == name)
        next(p for p in alliance["history"] if str(p["date"]) == date)["members"] = members
        return hm.loss(m, hm.build_targets(spec, new, 1.0, 2024), 10.0, 10.0)

    assert changed("Kolon Benit AI Alliance", "2025-10", 300) == base
    assert changed("AI-RAN Alliance", "2025-03", 2) == base
    assert changed("AI-RAN Alliance", "2024-02", 90) == base
    assert changed("AX Alliance", "2024-07", 40).sizes != base.sizes


def test_each_report_counts_once_and_assumed_quarters_count_only_a_shortfall():
    """Economist's review (finding 24): a year's report over four quarters weighs one report;
    a quarter only ``hold_until`` covers penalises shrinking, not growing."""
    year = tuple(hm.SizeTarget("A", "2024", s, 10.0, 10.0, 0.2) for s in range(4))
    held = (
        hm.SizeTarget("B", "2024-01", 0, 30.0, 30.0, 0.1),
        hm.SizeTarget("B", "2024-01", 1, 30.0, 30.0, 0.1, assumed=True),
    )
    size = np.zeros((1, 2, 4))
    size[0, 0, :] = 21.0  # A off by log 2 in each of its four quarters
    size[0, 1, 0], size[0, 1, 1] = 30.0, 61.0  # B doubles after its report: growth is fine
    m = hm.Moments(ALLIANCES, size, np.zeros(size.shape, object), np.zeros(size.shape, object))
    terms = hm.counted(m, year + held)
    assert terms.sum() == pytest.approx((np.log(2.0) / 0.2) ** 2)  # one report's worth
    size[0, 1, 1] = 15.0  # B halves after its report: a shortfall counts, with half the weight
    terms = hm.counted(m, year + held)
    assert terms[-1] == pytest.approx(0.5 * (np.log(16.0 / 31.0) / 0.1) ** 2)


def test_a_lower_bound_is_missed_only_by_a_smaller_alliance():
    """ "More than 100" (the facts file's ``at_least``): 300 members meet it, 50 miss it."""
    bound = (hm.SizeTarget("A", "2025-01", 0, 100.0, 100.0, 0.3, at_least=True),)
    point = (hm.SizeTarget("A", "2025-01", 0, 100.0, 100.0, 0.3),)
    size = np.full((1, 2, 1), 300.0)
    m = hm.Moments(ALLIANCES, size, np.zeros(size.shape, object), np.zeros(size.shape, object))
    assert hm.counted(m, bound).tolist() == [0.0]
    assert hm.counted(m, point)[0] == pytest.approx((np.log(301 / 101) / 0.3) ** 2)
    size[0, 0, 0] = 50.0
    assert hm.counted(m, bound)[0] == pytest.approx((np.log(51 / 101) / 0.3) ** 2)
    assert hm.counted(m, bound)[0] == hm.counted(m, point)[0]


def test_the_ai_alliances_100_plus_is_read_as_a_lower_bound():
    """seed_003: "100여곳이 넘는다" (more than 100-odd); its launch's 50+ is the world's input."""
    spec = hm.load_spec()
    targets = hm.build_targets(spec, load_facts("korea_2024.yaml"), 1.0, 2024)
    ai = [t for t in targets.sizes if t.alliance == "AI Alliance"]
    assert ai and all(t.at_least and t.value == 100.0 for t in ai)
    assert not any(t.at_least for t in targets.sizes if t.alliance != "AI Alliance")


def test_the_home_countrys_excess_share_of_foreign_led_alliances_is_penalised():
    """Issue 11's acceptance as a loss term: at most a quarter of a foreign-led alliance's
    members from the home country; domestic-led alliances and dissolved quarters are free."""
    size = np.full((2, 2, 3), 20.0)
    domestic = np.zeros_like(size)
    domestic[:, 0, :] = 10.0  # A, led from abroad: half its members are domestic
    domestic[:, 1, :] = 20.0  # B, domestic-led: all domestic, which is fine
    home = np.empty(size.shape, dtype=object)
    home[:, 0, :], home[:, 1, :] = "us", "domestic"
    home[:, 0, 2], size[:, 0, 2] = "", 0.0  # A dissolved in the last quarter
    m = hm.Moments(ALLIANCES, size, np.zeros(size.shape, object), np.zeros(size.shape, object),
                   0, domestic, home)  # fmt: skip
    assert hm.excess(m, 0.25, 0.1) == pytest.approx(((0.5 - 0.25) / 0.1) ** 2)
    assert hm.excess(m, 0.5, 0.1) == 0.0  # at the cap: nothing
    targets = hm.Targets((), (), (), ALLIANCES, 2)
    result = hm.loss(m, targets, 1.0, 1.0, (0.25, 0.1))
    assert result.composition == pytest.approx(6.25) and result.total == pytest.approx(6.25)
    assert hm.loss(m, targets, 1.0, 1.0).composition == 0.0  # no composition term asked for
