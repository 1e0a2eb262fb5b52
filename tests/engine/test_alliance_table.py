"""The alliance table: columns, leaders' names, home regions, depth, members' region mix."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.config.vocabulary import REGIME_NAMES, REGIONS
from sim.engine.alliance_table import (
    COLUMNS,
    REGION_COLUMNS,
    alliance_columns,
    alliance_table,
    quarter_dates,
    region_mix,
    stack_alliance_columns,
)
from sim.engine.state import NO_ALLIANCE, AllianceState, FirmState

US, EU = REGIONS.index("us"), REGIONS.index("eu")


def hand_world():
    """Six firms, three alliances; alliance 1 dissolved, firm 5 exited.

    Alliance 0 (open, led by firm 1, a US firm): firms 0 (domestic), 1 (us), 2 (domestic),
    5 (us, exited). Alliance 2 (closed, led by firm 4, eu): firms 3 (eu) and 4 (eu).
    """
    firms = FirmState()
    firms.append(
        kind=np.zeros(6, np.int8),
        region=np.array([0, US, 0, EU, EU, US], np.int8),
        domain=np.zeros(6, np.int8),
        capability=np.full(6, 0.5),
        revenue=np.array([1.0, 2.0, 1.0, 3.0, 3.0, 5.0]),
    )
    alliances = AllianceState()
    alliances.append(np.array([0, 1, 1]), np.array([1, 2, 4]), founded=-2, names=["A", "B", "C"])
    firms.alliance[:] = [0, 0, 0, 2, 2, 0]
    firms.alive[5] = False
    alliances.active[1] = False
    alliances.depth[:] = [0.25, 0.9, 0.6]
    return firms, alliances


def test_pinned_values_on_a_hand_built_state():
    firms, alliances = hand_world()
    table = alliance_table(firms, alliances, firm_names=["Alpha", "Beta"], step=5, start_year=2024)
    assert list(table.columns) == ["step", "date", *COLUMNS]
    assert table["alliance"].tolist() == [0, 2]  # the dissolved alliance 1 is left out
    assert table["name"].tolist() == ["A", "C"]
    assert table["regime"].tolist() == ["open", "closed"]
    assert table["leader"].tolist() == [1, 4]
    assert table["leader_name"].tolist() == ["Beta", "firm #4"]  # only two firms are named
    assert table["founded"].tolist() == [-2, -2] and table["parent"].tolist() == [-1, -1]
    assert table["size"].tolist() == [3, 2]  # the exited firm 5 is no member
    assert table["market_share"].tolist() == pytest.approx([4 / 10, 6 / 10])
    assert table["home_region"].tolist() == ["us", "eu"]
    assert table["depth"].tolist() == [0.25, 0.6]
    assert table["members_domestic"].tolist() == [2, 0]
    assert table["members_us"].tolist() == [1, 0]
    assert table["members_eu"].tolist() == [0, 2]
    assert table["members_china"].tolist() == [0, 0] == table["members_japan"].tolist()
    assert (table["step"] == 5).all() and (table["date"] == "2025Q2").all()
    assert table["coordinated"].tolist() == [False, False]
    assert table["domain_concentration"].tolist() == [1.0, 1.0]  # every firm in domain 0


def test_domain_concentration_by_hand():
    firms, alliances = hand_world()
    firms.domain[:] = [0, 1, 2, 3, 3, 1]  # alliance 0: domains 0, 1, 2 (firm 5 exited)
    alliances.coordinated[2] = True
    table = alliance_table(firms, alliances)
    assert table["domain_concentration"].tolist() == pytest.approx([3 * (1 / 3) ** 2, 1.0])
    assert table["coordinated"].tolist() == [False, True]


def test_without_a_step_the_table_has_no_step_or_date():
    firms, alliances = hand_world()
    assert list(alliance_table(firms, alliances).columns) == list(COLUMNS)
    with pytest.raises(ValueError, match=r"^start_year=None with step=3; allowed: a calendar"):
        alliance_table(firms, alliances, step=3)


def test_a_world_without_alliances_gives_an_empty_table_with_every_column():
    firms, _ = hand_world()
    firms.alliance[:] = NO_ALLIANCE
    table = alliance_table(firms, AllianceState(), step=0, start_year=2016)
    assert table.empty and list(table.columns) == ["step", "date", *COLUMNS]


@pytest.mark.parametrize("empty_quarter", [False, True])
def test_stacked_quarters_equal_the_concatenated_tables(empty_quarter):
    from dataclasses import replace

    import pandas as pd

    firms, alliances = hand_world()
    alone = replace(firms, alliance=np.full(firms.n, NO_ALLIANCE, dtype=firms.alliance.dtype))
    quarters, tables = [], []
    for step in range(3):
        alliances.depth[:] += 0.01 * step
        state = (alone, AllianceState()) if empty_quarter and step == 1 else (firms, alliances)
        kw = {"firm_names": ["Alpha"], "step": step, "start_year": 2024}
        quarters.append(alliance_columns(*state, **kw))
        tables.append(alliance_table(*state, **kw))
    expected = pd.concat(tables, ignore_index=True)
    assert len(expected) == (4 if empty_quarter else 6)
    pd.testing.assert_frame_equal(stack_alliance_columns(quarters), expected, check_exact=True)


def test_region_columns_follow_the_vocabulary():
    assert REGION_COLUMNS == tuple(f"members_{r}" for r in REGIONS)
    assert len(REGION_COLUMNS) == 5 and REGION_COLUMNS[0] == "members_domestic"


@pytest.mark.parametrize(
    ("step", "start_year", "date"),
    [(0, 2024, "2024Q1"), (3, 2024, "2024Q4"), (4, 2024, "2025Q1"), (-1, 2024, "2023Q4"),
     (39, 2016, "2025Q4"), (-25, 2024, "2017Q4")],
)  # fmt: skip
def test_quarter_dates_pinned(step, start_year, date):
    assert quarter_dates([step], start_year) == [date]


@given(st.lists(st.integers(-400, 400), max_size=20), st.integers(1990, 2100))
def test_quarter_dates_read_back_as_their_steps(steps, start_year):
    dates = quarter_dates(steps, start_year)
    assert len(dates) == len(steps)
    for step, date in zip(steps, dates, strict=True):
        year, quarter = date.split("Q")
        assert 1 <= int(quarter) <= 4
        assert (int(year) - start_year) * 4 + int(quarter) - 1 == step


def random_world(seed, n, m):
    """``n`` random firms (some exited, some alone) in ``m`` alliances (some dissolved)."""
    rng = np.random.default_rng(seed)
    firms = FirmState()
    firms.append(
        kind=rng.integers(0, 2, n).astype(np.int8),
        region=rng.integers(0, len(REGIONS), n).astype(np.int8),
        domain=rng.integers(0, 7, n).astype(np.int8),
        capability=rng.uniform(0.1, 1.0, n),
        revenue=rng.uniform(0.0, 10.0, n),
    )
    alliances = AllianceState()
    if m:
        alliances.append(rng.integers(0, 2, m), rng.integers(0, n, m), founded=0)
        alliances.active[:] = rng.random(m) < 0.8
        alliances.depth[:] = rng.uniform(0.0, 1.0, m)
        firms.alliance[:] = rng.integers(NO_ALLIANCE, m, n)
    firms.alive[:] = rng.random(n) < 0.85
    return firms, alliances


@given(st.integers(0, 2**32 - 1), st.integers(1, 40), st.integers(0, 6), st.integers(0, 45))
def test_each_row_agrees_with_the_firms_counted_one_by_one(seed, n, m, named):
    firms, alliances = random_world(seed, n, m)
    names = [f"name {i}" for i in range(named)]
    table = alliance_table(firms, alliances, firm_names=names)
    assert table["alliance"].tolist() == np.flatnonzero(alliances.active).tolist()
    mix = table[list(REGION_COLUMNS)].to_numpy()
    assert (mix >= 0).all() and (mix.sum(axis=1) == table["size"].to_numpy()).all()
    for row in table.itertuples():
        a = row.alliance
        members = [i for i in range(n) if firms.alive[i] and firms.alliance[i] == a]
        assert row.size == len(members)
        for r, column in enumerate(REGION_COLUMNS):
            assert getattr(row, column) == sum(firms.region[i] == r for i in members)
        leader = int(alliances.leader[a])
        assert row.leader == leader
        assert row.leader_name == (names[leader] if leader < named else f"firm #{leader}")
        assert row.home_region == REGIONS[firms.region[leader]]
        assert row.regime == REGIME_NAMES[alliances.regime[a]]
        assert row.depth == alliances.depth[a]
        domains = np.bincount(firms.domain[members], minlength=7) / max(len(members), 1)
        assert row.domain_concentration == pytest.approx((domains**2).sum())
    assert np.isfinite(table["market_share"]).all() and np.isfinite(table["depth"]).all()
    assert region_mix(firms, alliances).sum() == (firms.alive & (firms.alliance >= 0)).sum()
