"""The simulation engine: config, state, the stages of a quarter, and the model."""

from sim.compose import compose
from sim.config import RunConfig
from sim.model import AllianceModel

__all__ = ["AllianceModel", "RunConfig", "compose"]
