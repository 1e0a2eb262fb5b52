"""Firm agents: thin Mesa agents whose traits are their row in the model's arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

from agents.host import AllianceWorld, ModelAgent
from sim.config.vocabulary import DOMAINS, KIND_NAMES, REGIONS
from sim.engine import quarter


class Firm(ModelAgent):
    """A firm: reads and writes row ``row`` of ``model.firms``.

    Its decisions are the quarter's phase functions applied to its own row, so one firm
    stepping alone computes exactly what the vectorised engine computes for it.
    """

    model: AllianceWorld

    def __init__(self, model: AllianceWorld, row: int) -> None:
        super().__init__(model)
        self.row = int(row)
        self._rows = np.array([self.row])

    # traits, as views of the arrays -------------------------------------------------
    @property
    def capital(self) -> float:
        """Capital, USD m."""
        return float(self.model.firms.capital[self.row])

    @property
    def capability(self) -> float:
        """Knowledge stock, in frontier units."""
        return float(self.model.firms.capability[self.row])

    @property
    def openness(self) -> float:
        """Openness in [0, 1]."""
        return float(self.model.firms.openness[self.row])

    @property
    def domain(self) -> str:
        """Home technology domain."""
        return DOMAINS[int(self.model.firms.domain[self.row])]

    @property
    def region(self) -> str:
        """Home region."""
        return REGIONS[int(self.model.firms.region[self.row])]

    @property
    def alliance(self) -> int:
        """Current alliance id, or -1 when alone."""
        return int(self.model.firms.alliance[self.row])

    @alliance.setter
    def alliance(self, value: int) -> None:
        self.model.firms.alliance[self.row] = value

    @property
    def alive(self) -> bool:
        """False once the firm has exited."""
        return bool(self.model.firms.alive[self.row])

    @property
    def kind(self) -> str:
        """Startup or conglomerate."""
        return KIND_NAMES[int(self.model.firms.kind[self.row])]

    # the phases of a quarter, for this firm ------------------------------------------
    def reconsider(self, k: int, q: quarter.Quarter, revision: quarter.Revision, view: Any) -> int:
        """Choose where to be: alone, my alliance, another one, or a new one I found.

        ``view`` is what revisers see (version 1: ``RnDConditions``; 2: ``Prospects``).
        """
        m = self.model
        return int(m.phases.reconsider(np.array([k]), m.firms, m.alliances, q, revision, view)[0])

    def invest(self, q: quarter.Quarter, *stage: Any) -> tuple[float, float, float]:
        """Choose R&D effort; returns (effort, spend, cost paid by the state).

        ``stage`` is what the run's economics computed for every firm before the phase
        (version 1: ``RnDConditions``; version 2: the R&D ``Plan``).
        """
        m = self.model
        effort, spend, paid = m.phases.invest(self._rows, m.firms, m.alliances, q, *stage)
        return float(effort[0]), float(spend[0]), float(paid[0])

    def learn(self, q: quarter.Quarter, *stage: Any) -> float:
        """New capability from my effort and the spillovers I receive."""
        m = self.model
        return float(m.phases.learn(self._rows, m.firms, m.alliances, q, *stage)[0])

    def earn(self, q: quarter.Quarter, *stage: Any) -> tuple[float, float]:
        """Revenue and profit this quarter (``stage`` ends with every firm's R&D spending)."""
        m = self.model
        revenue, profit = m.phases.earn(self._rows, m.firms, m.alliances, q, *stage)
        return float(revenue[0]), float(profit[0])


class Startup(Firm):
    """A startup: little capital, one domain, open-leaning; exits when capital runs out."""


class Conglomerate(Firm):
    """A conglomerate or foreign big tech: large capital, several domains, can lead alliances."""
