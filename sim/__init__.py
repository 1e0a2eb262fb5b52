"""The simulation engine: config, state, the stages of a quarter, and the model.

``sim.AllianceModel`` and ``sim.compose`` load lazily, so that ``agents`` and
``scenarios`` (which the model imports) can be imported on their own.
"""

from typing import Any

__all__ = ["AllianceModel", "RunConfig", "compose"]


def __getattr__(name: str) -> Any:
    if name == "AllianceModel":
        from sim.model import AllianceModel

        return AllianceModel
    if name == "compose":
        from sim.config.compose import compose

        return compose
    if name == "RunConfig":
        from sim.config.schema import RunConfig

        return RunConfig
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
