"""Membership of design version 2 (docs/model.md 6.5) vs Goyal and Joshi (2003), at defaults.

Goyal and Joshi: with no cost of collaborating the complete network forms (here: one
alliance of all); as the cost rises, a dominant group with the rest isolated, and above the
value of any link the empty network. Every membership cost stays at version 2's default
(no hand-raised fee); the world (``GOYAL_JOSHI_V2`` in tests/engine/validation_worlds_v2.py)
is one market of identical firms paid what a ``korea_2024`` domestic startup is paid.

Measured 2026-12-02 (seeds 0-2, 40 quarters) at the defaults of the history fit of that evening
(16 seeds; choice noise 0.103 quarters of revenue, coordination cost 0.0067 USD m a quarter)
with leaders folding alliances smaller than a working group into larger ones (docs/model.md
6.6, "Consolidation"): free collaboration ends with every firm in one alliance; without noise
a cost ladder from the grand alliance gives G&J's complete network, dominant group and empty
network, the fitted default being the high-cost case for a Korea-sized startup. Before (noise
0.4383, cost 0.017, leaders bound) the noise decided membership and two of these tests were
strict xfails (docs/model.md section 10, findings 32 and 36).
"""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.config.vocabulary import DOMESTIC
from tests.engine.validation_worlds_v2 import (
    GJ_SEEDS,
    GRAND_START,
    NO_COST,
    NO_NOISE,
    gj_model,
    gj_run,
    join_terms,
)


def test_the_world_pays_a_firm_what_korea_pays_a_startup():
    """Revenue per firm, the scale of every money term, is Korea's at step 0 and quarter 24."""
    korea = sim.AllianceModel(sim.compose(["world=korea_2024", "model.economics=v2"]), seed=0)
    world = gj_model((), 0)

    def median_startup(model: sim.AllianceModel) -> float:
        f = model.firms
        rows = f.alive & (f.region == DOMESTIC) & (f.kind == 0)
        return float(np.median(f.revenue[rows]))

    for quarters in (0, 24):
        for _ in range(quarters - korea.steps):
            korea.step()
            world.step()
        ratio = median_startup(world) / median_startup(korea)
        assert 0.67 < ratio < 1.5, (quarters, ratio)  # measured 1.005 and 1.034 (seed 0)


def test_free_collaboration_without_noise_ends_in_one_alliance():
    """G&J's complete network: in the model's deterministic limit, everyone in one alliance."""
    for seed in GJ_SEEDS:
        run = gj_run(NO_COST + NO_NOISE, seed)
        assert run["initial_alliances"] == 6  # the merger is an outcome, not the start
        assert run["n_alliances"] == 1, run
        assert run["largest_share"] >= 0.95, (seed, run)


def test_free_collaboration_at_default_noise_ends_in_one_alliance():
    """G&J's complete network at the default noise: one alliance, at least 95 % of firms.

    Measured: 60 of 60 in one alliance (seeds 0-2); with ``leaders_fold=false`` seed 1 ends
    with three alliances, so the test sees the consolidation rule.
    """
    for seed in GJ_SEEDS:
        run = gj_run(NO_COST, seed)
        assert run["n_alliances"] == 1, (seed, run)
        assert run["largest_share"] >= 0.95, (seed, run)


def test_costs_at_their_defaults_leave_more_firms_alone():
    """G&J's comparative statics: a costly link leaves firms isolated (model as it runs)."""
    free = [gj_run(NO_COST, seed)["share_alone"] for seed in GJ_SEEDS]
    costly = [gj_run((), seed)["share_alone"] for seed in GJ_SEEDS]
    # measured: free 0.00 in each seed, at the defaults 0.13-1.00
    assert np.mean(costly) > np.mean(free) + 0.2, (free, costly)
    assert min(costly) > max(free), (free, costly)
    for seed in GJ_SEEDS:
        assert gj_run((), seed)["firms_alive"] >= 57  # costs act through choice, not exits


@pytest.mark.parametrize(
    ("cost_share", "low", "high"),
    [(0.25, 60, 60), (0.5, 45, 58), (1.0, 0, 2)],
)
def test_a_cost_ladder_from_the_grand_alliance_without_noise(cost_share, low, high):
    """G&J's three cases at once: complete network, dominant group, empty network.

    The grand alliance of 60 without noise, at a share of the default coordination cost
    (0.0067 USD m a quarter). Measured (seeds 0-2): a quarter of it keeps all 60; half keeps
    one group of 53-55 with the rest alone; the default empties the network: for a
    Korea-sized startup the fitted cost is G&J's high-cost case, and the groups the default
    noise leaves at the default cost are seeded by the noise (docs/validation.md section 3).
    """
    cost = f"model.choice.coord_cost_fixed={0.0067 * cost_share}"
    for seed in GJ_SEEDS:
        run = gj_run((*GRAND_START, *NO_NOISE, cost), seed)
        assert run["n_alliances"] <= 1, (seed, run)
        assert low <= run["members"] <= high, (seed, run)


def test_at_default_costs_the_grand_alliance_costs_more_than_it_brings():
    """The precondition of the high-cost case, at step 0 (seed 0, every member).

    In the grand alliance of 60, knowledge is worth +0.09 USD m over the horizon against a
    coordination cost of 0.30 (0.0067 USD m a quarter x crowding sqrt(6) x (1 +
    heterogeneity + openness misfit)); measured ratio of cost to knowledge: median 3.30,
    smallest 2.84.
    """
    model = gj_model(GRAND_START + NO_NOISE, 0)
    terms = join_terms(model, 0)
    assert np.all(terms["total"] < 0), terms["total"]
    assert np.all(-terms["CC"] > 2.5 * terms["K"])
    assert np.all(np.abs(terms["Q"] + terms["Ch"] + terms["Dues"] + terms["AT"]) < 0.01)
