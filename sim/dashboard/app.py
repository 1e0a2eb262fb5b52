"""The dashboard's Solara page: the file that ``solara run`` serves.

``page`` is :func:`~sim.dashboard.layout.Dashboard` of a
:class:`~sim.dashboard.model.DashboardModel` (the ``korea_2024`` world under the
``baseline`` scenario until Reset builds another from the settings). ``alliancesim-dashboard``
(:func:`sim.dashboard.cli.entry`) serves it; so does ``solara run sim/dashboard/app.py``.
"""

from __future__ import annotations

import warnings

from sim.dashboard.controls import DEFAULTS
from sim.dashboard.layout import Dashboard
from sim.dashboard.model import DashboardModel

# Solara warns at every page load over plain http on a host other than "localhost" (here
# 127.0.0.1) that its session cookie falls back to samesite=lax: right for a dashboard on
# this machine, and 12 multi-line warnings a session buried the server's log (a newcomer's
# walkthrough, 2026-12-06)
warnings.filterwarnings("ignore", message=r"Cookies with samesite=none require https")

model = DashboardModel(**DEFAULTS)
page = Dashboard(model)
