"""korea_2024 as it was before its frontiers were held by firms (adopted 2026-12-03).

Tests that pin the numbers of an earlier commit ("switched off, the model gives the numbers
from before the switch") rebuild that commit's world: the frontier an exogenous trend
(``model.growth.frontier_held_by_firm=false``), domestic capabilities at that trend's scale
(1.26), the facts without the two named leaders added with the switch (Scale AI and
FANUC, docs/model.md finding 39 item 6), and the start's rates in half-way steps
(``model.growth.adaptive_start=false``, adopted the next day: finding 40), and the
membership values of that day's history fit (``FIT_OF_2026_12_03``; refitted 2026-12-04),
and the fixed distance cost in start-year USD m (``model.choice.distance_at_market_scale``
off, as it is by default again since its withdrawal the same day: finding 45), and 300
foreign startups (1,500 since finding 46; ``FIT_OF_2026_12_04`` is the morning's fit with them),
and no foreign entry with entrants' rates over every unit (both on since finding 47;
``FIT_OF_2026_12_04_EVENING`` is the evening's fit, with 1,500 foreign startups).
And hub-and-spoke coordination off (``NO_HUB``; on for partner programmes since finding 49,
2026-12-05): pins made at the night's fit, whose values are still the defaults, compose
with it alone. And each unit's learning rate solved at rest (``RATES_AT_REST``), the learning
model of every fit here, which tests of the stationary start name too.
Each such pin still compares to 1e-12, so it shows that the adoptions changed nothing else.
"""

from __future__ import annotations

from typing import Any

import pytest

LEADERS = ("Scale AI", "FANUC")  # named foreign leaders of data and robotics
SCALE_BEFORE = 1.26  # world.domestic_capability_scale under the exogenous frontier
# Hub-and-spoke coordination of partner programmes, off until 2026-12-05 (finding 49): every
# fit below was made with it off
NO_HUB = ("model.choice.hub_and_spoke=false",)
# The learning model of every pin here and of the tests of the stationary start: each unit's
# learning rate solved so that it stands still at its start (the default until the owner
# decides on the catch-up transfer: docs/learning_rate.md, "The decision wanted"). Every fit
# below was made with it
RATES_AT_REST = ("model.growth.common_learning_rate=false",)
# The history fit's membership values from 2026-12-03 until the refit of 2026-12-04
# (docs/calibration.md section 9): pins made before the refit compose with these
FIT_OF_2026_12_03 = (
    "model.choice.channel_share=0.0308",
    "model.choice.coord_cost_fixed=0.0501",
    "model.choice.complementarity_uplift=1.3108",
    "model.choice.noise_revenue=0.0892",
    "model.choice.switching_cost_revenue=0.0464",
    "model.choice.distance_cost_fixed=0.2339",
    "model.choice.distance_cost=1.9618",
    "model.choice.regime_switch_cost=10.4569",
    # and the fixed distance cost in start-year USD m (the default again: finding 45)
    "model.choice.distance_at_market_scale=false",
    # and 300 foreign startups (1,500 since the evening of 2026-12-04: finding 46)
    "world.n_foreign_startups=300",
    # and no foreign entry, entrants' rates over every unit (finding 47, that night)
    "model.growth.foreign_entry=false",
    "model.growth.entrant_rates_by_home=false",
    *NO_HUB,
    *RATES_AT_REST,
)
# The history fit's membership values from the morning of 2026-12-04 until the refit with
# 1,500 foreign startups that evening (finding 46), with the world of that day: pins made in
# between compose with these
FIT_OF_2026_12_04 = (
    "model.choice.channel_share=0.0285",
    "model.choice.coord_cost_fixed=0.0459",
    "model.choice.complementarity_uplift=0.8103",
    "model.choice.noise_revenue=0.037",
    "model.choice.switching_cost_revenue=0.0565",
    "model.choice.distance_cost_fixed=0.2933",
    "model.choice.distance_cost=2.7804",
    "model.choice.regime_switch_cost=9.9409",
    "world.n_foreign_startups=300",
    "model.growth.foreign_entry=false",
    "model.growth.entrant_rates_by_home=false",
    *NO_HUB,
    *RATES_AT_REST,
)
# The history fit's membership values from the evening of 2026-12-04 (1,500 foreign startups,
# finding 46) until the refit that night with foreign entry and entrants' rates by home,
# adopting the accepted medians (finding 47): pins made in between compose with these
FIT_OF_2026_12_04_EVENING = (
    "model.choice.channel_share=0.1135",
    "model.choice.coord_cost_fixed=0.0402",
    "model.choice.complementarity_uplift=0.9977",
    "model.choice.noise_revenue=0.0251",
    "model.choice.switching_cost_revenue=0.0384",
    "model.choice.distance_cost_fixed=0.3817",
    "model.choice.distance_cost=2.3063",
    "model.choice.regime_switch_cost=4.2353",
    "model.growth.foreign_entry=false",
    "model.growth.entrant_rates_by_home=false",
    *NO_HUB,
    *RATES_AT_REST,
)


def before_leaders(monkeypatch: pytest.MonkeyPatch) -> tuple[str, ...]:
    """Make korea_2024's facts those before the leaders were named (for this test only) and
    return the overrides of that day's frontier and scale, to compose with."""
    from scenarios.worlds import korea_2024

    original = korea_2024.load_facts

    def load_facts(name: str = "korea_2024.yaml") -> dict[str, Any]:
        facts = original(name)
        firms = [firm for firm in facts["firms"] if firm["name"] not in LEADERS]
        return {**facts, "firms": firms}

    monkeypatch.setattr(korea_2024, "load_facts", load_facts)
    return (
        "model.growth.frontier_held_by_firm=false",
        f"world.domestic_capability_scale={SCALE_BEFORE}",
        "model.growth.adaptive_start=false",  # half-way steps at the start (until 2026-12-04)
        *FIT_OF_2026_12_03,
    )
