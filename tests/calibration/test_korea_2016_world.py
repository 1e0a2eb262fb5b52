"""The korea_2016 world the calibration starts from (scenarios/worlds/korea_2016.py).

These tests check the world rather than a module of ``sim/calibration``; they sit here
because the calibration is what needs this world to hold its record.
"""

import numpy as np
import pytest

import sim
from scenarios.worlds import build_world
from scenarios.worlds.korea_2016 import ARCHETYPE, archetype_id, founding_step, partners
from scenarios.worlds.korea_2024 import load_facts
from sim.engine import growth
from sim.engine.state import CLOSED, OPEN

SPRI_LEVEL_2016 = 0.739  # Korea's AI level relative to the US in 2016 (SPRi)


def korea_2016(*overrides: str):
    return sim.compose(["world=korea_2016", *overrides])


def test_korea_2016_holds_the_archetype_with_seven_partners():
    cfg = korea_2016()
    facts = load_facts("korea_2016.yaml")
    start = build_world(cfg.world, np.random.default_rng(0))
    firms, alliances = start.firms, start.alliances
    aid = archetype_id(alliances)
    leader = alliances.leader[aid]
    assert facts["firms"][leader]["name"] == "SK Telecom"
    assert alliances.regime[aid] == CLOSED  # investor-centred at launch
    assert alliances.founded[aid] == 0
    assert (firms.alliance == aid).sum() == 8  # SKT + 7 partners
    assert partners(firms, alliances, aid) == 7
    assert firms.region[firms.alliance == aid].tolist() == [0] * 8
    sizes = {n: int((firms.alliance == i).sum()) for i, n in enumerate(alliances.names)}
    assert sizes == {ARCHETYPE: 8, "AIRI": 6, "Partnership on AI": 5}
    assert alliances.regime[alliances.names.index("Partnership on AI")] == OPEN
    assert "K-AI Alliance" not in alliances.names  # no alliance of 2023 or later
    alone = (firms.alliance < 0) & (firms.kind == 0) & (firms.region == 0)
    assert alone.sum() == cfg.world.n_startups


def test_korea_2016_facts_cite_their_sources():
    facts = load_facts("korea_2016.yaml")
    keys = set(facts["sources"])
    for spec in facts["alliances"]:
        cited = spec["source"] if isinstance(spec["source"], list) else [spec["source"]]
        assert cited and set(cited) <= keys
    for item in facts["facts"]["tech_gap_years"] + facts["facts"]["korea_ai_level_pct_of_us"]:
        assert item["source"] in keys
    assert all(f["basis"] == "assumption" for f in facts["firms"])


def test_founding_steps_count_from_2016():
    assert founding_step("2016-01", 2016) == 0
    assert founding_step("2015-12", 2016) == -1
    assert founding_step("2016-09", 2016) == 0  # later in the first year: present at step 0


def test_national_level_at_the_start_is_spri_2016():
    """The domestic capabilities put the national level at SPRi's 73.9 % on average."""
    cfg = korea_2016().world
    levels = []
    for seed in np.random.SeedSequence(7).spawn(24):
        firms = build_world(cfg, np.random.default_rng(seed)).firms
        domestic = firms.alive & (firms.region == 0)
        levels.append(growth.national_capability(firms.capability, firms.domain, domestic, 3))
    assert np.mean(levels) == pytest.approx(SPRI_LEVEL_2016, abs=0.005)
    assert np.std(levels) < 0.02


def test_korea_2016_runs_forty_quarters():
    model = sim.AllianceModel(korea_2016(), seed=0).run()
    df = model.datacollector.get_model_vars_dataframe()
    assert len(df) == 41 and np.isfinite(df["tech_gap_years"]).all()
