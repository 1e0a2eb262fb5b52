"""The time-series figures (sim/dashboard/plots.py): shares and gap over the whole horizon."""

from __future__ import annotations

import pytest

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
