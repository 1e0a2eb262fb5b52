from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.text import Text

from sim.optimise.config import compose_optimise
from sim.optimise.figure import SMALL, pareto_figure, save_figure
from sim.optimise.pareto import best, pareto_set

LEVER = "scenario.subsidy.budget"


def _trials() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "trial": [0, 1, 2, 3],
            LEVER: [0.0, 100.0, 200.0, 300.0],
            "cost": [0.0, 0.4, 0.8, 1.2],
            "gap_effect": [0.0, -0.1, -0.35, -0.5],
            "harm_effect": [0.0, 0.01, -0.02, 0.03],
            "share_met": [0.0, 0.25, 0.75, 1.0],
            "feasible": [False, False, False, True],
        }
    )


@pytest.mark.parametrize("kind", ["cheapest_robust", "pareto"])
def test_the_figure_is_readable(kind, tmp_path):
    plt.close("all")  # another test of this worker may have left one open
    cfg = compose_optimise([f"optimise.objective.kind={kind}", "optimise.objective.share=0.9"])
    trials = _trials()
    fig = pareto_figure(trials, pareto_set(trials, cfg), best(trials, cfg), cfg)
    texts = [t for t in fig.findobj(Text) if t.get_text().strip()]
    assert texts and min(t.get_fontsize() for t in texts) >= SMALL >= 9
    for ax in fig.axes[:1]:
        for label in (ax.get_xlabel(), ax.get_ylabel()):
            assert label and "scenario." not in label and "_" not in label
        assert "USD bn" in ax.get_xlabel()
    save_figure(fig, tmp_path / "pareto.png")
    assert (tmp_path / "pareto.png").read_bytes()[:4] == b"\x89PNG"
    assert not plt.get_fignums()  # closed after saving
