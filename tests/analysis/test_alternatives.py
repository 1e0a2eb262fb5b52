"""sim.analysis.alternatives: answers under other structural assumptions, on constructed
sweeps with known effects and known shifts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis import alternatives as alt
from sim.analysis import alternatives_report, report
from sim.runs.store import ResultsError

WORLDS = 10


LABELS = ("baseline", "mega_alliance", "public_compute")


def sweep(effects: dict[str, np.ndarray], seeds: int, noise_seed: int = 0) -> pd.DataFrame:
    """Last-quarter rows: each scenario's gap = 1 + its own seed noise + its effect.

    Every label has its own noise per (world, seed), and the noise of a label, world and seed
    is the same in every sweep built with the same ``noise_seed`` (common random numbers):
    a shift is then exactly the change of effect, and only runs paired on the same world,
    seed and replicate show it.
    """
    noise = np.random.default_rng(noise_seed).normal(0, 0.005, (len(LABELS), WORLDS, 4))
    rows = []
    for label, effect in {"baseline": np.zeros(WORLDS), **effects}.items():
        for w in range(WORLDS):
            for s in range(seeds):
                rows.append(
                    {
                        "label": label,
                        "sample": w,
                        "seed": 0,
                        "replicate": s,
                        "tech_gap_years": 1.0 + noise[LABELS.index(label), w, s] + effect[w],
                    }
                )
    return pd.DataFrame(rows)


MAIN = sweep({"mega_alliance": np.full(WORLDS, -0.4), "public_compute": np.full(WORLDS, -0.2)}, 4)
# the alternative on one seed: mega_alliance's effect halves; public_compute reverses in 7
# worlds of 10 (+0.1) and stays -0.2 in 3
ALT = sweep(
    {
        "mega_alliance": np.full(WORLDS, -0.2),
        "public_compute": np.where(np.arange(WORLDS) < 7, 0.1, -0.2),
    },
    1,
)


def test_a_shift_is_the_change_of_effect_on_the_seeds_both_ran():
    moved = alt.shift(MAIN, ALT, "mega_alliance")
    assert moved is not None
    assert moved.worlds == WORLDS and moved.pairs == WORLDS  # one common seed per world
    assert moved.median == pytest.approx(0.2) and moved.low == pytest.approx(0.2)
    assert moved.high == pytest.approx(0.2)  # exactly: paired on world, seed and replicate
    assert moved.towards_worse == WORLDS and moved.towards_better == 0  # the gap cut shrinks


def test_no_shift_without_common_runs():
    other = ALT.assign(seed=7)
    assert alt.shift(MAIN, other, "mega_alliance") is None


def test_holdings_give_each_scenario_as_run_then_under_each_alternative():
    rows = alt.holdings(MAIN, {"half": ALT}, ["mega_alliance", "public_compute", "absent"])
    assert [(r.scenario, r.assumption) for r in rows] == [
        ("mega_alliance", alt.AS_RUN),
        ("mega_alliance", "half"),
        ("public_compute", alt.AS_RUN),
        ("public_compute", "half"),
    ]
    as_run, half = rows[0], rows[1]
    assert as_run.seeds == 4 and half.seeds == 1
    assert as_run.shift is None and half.shift is not None
    assert as_run.answer.robust and half.answer.robust  # -0.2 in every world is still robust
    assert half.answer.median == pytest.approx(-0.2, abs=0.01)


def test_the_verdict_says_when_an_answer_depends_on_the_assumption():
    rows = alt.holdings(MAIN, {"half": ALT}, ["mega_alliance", "public_compute"])
    mega = alt.verdict([r for r in rows if r.scenario == "mega_alliance"])
    compute = alt.verdict([r for r in rows if r.scenario == "public_compute"])
    assert mega == "`mega_alliance`: robust as run and under the alternative."
    assert compute == (
        "`public_compute`: the median effect is better under as run; worse under 'half': the "
        "answer depends on the assumption."
    )


def test_a_better_median_that_is_not_robust_is_named():
    weak = sweep({"public_compute": np.where(np.arange(WORLDS) < 2, 0.1, -0.2)}, 1)
    rows = alt.holdings(MAIN, {"weak": weak}, ["public_compute"])
    said = alt.verdict(rows)
    assert "better side as run and under the alternative" in said
    assert "robust under as run" in said and "not robust under 'weak'" in said


def test_the_table_has_a_row_per_scenario_and_assumption_with_the_shift():
    rows = alt.holdings(MAIN, {"half": ALT}, ["mega_alliance"])
    text = alt.table(rows)
    lines = text.splitlines()
    assert len(lines) == 2 + 2
    assert "| mega_alliance | as run | 4 | −0.40 years |" in lines[2]
    assert lines[2].endswith("| yes |  |  |  |")
    assert "| mega_alliance | half | 1 | −0.20 years |" in lines[3]
    assert "+0.20 years" in lines[3] and "0 / 10 of 10" in lines[3]


def test_overrides_name_what_an_alternative_changes_and_nothing_else():
    main = {
        "model": {"growth": {"foreign_entry": True, "margin": 0.1}, "rnd": {"beta": 0.3}},
        "world": {"n_foreign_startups": 1500},
        "replicates": 4,
        "sample": 3,
        "analysis": {"n": 32},
        "scenario": {"name": "baseline"},
    }
    other = {
        "model": {"growth": {"foreign_entry": False, "margin": 0.1}, "rnd": {"beta": 0.3}},
        "world": {"n_foreign_startups": 12000},
        "replicates": 1,
        "sample": 3,
        "analysis": {"n": 16},
        "scenario": {"name": "baseline"},
    }
    assert alt.overrides(main, other) == [
        "model.growth.foreign_entry=false",
        "world.n_foreign_startups=12000",
    ]
    assert alt.overrides(main, main) == []


def test_overrides_leave_out_keys_neither_run_s_economics_reads():
    """A version-1 default changed between two version-2 sweeps is no assumption of either
    (closed_selectivity 0.828 -> 0.8284 on 2026-12-06); between version-1 runs it is one."""
    main = {"model": {"economics": "v2", "choice": {"closed_selectivity": 0.828, "x": 1}}}
    other = {"model": {"economics": "v2", "choice": {"closed_selectivity": 0.8284, "x": 2}}}
    assert alt.overrides(main, other) == ["model.choice.x=2"]
    main["model"]["economics"] = other["model"]["economics"] = "v1"
    assert alt.overrides(main, other) == [
        "model.choice.closed_selectivity=0.8284",
        "model.choice.x=2",
    ]


def test_the_section_lists_the_assumptions_verdicts_and_table():
    rows = alt.holdings(MAIN, {"half": ALT}, ["mega_alliance", "public_compute"])
    text = alt.section(rows, {"half": ["model.x=1"]})
    assert "- **half**: `model.x=1`" in text
    assert text.count("- `") == 2  # one verdict per scenario
    assert "| public_compute | half |" in text
    assert alt.section([], {}) == "No scenario was run under another assumption.\n"


def test_alternative_entries_are_label_equals_folder_each_label_once():
    parsed = alternatives_report.parse(["no entry=results/a", "big=b=c"])
    assert {k: str(v) for k, v in parsed.items()} == {"no entry": "results/a", "big": "b=c"}
    for bad in (["nothing"], ["=folder"], ["label="], ["a=x", "a=y"]):
        with pytest.raises(ResultsError, match="is not LABEL=FOLDER"):
            alternatives_report.parse(bad)


def test_the_report_refuses_a_bad_alternative_in_one_line(tmp_path, capsys):
    assert report.main([str(tmp_path), "--alternative", "no-folder"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("alliancesim-report: error: --alternative=")
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_an_alternative_that_is_not_a_robust_sweep_is_refused(tmp_path):
    with pytest.raises(ResultsError):
        alternatives_report.sweep_final(tmp_path / "nowhere")


def test_the_report_lists_scenarios_best_first_as_run():
    main = sweep(
        {"public_compute": np.full(WORLDS, -0.2), "mega_alliance": np.full(WORLDS, -0.4)}, 4
    )
    given = alternatives_report.Alternatives({"half": ALT}, {"half": []})
    rows = alternatives_report.rows_for(main, given)
    assert [(r.scenario, r.assumption) for r in rows] == [
        ("mega_alliance", alt.AS_RUN),
        ("mega_alliance", "half"),
        ("public_compute", alt.AS_RUN),
        ("public_compute", "half"),
    ]


def test_sweeps_of_another_design_are_told_apart_by_their_worlds():
    """World w of another design (analysis.n or seed) holds other values: no pairing."""
    main = MAIN.assign(**{"model.x": MAIN["sample"] / 10.0})
    same = ALT.assign(**{"model.x": ALT["sample"] / 10.0})
    other = ALT.assign(**{"model.x": (ALT["sample"] + 1) / 10.0})
    assert alt.differing_worlds(main, same, ["model.x", "model.absent"]) == []
    assert alt.differing_worlds(main, other, ["model.x"]) == ["model.x (world 0: 0 != 0.1)"]


def test_a_shift_pairs_run_by_run_even_when_a_scenario_lost_a_replicate():
    """The alternative ran the baseline on replicates 0 and 1, the scenario on 0 only: only
    replicate 0 is compared, so an unchanged effect shows no shift."""
    main = sweep({"mega_alliance": np.full(WORLDS, -0.4)}, 2)
    other = main[(main["label"] == "baseline") | (main["replicate"] == 0)]
    moved = alt.shift(main, other, "mega_alliance")
    assert moved is not None and moved.pairs == WORLDS
    assert moved.median == 0.0 and moved.towards_better == moved.towards_worse == 0


def test_a_median_of_no_effect_is_not_called_the_better_side():
    idle = sweep({"public_compute": np.zeros(WORLDS)}, 1)
    rows = alt.holdings(MAIN, {"idle": idle}, ["public_compute"])
    said = alt.verdict(rows, ["idle", "never ran it"])
    assert "better under as run; no effect under 'idle': the answer depends" in said
    assert said.endswith("Not run under 'never ran it'.")


def test_another_design_is_named_and_labels_are_not_a_difference():
    main = {
        "steps": 40,
        "seed": 0,
        "analysis": {"n": 32, "seed": 0},
        "uncertainty": {"parameters": [{"path": "a", "low": 0, "high": 1, "label": "A"}]},
    }
    reworded = {**main, "uncertainty": {"parameters": [{"path": "a", "low": 0, "high": 1}]}}
    assert alt.design_differences(main, reworded) == []
    shorter = {**main, "steps": 2, "analysis": {"n": 16, "seed": 0}}
    assert alt.design_differences(main, shorter) == ["analysis.n: 32 != 16", "steps: 40 != 2"]


def test_a_range_whose_source_was_reworded_is_the_same_design_but_not_a_moved_range():
    def design(source, high=1):
        parameter = {"path": "a", "low": 0, "high": high, "source": source}
        return {"steps": 40, "seed": 0, "uncertainty": {"parameters": [parameter]}}

    assert alt.design_differences(design("guess"), design("a sourced guess")) == []
    moved = alt.design_differences(design("guess"), design("guess", high=2))
    assert moved == [
        "uncertainty.parameters: [{'path': 'a', 'low': 0, 'high': 1}] != "
        "[{'path': 'a', 'low': 0, 'high': 2}]"
    ]


def test_lever_settings_are_assumptions_but_the_scenarios_words_are_not():
    main = {"scenario": {"name": "x", "description": "a", "subsidy": {"budget": 250.0}}}
    other = {"scenario": {"name": "x", "description": "b", "subsidy": {"budget": 100.0}}}
    assert alt.overrides(main, other) == ["scenario.subsidy.budget=100"]
    assert alt.overrides({"steps_per_year": 4}, {"steps_per_year": 12}) == ["steps_per_year=12"]


def test_an_answer_on_the_worse_side_everywhere_holds_and_is_said_so():
    worse = sweep({"public_compute": np.full(WORLDS, 0.3)}, 4)
    other = sweep({"public_compute": np.full(WORLDS, 0.2)}, 1)
    said = alt.verdict(alt.holdings(worse, {"b": other}, ["public_compute"]), ["b", "c", "d", "e"])
    assert said == (
        "`public_compute`: the median effect is on the worse side as run and under the "
        "alternative. Not run under 3 of the alternatives."
    )


@pytest.mark.parametrize("assumptions", [3, 16])
def test_each_assumption_has_its_own_colour_in_the_figure(assumptions):
    """The answers page's alternatives figure: 16 assumptions drew with ten colours (two
    assumptions sharing one) until 2026-12-06; up to twenty each has its own."""
    import matplotlib

    matplotlib.use("Agg")
    base = alt.holdings(MAIN, {"half": ALT}, ["mega_alliance"])[1]
    rows = [
        alt.Holding(base.scenario, f"assumption {i}", base.answer, 1, base.shift)
        for i in range(assumptions)
    ]
    fig = alternatives_report.figure(rows)
    horizontal = [line for line in fig.axes[0].lines if len(line.get_xdata()) == 2]
    bars = [line for line in horizontal if line.get_xdata()[0] != line.get_xdata()[1]]
    colours = {tuple(matplotlib.colors.to_rgba(line.get_color())) for line in bars}
    assert len(bars) == assumptions and len(colours) == assumptions
