"""scenarios.worlds: the registry of worlds and the synthetic and Korean worlds they build."""

import numpy as np
import pytest

import sim
from scenarios.worlds import WORLDS, build_world
from scenarios.worlds.korea_2024 import founding_step, load_facts
from sim.config.checks import ConfigError
from sim.config.vocabulary import REGIONS
from sim.engine.state import CLOSED, CONGLOMERATE, OPEN, STARTUP


def test_synthetic_world_has_the_counts_asked():
    cfg = sim.compose(
        [
            "world=synthetic",
            "world.n_startups=37",
            "world.n_conglomerates=5",
            "world.n_foreign=3",
            "world.n_initial_alliances=2",
        ]
    ).world
    firms, alliances = build_world(cfg, np.random.default_rng(0))
    assert firms.n == 45
    assert (firms.kind == STARTUP).sum() == 37
    assert ((firms.kind == CONGLOMERATE) & (firms.region == 0)).sum() == 5
    assert ((firms.kind == CONGLOMERATE) & (firms.region != 0)).sum() == 3
    assert alliances.m == 2 and np.bincount(firms.alliance[firms.alliance >= 0]).tolist() == [5, 5]
    lead = firms.capital[alliances.leader]
    for a in range(2):
        assert lead[a] == firms.capital[firms.alliance == a].max()


def test_synthetic_traits_follow_their_distributions():
    cfg = sim.compose(
        [
            "world=synthetic",
            "world.n_startups=20000",
            "world.n_conglomerates=2000",
            "world.n_initial_alliances=0",
        ]
    ).world
    firms, _ = build_world(cfg, np.random.default_rng(1))
    s, c = firms.kind == STARTUP, (firms.kind == CONGLOMERATE) & (firms.region == 0)
    assert np.median(firms.capital[s]) == pytest.approx(cfg.startup_capital_median, rel=0.05)
    assert firms.openness[s].mean() == pytest.approx(cfg.startup_openness_mean, abs=0.01)
    assert firms.openness[c].mean() == pytest.approx(cfg.conglomerate_openness_mean, abs=0.02)
    ratio = firms.capital[c] / cfg.startup_capital_median
    assert (
        ratio.min() >= cfg.conglomerate_capital_min and ratio.max() <= cfg.conglomerate_capital_max
    )
    assert np.all((firms.openness >= 0) & (firms.openness <= 1))


def test_korea_world_holds_the_archetypes():
    cfg = sim.compose([]).world
    facts = load_facts()
    firms, alliances = build_world(cfg, np.random.default_rng(0))
    names = alliances.names
    by_name = {spec["name"]: spec for spec in facts["alliances"]}
    assert set(names) == set(by_name)
    sizes = np.bincount(firms.alliance[firms.alliance >= 0], minlength=alliances.m)
    for aid, name in enumerate(names):
        spec = by_name[name]
        assert sizes[aid] == spec["members_in_model"]
        assert alliances.regime[aid] == (OPEN if spec["regime"] == "open" else CLOSED)
        leader = facts["firms"][alliances.leader[aid]]["name"]
        assert leader == spec["leader"]
    kai = names.index("K-AI Alliance")
    assert alliances.regime[kai] == OPEN and firms.region[alliances.leader[kai]] == 0
    assert (firms.region != REGIONS.index("domestic")).any()
    assert ((firms.kind == STARTUP) & (firms.alliance < 0)).sum() >= cfg.n_startups


def test_every_fact_cites_a_source():
    facts = load_facts()
    keys = set(facts["sources"])
    for spec in facts["alliances"]:
        cited = spec["source"] if isinstance(spec["source"], list) else [spec["source"]]
        assert cited and set(cited) <= keys
    for item in facts["facts"]["tech_gap_years"]:
        assert item["source"] in keys


def test_founding_steps_are_quarters_before_2024():
    assert founding_step("2023-02") == -4
    assert founding_step("2023-12") == -1
    assert founding_step("2025-02") == 0


def test_korea_40_quarters_keeps_a_mixed_landscape():
    model = sim.AllianceModel(sim.compose(["steps=40"])).run()
    df = model.datacollector.get_model_vars_dataframe()
    end = df.iloc[-1]
    assert end["share_open"] > 0 and end["share_closed"] > 0 and end["share_alone"] > 0
    table = model.alliance_table()
    assert {"open", "closed"} <= set(table["regime"])
    assert df["tech_gap_years"].nunique() > 10
    assert abs(df["tech_gap_years"].iloc[-1] - df["tech_gap_years"].iloc[0]) > 0.01


def test_every_world_file_has_a_builder_and_every_builder_a_file():
    from sim.config.compose import CONFIG_DIR

    files = {p.stem for p in (CONFIG_DIR / "world").glob("*.yaml")}
    assert files == set(WORLDS)


def test_an_unknown_world_is_refused_at_build_with_the_allowed_names():
    cfg = sim.compose(["world=synthetic", "world.name=atlantis"])
    with pytest.raises(ConfigError, match=r"world.name='atlantis' is unknown; allowed: synthetic"):
        sim.AllianceModel(cfg)


def test_an_unknown_world_is_refused_before_a_run_with_exit_2(tmp_path, capsys):
    from sim.runs.cli import main

    assert main(["world.name=atlantis", f"hydra.run.dir={tmp_path / 'r'}"]) == 2
    assert "world.name='atlantis' is unknown" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()
