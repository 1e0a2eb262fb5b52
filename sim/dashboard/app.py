"""The dashboard's Solara page: the file that ``solara run`` serves.

``page`` is Mesa's ``SolaraViz`` of a :class:`~sim.dashboard.model.DashboardModel` (the
``korea_2024`` world under the ``baseline`` scenario until Reset builds another), with the
controls of :mod:`sim.dashboard.controls` and the four panels of :mod:`sim.dashboard.panels`.
``alliancesim-dashboard`` (:func:`sim.dashboard.cli.entry`) serves it; so does
``solara run sim/dashboard/app.py``.
"""

from __future__ import annotations

import warnings

from sim.dashboard.controls import model_params
from sim.dashboard.model import DashboardModel
from sim.dashboard.panels import AllianceNetwork, MembershipShares, RunSummary, TechnologyGap

with warnings.catch_warnings():
    # Mesa 3.3.1's own ComponentsView trips Solara's rules-of-hooks check when it is
    # defined (harmless; it is Mesa's code, not ours): keep it out of every start-up log.
    warnings.filterwarnings("ignore", message=r".*ComponentsView: `use_state` found")
    from mesa.visualization import SolaraViz

model = DashboardModel()
page = SolaraViz(
    model,
    components=[AllianceNetwork, MembershipShares, TechnologyGap, RunSummary],
    model_params=model_params,
    play_interval=300,
    name="AI alliances and policy (alliancesim)",
)
