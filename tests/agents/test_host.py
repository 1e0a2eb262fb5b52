"""No model outlives its run: agents' id counters hold their model weakly."""

import dataclasses
import gc
import weakref

import mesa
import pytest

import sim
from agents.host import CountersPerModel, ModelAgent


@pytest.mark.slow  # 3-11 s: CI (make test-slow), to keep make test near 5 minutes
def test_finished_models_are_freed(small_cfg):
    cfg = dataclasses.replace(small_cfg, steps=2)
    refs = []
    for seed in range(12):
        model = sim.AllianceModel(cfg, seed=seed).run()
        refs.append(weakref.ref(model))
    del model
    gc.collect()
    assert [r() for r in refs] == [None] * len(refs)
    assert not any(isinstance(key, sim.AllianceModel) for key in mesa.Agent._ids)


def test_ids_count_from_one_per_model_shared_by_firms_and_government(small_cfg):
    a = sim.AllianceModel(small_cfg, seed=0)
    b = sim.AllianceModel(small_cfg, seed=1)
    for model in (a, b):
        ids = sorted(agent.unique_id for agent in model.agents)
        assert ids == list(range(1, len(ids) + 1))  # government and firms, no gaps, no repeats
        assert all(isinstance(agent, ModelAgent) for agent in model.agents)


def test_the_counter_map_creates_a_counter_on_first_use_and_drops_it_with_its_key():
    counters = CountersPerModel()

    class Key:
        pass

    key = Key()
    assert next(counters[key]) == 1 and next(counters[key]) == 2
    del key
    gc.collect()
    assert len(counters) == 0
