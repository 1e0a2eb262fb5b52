"""In a shallow alliance members' own effort is the non-cooperative one (issue 10, R&D tests).

What the model defines (docs/model.md 6.2, "The general matrix form"): a member of an
alliance of depth w weighs a partner's profit by ``W_ij = w`` (scaled by size, finding 10,
and by the number of partners, finding 35); at ``w = 0`` it maximises its own profit
*while receiving the alliance's spillovers* (Kamien, Muller and Zang's "RJV competition").
So at depth 0 its marginal value is the non-cooperative one, ``MV_i = sum_l B_il J_il``
(identity profit weights), on the alliance's channel structure B: the alliance channel
(rate ``beta_alliance_shallow`` at depth 0) still carries its knowledge to partners, and
what reaches a same-market partner takes customers from it. A member of a depth-0
alliance therefore chooses the effort "the same firm alone would choose given the same
inflows" only where its channels are those of a firm alone (its effort reaches everyone at
the public rate and nothing more); ``test_with_alone_channels_a_depth_0_member_invests_as_alone``
builds that case (alliance rates 0, every firm publishing fully, open regimes) and checks
it literally, against the same firms with the alliances dissolved. With the default
channels the tests check the model's own definition: identity weights on the alliance's B.

Both with the level bound of docs/model.md 6.3 (``model.rnd.level_bounded_spillovers``,
default on: a receiver whose channel is saturated gains nothing from a sender's marginal
effort, so the dense reference closes those entries of B) and without it.
"""

from dataclasses import replace

import numpy as np
import pytest

import sim
from sim.engine import economy, innovation
from sim.engine.channels import spillover_matrix
from sim.engine.demand import profit_jacobian_dense
from sim.engine.knowledge import marginal_capability
from sim.engine.rnd_game import marginal_value, profit_weights
from sim.engine.state import NO_ALLIANCE, OPEN
from tests.conftest import SMALL_SYNTHETIC
from tests.engine.test_levels import masked_spillovers

# revision_share 0 keeps the four seeded alliances (5 members each) and founds none;
# depth_adjustment 0 keeps each alliance at the depth the test sets (docs/model.md 6.7;
# ``_model`` also dates them before the run).
PINNED = [
    *SMALL_SYNTHETIC,
    "model.economics=v2",
    "model.choice.revision_share=0",
    "model.choice.depth_adjustment=0",
]
# Channels of a firm alone for everyone: no alliance or federation rate above the public one.
ALONE_CHANNELS = [
    "model.rnd.beta_alliance_shallow=0",
    "model.rnd.beta_alliance_deep=0",
    "model.rnd.beta_federation=0",
]
QUARTERS = 4
BOUNDED = pytest.mark.parametrize("bounded", [True, False], ids=["bound", "no-bound"])


def _model(bounded: bool, depth: float, extra: tuple[str, ...] = ()) -> sim.AllianceModel:
    flag = f"model.rnd.level_bounded_spillovers={str(bounded).lower()}"
    model = sim.AllianceModel(sim.compose([*PINNED, f"steps={QUARTERS}", flag, *extra]))
    model.alliances.depth[:] = depth
    # the seeded alliances count as founded before the run: otherwise the first quarter
    # starts them at their target depth (``stages.deepen``) instead of keeping ``depth``
    model.alliances.founded[:] = -1
    return model


def _start(model):
    """The first quarter's plan, as the model computes it (no colluders at the start)."""
    q = model._new_quarter(0, model.government.act(0))
    s = economy.sales(model.firms, model.economy, 0, model.params, model.alliances)
    return q, s, innovation.plan(model.firms, model.alliances, q, model.economy, s)


def _dense(firms, alliances, params, q, econ, s, plan, W):
    """Dense ``MV = sum_j W_ij sum_l B_il J_jl``, ``Omega_i = dMV_i / dg'_i`` and g'.

    B is the plan's channel structure (``channels.spillover_matrix``), with the entries of
    saturated receivers closed when the level bound is on (``test_levels.masked_spillovers``).
    """
    rows = plan.rows
    position = np.full(firms.n, -1)
    position[rows] = np.arange(rows.size)
    k, d = firms.capability[rows], firms.domain[rows].astype(np.int64)
    law = innovation.law(params, econ, d, firms.region[rows], firms.learning_rate[rows])
    slope = marginal_capability(k, firms.effort[rows] + plan.inflow[rows], **law)
    scale = innovation.market_multipliers(params, econ) * params.growth.margin * s.size
    theta = params.growth.share_sensitivity
    J = profit_jacobian_dense(s.share, s.market, position[s.firm], rows.size, scale, theta, slope)
    R = np.asarray(params.rnd.relatedness)
    opened = innovation.last_spillovers(firms, alliances, q, econ).receiving
    a = plan.absorption[rows]
    if opened is None:
        B = spillover_matrix(plan.channels, d, a, R)
    else:
        B = masked_spillovers(plan.channels, d, a, R, *opened)
    unit = np.ones(rows.size)
    J1 = profit_jacobian_dense(s.share, s.market, position[s.firm], rows.size, scale, theta, unit)
    return marginal_value(J, B, W), (W * J1.T).sum(axis=1), slope


def _same_market_members(firms, rows):
    """Members with a partner in their own domain (they sell in the same two markets)."""
    al, d = firms.alliance[rows], firms.domain[rows]
    partner = (al[:, None] == al[None, :]) & (al[:, None] != NO_ALLIANCE)
    partner &= ~np.eye(rows.size, dtype=bool)
    return (partner & (d[:, None] == d[None, :])).any(axis=1)


def _weighted(model, plan):
    """The profit weights the plan uses: 1 for oneself, ``partner_weights`` for partners."""
    rows = plan.rows
    W = profit_weights(plan.channels.alliance, np.ones(max(model.alliances.m, 1)))
    weight = innovation.partner_weights(
        model.firms.revenue[rows],
        model.alliances.depth,
        plan.channels,
        model.params.choice.noise_revenue_floor,
        model.params.rnd.max_weighted_partners,
    )
    return np.where(np.eye(rows.size, dtype=bool), 1.0, W * weight[:, None]), weight


# --- the first-order condition -----------------------------------------------------------------


@BOUNDED
def test_at_depth_0_a_members_marginal_value_is_the_non_cooperative_one(bounded):
    model = _model(bounded, 0.0)
    q, s, plan = _start(model)
    f, rows = model.firms, plan.rows
    nonco, omega, slope = _dense(
        f, model.alliances, model.params, q, model.economy, s, plan, np.eye(rows.size)
    )
    split = plan.omega[rows] * slope + plan.rest[rows]  # the members' condition, as solved
    np.testing.assert_allclose(split, nonco, rtol=1e-9, atol=1e-12 * np.abs(nonco).max())
    np.testing.assert_allclose(plan.omega[rows], omega, rtol=1e-9)  # sum_m C_m s (1 - s)
    # not vacuous: members with same-market partners, reached through the alliance channel
    same = _same_market_members(f, rows)
    assert same.sum() >= 4
    members = f.alliance[rows] != NO_ALLIANCE
    assert np.all(plan.channels.alliance_excess[members] > 0.0)


@BOUNDED
def test_at_depth_1_same_market_members_weigh_their_partners(bounded):
    """The same state at depth 1: partners' profits count; firms alone are unchanged."""
    model = _model(bounded, 1.0)
    q, s, plan = _start(model)
    f, rows = model.firms, plan.rows
    args = (f, model.alliances, model.params, q, model.economy, s, plan)
    nonco, _, slope = _dense(*args, np.eye(rows.size))
    W, weight = _weighted(model, plan)
    joint, _, _ = _dense(*args, W)
    split = plan.omega[rows] * slope + plan.rest[rows]
    np.testing.assert_allclose(split, joint, rtol=1e-9, atol=1e-12 * np.abs(joint).max())
    same = _same_market_members(f, rows) & (weight > 0.0)
    assert same.sum() >= 4
    gap = np.abs(split - nonco) / np.abs(nonco)
    assert np.all(gap[same] > 1e-6)  # measured 3.5e-5 to 1.0 (12 members, both bounds)
    alone = f.alliance[rows] == NO_ALLIANCE
    np.testing.assert_allclose(split[alone], nonco[alone], rtol=1e-9)
    # joint profit internalises business stealing between partners, V_im = (1-w) s + w S_A:
    # a lower coefficient of the own g' than at depth 0 with the same shares (depth also
    # moves shares, through integrated offers: the sales are held at depth 1's)
    model.alliances.depth[:] = 0.0
    shallow = innovation.plan(f, model.alliances, q, model.economy, s)
    assert np.all(plan.omega[rows][same] < shallow.omega[rows][same])


# --- efforts, quarter after quarter -------------------------------------------------------------


def _spy_on_plans(monkeypatch, check):
    """Call ``check(firms, alliances, q, economy, sales, margins)`` on every quarter's plan.

    The model's R&D plan is the call with ``margins`` (``AllianceModel._economy_quarter``);
    the hollowness check's plan of firms alone has none.
    """
    real = innovation.plan
    seen = []

    def spy(firms, alliances, q, econ, sales, margins=None):
        if margins is not None:
            seen.append(check(firms, alliances, q, econ, sales, margins, real))
        return real(firms, alliances, q, econ, sales, margins)

    monkeypatch.setattr(innovation, "plan", spy)
    return seen


@BOUNDED
def test_a_depth_0_members_effort_solves_the_non_cooperative_condition(monkeypatch, bounded):
    """Default channels, depth pinned at 0, four quarters of a run (state moving)."""
    model = _model(bounded, 0.0)

    def check(firms, alliances, q, econ, sales, margins, real):
        assert np.all(alliances.depth == 0.0)  # shallow in this quarter's plan
        game = real(firms, alliances, q, econ, sales, margins)
        rows = game.rows
        rates = np.full(sales.share.shape, q.params.growth.margin)
        assert np.array_equal(margins, rates)  # no colluders here: the base margin everywhere
        nonco, omega, slope = _dense(
            firms, alliances, q.params, q, econ, sales, game, np.eye(rows.size)
        )
        full = np.zeros((2, firms.n))
        full[:, rows] = omega, nonco - omega * slope
        reference = replace(game, omega=full[0], rest=full[1], responses={})
        x = innovation.best_response(rows, firms, q, game)
        x_nonco = innovation.best_response(rows, firms, q, reference)
        members = firms.alliance[rows] != NO_ALLIANCE
        np.testing.assert_allclose(x, x_nonco, rtol=1e-9, atol=1e-12)
        return x[members], x_nonco[members]

    seen = _spy_on_plans(monkeypatch, check)
    model.run()
    assert len(seen) == QUARTERS
    assert np.all(model.alliances.depth == 0.0)  # still shallow at the end
    assert all((x > 0.0).sum() >= 10 for x, _ in seen)  # members invest: not vacuous


@BOUNDED
@pytest.mark.parametrize("depth", [0.0, 1.0])
def test_with_alone_channels_a_depth_0_member_invests_as_alone(monkeypatch, bounded, depth):
    """Alliance rates 0, every firm publishing fully, open regimes: B is that of firms alone.

    Then, quarter by quarter, a member of a depth-0 alliance chooses exactly the effort the
    same firm would choose with the alliances dissolved, at the same state and inflows; at
    depth 1 (same channels: only the profit weights change) members choose otherwise.
    """
    model = _model(bounded, depth, tuple(ALONE_CHANNELS))
    model.firms.openness[:] = 1.0  # a firm alone publishes with its openness, a member with 1
    model.alliances.regime[:] = OPEN

    def check(firms, alliances, q, econ, sales, margins, real):
        assert np.all(alliances.depth == depth)  # pinned in this quarter's plan
        game = real(firms, alliances, q, econ, sales, margins)
        alone_firms = replace(firms, alliance=np.full(firms.n, NO_ALLIANCE, firms.alliance.dtype))
        alone = real(alone_firms, alliances, q, econ, sales, margins)
        rows = game.rows
        np.testing.assert_array_equal(alone.rows, rows)
        np.testing.assert_allclose(game.inflow, alone.inflow, rtol=1e-12, atol=0.0)
        x = innovation.best_response(rows, firms, q, game)
        x_alone = innovation.best_response(rows, alone_firms, q, alone)
        members = firms.alliance[rows] != NO_ALLIANCE
        assert members.sum() == 20
        np.testing.assert_allclose(x[~members], x_alone[~members], rtol=1e-9, atol=1e-12)
        return x[members], x_alone[members]

    seen = _spy_on_plans(monkeypatch, check)
    model.run()
    assert len(seen) == QUARTERS
    inside = np.concatenate([x for x, _ in seen])
    alone = np.concatenate([x for _, x in seen])
    assert (alone > 0.0).sum() >= 40  # members invest in most quarters: not vacuous
    if depth == 0.0:
        np.testing.assert_allclose(inside, alone, rtol=1e-9, atol=1e-12)
    else:
        differ = np.abs(inside - alone) > 1e-3 * np.maximum(alone, 1e-9)
        assert differ.sum() >= 10
