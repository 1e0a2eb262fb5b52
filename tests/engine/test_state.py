"""sim.engine.state: the firm and alliance tables."""

import numpy as np
import pytest

from sim.engine.state import AllianceState, federate


def test_federation_refuses_deep_cycles():
    a = AllianceState()
    a.append(np.zeros(3, np.int8), np.arange(3), founded=0)
    federate(a, 1, 0)
    federate(a, 2, 1)
    with pytest.raises(ValueError, match="cycle"):
        federate(a, 0, 2)
    assert a.root().tolist() == [0, 0, 0]
