"""Startups at rest that break even, fixed amounts that grow with the markets, exit by value.

Three switches, all off by default (docs/model.md section 4 item 10, 6.2 "Fixed amounts", 6.9;
``sim.engine.fixed_amounts``): ``model.growth.startup_break_even`` sizes each startup's fixed
cost to its margin after R&D at the start; ``model.growth.scale_fixed_amounts`` reads the
private fixed USD m amounts at the world market's growth since step 0;
``model.growth.exit_by_value`` applies ``turnover.leaving``.
"""

import numpy as np
import pytest

import sim
from sim.config.vocabulary import DOMESTIC
from sim.engine import economy, fixed_amounts, innovation, turnover
from sim.engine.policy import PolicyEffects
from sim.engine.state import NO_ALLIANCE, STARTUP
from tests.before_leaders import RATES_AT_REST, before_leaders
from tests.pins import assert_pinned
from tests.test_model import WORLDS, run_both_engines

BREAK_EVEN = "model.growth.startup_break_even=true"
SCALE = "model.growth.scale_fixed_amounts=true"
BY_VALUE = "model.growth.exit_by_value=true"


def korea(*overrides: str, steps: int = 1) -> sim.AllianceModel:
    """korea_2024 (version 2, the default), seed 0, after construction, each unit's rate its
    own (``RATES_AT_REST``: a startup at rest is what break-even is measured on)."""
    return sim.AllianceModel(
        sim.compose(["world=korea_2024", f"steps={steps}", *RATES_AT_REST, *overrides])
    )


def start_surplus(model: sim.AllianceModel) -> np.ndarray:
    """mu R - RD of every firm row at the start's revenue and efforts (USD m a quarter)."""
    f, p = model.firms, model.params
    gamma = np.asarray(p.rnd.rd_cost_by_domain)[f.domain.astype(np.int64)]
    return np.asarray(p.growth.margin * f.revenue - gamma * f.effort**2 / 2.0)


def test_switched_off_the_model_gives_the_numbers_from_before_the_switches(monkeypatch):
    """Off: korea_2024's steps as at c0b37c6, before the switches existed.

    Pinned on c0b37c6, seed 0, 8 quarters; the whole step table (every column, written at 17
    significant digits) was compared there and with the switches off and was identical
    (2026-12-03; again on 9019b48). Up to the last bits (``tests.pins``). In the world of that
    day (``tests/before_leaders``).
    """
    frame = korea("seed=0", *before_leaders(monkeypatch), steps=8).run()
    frame = frame.datacollector.get_model_vars_dataframe()
    assert_pinned(
        frame["tech_gap_years"].tolist(),
        [
            0.75596186851935865,
            0.75657152886823087,
            0.75805186771706035,
            0.76044449405132997,
            0.7634704285743259,
            0.7601583004979604,
            0.75550630794722418,
            0.75135641229612615,
            0.74981567194668952,
        ],
    )
    assert frame["startups_exited"].tolist() == [0, 0, 3, 6, 6, 10, 13, 14, 22]
    assert frame["startups_entered"].tolist() == [0, 11, 11, 10, 12, 12, 8, 15, 17]
    assert_pinned(frame["total_rnd"].iloc[-1], 1592.7802259808541)


@pytest.mark.slow  # 3-11 s: CI (make test-slow), to keep make test near 5 minutes
def test_a_startup_at_rest_breaks_even_under_the_new_start():
    """Phi_i = min(Phi_s, max(0, mu R - RD)): no startup loses money at the start's state.

    Without the switch 96 % of the domestic startups do (docs/model.md section 4, item 10).
    """
    off = korea()
    startup = off.firms.alive & (off.firms.kind == STARTUP)
    loss_off = start_surplus(off) - off.params.growth.fixed_cost_startup
    assert np.mean(loss_off[startup & (off.firms.region == DOMESTIC)] < 0.0) > 0.9

    on = korea(BREAK_EVEN)
    phi, surplus = on.firms.fixed_cost, start_surplus(on)
    assert np.array_equal(on.firms.revenue, off.firms.revenue)  # the start itself is unchanged
    assert np.all(phi[~startup] == 0.0)
    profit = surplus[startup] - phi[startup]
    assert profit.min() >= 0.0
    below_cap = phi[startup] < on.params.growth.fixed_cost_startup
    # most domestic startups size their team to their margin (95 %); foreign startups sell in
    # the world's markets and pay the whole team (0.06 % below the cap with 1,500 of them)
    domestic = on.firms.region[startup] == DOMESTIC
    assert below_cap[domestic].mean() > 0.9
    np.testing.assert_allclose(profit[below_cap], 0.0, atol=1e-15)


@pytest.mark.slow  # 4-12 s: CI (make test-slow), to keep make test near 5 minutes
def test_break_even_startups_do_not_start_loss_making_in_quarter_0():
    """Quarter 0's profit (the capital change of startups that did not move) is at most
    slightly negative for break-even startups (revisions move shares a little), and clearly
    negative for 90 % of them without the switch."""

    def share_losing(*overrides: str) -> float:
        model = korea(*overrides)
        f = model.firms
        before, alliance = f.capital.copy(), f.alliance.copy()
        model.step()
        n = before.size
        stayed = (f.alliance[:n] == alliance) & f.alive[:n]
        rows = np.flatnonzero(stayed & (f.kind[:n] == STARTUP) & (f.region[:n] == DOMESTIC))
        profit = f.capital[rows] - before[rows]
        return float(np.mean(profit < -0.01 * f.revenue[rows]))

    assert share_losing() > 0.9
    assert share_losing(BREAK_EVEN) < 0.05


def test_break_even_cost_is_the_surplus_between_zero_and_the_full_team():
    cost = fixed_amounts.break_even_cost([0.05, 0.3, 0.01], [0.02, 0.05, 0.04], 0.1)
    np.testing.assert_allclose(cost, [0.03, 0.1, 0.0])


@pytest.mark.slow  # 4-12 s: CI (make test-slow), to keep make test near 5 minutes
def test_fixed_amounts_scale_with_their_market():
    """Quarter 8's parameters hold each fixed amount at W_8 / W_0 (1.25^2 at the defaults);
    the exit floor, rates and shares do not move."""
    model = korea(SCALE)
    p = model.params
    neutral = PolicyEffects.neutral(model.firms.n, model.alliances.m, 0.3)
    q = model._new_quarter(8, neutral)
    year = model.cfg.world.start_year
    scale = float(
        economy.market_sizes_at(8, p, year).sum() / economy.market_sizes_at(0, p, year).sum()
    )
    assert q.money_scale == pytest.approx(1.25**2, rel=1e-12)
    assert q.money_scale == pytest.approx(scale, rel=1e-15)
    for name in fixed_amounts.SCALED_CHOICE:
        assert getattr(q.params.choice, name) == pytest.approx(getattr(p.choice, name) * scale)
    for name in fixed_amounts.SCALED_GROWTH:
        assert getattr(q.params.growth, name) == pytest.approx(getattr(p.growth, name) * scale)
    assert q.params.growth.exit_capital == p.growth.exit_capital
    assert q.params.growth.margin == p.growth.margin
    assert q.params.choice.switching_cost_revenue == p.choice.switching_cost_revenue
    # a startup pays Phi_s (or its Phi_i) at this quarter's markets
    rows = np.flatnonzero(model.firms.kind == STARTUP)[:3]
    paid = fixed_amounts.startup_fixed_costs(rows, model.firms, q.params, q.money_scale)
    np.testing.assert_allclose(paid, p.growth.fixed_cost_startup * scale)
    both = korea(BREAK_EVEN, SCALE)
    q = both._new_quarter(8, neutral)
    paid = fixed_amounts.startup_fixed_costs(rows, both.firms, q.params, q.money_scale)
    np.testing.assert_allclose(paid, both.firms.fixed_cost[rows] * scale)
    # off: the parameters themselves, every quarter
    off = korea("model.choice.distance_at_market_scale=false")
    assert off._new_quarter(8, neutral).params is off.params
    assert off._new_quarter(8, neutral).money_scale == 1.0


@pytest.mark.slow  # 4-12 s: CI (make test-slow), to keep make test near 5 minutes
def test_scaling_with_flat_markets_changes_nothing():
    """With markets that do not grow, W_t / W_0 = 1 and the switch is the identity."""
    flat = ["model.markets.growth_domestic=0", "model.markets.growth_world=0", "seed=1"]
    frames = [
        korea(*flat, *extra, steps=4).run().datacollector.get_model_vars_dataframe()
        for extra in ([], [SCALE])
    ]
    assert frames[0].equals(frames[1])


@pytest.mark.slow  # 4-12 s: CI (make test-slow), to keep make test near 5 minutes
def test_a_break_even_entrant_values_entry_at_zero_under_scaling():
    """V^e = Lambda^lev (mu R^e - Phi_e - RD^e) = 0 where the entrant's team is below the cap;
    at the defaults it is negative (-0.58 to -0.99 USD m in quarter 0, docs/model.md 6.9)."""
    on = korea(BREAK_EVEN, SCALE, "seed=0").run(1)
    q = on._new_quarter(0, PolicyEffects.neutral(on.firms.n, on.alliances.m, 0.3))
    assert on.economy is not None
    trade = economy.prepare_trade(on.firms, on.alliances, q, on.economy, None)
    mult = fixed_amounts.growing_costs(innovation.horizon(on.params, on.economy), 0)
    rates = turnover.entrant_rates(on.firms)
    value = turnover.entrant_values(on.economy, trade.sales, mult, on.params, rates)
    fixed = turnover.entrant_fixed_costs(on.economy, trade.sales, mult, on.params, rates)
    below = fixed < on.params.growth.fixed_cost_startup
    assert below.any()
    np.testing.assert_allclose(value[below], 0.0, atol=1e-9)
    off = korea("seed=0").run(1)
    assert off._entry_values.max() < 0.0


@pytest.mark.slow  # 3-11 s: CI (make test-slow), to keep make test near 5 minutes
def test_a_startup_at_rest_does_not_leave_by_value():
    """At the start's state a break-even startup alone is worth its cash, so none leaves;
    with Phi_s (the default start) some do."""

    def leavers(*overrides: str) -> int:
        model = korea(SCALE, BY_VALUE, *overrides)
        f, p = model.firms, model.params
        gamma = np.asarray(p.rnd.rd_cost_by_domain)[f.domain.astype(np.int64)]
        assert model.economy is not None
        mult = fixed_amounts.growing_costs(innovation.horizon(p, model.economy), 0)
        fixed = fixed_amounts.startup_fixed_costs(np.arange(f.n), f, p, 1.0)
        zero = np.zeros(f.n)
        gone = turnover.leaving(f, gamma * f.effort**2 / 2.0, zero, zero, mult, p, fixed)
        return int((gone & (f.alliance == NO_ALLIANCE)).sum())

    assert leavers() > 0
    assert leavers(BREAK_EVEN) == 0


@pytest.mark.slow
def test_engines_agree_exactly_with_the_three_switches():
    """The agent engine reads each startup's Phi_i and the quarter's scaled amounts as the
    vectorised one does (a sector subsidy on, so exit by value sees income besides the
    margin)."""
    cfg = sim.compose(
        [*WORLDS["korea"], "scenario=subsidy_applications", "seed=3", BREAK_EVEN, SCALE, BY_VALUE]
    )
    fast, _ = run_both_engines(cfg)
    assert fast.firms.fixed_cost[fast.firms.kind == STARTUP].min() > 0.0  # not vacuous
