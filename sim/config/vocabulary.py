"""The fixed vocabularies of the model: technology domains and regions."""

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
REGIONS: tuple[str, ...] = ("domestic", "us", "china", "eu", "japan")
