"""Membership of design version 2 (docs/model.md 6.5) vs Goyal and Joshi (2003), at defaults.

Goyal and Joshi: with no cost of collaborating the complete network forms (here: one
alliance of all); as the cost rises, a dominant group with the rest isolated, and above the
value of any link the empty network. Every membership cost stays at version 2's default
(no hand-raised fee); the world (``GOYAL_JOSHI_V2`` in tests/engine/validation_worlds_v2.py)
is one market of identical firms paid what a ``korea_2024`` domestic startup is paid.

Findings (measured 2026-12-02, seeds 0-3, 40 quarters; the two xfail tests record them):
at the default choice noise (0.4383 quarters of revenue) the noise is as large as the value
of membership, so free collaboration does not end in one alliance; and at the default
coordination cost no alliance of any size is worth its cost to a Korea-sized firm, so
without noise the network empties, and with it several small alliances live on noise.
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


@pytest.mark.xfail(
    strict=True,
    reason=(
        "model finding: at the default choice noise free collaboration leaves 7-9 alliances "
        "and 8-17 % of firms alone after 40 quarters (seeds 0-3): the gain of moving from a "
        "smaller alliance to the largest is +0.35 USD m over the horizon (median, seed 0, "
        "quarter 40) against a noise scale of 0.39 USD m (0.4383 quarters of revenue); "
        "without noise the same world merges (test above)"
    ),
)
def test_free_collaboration_at_default_noise_ends_in_one_alliance():
    for seed in GJ_SEEDS:
        run = gj_run(NO_COST, seed)
        assert run["n_alliances"] == 1, run
        assert run["largest_share"] >= 0.95, (seed, run)


def test_costs_at_their_defaults_leave_more_firms_alone():
    """G&J's comparative statics: a costly link leaves firms isolated (model as it runs)."""
    free = [gj_run(NO_COST, seed)["share_alone"] for seed in GJ_SEEDS]
    costly = [gj_run((), seed)["share_alone"] for seed in GJ_SEEDS]
    # measured: free 0.08-0.17, at the defaults 0.45-0.58
    assert np.mean(costly) > np.mean(free) + 0.2, (free, costly)
    assert min(costly) > max(free), (free, costly)
    for seed in GJ_SEEDS:
        assert gj_run((), seed)["firms_alive"] >= 57  # costs act through choice, not exits


@pytest.mark.xfail(
    strict=True,
    reason=(
        "model finding: at the default costs and noise 2-5 alliances coexist after 40 quarters "
        "(seeds 0-3), not one dominant group: no group pays (next test), so who is in an "
        "alliance is decided by the noise"
    ),
)
def test_costs_at_their_defaults_leave_one_dominant_group():
    for seed in GJ_SEEDS:
        run = gj_run((), seed)
        assert run["n_alliances"] == 1, run
        assert run["largest_size"] == run["members"]


def test_default_cost_exceeds_what_any_group_brings_so_the_network_empties():
    """G&J: when a link costs more than it brings for every group, the network is empty.

    Measured the precondition at step 0 (seed 0): in the grand alliance of 60, knowledge is
    worth +0.09 USD m over the horizon to each member against a coordination cost of 0.76
    (0.017 USD m a quarter x crowding sqrt(6) x (1 + heterogeneity + openness misfit) 1.72 x
    10.6 quarters; the R&D share of it is 0.0005); in a 20-member alliance +0.10 against
    0.46, in a 3-member one +0.03 against 0.32.
    """
    model = gj_model(GRAND_START + NO_NOISE, 0)
    terms = join_terms(model, 0)
    assert np.all(terms["total"] < 0), terms["total"]
    assert np.all(-terms["CC"] > 3.0 * terms["K"])  # the coordination cost dominates
    assert np.all(np.abs(terms["Q"] + terms["Ch"] + terms["Dues"] + terms["AT"]) < 0.01)
    for seed in GJ_SEEDS:
        run = gj_run(GRAND_START + NO_NOISE, seed)
        assert run["members"] == 0, run  # even the grand alliance unravels
