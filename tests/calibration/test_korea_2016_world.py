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
from tests.analysis.conftest import docs_script
from tests.before_leaders import RATES_AT_REST

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


def test_domestic_capability_scale_multiplies_the_domestic_firms_only():
    base = build_world(korea_2016().world, np.random.default_rng(0)).firms
    scaled = build_world(
        korea_2016("world.domestic_capability_scale=0.85").world, np.random.default_rng(0)
    ).firms
    domestic = base.region == 0
    np.testing.assert_array_equal(scaled.capability[domestic], 0.85 * base.capability[domestic])
    np.testing.assert_array_equal(scaled.capability[~domestic], base.capability[~domestic])


# The v2 gap path from 2016 (docs/model.md finding 53, docs/gap_path_2016.py): the domestic
# capabilities scaled so that the start's gap is SPRi's 2.2 years (0.84: 2.21 on 16 seeds)
V2_2016 = ["world=korea_2016", "steps=20", "world.domestic_capability_scale=0.84"]
COMMON_RATE = ["model.growth.common_learning_rate=true", "model.growth.transfer_rate=0.16"]
# finding 55 (docs/absorption_2016.py): the transfer's absorptive capacity bought by own R&D
ABSORBING = [
    "model.growth.common_learning_rate=true",
    "model.growth.transfer_rate=0.6",
    "model.growth.transfer_absorption_floor=0",
]


@pytest.mark.slow  # about 10 s: CI (make test-slow)
@pytest.mark.parametrize(
    ("learning", "low", "high"),
    [(list(RATES_AT_REST), 2.2, 2.7), (COMMON_RATE, 1.15, 1.45), (ABSORBING, 1.2, 1.5)],
)
def test_the_gap_from_2016_under_each_learning_model(learning, low, high):
    """Measured 2026-12-06 (seeds 0-3 of SeedSequence(0).spawn(16)): from 2.2 years in 2016,
    rates solved so that each unit stands still at its 2016 R&D leave the gap at 2.4 in 2021
    Q1; one rate per domain with a transfer of 0.16 a quarter brings it to 1.3, as SPRi
    measured (1.3 in 2021). Neither was fitted to this path (the transfer was set on
    korea_2024 to SPRi's 1.3 of 2022: only the timing is unfitted)."""
    cfg = sim.compose([*V2_2016, *learning])
    for seed in np.random.SeedSequence(0).spawn(16)[:4]:
        model = sim.AllianceModel(cfg, seed=seed)
        start = model.outcomes["tech_gap_years"]
        model.run()
        assert 2.0 < start < 2.4  # SPRi 2016: 2.2
        assert low < model.outcomes["tech_gap_years"] < high  # 2021 Q1


@pytest.mark.slow  # about 20 s: CI (make test-slow)
def test_rnd_bought_absorption_lets_the_national_strategy_move_the_2016_catch_up():
    """Finding 55, measured 2026-12-06 (seeds 0-1 of SeedSequence(0).spawn(16)): where own
    R&D buys the transfer's absorption, the national strategy closes 0.36 years of the 2021
    gap; where absorption is capability alone (finding 53's candidate), 0.04."""
    effects = {}
    for name, learning in (("absorbing", ABSORBING), ("capability", COMMON_RATE)):
        gap = {}
        for scenario in ("baseline", "national_strategy"):
            cfg = sim.compose([*V2_2016, *learning, f"scenario={scenario}"])
            gap[scenario] = [
                sim.AllianceModel(cfg, seed=seed).run().outcomes["tech_gap_years"]
                for seed in np.random.SeedSequence(0).spawn(16)[:2]
            ]
        effects[name] = np.subtract(gap["national_strategy"], gap["baseline"])
    assert (effects["absorbing"] < -0.2).all(), effects
    assert (effects["capability"] > -0.1).all(), effects


# China's path from 2016 (docs/model.md finding 53, docs/china_path_2016.py)
china = docs_script("china_path_2016")


def test_chinas_start_level_and_the_scripts_scale():
    """Measured 2026-12-06: 83.5 % over China's four domains with the world's capabilities,
    71.0 % with them scaled by 0.85 inside the script (SPRi 2016: 71.3 %); the scale is undone
    when the script's block ends."""
    cfg = sim.compose([*V2_2016[:1], "steps=1", china.DOMESTIC_SCALE])
    seed = np.random.SeedSequence(0).spawn(1)[0]
    assert china.china_level(sim.AllianceModel(cfg, seed=seed)) == pytest.approx(83.5, abs=0.1)
    with china.china_scaled(0.85):
        assert china.china_level(sim.AllianceModel(cfg, seed=seed)) == pytest.approx(71.0, abs=0.1)
    assert china.china_level(sim.AllianceModel(cfg, seed=seed)) == pytest.approx(83.5, abs=0.1)


@pytest.mark.slow  # about 10 s: CI (make test-slow)
def test_chinas_path_under_each_learning_model():
    """Measured 2026-12-06 (16 seeds, China's start scaled by 0.85): 73.1 % in 2021 under the
    default, 99.2 % under the catch-up transfer, against SPRi's 92.0 %; here 2 seeds."""
    with china.china_scaled(0.85):
        default, catch_up = (china.path(o, 2) for o in china.MODELS.values())
    i = china.QUARTERS.index(20)  # 2021 Q1
    assert (70.0 < default[:, i]).all() and (default[:, i] < 77.0).all(), default[:, i]
    assert (97.0 < catch_up[:, i]).all() and (catch_up[:, i] <= 100.0).all(), catch_up[:, i]


def test_the_learning_paths_figure_draws_both_models(tmp_path):
    """docs/learning_paths_figure.py's drawing, on made-up paths of the right shapes."""
    figure = docs_script("learning_paths_figure")
    rng = np.random.default_rng(0)
    k = [2.2 - rng.random((4, len(figure.korea.QUARTERS))) for _ in range(2)]
    c = [70 + 20 * rng.random((4, len(figure.china.QUARTERS))) for _ in range(2)]
    out = tmp_path / "paths.png"
    figure.draw(k, c, ["default", "catch-up"], out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert figure.POLICY in drivers.DRIVERS
    with_policy = tmp_path / "with_policy.png"
    figure.draw(k, c, ["default", "catch-up"], with_policy, policy_path=k[0] - 0.5)
    assert with_policy.read_bytes() != out.read_bytes()


# The default learning model with its drivers moved (docs/model.md finding 54,
# docs/drivers_2016.py)
drivers = docs_script("drivers_2016")


@pytest.mark.slow  # about 6 s: CI (make test-slow)
def test_the_default_matches_2021_only_with_policy_beyond_its_scenario_from_2016():
    """Measured 2026-12-06 (16 seeds): 2021 Q1 gap 2.37 with no driver, 2.43 with three times
    the entry, 1.81 with the national strategy from 2016, 1.32 with its compute support at 45 %
    of every firm's R&D cost from 2016 (but 1.91 in 2018, SPRi's level says about 1.55), 2.12
    with that from its real date, 2019 Q4; here 2 seeds."""
    gap_2018, gap_2021 = drivers.QUARTERS.index(8), drivers.QUARTERS.index(20)
    medians = {
        label: np.median(drivers.run(drivers.DRIVERS[label], 2)[0], axis=0)
        for label in (
            "no driver",
            "entry x3, seed funding x3",
            "... compute 45 % for every firm",
            "... the same from 2019 Q4 (real date)",
        )
    }
    assert medians["no driver"][gap_2021] > 2.1, medians
    assert medians["entry x3, seed funding x3"][gap_2021] > 2.1, medians
    strong = medians["... compute 45 % for every firm"]
    assert 1.1 < strong[gap_2021] < 1.6 and strong[gap_2018] > 1.75, medians
    assert medians["... the same from 2019 Q4 (real date)"][gap_2021] > 1.8, medians


def test_the_drivers_script_refuses_an_unknown_row(monkeypatch, capsys):
    monkeypatch.setattr("sys.argv", ["drivers_2016.py", "--only", "no such row"])
    assert drivers.main() == 2
    assert "no such row" in capsys.readouterr().err
