"""sim.config.describe: keys explained from the typed config's source, never by hand."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

import pytest

from sim.config.checks import ConfigError, check_choice, check_range
from sim.config.compose import CONFIG_DIR, USER_CONFIG_ENV
from sim.config.describe import describe, keys_of, levers, main, overview, unit_of
from sim.config.levers import LeverWindow, PublicComputeConfig, TournamentConfig

# Lever keys whose source states no description or no unit yet (sim/config/levers.py is
# not this module's to change). A new key without them fails; a gap closed fails too, so
# that it leaves this list.
NO_DESCRIPTION: set[str] = set()
NO_UNIT: set[str] = set()


def lever_keys() -> dict[str, object]:
    """Every lever key as ``lever.key`` with its description."""
    return {f"{lever}.{k.name}": k for lever, cls in levers().items() for k in keys_of(cls)}


def test_every_lever_key_has_a_description_and_a_unit():
    keys = lever_keys()
    assert len(keys) >= 40
    undescribed = {name for name, k in keys.items() if not k.about}
    unitless = {name for name, k in keys.items() if not k.unit}
    assert undescribed == NO_DESCRIPTION, "give each lever field a trailing comment"
    assert unitless == NO_UNIT, "say the unit in the field's comment (USD m, quarters, share...)"


def test_every_lever_field_is_described():
    for lever, cls in levers().items():
        names = [k.name for k in keys_of(cls)]
        assert names == [f.name for f in dataclasses.fields(cls)], lever


def test_pinned_keys():
    keys = {k.name: k for k in keys_of(PublicComputeConfig)}
    cost = keys["cost_reduction"]
    assert (cost.kind, cost.default, cost.unit, cost.allowed) == (
        "float",
        "0.3",
        "share (0-1)",
        "0 to 0.9",
    )
    assert cost.about == "share of R&D cost the cluster saves an eligible firm"
    assert keys["eligibility"].allowed == "one of all, startups, open_members, mandated"
    assert keys["end"].allowed == "> start" and keys["start"].allowed == "0 to 399"
    tournament = {k.name: k for k in keys_of(TournamentConfig)}
    assert tournament["end"].default == "16" and tournament["end"].unit == "quarters"  # base's
    assert tournament["end"].about.startswith("Money stops at 2028 Q1")  # the block above
    assert tournament["stages"].unit == "[quarter, keep] pairs"  # from the docstring
    assert tournament["funding"].unit == "USD m a quarter"
    assert tournament["application_cost"].unit == "USD m"


def test_defaults_lie_in_the_ranges_read():
    for lever, cls in [*levers().items(), ("window", LeverWindow)]:
        for k in keys_of(cls):
            bounds = re.fullmatch(r"(-?[\d.e+]+) to (-?[\d.e+]+)", k.allowed)
            low = re.fullmatch(r">= (-?[\d.e+]+)", k.allowed)
            if bounds:
                assert float(bounds[1]) <= float(k.default) <= float(bounds[2]), (lever, k)
            elif low:
                assert float(k.default) >= float(low[1]), (lever, k)
            elif k.allowed.startswith("one of"):
                assert k.default in k.allowed[7:].split(", "), (lever, k)


@dataclass
class Made:
    """A config made up for the test. ``pairs`` lists ``[day, count]`` pairs."""

    money: float = 1.0  # USD m per quarter paid
    stock: float = 2.0  # USD m held
    odds: float = 0.5  # /quarter chance of a thing
    cut: float = 0.1  # share of revenue kept
    wait: int = 4  # quarters between reviews
    mode: str = "a"  # a | b
    flag: bool = True  # whether it is on
    pairs: list[list[int]] = field(default_factory=list)
    plain: float = 3.0  # a number with nothing said about its measure
    bare: int = 1

    def __post_init__(self) -> None:
        check_range(self, "money", 0.0)
        for name in ("odds", "cut"):
            check_range(self, name, 0.0, 1.0)
        check_range(self, "wait", 1, self.bare + 9)
        check_choice(self, "mode", ("a", "b"))


def test_units_and_ranges_are_read_from_any_config_class():
    keys = {k.name: k for k in keys_of(Made)}
    units = {name: k.unit for name, k in keys.items()}
    assert units == {
        "money": "USD m a quarter",
        "stock": "USD m",
        "odds": "",
        "cut": "share (0-1)",
        "wait": "quarters",
        "mode": "choice",
        "flag": "true/false",
        "pairs": "[day, count] pairs",
        "plain": "",
        "bare": "",
    }
    assert keys["odds"].allowed == keys["cut"].allowed == "0 to 1"
    assert keys["wait"].allowed == "1 to bare + 9" and keys["money"].allowed == ">= 0"
    assert keys["bare"].about == "" and keys["plain"].allowed == ""
    assert unit_of(Made, "risk", "float", "probability of a raid a quarter", "") == (
        "probability a quarter"
    )


def test_the_overview_lists_every_option_and_lever_key():
    text = overview()
    for group in ("world", "scenario", "sweep"):
        for file in (CONFIG_DIR / group).glob("*.yaml"):
            assert re.search(rf"^  {file.stem} +\S", text, re.M), file
    headings = [line.split(" (")[0] for line in text.splitlines() if line[:1].isalpha()]
    assert headings == ["Worlds", "Scenarios", "Sweep presets", "Run settings", "Levers"]
    lines = text.split("\nLevers (")[1].splitlines()
    for lever, cls in levers().items():
        start = lines.index(next(line for line in lines if line.startswith(f"  {lever}: ")))
        names = []
        for line in lines[start + 1 :]:
            if not line.startswith("    "):
                break
            if not line.startswith("      "):
                names.append(line.split()[0])
        assert names == [f.name for f in dataclasses.fields(cls)], lever
    assert "2026Q1 is 8" in text and "replicates  (int; default 1" in text


def test_user_folders_are_listed_and_described(tmp_path, monkeypatch, capsys):
    (tmp_path / "scenario").mkdir()
    (tmp_path / "scenario" / "mine.yaml").write_text(
        "# Does mine work?\n#   alliancesim scenario=mine\nname: mine\nopen_data:\n  cost: 5.0\n"
    )
    monkeypatch.setenv(USER_CONFIG_ENV, str(tmp_path))
    assert re.search(
        rf"^  mine +Does mine work\? \[{re.escape(str(tmp_path))}\]$", overview(), re.M
    )
    assert main(["scenario/mine"]) == 0
    out = capsys.readouterr().out
    assert "pulls lever open_data" in out and "cost: 5.0 (default 20.0; USD m a quarter)" in out


def test_describe_names_and_refuses(capsys):
    assert describe("lever/subsidy").startswith("lever subsidy: Subsidies")
    both = describe("open_data")  # a scenario and a lever of that name
    assert "scenario open_data (" in both and "lever open_data: " in both
    assert "world.n_startups  (int; default 1000; firms" in describe("world/synthetic")
    with pytest.raises(ConfigError, match="allowed: scenario/antitrust_guidance"):
        describe("mega")
    assert main(["lever/baseline"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith("alliancesim-describe: error: ")
    assert main(["--config-dir", "/nonexistent", "baseline"]) == 2


def test_alliancesim_help_explains(capfd):
    from sim.runs.cli import main as alliancesim

    assert alliancesim(["--help"]) == 0
    out = capfd.readouterr().out
    assert out.startswith("usage: alliancesim") and "--config-dir DIR" in out
    assert (
        "cost_reduction  (float; default 0.3; share (0-1); allowed 0 to 0.9 and model.rnd.rd_cost"
        " x (1 - cost_reduction) x demand_slope > 2 (below 0.5 at the defaults))" in out
    )
    assert "Levers (" in out and "mega_alliance: " in out


def test_keys_only_version_1_reads_say_so_where_levers_are_listed():
    """mandate_strength was listed without a word while version 2 ignores it (a newcomer swept
    it, 2026-12-06); every version-1-only lever key now says so, in --help and describe."""
    from sim.config.versions import VERSION_1_ONLY

    lever_keys = [k for k in VERSION_1_ONLY if k.startswith("scenario.")]
    assert "scenario.mega_alliance.mandate_strength" in lever_keys
    help_text = overview()
    for key in lever_keys:
        _, lever, name = key.split(".")
        marked = [k for k in keys_of(levers()[lever], f"scenario.{lever}.") if k.name == name]
        assert marked[0].about.startswith("version 1 only"), key
        assert f"scenario.{lever}.{name}" in describe(f"lever/{lever}")
    lines = help_text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("mandate_strength"))
    assert lines[at + 1].strip().startswith("version 1 only")
    unmarked = keys_of(levers()["mega_alliance"])  # without its path: as before
    assert not next(k for k in unmarked if k.name == "mandate_strength").about.startswith("vers")


def test_a_key_bounded_jointly_with_another_group_says_so_where_it_is_listed():
    """--help said public compute's cost_reduction allowed 0 to 0.9, while 0.5 and above are
    refused at the defaults (left alone 2026-12-06, mended the same day): every joint bound
    names a real key, is shown by --help and describe, and is the refusal's own wording."""
    import sim
    from sim.config.schema import COST_REDUCTION_BOUND, joint_bounds

    bounds = joint_bounds()
    assert bounds, "no joint bound: this test has nothing to check"
    cfg = sim.compose(["scenario=public_compute"])
    for key, text in bounds.items():
        _, lever, name = key.split(".")
        assert hasattr(getattr(cfg.scenario, lever), name), key
        listed = [k for k in keys_of(levers()[lever], f"scenario.{lever}.") if k.name == name]
        assert text in listed[0].allowed and text in overview(), key
    with pytest.raises(ConfigError, match=re.escape(COST_REDUCTION_BOUND)):
        sim.compose(["scenario=public_compute", "scenario.public_compute.cost_reduction=0.5"])
