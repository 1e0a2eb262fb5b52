"""sim.engine.valuation: membership by expected profit (version 2), in USD m."""

from dataclasses import replace

import numpy as np
import pytest

import sim
from sim.engine import leadership, valuation
from sim.engine.choice import ALONE, FIRST_CANDIDATE, FOUND, STAY, draw_revision
from sim.engine.state import CLOSED, NO_ALLIANCE
from tests.conftest import SMALL_SYNTHETIC


@pytest.fixture(scope="module")
def world():
    cfg = sim.compose([*SMALL_SYNTHETIC, "model.economics=v2", "model.choice.revision_share=1"])
    model = sim.AllianceModel(cfg)
    q = model._new_quarter(0, model.government.act(0))
    draws = draw_revision(model.firms, model.alliances, cfg.model.choice, model.rng)
    view = valuation.prospects(model.firms, model.alliances, q, model.economy, draws, model.rng)
    return model, q, view, draws


def _values(world, effects=None, params=None):
    model, q, view, draws = world
    k = np.arange(draws.revisers.size)
    return valuation.option_values(
        k,
        draws,
        model.firms,
        model.alliances,
        view,
        effects or q.effects,
        params or q.params,
    )


def test_staying_is_worth_nothing_and_alone_from_alone_too(world):
    model, _, _, draws = world
    values, _ = _values(world)
    assert np.all(values[:, STAY] == 0.0)
    alone = model.firms.alliance[draws.revisers] == NO_ALLIANCE
    assert np.all(values[alone, ALONE] == 0.0)
    assert np.isfinite(values[:, [ALONE, STAY]]).all()


def test_every_change_pays_the_switching_cost(world):
    model, q, _, draws = world
    base, _ = _values(world)
    dearer = replace(q.params.choice, switching_cost_fixed=q.params.choice.switching_cost_fixed + 1)
    values, _ = _values(world, params=replace(q.params, choice=dearer))
    inside = model.firms.alliance[draws.revisers] != NO_ALLIANCE
    np.testing.assert_allclose(values[inside, ALONE], base[inside, ALONE] - 1.0, atol=1e-9)
    cand = np.isfinite(base[:, FIRST_CANDIDATE:])
    diff = values[:, FIRST_CANDIDATE:][cand] - base[:, FIRST_CANDIDATE:][cand]
    np.testing.assert_allclose(diff, -1.0, atol=1e-9)


def test_clarity_raises_the_value_of_joining_inside_the_safe_harbour(world):
    """For a firm alone, joining gets dearer in fear the murkier the rules (docs 6.8)."""
    model, q, _, draws = world
    murky, _ = _values(world, effects=replace(q.effects, clarity=0.0))
    clear, _ = _values(world, effects=replace(q.effects, clarity=1.0))
    alone = model.firms.alliance[draws.revisers] == NO_ALLIANCE
    cand = np.isfinite(murky[:, FIRST_CANDIDATE:]) & alone[:, None]
    gain = clear[:, FIRST_CANDIDATE:][cand] - murky[:, FIRST_CANDIDATE:][cand]
    assert np.all(gain >= -1e-9) and np.any(gain > 0)


def test_a_closed_leader_weighs_a_rivals_share_and_not_a_complements(world):
    """Admission by the leader's interest: a same-market applicant steals customers."""
    model, q, view, draws = world
    f, a = model.firms, model.alliances
    o = view.outlook
    closed = np.flatnonzero(a.active & (a.regime == CLOSED))
    assert closed.size
    leader = a.leader[closed[0]]
    rows = np.flatnonzero(f.alive & (f.alliance == NO_ALLIANCE))
    rival = rows[f.domain[rows] == f.domain[leader]][0]
    complement = rows[f.domain[rows] != f.domain[leader]][0]
    picked = replace(draws, revisers=np.array([rival, complement]), gumbel=draws.gumbel[:2])
    r = valuation.reviser_of(np.arange(2), picked, f, o, view.channels, view.position)
    target = np.full((2, 1), closed[0])
    R = np.asarray(q.params.rnd.relatedness)
    g = q.params.growth
    flow = o.multipliers.flow * g.margin * g.share_sensitivity * o.sizes

    def interest(rev):
        return leadership.leader_interest(rev, target, f, a, o, R, flow, q.params)[:, 0]

    base = interest(r)
    bigger = interest(replace(r, share=2.0 * r.share))
    assert bigger[0] < base[0]  # a larger rival takes more of the leader's customers
    assert bigger[1] == base[1]  # a complement's share is not the leader's concern
    assert base[1] > 0.0  # a complement brings knowledge and solutions the leader resells


def test_founding_counts_only_prospects_for_whom_joining_pays(world):
    """docs/model.md 6.6: founding is worth what willing recruits bring, less its costs."""
    model, q, view, draws = world
    values, regime = _values(world)
    c = q.params.choice
    poor = model.firms.capital[draws.revisers] < np.where(
        regime == CLOSED, c.founding_cost_closed, c.founding_cost_open
    )
    assert np.all(np.isneginf(values[poor, FOUND]))
    k = np.arange(draws.revisers.size)
    r = valuation.reviser_of(k, draws, model.firms, view.outlook, view.channels, view.position)
    o = view.outlook
    g = q.params.growth
    flow = o.multipliers.flow * g.margin * g.share_sensitivity * o.sizes
    R = np.asarray(q.params.rnd.relatedness)
    value, chosen, cost = valuation.founding_values(
        r, view.recruits, model.firms, o, R, flow, q.params
    )
    assert np.array_equal(chosen, regime)
    assert np.all(value >= -cost - 1e3)  # never worse than the cost and its coordination
    nobody = np.repeat(r.rows[:, None], view.recruits.shape[1], axis=1)  # only oneself
    alone, _, _ = valuation.founding_values(r, nobody, model.firms, o, R, flow, q.params)
    assert np.all(alone < 0) and np.all(value >= alone - 1e-12)  # recruits only add
    assert (value > alone).any()


def test_knowledge_is_never_counted_past_the_frontier(world):
    """Finding 11: a firm at the frontier values no capability gain from partners."""
    _, _, view, _ = world
    o = view.outlook
    room = valuation.headroom(np.array([1.0, 0.99, 0.5]), np.array([0, 0, 0]), o)
    assert room[0] == 0.0 and 0.0 < room[1] < room[2]
    ratio = o.multipliers.level[0] / o.multipliers.flow[0]
    assert room[2] == pytest.approx(0.5 * ratio)


def test_joining_a_cartel_is_worth_its_net_margin_unless_enforcement_deters_it(world):
    """Finding 13: collusion's value enters membership; enforcement takes it away."""
    model, q, view, draws = world
    o = view.outlook
    k = np.arange(draws.revisers.size)
    r = valuation.reviser_of(k, draws, model.firms, o, view.channels, view.position)
    alone = np.flatnonzero(r.current == NO_ALLIANCE)[:5]
    r = replace(
        r,
        **{
            f: getattr(r, f)[alone]
            for f in (
                "rows",
                "current",
                "domain",
                "markets",
                "share",
                "revenue",
                "slope",
                "absorption",
                "effort",
                "publishing",
                "own_excess",
                "domestic",
                "room",
            )
        },
    )
    target = np.zeros((alone.size, 1), dtype=np.int64)  # alliance 0 for all
    held, sellers = o.held.copy(), o.sellers.copy()
    home = r.markets[:, 0]
    held[0, home], sellers[0, home] = 0.6, 3.0  # a dominant alliance with three sellers
    cartel = replace(o, held=held, sellers=sellers)
    held_small = held.copy()
    held_small[0, home] = 0.1
    small = replace(o, held=held_small)
    at_cartel = valuation.antitrust_exposure(r, target, cartel, q.effects, q.params)
    at_small = valuation.antitrust_exposure(r, target, small, q.effects, q.params)
    assert np.all(at_cartel < at_small)  # the collusive margin outweighs the feared fines
    strong = replace(q.effects, detection=0.1, collusion_fine_rate=0.2)
    deterred = valuation.antitrust_exposure(r, target, cartel, strong, q.params)
    assert np.all(deterred >= 0.0)  # no gain left: only the fines on cooperation are feared


def test_a_national_alliance_admits_only_firms_of_its_home_region(world):
    model, q, view, draws = world
    k = np.arange(draws.revisers.size)
    base, _ = valuation.option_values(
        k, draws, model.firms, model.alliances, view, q.effects, q.params
    )
    alliances = model.alliances.copy()
    alliances.national[:] = True
    alliances.home[:] = 0  # every alliance domestic and national
    values, _ = valuation.option_values(k, draws, model.firms, alliances, view, q.effects, q.params)
    foreign = model.firms.region[draws.revisers] != 0
    current = model.firms.alliance[draws.revisers]
    other = draws.candidates[k] != current[:, None]
    assert foreign.any() and (~foreign).any()
    joins = values[:, FIRST_CANDIDATE:]
    assert np.all(np.isneginf(joins[foreign[:, None] & other]))
    np.testing.assert_array_equal(values[~foreign], base[~foreign])


def test_leaders_of_formed_alliances_do_not_reconsider_their_membership(world):
    model, _, _, draws = world
    firms, alliances = model.firms, model.alliances
    kept = leadership.leaders_stay(draws, firms, alliances)
    size = np.bincount(firms.alliance[firms.alive & (firms.alliance >= 0)], minlength=alliances.m)
    leading = alliances.leader[alliances.active & (size >= 2)]
    assert np.isin(leading, draws.revisers).any()  # revision_share=1: every firm drew
    assert not np.isin(leading, kept.revisers).any()
    others = draws.revisers[~np.isin(draws.revisers, leading)]
    np.testing.assert_array_equal(kept.revisers, others)
    np.testing.assert_array_equal(kept.gumbel, draws.gumbel[np.isin(draws.revisers, others)])


def test_alliance_cells_are_the_columns_of_the_alliance_lookup():
    from sim.engine.outlook import at_alliance, at_alliance_cells

    rng = np.random.default_rng(0)
    table = rng.random((5, 14))
    target = rng.integers(-1, 5, size=(30, 7))
    one = rng.integers(0, 14, size=(30, 1))
    two = rng.integers(0, 14, size=(30, 7, 2))
    full = at_alliance(table, target)
    picked = np.take_along_axis(full, np.broadcast_to(one[:, :, None], (30, 7, 1)), axis=-1)
    assert np.array_equal(at_alliance_cells(table, target, one), picked[..., 0])
    assert np.array_equal(
        at_alliance_cells(table, target, two), np.take_along_axis(full, two, axis=-1)
    )
    assert (at_alliance_cells(table, target, one)[target < 0] == 0.0).all()
