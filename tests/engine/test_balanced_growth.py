"""Balanced growth (``model.growth.balanced_growth``; sim.engine.balanced_growth, finding 39).

With the switch on, the R&D cost slope of domain d at quarter t is
``gamma_d M_{d,t} / M_{d,0}`` (the domain's whole market against its step-0 size), so that a
unit at rest at the start stays at rest while markets grow. With it off (the default) every
number is as before the switch existed.
"""

import copy
from dataclasses import fields, replace

import numpy as np
import pytest

import sim
from sim.config.vocabulary import N_DOMAINS
from sim.engine import economy, innovation, outlook, turnover
from sim.engine.balanced_growth import domain_totals, rd_cost_slope, rd_costs
from sim.engine.choice import draw_revision
from sim.engine.knowledge import capability_gain
from sim.engine.markets import N_MARKETS
from sim.engine.start import _anchors
from sim.engine.state import FirmState
from tests.before_leaders import RATES_AT_REST, before_leaders
from tests.engine.test_entry_values import entry_before_the_fix
from tests.pins import assert_pinned
from tests.test_model import WORLDS, run_both_engines

ON = "model.growth.balanced_growth=true"
OFF = "model.growth.balanced_growth=false"


def korea(*overrides: str, steps: int = 1) -> sim.AllianceModel:
    """korea_2024 (version 2, the default) after construction, each unit's rate its own
    (``RATES_AT_REST``: a start at rest, which balanced growth keeps); run it with ``.run()``."""
    return sim.AllianceModel(
        sim.compose(["world=korea_2024", f"steps={steps}", *RATES_AT_REST, *overrides])
    )


def test_switched_off_the_model_gives_the_numbers_from_before_the_switch(monkeypatch):
    """Switched off: korea_2024's steps as at commit 9e7c240, before the switch existed.

    Pinned on 9e7c240, seed 0, 8 quarters; the whole step table (every column, written at 17
    significant digits) was compared there and with the switch off and was identical
    (2026-12-03). With that commit's entry (V^e read as 0, ``entry_before_the_fix``).
    """
    entry_before_the_fix(monkeypatch)
    frame = korea("seed=0", OFF, *before_leaders(monkeypatch), steps=8).run()
    frame = frame.datacollector.get_model_vars_dataframe()
    assert_pinned(
        frame["tech_gap_years"],
        [
            0.7559618685193585,
            0.7565715288682309,
            0.7492992790154576,
            0.7364772022568561,
            0.7197203445176701,
            0.7071007391208177,
            0.695495730728713,
            0.6810403890534946,
            0.662197153781555,
        ],
    )
    assert_pinned(
        frame["total_rnd"],
        [
            0.0,
            1037.7378491003699,
            1073.6042249594238,
            1128.5632114649034,
            1211.5700171093613,
            1327.9065549613365,
            1452.411707533892,
            1570.836516861306,
            1696.9722766268526,
        ],
    )
    assert_pinned(frame["national_capability"].iloc[-1], 0.9215958569922637)


def test_switched_on_the_default_gives_the_numbers_of_its_adoption(monkeypatch):
    """Switched on (the default since 2026-12-03): korea_2024's steps when it was adopted.

    Pinned on the merge of 7b9ca57 (the switch on) with the entry that reads V^e (5788725),
    seed 0, 8 quarters (2026-12-03); quarter 40 then reads 0.714 years (0.000 with the
    switch off). In the world of that day (``tests/before_leaders``).
    """
    frame = korea("seed=0", *before_leaders(monkeypatch), steps=8).run()
    frame = frame.datacollector.get_model_vars_dataframe()
    assert_pinned(
        frame["tech_gap_years"],
        [
            0.7559618685193585,
            0.7565715288682309,
            0.7580518677170605,
            0.76044449405133,
            0.7634704285743258,
            0.7601583004979605,
            0.7555063079472242,
            0.7513564122961262,
            0.7498156719466895,
        ],
    )
    assert_pinned(
        frame["total_rnd"],
        [
            0.0,
            1037.7378491003699,
            1095.013022539339,
            1154.071688905658,
            1214.6017662683787,
            1288.9491958470487,
            1375.9853701448346,
            1471.0748209276128,
            1592.780225980854,
        ],
    )
    assert_pinned(frame["national_capability"].iloc[-1], 0.9112218244415118)


def test_rd_cost_slope_scales_each_domains_gamma_with_its_whole_market():
    gamma = np.arange(1.0, N_DOMAINS + 1.0)
    start = np.ones(N_MARKETS)  # domestic markets first, then the rest of the world
    start[N_DOMAINS:] = 3.0  # each domain's whole market: 1 + 3 = 4
    start[[2, N_DOMAINS + 2]] = 0.0  # a domain with no market at the start keeps gamma_d
    now = start.copy()
    now[0] = 5.0  # domain 0: 5 + 3 = 8, twice its start
    now[N_DOMAINS + 1] = 7.0  # domain 1: 1 + 7 = 8, twice its start
    now[2] = 9.0
    np.testing.assert_array_equal(domain_totals(now)[:3], [8.0, 8.0, 9.0])
    expected = gamma.copy()
    expected[:2] *= 2.0
    np.testing.assert_array_equal(rd_cost_slope(gamma, now, start), expected)


def test_rd_costs_are_gamma_d_off_at_step_0_and_grow_with_the_markets_on():
    p_off = sim.compose(["world=korea_2024", OFF]).model
    p_on = sim.compose(["world=korea_2024", ON]).model
    gamma = np.asarray(p_off.rnd.rd_cost_by_domain)
    year = 2024
    later = economy.market_sizes_at(8, p_on, year)
    np.testing.assert_array_equal(rd_costs(p_off, later, year), gamma)  # off: fixed
    np.testing.assert_array_equal(
        rd_costs(p_on, economy.market_sizes_at(0, p_on, year), year), gamma
    )
    # on: every market grows 25 %/yr, so two years on every domain's cost is 1.25^2 times
    np.testing.assert_allclose(rd_costs(p_on, later, year), gamma * 1.25**2, rtol=1e-12)
    with pytest.raises(ValueError, match="size has shape"):
        rd_costs(p_on, later[:N_DOMAINS], year)


@pytest.fixture(scope="module")
def started() -> sim.AllianceModel:
    return korea("seed=0", ON)


def test_the_start_is_the_same_with_the_switch_on(started):
    """At step 0 the scale M_{d,0} / M_{d,0} is exactly 1: the start does not move."""
    off = korea("seed=0", OFF)
    for f in fields(FirmState):
        np.testing.assert_array_equal(getattr(started.firms, f.name), getattr(off.firms, f.name))
    np.testing.assert_array_equal(started.economy.learning_rate, off.economy.learning_rate)


def held_response(m: sim.AllianceModel, step: int, balanced: bool) -> tuple[np.ndarray, ...]:
    """Best responses re-solved with the start's state held and the market of quarter ``step``.

    The method of review 9 (/tmp/review9/work/balanced.py): 30 rounds of plan and partial
    adjustment at the start's capabilities, alliances and rates, with only the markets'
    sizes moved, and capital (USD m) with them: held in USD m, the cash cap of the firms
    whose capital is the start's floor (``start.starting_capital``) would bind at the
    larger market's cost slope, which is not what a path of balanced growth holds.
    Returns the anchors' efforts, their k' - k at the efforts' effective R&D, and the
    plan's cost slope of every live row.
    """
    p = replace(m.params, growth=replace(m.params.growth, balanced_growth=balanced))
    firms, alliances = copy.deepcopy(m.firms), copy.deepcopy(m.alliances)
    q = replace(m._new_quarter(step, m.government.act(0)), params=p)
    s = economy.sales(firms, m.economy, step, p, alliances)
    start = economy.market_sizes_at(0, p, m.economy.start_year)
    firms.capital *= s.size.sum() / start.sum()  # money grows with the market (the cash cap)
    live = np.flatnonzero(firms.alive)
    for _ in range(30):  # partial adjustment halves the distance to the best response
        game = innovation.plan(firms, alliances, q, m.economy, s)
        firms.effort[live] = innovation.invest(live, firms, alliances, q, game)[0]
    X = innovation.deliver(firms, game, firms.effort, p)
    rows = _anchors(firms)
    rows = rows[rows >= 0]
    law = innovation.law(
        p,
        m.economy,
        firms.domain[rows].astype(np.int64),
        firms.region[rows],
        firms.learning_rate[rows],
    )
    moved = capability_gain(firms.capability[rows], X[rows], **law) - firms.capability[rows]
    return firms.effort[rows], moved, game.gamma[live]


def test_a_start_at_rest_stays_at_rest_as_markets_grow(started):
    """The property review 9 asked for (finding 39, item 1): state held, only the market moved
    to quarter 8's size (+56 %), the anchors' |k' - k| stays below 1e-3.

    Measured 2026-12-03 (seed 0): with the switch the anchors' efforts at the quarter-8
    market are those at the step-0 market within 3e-16 (relative) and k' - k is the same,
    0 to 8.8e-4 (the re-solve at the start's own market moves Samsung's chips unit by
    8.8e-4: the start's effort tolerance, not growth); without it efforts rise by a factor
    1.347-1.349 and k' - k is 0.0056-0.0074.
    """
    m = started
    gamma = np.asarray(m.params.rnd.rd_cost_by_domain)[m.firms.domain[m.firms.alive].astype(int)]
    effort_0, moved_0, _ = held_response(m, 0, balanced=True)
    effort_8, moved_8, gamma_8 = held_response(m, 8, balanced=True)
    np.testing.assert_allclose(gamma_8, gamma * 1.25**2, rtol=1e-12)  # the plan reads gamma_t
    assert np.abs(moved_8).max() < 1e-3
    np.testing.assert_allclose(effort_8, effort_0, rtol=1e-12)  # growth moves no effort
    np.testing.assert_allclose(moved_8, moved_0, rtol=0.0, atol=1e-12)
    effort_off, moved_off, gamma_off = held_response(m, 8, balanced=False)  # the same state
    np.testing.assert_array_equal(gamma_off, gamma)
    assert (effort_off > 1.3 * effort_0).all()  # x grows as M^(2/3): 1.56^(2/3) = 1.35
    assert (moved_off > 4e-3).all()  # the case the switch is for


def test_every_reader_of_the_cost_slope_reads_it_at_this_quarters_markets(started):
    """Plan, spending, the revisers' outlook and entrants' values: with the switch on, at
    quarter 8's markets, each gives what a run without it gives at gamma_d M_{d,8} / M_{d,0}."""
    m = started
    p_on = m.params
    later, start = (economy.market_sizes_at(t, p_on, m.economy.start_year) for t in (8, 0))
    ratio = later.sum() / start.sum()  # every market grows alike at the defaults
    gamma_8 = list(np.asarray(p_on.rnd.rd_cost_by_domain) * ratio)
    p_scaled = replace(
        p_on,
        growth=replace(p_on.growth, balanced_growth=False),
        rnd=replace(p_on.rnd, rd_cost_by_domain=gamma_8),
    )
    results = []
    for p in (p_on, p_scaled):
        firms, alliances = copy.deepcopy(m.firms), copy.deepcopy(m.alliances)
        q = replace(m._new_quarter(8, m.government.act(0)), params=p)
        s = economy.sales(firms, m.economy, 8, p, alliances)
        live = np.flatnonzero(firms.alive)
        game = innovation.plan(firms, alliances, q, m.economy, s)
        x, spend, paid = innovation.invest(live, firms, alliances, q, game)
        draws = draw_revision(firms, alliances, p.choice, np.random.default_rng(1))
        view = outlook.prospects(firms, alliances, q, m.economy, draws, np.random.default_rng(2))
        values = turnover.entrant_values(m.economy, s, innovation.horizon(p, m.economy), p)
        results.append((game.gamma[live], x, spend + paid, view.outlook.spend, values))
    (gamma_on, x, total, outlook_spend, values), scaled = results
    np.testing.assert_allclose(total, gamma_on * x * x / 2.0, rtol=1e-12)  # spend at gamma_t
    assert ratio == pytest.approx(1.25**2)
    for on, off in zip(results[0], scaled, strict=True):
        np.testing.assert_allclose(on, off, rtol=1e-12)
    assert np.ptp(values) > 0 and outlook_spend.max() > 0


@pytest.mark.slow
def test_engines_agree_exactly_with_balanced_growth():
    """The agent engine reads the plan's gamma_{d,t} as the vectorised one does (public
    compute on, so the part the state pays, at gamma_{d,t}, is exercised too)."""
    cfg = sim.compose([*WORLDS["korea"], "scenario=public_compute", "seed=7", ON])
    fast, _ = run_both_engines(cfg)
    frame = fast.datacollector.get_model_vars_dataframe()
    off = sim.AllianceModel(
        sim.compose([*WORLDS["korea"], "scenario=public_compute", "seed=7", OFF])
    )
    rnd_off = off.run().datacollector.get_model_vars_dataframe()["total_rnd"]
    assert not np.array_equal(frame["total_rnd"].to_numpy(), rnd_off.to_numpy())  # it acts
