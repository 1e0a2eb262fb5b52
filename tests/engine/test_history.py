"""sim.engine.history: dated events after a world's start, applied at their quarters."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.engine.history import Founding, RegimeChange, Schedule, apply_events, step_of
from sim.engine.state import CLOSED, NO_ALLIANCE, OPEN, AllianceState, FirmState


def _firms(n: int) -> FirmState:
    firms = FirmState()
    firms.append(
        kind=np.zeros(n, np.int8),
        region=np.zeros(n, np.int8),
        domain=np.zeros(n, np.int8),
        capital=np.ones(n),
        openness=np.full(n, 0.5),
        capability=np.full(n, 0.5),
    )
    return firms


def test_step_of_counts_quarters_from_q1_of_the_start_year():
    assert step_of("2024", 2024) == 0
    assert step_of("2024-03", 2024) == 0
    assert step_of("2024-04", 2024) == 1
    assert step_of("2025-02", 2024) == 4
    assert step_of("2023-12", 2024) == -1
    assert step_of(2030, 2016) == 56


@given(st.integers(1990, 2100), st.integers(1, 12), st.integers(1990, 2100))
def test_step_of_is_four_a_year_and_monotone_in_months(year, month, start):
    step = step_of(f"{year}-{month:02d}", start)
    assert step == 4 * (year - start) + (month - 1) // 3
    assert step_of(f"{year}-{month:02d}", start) >= step_of(str(year), start)


@pytest.mark.parametrize("bad", ["24-13", "2024-13", "2024-0", "spring", "2024-x"])
def test_step_of_refuses_what_is_not_a_date(bad):
    with pytest.raises(ValueError, match="YYYY"):
        step_of(bad, 2024)


def test_a_scheduled_founding_moves_its_living_founders_and_leaves_the_rest():
    firms = _firms(6)
    alliances = AllianceState()
    (old,) = alliances.append(np.array([OPEN]), np.array([4]), founded=0, names=["old"])
    firms.alliance[[3, 4]] = old
    firms.alive[2] = False
    schedule = Schedule(foundings=(Founding(3, "new", 0, (1, 2, 3), CLOSED),))
    assert apply_events(schedule, 2, firms, alliances).founded.size == 0  # not yet
    applied = apply_events(schedule, 3, firms, alliances)
    (aid,) = applied.founded
    assert alliances.names[aid] == "new" and alliances.founded[aid] == 3
    assert alliances.regime[aid] == CLOSED and alliances.leader[aid] == 0
    assert firms.alliance.tolist() == [aid, aid, NO_ALLIANCE, aid, old, NO_ALLIANCE]
    assert applied.skipped == ()


def test_a_founding_whose_leader_left_the_market_is_skipped():
    firms = _firms(3)
    firms.alive[0] = False
    alliances = AllianceState()
    schedule = Schedule(foundings=(Founding(1, "gone", 0, (1, 2), OPEN),))
    applied = apply_events(schedule, 1, firms, alliances)
    assert applied.skipped == ("gone",) and alliances.m == 0
    assert (firms.alliance == NO_ALLIANCE).all()


def test_a_regime_change_applies_to_the_newest_active_alliance_of_its_name():
    firms = _firms(2)
    alliances = AllianceState()
    alliances.append(np.array([CLOSED, CLOSED]), np.array([0, 1]), founded=0, names=["k", "k"])
    alliances.active[1] = False
    schedule = Schedule(regime_changes=(RegimeChange(2, "k", OPEN), RegimeChange(2, "x", OPEN)))
    applied = apply_events(schedule, 2, firms, alliances)
    assert alliances.regime.tolist() == [OPEN, CLOSED]
    assert applied.switched.tolist() == [0] and applied.skipped == ("x",)


def test_events_at_or_before_the_start_belong_in_the_start_state():
    with pytest.raises(ValueError, match="step > 0"):
        Schedule(foundings=(Founding(0, "early", 0, (), OPEN),))
    assert Schedule().empty and Schedule().founder_rows.size == 0
