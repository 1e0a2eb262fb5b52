"""The signed lead (``tech_lead_years``): not censored at parity, always finite (finding 39)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.config.schema import ModelParams
from sim.config.vocabulary import DOMESTIC, N_DOMAINS, REGIONS
from sim.engine.measures import QuarterEnd, StepFlows
from sim.engine.outcomes import BY_NAME
from sim.engine.state import CONGLOMERATE, FirmState, presence_mask

FOREIGN = REGIONS.index("us")
TREND = np.linspace(0.08, 0.2, N_DOMAINS)  # a different phi_d per domain


class TrendOnly:
    """What the measures read of version 2's economy: the trend per domain."""

    trend = TREND


def firms(domains, regions, capability, alive=None) -> FirmState:
    """Firm rows (one unit each) of the given domains, regions and relative capabilities."""
    state = FirmState()
    domain = np.asarray(domains, dtype=np.int64)
    n = len(domain)
    if n == 0:
        return state
    state.append(
        kind=np.full(n, CONGLOMERATE),
        region=np.asarray(regions, dtype=np.int8),
        domain=domain,
        presence=presence_mask(domain),
        capital=np.ones(n),
        openness=np.full(n, 0.5),
        capability=np.asarray(capability, dtype=float),
        alive=np.ones(n, dtype=bool) if alive is None else np.asarray(alive, dtype=bool),
        revenue=np.ones(n),
    )
    return state


def end_of(state: FirmState, economy: object | None = TrendOnly()) -> QuarterEnd:
    """The quarter's end of these firms under version 2 (``economy``) or version 1 (None)."""
    return QuarterEnd(state, None, 1.0, StepFlows(), 0.0, 0.0, ModelParams(), economy)  # type: ignore[arg-type]


def every_domain(domestic: float, foreign: float) -> FirmState:
    """One domestic and one foreign unit in each domain at these relative capabilities."""
    domains = [*range(N_DOMAINS), *range(N_DOMAINS)]
    regions = [DOMESTIC] * N_DOMAINS + [FOREIGN] * N_DOMAINS
    return firms(domains, regions, [domestic] * N_DOMAINS + [foreign] * N_DOMAINS)


def test_a_domestic_leader_has_gap_zero_and_a_positive_lead():
    end = end_of(every_domain(1.0, 0.8))
    assert end.gap == 0.0  # censored: the gap cannot say how far ahead
    np.testing.assert_allclose(end.domain_leads, 0.2 / TREND)
    assert end.lead == pytest.approx(float(end.domain_weights @ (0.2 / TREND)))
    assert end.lead > 0
    assert BY_NAME["tech_lead_years"].measure(end) == end.lead  # type: ignore[misc]


def test_behind_a_foreign_unit_at_the_frontier_the_lead_is_minus_the_gap():
    state = every_domain(0.7, 1.0)
    state.alive[0] = False  # domain 0 has no live domestic unit: k*_0 = 0 for both
    end = end_of(state)
    assert end.best_domestic[0] == 0.0
    np.testing.assert_allclose(end.domain_leads, -end.domain_gaps)
    assert end.lead == pytest.approx(-end.gap)
    assert end.lead < 0


def test_a_domain_without_foreign_units_counts_them_at_zero_and_dead_ones_are_ignored():
    state = firms([0, 0, 1], [DOMESTIC, FOREIGN, DOMESTIC], [0.6, 0.9, 0.5], [True, False, True])
    end = end_of(state)
    expected = np.zeros(N_DOMAINS)
    expected[:2] = [0.6, 0.5]
    np.testing.assert_allclose(end.domain_leads, expected / TREND)
    assert end_of(firms([], [], [])).lead == 0.0  # no live unit at all: finite, 0


def test_version_1_uses_absolute_capability_over_its_one_frontier_and_weighs_domains_equally():
    state = every_domain(1.2, 1.6)  # absolute capabilities, frontier F = 2
    end = QuarterEnd(state, None, 2.0, StepFlows(), 0.0, 0.0, ModelParams(), None)  # type: ignore[arg-type]
    phi = ModelParams().growth.frontier_growth
    assert end.lead == pytest.approx((0.6 - 0.8) / phi)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, N_DOMAINS - 1),
            st.integers(0, len(REGIONS) - 1),
            st.floats(0.0, 1.5),
            st.booleans(),
        ),
        max_size=30,
    )
)
def test_the_lead_is_finite_and_bounded_on_random_states(rows):
    domains, regions, capability, alive = zip(*rows, strict=True) if rows else ([], [], [], [])
    end = end_of(firms(domains, regions, capability, alive))
    assert np.isfinite(end.lead)
    assert abs(end.lead) <= 1.5 / TREND.min() + 1e-9
