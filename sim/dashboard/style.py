"""How the dashboard looks: the project's colours, marker shapes and plain-word labels.

The colours are the project's one palette, :mod:`sim.analysis.palette`, shared with the
report's figures and the notebooks: Okabe-Ito blue and vermillion for open and closed
alliances (also told apart by marker shape), grey for firms alone, and Paul Tol's "muted"
scheme for the seven technology domains.
"""

from __future__ import annotations

from sim.analysis.palette import (
    ALONE_COLOUR,
    DOMAIN_COLOURS,
    FAINT,
    INK,
    REGIME_COLOURS,
    SECONDARY_INK,
)

__all__ = [
    "ALONE_COLOUR",
    "DOMAIN_COLOURS",
    "DOMAIN_LABELS",
    "FAINT",
    "INK",
    "KIND_MARKERS",
    "REGIME_COLOURS",
    "REGIME_MARKERS",
    "SECONDARY_INK",
]

# The alliance regimes' hub shapes (their colours are REGIME_COLOURS).
REGIME_MARKERS: dict[str, str] = {"open": "s", "closed": "D"}
# The technology domains' names in the legend and the summary.
DOMAIN_LABELS: dict[str, str] = {
    "foundation_models": "Foundation models",
    "ai_chips": "AI chips",
    "cloud_infrastructure": "Cloud infrastructure",
    "data": "Data",
    "applications_services": "Applications and services",
    "telecom": "Telecom",
    "robotics": "Robotics",
}
# The kinds of firm (member firms).
KIND_MARKERS: dict[str, str] = {"startup": "o", "conglomerate": "^"}
