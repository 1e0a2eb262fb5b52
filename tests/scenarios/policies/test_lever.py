"""scenarios.policies.lever: what every lever shares, its window and whom it may pay."""

import copy

import numpy as np
import pytest

from scenarios.policies import MegaAllianceMandate, SovereignTournament
from scenarios.policies.lever import alliance_flags, eligible, share_equally
from sim.config.levers import (
    AntitrustConfig,
    MegaAllianceConfig,
    OpenDataConfig,
    PublicComputeConfig,
    SubsidyConfig,
    TournamentConfig,
)
from sim.config.vocabulary import DOMESTIC
from sim.engine.policy import PolicyEffects
from sim.engine.state import AllianceState
from tests.scenarios.policies.helpers import (
    assert_neutral,
    effects_of,
    eligibility_world,
    model_with,
    neutral,
    rows_of,
)

# --- eligibility and equal shares -----------------------------------------------------


def test_eligibility_rules_select_the_right_firms():
    firms, alliances = eligibility_world()
    assert rows_of(eligible("all", firms, alliances, neutral(firms, alliances))) == [
        0,
        1,
        2,
        4,
        5,
        6,
        7,
    ]
    assert rows_of(eligible("startups", firms, alliances, neutral(firms, alliances))) == [
        0,
        2,
        4,
        6,
    ]
    assert rows_of(eligible("open_members", firms, alliances, neutral(firms, alliances))) == [1, 2]
    assert rows_of(eligible("mandated", firms, alliances, neutral(firms, alliances))) == [6, 7]
    assert alliance_flags(alliances, "open_members", neutral(firms, alliances)).tolist() == [
        True,
        False,
        False,
    ]
    alliances.active[[0, 2]] = False  # a dissolved alliance makes nobody eligible
    assert rows_of(eligible("open_members", firms, alliances, neutral(firms, alliances))) == []
    assert rows_of(eligible("mandated", firms, alliances, neutral(firms, alliances))) == []
    assert alliance_flags(
        AllianceState(), "mandated", PolicyEffects.neutral(0, 0, 0.3)
    ).tolist() == [False]


def test_share_equally_splits_the_budget_over_eligible_rows():
    subsidy = np.ones(5)
    assert share_equally(90.0, np.array([1, 0, 1, 0, 1], bool), subsidy) == 30.0
    assert subsidy.tolist() == [31.0, 1.0, 31.0, 1.0, 31.0]
    assert share_equally(90.0, np.zeros(5, bool), subsidy) == 0.0
    assert subsidy.sum() == 95.0


def test_state_money_never_goes_to_foreign_members():
    firms, alliances = eligibility_world()  # alliance 0 has foreign member 3
    mega = MegaAllianceMandate(MegaAllianceConfig(budget=90.0, invite_per_domain=1))
    effects = effects_of(mega, firms, alliances)
    firms.alliance[3] = mega.alliance  # a foreign firm joins the mandated alliance
    effects = effects_of(mega, firms, alliances, step=1)
    members = firms.alive & (firms.alliance == mega.alliance)
    assert members[3] and effects.subsidy[3] == 0.0
    np.testing.assert_allclose(effects.subsidy[members & (firms.region == DOMESTIC)], 30.0)

    firms, alliances = eligibility_world()
    lever = SovereignTournament(
        TournamentConfig(stages=[[0, 1]], selection_stage=0, funding=90.0, min_members=3)
    )
    effects = effects_of(lever, firms, alliances)
    assert lever.funded == [0]  # the only domestic-led alliance with three members
    assert effects.subsidy[3] == 0.0
    np.testing.assert_allclose(effects.subsidy[[1, 2]], 45.0)


def test_mandated_eligibility_ends_with_the_mandate():
    window = {"start": 1, "end": 3}
    model = model_with(
        seed=0,
        mega_alliance=MegaAllianceConfig(**window),
        subsidy=SubsidyConfig(budget=100.0, eligibility="mandated"),
    )
    paid = []
    for step in range(5):
        effects = model.government.act(step)
        paid.append(effects.subsidy.sum())
    assert paid[0] == 0.0  # no mandate yet
    assert paid[1] == pytest.approx(100.0) and paid[2] == pytest.approx(100.0)
    assert paid[3] == 0.0 and paid[4] == 0.0  # the alliance lives on, unmandated
    assert model.alliances.mandated.any() and model.alliances.active.any()


# --- every lever acts only inside its window ---------------------------------------------

WINDOW = {"start": 2, "end": 4}
LEVERS = {
    "mega_alliance": MegaAllianceConfig(**WINDOW, budget=10.0),
    "antitrust": AntitrustConfig(**WINDOW, clarity=0.9, share_cap=0.4, fine_rate=0.1),
    "subsidy": SubsidyConfig(**WINDOW),
    "public_compute": PublicComputeConfig(**WINDOW),
    "open_data": OpenDataConfig(**WINDOW),
    "tournament": TournamentConfig(**WINDOW, stages=[[2, 2], [3, 1]], selection_stage=0),
}


@pytest.mark.parametrize("name", sorted(LEVERS))
def test_levers_are_neutral_outside_their_window(name):
    model = model_with(seed=0, **{name: copy.deepcopy(LEVERS[name])})
    government = model.government
    assert len(government.policies) == 1
    clarity = model.params.choice.baseline_clarity
    firms, alliances = model.firms, model.alliances
    for step in range(7):
        effects = government.act(step)
        if WINDOW["start"] <= step < WINDOW["end"]:
            with pytest.raises(AssertionError):
                assert_neutral(effects, firms, alliances, clarity)
        else:
            assert_neutral(effects, firms, alliances, clarity)
