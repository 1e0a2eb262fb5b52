"""sim.analysis.history: reported points, bands, agreement, region mix and the report section."""

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scenarios.worlds.korea_2024 import load_facts
from sim.analysis import history, history_section, report
from sim.runs import store
from tests.analysis.conftest import alliancesim

START = 2024
TINY_KOREA = ["world=korea_2024", "world.n_startups=60", "steps=5", "replicates=2"]
TINY_KOREA += ["model.economics=v2"]
# (replicate, step, size, leader, regime); a replicate without a row lacks the alliance
A_ROWS = [
    (0, 0, 5, "L", "open"),
    (0, 1, 10, "L", "open"),
    (0, 1, 3, "X", "closed"),  # a smaller namesake: the larger one is read
    (0, 2, 12, "L", "open"),
    (1, 1, 20, "M", "open"),
    (1, 2, 22, "L", "closed"),
    (2, 0, 5, "L", "closed"),
    (2, 1, 30, "L", "closed"),
    (3, 0, 5, "L", "open"),
]
FACTS = {
    "alliances": [
        {
            "name": "A",
            "leader": "L",
            "regime": "closed",
            "regime_changes": [{"date": "2024-04", "regime": "open"}],
            "history_excludes_leader": True,
            "history": [
                {"date": "2023-06", "members": 3},  # before the start: the world's input
                {"date": "2024-02", "members": 14},
                {"date": "2024-05", "members": 23},
                {"date": "2025", "members": 40},  # after the table's last step
            ],
        },
        {"name": "B", "leader": "K", "regime": "open", "history": [{"after_quarters": 0}]},
    ]
}


def hand_table() -> pd.DataFrame:
    """Alliance A as above, and alliance B (home us) in every replicate and step."""
    rows = [
        {"replicate": r, "step": s, "name": "A", "size": n, "leader_name": leader, "regime": g}
        for r, s, n, leader, g in A_ROWS
    ]
    rows += [
        {"replicate": r, "step": s, "name": "B", "size": 4, "leader_name": "K", "regime": "open"}
        for r in range(4)
        for s in range(3)
    ]
    table = pd.DataFrame(rows).assign(run=".")
    table["home_region"] = np.where(table["name"] == "A", "domestic", "us")
    table["members_domestic"] = np.where(table["name"] == "A", table["size"], table["replicate"])
    return table


def test_reported_points_from_a_hand_facts_file():
    points = history.reported_points(FACTS, START, scale=2.0, held_out={("A", "2024-05")})
    assert points["date"].tolist() == ["2024-02", "2024-05", "2025"]
    assert points["step"].tolist() == [1, 2, 8]  # the end of the quarter, or of the year
    assert points["first_step"].tolist() == [0, 1, 4]
    assert points["reported"].tolist() == [15.0, 24.0, 41.0]  # the leader added
    assert points["expected"].tolist() == [30.0, 48.0, 82.0]
    assert points["regime"].tolist() == ["closed", "open", "open"]
    assert points["role"].tolist() == ["in-sample", "held-out", "in-sample"]
    assert history.archetypes(FACTS) == ["A"]  # B has no dated size


def test_bands_count_a_missing_alliance_as_zero_and_say_why():
    band = history.bands(hand_table(), ["A"], START).set_index("step")
    # step 1: sizes 10, 20, 30 and 0 (replicate 3 gone); numpy's linear quantiles
    assert band.loc[1, ["p05", "p50", "p95"]].tolist() == pytest.approx([1.5, 15.0, 28.5])
    assert band.loc[2, ["p05", "p50", "p95"]].tolist() == pytest.approx([0.0, 6.0, 20.5])
    assert band["present"].tolist() == [0.75, 0.75, 0.5]
    assert band["not_founded"].tolist() == [0.25, 0.0, 0.0]  # replicate 1 at step 0
    assert band["gone"].tolist() == [0.0, 0.25, 0.5]
    assert band["date"].tolist() == ["2024Q1", "2024Q2", "2024Q3"]
    assert (band["replicates"] == 4).all()


def test_agreement_by_hand():
    table = hand_table()
    points = history.reported_points(FACTS, START, held_out={("A", "2024-05")})
    agree = history.agreement(table, points, history.bands(table, ["A"], START))
    assert agree["date"].tolist() == ["2024-02", "2024-05"]  # 2025 lies after the table
    assert agree["inside"].tolist() == [True, False]  # 15 in [1.5, 28.5]; 24 > 20.5
    assert agree["leader_share"].tolist() == [0.5, 0.5]  # L in replicates 0, 2 / 0, 1
    assert agree["regime_share"].tolist() == [0.25, 0.25]  # closed in 2 / open in 0
    text = history_section.markdown_table(agree, START)
    assert "| A | 2024-02 | 2024Q1 | 15 | 15 [1.5-28.5] | yes |" in text
    assert "| **no** | 0% / 50% | L (50%) | open (25%) | held-out |" in text
    assert history_section.reading(agree) == (
        "1 of 1 in-sample points lie inside the 90 % band; outside: none. 0 of 1 held-out "
        "points lie inside the 90 % band; outside: A 2024-05."
    )


def test_a_lower_bound_is_inside_when_the_band_reaches_it():
    """ "More than 14" at 2024-02 (band 1.5-28.5) and "more than 23" at 2024-05 (band 0-20.5)."""
    facts = {"alliances": [dict(FACTS["alliances"][0])]}
    facts["alliances"][0]["history"] = [
        {"date": "2024-02", "members": 14, "at_least": True},
        {"date": "2024-05", "members": 23, "at_least": True},
        {"date": "2024-02", "members": 0, "at_least": True},  # 1, below the band: met
    ]
    table = hand_table()
    points = history.reported_points(facts, START)
    assert points["at_least"].tolist() == [True, True, True]
    agree = history.agreement(table, points, history.bands(table, ["A"], START))
    assert agree["inside"].tolist() == [True, False, True]
    text = history_section.markdown_table(agree, START)
    assert "| A | 2024-02 | 2024Q1 | more than 15 | 15 [1.5-28.5] | yes |" in text
    plain = history.reported_points(FACTS, START)
    assert not plain["at_least"].any()


def test_foreign_mix_at_each_replicates_last_step():
    mix = history.foreign_mix(hand_table(), ["A", "B"])
    assert mix["alliance"].tolist() == ["B"]  # A's home is Korea
    (row,) = mix.itertuples()
    # members from Korea 0, 1, 2, 3 of 4 in replicates 0..3: mean 37.5 %, at most 75 %
    assert (row.share_korea, row.share_korea_max, row.above_limit) == (0.375, 0.75, True)
    others = history.foreign_mix(hand_table(), ["A"])
    assert others["alliance"].tolist() == [history.OTHERS]


def test_a_table_without_leader_names_is_a_clear_error():
    with pytest.raises(ValueError, match="lacks leader_name"):
        history.bands(hand_table().drop(columns="leader_name"), ["A"], START)


@settings(max_examples=40)
@given(st.lists(st.lists(st.integers(-1, 50), min_size=3, max_size=3), min_size=1, max_size=8))
def test_band_is_ordered_and_absence_shares_add_up(sizes):
    rows = [
        {"replicate": r, "step": s, "name": "A", "size": n, "leader_name": "L", "regime": "open"}
        for r, row in enumerate(sizes)
        for s, n in enumerate(row)
        if n >= 0  # -1: no alliance in that replicate and step
    ]
    rows += [
        {"replicate": r, "step": s, "name": "B", "size": 1, "leader_name": "K", "regime": "open"}
        for r in range(len(sizes))
        for s in range(3)
    ]
    band = history.bands(pd.DataFrame(rows), ["A"], START)
    assert (band["p05"] <= band["p50"]).all() and (band["p50"] <= band["p95"]).all()
    total = band["present"] + band["not_founded"] + band["gone"]
    assert np.allclose(total, 1.0)
    assert (band["p05"] >= 0).all() and (band["p95"] <= max(0, *(max(r) for r in sizes))).all()


def test_korea_2024_points_come_from_the_facts_file():
    held = history.held_out_points("korea_2024")
    assert held == set(history.HELD_OUT)  # the spec file, where it exists, agrees
    points = history.reported_points(load_facts("korea_2024.yaml"), START, held_out=held)
    k_ai = points[points["alliance"] == "K-AI Alliance"].iloc[0]
    assert (k_ai["date"], k_ai["reported"], k_ai["leader"]) == ("2024-07", 19.0, "SK Telecom")
    assert (k_ai["step"], k_ai["regime"]) == (3, "open")  # end of 2024 Q3; open from 2024 Q3
    roles = points.set_index(["alliance", "date"])["role"]
    assert set(roles[roles == "held-out"].index) == set(history.HELD_OUT)
    assert len(points) == 11 and "China state-coordinated AI firms" not in set(points["alliance"])
    assert history.held_out_points("synthetic") == frozenset()


def test_held_out_points_read_the_spec_file(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("world: korea_2024\nheld_out:\n  - {alliance: AX Alliance, date: '2024-07'}\n")
    assert history.held_out_points("korea_2024", spec) == {("AX Alliance", "2024-07")}
    spec.write_text("world: korea_2016\nheld_out: []\n")  # another world's spec: the default
    assert history.held_out_points("korea_2024", spec) == set(history.HELD_OUT)


@pytest.fixture(scope="module")
def korea(tmp_path_factory) -> Path:
    """A tiny korea_2024 run under version 2 (read-only: a test that reports copies it)."""
    folder = tmp_path_factory.mktemp("korea")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.setattr("sys.argv", ["alliancesim"])
        assert alliancesim([*TINY_KOREA, "hydra.run.dir=k"]) == 0
    return folder / "k"


def test_the_history_section_of_a_korea_2024_run(korea):
    alliances = store.load(korea, "alliances").assign(label="baseline")
    section = history_section.history_section(korea, alliances, ["baseline"])
    ((title, caption, fig),) = section.figures
    assert title == "History: the real alliances" and "fitted to the in-sample points" in caption
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == len(history.archetypes(load_facts("korea_2024.yaml")))
    assert "## History: the real alliances (baseline)" in section.text
    assert "| K-AI Alliance | 2024-07 | 2024Q3 | 19 |" in section.text
    table = section.table
    assert set(table["role"]) == {"in-sample", "held-out"} and (table["label"] == "baseline").all()
    assert table["leader_share"].between(0, 1).all() and table["inside"].dtype == bool
    assert table["step"].max() <= 5  # points after the run's last quarter are left out
    assert "lie after the runs' last quarter" in section.text


@pytest.mark.slow  # 10-21 s measured (2 shared cores): the whole report, every figure
def test_the_report_shows_the_history_section(korea, tmp_path):
    folder = Path(shutil.copytree(korea, tmp_path / "k"))
    assert report.main([str(folder)]) == 0
    assert "## History: the real alliances (baseline)" in (folder / "summary.md").read_text()
    assert len(pd.read_csv(folder / "history.csv")) > 0
    assert (folder / "figures" / "history.png").exists()
    assert "History: reported points against the model" in (folder / "report.html").read_text()


def test_a_synthetic_world_skips_the_section_in_one_line(comparison):
    alliances = store.load(comparison, "alliances").assign(label="baseline")
    section = history_section.history_section(comparison, alliances, ["baseline"])
    assert section.figures == [] and section.table.empty
    body = section.text.strip().splitlines()[-1]
    assert (
        body == "Skipped: the runs' world (synthetic) holds no real alliances with reported sizes."
    )


def test_runs_too_old_to_compare_skip_the_section_in_one_line(korea):
    alliances = store.load(korea, "alliances").assign(label="baseline")
    section = history_section.history_section(
        korea, alliances.drop(columns="leader_name"), ["baseline"]
    )
    assert section.figures == [] and section.table.empty
    assert (
        section.text.strip()
        .splitlines()[-1]
        .startswith(
            "Skipped: these runs cannot be compared (ValueError: alliance table lacks leader_name"
        )
    )
