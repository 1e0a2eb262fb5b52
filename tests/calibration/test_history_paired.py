"""sim/calibration/history/paired.py: two candidates on the same seeds, bootstrap over seeds."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.calibration.history.moments import Moments, seed_after, seeds_for
from sim.calibration.history.paired import PairedDifference, paired_bootstrap, take_seeds


def moments(sizes: np.ndarray) -> Moments:
    """One alliance, one quarter: ``sizes`` per seed."""
    size = np.asarray(sizes, dtype=np.float64).reshape(-1, 1, 1)
    names = np.full(size.shape, "L", dtype=object)
    return Moments(("A",), size, names, np.full(size.shape, "open", dtype=object))


def mean_size(m: Moments) -> float:
    """A stand-in loss: the seeds' mean size."""
    return float(m.size.mean())


def test_take_seeds_picks_rows_with_repeats():
    m = moments(np.array([1.0, 2.0, 3.0]))
    picked = take_seeds(m, np.array([2, 2, 0]))
    assert picked.size[:, 0, 0].tolist() == [3.0, 3.0, 1.0]
    assert picked.leader.shape == (3, 1, 1) and picked.alliances == ("A",)


def test_identical_candidates_differ_by_nothing():
    a = moments(np.arange(8.0))
    d = paired_bootstrap(a, a, mean_size, 200, 0.9, np.random.default_rng(0))
    assert (d.difference, d.low, d.high, d.share_better) == (0.0, 0.0, 0.0, 0.0)
    assert not d.better_beyond_noise()


def test_a_candidate_lower_on_every_seed_is_better_beyond_noise():
    """Pairing removes the seeds' own spread: a shift of 1 on every seed is exactly 1."""
    a = moments(np.random.default_rng(1).normal(10.0, 5.0, 16))
    b = moments(a.size[:, 0, 0] - 1.0)
    d = paired_bootstrap(a, b, mean_size, 300, 0.9, np.random.default_rng(2))
    assert d.difference == pytest.approx(-1.0)
    assert d.low == pytest.approx(-1.0) and d.high == pytest.approx(-1.0)
    assert d.share_better == 1.0 and d.better_beyond_noise()


def test_a_difference_within_the_noise_is_not_better():
    """Two candidates whose seeds differ by noise of mean zero: the interval spans 0."""
    rng = np.random.default_rng(3)
    a = moments(rng.normal(10.0, 1.0, 32))
    b = moments(a.size[:, 0, 0] + rng.normal(0.0, 1.0, 32) - 0.05)
    d = paired_bootstrap(a, b, mean_size, 1000, 0.9, np.random.default_rng(4))
    assert d.low < 0.0 < d.high and not d.better_beyond_noise()
    assert 0.0 < d.share_better < 1.0


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 12), st.integers(0, 2**32 - 1))
def test_a_wider_level_gives_a_wider_interval(n, seed):
    rng = np.random.default_rng(seed)
    a, b = moments(rng.normal(size=n)), moments(rng.normal(size=n))
    narrow = paired_bootstrap(a, b, mean_size, 100, 0.5, np.random.default_rng(seed))
    wide = paired_bootstrap(a, b, mean_size, 100, 0.9, np.random.default_rng(seed))
    assert wide.low <= narrow.low <= narrow.high <= wide.high
    assert narrow.difference == wide.difference == pytest.approx(mean_size(b) - mean_size(a))


def test_the_same_generator_gives_the_same_interval():
    a, b = moments(np.arange(10.0)), moments(np.arange(10.0)[::-1] * 0.9)
    one = paired_bootstrap(a, b, mean_size, 100, 0.9, np.random.default_rng(5))
    two = paired_bootstrap(a, b, mean_size, 100, 0.9, np.random.default_rng(5))
    assert one == two and isinstance(one, PairedDifference)


@pytest.mark.parametrize(
    ("b", "resamples", "level"),
    [(np.arange(3.0), 10, 0.9), (np.arange(4.0), 0, 0.9), (np.arange(4.0), 10, 1.0)],
)
def test_unpaired_or_empty_requests_are_errors(b, resamples, level):
    with pytest.raises(ValueError):
        paired_bootstrap(moments(np.arange(4.0)), moments(b), mean_size, resamples, level, None)


def test_the_bootstrap_stream_is_none_of_the_runs_seeds():
    """``seed_after``: the child after the re-score's seeds, as the command draws it."""
    runs = seeds_for(16, 256)
    after = seed_after(16, 256)
    assert after.spawn_key == (256,) and after.entropy == runs[0].entropy
    assert all(after.spawn_key != s.spawn_key for s in runs)
    draws = np.random.default_rng(after).integers(0, 2**31, 4)
    assert not np.array_equal(draws, np.random.default_rng(runs[-1]).integers(0, 2**31, 4))
