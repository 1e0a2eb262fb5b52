"""sim.config.uncertainty: the declared uncertain parameters, their checks, and the worlds."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import sim
from sim.config import design
from sim.config.checks import ConfigError
from sim.config.schema import RunConfig
from sim.config.uncertainty import (
    UNCERTAINTY_DIR,
    UncertainParameter,
    UncertaintyConfig,
    apply_world,
    load_uncertainty,
    overrides_of,
    worlds,
)

ROOT = Path(__file__).resolve().parents[2]
SMALL_V2 = [
    "world=synthetic",
    "world.n_startups=60",
    "world.n_conglomerates=4",
    "world.n_foreign=2",
    "model.economics=v2",
]
# The keys issue 13 item 1 asks for at least (version 2's keys; docs/uncertainty.md).
REQUIRED = {
    "model.rnd.beta_alliance_shallow",  # spillover rates
    "model.rnd.beta_alliance_deep",
    "model.rnd.relatedness.scale",  # relatedness
    "model.growth.margin",  # margins
    "model.markets.domestic_share_initial",  # home bias
    "model.choice.coord_cost_fixed",  # coordination cost
    "model.growth.entry_noise",  # entry elasticity
    "world.n_startups",  # number of startups
    "model.growth.frontier_growth",  # frontier growth
}
GOOD = {"path": "model.growth.catch_up", "low": 0.5, "high": 2.5, "source": "guess: a test"}


@pytest.fixture(scope="module")
def default():
    return load_uncertainty("default")


@pytest.fixture(scope="module")
def korea_v2():
    return sim.compose(["model.economics=v2"])


def strata(values, low, high):
    """The stratum (0..n-1) each of n values falls in, of n equal parts of [low, high]."""
    n = len(values)
    return np.minimum(np.floor((np.asarray(values) - low) / (high - low) * n), n - 1).astype(int)


# --- the default file ---------------------------------------------------------------------


def test_the_default_file_loads_and_declares_what_the_issue_asks(default, korea_v2):
    assert default.name == "default"
    assert REQUIRED <= set(default.paths)
    load_uncertainty(UNCERTAINTY_DIR / "default.yaml", base=korea_v2)  # checked on korea_2024 too
    for p in default.parameters:
        assert p.low < p.high and p.source.strip()
        assert p.is_guess or "section" in p.source or "sections" in p.source, p.path


def test_every_default_range_holds_the_default_value(default, korea_v2):
    """Version 2's defaults on korea_2024 are one plausible world (the scale's default is 1).

    A lever's key is read from the scenario that pulls the lever (its file's value).
    """
    for p in default.parameters:
        cfg = korea_v2
        if p.path.startswith("scenario."):
            cfg = sim.compose([f"scenario={p.path.split('.')[1]}", "world=korea_2024"])
        value = 1.0 if p.path.endswith(".scale") else design.get_path(cfg, p.path)
        assert value is not None, p.path
        assert p.low <= value <= p.high, (p.path, value)


def test_a_range_cited_from_the_history_matching_is_its_abc_range(default):
    """A range citing an ABC range is that of the fit record it names, and that record's
    adopted values are the defaults (the latest fit's record, or the one it kept)."""
    latest = ROOT / "configs" / "calibration" / "korea_2024_history_result.yaml"
    adopted = yaml.safe_load(latest.read_text(encoding="utf-8"))["adopted"]
    cited = [p for p in default.parameters if "ABC range" in p.source]
    assert cited, "the default set cites the history matching's ABC range"
    for p in cited:
        (record,) = re.findall(r"configs/calibration/\S+\.yaml", p.source)
        fit = yaml.safe_load((ROOT / record).read_text(encoding="utf-8"))
        ranges = fit["accepted"]["ranges"]
        assert (p.low, p.high) == (ranges[p.path]["low"], ranges[p.path]["high"]), p.path
        assert fit["adopted"][p.path] == adopted[p.path], (record, p.path)


# --- bad files: one line naming the file and the entry ------------------------------------


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({**GOOD, "path": "model.growth.catchup"}, "is not a config key"),
        ({**GOOD, "path": "world.name"}, r"is not numeric \(a str\)"),
        ({**GOOD, "path": "model.rnd.relatedness"}, r"model.rnd.relatedness.scale"),
        ({**GOOD, "path": "model.growth.catch_up.scale"}, "is not a list of numbers"),
        ({**GOOD, "path": "scenario.mega_alliance.missions"}, "has no key 'missions'"),
        ({**GOOD, "path": "scenario.mega_alliance.mission", "low": -1.0}, "low=-1.0 is outside"),
        ({**GOOD, "path": "scenario.mega_alliance.name"}, r"is not numeric \(a str\)"),
        ({**GOOD, "low": 0.3, "high": 0.3}, "out of order; allowed: low < high"),
        ({**GOOD, "low": 2.5, "high": 0.5}, "out of order"),
        ({**GOOD, "low": float("nan")}, "not a finite number"),
        ({**GOOD, "high": float("inf")}, "not a finite number"),
        ({**GOOD, "low": "small"}, "wrong type"),
        ({**GOOD, "high": True}, "wrong type"),
        ({**GOOD, "path": "model.growth.margin", "high": 1.5}, r"allowed: \[0.0, 1.0\]"),
        ({**GOOD, "path": "model.markets.domestic_share_initial", "high": 0.6}, "inside share"),
        ({**GOOD, "path": "model.rnd.relatedness.scale", "high": 2.0}, "RnDParams.relatedness"),
        ({**GOOD, "path": "world.n_startups", "low": 10.5, "high": 20}, "whole numbers"),
        ({**GOOD, "source": ""}, "says nowhere the range comes from"),
        ({**GOOD, "source": "guess:  "}, "says nowhere the range comes from"),
        ({k: v for k, v in GOOD.items() if k != "source"}, "missing source"),
        ({**GOOD, "sorce": "x"}, r"unknown keys \['sorce'\]"),
        ({**GOOD, "path": "model.growth.obsolescence"}, "declared twice"),
    ],
)
def test_a_bad_entry_is_one_line_naming_file_and_entry(tmp_path, entry, message):
    good = {"path": "model.growth.obsolescence", "low": 0.005, "high": 0.02, "source": "guess: t"}
    file = tmp_path / "bad.yaml"
    file.write_text(yaml.safe_dump({"name": "bad", "parameters": [good, entry]}), "utf-8")
    with pytest.raises(ConfigError, match=message) as caught:
        load_uncertainty(file)
    text = str(caught.value)
    assert "\n" not in text
    assert text.startswith(f"{file}: parameters[1]"), text
    assert str(entry.get("path")) in text


def test_an_out_of_range_bound_is_named_with_what_the_config_allows(tmp_path):
    file = tmp_path / "bad.yaml"
    entry = {"path": "model.rnd.beta_public", "low": 0.1, "high": 1.2, "source": "guess: x"}
    file.write_text(yaml.safe_dump({"parameters": [entry]}), "utf-8")
    with pytest.raises(ConfigError) as caught:
        load_uncertainty(file)
    assert str(caught.value) == (
        f"{file}: parameters[0] (model.rnd.beta_public): high=1.2 is outside what the config "
        "allows: RnDParams.beta_public=1.2 is out of range; allowed: [0.0, 1.0]"
    )


def test_a_missing_file_or_a_file_that_is_not_a_set_is_one_line(tmp_path):
    with pytest.raises(ConfigError, match="no such uncertainty file; allowed: default"):
        load_uncertainty("nosuch")
    file = tmp_path / "list.yaml"
    file.write_text("- 1\n- 2\n", "utf-8")
    with pytest.raises(ConfigError, match="holds no mapping"):
        load_uncertainty(file)
    file.write_text("name: x\nparameters: [\n  - {path: a\n", "utf-8")
    with pytest.raises(ConfigError, match="cannot be read as YAML") as caught:
        load_uncertainty(file)
    assert "\n" not in str(caught.value) and str(caught.value).startswith(str(file))
    file.write_text("name: x\nparams: []\n", "utf-8")
    with pytest.raises(ConfigError, match=r"unknown top-level keys \['params'\]"):
        load_uncertainty(file)


# --- the worlds ---------------------------------------------------------------------------


def test_worlds_are_deterministic_for_a_seed_and_differ_across_seeds(default):
    first, again, other = worlds(default, 16, 7), worlds(default, 16, 7), worlds(default, 16, 8)
    assert first.equals(again)
    assert not np.allclose(first.to_numpy(float), other.to_numpy(float))


def test_worlds_are_a_latin_hypercube_within_the_bounds(default):
    n = 32
    table = worlds(default, n, 0)
    assert list(table.index) == list(range(n)) and table.index.name == "world"
    assert list(table.columns) == default.paths
    for p in default.parameters:
        values = table[p.path].to_numpy()
        assert values.min() >= p.low and values.max() <= p.high, p.path
        if p.path == "world.n_startups":  # an int key: whole numbers, rounded
            assert table[p.path].dtype == np.int64
            continue
        assert sorted(strata(values, p.low, p.high)) == list(range(n)), p.path


def test_an_integer_key_gives_every_whole_number_a_world():
    u = UncertaintyConfig("ints", [UncertainParameter("world.n_startups", 3, 6, "guess: t")])
    values = worlds(u, 400, 1)["world.n_startups"]
    counts = values.value_counts().sort_index()
    assert list(counts.index) == [3, 4, 5, 6]
    assert counts.min() == counts.max() == 100  # 4 values, 400 strata: exactly 100 each


@pytest.mark.parametrize(("n", "seed"), [(0, 0), (-1, 0), (2.5, 0), (4, -1), (True, 0)])
def test_bad_sizes_and_seeds_are_refused(default, n, seed):
    with pytest.raises(ConfigError, match="is out of range"):
        worlds(default, n, seed)


FRACTIONS = ("model.rnd.beta_public", "model.growth.margin", "model.choice.revision_share")


@given(
    bounds=st.lists(st.tuples(st.floats(0.0, 0.9), st.floats(1e-3, 1.0)), min_size=1, max_size=3),
    n=st.integers(1, 50),
    seed=st.integers(0, 2**32),
)
def test_any_bounds_give_a_seeded_latin_hypercube_inside_them(bounds, n, seed):
    params = [
        UncertainParameter(path, low, min(low + width, 1.0), "guess: property test")
        for path, (low, width) in zip(FRACTIONS, bounds, strict=False)
    ]
    params = [p for p in params if p.low < p.high]
    u = UncertaintyConfig("random", params)
    table = worlds(u, n, seed)
    assert table.shape == (n, len(params))
    assert table.equals(worlds(u, n, seed))
    for p in params:
        values = table[p.path].to_numpy()
        assert np.all((values >= p.low) & (values <= p.high))
        assert sorted(strata(values, p.low, p.high)) == list(range(n))


@given(low=st.floats(-1e6, 1e6), less=st.floats(0.0, 1e6))
def test_low_must_be_below_high(low, less):
    with pytest.raises(ConfigError, match="out of order"):
        UncertainParameter("model.growth.margin", low, low - less, "guess: property test")


# --- a world applied to a config ------------------------------------------------------------


def test_a_world_sets_each_declared_key_to_its_value(default):
    base = sim.compose([*SMALL_V2, "scenario=national_strategy"])  # pulls every lever declared
    table = worlds(default, 4, 3)
    for _, row in table.iloc[:2].iterrows():
        cfg = apply_world(base, row)
        assert isinstance(cfg, RunConfig)
        for path, value in row.items():
            if path == "model.rnd.relatedness.scale":
                table_now = np.array(cfg.model.rnd.relatedness)
                table_was = np.array(base.model.rnd.relatedness)
                off = ~np.eye(len(table_was), dtype=bool)
                assert np.array_equal(table_now[off], table_was[off] * value)
                assert np.all(np.diag(table_now) == 1.0)
            else:
                assert design.get_path(cfg, path) == value, path
        assert isinstance(cfg.world.n_startups, int)


def test_the_overrides_compose_to_the_same_config_as_the_world(default):
    small = [*SMALL_V2, "scenario=national_strategy"]  # pulls every lever declared
    base = sim.compose(small)
    row = worlds(default, 4, 5).iloc[2]
    overrides = overrides_of(row, base)
    assert len(overrides) == len(row) and all("=" in o for o in overrides)
    composed, applied = sim.compose([*small, *overrides]), apply_world(base, row)
    for path in default.paths:
        key = path.removesuffix(".scale")
        assert design.get_path(composed, key) == design.get_path(applied, key), key


def test_a_world_that_scales_a_list_composes_as_overrides(default):
    """A world's relatedness scale past 1 / (0.6 x 1.5) composes; its ranges bind a robust design.

    The declared range of ``model.rnd.relatedness.scale`` (up to 1.5) is a bound on the scale
    of the world's own table. A world's values composed as overrides already hold the scaled
    table, so checking the range on top of it (0.6 x 1.6 x 1.5 > 1) refused a valid world.
    Where the design draws worlds from the ranges (``analysis.source=uncertainty``) the same
    table is refused, naming the entry.
    """
    small = [*SMALL_V2]
    row = {"model.rnd.relatedness.scale": 1.6}
    overrides = overrides_of(row, sim.compose(small))
    composed = sim.compose([*small, *overrides])
    table = np.array(composed.model.rnd.relatedness)
    assert table.max() == pytest.approx(1.0) and np.sort(table[table < 1])[-1] > 0.9
    robust = [*small, *overrides, "analysis.source=uncertainty", "analysis.method=latin"]
    with pytest.raises(ConfigError, match=r"model.rnd.relatedness.scale\): high=1.5"):
        sim.compose(robust)


def test_a_bad_world_value_is_refused_naming_the_key():
    with pytest.raises(ConfigError, match=r"model.growth.margin=1.5: .*allowed: \[0.0, 1.0\]"):
        apply_world(RunConfig(), {"model.growth.margin": 1.5})


@pytest.mark.parametrize("world", [0, 1])
def test_a_world_of_the_default_set_runs_with_finite_outputs(default, world):
    row = worlds(default, 8, 11).iloc[world]
    cfg = apply_world(sim.compose(SMALL_V2), row)
    model = sim.AllianceModel(cfg).run(2)
    records = model.datacollector.get_model_vars_dataframe()
    assert len(records) == 3  # step 0 and two quarters
    numbers = records.select_dtypes("number").to_numpy(float)
    assert np.isfinite(numbers).all()
    assert model.initial_startups == row["world.n_startups"]  # the world is the row's


def test_the_module_loads_without_the_schema():
    """``sim.config.schema`` may import ``UncertaintyConfig``: no import cycle at load time."""
    source = (ROOT / "sim" / "config" / "uncertainty.py").read_text(encoding="utf-8")
    loaded = {
        node.module
        for node in ast.parse(source).body
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert {m for m in loaded if m.startswith("sim")} == {"sim.config.checks"}


def test_every_declared_parameter_has_words_and_reports_use_them():
    from sim.analysis.words import parameter_words
    from sim.config.uncertainty import load_uncertainty

    for p in load_uncertainty("default").parameters:
        assert p.label.strip(), f"{p.path} has no label"
        assert parameter_words(p.path) == p.label
    assert parameter_words("model.rnd.not_declared.scale") == "not declared multiplier"


def test_a_levers_key_sets_only_the_runs_whose_scenario_pulls_the_lever():
    """Finding 35: what a mandate brings is uncertain where there is a mandate, nowhere else."""
    row = {"scenario.mega_alliance.member_value": 0.8, "model.growth.margin": 0.12}
    mandated = sim.compose(["scenario=mega_alliance", "world=synthetic"])
    baseline = sim.compose(["scenario=baseline", "world=synthetic"])
    assert apply_world(mandated, row).scenario.mega_alliance.member_value == 0.8
    applied = apply_world(baseline, row)
    assert applied.scenario == baseline.scenario and applied.model.growth.margin == 0.12
    assert overrides_of(row, baseline) == ["model.growth.margin=0.12"]
    assert overrides_of(row, mandated)[0] == "scenario.mega_alliance.member_value=0.8"
