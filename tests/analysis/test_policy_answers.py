"""docs/make_policy_answers.py: the policy answers across worlds, on constructed results with
known answers, and (slow) end to end on the quick robust sweep."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.analysis.conftest import alliancesim, docs_script

WORLDS, SEEDS = 8, 2
P1, P2 = "model.rnd.beta_public", "world.n_startups"


pa = docs_script("make_policy_answers")


def constructed() -> pd.DataFrame:
    """Last-quarter rows with known effects against the baseline, the same seeds everywhere.

    P1 of world w is (w + 0.5) / 8. mega_alliance lowers the gap by 0.5 years where P1 is
    above 0.25 (worlds 2-7) and raises it by 0.2 elsewhere; open_data lowers it by 0.3
    everywhere and raises R&D; antitrust_guidance changes nothing; public_compute raises the
    gap by 0.1 everywhere; the subsidies spend known extra money; sovereign_tournament is
    not in the sweep; subsidy_fad_equal is a scenario no question asks about.
    """
    rng = np.random.default_rng(0)
    noise = rng.normal(0, 0.05, (WORLDS, SEEDS))  # each seed's own draw, shared by scenarios
    n_startups = rng.uniform(500, 2000, WORLDS)
    better_mega = [(w + 0.5) / WORLDS > 0.25 for w in range(WORLDS)]
    shifts = {  # scenario: (gap per world, spend USD bn, R&D USD bn)
        "baseline": (np.zeros(WORLDS), 0.0, 0.0),
        "mega_alliance": (np.where(better_mega, -0.5, 0.2), 3.0, 1.0),
        "antitrust_guidance": (np.zeros(WORLDS), 0.0, 0.0),
        "subsidy_infrastructure": (np.full(WORLDS, -0.5), 10.0, 5.0),
        "subsidy_applications": (np.full(WORLDS, -0.4), 10.0, 5.0),
        "subsidy_fad": (np.full(WORLDS, -0.1), 3.0, 1.0),
        "subsidy_fad_equal": (np.full(WORLDS, -0.2), 10.0, 2.0),
        "public_compute": (np.full(WORLDS, 0.1), 0.5, 0.0),
        "open_data": (np.full(WORLDS, -0.3), 0.8, 2.0),
        "national_strategy": (np.full(WORLDS, -0.6), 4.0, -1.0),
    }
    rows = []
    for label, (gap, spend, rnd) in shifts.items():
        for w in range(WORLDS):
            for s in range(SEEDS):
                rows.append(
                    {
                        "label": label,
                        "run": f"{label}_{w}",
                        "sample": w,
                        "seed": s,
                        "replicate": s,
                        "step": 40,
                        P1: (w + 0.5) / WORLDS,
                        P2: n_startups[w],
                        "tech_gap_years": 1.0 + noise[w, s] + gap[w],
                        "tech_gap_years_mean": 1.1 + noise[w, s] + 0.5 * gap[w],
                        "startups_alive": 1000.0 + (30.0 if label == "mega_alliance" else 0.0),
                        "domestic_market_share": 0.02,
                        "collusion_risk": 0.0,
                        "collusion_risk_domain": 0.0,
                        "share_alone": 0.5,
                        "spend_total": spend,
                        pa.RND: 10.0 + rnd,
                    }
                )
    return pd.DataFrame(rows)


def meta() -> object:
    """A record as ``load`` would read it."""
    return pa.Meta(
        commits=["abcdef1234"],
        dirty=0,
        runs=WORLDS * 10,
        finished="2026-12-02 13:00 UTC",
        economics=["v2"],
        worlds=WORLDS,
        planned=WORLDS,
        seeds=SEEDS,
        quarters=40,
        job_seconds=600.0,
        sweep_seconds=[],
        uncertainty="default",
        guesses=1,
        descriptions={"mega_alliance": "A mandated national alliance."},
    )


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("answers")
    path = pa.write_answers(constructed(), [P1, P2], meta(), out)
    return out, path.read_text(encoding="utf-8")


def test_a_scenario_better_in_k_of_w_worlds_says_so_with_its_failure_region(written):
    _, text = written
    assert (
        "In 6 of 8 plausible worlds the technology gap to the frontier is lower under "
        "mega_alliance than under baseline (median \u22120.50 years" in text
    )
    mega = next(
        line
        for line in text.splitlines()
        if line.startswith("**Answer") and "mega_alliance" in line
    )
    assert mega.startswith("**Answer (not robust).**")
    assert "it is not where the public spillover rate is below" in mega  # PRIM found P1
    assert "domestic startups alive: better in 8 of 8 (median +30 firms)" in mega


def test_robust_answers_and_the_mechanism_only_where_the_outputs_show_it(written):
    _, text = written
    assert (
        "In all 8 plausible worlds the technology gap to the frontier is lower under open_data"
        in text
    )
    assert "Mechanism (shown by the outputs): open_data raises domestic firms' R&D spending" in text
    # national_strategy closes the gap everywhere while R&D falls: no mechanism claimed
    strategy = text.split("## 8.")[1]
    assert "**Answer (robust).**" in strategy
    assert "Mechanism not shown by the outputs" in strategy
    public = text.split("## 5.")[1].split("## 6.")[0]
    assert "In none of 8 plausible worlds is the technology gap" in public


def test_zero_effects_read_no_effect_and_missing_scenarios_are_named(written):
    _, text = written
    antitrust = text.split("## 2.")[1].split("## 3.")[0]
    assert "collusion risk: no effect in any of 8 worlds" in antitrust
    assert "+0 " not in text and "+0.00" not in text
    assert "Not answered: the sweep has no runs of sovereign_tournament." in text
    assert "## Other scenarios in the sweep" in text and "| subsidy_fad_equal |" in text


def test_the_header_and_the_cost_table_come_from_the_runs(written):
    _, text = written
    assert "**W = 8 plausible worlds x S = 2 seeds**" in text
    flat = " ".join(text.split())
    assert "the 2 uncertain parameters" in flat and "1 of whose ranges are guesses" in flat
    assert "economics version 2." in text and "abcdef1234" in text and "10.0 min" in text
    assert "| subsidy_infrastructure | USD 10.0 bn | +0.05 | +0.05 to +0.05 | 8 of 8 |" in text
    assert not re.search(r"\d[eE][+-]?\d", text)  # no scientific notation


def test_one_readable_figure_per_answered_question(written):
    out, text = written
    pngs = sorted(p.name for p in (out / "figures").glob("policy_*.png"))
    assert len(pngs) == len(pa.QUESTIONS) - 1  # the tournament is not answered
    assert all(f"](figures/{name})" in text for name in pngs)


def test_numbers_follow_the_formatting_rules():
    assert pa.effect_words(0.0123, "domestic_market_share") == "+1.2 pp"
    assert pa.effect_words(0.0004, "domestic_market_share") == "no effect"
    assert pa.effect_words(-0.123456, "tech_gap_years") == "\u22120.12 years"
    assert pa.effect_words(0.004, "tech_gap_years") == "no effect"
    assert pa.band_words(-0.001, 0.2, "tech_gap_years") == "0 to +0.20 years"
    assert pa.band_words(-7.0, -7.0, "spend_total") == "\u2212USD 7.0 bn in every world"
    assert pa.effect_words(2.04, pa.RND) == "+USD 2.0 bn"  # R&D written as spending
    assert pa.number(1234.4, "startups_alive", signed=True) == "+1,234 firms"


def test_a_folder_that_is_not_there_is_a_one_line_error(tmp_path, capsys):
    out = tmp_path / "out"
    assert pa.main(["--results", str(tmp_path / "nowhere"), "--out", str(out)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("make_policy_answers: error: --results=")
    assert not out.exists()  # nothing written


def test_the_one_command_runs_the_main_job_and_records_its_wall_time(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(pa.subprocess, "run", lambda cmd, **kw: calls.append((cmd, kw)))
    pa.run_sweep(tmp_path)
    pa.run_sweep(tmp_path)  # a resumed sweep adds its time
    command, options = calls[0]
    assert command[1:] == ["sweep=policy_comparison", "hydra/launcher=joblib"]
    assert options == {"check": True, "cwd": pa.ROOT}
    times = json.loads((tmp_path / pa.TIMING_FILE).read_text())
    assert len(times) == 2 and all(t["wall_seconds"] >= 0 for t in times)


@pytest.mark.slow  # the quick robust sweep: 17 s measured on 2 shared cores, then ~10 s
def test_end_to_end_on_the_quick_robust_sweep(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.argv", ["alliancesim"])
    assert alliancesim(["sweep=policy_comparison_quick", "hydra.sweep.dir=r"]) == 0
    assert pa.main(["--results", "r", "--out", "out", "--alternative", "again=r"]) == 0
    text = (tmp_path / "out" / "policy_questions.md").read_text(encoding="utf-8")
    assert "- **again**: `(no config difference found)`" in text  # the same sweep again
    assert "| mega_alliance | again | 2 | no effect |" in text
    assert "**W = 2 plausible worlds x S = 2 seeds**" in text
    first = text.split("## 2.")[0]  # 2 quarters: the mandate (from year 2) has not started
    assert "no effect on the technology gap to the frontier in any of 2 worlds" in first
    assert "| mega_alliance | baseline | technology gap to the frontier | no effect |" in first
    assert (tmp_path / "out" / "figures" / "policy_mega_alliance.png").exists()
    assert "Not answered: the sweep has no runs of antitrust_guidance." in text
    shutil.rmtree(tmp_path / "r")


def test_the_answers_count_worlds_as_the_report_does():
    """One rule for "no effect" (robust.judge): the page and the report never disagree."""
    from sim.analysis import robust

    final = constructed()
    final.loc[final["label"] == "public_compute", "tech_gap_years"] += 0.004 - 0.1  # rounds to 0
    for scenario in ("mega_alliance", "public_compute", "open_data"):
        rows = final[final["label"].isin([scenario, "baseline"])]
        report = robust.summarise(robust.world_effects(rows, "baseline", ["tech_gap_years"]))
        mine = pa.compare(final, [P1, P2], scenario, "baseline", "tech_gap_years")
        assert (mine.lower, mine.higher) == (int(report["better"][0]), int(report["worse"][0]))
    assert pa.compare(final, [P1, P2], "public_compute", "baseline", "tech_gap_years").higher == 0


def test_a_gap_censored_at_parity_in_more_than_a_tenth_of_the_runs_is_said(tmp_path):
    final = constructed()
    pair = final[final["label"].isin(["mega_alliance", "baseline"])]  # 32 runs
    assert pa.censored_note(pair, ["mega_alliance", "baseline"]) == ""  # every gap is ~1 year
    at_parity = pair.index[pair["label"] == "baseline"][:4]  # 4 of 32 runs: 12.5 %
    final.loc[at_parity, "tech_gap_years"] = [0.0, 0.01, 0.004, 0.0]
    note = pa.censored_note(final, ["mega_alliance", "baseline"])
    assert note.startswith("Censored at parity: the gap at the last quarter is at or below 0.01")
    assert "in 4 of 32 runs (mega_alliance 0 %, baseline 25 %)" in note
    final.loc[at_parity[0], "tech_gap_years"] = 0.0101  # 3 of 32: 9.4 %, not above 10 %
    assert pa.censored_note(final, ["mega_alliance", "baseline"]) == ""
    final.loc[at_parity[0], "tech_gap_years"] = 0.0
    text = pa.section(1, pa.QUESTIONS[0], final, [P1, P2], meta(), tmp_path)
    assert note in text  # where the gap is answered, generated from the runs


def test_no_censoring_note_where_the_gaps_are_positive(written):
    _, text = written
    assert "Censored at parity" not in text


def test_the_alternatives_section_says_which_answers_hold(tmp_path):
    """An alternative under which mega_alliance's effect reverses in every world and
    open_data's holds: the section names both, with a figure."""
    main = constructed()
    other = main[main["replicate"] == 0].copy()  # one seed, the same worlds
    mega = other["label"] == "mega_alliance"
    other.loc[mega, "tech_gap_years"] += 0.8  # -0.5 / +0.2 becomes +0.3 / +1.0
    given = pa.alternatives_report.Alternatives({"reversed": other}, {"reversed": ["model.x=1"]})
    part = pa.alternatives_section(main, given, tmp_path / "figures")
    assert part.startswith("## Do the answers hold under other structural assumptions?")
    assert "- **reversed**: `model.x=1`" in part
    assert (
        "`mega_alliance`: the median effect is better under as run; worse under 'reversed'" in part
    )
    assert "`open_data`: robust as run and under the alternative." in part
    assert "| mega_alliance | reversed | 1 |" in part
    assert (tmp_path / "figures" / "policy_alternatives.png").stat().st_size > 10_000


def test_without_alternatives_there_is_no_such_section(written):
    _, text = written
    assert "structural assumptions" not in text


@pytest.mark.parametrize("entry", ["no-equals-sign", "=folder", "label=", "x=/no/such/folder"])
def test_a_bad_alternative_is_a_one_line_error(tmp_path, entry):
    with pytest.raises(SystemExit) as stopped:
        pa.load_alternatives(tmp_path, constructed(), [entry])
    message = str(stopped.value)
    assert message.startswith("--alternative=") and "\n" not in message
