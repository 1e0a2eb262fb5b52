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
    start = build_world(cfg, np.random.default_rng(0))
    firms, alliances = start.firms, start.alliances
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
    firms = build_world(cfg, np.random.default_rng(1)).firms
    s, c = firms.kind == STARTUP, (firms.kind == CONGLOMERATE) & (firms.region == 0)
    assert np.median(firms.capital[s]) == pytest.approx(cfg.startup_capital_median, rel=0.05)
    assert firms.openness[s].mean() == pytest.approx(cfg.startup_openness_mean, abs=0.01)
    assert firms.openness[c].mean() == pytest.approx(cfg.conglomerate_openness_mean, abs=0.02)
    ratio = firms.capital[c] / cfg.startup_capital_median
    assert (
        ratio.min() >= cfg.conglomerate_capital_min and ratio.max() <= cfg.conglomerate_capital_max
    )
    assert np.all((firms.openness >= 0) & (firms.openness <= 1))


def _final_regime(spec):
    changes = spec.get("regime_changes", [])
    return OPEN if (changes[-1]["regime"] if changes else spec["regime"]) == "open" else CLOSED


def test_korea_world_without_history_holds_every_archetype_at_step_0():
    cfg = sim.compose(["world.history=false"]).world
    facts = load_facts()
    start = build_world(cfg, np.random.default_rng(0))
    firms, alliances = start.firms, start.alliances
    assert start.schedule.empty
    names = alliances.names
    by_name = {spec["name"]: spec for spec in facts["alliances"]}
    assert set(names) == set(by_name)
    sizes = np.bincount(firms.alliance[firms.alliance >= 0], minlength=alliances.m)
    for aid, name in enumerate(names):
        spec = by_name[name]
        assert sizes[aid] == spec["members_in_model"]
        assert alliances.regime[aid] == _final_regime(spec)
        leader = facts["firms"][alliances.leader[aid]]["name"]
        assert leader == spec["leader"]
        assert alliances.national[aid] == (spec.get("eligibility") == "national")
        assert alliances.home[aid] == firms.region[alliances.leader[aid]]
        assert alliances.chartered[aid] == ("charter" in spec)
        assert alliances.venture[aid] == (spec.get("commitment") == "equity")
    kai = names.index("K-AI Alliance")
    assert alliances.regime[kai] == OPEN and firms.region[alliances.leader[kai]] == 0
    assert alliances.national[kai] and not alliances.national[names.index("AI Alliance")]
    assert (firms.region != REGIONS.index("domestic")).any()
    assert ((firms.kind == STARTUP) & (firms.alliance < 0)).sum() >= cfg.n_startups


def test_korea_world_schedules_what_happened_after_2024_q1():
    """Kolon Benit (2024-06), AX (2024-07), Stargate (2025-01), OpenEuroLLM (2025-02) later;
    the K-AI Alliance closed at the start and opened in 2024-07 (step 2)."""
    cfg = sim.compose([]).world
    facts = load_facts()
    by_name = {spec["name"]: spec for spec in facts["alliances"]}
    start = build_world(cfg, np.random.default_rng(0))
    firms, alliances, schedule = start.firms, start.alliances, start.schedule
    later = {f.name: f for f in schedule.foundings}
    assert {n: f.step for n, f in later.items()} == {
        "Kolon Benit AI Alliance": 1,
        "AX Alliance": 2,
        "OpenAI Stargate": 4,
        "OpenEuroLLM": 4,
    }
    assert set(alliances.names) == set(by_name) - set(later)
    sizes = np.bincount(firms.alliance[firms.alliance >= 0], minlength=alliances.m)
    for aid, name in enumerate(alliances.names):  # the size at 2024 Q1 where one is given
        spec = by_name[name]
        assert sizes[aid] == spec.get("members_at_start", spec["members_in_model"]), name
    assert sizes[alliances.names.index("AI Alliance")] == 50
    for name, f in later.items():
        spec = by_name[name]
        assert 1 + len(f.members) == spec["members_in_model"]
        assert facts["firms"][f.leader]["name"] == spec["leader"]
        assert (firms.alliance[[f.leader, *f.members]] == -1).all()  # alone until the date
        assert f.national == (spec.get("eligibility") == "national")
        assert f.chartered == ("charter" in spec)
        assert f.venture == (spec.get("commitment") == "equity")
    assert later["OpenEuroLLM"].chartered
    assert later["OpenAI Stargate"].venture  # four equity funders (itweb_2025_01)
    kai = alliances.names.index("K-AI Alliance")
    assert alliances.regime[kai] == CLOSED
    assert [(c.name, c.step, c.regime) for c in schedule.regime_changes] == [
        ("K-AI Alliance", 2, OPEN)
    ]


def test_the_model_replays_the_schedule_at_its_dates():
    model = sim.AllianceModel(sim.compose(["steps=5", "world.archetype_scale=0.5"]))
    names = model.alliances.names
    assert "AX Alliance" not in names and "OpenAI Stargate" not in names
    kai = names.index("K-AI Alliance")
    model.run(2)  # quarters 0 and 1: Kolon Benit's alliance founded in quarter 1
    assert "Kolon Benit AI Alliance" in model.alliances.names
    assert "AX Alliance" not in model.alliances.names
    assert model.alliances.regime[kai] == CLOSED
    model.run(1)  # quarter 2: AX founded, K-AI opened
    assert "AX Alliance" in model.alliances.names
    assert model.alliances.regime[kai] == OPEN or not model.alliances.active[kai]
    ax = model.alliances.names.index("AX Alliance")
    assert model.alliances.founded[ax] == 2
    model.run(2)
    assert {"OpenAI Stargate", "OpenEuroLLM"} <= set(model.alliances.names)
    assert model.history_skipped == []


def test_every_fact_cites_a_source():
    facts = load_facts()
    keys = set(facts["sources"])
    for spec in facts["alliances"]:
        cited = spec["source"] if isinstance(spec["source"], list) else [spec["source"]]
        assert cited and set(cited) <= keys
    for item in facts["facts"]["tech_gap_years"]:
        assert item["source"] in keys


def test_customer_bases_cite_a_source_and_reach_the_leaders_channel():
    """The two resellers' customer bases (USD m a quarter) set their kappa_L under the switch."""
    facts = load_facts()
    given = {f["name"]: f for f in facts["firms"] if "customer_base" in f}
    assert set(given) == {"SK Telecom", "Kolon Benit"}
    assert all(f["customer_base_source"] in facts["sources"] for f in given.values())
    on = sim.AllianceModel(
        sim.compose(["model.economics=v2", "model.choice.channel_on_customer_base=true"]), seed=0
    )
    off = sim.AllianceModel(sim.compose(["model.economics=v2"]), seed=0)
    for name, spec in given.items():
        row = on.firm_names.index(name)
        kappa = on.params.choice.channel_base_per_revenue
        assert on.firms.customer_base[row] == spec["customer_base"]
        assert on.firms.channel_scale[row] * kappa * on.firms.revenue[row] == pytest.approx(
            spec["customer_base"]
        )
    others = np.ones(on.firms.n, bool)
    others[[on.firm_names.index(n) for n in given]] = False
    assert (on.firms.channel_scale[others] == 1.0).all()
    assert (off.firms.channel_scale == 1.0).all()


def test_founding_steps_are_quarters_from_2024_q1():
    assert founding_step("2023-02") == -4
    assert founding_step("2023-12") == -1
    assert founding_step("2024-06") == 1
    assert founding_step("2025-02") == 4


@pytest.mark.slow  # 4-12 s: CI (make test-slow), to keep make test near 5 minutes
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


def test_the_state_coordinated_alliance_keeps_its_firms_and_deepens_under_version_2():
    """China's national AI team: members stay (designated), its depth is the mission's 1."""
    cfg = sim.compose(["model.economics=v2", "world.archetype_scale=0.5", "steps=4"])
    model = sim.AllianceModel(cfg)
    a = model.alliances
    china = a.names.index("China state-coordinated AI firms")
    assert a.coordinated[china] and a.coordinated.sum() == 1
    members = np.flatnonzero(model.firms.alliance == china)
    assert a.depth[china] == pytest.approx(1.0)  # starts at its target (docs/model.md 4)
    regime = a.regime[china]
    model.run()
    alive = members[model.firms.alive[members]]
    assert alive.size and (model.firms.alliance[alive] == china).all()
    assert a.depth[china] == pytest.approx(1.0) and a.regime[china] == regime
    table = model.alliance_table()
    row = table[table["name"] == "China state-coordinated AI firms"].iloc[0]
    assert row["coordinated"] and 1 / 7 <= row["domain_concentration"] <= 1.0
