"""The run summary (sim/dashboard/summary.py): the run, its levers in force, the outcomes."""

from __future__ import annotations

from sim.dashboard.model import DashboardModel
from sim.dashboard.summary import lever_lines, summary_html

SMALL = {"world": "synthetic", "quarters": 6}


def test_the_summary_describes_the_run():
    model = DashboardModel(
        scenario="subsidy_infrastructure", clarity=0.7, subsidy_focus="applications", **SMALL
    )
    model.run(2)
    html = summary_html(model)
    assert "scenario</b> subsidy_infrastructure" in html
    assert "Quarter 2 of 6 · 2024Q3" in html and "the run covers 2024Q1 to 2025Q3" in html
    assert "Step" not in html and "year 0.50" not in html
    assert "Antitrust clarity: 0.70" in html
    assert "USD 250 m a quarter" in html and "robotics" in html
    assert "National alliance: none" in html


def test_the_lever_lines_name_the_levers_the_model_actually_uses():
    lines = lever_lines(DashboardModel(scenario="mega_alliance", refusal_cost=2.0, **SMALL))
    assert lines[0] == (
        "National alliance: open, from quarter 4 (2025Q1), USD 0.50 m a quarter to each "
        "domestic member, USD 2.00 m a quarter from each invited firm that stays out"
    )
    assert lines[1].startswith("Antitrust clarity: ") and "status quo, no guidance" in lines[1]
    assert lines[2:] == ["Subsidy: none", "Other levers of the scenario: none"]


def test_a_subsidy_focus_without_a_subsidy_says_it_changes_nothing():
    """A newcomer set the focus on the baseline and saw 'Subsidy: none' with no word on why
    (2026-12-06): the line now says the focus needs a subsidy."""
    chosen = lever_lines(DashboardModel(subsidy_focus="infrastructure", **SMALL))
    assert "Subsidy: none (the focus 'infrastructure' applies to a subsidy)" in chosen
    assert "Subsidy: none" in lever_lines(DashboardModel(**SMALL))
