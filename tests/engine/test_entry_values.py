"""Entry under version 2 sees V^e_d, the value a new startup of each domain expects (6.9).

Until 2026-12-03 the model never computed it: entry saw a value of 0 in every domain
(docs/model.md finding 39, "Also found"). These tests fail on that code.
"""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import sim
from sim.config.vocabulary import N_DOMAINS
from sim.engine import economy, innovation, turnover
from sim.engine.markets import N_MARKETS
from tests.conftest import SMALL_SYNTHETIC

V2 = [*SMALL_SYNTHETIC, "model.economics=v2"]


def _entered(overrides: list[str], steps: int) -> tuple[int, sim.AllianceModel]:
    model = sim.AllianceModel(sim.compose([*V2, *overrides])).run(steps)
    frame = model.datacollector.get_model_vars_dataframe()
    return int(frame["startups_entered"].sum()), model


def test_entry_reads_this_quarters_entrant_values(monkeypatch):
    """Each quarter entry is offered ``entrant_values`` at that quarter's markets, with the
    entrant's own rates; computed once a quarter, before entry."""
    computed: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    offered: list[tuple[np.ndarray, np.ndarray]] = []
    original_values, original_enter = turnover.entrant_values, turnover.enter

    def values(econ, sales, multipliers, p, rates=None, foreign=False):  # type: ignore[no-untyped-def]
        v = original_values(econ, sales, multipliers, p, rates, foreign=foreign)
        if not foreign:  # the domestic entrants' (foreign entry: tests/engine/test_foreign_entry)
            computed.append((sales.size.copy(), np.asarray(rates).copy(), v))
        return v

    def enter(firms, world, v, *args, foreign=False):  # type: ignore[no-untyped-def]
        if not foreign:
            p = args[2]  # public_funding, initial_startups, p, ...
            home = False if p.growth.entrant_rates_by_home else None
            offered.append((v, turnover.entrant_rates(firms, home)))
        return original_enter(firms, world, v, *args, foreign=foreign)

    monkeypatch.setattr(turnover, "entrant_values", values)
    monkeypatch.setattr(turnover, "enter", enter)
    model = sim.AllianceModel(sim.compose(V2))
    steps = 4
    model.run(steps)
    assert len(computed) == len(offered) == steps
    p, start_year = model.params, model.economy.start_year
    for t, ((size, rates, v), (seen, own)) in enumerate(zip(computed, offered, strict=True)):
        assert seen is v  # entry reads the value of its own quarter
        np.testing.assert_array_equal(size, economy.market_sizes_at(t, p, start_year))
        np.testing.assert_array_equal(rates, own)  # the rates the entrants will be given
        assert v.shape == (N_DOMAINS,) and np.isfinite(v).all() and np.ptp(v) > 0
    assert model._entry_values is computed[-1][2]


def test_entry_falls_to_nothing_when_no_entrant_can_cover_its_costs():
    """A team cost of 100 USD m a quarter puts V^e below -500 USD m in every domain (about
    -Lambda^0 100 plus at most a few hundred of margin in the small world), far below
    funding less the entry cost: nobody enters. With V^e read as 0 (the old code) entry did
    not depend on the team cost at all."""
    base, _ = _entered([], 3)
    none, model = _entered(["model.growth.fixed_cost_startup=100.0"], 3)
    assert base > 0 and none == 0
    g = model.params.growth
    assert (
        model._entry_values + g.seed_funding - g.entry_cost < -40 * g.entry_noise * g.entry_cost
    ).all()


def test_a_larger_market_draws_more_entrants_on_the_same_draws():
    """A domain whose market is ten times larger promises a new firm more (V^e rises with
    M_d), so more potential entrants enter there; the draws are common random numbers.
    Domain 3 (data): its entrant's value is near 0 in the small world, so its entry
    probability is inside (0, 1)."""
    d = 3
    counts = []
    for scale in (1.0, 10.0):
        w = np.full(N_DOMAINS, 1.0 / N_DOMAINS)
        w[d] *= scale
        model = sim.AllianceModel(sim.compose(V2)).run(1)
        p = replace(
            model.params,
            growth=replace(model.params.growth, domain_market_weights=list(w / w.sum())),
        )
        s = economy.sales(model.firms, model.economy, 1, p, model.alliances)
        v = turnover.entrant_values(model.economy, s, innovation.horizon(p, model.economy), p, None)
        counts.append(
            (
                v[d],
                turnover.enter(
                    model.firms, model.cfg.world, v, 0.0, 10_000, p, np.random.default_rng(3)
                )["domain"],
            )
        )
    (small_v, small), (large_v, large) = counts
    assert large_v > small_v
    assert (large == d).sum() > (small == d).sum()


@pytest.fixture(scope="module")
def started() -> sim.AllianceModel:
    return sim.AllianceModel(sim.compose(V2))


_SHARES = arrays(np.float64, 3 * N_MARKETS, elements=st.floats(0.0, 1.0))


@given(
    shares=_SHARES,
    # markets grow from their positive start sizes, so none is 0 at a later quarter (with
    # balanced growth, the default, a zero market would make the cost slope 0)
    size=arrays(np.float64, N_MARKETS, elements=st.floats(1e-3, 1e7)),
    outside=arrays(np.float64, N_MARKETS, elements=st.floats(0.0, 1e4)),
    bias=arrays(np.float64, N_DOMAINS, elements=st.floats(-5.0, 5.0)),
    rates=arrays(np.float64, N_DOMAINS, elements=st.floats(0.0, 1.0)),
)
def test_entrant_values_are_finite_on_any_state(started, shares, size, outside, bias, rates):
    """Any shares (three sellers a market, their sum capped below 1), sizes, outside
    weights, domestic shifts and own rates give a finite V^e in every domain."""
    firm = np.arange(shares.size)
    market = np.repeat(np.arange(N_MARKETS), 3)
    total = np.bincount(market, weights=shares, minlength=N_MARKETS)
    share = shares / np.maximum(total[market], 1.0) * 0.999
    s = economy.Sales(firm, market, share, size)
    econ = replace(started.economy, outside=outside, home_bias=bias, row_penalty=bias[::-1])
    p = started.params
    v = turnover.entrant_values(econ, s, innovation.horizon(p, econ), p, rates)
    assert v.shape == (N_DOMAINS,) and np.isfinite(v).all()


def entry_before_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    """Entry as before 2026-12-03: V^e read as 0 in every domain (finding 39, "Also found").

    For the tests that pin runs of earlier commits (a switched-off feature gives the numbers
    from before it existed): their pins were made with this entry. Only the value entry
    sees changes; ``entrant_values`` is still computed (no draw depends on it).
    """
    original = turnover.entrant_values

    def zero(*args: object, **kwargs: object) -> np.ndarray:
        return np.zeros_like(original(*args, **kwargs))  # type: ignore[arg-type]

    monkeypatch.setattr(turnover, "entrant_values", zero)


def test_entry_before_the_fix_reads_zero(monkeypatch):
    entry_before_the_fix(monkeypatch)
    model = sim.AllianceModel(sim.compose(V2)).run(1)
    assert not model._entry_values.any()
