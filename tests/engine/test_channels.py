"""One channel structure for deciding R&D (demand) and delivering it (knowledge)."""

import numpy as np
import pytest

from sim.engine import channels, demand, knowledge, rnd_game
from sim.engine.state import NO_ALLIANCE


def random_world(seed, n, m, n_domains=3, n_geos=2, federated=True):
    """Firms in alliances (some closed), federations, loners with openness, random rates.

    Rates are drawn so that the public rate beats the internal or the federation rate for
    some pairs and not for others: the max rule binds both ways.
    """
    rng = np.random.default_rng(seed)
    n_markets = n_domains * n_geos
    firm, market = np.nonzero(rng.random((n, n_markets)) < 0.5)
    return {
        "alliance": rng.integers(-1, m, n) if m else np.full(n, NO_ALLIANCE),
        "closed": rng.random(m) < 0.4,
        "openness": rng.uniform(0.0, 1.0, n),
        "internal_rate": rng.uniform(0.0, 0.6, m),
        "public_rate": float(rng.uniform(0.1, 0.5)),
        "federation": rng.integers(0, max(m // 2, 1), m) + 5 if federated else None,
        "federation_rate": float(rng.uniform(0.0, 0.6)) if federated else 0.0,
        "domain": rng.integers(0, n_domains, n),
        "absorption": rng.uniform(0.0, 1.0, n),
        "relatedness": rng.uniform(0.0, 1.0, (n_domains, n_domains)),
        "x": rng.uniform(0.0, 2.0, n) * (rng.random(n) < 0.9),
        "firm": firm,
        "market": market,
        "n_markets": n_markets,
        "value": rng.normal(size=firm.size),
        "outside": rng.uniform(0.1, 3.0, n_markets),
        "scale": rng.uniform(0.5, 5.0, n_markets),
        "theta": rng.uniform(0.1, 2.0, n_markets),
        "dk_dX": rng.uniform(0.05, 2.0, n),
        "depth": rng.uniform(0.0, 1.0, m),
    }


def structure(w):
    keys = ("alliance", "closed", "openness", "internal_rate", "public_rate", "federation")
    return channels.build(*(w[k] for k in keys), federation_rate=w["federation_rate"])


def literal_rate(w, sender, receiver):
    """docs/model.md 6.3 read pair by pair: max(public rate x pi_sender, closest channel)."""
    a_s, a_r = w["alliance"][sender], w["alliance"][receiver]
    if a_s == NO_ALLIANCE:
        pi = w["openness"][sender]
    else:
        pi = 0.0 if w["closed"][a_s] else 1.0
    common = 0.0
    if a_s != NO_ALLIANCE and a_s == a_r:
        common = w["internal_rate"][a_s]
    elif a_s != NO_ALLIANCE and a_r != NO_ALLIANCE and w["federation"] is not None:
        if w["federation"][a_s] == w["federation"][a_r]:
            common = w["federation_rate"]
    return max(w["public_rate"] * pi, common)


def dense(w):
    return channels.spillover_matrix(structure(w), w["domain"], w["absorption"], w["relatedness"])


WORLDS = [(1, 0), (4, 0), (6, 1), (12, 3), (25, 6), (40, 9)]


@pytest.mark.parametrize("federated", [False, True])
@pytest.mark.parametrize(("n", "m"), WORLDS)
@pytest.mark.parametrize("seed", range(3))
def test_dense_matrix_is_the_rule_read_pair_by_pair(seed, n, m, federated):
    w = random_world(seed, n, m, federated=federated)
    B = dense(w)
    R, a, d = w["relatedness"], w["absorption"], w["domain"]
    for s in range(n):
        for r in range(n):
            expected = 1.0 if s == r else literal_rate(w, s, r) * R[d[s], d[r]] * a[r]
            assert B[s, r] == pytest.approx(expected, rel=1e-14, abs=1e-15)


def knowledge_matrix(w):
    """The B that knowledge delivers: effective R&D of each unit effort, minus the effort."""
    ch, n = structure(w), w["domain"].size
    rows = [
        knowledge.effective_rnd_grouped(e, w["domain"], w["relatedness"], w["absorption"], ch)
        for e in np.eye(n)
    ]
    return np.array(rows).reshape(n, n)


def marginal_values(w, B):
    """Grouped MV (what firms decide on) and dense MV with the given B."""
    n = w["domain"].size
    s = demand.shares(w["value"], w["market"], w["n_markets"], w["outside"])
    grouped = demand.marginal_value_grouped(
        s,
        w["market"],
        w["firm"],
        scale=w["scale"],
        theta=w["theta"],
        dk_dX=w["dk_dX"],
        domain=w["domain"],
        depth=w["depth"],
        absorption=w["absorption"],
        relatedness=w["relatedness"],
        channels=structure(w),
    )
    J = demand.profit_jacobian_dense(
        s, w["market"], w["firm"], n, w["scale"], w["theta"], w["dk_dX"]
    )
    W = rnd_game.profit_weights(w["alliance"], w["depth"])
    return grouped, rnd_game.marginal_value(J, B, W)


@pytest.mark.parametrize("federated", [False, True])
@pytest.mark.parametrize(("n", "m"), WORLDS)
@pytest.mark.parametrize("seed", range(4))
def test_deciding_and_delivering_use_the_same_dense_matrix(seed, n, m, federated):
    w = random_world(seed, n, m, federated=federated)
    B = dense(w)
    delivered = knowledge_matrix(w)
    np.testing.assert_allclose(delivered, B, rtol=1e-12, atol=1e-14)
    X = knowledge.effective_rnd_grouped(
        w["x"], w["domain"], w["relatedness"], w["absorption"], structure(w)
    )
    np.testing.assert_allclose(X, rnd_game.effective_rnd(w["x"], B), rtol=1e-12, atol=1e-14)
    grouped, by_dense = marginal_values(w, B)
    scale = max(1.0, float(np.abs(by_dense).max()))
    np.testing.assert_allclose(grouped, by_dense, rtol=1e-10, atol=1e-12 * scale)
    _, by_delivered = marginal_values(w, delivered)
    np.testing.assert_allclose(grouped, by_delivered, rtol=1e-10, atol=1e-12 * scale)


def three_alliances(public_rate, federation_rate, federated, closed=(False, False, False)):
    """Firms 0, 1, 2 each in their own alliance; alliances 0 and 1 may be federated."""
    return {
        "alliance": np.array([0, 1, 2]),
        "closed": np.array(closed),
        "openness": np.full(3, 0.3),
        "internal_rate": 0.5,
        "public_rate": public_rate,
        "federation": np.array([0, 0, 2]) if federated else None,
        "federation_rate": federation_rate,
    }


def inflow_matrix(w):
    return channels.channel_rates(structure(w))


def test_federating_open_alliances_never_lowers_their_inflow():
    # public 0.1 above federation 0.05: the strict precedence rule gave 0.05 once federated
    for rho, phi in [(0.1, 0.05), (0.1, 0.25)]:
        apart = inflow_matrix(three_alliances(rho, phi, federated=False))
        together = inflow_matrix(three_alliances(rho, phi, federated=True))
        assert apart[0, 1] == apart[1, 0] == rho
        assert together[0, 1] == together[1, 0] == max(rho, phi)
        assert np.all(together >= apart)
        np.testing.assert_array_equal(together[:, 2], apart[:, 2])  # outsider unchanged


def test_closed_alliance_gives_only_inside_and_through_its_federation():
    rates = inflow_matrix(three_alliances(0.1, 0.05, True, closed=(False, True, False)))
    assert rates[1, 0] == 0.05  # closed giver, federated: the federation rate
    assert rates[1, 2] == 0.0  # closed giver, outsider: nothing
    assert rates[0, 1] == 0.1  # open giver to a closed federated receiver: the higher rate
    assert rates[2, 1] == 0.1  # open outsider publishes to everyone


def test_internal_rate_below_the_public_rate_is_lifted_for_open_alliances_only():
    ch = channels.build(np.array([0, 0, 1, 1]), [False, True], 1.0, [0.05, 0.05], 0.2)
    rates = channels.channel_rates(ch)
    assert rates[0, 1] == rates[1, 0] == 0.2  # open partners: the higher, public, rate
    assert rates[2, 3] == rates[3, 2] == 0.05  # closed partners: their own channel
    np.testing.assert_allclose(ch.alliance_excess, [0.0, 0.0, 0.05, 0.05])


def test_firm_alone_publishes_with_its_openness():
    ch = channels.build(np.array([-1, -1, 0]), [False], np.array([0.25, 1.0, 0.0]), 0.5, 0.2)
    np.testing.assert_allclose(ch.publishing, [0.25, 1.0, 1.0])  # a member: its regime
    rates = channels.channel_rates(ch)
    np.testing.assert_allclose(rates[0], [0.0, 0.05, 0.05])
    np.testing.assert_allclose(rates[1], [0.2, 0.0, 0.2])


def test_rnd_game_matrix_delegates_to_channels():
    w = random_world(11, 30, 5)
    B = rnd_game.channel_spillover_matrix(
        w["domain"],
        w["alliance"],
        w["closed"],
        w["absorption"],
        w["relatedness"],
        w["internal_rate"],
        w["public_rate"],
        openness=w["openness"],
        federation=w["federation"],
        federation_rate=w["federation_rate"],
    )
    np.testing.assert_array_equal(B, dense(w))


def test_member_value_maps_alliance_quantities_to_firms():
    values = channels.member_value(np.array([0.3, 0.7]), np.array([1, -1, 0]), 9.0)
    np.testing.assert_array_equal(values, [0.7, 9.0, 0.3])
    np.testing.assert_array_equal(channels.member_value(np.array([]), np.array([-1]), 2.0), [2.0])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_group_market_keys_pair_rows_exactly_as_sorting_would(seed):
    w = random_world(seed, 60, 6)
    ch = channels.build(
        w["alliance"],
        w["closed"],
        w["openness"],
        w["internal_rate"],
        w["public_rate"],
        w["federation"],
        w["federation_rate"],
    )
    n = w["alliance"].size
    firm, market = w["firm"], w["market"]
    for group, shared in ((ch.group, ch.n_groups - n), (ch.federation, ch.n_federations - n)):
        key, n_keys = channels.group_market_key(group[firm], market, 6, shared)
        _, sorted_key = np.unique(group[firm] * 6 + market, return_inverse=True)
        assert key.max() < n_keys
        same = key[:, None] == key[None, :]
        assert np.array_equal(same, sorted_key[:, None] == sorted_key[None, :])
        assert (~same).any() and (same.sum(axis=1) > 1).any()  # distinct pairs, shared ones
