"""Hub-and-spoke coordination of partner programmes (docs/model.md 6.5; findings 42, 49, 50).

With ``model.choice.hub_and_spoke`` a partner programme's partners (data file
``coordination: hub``) coordinate with the leader only:
no size factor, no heterogeneity, the misfit is against the leader's openness, and the fixed
cost is that of one link, ``hub_link_cost`` times a group member's ``coord_cost_fixed``.
"""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sim
from sim.config.schema import ModelParams, RunConfig
from sim.engine import economy, valuation
from sim.engine.choice import FIRST_CANDIDATE, RevisionDraws
from sim.engine.outlook import reviser_at
from sim.engine.policy import PolicyEffects
from sim.engine.state import CLOSED, OPEN, AllianceState, padded

DEFAULTS = sim.compose([])


def with_hub(config: RunConfig, on: bool = True) -> RunConfig:
    """``config`` with ``model.choice.hub_and_spoke`` set."""
    choice = replace(config.model.choice, hub_and_spoke=on)
    return replace(config, model=replace(config.model, choice=choice))


def one_link(p: ModelParams) -> ModelParams:
    """``p`` with a group member's fixed cost set to a hub partner's link (cc0 x the share)."""
    c = p.choice
    fixed = c.coord_cost_fixed * c.hub_link_cost
    return replace(p, choice=replace(c, coord_cost_fixed=fixed, hub_link_cost=1.0))


@given(
    st.floats(0.0, 50.0),
    st.floats(0.0, 1.0),
    st.integers(1, 500),
    st.integers(1, 500),
    st.floats(0.0, 1.0),
    st.floats(0.0, 1.0),
    st.booleans(),
)
def test_a_hubs_cost_depends_on_neither_size_nor_heterogeneity(
    spend, depth, size, other_size, hetero, misfit, away
):
    """A spoke's link costs what a member of a working group of one would pay for one link."""
    p = DEFAULTS.model
    hub = economy.coordination_rule(spend, depth, size, hetero, misfit, away, p, True)
    other = economy.coordination_rule(spend, depth, other_size, 0.0, misfit, away, p, True)
    link = one_link(p)
    alone_group = economy.coordination_rule(spend, depth, 1, 0.0, misfit, away, link, False)
    assert float(hub) == pytest.approx(float(other), rel=1e-12)
    assert float(hub) == pytest.approx(float(alone_group), rel=1e-12)
    group = economy.coordination_rule(spend, depth, size, hetero, misfit, away, p, False)
    assert p.choice.hub_link_cost <= 1.0  # so a group's cost is never below a spoke's
    assert float(group) >= float(hub) - 1e-12  # a group's factors are all >= 1


@given(st.floats(0.0, 1.0), st.floats(0.0, 50.0), st.floats(0.0, 1.0), st.booleans())
def test_a_links_share_scales_the_fixed_part_only(share, spend, depth, away):
    """hub_link_cost multiplies cc0 and nothing else: the rule is linear in it."""
    p = DEFAULTS.model

    def at(s: float) -> float:
        q = replace(p, choice=replace(p.choice, hub_link_cost=s))
        return float(economy.coordination_rule(spend, depth, 30, 0.5, 0.1, away, q, True))

    c = p.choice
    factor = 1 + c.coord_regime_misfit * 0.1 + c.distance_cost * away
    assert at(share) - at(0.0) == pytest.approx(share * c.coord_cost_fixed * factor, abs=1e-12)
    group = replace(p, choice=replace(p.choice, hub_link_cost=share))
    assert float(economy.coordination_rule(spend, depth, 30, 0.5, 0.1, away, group, False)) == (
        float(economy.coordination_rule(spend, depth, 30, 0.5, 0.1, away, p, False))
    )


def test_pinned_hub_cost_by_hand():
    p = DEFAULTS.model
    c = p.choice  # spend 4, depth 0.5, size 40 and heterogeneity 0.5 ignored, misfit 0.2, away
    cost = economy.coordination_rule(4.0, 0.5, 40, 0.5, 0.2, True, p, True)
    base = c.hub_link_cost * c.coord_cost_fixed + c.coord_cost_share * 0.5 * 4.0
    expected = base * (1 + c.coord_regime_misfit * 0.2 + c.distance_cost) + c.distance_cost_fixed
    assert float(cost) == pytest.approx(expected, rel=1e-12)
    assert float(cost) == pytest.approx(0.77069132, abs=1e-8)  # 0.11266 x 3.1723 + 0.4133


def test_the_misfit_is_against_the_leader_in_a_hub_and_the_regime_in_a_group():
    openness = np.array([0.7, 0.7, 0.2, 0.2])
    regime = np.array([CLOSED, OPEN, CLOSED, OPEN])
    hub = np.array([True, True, False, False])
    misfit = economy.coordination_misfit(openness, regime, 0.4, hub)
    np.testing.assert_allclose(misfit, [0.3, 0.3, 0.2, 0.8])


def test_only_partner_programmes_are_hubs_and_only_with_the_switch():
    """A reseller is not a hub for being one: the K-AI Alliance resells and is built on equity."""
    a = AllianceState()
    a.append(
        np.array([OPEN, CLOSED, CLOSED]),
        np.array([0, 1, 2]),
        0,
        reseller=np.array([True, True, False]),
        hub=np.array([True, False, False]),
    )
    off = with_hub(DEFAULTS, False).model
    on = DEFAULTS.model
    assert on.choice.hub_and_spoke  # the default since 2026-12-05 (finding 49)
    np.testing.assert_array_equal(economy.hub_and_spoke(a, off), [False, False, False])
    np.testing.assert_array_equal(economy.hub_and_spoke(a, on), [True, False, False])


def test_in_korea_only_kolon_benits_programme_is_a_hub(korea_with_hubs):
    model = korea_with_hubs
    hubs = economy.hub_and_spoke(model.alliances, model.params)
    assert [n for n, h in zip(model.alliances.names, hubs, strict=True) if h] == [
        "Kolon Benit AI Alliance"
    ]
    k_ai = model.alliances.names.index("K-AI Alliance")
    assert model.alliances.reseller[k_ai] and not model.alliances.hub[k_ai]


@pytest.fixture(scope="module")
def korea_with_hubs() -> sim.AllianceModel:
    """korea_2024 (version 2) with hubs, after Kolon Benit's alliance is founded (2024 Q2)."""
    config = with_hub(sim.compose(["world=korea_2024", "model.economics=v2", "steps=3"]))
    model = sim.AllianceModel(config)
    for _ in range(3):
        model.step()
    return model


def test_members_pay_what_they_foresee_in_hubs_and_groups(korea_with_hubs):
    """The cost a member pays is the one its valuation of staying reads, in either kind."""
    model = korea_with_hubs
    firms, alliances, p = model.firms, model.alliances, model.params
    hubs = economy.hub_and_spoke(alliances, p)
    assert hubs.any() and (~hubs[alliances.active]).any()
    effects = PolicyEffects.neutral(firms.n, alliances.m, p.choice.baseline_clarity)
    q = model._new_quarter(model.steps, effects)
    rows = np.flatnonzero(firms.alive & (firms.alliance >= 0))
    current = firms.alliance[rows].astype(np.int64)
    draws = RevisionDraws(rows, current[:, None], np.zeros((rows.size, FIRST_CANDIDATE + 1)))
    assert model.economy is not None
    view = valuation.prospects(firms, alliances, q, model.economy, draws, np.random.default_rng(0))
    o = view.outlook
    r = reviser_at(rows, firms, o, view.channels, view.position)
    target = r.current[:, None]
    regime = padded(alliances.regime)[np.maximum(target, 0)]
    foreseen = valuation.coordination_cost(
        r, target, regime, firms.openness[rows], firms.region[rows], o, p
    )[:, 0]
    paid = economy.coordination_costs(firms, alliances, o.spend, p)[rows]
    formed = economy.formed_alliance(firms, alliances)[rows] >= 0
    np.testing.assert_allclose(foreseen[formed], paid[formed], rtol=1e-12)
    in_hub = formed & hubs[current]
    assert in_hub.sum() >= 20  # Kolon Benit's partners
    # in a hub, a partner's cost is that of an alliance of one with its misfit to the leader
    lead_open = economy.leader_openness(firms, alliances)[current[in_hub]]
    alone = economy.coordination_rule(
        o.spend[rows[in_hub]],
        alliances.depth[current[in_hub]],
        1,
        0.0,
        np.abs(firms.openness[rows[in_hub]] - lead_open),
        firms.region[rows[in_hub]] != economy.home_region(firms, alliances)[current[in_hub]],
        one_link(p),
    )
    np.testing.assert_allclose(paid[in_hub], alone, rtol=1e-12)


def kolon_benit_sizes(link_cost: float, seed: int, quarters: int = 8) -> list[int]:
    """Alive members of Kolon Benit's alliance at the end of each quarter from 2024 Q2."""
    config = sim.compose(
        ["world=korea_2024", "model.economics=v2", f"model.choice.hub_link_cost={link_cost}"]
    )
    model = sim.AllianceModel(config, seed=seed)
    sizes = []
    for _ in range(quarters):
        model.step()
        names = model.alliances.names
        if "Kolon Benit AI Alliance" in names:
            a = names.index("Kolon Benit AI Alliance")
            sizes.append(int((model.firms.alive & (model.firms.alliance == a)).sum()))
    return sizes


@pytest.mark.slow  # about 10 s: CI (make test-slow)
def test_a_partner_programme_holds_at_a_links_cost_and_shrinks_at_a_seats():
    """Finding 50: at a working-group seat's fixed cost every revising partner left and Kolon
    Benit's alliance fell by about a tenth a quarter; at one link's cost (the default) it holds.

    Measured 2026-12-06 (16 fit seeds, medians, 2024 Q2 -> 2025 Q4): 50.5 -> 26.5 at 1,
    52.5 -> 58.5 at 0.3. Here seeds 0-3, the size at 2025 Q4 against the launch quarter's.
    """
    assert DEFAULTS.model.choice.hub_link_cost < 1.0
    for seed in range(4):
        seat = kolon_benit_sizes(1.0, seed)
        link = kolon_benit_sizes(DEFAULTS.model.choice.hub_link_cost, seed)
        assert seat[-1] < 0.8 * seat[0], (seed, seat)
        assert link[-1] >= 0.9 * link[0], (seed, link)
        assert link[-1] > seat[-1] + 10, (seed, seat, link)
