"""One learning rate per domain with a Nelson-Phelps transfer (prototype, finding 39 item 3).

``model.growth.common_learning_rate``: lambda_d solved on the frontier holder, a transfer
``eps k (1 - k)`` a quarter, and (``reanchored_start``) every other unit started at its own
steady state. Off (the default), nothing changes (the pins of test_stationary_start and
test_levels hold).
"""

import numpy as np
import pytest

import sim
from sim.config.schema import ConfigError
from sim.config.vocabulary import DOMESTIC
from sim.engine import common_rate, economy, innovation
from sim.engine.knowledge import capability_gain, capability_law, returns_to_rnd, transfer_gain

F, DELTA, KAPPA = 0.0284, 0.01, 1.5


def test_the_transfer_pulls_toward_the_frontier_and_never_past_it():
    k = np.linspace(0.0, 1.2, 121)
    for eps in (0.0, 0.2, 1.0):
        gain = transfer_gain(k, eps)
        assert (gain >= 0.0).all() and gain.max() <= eps / 4.0 + 1e-15
        assert (gain[k >= 1.0] == 0.0).all() and gain[0] == 0.0
        kept = (1.0 - DELTA) * np.minimum(k, 1.0) + gain  # at X = 0, before the drift
        assert (kept <= 1.0 + 1e-15).all()


def test_without_a_transfer_the_law_is_the_same_bit_for_bit():
    k, X = np.array([0.3, 0.8, 1.0]), np.array([0.0, 0.05, 0.4])
    terms = {"learning_rate": 0.05, "catch_up": KAPPA, "obsolescence": DELTA}
    plain = capability_gain(k, X, F, **terms)
    assert (capability_gain(k, X, F, transfer=0.0, **terms) == plain).all()
    assert (capability_gain(k, X, F, transfer=0.1, **terms) > plain)[:2].all()
    law = capability_law(k, F, transfer=np.array([0.0, 0.1, 0.1]), **terms)
    assert law.kept[1] == pytest.approx((1 - DELTA) * 0.8 + 0.1 * 0.8 * 0.2, rel=1e-15)


@pytest.mark.parametrize("eps", [0.0, 0.05, 0.3])
def test_the_steady_capability_is_at_rest_and_rises_with_rnd(eps):
    X = np.array([1e-4, 0.01, 0.05, 0.2])
    R = returns_to_rnd(X, 0.5, 0.001)
    lam = np.full(X.shape, 0.02)
    k = common_rate.steady_capability(
        R, lam, np.full(X.shape, eps), np.full(X.shape, F), DELTA, KAPPA
    )
    assert (np.diff(k) > 0.0).all() and ((k > 0.0) & (k < 1.0)).all()
    moved = capability_gain(
        k, X, F, learning_rate=lam, catch_up=KAPPA, obsolescence=DELTA, transfer=eps
    )
    assert np.abs(moved - k).max() < 1e-12


def test_the_transfer_rate_holds_the_best_domestic_unit_at_rest():
    k, R, lam = np.array([0.9, 1.0, np.nan]), np.array([0.1, 0.5, 0.0]), np.full(3, 0.05)
    drift = np.full(3, F)
    eps = common_rate.transfer_rates(k, R * (1 + KAPPA * (1 - np.nan_to_num(k))), lam, drift, DELTA)
    assert np.isnan(eps[1:]).all()  # a holder or no unit: not identified
    moved = capability_gain(
        k[:1],
        np.array([0.1**2]),
        F,
        learning_rate=0.05,
        catch_up=KAPPA,
        obsolescence=DELTA,
        transfer=eps[:1],
        effort_offset=1e-12,
    )
    assert moved[0] == pytest.approx(0.9, abs=1e-5)
    assert (common_rate.filled(eps) == eps[0]).all()


def test_own_rnd_buys_the_transfers_absorption_below_a_floor_of_one():
    """``transfer_absorption_floor`` a0: each unit meets eps (a0 + (1 - a0) x / (x + x_half))."""
    eps, x = np.full(4, 0.6), np.array([0.0, 0.05, 0.5, 1e6])
    cfg = sim.compose(["model.growth.common_learning_rate=true"])
    assert cfg.model.growth.transfer_absorption_floor == 1.0  # the prototype's k: unchanged
    assert common_rate.transfer_of(cfg.model, eps, x) is eps
    for a0 in (0.0, 0.5):
        model = sim.compose(
            [
                "model.growth.common_learning_rate=true",
                f"model.growth.transfer_absorption_floor={a0}",
            ]
        ).model
        met = common_rate.transfer_of(model, eps, x)
        assert met[0] == pytest.approx(0.6 * a0, abs=1e-15)  # no R&D: the floor
        assert met[1] == pytest.approx(0.6 * (a0 + (1 - a0) / 2), rel=1e-12)  # x_half 0.05
        assert (np.diff(met) > 0.0).all() and met[-1] == pytest.approx(0.6, rel=1e-6)
        assert (common_rate.transfer_of(model, eps, None) == met[0]).all()  # an entrant's
        k = np.full(4, 0.7)
        kept = capability_law(
            k, F, learning_rate=0.05, catch_up=KAPPA, obsolescence=DELTA, transfer=met
        ).kept
        assert kept == pytest.approx((1 - DELTA) * k + met * k * (1 - k), rel=1e-15)


def test_the_switch_needs_the_frontier_held_by_a_firm():
    with pytest.raises(ConfigError, match="frontier_held_by_firm"):
        sim.compose(
            [
                "world=korea_2024",
                "model.growth.frontier_held_by_firm=false",
                "model.growth.common_learning_rate=true",
            ]
        )


HELD = ["model.growth.frontier_held_by_firm=true", "world.domestic_capability_scale=1.16"]


def korea_at_start(*overrides: str) -> sim.AllianceModel:
    """korea_2024, seed 0, one quarter, frontiers held by firms, one rate per domain."""
    return sim.AllianceModel(
        sim.compose(
            [
                "world=korea_2024",
                "steps=1",
                "seed=0",
                *HELD,
                "model.growth.common_learning_rate=true",
                *overrides,
            ]
        )
    )


@pytest.mark.parametrize(
    ("eps", "floor"), [(0.2, "1.0"), (0.6, "0.0")], ids=["absorbing k", "absorbing own R&D"]
)
def test_korea_starts_at_rest_with_one_rate_per_domain(eps, floor):
    """One lambda_d and one eps for all, every unit re-anchored: the start is at rest.

    Measured on the branch lambda-design (2026-12-03, seed 0): the start's gap 1.22 years,
    after a year 1.24. With absorption bought by own R&D (``transfer_absorption_floor`` 0)
    each unit's steady state reads the transfer it meets at its start's effort.
    """
    m = korea_at_start(
        "model.growth.reanchored_start=true",
        f"model.growth.transfer_rate={eps}",
        f"model.growth.transfer_absorption_floor={floor}",
    )
    f, p, e = m.firms, m.params, m.economy
    assert (f.learning_rate == 0.0).all() and e.transfer_rate is not None
    assert (e.transfer_rate == eps).all()
    q = m._new_quarter(0, m.government.act(0))
    s = economy.sales(f, e, 0, p, m.alliances)
    game = innovation.plan(f, m.alliances, q, e, s)
    X = innovation.deliver(f, game, f.effort, p)
    rows = np.flatnonzero(f.alive)
    law = innovation.law(
        p,
        e,
        f.domain[rows].astype(np.int64),
        f.region[rows],
        f.learning_rate[rows],
        game.last_effort[rows],
    )
    moved = capability_gain(f.capability[rows], X[rows], **law) - f.capability[rows]
    assert np.median(np.abs(moved)) < 1e-3
    assert np.percentile(np.abs(moved), 95) < 0.01


def test_a_solved_transfer_holds_the_best_domestic_units_where_own_rnd_buys_absorption():
    """eps_d solved on each best domestic unit (``transfer_rate`` -1) meets its own share."""
    m = korea_at_start("model.growth.transfer_absorption_floor=0.0")
    f, e = m.firms, m.economy
    home = f.alive & (f.region == DOMESTIC)
    anchors = np.array(  # each domain's best domestic unit, not the frontier holders
        [
            np.flatnonzero(home & (f.domain == d))[np.argmax(f.capability[home & (f.domain == d)])]
            for d in range(7)
        ]
    )
    assert not np.isin(anchors, common_rate.holders(f)).all()
    before = f.capability[anchors].copy()
    m.step()
    assert e.transfer_rate is not None and (e.transfer_rate > 0.0).all()
    moved = np.abs(f.capability[anchors] - before)  # seed 0: 1e-4 to 9e-4, and 4.9e-3 where
    assert np.median(moved) < 1e-3 and moved.max() < 6e-3  # eps_d is capped (telecom, 1.0)
