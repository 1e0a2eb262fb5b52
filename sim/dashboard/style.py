"""How the dashboard looks: colour-blind-safe colours, marker shapes and plain-word labels.

Okabe-Ito colours for the two alliance regimes (also told apart by marker shape) and
Paul Tol's "muted" scheme for the seven technology domains.
"""

from __future__ import annotations

from sim.config.vocabulary import DOMAINS

# The alliance regimes (hubs and share lines) and the firms alone.
REGIME_COLOURS: dict[str, str] = {"open": "#0072B2", "closed": "#D55E00"}
REGIME_MARKERS: dict[str, str] = {"open": "s", "closed": "D"}
ALONE_COLOUR = "#7F7F7F"
# The technology domains (member firms) and their names in the legend and the summary.
DOMAIN_COLOURS: dict[str, str] = dict(
    zip(
        DOMAINS,
        ("#332288", "#88CCEE", "#44AA99", "#117733", "#DDCC77", "#CC6677", "#AA4499"),
        strict=True,
    )
)
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
