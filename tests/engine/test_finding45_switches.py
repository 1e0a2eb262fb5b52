"""The two switches of finding 45 (docs/model.md section 10), both off by default.

``model.choice.leaders_within_bound``: a leader's interest counts the knowledge an applicant
brings only while the leader's internal channel still absorbs (the level bound, 6.3).
``model.choice.distance_at_market_scale``: the fixed distance cost read at W_t / W_0.
"""

from dataclasses import replace

import numpy as np
import pytest

import sim
from sim.engine import economy, fixed_amounts, leadership, valuation
from sim.engine.choice import FIRST_CANDIDATE, RevisionDraws
from sim.engine.outlook import flow_scale, reviser_at
from sim.engine.policy import PolicyEffects
from sim.engine.state import CLOSED


def switched(config, **choice):
    """``config`` with the given ``model.choice`` fields."""
    model = replace(config.model, choice=replace(config.model.choice, **choice))
    return replace(config, model=model)


def test_both_switches_are_off_by_default():
    """Finding 45: d0 at W_t / W_0 was adopted and withdrawn the same day (the economist's
    review: the index outgrows the gain it prices); the leader's bound waits for a refit."""
    choice = sim.compose([]).model.choice
    assert not choice.leaders_within_bound and not choice.distance_at_market_scale


@pytest.fixture(scope="module")
def korea_quarter_5():
    """korea_2024 after 5 quarters (Stargate founded), the first reviser view of quarter 5."""
    model = sim.AllianceModel(sim.compose(["world=korea_2024", "steps=6"]))
    for _ in range(5):
        model.step()
    return model


def interests(model, on):
    """Each alive non-member's leader interest in every active closed alliance."""
    firms, alliances = model.firms, model.alliances
    p = switched(model.cfg, leaders_within_bound=on).model
    effects = PolicyEffects.neutral(firms.n, alliances.m, p.choice.baseline_clarity)
    q = model._new_quarter(model.steps, effects)
    closed = np.flatnonzero(alliances.active & (alliances.regime == CLOSED))
    rows = np.flatnonzero(firms.alive & (firms.alliance < 0))
    target = np.broadcast_to(closed, (rows.size, closed.size)).astype(np.int64)
    draws = RevisionDraws(rows, target, np.zeros((rows.size, FIRST_CANDIDATE + closed.size)))
    view = valuation.prospects(firms, alliances, q, model.economy, draws, np.random.default_rng(0))
    o = view.outlook
    r = reviser_at(rows, firms, o, view.channels, view.position)
    R = np.asarray(p.rnd.relatedness, dtype=np.float64)
    value = leadership.leader_interest(r, target, firms, alliances, o, R, flow_scale(o, p), p)
    receiving = o.receiving[1][alliances.leader[closed]]
    return value, receiving


def test_a_saturated_leader_values_applicants_only_by_what_else_they_bring(korea_quarter_5):
    """Where the leader's internal channel still absorbs, nothing changes; where it does
    not, the knowledge term goes and only customers, resale and crowding remain."""
    off, receiving = interests(korea_quarter_5, False)
    on, same = interests(korea_quarter_5, True)
    np.testing.assert_array_equal(receiving, same)
    assert (receiving == 0).any()  # measured: the frontier leaders are saturated
    absorbs = receiving > 0
    np.testing.assert_array_equal(on[:, absorbs], off[:, absorbs])
    assert (on[:, ~absorbs] <= off[:, ~absorbs] + 1e-12).all()
    assert (on[:, ~absorbs] < off[:, ~absorbs]).any()


@pytest.mark.parametrize("every", [False, True])
def test_the_distance_cost_alone_grows_with_the_markets(every):
    base = sim.compose(["world=korea_2024", f"model.growth.scale_fixed_amounts={every}"])
    model = sim.AllianceModel(switched(base, distance_at_market_scale=True))
    p, year = model.params, model.cfg.world.start_year
    effects = PolicyEffects.neutral(model.firms.n, model.alliances.m, 0.3)
    for t in (0, 8, 40):
        q = model._new_quarter(t, effects)
        markets = fixed_amounts.market_scale(
            economy.market_sizes_at(t, p, year), economy.market_sizes_at(0, p, year)
        )
        d0 = q.params.choice.distance_cost_fixed
        assert d0 == pytest.approx(p.choice.distance_cost_fixed * markets, rel=1e-12)
        # the coordination cost's fixed part moves only with every fixed amount, never twice
        cc0 = q.params.choice.coord_cost_fixed
        assert cc0 == pytest.approx(p.choice.coord_cost_fixed * (markets if every else 1.0))
        assert q.money_scale == pytest.approx(markets if every else 1.0)
    assert markets > 5.0  # 40 quarters of markets growing about 25 % a year
