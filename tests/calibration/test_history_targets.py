"""sim/calibration/history/targets.py and spec.py: targets read from the facts file."""

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scenarios.worlds.korea_2024 import load_facts
from sim.calibration import history as hm


def targets(scale=1.0, spec=None, facts=None):
    return hm.build_targets(spec or hm.load_spec(), facts or load_facts(), scale, 2024)


def sizes_of(t, alliance, date):
    return [s for s in t.sizes if s.alliance == alliance and s.date == date]


def test_k_ai_targets_are_its_dated_counts_with_the_leader():
    (july,) = sizes_of(targets(), "K-AI Alliance", "2024-07")
    assert (july.step, july.reported, july.tolerance) == (2, 19.0, 0.15)  # 18 partners + SKT
    (february,) = sizes_of(targets(), "K-AI Alliance", "2025-02")
    assert (february.step, february.reported) == (4, 27.0)  # 26 members + SKT
    assert february.tolerance == 0.2  # from the spec, not the default
    assert not july.held_out and not february.held_out


def test_a_year_alone_spans_its_four_quarters():
    kolon = sizes_of(targets(), "Kolon Benit AI Alliance", "2024")  # "60-odd" in 2024
    assert [s.step for s in kolon] == [1, 2, 3]  # its quarters after its founding (2024-06)


def test_scale_multiplies_the_target_not_the_reported_count():
    (kolon,) = sizes_of(targets(scale=0.5), "Kolon Benit AI Alliance", "2024-08")
    assert (kolon.step, kolon.reported, kolon.value) == (2, 53.0, 26.5)


def test_points_before_the_start_or_founding_are_not_targets():
    t = targets()
    assert not sizes_of(t, "AI Alliance", "2023-12")  # before step 0
    assert not [s for s in t.sizes if s.alliance.startswith("China")]  # all before 2024
    kolon = sizes_of(t, "Kolon Benit AI Alliance", "2024")
    assert [s.step for s in kolon] == [1, 2, 3]  # founded 2024-06, not at step 0
    assert min(s.step for s in t.leaders if s.alliance == "OpenAI Stargate") == 4


def test_held_out_points_are_flagged_and_out_of_the_in_sample_set():
    t = targets()
    held = {(s.alliance, s.date, s.step) for s in t.held_out}
    assert held == {
        ("AI-RAN Alliance", "2024-02", 0),
        ("AI-RAN Alliance", "2025-03", 4),
        ("Kolon Benit AI Alliance", "2025-10", 7),
    }
    assert not any(s.held_out for s in t.in_sample)
    assert t.steps == 7  # 2025-10 is 2025 Q4


def test_hold_until_carries_a_last_report_forward():
    ax = sizes_of(targets(), "AX Alliance", "2024-07")
    assert [s.step for s in ax] == [2, 3, 4, 5, 6, 7]


def test_leaders_and_regimes_follow_the_facts_file():
    t = targets()
    k_ai = {s.step: s.value for s in t.regimes if s.alliance == "K-AI Alliance"}
    assert k_ai[0] == k_ai[1] == "closed" and all(k_ai[s] == "open" for s in range(2, 8))
    leaders = {s.alliance: s.value for s in t.leaders}
    assert leaders["K-AI Alliance"] == "SK Telecom"
    assert leaders["AI-RAN Alliance"] == "SoftBank Corp"
    assert set(leaders) == set(t.alliances)


def test_a_changed_fact_changes_the_target():
    facts = copy.deepcopy(load_facts())
    ax = next(a for a in facts["alliances"] if a["name"] == "AX Alliance")
    ax["history"][0]["members"] = 9
    assert {s.reported for s in sizes_of(targets(facts=facts), "AX Alliance", "2024-07")} == {9.0}


def test_a_spec_naming_a_point_the_facts_lack_is_refused():
    spec = hm.load_spec()
    spec.held_out.append(("AX Alliance", "2031-01"))
    with pytest.raises(ValueError, match="not a history point"):
        targets(spec=spec)


def test_spec_refuses_bad_values(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "parameters: [{path: model.choice.fee_closed, low: 0.5, high: 0.1}]\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="low < high"):
        hm.load_spec(path)
    path.write_text(
        "seeds: 0\nparameters: [{path: model.choice.fee_closed, low: 0, high: 1}]\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="seeds=0"):
        hm.load_spec(path)
    with pytest.raises(ValueError, match="not a file"):
        hm.load_spec(tmp_path / "missing.yaml")


@given(
    year=st.integers(2024, 2030),
    month=st.integers(1, 12),
    hold=st.integers(0, 12),
)
def test_point_steps_cover_the_date_and_the_hold(year, month, hold):
    own = hm.point_steps(f"{year}-{month:02d}", "", 2024)
    assert len(own) == 1 and own[0] == (year - 2024) * 4 + (month - 1) // 3
    whole = hm.point_steps(str(year), "", 2024)
    assert len(whole) == 4 and own[0] in whole
    end_year, end_month = divmod(month - 1 + 3 * hold, 12)
    held = hm.point_steps(f"{year}-{month:02d}", f"{year + end_year}-{end_month + 1:02d}", 2024)
    assert held[0] == own[0] and len(held) == hold + 1
