"""Answers across worlds (sim.analysis.robust) on hand-built results with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis import robust
from sim.config.schema import TargetConfig

W = 8  # worlds
GOOD_FROM = 3  # scenario "helps" closes the gap in worlds GOOD_FROM..W-1, widens it before


def built(worlds: int = W, seeds: int = 2) -> pd.DataFrame:
    """Last-quarter rows of three scenarios on the same worlds and seeds.

    - baseline: gap 1.0 + 0.1 * seed, spend 0;
    - helps: gap 0.2 years smaller in worlds >= GOOD_FROM, 0.1 larger before; spends
      USD 2 bn + 1 bn per world number;
    - idle: exactly the baseline (no effect anywhere).
    The uncertain parameter ``p1`` is world / (worlds - 1); ``p2`` is unrelated.
    """
    rows = []
    for w in range(worlds):
        p1, p2 = w / (worlds - 1), ((w * 3) % worlds) / (worlds - 1)
        for seed in range(seeds):
            base = 1.0 + 0.1 * seed
            change = -0.2 if w >= GOOD_FROM else 0.1
            for label, gap, spend in (
                ("baseline", base, 0.0),
                ("helps", base + change, 2.0 + w),
                ("idle", base, 0.0),
            ):
                rows.append(
                    {
                        "label": label,
                        "sample": w,
                        "seed": seed,
                        "replicate": 0,
                        "tech_gap_years": gap,
                        "startups_alive": 100.0 + seed,
                        "spend_total": spend,
                        "p1": p1,
                        "p2": p2,
                    }
                )
    return pd.DataFrame(rows)


def test_world_effects_pair_by_seed_inside_each_world():
    effects = robust.world_effects(built(), "baseline", ["tech_gap_years"])
    helps = effects[effects["scenario"] == "helps"].set_index("world")["effect"]
    assert helps.to_numpy() == pytest.approx([0.1] * GOOD_FROM + [-0.2] * (W - GOOD_FROM))
    assert set(effects["pairs"]) == {2}
    assert "baseline" not in set(effects["scenario"])


def test_a_scenario_better_in_exactly_k_of_w_worlds():
    summary = robust.summarise(robust.world_effects(built(), "baseline", ["tech_gap_years"]))
    helps = summary.set_index("scenario").loc["helps"]
    assert (helps["worlds"], helps["better"], helps["worse"]) == (W, W - GOOD_FROM, GOOD_FROM)
    assert helps["share_better"] == pytest.approx((W - GOOD_FROM) / W)
    assert helps["median"] == pytest.approx(-0.2)
    assert helps["band_low"] == pytest.approx(-0.2)
    assert helps["band_high"] == pytest.approx(0.1)
    idle = summary.set_index("scenario").loc["idle"]
    assert (idle["better"], idle["worse"], idle["no_effect"]) == (0, 0, W)


def test_direction_comes_from_the_registry():
    frame = built()
    frame.loc[frame["label"] == "helps", "startups_alive"] += 5.0  # more startups: better
    summary = robust.summarise(robust.world_effects(frame, "baseline", ["startups_alive"]))
    assert summary.set_index("scenario").loc["helps", "better"] == W
    assert robust.direction("tech_gap_years") == -1
    assert robust.direction("startups_alive") == 1
    assert robust.judge(0.0, "tech_gap_years") == "no effect"
    assert robust.judge(0.3, "tech_gap_years") == "worse"


def test_regret_is_known_by_construction():
    levels = robust.world_levels(built(), ["tech_gap_years"])
    regrets = robust.regret(levels, ["tech_gap_years"]).set_index(["scenario", "world"])
    # worlds >= GOOD_FROM: helps is best (gap 0.85), the others 0.2 years behind;
    # before: baseline and idle are best (1.05), helps 0.1 behind
    assert regrets.loc[("helps", 0), "regret"] == pytest.approx(0.1)
    assert regrets.loc[("helps", W - 1), "regret"] == pytest.approx(0.0)
    assert regrets.loc[("baseline", W - 1), "regret"] == pytest.approx(0.2)
    assert regrets.loc[("idle", 0), "regret"] == pytest.approx(0.0)
    assert (regrets["regret"] >= 0).all()
    summary = robust.regret_summary(regrets.reset_index()).set_index("scenario")
    assert summary.loc["helps", "regret_max"] == pytest.approx(0.1)
    assert summary.loc["helps", "best_in"] == W - GOOD_FROM
    assert summary.loc["baseline", "regret_max"] == pytest.approx(0.2)


def test_regret_refuses_an_outcome_without_direction():
    levels = robust.world_levels(built(), ["spend_total"])
    with pytest.raises(ValueError, match="spend_total"):
        robust.regret(levels, ["spend_total"])


def test_satisficing_counts_worlds_meeting_every_target():
    levels = robust.world_levels(built(), ["tech_gap_years", "spend_total"])
    targets = [
        TargetConfig("tech_gap_years", "effect", at_most=-0.15),
        TargetConfig("spend_total", "level", at_most=5.0),
    ]
    met = robust.satisficing(levels, "baseline", targets)
    summary = robust.satisficing_summary(met).set_index("scenario")
    gap, spend = (robust.target_text(t) for t in targets)
    assert summary.loc["helps", gap] == W - GOOD_FROM  # the gap target: worlds 3..7
    assert summary.loc["helps", spend] == 4  # spend 2 + w <= 5: worlds 0..3
    assert summary.loc["helps", "all_met"] == 1  # only world 3 meets both
    assert summary.loc["baseline", gap] == 0  # its own effect is 0
    assert summary.loc["baseline", spend] == W
    strict = robust.satisficing(levels, "baseline", [TargetConfig("tech_gap_years", at_most=-0.3)])
    assert not strict["all_met"].any()  # 0.2 years is not 0.3


def test_failure_region_finds_the_worlds_where_it_fails():
    frame = built(worlds=40)
    effects = robust.world_effects(frame, "baseline", ["tech_gap_years"])
    params = robust.world_parameters(frame, ["p1", "p2"])
    found = robust.failure_region(effects, params, "helps", "tech_gap_years")
    assert found.wins == pytest.approx(GOOD_FROM / 40)  # share of worlds where it fails
    assert list(found.limits["parameter"]) == ["p1"]
    assert found.limits["high"].iloc[0] < GOOD_FROM / 39  # the box ends below world 3's p1
    assert found.coverage == pytest.approx(1.0)
    assert found.density == pytest.approx(1.0)
    assert found.outcome == "tech_gap_years"


def test_failure_region_of_a_scenario_that_never_fails_is_empty():
    frame = built()
    frame.loc[frame["label"] == "helps", "tech_gap_years"] -= 1.0  # better everywhere
    effects = robust.world_effects(frame, "baseline", ["tech_gap_years"])
    found = robust.failure_region(
        effects, robust.world_parameters(frame, ["p1"]), "helps", "tech_gap_years"
    )
    assert found.wins == 0.0
    assert found.limits.empty


def test_a_world_without_a_common_seed_is_left_out():
    frame = built()
    gone = (frame["label"] == "baseline") & (frame["sample"] == 0)
    effects = robust.world_effects(frame[~gone], "baseline", ["tech_gap_years"])
    assert sorted(set(effects["world"])) == list(range(1, W))


def test_properties_on_random_worlds():
    rng = np.random.default_rng(7)
    frame = built(worlds=20, seeds=3)
    frame["tech_gap_years"] += rng.normal(0, 0.05, len(frame))
    effects = robust.world_effects(frame, "baseline", ["tech_gap_years"])
    summary = robust.summarise(effects)
    assert (summary["band_low"] <= summary["median"]).all()
    assert (summary["median"] <= summary["band_high"]).all()
    assert (summary["better"] + summary["worse"] + summary["no_effect"] == summary["worlds"]).all()
    regrets = robust.regret(robust.world_levels(frame, ["tech_gap_years"]), ["tech_gap_years"])
    assert (regrets.groupby("world")["regret"].min() == 0).all()  # one best per world
