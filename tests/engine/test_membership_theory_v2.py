"""Membership of design version 2 (docs/model.md 6.5) vs Goyal and Joshi (2003), at defaults.

Goyal and Joshi: with no cost of collaborating the complete network forms (here: one
alliance of all); as the cost rises, a dominant group with the rest isolated, and above the
value of any link the empty network. Every membership cost stays at version 2's default
(``sim.config.schema.ChoiceParams()``, no hand-raised fee); the world (``GOYAL_JOSHI_V2`` with
``VALUE_CHAIN`` in tests/engine/validation_worlds_v2.py) is a closed value chain of startups
paid what a ``korea_2024`` domestic startup is paid, in which a link is worth integrated
offers (in the one-market world of identical firms the level bound leaves a link no value
beyond keeping pace; that module's docstring has the numbers).

G&J's complete network needs every further link to add value and lets a firm link across
groups; here a firm is in one alliance at a time and a large alliance is shallower (depth's
size elasticity), so free collaboration at the defaults ends in balanced clubs, and in one
alliance where a club's value does not fall with size (measured 2026-12-06, seeds 0-5:
docs/validation.md section 3; restated from "one alliance at the defaults", which was a
strict expected failure from 2026-12-03 to 2026-12-06, after an IO review of the benchmark).
From the grand alliance without noise the cost ladder gives G&J's three cases, the fitted
default being the high-cost case for a Korea-sized startup."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.config.schema import ChoiceParams
from sim.config.vocabulary import DOMESTIC
from tests.engine.validation_worlds_v2 import (
    GJ_FIRMS,
    GJ_SEEDS,
    GRAND_START,
    NO_COST,
    NO_NOISE,
    VALUE_CHAIN,
    gj_model,
    gj_run,
    join_terms,
)

DEFAULT_COST = ChoiceParams().coord_cost_fixed  # USD m a quarter per member


def median_startup(model: sim.AllianceModel) -> float:
    """Median revenue of alive domestic startups (USD m a quarter)."""
    f = model.firms
    rows = f.alive & (f.region == DOMESTIC) & (f.kind == 0)
    return float(np.median(f.revenue[rows]))


def revenue_ratio(quarters: int) -> float:
    """This world's median startup revenue over ``korea_2024``'s at ``quarters`` (seed 0)."""
    korea = sim.AllianceModel(sim.compose(["world=korea_2024", "model.economics=v2"]), seed=0)
    world = gj_model(VALUE_CHAIN, 0)
    for _ in range(quarters):
        korea.step()
        world.step()
    return median_startup(world) / median_startup(korea)


def test_the_world_pays_a_firm_what_korea_pays_a_startup():
    """Revenue per firm, the scale of every money term, is Korea's at step 0."""
    ratio = revenue_ratio(0)
    assert 0.67 < ratio < 1.5, ratio  # measured 1.04 (seed 0, 2026-12-06)


@pytest.mark.slow  # 3-11 s: CI (make test-slow), to keep make test near 5 minutes
def test_the_world_pays_a_firm_what_korea_pays_a_startup_at_quarter_24():
    """Revenue per firm stays Korea's at quarter 24.

    Measured 2026-12-06 (seed 0): 1.04 at step 0 and 0.97 at quarter 24, with the value
    chain's markets growing 15 % a year as ``korea_2024``'s median startup's revenue does
    under the stationary start (0.39 to 1.03 USD m a quarter by quarter 24). Until that day
    the world grew 5 % a year and this was a strict expected failure (ratio 0.52).
    """
    ratio = revenue_ratio(24)
    assert 0.67 < ratio < 1.5, ratio


@pytest.mark.slow  # 4-12 s: CI (make test-slow), to keep make test near 5 minutes
def test_free_collaboration_leaves_no_firm_alone():
    """G&J's complete network, as far as it holds: without costs and noise all collaborate.

    Measured 2026-12-06: 60 of 60 firms in alliances, the largest 33-41 of them (seeds 0-2).
    """
    for seed in GJ_SEEDS:
        run = gj_run(VALUE_CHAIN + NO_COST + NO_NOISE, seed)
        assert run["initial_alliances"] == 6  # the merger is an outcome, not the start
        assert run["members"] == GJ_FIRMS, (seed, run)
        assert run["largest_share"] >= 0.5, (seed, run)


# Goyal and Joshi's complete network needs every further link to add value, and their firms
# may link across groups while keeping their links. Here a firm is in one alliance at a time
# (disjoint clubs), and an alliance's depth falls with its size past a working group
# (docs/model.md 6.7: (n_wg / n)^depth_size_elasticity), so integrated offers, which depth
# scales, are congested: a firm values the smaller of two alliances that cover every domain
# more, and sizes even out. The benchmark for individual moves between disjoint clubs is
# Nash stability (Bogomolnaia and Jackson 2002; Yi and Shin 2000's open membership): with
# value rising in size the grand coalition is stable; with value falling in size it needs
# near-equal clubs (a direct consequence). Measured 2026-12-06 (docs/validation.md section
# 3), seeds 0-5, 40 quarters, every cost 0.
NO_CONGESTION = ("model.choice.depth_size_elasticity=0",)
UNBOUNDED = ("model.rnd.level_bounded_spillovers=false",)


@pytest.mark.slow  # 4-12 s: CI (make test-slow), to keep make test near 5 minutes
def test_free_collaboration_without_congestion_ends_in_one_alliance():
    """G&J's complete network where a club's value does not fall with its size.

    Measured 2026-12-06 (seeds 0-5, default noise): the value chain without depth's size
    elasticity ends with 58-60 of 60 in one alliance (in seed 0 a pair beside it, elsewhere
    at most one firm alone); one market of identical firms without the level bound on
    spillovers (knowledge from every partner) in one alliance of 60.
    """
    for seed in GJ_SEEDS:
        for world in (VALUE_CHAIN + NO_COST + NO_CONGESTION, NO_COST + UNBOUNDED):
            run = gj_run(world, seed)
            assert run["largest_share"] >= 0.95, (seed, world, run)


@pytest.mark.slow  # 4-12 s: CI (make test-slow), to keep make test near 5 minutes
def test_free_collaboration_with_congestion_ends_in_balanced_clubs():
    """At every default but the costs: nobody alone, two or three clubs of similar size.

    Measured 2026-12-06: two alliances in seeds 0-5, the largest 31-39 of 60 (0.52-0.65),
    nobody alone; with the noise at 0.01 the largest 30-41. Not Bloch's (1995) three
    quarters, which comes from exclusion by unanimous consent, not from individual moves.
    """
    for seed in GJ_SEEDS:
        run = gj_run(VALUE_CHAIN + NO_COST, seed)
        assert 2 <= run["n_alliances"] <= 3, (seed, run)
        assert 0.45 <= run["largest_share"] <= 0.75, (seed, run)
        assert run["share_alone"] <= 0.05, (seed, run)


@pytest.mark.slow  # 4-12 s: CI (make test-slow), to keep make test near 5 minutes
def test_free_collaboration_keeps_the_grand_alliance_at_the_default_noise():
    """With congestion the grand alliance is stable though not reached from a fragmented start.

    Measured: the grand alliance of 60 keeps all 60 after 40 quarters (seeds 0-5).
    """
    for seed in GJ_SEEDS:
        run = gj_run(VALUE_CHAIN + NO_COST + GRAND_START, seed)
        assert run["n_alliances"] == 1 and run["members"] == GJ_FIRMS, (seed, run)


@pytest.mark.slow  # 4-12 s: CI (make test-slow), to keep make test near 5 minutes
def test_costs_at_their_defaults_leave_more_firms_alone():
    """G&J's comparative statics: a costly link leaves firms isolated (model as it runs)."""
    free = [gj_run(VALUE_CHAIN + NO_COST, seed)["share_alone"] for seed in GJ_SEEDS]
    costly = [gj_run(VALUE_CHAIN, seed)["share_alone"] for seed in GJ_SEEDS]
    # measured 2026-12-06: free 0.00, at the defaults 1.00 in each seed
    assert np.mean(costly) > np.mean(free) + 0.2, (free, costly)
    assert min(costly) > max(free), (free, costly)
    for seed in GJ_SEEDS:
        assert gj_run(VALUE_CHAIN, seed)["firms_alive"] >= 57  # costs act through choice, not exits


@pytest.mark.slow  # 4-12 s: CI (make test-slow), to keep make test near 5 minutes
@pytest.mark.parametrize(
    ("cost_share", "low", "high"),
    [(0.0, 60, 60), (0.25, 12, 45), (1.0, 0, 2)],
)
def test_a_cost_ladder_from_the_grand_alliance_without_noise(cost_share, low, high):
    """G&J's three cases at once: complete network, dominant group, empty network.

    The grand alliance of 60 without noise, at a share of the default coordination cost
    (``ChoiceParams().coord_cost_fixed``, 0.0501 USD m a quarter on 2026-12-03), every other
    cost at its default. Measured 2026-12-06 (seeds 0-2): without it all 60 stay; a quarter
    of it keeps one group of 36-40 with the rest alone (22-23 before the world grew as
    Korea's startups do); the default empties the network: for a Korea-sized startup the
    fitted cost is G&J's high-cost case.
    """
    cost = f"model.choice.coord_cost_fixed={DEFAULT_COST * cost_share}"
    for seed in GJ_SEEDS:
        run = gj_run((*VALUE_CHAIN, *GRAND_START, *NO_NOISE, cost), seed)
        assert run["n_alliances"] <= 1, (seed, run)
        assert low <= run["members"] <= high, (seed, run)


def test_at_default_costs_the_grand_alliance_costs_more_than_it_brings():
    """The precondition of the high-cost case, at step 0 (seed 0, every member).

    In the grand alliance of 60, measured 2026-12-06: integrated offers are worth +0.085 USD m
    over the horizon (median; 0.03-0.24), knowledge 0 (every member's sources are within the
    level bound; at most 0.02), against a coordination cost of 1.57 (1.31-2.06: the
    default's USD m a quarter x crowding sqrt(6) x (1 + heterogeneity + openness misfit)
    over the horizon); channels and dues 0, the legal term at most 0.011 (under 1 % of it).
    """
    model = gj_model(VALUE_CHAIN + GRAND_START + NO_NOISE, 0)
    terms = join_terms(model, 0)
    assert np.all(terms["total"] < 0), terms["total"]
    assert np.all(-terms["CC"] > 2.5 * (terms["K"] + terms["Q"]))
    assert np.all(np.abs(terms["Ch"] + terms["Dues"] + terms["AT"]) < 0.01 * -terms["CC"])
