"""sim/calibration/history/search.py: Optuna's seeded TPE search and ABC by rejection."""

import numpy as np

from sim.calibration import history as hm

SPEC = hm.HistorySpec(
    parameters=[
        hm.HistoryParameter("x", 0.0, 1.0),
        hm.HistoryParameter("y", 0.1, 10.0, log=True),
        hm.HistoryParameter("k", 1, 8, integer=True),
    ],
    startup_trials=4,
    sampler_seed=3,
)
EMPTY = np.zeros((1, 1, 1))


def quadratic(values):
    total = (values["x"] - 0.3) ** 2 + np.log(values["y"]) ** 2 + (values["k"] - 4) ** 2
    moments = hm.Moments(("A",), EMPTY, EMPTY.astype(object), EMPTY.astype(object))
    return hm.Loss(float(total), float(total), 0.0, 0.0), moments


def test_the_defaults_come_first_and_the_search_is_reproducible():
    defaults = {"x": 0.9, "y": 5.0, "k": 8.0}
    first = hm.search(SPEC, quadratic, 12, defaults)
    again = hm.search(SPEC, quadratic, 12, defaults)
    assert first.trials[0].values == defaults
    assert [t.values for t in first.trials] == [t.values for t in again.trials]
    assert first.best.loss.total < first.trials[0].loss.total
    for t in first.trials:
        assert 0.0 <= t.values["x"] <= 1.0 and 0.1 <= t.values["y"] <= 10.0
        assert t.values["k"] == int(t.values["k"])


def test_abc_accepts_the_best_quantile():
    done = hm.search(SPEC, quadratic, 10)
    keep = hm.accepted(done.trials, 0.3)
    assert len(keep) == 3
    worst_kept = max(t.loss.total for t in keep)
    assert all(t.loss.total >= worst_kept for t in done.trials if t not in keep)
    ranges = hm.accepted_ranges(keep, SPEC)
    for path, r in ranges.items():
        values = [t.values[path] for t in keep]
        assert r["low"] == min(values) <= r["median"] <= r["high"] == max(values)
    assert len(hm.accepted(done.trials[:1], 0.01)) == 1


def test_the_median_point_is_the_accepted_medians_rounded_as_the_file_records():
    """``adopt: accepted_median`` adopts each parameter's accepted median: inside the accepted
    range, rounded to 4 decimals (the result file's precision, so defaults set from the file
    are the values evaluated), integer parameters to a whole number."""
    done = hm.search(SPEC, quadratic, 12)
    ranges = hm.accepted_ranges(hm.accepted(done.trials, 0.5), SPEC)
    point = hm.median_point(ranges, SPEC)
    assert list(point) == SPEC.paths
    for path, value in point.items():
        assert ranges[path]["low"] - 1e-4 <= value <= ranges[path]["high"] + 1e-4
        assert value == round(value, 4)
    assert point["k"] == int(point["k"])
    assert point["x"] == round(ranges["x"]["median"], 4)
    assert hm.median_point(
        {"x": {"median": 0.123456}, "y": {"median": 2.0}, "k": {"median": 4.5}}, SPEC
    ) == {
        "x": 0.1235,
        "y": 2.0,
        "k": 4.0,
    }
