"""What agents need of the model they live in, declared below the model.

``sim.model.AllianceModel`` is an ``AllianceWorld``. Agents are typed against this class, so
that ``agents/`` depends only on the engine's state and the config, never on the model
above it.

``ModelAgent`` is the base of every agent here. Mesa 3.3 numbers agents per model from a
class-level dict keyed by the model (``mesa.Agent._ids``), which keeps every model and all
its agents alive for the life of the process (fixed upstream in Mesa 3.4, which needs
Python 3.12). Our agents number themselves from a dict with weak keys instead: the same ids
(one counter per model, from 1, shared by firms and the government), and a finished model is
freed like any other object.
"""

from __future__ import annotations

import itertools
import weakref
from typing import Any

import mesa

from sim.config.schema import ModelParams
from sim.engine.state import AllianceState, FirmState


class AllianceWorld(mesa.Model):
    """A Mesa model holding the firm and alliance arrays agents read and write.

    Attributes:
        firms: One row per firm ever created.
        alliances: One row per alliance ever founded.
        params: The model's parameters.
    """

    firms: FirmState
    alliances: AllianceState
    params: ModelParams

    @property
    def phases(self) -> Any:
        """The per-firm phase functions of this run's economics (``invest``, ``learn``, ...)."""
        raise NotImplementedError


class CountersPerModel(weakref.WeakKeyDictionary[Any, Any]):
    """One ``itertools.count(1)`` per model, held without keeping the model alive."""

    def __getitem__(self, model: Any) -> Any:
        try:
            return super().__getitem__(model)
        except KeyError:
            counter = itertools.count(1)
            self[model] = counter
            return counter


class ModelAgent(mesa.Agent):
    """A Mesa agent whose id counter does not keep its model alive (see the module note)."""

    _ids = CountersPerModel()
