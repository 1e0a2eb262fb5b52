"""Membership of design version 2 (docs/model.md 6.5) vs Goyal and Joshi (2003), at defaults.

Goyal and Joshi: with no cost of collaborating the complete network forms (here: one
alliance of all); as the cost rises, a dominant group with the rest isolated, and above the
value of any link the empty network. Every membership cost stays at version 2's default
(``sim.config.schema.ChoiceParams()``, no hand-raised fee); the world (``GOYAL_JOSHI_V2`` with
``VALUE_CHAIN`` in tests/engine/validation_worlds_v2.py) is a closed value chain of startups
paid what a ``korea_2024`` domestic startup is paid, in which a link is worth integrated
offers (in the one-market world of identical firms the level bound leaves a link no value
beyond keeping pace; that module's docstring has the numbers).

Measured 2026-12-03 (seeds 0-2, 40 quarters) at the defaults of the refit with level-bounded
spillovers (docs/model.md 6.3, findings 37 and 38: noise 0.0892 quarters of revenue,
coordination cost 0.0501 USD m a quarter, complementarity uplift 1.31). Free collaboration
leaves no firm alone but ends in two alliances (31/29, 32/28, 34/26 without noise), not one:
G&J's uniqueness needs a value of every further link, and here the value of an alliance
saturates (strict xfails below). From the grand alliance without noise the cost ladder gives
G&J's three cases, the fitted default being the high-cost case for a Korea-sized startup.
Until 2026-12-02 (one market of identical firms, unbounded spillovers, cost 0.0067) free
collaboration ended in one alliance of 60 in each seed.
"""

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
    assert 0.67 < ratio < 1.5, ratio  # measured 1.02 (seed 0, 2026-12-03)


@pytest.mark.slow  # 3-11 s: CI (make test-slow), to keep make test near 5 minutes
@pytest.mark.xfail(
    strict=True,
    reason="with the stationary start (default since 2026-12-03) korea_2024's startups keep "
    "their revenue and grow with their markets: median 0.39, 0.43, 0.49, 0.68, 1.03 USD m a "
    "quarter at quarters 0, 4, 8, 16, 24 (seed 0, about 17 %/yr), while this world's grow "
    "0.39 -> 0.54: ratio 0.52 at quarter 24 (measured 2026-12-03 13:25 UTC with balanced "
    "growth and entry by V^e; 0.46 before them; with the old start korea's startups lost two "
    "thirds in the first year and the ratio was 1.86)",
)
def test_the_world_pays_a_firm_what_korea_pays_a_startup_at_quarter_24():
    """Revenue per firm stays Korea's at quarter 24 (measured 1.03 on 2026-12-02)."""
    ratio = revenue_ratio(24)
    assert 0.67 < ratio < 1.5, ratio


@pytest.mark.slow  # 4-12 s: CI (make test-slow), to keep make test near 5 minutes
def test_free_collaboration_leaves_no_firm_alone():
    """G&J's complete network, as far as it holds: without costs and noise all collaborate.

    Measured: 60 of 60 firms in alliances, the largest 31-34 of them (seeds 0-2).
    """
    for seed in GJ_SEEDS:
        run = gj_run(VALUE_CHAIN + NO_COST + NO_NOISE, seed)
        assert run["initial_alliances"] == 6  # the merger is an outcome, not the start
        assert run["members"] == GJ_FIRMS, (seed, run)
        assert run["largest_share"] >= 0.5, (seed, run)


SATURATION = (
    "the value of an alliance saturates: integrated offers count the best partner in each "
    "other domain and knowledge among near-equals is level-bounded, so once two alliances "
    "cover every domain, moving from the second to the largest is worth +0.006, +0.006 and "
    "-0.014 USD m (medians, seeds 0-2) against +0.24-0.28 for being in either; with every "
    "leader free to fold (fold_below_members=61) two or three alliances remain (those values "
    "measured with the old start; re-measured 2026-12-03 13:30 UTC with the stationary "
    "start, balanced growth and entry by V^e: without noise 2 alliances in seeds 0-2, the "
    "largest 35, 41 and 35 of 60; at the default noise 3, 3 and 2, the largest 28, 24, 35)"
)


@pytest.mark.xfail(strict=True, reason=SATURATION)
def test_free_collaboration_without_noise_ends_in_one_alliance():
    """G&J's complete network: in the model's deterministic limit, everyone in one alliance."""
    for seed in GJ_SEEDS:
        run = gj_run(VALUE_CHAIN + NO_COST + NO_NOISE, seed)
        assert run["n_alliances"] == 1, (seed, run)
        assert run["largest_share"] >= 0.95, (seed, run)


@pytest.mark.xfail(strict=True, reason=SATURATION)
def test_free_collaboration_at_default_noise_ends_in_one_alliance():
    """G&J's complete network at the default noise: one alliance, at least 95 % of firms.

    Measured 2026-12-03: two or three alliances, the largest 22-36 of 59-60 members; again
    after balanced growth and entry by V^e (13:30 UTC): 3, 3, 2, the largest 28, 24, 35 of 58-60.
    """
    for seed in GJ_SEEDS:
        run = gj_run(VALUE_CHAIN + NO_COST, seed)
        assert run["n_alliances"] == 1, (seed, run)
        assert run["largest_share"] >= 0.95, (seed, run)


@pytest.mark.slow  # 4-12 s: CI (make test-slow), to keep make test near 5 minutes
def test_costs_at_their_defaults_leave_more_firms_alone():
    """G&J's comparative statics: a costly link leaves firms isolated (model as it runs)."""
    free = [gj_run(VALUE_CHAIN + NO_COST, seed)["share_alone"] for seed in GJ_SEEDS]
    costly = [gj_run(VALUE_CHAIN, seed)["share_alone"] for seed in GJ_SEEDS]
    # measured 2026-12-03: free 0.00-0.02, at the defaults 1.00 in each seed
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
    cost at its default. Measured (seeds 0-2): without it all 60 stay; a quarter of it keeps
    one group of 22-23 with the rest alone; the default empties the network: for a
    Korea-sized startup the fitted cost is G&J's high-cost case.
    """
    cost = f"model.choice.coord_cost_fixed={DEFAULT_COST * cost_share}"
    for seed in GJ_SEEDS:
        run = gj_run((*VALUE_CHAIN, *GRAND_START, *NO_NOISE, cost), seed)
        assert run["n_alliances"] <= 1, (seed, run)
        assert low <= run["members"] <= high, (seed, run)


def test_at_default_costs_the_grand_alliance_costs_more_than_it_brings():
    """The precondition of the high-cost case, at step 0 (seed 0, every member).

    In the grand alliance of 60, measured 2026-12-03: integrated offers are worth +0.084 USD m
    over the horizon (median), knowledge 0 (every member's sources are within the level
    bound), against a coordination cost of 1.87 (0.0501 USD m a quarter x crowding sqrt(6) x
    (1 + heterogeneity + openness misfit) over the horizon).
    """
    model = gj_model(VALUE_CHAIN + GRAND_START + NO_NOISE, 0)
    terms = join_terms(model, 0)
    assert np.all(terms["total"] < 0), terms["total"]
    assert np.all(-terms["CC"] > 2.5 * (terms["K"] + terms["Q"]))
    assert np.all(np.abs(terms["Ch"] + terms["Dues"] + terms["AT"]) < 0.01)
