"""sim/calibration/simulation.py: seed-replicated runs of a candidate."""

import numpy as np
import pytest

from sim import calibration as cal

PATHS = ["model.growth.frontier_growth", "model.growth.learning_rate"]


def test_simulator_runs_the_same_seeds_as_run_seed_and_caches():
    spec = cal.load_spec()
    base = cal.base_config(spec, ["steps=2"])
    seeds = cal.seeds_for(spec, 2)
    assert [s.spawn_key for s in seeds] == [(0,), (1,)]
    with cal.Simulator(base, PATHS, seeds, steps=2) as simulate:
        out = simulate([0.12, 0.03])
        assert out.shape == (2, len(cal.OUTPUTS), 3)
        assert simulate(np.array([0.12, 0.03])) is out  # cached: no new run
        assert simulate.evaluations == 1
        longer = simulate([0.12, 0.03], steps=3)
        assert longer.shape == (2, len(cal.OUTPUTS), 4) and simulate.evaluations == 2
    cfg = cal.with_values(base, PATHS, [0.12, 0.03])
    assert np.array_equal(out, np.stack([cal.run_seed(cfg, s, 2) for s in seeds]))
    assert np.array_equal(out[:, :, :3], longer[:, :, :3])  # same seeds: same path
    assert (out[:, 2, 0] == 7).all()  # the archetype starts with seven partners


@pytest.mark.slow
def test_worker_processes_give_the_same_outputs():
    spec = cal.load_spec()
    base = cal.base_config(spec, ["steps=1"])
    seeds = cal.seeds_for(spec, 3)
    with cal.Simulator(base, PATHS, seeds, steps=1, jobs=2) as parallel:
        assert parallel.jobs == 2
        two = parallel([0.1, 0.04])
    with cal.Simulator(base, PATHS, seeds, steps=1, jobs=1) as serial:
        assert serial.pool is None
        assert np.array_equal(two, serial([0.1, 0.04]))
