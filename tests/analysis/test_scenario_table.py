"""sim.analysis.scenario_table: what each scenario does, as the report's table says it."""

from sim.analysis import scenario_table


def test_a_lever_setting_declared_uncertain_is_shown_as_its_range_not_one_worlds_value():
    scenario = {
        "name": "mega_alliance",
        "mega_alliance": {"member_value": 0.198191, "mission": 0.3, "invite_per_domain": 2},
    }
    varied = {"scenario.mega_alliance.member_value": (0.1, 1.0)}
    (row,) = scenario_table.levers(scenario, varied)
    assert "member value 0.1 to 1 across worlds" in row[1]
    assert "0.198191" not in row[1]
    assert "mission 0.3" in row[1] and "invite per domain 2" in row[1]
    (plain,) = scenario_table.levers(scenario)
    assert "member value 0.198191" in plain[1]


def test_the_default_sets_ranges_are_read():
    ranges = scenario_table.varied_ranges("default")
    assert ranges["scenario.mega_alliance.member_value"] == (0.1, 1.0)
    assert scenario_table.varied_ranges("no_such_set") == {}
