"""Mesa agent classes: firms (startups, conglomerates) and the government."""

from agents.firms import Conglomerate, Firm, Startup
from agents.government import Government

__all__ = ["Conglomerate", "Firm", "Government", "Startup"]
