"""The panels (sim/dashboard/panels.py): each renders its picture of the running model."""

from __future__ import annotations

import ipywidgets
import pytest
import solara
from mesa.visualization.utils import update_counter

from sim.dashboard import panels
from sim.dashboard.model import DashboardModel
from sim.dashboard.network import NAMED
from sim.dashboard.summary import summary_html

SMALL = {"world": "synthetic", "quarters": 6}
FIGURE_PANELS = [
    (panels.AllianceNetwork, "alliancesim-network"),
    (panels.MembershipShares, "alliancesim-shares"),
    (panels.TechnologyGap, "alliancesim-gap"),
]


def _column(rc):
    """The panel's outer column, with its CSS classes (the browser test finds panels by them)."""
    column = rc.find().widget
    return column, column.class_.split()


@pytest.mark.parametrize(("panel", "css_class"), FIGURE_PANELS)
def test_a_figure_panel_shows_a_png_and_redraws_it_after_a_step(panel, css_class):
    model = DashboardModel(scenario="national_strategy", **SMALL)
    _, rc = solara.render(panel(model), handle_error=False)
    try:
        assert css_class in _column(rc)[1]
        image = rc.find(ipywidgets.Image).widget
        before = image.value
        assert image.format == "png" and before[:8] == b"\x89PNG\r\n\x1a\n"
        model.step()
        update_counter.value += 1  # what SolaraViz does after a step
        assert rc.find(ipywidgets.Image).widget.value != before
    finally:
        rc.close()


def test_the_network_panel_keeps_its_layout_and_names_the_alliances_it_shows():
    model = DashboardModel(scenario="national_strategy", **SMALL)
    assert model.network_layout == {}
    _, rc = solara.render(panels.AllianceNetwork(model), handle_error=False)
    try:
        assert any(node[0] == "alliance" for node in model.network_layout)
        names = rc.find(class_="alliancesim-network-names").widget.children[0]
        table = model.alliance_table()
        largest = table.sort_values("size", ascending=False, kind="stable").iloc[0]
        assert names.startswith(f"Named: {largest['name']} ({largest['size']})")
        assert 1 <= names.count("(") <= NAMED
    finally:
        rc.close()


def test_the_summary_panel_shows_the_summary_of_the_quarter_now():
    model = DashboardModel(**SMALL)
    _, rc = solara.render(panels.RunSummary(model), handle_error=False)
    try:
        column, classes = _column(rc)
        assert "alliancesim-summary" in classes
        title = panels.RUN_SUMMARY_TITLE  # titled as the other panels are
        assert column.children[0].unsafe_innerHTML == title + summary_html(model)
        assert "Run summary" in title
        model.step()
        update_counter.value += 1
        html = _column(rc)[0].children[0].unsafe_innerHTML
        assert html == title + summary_html(model) and "Quarter 1 of 6 · 2024Q2" in html
    finally:
        rc.close()
