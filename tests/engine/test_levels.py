"""Level-bounded spillovers (docs/model.md 6.3, finding 37): knowledge lifts a receiver to the
level of what it learns from, not past it; delivery and the marginal value read one bound."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine import channels, demand, knowledge, levels, rnd_game
from tests.before_leaders import before_leaders
from tests.conftest import quiet_prospects
from tests.engine.test_demand import random_world, structure
from tests.engine.test_entry_values import entry_before_the_fix
from tests.pins import assert_pinned

LAW = {"learning_rate": 0.05, "catch_up": 1.5, "obsolescence": 0.01, "returns_exponent": 0.5}
DRIFT = 0.0284  # a quarter of the 11.84 %/yr frontier trend


def law_of(k):
    return knowledge.capability_law(k, DRIFT, **LAW)


def bounded(k, x_last, x, domain, R, a, ch):
    """(X, bound) of the firms: effective R&D at efforts x under the start-of-quarter bound."""
    bound = levels.inflow_bound(k, x_last, domain, R, ch, law_of(k))
    return knowledge.effective_rnd_grouped(x, domain, R, a, ch, bound), bound


def one_alliance(n, deep=0.9, public_rate=0.0):
    return channels.build(np.zeros(n, dtype=int), [False], 0.0, deep, public_rate)


def test_a_leader_among_followers_gets_no_lift_from_them():
    k = np.array([0.95, 0.4, 0.45, 0.5])
    x = np.array([0.05, 2.0, 2.0, 2.0])  # followers spend forty times the leader's effort
    ch, domain, R, a = one_alliance(4, public_rate=0.1), np.zeros(4, int), np.ones((1, 1)), 0.8
    X, _ = bounded(k, x, x, domain, R, np.full(4, a), ch)
    alone = knowledge.capability_gain(k[0], x[0], DRIFT, **LAW)
    assert knowledge.capability_gain(k[0], X[0], DRIFT, **LAW) == alone
    unbounded = knowledge.effective_rnd_grouped(x, domain, R, np.full(4, a), ch)
    assert knowledge.capability_gain(k[0], unbounded[0], DRIFT, **LAW) > alone + 0.05
    # the lowest follower still learns from the pool (its level ~0.43), the highest does not
    assert X[1] > x[1] and X[3] == x[3]


def test_a_follower_below_a_frontier_partner_is_lifted_to_it_and_not_beyond():
    k = np.array([0.5, 1.0])
    ch, domain, R = one_alliance(2), np.zeros(2, int), np.ones((1, 1))
    # the partner's level, 1 at the start of the quarter, is 1 / (1 + f) of the drifted
    # frontier k' is measured against: spillovers alone bring no quarter's drift with them
    top = 1.0 / (1.0 + DRIFT)
    for partner_effort in (0.05, 5.0, 50.0):
        x = np.array([0.0, partner_effort])
        X, _ = bounded(k, x, x, domain, R, np.ones(2), ch)
        k_next = knowledge.capability_gain(k[0], X[0], DRIFT, **LAW)
        assert k_next <= top + 1e-12  # the partner's level
        unbounded = knowledge.effective_rnd_grouped(x, domain, R, np.ones(2), ch)[0]
        assert k_next == pytest.approx(
            min(knowledge.capability_gain(k[0], unbounded, DRIFT, **LAW), top),
            rel=1e-12,
        )
    assert k_next == pytest.approx(top, rel=1e-12)  # reached at 50
    # past it only by its own R&D, and by less than that R&D adds alone (concavity)
    own = 0.2
    X, _ = bounded(k, np.array([own, 50.0]), np.array([own, 50.0]), domain, R, np.ones(2), ch)
    k_next = knowledge.capability_gain(k[0], X[0], DRIFT, **LAW)
    own_gain = knowledge.capability_gain(k[0], own, DRIFT, **LAW) - law_of(k[0]).next(0.0)
    assert top < k_next < top + own_gain


def test_the_bound_is_computed_from_the_start_and_does_not_move_with_own_effort():
    k = np.array([0.5, 1.0])
    ch, domain, R = one_alliance(2), np.zeros(2, int), np.ones((1, 1))
    last = np.array([0.1, 5.0])
    inflows = [
        bounded(k, last, np.array([x, 5.0]), domain, R, np.ones(2), ch)[0][0] - x
        for x in (0.0, 0.3, 3.0)
    ]
    assert inflows[0] == inflows[1] == inflows[2]  # own effort leaves the inflow counted


def masked_spillovers(ch, domain, a, R, public_open, internal_open):
    """Dense B[l, i] = dX_i / dx_l with saturated receivers' channels closed (the reference)."""
    rate = channels.channel_rates(ch)
    public = np.where(rate > 0.0, ch.public[:, None], 0.0)
    related = R[domain[:, None], domain[None, :]] * a[None, :]
    B = related * (public * public_open[None, :] + (rate - public) * internal_open[None, :])
    np.fill_diagonal(B, 1.0)
    return B


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(1, 8),
    st.integers(1, 3),
    st.integers(1, 2),
    st.integers(0, 3),
    st.booleans(),
)
def test_grouped_marginal_value_with_saturated_receivers_equals_the_dense_one(
    seed, n_firms, n_domains, n_geos, n_alliances, federated
):
    w = random_world(seed, n_firms, n_domains, n_geos, n_alliances, federated)
    rng = np.random.default_rng(seed + 3)
    opened = (rng.random(n_firms) < 0.5).astype(float), (rng.random(n_firms) < 0.5).astype(float)
    s = demand.shares(w["value"], w["market"], w["n_markets"], w["outside"])
    J = demand.profit_jacobian_dense(
        s, w["market"], w["firm"], n_firms, w["scale"], w["theta"], w["dk_dX"]
    )
    ch = structure(w)
    B = masked_spillovers(ch, w["domain"], w["absorption"], w["relatedness"], *opened)
    dense = rnd_game.marginal_value(J, B, rnd_game.profit_weights(w["alliance"], w["depth"]))
    keys = ("scale", "theta", "domain", "depth", "absorption", "relatedness")
    grouped = demand.marginal_value_grouped(
        s, w["market"], w["firm"], **{key: w[key] for key in keys}, dk_dX=w["dk_dX"],
        channels=ch, receiving=opened,
    )  # fmt: skip
    np.testing.assert_allclose(grouped, dense, rtol=1e-10, atol=1e-12)


def test_a_saturated_receiver_is_worth_nothing_to_a_senders_effort():
    # one seller in its market, one receiver in another domain that no longer gains
    k = np.array([0.9, 0.3])
    ch, domain = one_alliance(2), np.array([0, 1])
    R = np.array([[1.0, 0.8], [0.8, 1.0]])
    x = np.array([50.0, 0.0])
    X, bound = bounded(k, x, x, domain, R, np.ones(2), ch)
    public, internal = knowledge.inflow_parts(x, domain, R, np.ones(2), ch)
    assert internal[1] > bound.internal[1] > 0.0  # saturated: more effort adds nothing
    opened = bound.receiving(public, internal)
    assert opened[1][1] == 0.0  # the receiver's internal channel is closed at the margin
    few = np.array([1.0, 0.0])  # with less of the partner's effort it is open
    _, few_bound = bounded(k, x, few, domain, R, np.ones(2), ch)
    assert few_bound.receiving(*knowledge.inflow_parts(few, domain, R, np.ones(2), ch))[1][1] == 1
    h = 1e-3
    X_more, _ = bounded(k, x, x + np.array([h, 0.0]), domain, R, np.ones(2), ch)
    assert X_more[1] == X[1]  # delivery: the receiver's X does not move
    market, firm, s = np.array([0, 1]), np.array([0, 1]), np.array([0.3, 0.3])
    args = dict(
        scale=np.ones(2), theta=1.0, dk_dX=np.ones(2), domain=domain, depth=np.ones(1),
        absorption=np.ones(2), relatedness=R, channels=ch,
    )  # fmt: skip
    with_receiver = demand.marginal_value_grouped(s, market, firm, **args)
    saturated = demand.marginal_value_grouped(s, market, firm, **args, receiving=opened)
    nobody = demand.marginal_value_grouped(
        s, market, firm, **{**args, "absorption": np.array([1.0, 0.0])}
    )
    assert with_receiver[0] > saturated[0]  # the partner's profit counted before
    assert saturated[0] == pytest.approx(nobody[0], rel=1e-12)  # as if it absorbed nothing


@settings(max_examples=80, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(1, 9),
    st.integers(1, 3),
    st.integers(0, 3),
    st.booleans(),
)
def test_delivery_and_choice_read_one_bound_and_nobody_is_lifted_past_its_sources(
    seed, n_firms, n_domains, n_alliances, federated
):
    w = random_world(seed, n_firms, n_domains, 1, n_alliances, federated)
    rng = np.random.default_rng(seed + 11)
    ch, domain, R, a = structure(w), w["domain"], w["relatedness"], w["absorption"]
    k = rng.uniform(0.05, 1.0, n_firms)
    x_last = rng.uniform(0.0, 3.0, n_firms) * (rng.random(n_firms) < 0.8)
    x = rng.uniform(0.0, 0.5, n_firms) * (rng.random(n_firms) < 0.7)
    X, bound = bounded(k, x_last, x, domain, R, a, ch)
    law = law_of(k)
    # 1. the source levels are the flow-weighted levels of what reaches each receiver
    B = channels.spillover_matrix(ch, domain, a, R) - np.eye(n_firms)
    public = np.where(B > 0.0, ch.public[:, None] * R[domain][:, domain] * a[None, :], 0.0)
    for flows, level in ((public, bound.public_level), (B - public, bound.internal_level)):
        f = flows * x_last[:, None]
        weighted = (f * R[domain][:, domain] * k[:, None]).sum(0)
        total = f.sum(0)
        expected = np.where(total > 0, weighted / np.where(total > 0, total, 1.0), 0.0)
        np.testing.assert_allclose(level, expected, rtol=1e-9, atol=1e-12)
    # 2. no unit passes its best source but by what its own R&D adds
    reach = (B > 0.0) & (x_last[:, None] > 0.0)
    best = np.where(reach, R[domain][:, domain] * k[:, None], 0.0).max(axis=0, initial=0.0)
    # in absolute units (the start-of-quarter frontier is 1): k' is relative to the drifted
    # frontier, the sources' k to the frontier they held when they sent their knowledge
    drift = law.drift
    base = law.next(0.0) * drift
    k_next = law.next(X) * drift
    ceiling = np.maximum(best, base) + law.next(x) * drift - base
    assert np.all(k_next <= ceiling + 1e-12)
    at_zero = law.next(X - x) * drift  # the inflow alone
    assert np.all(at_zero <= np.maximum(best, base) + 1e-12)
    # 3. the marginal unit counts exactly where the bound leaves room (forward differences)
    inflow_public, inflow_internal = knowledge.inflow_parts(x, domain, R, a, ch)
    opened = bound.receiving(inflow_public, inflow_internal)
    dense = masked_spillovers(ch, domain, a, R, *opened)
    h = 1e-7
    for sender in range(n_firms):
        more = x.copy()
        more[sender] += h
        X_more, _ = bounded(k, x_last, more, domain, R, a, ch)
        slope = (X_more - X) / h
        far = np.abs(bound.counted(inflow_public, inflow_internal) - bound.public) > 1e-4
        far &= np.abs(bound.counted(inflow_public, inflow_internal) - bound.internal) > 1e-4
        far &= np.abs(np.minimum(inflow_public, bound.public) - bound.public) > 1e-4
        far &= np.abs(np.minimum(inflow_internal, bound.internal) - bound.internal) > 1e-4
        np.testing.assert_allclose(slope[far], dense[sender][far], rtol=1e-5, atol=1e-6)


def test_effort_to_inverts_the_law():
    k = np.array([0.2, 0.6, 0.99])
    law = law_of(k)
    target = np.array([0.5, 0.9, 0.5])
    m = law.effort_to(target)  # start-of-quarter levels; k' is against the drifted frontier
    np.testing.assert_allclose(law.next(m)[:2] * (1.0 + DRIFT), target[:2], rtol=1e-12)
    assert m[2] == 0.0  # kept above the source's level without any R&D: nothing to learn


@pytest.mark.slow  # 3-11 s: CI (make test-slow), to keep make test near 5 minutes
def test_switched_off_the_model_gives_the_numbers_from_before_the_bound(monkeypatch):
    """``model.rnd.level_bounded_spillovers=false``: korea_2024's steps as at commit 042a3d7.

    Pinned on 042a3d7 (before the bound existed), seed 0, 8 quarters; the whole step table
    was compared there and then and was identical (2026-12-03). With that commit's entry
    (V^e read as 0, ``entry_before_the_fix``).
    """
    entry_before_the_fix(monkeypatch)
    import sim

    flag = "model.rnd.level_bounded_spillovers=false"
    # the membership defaults of that commit (the history fit of 2026-12-02 evening); the
    # defaults were refitted with the bound on (finding 38)
    before = [
        f"model.choice.{key}={value}"
        for key, value in {
            "channel_share": 0.0129,
            "coord_cost_fixed": 0.0067,
            "complementarity_uplift": 0.0531,
            "noise_revenue": 0.103,
            "switching_cost_revenue": 0.054,
            "distance_cost_fixed": 0.8475,
            "distance_cost": 0.4466,
            "regime_switch_cost": 0.6124,
        }.items()
    ]
    # and the start of that commit (one learning rate per domain; the stationary start is
    # the default since 2026-12-03)
    start = "model.growth.stationary_start=false"
    # and the R&D cost of that commit (fixed gamma_d; balanced growth is the default since
    # 2026-12-03)
    fixed = "model.growth.balanced_growth=false"
    # and the world before the frontier was held by a firm (tests/before_leaders)
    # (``before`` last: it wins over before_leaders' later fit, FIT_OF_2026_12_03)
    old = [flag, start, fixed, *before_leaders(monkeypatch), *before]
    cfg = sim.compose(["world=korea_2024", "steps=8", "seed=0", *old])
    frame = sim.AllianceModel(cfg).run().datacollector.get_model_vars_dataframe()
    assert_pinned(
        frame["tech_gap_years"],
        [
            0.7559618685193585,
            0.7634223850529805,
            0.7558013758316087,
            0.7427758562325504,
            0.7327779391964734,
            0.7387273709621204,
            0.7447549721605384,
            0.7498742408522856,
            0.7553222590007208,
        ],
    )
    assert_pinned(frame["total_rnd"].iloc[-1], 589.2265973015653)
    assert_pinned(frame["national_capability"].iloc[-1], 0.9105698445343144)
    on = sim.AllianceModel(sim.compose(["world=korea_2024", "steps=8", "seed=0"])).run()
    assert (
        on.datacollector.get_model_vars_dataframe()["tech_gap_years"].iloc[-1] != 0.7553222590007208
    )


def test_a_saturated_member_sees_no_negative_reach_among_its_partners():
    """Review 8: the revisers' own reach is masked as the outlook's sums are.

    ``Outlook.reach`` (per alliance and market) sums ``a s g'`` over members whose internal
    channel is not saturated; a member's partners are that sum less its own term. With its
    own term taken out unmasked, a saturated member's partners had a negative reach (15 of 20
    members of korea_2024 at t0), read as a gain from staying. Here, on korea_2024 after two
    quarters, every member's partners and every firm's rivals reach at least nothing, and
    some members are saturated (so the case is built, not assumed).
    """
    import sim
    from sim.engine.outlook import own_reach, reviser_at

    model = sim.AllianceModel(sim.compose(["world=korea_2024", "steps=2", "seed=0"])).run()
    firms = model.firms
    view = quiet_prospects(model, 2)
    o = view.outlook
    assert o.receiving is not None
    rows = np.flatnonzero(firms.alive & (firms.alliance >= 0) & (view.position >= 0))
    r = reviser_at(rows, firms, o, view.channels, view.position)
    public, internal = own_reach(r)
    assert r.receive_internal is not None and (r.receive_internal == 0).sum() >= 5
    partners = o.reach[r.current[:, None], r.markets] - internal
    rivals = o.reach_all[r.markets] - public
    scale = o.reach_all.max()  # o.reach may be 0 everywhere: every member saturated
    assert partners.min() >= -1e-12 * scale
    assert rivals.min() >= -1e-12 * scale
