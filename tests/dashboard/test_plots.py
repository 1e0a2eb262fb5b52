"""The time-series figures (sim/dashboard/plots.py): shares and gap over the whole horizon."""

from __future__ import annotations

import pytest
from matplotlib.colors import to_hex

from sim.analysis.palette import MEMBERSHIP_COLOURS
from sim.dashboard.model import DashboardModel
from sim.dashboard.plots import gap_figure, shares_figure

SMALL = {"world": "synthetic", "quarters": 6}


@pytest.mark.parametrize(("make", "series"), [(shares_figure, 3), (gap_figure, 1)])
def test_the_time_plots_span_the_horizon_and_show_every_quarter_so_far(make, series):
    model = DashboardModel(scenario="subsidy_infrastructure", **SMALL)
    model.run(2)
    ax = make(model).axes[0]
    assert ax.get_xlim() == (0, 6)  # the whole horizon, so the axes stay put
    assert [len(line.get_xdata()) for line in ax.get_lines()[:series]] == [3] * series
    fig = ax.figure
    fig.draw_without_rendering()
    shown = ax.get_xlim()
    ticks = [
        t.get_text() for t in ax.get_xticklabels() if shown[0] <= t.get_position()[0] <= shown[1]
    ]
    assert ticks == ["2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2", "2025Q3"]
    assert "quarter 0 = 2024Q1" in ax.get_xlabel()


def test_the_shares_are_drawn_in_the_projects_palette():
    model = DashboardModel(**SMALL)
    lines = shares_figure(model).axes[0].get_lines()[:3]
    colours = [to_hex(line.get_color()) for line in lines]
    assert colours == [MEMBERSHIP_COLOURS[k].lower() for k in ("open", "closed", "alone")]
