"""The fixed vocabularies of the model, each defined here and nowhere else.

Technology domains and regions are indexed by position in these tuples; firm kinds and
alliance regimes are stored as their index in ``KIND_NAMES`` and ``REGIME_NAMES``.
"""

from __future__ import annotations

DOMAINS: tuple[str, ...] = (
    "foundation_models",
    "ai_chips",
    "cloud_infrastructure",
    "data",
    "applications_services",
    "telecom",
    "robotics",
)
N_DOMAINS = len(DOMAINS)
REGIONS: tuple[str, ...] = ("domestic", "us", "china", "eu", "japan")
DOMESTIC = REGIONS.index("domestic")  # the home country whose policy the model studies
KIND_NAMES: tuple[str, ...] = ("startup", "conglomerate")
REGIME_NAMES: tuple[str, ...] = ("open", "closed")
# market geographies: the home country, and the world less the home country
GEOGRAPHIES: tuple[str, ...] = ("domestic", "rest_of_world")
N_GEOGRAPHIES = len(GEOGRAPHIES)
