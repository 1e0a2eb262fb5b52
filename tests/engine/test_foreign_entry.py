"""Startups of other regions enter too (``model.growth.foreign_entry``; docs/model.md 6.9).

Finding 46: with a finite stock of foreign startups, alliances led from abroad ran out of
foreign firms to recruit and filled with Korean startups. Foreign entry renews the stock by
the domestic entrants' rule, valued without the domestic shifts and funded by seed money
only.
"""

from dataclasses import replace

import numpy as np
import pytest

import sim
from sim.config.vocabulary import DOMESTIC, N_DOMAINS
from sim.engine import economy, innovation, turnover
from sim.engine.state import STARTUP
from tests.before_leaders import RATES_AT_REST
from tests.conftest import SMALL_SYNTHETIC
from tests.test_model import run_both_engines

ABROAD = ["world.n_foreign_startups=60", "model.economics=v2"]
ON = [*SMALL_SYNTHETIC, *ABROAD, "model.growth.foreign_entry=true"]


@pytest.fixture(scope="module")
def run_on() -> sim.AllianceModel:
    return sim.AllianceModel(sim.compose(ON)).run(6)


def test_off_no_foreign_startup_enters():
    """Without the switch (the default until finding 47) no row of another region is ever
    appended."""
    cfg = sim.compose([*SMALL_SYNTHETIC, *ABROAD, "model.growth.foreign_entry=false"])
    model = sim.AllianceModel(cfg).run(6)
    frame = model.datacollector.get_model_vars_dataframe()
    assert (frame["foreign_startups_entered"] == 0).all()
    late = model.firms.entered > 0
    assert late.any() and (model.firms.region[late] == DOMESTIC).all()


def test_on_foreign_startups_enter_as_startups_of_other_regions(run_on):
    """Entrants of other regions are startups, never of the home region, at k_e, counted in
    ``foreign_startups_entered``, and the run's domestic entry goes on beside them."""
    f = run_on.firms
    frame = run_on.datacollector.get_model_vars_dataframe()
    late = f.entered > 0
    abroad = late & (f.region != DOMESTIC)
    assert frame["foreign_startups_entered"].sum() == abroad.sum() > 0
    assert frame["startups_entered"].sum() == (late & (f.region == DOMESTIC)).sum() > 0
    assert (f.kind[abroad] == STARTUP).all()
    weights = np.asarray(run_on.cfg.world.foreign_region_weights)
    assert set(np.unique(f.region[abroad])) <= set(np.flatnonzero(weights > 0)) - {DOMESTIC}
    k_e = run_on.params.growth.entrant_capability
    first = abroad & (f.entered == f.entered[abroad].max())  # entered last: not yet learned
    np.testing.assert_allclose(f.capability[first].mean(), k_e, rtol=0.5)


def test_the_foreign_pool_scales_with_the_starting_foreign_stock():
    """Potential foreign entrants are ``entry_pool`` x the starting foreign startups: none
    without any, and more with three times the stock (the domestic pool unchanged)."""
    counts = []
    for n in (0, 60, 180):
        cfg = sim.compose([*ON, f"world.n_foreign_startups={n}"])
        model = sim.AllianceModel(cfg).run(4)
        assert model.initial_foreign_startups == n
        counts.append(
            int(model.datacollector.get_model_vars_dataframe()["foreign_startups_entered"].sum())
        )
    assert counts[0] == 0 < counts[1] < counts[2]


def test_a_foreign_entrant_values_markets_without_the_domestic_shifts(run_on):
    """V^e of a foreign entrant is a domestic entrant's V^e in an economy whose home bias and
    penalty abroad are 0 (with the frontier held by a firm no unit's law is capped, so the
    region enters through the shifts only); with shifts it differs."""
    p = run_on.params
    econ = run_on.economy
    s = economy.sales(run_on.firms, econ, 1, p, run_on.alliances)
    mult = innovation.horizon(p, econ)
    rates = turnover.entrant_rates(run_on.firms)
    foreign = turnover.entrant_values(econ, s, mult, p, rates, foreign=True)
    plain = replace(econ, home_bias=np.zeros(N_DOMAINS), row_penalty=np.zeros(N_DOMAINS))
    np.testing.assert_array_equal(foreign, turnover.entrant_values(plain, s, mult, p, rates))
    domestic = turnover.entrant_values(econ, s, mult, p, rates)
    assert not np.array_equal(foreign, domestic)
    fixed = turnover.entrant_fixed_costs(econ, s, mult, p, rates, foreign=True)
    np.testing.assert_array_equal(fixed, turnover.entrant_fixed_costs(plain, s, mult, p, rates))


def test_home_public_funding_does_not_reach_foreign_entrants(monkeypatch):
    """The model offers foreign potential entrants seed money only: the quarter's public
    startup funding goes to the domestic call alone."""
    calls: list[tuple[float, bool]] = []
    original = turnover.enter

    def spy(firms, world, values, public_funding, *args, foreign=False):  # type: ignore[no-untyped-def]
        calls.append((public_funding, foreign))
        return original(firms, world, values, public_funding, *args, foreign=foreign)

    monkeypatch.setattr(turnover, "enter", spy)
    cfg = sim.compose([*ON, "scenario=subsidy_applications"])
    sim.AllianceModel(cfg).run(3)
    domestic = [f for f, abroad in calls if not abroad]
    foreign = [f for f, abroad in calls if abroad]
    assert len(domestic) == len(foreign) == 3
    assert max(domestic) > 0.0 and foreign == [0.0, 0.0, 0.0]


def test_same_seed_same_foreign_entrants():
    """Entry draws from the run's generator only: the same config and seed repeat it."""
    a = sim.AllianceModel(sim.compose([*ON, "seed=5"])).run(4)
    b = sim.AllianceModel(sim.compose([*ON, "seed=5"])).run(4)
    np.testing.assert_array_equal(a.firms.region, b.firms.region)
    np.testing.assert_array_equal(a.firms.capital, b.firms.capital)


def test_engines_agree_with_foreign_entry():
    """The per-agent engine gives the vectorised engine's numbers with foreign entrants."""
    fast, _ = run_both_engines(sim.compose([*ON, "steps=4"]))
    assert (fast.firms.entered[fast.firms.region != DOMESTIC] > 0).any()


def test_entrant_rates_by_home_take_the_median_of_the_entrants_own_startups():
    """``entrant_rates(firms, foreign)``: the median lambda_i of the domain's live startups of
    the entrant's home; None keeps every live unit's median; a domain without such startups
    falls back to every unit's median (units with rates of their own: ``RATES_AT_REST``)."""
    f = sim.AllianceModel(sim.compose([*ON, *RATES_AT_REST])).run(6).firms
    own = f.alive & (f.learning_rate > 0.0)
    assert own.any()
    everyone = turnover.entrant_rates(f)
    for foreign in (False, True):
        rates = turnover.entrant_rates(f, foreign)
        home = own & (f.kind == STARTUP) & ((f.region != DOMESTIC) == foreign)
        for d in range(N_DOMAINS):
            here = f.learning_rate[home & (f.domain == d)]
            expected = np.median(here) if here.size else everyone[d]
            assert rates[d] == expected
    crafted = replace(f, learning_rate=np.where(f.region == DOMESTIC, 0.1, 0.03))
    crafted.learning_rate[~(f.alive & (f.kind == STARTUP))] = 0.0
    present = [
        d
        for d in range(N_DOMAINS)
        if (crafted.alive & (f.domain == d) & (f.region != DOMESTIC) & (f.kind == STARTUP)).any()
    ]
    assert present
    assert (turnover.entrant_rates(crafted, True)[present] == 0.03).all()
    assert (turnover.entrant_rates(crafted, False)[present] == 0.1).all()


def test_by_home_entrants_are_offered_their_homes_rates(monkeypatch):
    """With ``entrant_rates_by_home`` each quarter's domestic entrants are given the domestic
    startups' medians and foreign entrants those of the startups of other regions (computed
    before entry; domestic entrants appended in between are domestic, so they do not move
    the foreign medians), and the two differ; without it both get every unit's median."""
    seen: list[tuple[bool, np.ndarray, np.ndarray, np.ndarray]] = []
    original = turnover.enter

    def spy(firms, world, values, funding, pool, p, rng, fixed, rates, foreign=False):  # type: ignore[no-untyped-def]
        by_home = p.growth.entrant_rates_by_home
        expected = turnover.entrant_rates(firms, foreign if by_home else None)
        seen.append((foreign, rates.copy(), expected, turnover.entrant_rates(firms)))
        return original(firms, world, values, funding, pool, p, rng, fixed, rates, foreign=foreign)

    monkeypatch.setattr(turnover, "enter", spy)
    for by_home in (True, False):
        seen.clear()
        flag = f"model.growth.entrant_rates_by_home={str(by_home).lower()}"
        sim.AllianceModel(sim.compose([*ON, flag, "steps=3", *RATES_AT_REST])).run()
        assert len(seen) == 6 and [s[0] for s in seen] == [False, True] * 3
        for _, rates, expected, everyone in seen:
            np.testing.assert_array_equal(rates, expected)
            if not by_home:
                np.testing.assert_array_equal(rates, everyone)
        if by_home:
            assert not np.array_equal(seen[0][1], seen[1][1])


def test_a_world_without_foreign_startups_keeps_its_numbers():
    """With no foreign startups at the start the pool abroad is empty: foreign entry draws
    nothing, so the run is the same with the switch on or off (before 2026-12-04 23:30 UTC
    it drew seven uniforms a quarter for an empty pool and moved every later draw)."""
    runs = []
    for flag in ("true", "false"):
        cfg = sim.compose(
            [*SMALL_SYNTHETIC, "model.economics=v2", f"model.growth.foreign_entry={flag}"]
        )
        runs.append(sim.AllianceModel(cfg).run(4))
    on, off = runs
    assert on.initial_foreign_startups == 0 and on.firms.n > 132  # some domestic entry
    np.testing.assert_array_equal(on.firms.capital, off.firms.capital)
    np.testing.assert_array_equal(on.firms.alliance, off.firms.alliance)


def test_share_alone_domestic_counts_domestic_firms_only(run_on):
    """``share_alone`` counts every live firm, foreign entrants too; ``share_alone_domestic``
    is the share of live domestic firms outside any formed alliance (finding 47's review)."""
    from sim.engine.aggregates import formed_alliance
    from sim.engine.state import NO_ALLIANCE

    f = run_on.firms
    frame = run_on.datacollector.get_model_vars_dataframe()
    domestic = f.alive & (f.region == DOMESTIC)
    alone = domestic & (formed_alliance(f, run_on.alliances) == NO_ALLIANCE)
    assert frame["share_alone_domestic"].iloc[-1] == pytest.approx(alone.sum() / domestic.sum())
    everyone = f.alive & (formed_alliance(f, run_on.alliances) == NO_ALLIANCE)
    assert frame["share_alone"].iloc[-1] == pytest.approx(everyone.sum() / f.alive.sum())
    assert (f.alive & (f.region != DOMESTIC)).any()  # the two populations differ here
