"""The dashboard's Solara page: the file that ``solara run`` serves.

``page`` is :func:`~sim.dashboard.layout.Dashboard` of a
:class:`~sim.dashboard.model.DashboardModel` (the ``korea_2024`` world under the
``baseline`` scenario until Reset builds another from the settings). ``alliancesim-dashboard``
(:func:`sim.dashboard.cli.entry`) serves it; so does ``solara run sim/dashboard/app.py``.
"""

from __future__ import annotations

from sim.dashboard.controls import DEFAULTS
from sim.dashboard.layout import Dashboard
from sim.dashboard.model import DashboardModel

model = DashboardModel(**DEFAULTS)
page = Dashboard(model)
