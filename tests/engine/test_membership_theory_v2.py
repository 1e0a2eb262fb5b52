"""Membership of design version 2 (docs/model.md 6.5) vs Goyal and Joshi (2003), at defaults.

Goyal and Joshi: with no cost of collaborating the complete network forms (here: one
alliance of all); as the cost rises, a dominant group with the rest isolated, and above the
value of any link the empty network. Every membership cost stays at version 2's default
(no hand-raised fee); the world (``GOYAL_JOSHI_V2`` in tests/engine/validation_worlds_v2.py)
is one market of identical firms paid what a ``korea_2024`` domestic startup is paid.

Measured 2026-12-02 (seeds 0-2, 40 quarters) at the defaults of the history fit of that evening
(16 seeds; choice noise 0.103 quarters of revenue, coordination cost 0.0067 USD m a quarter)
with leaders folding alliances smaller than a working group into larger ones (docs/model.md
6.6, "Consolidation"): free collaboration ends with every firm in one alliance; at the default
costs a Korea-sized startup is near the edge of Goyal and Joshi's high-cost case: one dominant
group with the rest alone, or (one seed in three) no alliance. Before (noise 0.4383, cost
0.017, leaders bound) the noise decided membership and two of these tests were strict xfails
(docs/model.md section 10, findings 32 and 36).
"""

from __future__ import annotations

import numpy as np

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
    """G&J's complete network, up to the default noise: one alliance holds nearly every firm.

    The noise keeps founding small alliances, which never reach a working group (10 firms)
    before their members move to the large one: run to 80 quarters, seeds 1-4 hold 57-60 of
    60 in the largest from quarter 50 on (measured 2026-12-02).
    """
    shares = []
    for seed in GJ_SEEDS:
        run = gj_run(NO_COST, seed)
        # measured: 60 of 60 firms in the largest alliance (seeds 0-2)
        assert run["largest_share"] >= 0.85, (seed, run)
        assert run["members"] - run["largest_size"] < 10, (seed, run)  # under a working group
        shares.append(run["largest_share"])
    assert np.mean(shares) >= 0.9, shares


def test_costs_at_their_defaults_leave_more_firms_alone():
    """G&J's comparative statics: a costly link leaves firms isolated (model as it runs)."""
    free = [gj_run(NO_COST, seed)["share_alone"] for seed in GJ_SEEDS]
    costly = [gj_run((), seed)["share_alone"] for seed in GJ_SEEDS]
    # measured: free 0.00 in each seed, at the defaults 0.13-1.00
    assert np.mean(costly) > np.mean(free) + 0.05, (free, costly)
    assert min(costly) > max(free), (free, costly)
    for seed in GJ_SEEDS:
        assert gj_run((), seed)["firms_alive"] >= 57  # costs act through choice, not exits


def test_costs_at_their_defaults_leave_a_dominant_group_architecture():
    """G&J's stable networks at a positive cost: one dominant group (or none), the rest alone.

    Not several alliances of a working group or more side by side, as when the noise decided
    membership (2-5 coexisting alliances, findings 32 and 36). Measured (seeds 0-2): no alliance
    (the cost exceeds what any group brings in that seed), one of 52 and one of 44, the rest
    alone: the fitted cost sits near the edge of G&J's high-cost case for a Korea-sized startup.
    """
    for seed in GJ_SEEDS:
        run = gj_run((), seed)
        assert run["n_alliances"] <= 1 or run["members"] - run["largest_size"] < 10, (seed, run)
        assert run["share_alone"] >= 0.05, (seed, run)  # the rest isolated, unlike at no cost


def test_at_default_costs_the_grand_alliance_costs_more_than_it_brings():
    """G&J without noise: a grand alliance whose cost exceeds its value unravels.

    Measured the precondition at step 0 (seed 0, medians over members): in the grand alliance
    of 60, knowledge is worth +0.09 USD m over the horizon against a coordination cost of 0.30
    (0.0067 USD m a quarter x crowding sqrt(6) x (1 + heterogeneity + openness misfit));
    in a group of 20, +0.15 against 0.18. Without noise the grand alliance empties in seeds
    0-2 (at the cost of the six-seed fit, 0.0046, a group of 25-27 stayed: the fitted cost is
    near the edge between G&J's intermediate and high-cost cases).
    """
    model = gj_model(GRAND_START + NO_NOISE, 0)
    terms = join_terms(model, 0)
    assert np.all(terms["total"] < 0), terms["total"]
    assert np.all(-terms["CC"] > terms["K"])  # the coordination cost dominates at 60
    assert np.all(np.abs(terms["Q"] + terms["Ch"] + terms["Dues"] + terms["AT"]) < 0.01)
    for seed in GJ_SEEDS:
        run = gj_run(GRAND_START + NO_NOISE, seed)
        assert run["n_alliances"] <= 1, run
        assert run["members"] <= 30, run  # at most a dominant group, never the grand alliance
