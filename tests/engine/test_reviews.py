"""sim.engine.reviews: leaders switch their alliance's regime when it pays (version 2)."""

from dataclasses import replace

import numpy as np
import pytest

import sim
from sim.engine import reviews, valuation
from sim.engine.choice import draw_revision
from sim.engine.reviews import members_staying, review_regimes
from sim.engine.state import CLOSED, OPEN
from tests.conftest import SMALL_SYNTHETIC, quiet_prospects


def _world(*overrides):
    model = sim.AllianceModel(sim.compose([*SMALL_SYNTHETIC, "model.economics=v2", *overrides]))
    q = model._new_quarter(0, model.government.act(0))
    draws = draw_revision(model.firms, model.alliances, q.params.choice, model.rng)
    view = valuation.prospects(model.firms, model.alliances, q, model.economy, draws, model.rng)
    return model, q, view


@pytest.fixture()
def world():
    return _world()


# Membership that costs nothing: no coordination cost, dues or switching cost (6.5)
FREE_MEMBERSHIP = (
    "model.choice.coord_cost_fixed=0",
    "model.choice.coord_cost_share=0",
    "model.choice.dues_share_closed=0",
    "model.choice.dues_share_open=0",
    "model.choice.switching_cost_fixed=0",
    "model.choice.switching_cost_revenue=0",
)


def _with(q, **choice):
    return replace(q.params, choice=replace(q.params.choice, **choice))


def test_a_prohibitive_switching_cost_keeps_every_regime(world):
    model, q, view = world
    before = model.alliances.regime.copy()
    p = _with(q, regime_switch_cost=1e6)
    assert review_regimes(model.firms, model.alliances, view, p, model.rng, q.effects, 4).size == 0
    assert np.array_equal(model.alliances.regime, before)


def test_closing_that_pays_closes_open_alliances_and_mandates_stay():
    """Open alliances whose leaders gain from closing close; a mandate, a charter and an
    alliance founded in the review's quarter keep their regime.

    Closing pays here for a stated reason: with membership free (``FREE_MEMBERSHIP``)
    prospects would join, and a closed alliance trades knowledge with its recruits at its
    whole internal rate, an open one only at the excess over the public rate
    (``founding.recruit_value``); with no dues, no member is foreseen to leave. At seed 0
    the leaders' gains from closing were 0.02-2.3 USD m (measured 2026-12-03): the switch
    cost is set to 0, since the refitted 10.46 USD m is not cleared. (Version 1's
    ``fee_closed``, which this test once raised to 50 USD m, is inert under version 2:
    dues fund the secretariat, not the leader.)
    """
    model, q, view = _world(*FREE_MEMBERSHIP)
    a = model.alliances
    a.regime[a.active] = OPEN
    opened = np.flatnonzero(a.active)
    assert opened.size >= 4  # one mandated, one chartered, one new, the others free to switch
    p = _with(q, regime_switch_cost=0.0)
    unfixed = review_regimes(model.firms, a.copy(), view, p, model.rng, q.effects, 4)
    assert set(opened) <= set(unfixed.tolist())  # unfixed, every open alliance would close
    a.mandated[opened[0]] = True  # a mandate fixes its regime
    a.chartered[opened[1]] = True  # so does a charter
    a.founded[opened[2]] = 4  # and an alliance founded in the review's quarter is not reviewed
    switched = review_regimes(model.firms, a, view, p, model.rng, q.effects, 4)
    assert set(opened[3:]) <= set(switched.tolist())
    assert (a.regime[opened[3:]] == CLOSED).all()
    for kept in opened[:3]:
        assert kept not in switched and a.regime[kept] == OPEN


def test_members_whose_surplus_does_not_cover_a_fee_rise_are_foreseen_to_leave(world, monkeypatch):
    model, q, view = world
    a, firms = model.alliances, model.firms
    ids = np.flatnonzero(a.active)[:2]
    member = np.where(firms.alive, firms.alliance, -1)
    rows = [np.flatnonzero(member == i) for i in ids]
    others = [r[r != a.leader[i]] for r, i in zip(rows, ids, strict=True)]
    assert all(o.size >= 2 for o in others)
    rich = {int(others[0][0]), int(others[1][0])}  # one member of each values staying highly
    monkeypatch.setattr(
        reviews,
        "membership_surplus",
        lambda r, *args: np.where(np.isin(r, list(rich)), 1e9, 0.5),
    )
    money = float(view.outlook.multipliers.money[0])
    rise = np.array([1.0 / money, -1.0])  # 1 USD m over the horizon for the first; a fall
    stay = members_staying(ids, rise, firms, a, view, q.effects, q.params)
    assert stay.tolist() == [1.0, float(others[1].size)]


def test_the_switching_cost_of_leaving_counts_for_staying(world):
    """Raising the one-off cost of any move by 1 USD m raises every member's surplus by 1."""
    model, q, view = world
    firms, a = model.firms, model.alliances
    rows = np.flatnonzero(firms.alive & (firms.alliance >= 0))[:6]
    base = valuation.membership_surplus(rows, firms, a, view, q.effects, q.params)
    dearer = _with(q, switching_cost_fixed=q.params.choice.switching_cost_fixed + 1.0)
    more = valuation.membership_surplus(rows, firms, a, view, q.effects, dearer)
    assert np.isfinite(base).all() and base.shape == rows.shape
    np.testing.assert_allclose(more - base, 1.0, rtol=1e-9)


def test_prospects_a_national_alliance_may_not_admit_bring_nothing(world):
    """recruit_value counts only eligible prospects; none eligible, nothing expected."""
    from sim.engine.founding import recruit_value
    from sim.engine.outlook import flow_scale, reviser_at

    model, q, view = world
    firms, a = model.firms, model.alliances
    free = dict(switching_cost_fixed=0.0, switching_cost_revenue=0.0, coord_cost_fixed=0.0)
    p = _with(q, **free, coord_cost_share=0.0, fee_closed=0.0)  # joining costs nothing
    ids = np.flatnonzero(a.active)
    alive = np.flatnonzero(firms.alive)
    prospects = np.broadcast_to(alive[: 4 * ids.size].reshape(ids.size, 4), (ids.size, 4))
    o = view.outlook
    r = reviser_at(a.leader[ids], firms, o, view.channels, view.position)
    R = np.asarray(p.rnd.relatedness, dtype=np.float64)
    args = (r, prospects, firms, o, R, flow_scale(o, p), p, CLOSED, o.internal[ids])
    everyone = recruit_value(*args)
    assert (everyone >= 0).all() and everyone.sum() > 0  # some prospects would come
    np.testing.assert_array_equal(recruit_value(*args, False), np.zeros(ids.size))
    half = np.zeros(prospects.shape, dtype=bool)
    half[:, :2] = True
    part = recruit_value(*args, half)
    assert (part <= everyone + 1e-12).all() and (part >= 0).all()


def test_the_leak_from_opening_masks_the_leaders_own_reach():
    """Review 8's fault in the regime review: the leader's own term, taken out of the rivals'
    reach unmasked, made a saturated leader's leak negative (a gain from opening). On
    korea_2024 after two quarters every leader's public channel is saturated (measured
    2026-12-03, seed 0: 8 of 8), where the unmasked leak reaches -2.2 USD m: the case is
    built, and the masked leak is never negative."""
    from sim.engine.outlook import flow_scale, reviser_at
    from sim.engine.reviews import opening_leak

    model = sim.AllianceModel(sim.compose(["world=korea_2024", "steps=2", "seed=0"])).run()
    firms, alliances = model.firms, model.alliances
    view = quiet_prospects(model, 2)
    o = view.outlook
    leaders = alliances.leader[np.flatnonzero(alliances.active)]
    r = reviser_at(leaders, firms, o, view.channels, view.position)
    flow = flow_scale(o, model.params)
    assert r.receive_public is not None and (r.receive_public == 0).sum() >= 3
    unmasked_own = (r.absorption * r.slope)[:, None] * r.share
    unmasked = (flow[r.markets] * r.share * (o.reach_all[r.markets] - unmasked_own)).sum(-1)
    assert (unmasked * o.public_rate * r.effort).min() < -0.1  # what the fault gave
    assert opening_leak(r, o, flow).min() >= 0.0
