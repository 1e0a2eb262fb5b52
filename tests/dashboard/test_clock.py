"""The dashboard's clock (sim/dashboard/clock.py): quarters with their calendar dates."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from matplotlib.figure import Figure

from sim.dashboard import clock
from sim.dashboard.model import DashboardModel

SMALL = {"world": "synthetic", "quarters": 6}


def test_the_clock_gives_the_quarter_its_date_and_the_runs_span():
    model = DashboardModel(**SMALL)
    assert (clock.date_of(model), clock.clock_text(model)) == ("2024Q1", "Quarter 0 of 6 · 2024Q1")
    model.run(3)
    assert clock.clock_text(model) == "Quarter 3 of 6 · 2024Q4"
    assert clock.date_of(model, 4) == "2025Q1" and clock.date_of(model, -1) == "2023Q4"
    assert clock.span_text(model) == "2024Q1 to 2025Q3"
    model.run(3)  # the horizon: the clock says the run is over
    assert clock.clock_text(model) == "Quarter 6 of 6 · 2025Q3 · finished"


def test_a_world_starting_another_year_dates_from_its_start():
    model = DashboardModel(world="korea_2016", quarters=8)
    assert clock.clock_text(model) == "Quarter 0 of 8 · 2016Q1"
    assert clock.span_text(model) == "2016Q1 to 2018Q1"


@given(st.integers(0, 400))
def test_the_tick_spacing_keeps_a_time_axis_readable(horizon):
    spacing = clock.tick_spacing(horizon)
    assert spacing in clock.TICK_SPACINGS
    if horizon <= clock.MAX_TICKS * clock.TICK_SPACINGS[-1]:
        assert horizon / spacing <= clock.MAX_TICKS  # at most MAX_TICKS + 1 date labels
        smaller = [s for s in clock.TICK_SPACINGS if s < spacing]
        assert all(horizon / s > clock.MAX_TICKS for s in smaller)  # and no sparser than needed


def test_a_date_axis_labels_its_ticks_with_calendar_quarters():
    model = DashboardModel(world="synthetic", quarters=40)
    fig = Figure()
    ax = fig.add_subplot()
    ax.plot([0, 40], [0, 1])
    clock.date_axis(ax, model)
    fig.draw_without_rendering()
    shown = ax.get_xlim()
    labels = [
        t.get_text() for t in ax.get_xticklabels() if shown[0] <= t.get_position()[0] <= shown[1]
    ]
    assert labels == ["2024Q1", "2026Q1", "2028Q1", "2030Q1", "2032Q1", "2034Q1"]
    assert ax.get_xlim() == (0, 40)
    assert "2024Q1" in ax.get_xlabel() and "Step" not in ax.get_xlabel()
