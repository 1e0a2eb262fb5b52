"""The alliancesim dashboard: a Solara app (with Mesa's run controls) to steer one run by hand.

Pick a world and a scenario, set the policy levers (or leave them "as scenario"), press
Reset to build the model with them, then Step or Play quarter by quarter and watch the
alliance network, where firms are (open alliance, closed alliance, alone) and the
technology gap. Start it with
``alliancesim-dashboard`` (:func:`entry`) or ``solara run sim/dashboard/app.py``;
``docs/dashboard.md`` explains every control and panel.

One concept a module, as in Mesa's examples:

- ``controls``: the settings, and how their values become a RunConfig
  (:func:`dashboard_config`; each lever has an explicit "as scenario" choice, ``None``,
  see :func:`apply_levers`), and the text beside every slider.
- ``model``: :class:`DashboardModel`, the model the page builds from the settings.
- ``clock``: quarters with their calendar dates (``2024Q4``), wherever time is shown.
- ``network``: the alliance network's graph, layout and drawing.
- ``labels``: naming the largest alliances without any overlap.
- ``plots``: the time-series figures (where firms are, the technology gap).
- ``summary``: the run summary's text.
- ``style``: the project's palette (:mod:`sim.analysis.palette`), marker shapes and labels.
- ``panels``: the four panels, as Solara components.
- ``layout``: the page (:func:`~sim.dashboard.layout.Dashboard`): sidebar and panels.
- ``app``: the Solara page ``page``, the file ``solara run`` serves (:data:`APP_PATH`).
- ``cli``: the console script ``alliancesim-dashboard`` (:func:`entry`).

Importing this package does not build the page; ``sim.dashboard.page`` imports
``sim.dashboard.app`` (which builds the default model) on first use.
"""

from typing import Any

from sim.dashboard.cli import APP_PATH, entry
from sim.dashboard.controls import DEFAULTS, SLIDERS, apply_levers, dashboard_config
from sim.dashboard.model import DashboardModel
from sim.dashboard.network import alliance_network, draw_network, network_layout
from sim.dashboard.plots import gap_figure, shares_figure
from sim.dashboard.style import DOMAIN_COLOURS
from sim.dashboard.summary import lever_lines, summary_html

__all__ = [
    "APP_PATH",
    "DEFAULTS",
    "DOMAIN_COLOURS",
    "SLIDERS",
    "DashboardModel",
    "alliance_network",
    "apply_levers",
    "dashboard_config",
    "draw_network",
    "entry",
    "gap_figure",
    "lever_lines",
    "network_layout",
    "page",
    "shares_figure",
    "summary_html",
]


def __getattr__(name: str) -> Any:
    """``page``, the dashboard's page, built by importing ``sim.dashboard.app`` when first asked."""
    if name == "page":
        from sim.dashboard.app import page

        return page
    raise AttributeError(f"module 'sim.dashboard' has no attribute {name!r}")
