"""scenarios.policies.open_data: a higher public spillover, at a cost."""

import pytest

from sim.config.levers import OpenDataConfig
from sim.engine import quarter
from tests.scenarios.policies.helpers import model_with, neutral


def _public_beta(model, effects):
    q = quarter.Quarter(
        step=0,
        frontier=model.frontier,
        ceiling=model.frontier,
        params=model.params,
        effects=effects,
        reference_capital=model.reference_capital,
    )
    return quarter.prepare_rnd(model.firms, model.alliances, q).public_beta


def test_open_data_raises_public_spillover_by_its_bonus_and_costs_spend():
    model = model_with(seed=0, open_data=OpenDataConfig(spillover_bonus=0.15, cost=20.0))
    effects = model.government.act(0)
    assert effects.spillover_bonus == 0.15 and effects.spend == 20.0
    plain = neutral(model.firms, model.alliances)
    assert _public_beta(model, effects) == pytest.approx(_public_beta(model, plain) + 0.15)
    # the rate is capped at 1
    effects.spillover_bonus = 1.0
    assert _public_beta(model, effects) == 1.0

    model = model_with(seed=0, open_data=OpenDataConfig(start=1, end=3, cost=20.0))
    spend = []
    for _ in range(4):
        model.step()
        spend.append(model.flows.government_spend)
    assert spend == [0.0, 20.0, 20.0, 0.0]
    assert model.cumulative_spend == 40.0


def test_open_data_raises_what_firms_learn():
    learned, alone = {}, []
    for bonus in (0.0, 0.3):
        model = model_with(seed=0, open_data=OpenDataConfig(spillover_bonus=bonus, cost=0.0))
        before = model.firms.capability.copy()
        model.step()
        learned[bonus] = model.firms.capability[: before.size] - before
        alone.append(model.firms.alive[: before.size] & (model.firms.alliance[: before.size] < 0))
    alone = alone[0] & alone[1]  # firms alone in both runs get more from the public leak
    assert alone.sum() > 50
    assert learned[0.3][alone].sum() > learned[0.0][alone].sum()
