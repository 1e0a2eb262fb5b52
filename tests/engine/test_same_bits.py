"""Speed paths against the plain computations they replace, bit for bit."""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.config.schema import ModelParams
from sim.config.vocabulary import N_DOMAINS
from sim.engine import (
    balanced_growth,
    bisection,
    channels,
    demand,
    economy,
    innovation,
    knowledge,
    markets,
    outlook,
)
from sim.engine.knowledge import capability_law
from tests.engine.test_demand import random_world, structure


def _law(rng, n, ceiling):
    caps = {
        "none": None,
        "inf": np.full(n, np.inf),
        "some": np.where(rng.random(n) < 0.3, rng.uniform(0.2, 1.2, n), np.inf),
    }[ceiling]
    return capability_law(
        rng.uniform(0.0, 1.1, n),
        rng.uniform(0.0, 0.05, n),
        learning_rate=rng.uniform(0.0, 0.05, n),
        catch_up=1.5,
        obsolescence=0.01,
        ceiling=caps,
    )


def _problem(rng, n, law, low):
    """A best-response problem of ``n`` units on ``law``: ``solve_effort``'s positional
    arguments (a fifth of the units at rest at zero effort, some capped) and the inflow."""
    inflow = rng.uniform(low, 2.0, n)
    omega, cost = rng.uniform(0.0, 1e4, n), rng.uniform(1.0, 200.0, n)
    rest = rng.uniform(-50.0, 50.0, n)
    rest[: n // 5] = -omega[: n // 5] * law.slope(inflow)[: n // 5]  # 0 at zero effort
    limit = np.where(rng.random(n) < 0.3, rng.uniform(0.0, 1.0, n), np.inf)

    def slope(x):
        return law.slope(x + inflow)

    return (omega, rest, inflow, cost, limit, slope, 0.5), inflow


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(1, 300),
    st.sampled_from(["none", "inf", "some"]),
    st.booleans(),
    st.booleans(),
)
def test_the_bisection_on_buffers_gives_the_plain_loops_bits(seed, n, ceiling, negative, bits):
    rng = np.random.default_rng(seed)
    law = _law(rng, n, ceiling)
    args, _ = _problem(rng, n, law, -0.5 if negative else 0.0)
    plain = innovation.solve_effort(*args)
    with pytest.MonkeyPatch.context() as patch:  # the ends moved by select_bits, or np.where
        patch.setattr(bisection, "SELECT_BITS_FROM", 0 if bits else n + 1)
        assert innovation.solve_effort(*args, law=law).tobytes() == plain.tobytes()


@pytest.mark.parametrize("seed", range(6))
def test_selected_bits_are_the_wheres_bits(seed):
    rng = np.random.default_rng(seed)
    n = 257
    specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 1.0])
    odd_nan = np.array([0x7FF8_0000_0000_0001, -0x0008_0000_0000_0001]).view(np.float64)
    specials = np.concatenate([specials, odd_nan])  # NaNs of other payloads and signs
    lo, hi, mid = (
        np.where(rng.random(n) < 0.3, rng.choice(specials, n), rng.normal(size=n)) for _ in range(3)
    )
    a = rng.random(n) < [0.0, 1.0, 0.5, 0.1, 0.9, 0.5][seed]
    want = (np.where(a, mid, lo), np.where(a, hi, mid))
    bounds = np.stack([lo, hi])
    masks, work = np.empty((2, n), dtype=np.int64), np.empty((2, n), dtype=np.int64)
    np.greater(a, False, masks[0])  # 1 where a, as the bisection writes its signs
    bisection.select_bits(bounds.view(np.int64), mid.view(np.int64), masks, work)
    assert bounds[0].tobytes() == want[0].tobytes() and bounds[1].tobytes() == want[1].tobytes()


@pytest.mark.parametrize("ceiling", ["none", "inf", "some"])
@pytest.mark.parametrize("n", [1, 40])
def test_a_law_checking_no_ceiling_has_the_uncapped_slopes_bits(ceiling, n):
    rng = np.random.default_rng(n)
    law = _law(rng, n, ceiling)
    shifted = rng.uniform(0.0, 3.0, n) + law.offset
    checked = law.checks_ceiling((n,))
    assert checked == (ceiling == "some" and bool(np.isfinite(law.ceiling).any()))
    uncapped = law.slope_scale * np.power(shifted, law.alpha - 1.0) / law.drift
    exact = law.slope_from_shifted(shifted, np.empty(n))
    assert checked or exact.tobytes() == uncapped.tobytes()
    assert law.checks_ceiling((n, 2)) == (ceiling != "none")  # another shape: every unit


@settings(max_examples=120, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(1, 9),
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(0, 3),
    st.booleans(),
    st.booleans(),
)
def test_everyone_alone_gives_the_full_expressions_bits(
    seed, n_firms, n_domains, n_geos, n_alliances, federated, bounded
):
    w = random_world(seed, n_firms, n_domains, n_geos, n_alliances, federated)
    w["alliance"] = np.full(n_firms, -1)
    rng = np.random.default_rng(seed + 7)
    w["dk_dX"][rng.random(n_firms) < 0.3] = 0.0  # zero products: the signs of zeros count
    w["absorption"][rng.random(n_firms) < 0.3] = 0.0
    s = demand.shares(w["value"], w["market"], w["n_markets"], w["outside"])
    s[rng.random(s.size) < 0.2] = 0.0
    opened = tuple((rng.random(n_firms) < 0.5).astype(float) for _ in range(2))
    keys = ("scale", "theta", "domain", "depth", "absorption", "relatedness", "dk_dX")
    kwargs = {key: w[key] for key in keys}
    kwargs["weight"] = np.where(rng.random(n_firms) < 0.5, rng.uniform(0.0, 1.0, n_firms), 0.0)
    kwargs["receiving"] = opened if bounded else None
    ch = structure(w)
    assert channels.everyone_alone(ch)
    fast = demand.marginal_value_grouped(s, w["market"], w["firm"], channels=ch, **kwargs)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demand, "everyone_alone", lambda _: False)
        full = demand.marginal_value_grouped(s, w["market"], w["firm"], channels=ch, **kwargs)
    assert fast.tobytes() == full.tobytes()


@pytest.mark.parametrize("step", [0, 1, 17, 39])
def test_kept_market_sizes_are_the_computed_ones_and_read_only(step):
    p = ModelParams()
    m = p.markets
    growth = np.array([[m.growth_domestic], [m.growth_world]]) * np.ones(N_DOMAINS)
    weights = np.asarray(p.growth.domain_market_weights, dtype=np.float64)
    direct = markets.market_sizes(
        step, m.domestic_size_2030, m.world_size_2030, growth, weights, 2024
    )
    kept = economy.market_sizes_at(step, p, 2024)
    assert kept.tobytes() == np.asarray(direct).tobytes()
    assert economy.market_sizes_at(step, p, 2024) is kept
    with pytest.raises(ValueError, match="read-only"):
        kept[0] = 1.0


@settings(max_examples=120, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(1, 30),
    st.integers(1, 4),
    st.integers(0, 3),
    st.booleans(),
)
def test_inflow_parts_of_firms_all_alone_are_the_full_sums_bits(
    seed, n_firms, n_domains, n_alliances, federated
):
    w = random_world(seed, n_firms, n_domains, 1, n_alliances, federated)
    w["alliance"] = np.full(n_firms, -1)
    rng = np.random.default_rng(seed + 11)
    x = np.where(rng.random(n_firms) < 0.3, 0.0, rng.uniform(0.0, 5.0, n_firms))
    x[rng.random(n_firms) < 0.1] = -0.0
    a = np.where(rng.random(n_firms) < 0.2, 0.0, rng.uniform(0.0, 1.0, n_firms))
    ch = structure(w)
    args = (x, w["domain"], w["relatedness"], a, ch)
    fast = knowledge.inflow_parts(*args)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(knowledge, "everyone_alone", lambda _: False)
        full = knowledge.inflow_parts(*args)
    assert [v.tobytes() for v in fast] == [v.tobytes() for v in full]


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.int8, np.bool_])
@pytest.mark.parametrize("shape", [(5,), (5, 3), (5, 3, 2)])
def test_alliance_lookups_are_the_masked_gathers_bits(dtype, shape):
    rng = np.random.default_rng(len(shape))
    table = (rng.normal(size=shape) * 10).astype(dtype)
    if table.dtype.kind == "f":
        table.flat[0] = -0.0  # a -0.0 read from a row stays -0.0; a missing row reads +0.0
    target = rng.integers(-3, 5, (4, 6))
    safe = np.where(target >= 0, target, 0)
    values = table[safe]
    mask = (target >= 0).reshape(target.shape + (1,) * (values.ndim - target.ndim))
    masked = np.asarray(np.where(mask, values, 0.0))  # the rule as it was written before
    fast = outlook.at_alliance(table, target)
    assert fast.dtype == masked.dtype and fast.tobytes() == masked.tobytes()


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.bool_])
@pytest.mark.parametrize("extra", [0, 1])
def test_alliance_cell_lookups_are_the_masked_gathers_bits(dtype, extra):
    rng = np.random.default_rng(extra)
    table = (rng.normal(size=(5, 4)) * 10).astype(dtype)
    if table.dtype.kind == "f":
        table[0, 0] = -0.0
    target = rng.integers(-3, 5, (4, 6))
    column = rng.integers(0, 4, (4, 6, 3) if extra else (4, 6))
    valid = target >= 0
    safe = np.where(valid, target, 0).reshape(target.shape + (1,) * extra)
    mask = valid.reshape(target.shape + (1,) * extra)
    masked = np.asarray(np.where(mask, table[safe, column], 0.0))  # as written before
    fast = outlook.at_alliance_cells(table, target, column)
    assert fast.dtype == masked.dtype and fast.tobytes() == masked.tobytes()


@pytest.mark.parametrize("seed", range(5))
def test_the_complementarity_bonus_of_members_alone_is_the_whole_rules_bits(seed):
    rng = np.random.default_rng(seed)
    m, rows, p = 4, 50, ModelParams()
    domain = rng.integers(0, N_DOMAINS, rows)
    alliance = rng.integers(-1, m, rows)
    best, depth = rng.uniform(0.0, 1.2, (m, N_DOMAINS)), rng.uniform(0.0, 1.0, m)
    best[0, 0] = -0.0
    comp = economy.complementarity_table()
    a = np.where(alliance == -1, 0, alliance)
    value = (comp[domain] * best[a]).sum(axis=1)  # seven columns: summed in order
    w = np.where(alliance == -1, 0.0, depth[a])
    whole = np.where(alliance == -1, 0.0, p.choice.complementarity_uplift * w * value)
    fast = economy.complementarity_bonus(domain, alliance, best, depth, p)
    assert fast.tobytes() == whole.tobytes()


@pytest.mark.parametrize("step", [0, 5, 39])
def test_kept_rd_costs_are_the_computed_ones_and_read_only(step):
    p = ModelParams()
    p = replace(p, growth=replace(p.growth, balanced_growth=True))
    gamma = np.asarray(p.rnd.rd_cost_by_domain, dtype=np.float64)
    start = economy.market_sizes_at(0, p, 2024)
    size = np.array(economy.market_sizes_at(step, p, 2024))
    direct = balanced_growth.rd_cost_slope(gamma, size, start)
    kept = balanced_growth.rd_costs(p, size, 2024)
    assert kept.tobytes() == direct.tobytes()
    assert balanced_growth.rd_costs(p, size.copy(), 2024) is kept  # the same numbers: kept
    with pytest.raises(ValueError, match="read-only"):
        kept[0] = 1.0
    size[0] = 0.0
    zero = balanced_growth.rd_costs(p, size, 2024)
    size[0] = -0.0  # a zero of the other sign is other bytes: computed afresh, not given
    negative = balanced_growth.rd_costs(p, size, 2024)
    assert negative is not zero
    assert negative.tobytes() == balanced_growth.rd_cost_slope(gamma, size, start).tobytes()


@pytest.mark.parametrize("overrides", [["world=korea_2024"], ["world=korea_2024", "seed=3"], []])
def test_a_start_on_kept_channels_is_one_building_them_every_pass_bits(overrides):
    import sim
    from sim.engine import start

    def started():
        model = sim.AllianceModel(sim.compose([*overrides, "steps=1"]))
        f = model.firms
        columns = (f.effort, f.learning_rate, f.capital, f.capability)
        return [c.tobytes() for c in columns] + [model.economy.learning_rate.tobytes()]

    kept = started()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(start, "start_channels", lambda *_: None)  # each pass builds its own
        assert started() == kept


@pytest.mark.parametrize("seed", range(4))
def test_counted_and_receiving_at_once_are_each_rules_bits(seed):
    from sim.engine.levels import InflowBound

    rng = np.random.default_rng(seed)
    n = 200

    def column():
        values = rng.uniform(0.0, 2.0, n)
        values[rng.random(n) < 0.1] = 0.0
        values[rng.random(n) < 0.05] = -0.0
        values[rng.random(n) < 0.02] = np.inf
        return values

    bound = InflowBound(column(), column(), column(), column())
    public, internal = column(), column()
    internal[:20] = public[:20]  # ties between the channels
    counted, (open_public, open_internal) = bound.counted_and_receiving(public, internal)
    first = bound.public_level <= bound.internal_level  # the rules as written before
    in_lo, in_hi = np.where(first, public, internal), np.where(first, internal, public)
    m_lo = np.where(first, bound.public, bound.internal)
    m_hi = np.where(first, bound.internal, bound.public)
    assert counted.tobytes() == np.minimum(np.minimum(in_lo, m_lo) + in_hi, m_hi).tobytes()
    hi_open = np.minimum(in_lo, m_lo) + in_hi < m_hi
    lo_open = hi_open & (in_lo < m_lo)
    assert open_public.tobytes() == np.where(first, lo_open, hi_open).astype(float).tobytes()
    assert open_internal.tobytes() == np.where(first, hi_open, lo_open).astype(float).tobytes()
    assert counted.tobytes() == bound.counted(public, internal).tobytes()


@pytest.mark.parametrize("seed", range(3))
def test_the_buffered_bisection_gives_the_fast_slopes_bits_where_that_was_used(seed):
    rng = np.random.default_rng(seed)
    n = innovation.ESTIMATE_FROM + 500  # solves this large read the fast g' before
    law = _law(rng, n, "some")
    args, inflow = _problem(rng, n, law, 0.0)
    fast = innovation.SlopeEstimate(
        lambda x: law.estimate_slope(x + inflow),
        lambda x, at: law.take(at).slope(x + inflow[at]),
    )
    estimated = innovation.solve_effort(*args, fast)
    assert innovation.solve_effort(*args, law=law).tobytes() == estimated.tobytes()
