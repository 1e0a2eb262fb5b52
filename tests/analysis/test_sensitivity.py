"""sim.analysis.sensitivity: sensitivity indices of a design's runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis import sensitivity
from sim.config import design
from sim.config.schema import AnalysisConfig


def test_sobol_indices_recover_a_known_function():
    analysis = AnalysisConfig("sobol", 256, 3, {"a": [0.0, 1.0], "b": [0.0, 1.0]})
    x = design.design(analysis)
    y = 4 * x[:, 0] + 0.1 * x[:, 1]  # b explains about 0.06 % of the variance
    final = pd.DataFrame({"sample": np.arange(len(x)), "tech_gap_years": y})
    table = sensitivity.indices(final, analysis, "tech_gap_years").set_index("parameter")
    assert table.loc["a", "S1"] == pytest.approx(1.0, abs=0.05)
    assert table.loc["b", "ST"] == pytest.approx(0.0, abs=0.02)
    with pytest.raises(ValueError, match="no finished run"):
        sensitivity.indices(final.iloc[:-3], analysis, "tech_gap_years")
