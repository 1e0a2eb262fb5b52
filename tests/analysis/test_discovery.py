"""sim.analysis.discovery: scenario discovery (PRIM) of where a policy wins."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis import discovery


@pytest.mark.slow  # 9 s; make test-slow runs it
def test_prim_finds_the_box_where_the_policy_wins():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (300, 2))
    wins = x[:, 0] > 0.7
    rows = []
    for sample, (a, b) in enumerate(x):
        rows.append({"label": "base", "sample": sample, "p.a": a, "p.b": b, "gap": 1.0})
        gap = 0.5 if wins[sample] else 1.5
        rows.append({"label": "policy", "sample": sample, "p.a": a, "p.b": b, "gap": gap})
    found = discovery.discover(pd.DataFrame(rows), "policy", "base", ["p.a", "p.b"], "gap")
    assert found.wins == pytest.approx(wins.mean())
    limits = found.limits.set_index("parameter")
    assert list(limits.index) == ["p.a"] and limits.loc["p.a", "low"] == pytest.approx(
        0.7, abs=0.03
    )
    assert found.density > 0.9 and found.coverage > 0.9
    assert "p.a between" in discovery.describe(found, "base")
