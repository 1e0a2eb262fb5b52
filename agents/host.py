"""What agents need of the model they live in, declared below the model.

``sim.model.AllianceModel`` is an ``AllianceWorld``. Agents are typed against this class, so
that ``agents/`` depends only on the engine's state and the config, never on the model
above it.
"""

from __future__ import annotations

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
