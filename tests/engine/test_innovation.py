"""sim.engine.innovation: the R&D conditions of version 2, solved and wired into the model.

Pinned properties of the solver, a dense reference for the marginal value the plan splits,
the deep-alliance mechanism the issue asks for, and whole version-2 runs: finite, capability
never above the frontier, shares summing to 1 with the outside good, both engines equal.
"""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sim
from sim.engine import economy, innovation
from sim.engine.channels import spillover_matrix
from sim.engine.demand import outside_share, profit_jacobian_dense
from sim.engine.knowledge import marginal_capability
from sim.engine.markets import N_MARKETS, seller_shift
from sim.engine.rnd_game import marginal_value, profit_weights
from sim.engine.state import CLOSED, NO_ALLIANCE
from tests.conftest import SMALL_SYNTHETIC
from tests.engine.test_held_frontier import assert_held
from tests.engine.test_levels import masked_spillovers

V2 = [*SMALL_SYNTHETIC, "model.economics=v2"]


@pytest.fixture(scope="module")
def v2_cfg():
    return sim.compose([*V2, "steps=6"])


def _plan(model):
    q = model._new_quarter(0, model.government.act(0))
    s = economy.sales(model.firms, model.economy, 0, model.params, model.alliances)
    return q, s, innovation.plan(model.firms, model.alliances, q, model.economy, s)


# --- the solver ------------------------------------------------------------------------------


@given(
    omega=st.floats(0.0, 1e4),
    rest=st.floats(-50.0, 50.0),
    inflow=st.floats(0.0, 2.0),
    cost=st.floats(1.0, 200.0),
)
def test_the_effort_solves_its_condition(omega, rest, inflow, cost):
    def slope(x):
        return 0.02 * np.power(x + inflow + 1e-3, -0.5)

    args = [np.array([v]) for v in (omega, rest, inflow, cost)]
    x = innovation.solve_effort(*args, np.array([np.inf]), slope, 0.5)[0]
    residual = omega * slope(np.array([x]))[0] + rest - cost * x
    if x == 0.0:
        assert omega * slope(np.zeros(1))[0] + rest <= 1e-12 * cost  # x below rounding
    else:
        assert abs(residual) <= 1e-9 * max(1.0, omega * slope(np.zeros(1))[0] + abs(rest))


def test_linear_returns_give_the_closed_form_and_cash_caps_effort():
    def slope(x):
        return np.full_like(x, 0.5)

    x = innovation.solve_effort(
        np.array([10.0, 10.0, 1.0]),
        np.array([1.0, 1.0, -2.0]),
        np.zeros(3),
        np.array([2.0, 2.0, 2.0]),
        np.array([np.inf, 1.0, np.inf]),
        slope,
        1.0,
    )
    assert x.tolist() == [3.0, 1.0, 0.0]  # (10 x 0.5 + 1) / 2; capped at 1; negative -> 0


# --- the plan against the dense machinery -----------------------------------------------------


@pytest.mark.parametrize("bounded", [True, False])
def test_the_split_marginal_value_equals_the_dense_reference(v2_cfg, bounded):
    """With the level bound (docs/model.md 6.3) the dense B closes saturated receivers."""
    flag = f"model.rnd.level_bounded_spillovers={str(bounded).lower()}"
    model = sim.AllianceModel(sim.compose([*V2, "steps=6", flag]))
    q, s, plan = _plan(model)
    f, rows = model.firms, plan.rows
    position = np.full(f.n, -1)
    position[rows] = np.arange(rows.size)
    k, d = f.capability[rows], f.domain[rows].astype(np.int64)
    X = f.effort[rows] + plan.inflow[rows]
    law = innovation.law(model.params, model.economy, d, f.region[rows], f.learning_rate[rows])
    slope = marginal_capability(k, X, **law)
    scale = innovation.market_multipliers(model.params, model.economy)
    scale = scale * model.params.growth.margin * s.size
    theta = model.params.growth.share_sensitivity
    J = profit_jacobian_dense(s.share, s.market, position[s.firm], rows.size, scale, theta, slope)
    R = np.asarray(model.params.rnd.relatedness)
    B = spillover_matrix(plan.channels, d, plan.absorption[rows], R)
    opened = innovation.last_spillovers(model.firms, model.alliances, q, model.economy).receiving
    assert (opened is not None) == bounded
    if opened is not None:
        B = masked_spillovers(plan.channels, d, plan.absorption[rows], R, *opened)
        assert min(v.min() for v in opened) == 0.0  # some receivers saturated: not vacuous
    W = profit_weights(plan.channels.alliance, np.ones(max(model.alliances.m, 1)))
    weight = innovation.partner_weights(
        f.revenue[rows],
        model.alliances.depth,
        plan.channels,
        model.params.choice.noise_revenue_floor,
    )
    W = np.where(np.eye(rows.size, dtype=bool), 1.0, W * weight[:, None])
    dense = marginal_value(J, B, W)
    split = plan.omega[rows] * slope + plan.rest[rows]  # the grouped MV at these slopes
    np.testing.assert_allclose(split, dense, rtol=1e-9, atol=1e-9 * np.abs(dense).max())
    # Omega_i = dMV_i / dg'_i = sum_j W_ij J_ji at g' = 1 (only l = i carries g'_i; B_ii = 1)
    unit = np.ones(rows.size)
    J1 = profit_jacobian_dense(s.share, s.market, position[s.firm], rows.size, scale, theta, unit)
    omega = (W * J1.T).sum(axis=1)
    np.testing.assert_allclose(plan.omega[rows], omega, rtol=1e-9, atol=1e-9 * omega.max())
    assert (W[W < 1] > 0).any()  # some partners weigh each other: the depth term is tested


@pytest.mark.parametrize("bounded", [True, False])
def test_a_deep_alliance_across_domains_raises_its_members_effective_rnd(v2_cfg, bounded):
    """Six firms in six domains: alone, then in one closed alliance of depth 1 (docs 6.2).

    Under the level bound (docs/model.md 6.3) a member gains only where its partners' pool,
    each partner's capability weighted by relatedness, is above its own level: here one
    member far behind (k = 0.05); the others, at 0.4-1, learn nothing from each other.
    """
    flag = f"model.rnd.level_bounded_spillovers={str(bounded).lower()}"
    model = sim.AllianceModel(sim.compose([*V2, "steps=6", flag]))
    f, a = model.firms, model.alliances
    domestic = np.flatnonzero(f.alive & (f.region == 0) & (f.alliance == NO_ALLIANCE))
    chosen = np.array([domestic[f.domain[domestic] == d][0] for d in range(6)])
    if bounded:
        f.capability[chosen[0]] = 0.05
    _, _, alone = _plan(model)
    X_alone = innovation.deliver(f, alone, f.effort, model.params)
    effort_alone = f.effort[chosen].copy()

    a.append(np.array([CLOSED]), np.array([chosen[0]]), 0, ["test-jv"])
    a.depth[-1] = 1.0
    f.alliance[chosen] = a.m - 1
    q, _, deep = _plan(model)
    effort_deep = innovation.invest(chosen, f, a, q, deep)[0]
    f.effort[chosen] = effort_deep
    X_deep = innovation.deliver(f, deep, f.effort, model.params)
    if not bounded:
        assert np.all(deep.rest[chosen] > alone.rest[chosen])  # partners' gains now count
        assert np.all(X_deep[chosen] > X_alone[chosen])
        return
    # partners' gains count only where the partner is not saturated: never less than alone
    tol = 1e-9 * np.abs(alone.rest[chosen]).max()
    assert np.all(deep.rest[chosen] >= alone.rest[chosen] - tol)
    at = np.searchsorted(deep.rows, chosen)
    assert deep.bound is not None
    lifted = deep.bound.internal[at] > 0.0  # below its partners' level: they can lift it
    assert lifted[0] and not lifted.all()
    # the knowledge it receives rises (measured 0.051 -> 0.075 effort units); its own
    # effort falls (0.39 -> 0.23: inflow lowers g'), so its X need not rise
    inflow_deep, inflow_alone = X_deep[chosen] - effort_deep, X_alone[chosen] - effort_alone
    assert np.all(inflow_deep[lifted] > inflow_alone[lifted])


# --- whole runs ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def v2_run(v2_cfg):
    return sim.AllianceModel(v2_cfg).run()


def test_a_version_2_run_is_finite_and_below_the_frontier(v2_run):
    df = v2_run.datacollector.get_model_vars_dataframe()
    assert np.isfinite(df.to_numpy(dtype=float)).all()
    alive = v2_run.firms.alive
    assert v2_run.firms.capability[alive].max() <= 1.0 + 1e-12
    assert (df["total_rnd"].iloc[1:] > 0).all()
    assert_held(v2_run.firms)  # the frontier held by a firm (default): each domain's best at 1


def test_shares_with_the_outside_good_sum_to_one_in_every_market(v2_run):
    f, e = v2_run.firms, v2_run.economy
    s = economy.sales(f, e, 6, v2_run.params, v2_run.alliances)
    value = economy.seller_values(f, v2_run.alliances, s.firm, v2_run.params) + seller_shift(
        f.region[s.firm], s.market, e.home_bias, e.row_penalty
    )
    inside = np.bincount(s.market, weights=s.share, minlength=N_MARKETS)
    total = inside + outside_share(value, s.market, N_MARKETS, e.outside)
    served = np.bincount(s.market, minlength=N_MARKETS) > 0
    assert served.sum() == N_MARKETS  # every domain has sellers in this world
    np.testing.assert_allclose(total, 1.0, rtol=0, atol=1e-12)
    assert np.all(inside > 0.0) and np.all(inside < 1.0)


def test_both_engines_give_identical_version_2_runs():
    cfg = sim.compose([*V2, "world.n_startups=40", "steps=4"])
    vec = sim.AllianceModel(cfg, engine="vectorised").run()
    agents = sim.AllianceModel(cfg, engine="agents").run()
    a = vec.datacollector.get_model_vars_dataframe()
    b = agents.datacollector.get_model_vars_dataframe()
    assert a.equals(b)
    np.testing.assert_array_equal(vec.firms.capability, agents.firms.capability)
    np.testing.assert_array_equal(vec.firms.effort, agents.firms.effort)


def test_hollow_members_are_those_who_would_do_far_more_alone(v2_cfg):
    """Version 2's hollow index (docs/model.md section 10, finding 3)."""
    model = sim.AllianceModel(v2_cfg)
    q, _s, plan = _plan(model)
    f, a = model.firms, model.alliances
    alone = economy.sales(f, model.economy, 0, model.params, None)
    hollow = innovation.hollow_members(f, a, q, plan, alone)
    assert not hollow[f.alliance == NO_ALLIANCE].any()  # only members can be hollow
    strict = replace(q.params, reporting=replace(q.params.reporting, hollow_share_of_alone=1.0))
    every = innovation.hollow_members(f, a, replace(q, params=strict), plan, alone)
    assert every.sum() >= hollow.sum() and np.all(every[hollow])  # monotone in the threshold
    lax = replace(q.params, reporting=replace(q.params.reporting, hollow_share_of_alone=0.0))
    assert not innovation.hollow_members(f, a, replace(q, params=lax), plan, alone).any()


def test_a_small_member_weighs_a_giant_partner_less():
    """Finding 10 of docs/model.md section 10: no side payments, no full profit weight."""
    from sim.engine.channels import build

    ch = build(np.array([0, 0, 0, -1]), np.array([True]), 0.5, 0.9, 0.1)
    w = innovation.partner_weights(np.array([1.0, 100.0, 100.0, 5.0]), np.array([0.8]), ch, 0.05)
    assert w[3] == 0.0  # alone
    assert w[1] == pytest.approx(0.8) and w[2] == pytest.approx(0.8)  # as large as the others
    assert w[0] == pytest.approx(0.8 * 1.0 / 100.0)  # a hundredth of its partners' size


@pytest.mark.parametrize("members", [2, 3, 5, 12, 40])
@pytest.mark.parametrize("cap", [1.0, 2.5, 10.0, 10_000.0])
def test_a_members_total_weight_on_partners_is_at_most_depth_times_the_cap(members, cap):
    """Finding 35: the total weight ``w_i (n - 1)`` stops at ``w_A K``; below K no change."""
    from sim.engine.channels import build

    alliance = np.array([0] * members + [-1])
    ch = build(alliance, np.array([True]), 0.5, 0.9, 0.1)
    revenue = np.ones(members + 1)
    w = innovation.partner_weights(revenue, np.array([0.6]), ch, 0.05, cap)
    assert w[-1] == 0.0
    total = w[:members] * (members - 1)
    assert np.all(total <= 0.6 * cap + 1e-12)
    expected = 0.6 * min(1.0, cap / (members - 1))  # equal revenues: no size factor
    np.testing.assert_allclose(w[:members], expected)


@pytest.mark.parametrize("seed", [0, 1])
def test_the_fast_slope_leaves_every_effort_bit_for_bit_unchanged(seed):
    """Near-ties included: rows whose condition is almost 0 at the start force exact checks."""
    from sim.engine.knowledge import capability_law

    rng = np.random.default_rng(seed)
    n = 3000
    k, inflow = rng.uniform(0.0, 1.1, n), rng.uniform(0.0, 2.0, n)
    law = capability_law(
        k,
        0.02,
        learning_rate=0.03,
        catch_up=1.5,
        obsolescence=0.01,
        ceiling=np.where(rng.random(n) < 0.2, 1.0, np.inf),
    )
    omega, cost = rng.uniform(0.0, 1e4, n), rng.uniform(1.0, 200.0, n)
    rest = rng.uniform(-50.0, 50.0, n)
    rest[:50] = -omega[:50] * law.slope(inflow)[:50]  # the condition is 0 at zero effort

    def slope(x):
        return law.slope(x + inflow)

    fast = innovation.SlopeEstimate(
        lambda x: law.estimate_slope(x + inflow),
        lambda x, at: law.take(at).slope(x + inflow[at]),
    )
    args = (omega, rest, inflow, cost, np.full(n, np.inf), slope, 0.5)
    exact = innovation.solve_effort(*args)
    assert np.array_equal(innovation.solve_effort(*args, fast), exact)
    assert (exact > 0.0).sum() > n // 2


def test_the_best_response_is_solved_once_per_plan_and_again_when_its_inputs_change(v2_cfg):
    model = sim.AllianceModel(v2_cfg)
    q, _, game = _plan(model)
    rows = game.rows
    first = innovation.best_response(rows, model.firms, q, game)
    assert game.responses["effort"] is not first  # a copy is kept, not the caller's array
    first[:] = -1.0  # the caller may write into what it got
    again = innovation.best_response(rows, model.firms, q, game)
    assert (again >= 0.0).all()
    model.firms.capital[rows] *= 0.01  # less cash: lower caps, a new solve
    poorer = innovation.best_response(rows, model.firms, q, game)
    assert (poorer <= again).all() and (poorer < again).any()
