"""The report's "Robust answers" section: words, numbers and colours, and a small real sweep."""

from __future__ import annotations

import html
import re
import shutil

import pandas as pd
import pytest
from hydra import compose, initialize_config_dir

from sim.analysis import report, robust, robust_report, words
from sim.config.compose import CONFIG_DIR
from sim.config.schema import TargetConfig, register_configs
from sim.config.uncertainty import load_uncertainty
from tests.analysis.conftest import alliancesim

WORLDS = 40
FAILS_BELOW = 6  # "helps" fails in worlds 0..5, where p1 is lowest


def final_rows() -> pd.DataFrame:
    """Last-quarter rows: baseline, helps (fails where p1 is low), idle (no effect), hurts."""
    rows = []
    for w in range(WORLDS):
        p1, p2 = w / (WORLDS - 1), ((w * 7) % WORLDS) / (WORLDS - 1)
        for seed in range(2):
            base = {o: 0.5 for o in robust.ROBUST_OUTCOMES} | {"spend_total": 0.0}
            base["tech_gap_years"] = 1.0 + 0.1 * seed
            change = 0.05 if w < FAILS_BELOW else -0.4
            for label, gap, spend in (
                ("baseline", 0.0, 0.0),
                ("helps", change, 3.0),
                ("idle", 0.0, 0.0),
                ("hurts", 0.2, 8.0),
            ):
                row = dict(base, label=label, sample=w, seed=0, replicate=seed, p1=p1, p2=p2)
                row["tech_gap_years"] += gap
                row["spend_total"] = spend
                rows.append(row)
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def answers() -> robust_report.RobustAnswers:
    targets = [
        TargetConfig("tech_gap_years", "effect", at_most=-0.3),
        TargetConfig("spend_total", "level", at_most=5.0),
    ]
    return robust_report.robust_answers(final_rows(), "baseline", ["p1", "p2"], targets, "default")


def test_one_sentence_per_scenario_with_its_robustness(answers):
    helps = robust_report.sentence(answers, "helps")
    assert helps.startswith(
        f"helps: in {WORLDS - FAILS_BELOW} of {WORLDS} plausible worlds the technology gap to "
        "the frontier is lower than under baseline (median: \u22120.40 years; 90 % of worlds: "
        "\u22120.40 to +0.05 years)"
    )
    assert "it is not where p1 is below" in helps
    assert "coverage 100 %, density 100 %" in helps
    assert robust_report.sentence(answers, "idle") == (
        f"idle has no effect on the technology gap to the frontier in any of {WORLDS} worlds."
    )
    assert f"in none of {WORLDS} plausible worlds" in robust_report.sentence(answers, "hurts")


def test_ranking_puts_the_best_median_first(answers):
    ranked = robust_report.ranking(answers)
    assert list(ranked["scenario"]) == ["helps", "idle", "hurts"]
    assert list(ranked["all_targets_met"]) == [WORLDS - FAILS_BELOW, 0, 0]


def test_the_html_section_reads_for_people(answers):
    page = html.unescape(robust_report.section_html(answers))
    assert page.startswith("<section id='robust'><h2>Robust answers</h2>")
    assert "<pre" not in page and "**" not in page and "`" not in page  # no Markdown
    assert not re.search(r"\d[eE][+-]?\d", page)  # no scientific notation
    assert "no effect" in page and "+0 " not in page
    assert "at least 0.3 years below the baseline's" in page
    assert "at most USD 5 bn" in page
    helps_row = re.search(r"<tr><td[^>]*>1</td><td[^>]*>helps</td><td[^>]*? style='([^']*)'", page)
    assert helps_row and robust_report.BETTER_COLOUR in helps_row.group(1)
    hurts_row = re.search(r"<tr><td[^>]*>3</td><td[^>]*>hurts</td><td[^>]*? style='([^']*)'", page)
    assert hurts_row and robust_report.WORSE_COLOUR in hurts_row.group(1)
    assert robust_report.BETTER_COLOUR not in hurts_row.group(1)
    assert "p1 is below" in page.split("Every key outcome")[1]  # PRIM's region in the table
    assert "better in no world" in page  # hurts and idle on the gap
    assert "%" not in robust_report.amount(0.01, "collusion_risk", signed=False, gap=True)


def test_numbers_are_worded_without_scientific_notation():
    assert robust_report.plain(0.000123) == "0.00012"  # parameter values
    assert robust_report.plain(-1182.4) == "\u22121,182"
    assert robust_report.amount(0.012, "domestic_market_share") == "+1.2 pp"
    assert robust_report.amount(0.25, "collusion_risk", signed=False) == "25 %"
    assert robust_report.amount(5, "spend_total", signed=False) == "USD 5 bn"
    assert robust_report.effect_text(0.0, "tech_gap_years") == "no effect"
    assert robust_report.effect_text(-0.000027, "tech_gap_years") == "no effect"
    assert robust_report.effect_text(0.038, "tech_gap_years") == "+0.04 years"
    assert robust_report.band_text(-0.000027, 0.2, "tech_gap_years") == "0 to +0.20 years"
    assert robust_report.effect_text(-6.6e-9, "domestic_market_share") == "no effect"
    assert robust_report.amount(1.2, "tech_gap_years", False, gap=True) == "1.20 years"


def test_the_lead_figure_follows_the_ranking_table(answers):
    fig = robust_report.lead_figure(answers)
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks == list(robust_report.ranking(answers)["scenario"])  # sorted as the table
    page = robust_report.section_html(answers, "<img alt='lead'>")
    ranked = page.index("<h3>Scenarios ranked")
    assert ranked < page.index("<img alt='lead'>") < page.index("Every key outcome")
    assert len(robust_report.outcomes_figure(answers).axes) >= len(robust.ROBUST_OUTCOMES)
    named = words.parameter_words("model.rnd.relatedness.scale")  # its declared label
    assert named == "the relatedness of domains (multiplier)"


def test_the_csv_tables_carry_the_failure_region(answers):
    table = robust_report.csv_table(answers)
    lead = table[(table["scenario"] == "helps") & (table["outcome"] == "tech_gap_years")]
    assert lead["failure_region"].iloc[0].startswith("p1 is below")
    assert lead["failure_coverage"].iloc[0] == pytest.approx(1.0)
    assert set(answers.world_table["world"]) == set(range(WORLDS))


def test_the_preset_composes_and_its_worlds_are_the_declared_uncertainty():
    register_configs()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        cfg = compose("config", overrides=["sweep=policy_comparison"])
        quick = compose("config", overrides=["sweep=policy_comparison_quick"])
    assert cfg.analysis.method == "latin" and cfg.analysis.source == "uncertainty"
    assert dict(cfg.analysis.params) == {}  # no second list of parameters
    assert (cfg.analysis.n, cfg.replicates) == (32, 4)
    assert quick.analysis.source == "uncertainty"
    from sim.config.compose import to_run_config
    from sim.config.design import design_size, sample_values

    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        node = compose("config", overrides=["sweep=policy_comparison", "sample=3"])
    run = to_run_config(node)
    assert design_size(run.analysis) == 32
    declared = load_uncertainty("default")
    assert list(sample_values(run)) == declared.paths  # the design's parameters: the group's
    assert run.world.n_startups == sample_values(run)["world.n_startups"]


@pytest.mark.slow  # 17-39 s measured on 2 shared cores (2 scenarios, 2 worlds, 2 seeds, 3 qtrs)
def test_a_small_robust_sweep_reports_robust_answers_first(tmp_path, monkeypatch, capfd):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.argv", ["alliancesim"])
    argv = ["sweep=policy_comparison_quick", "hydra.sweep.dir=r", "steps=3"]
    assert alliancesim(argv) == 0
    log = capfd.readouterr().out  # each job's line names its world
    assert "run 1/4 baseline world 0: done in" in log and "run 4/4 mega_alliance world 1:" in log
    final = pd.concat(pd.read_parquet(p) for p in (tmp_path / "r").glob("*/final.parquet"))
    declared = load_uncertainty("default").paths
    assert set(declared) <= set(final.columns)  # each world stored with its values
    worlds = final.groupby("scenario")["sample"].apply(lambda s: sorted(set(s)))
    assert worlds["baseline"] == worlds["mega_alliance"] == [0, 1]
    assert report.main(["r"]) == 0
    page = (tmp_path / "r" / "report.html").read_text()
    assert page.index("Robust answers") < page.index("<h2>Summary</h2>")
    figures = {p.stem for p in (tmp_path / "r" / "figures").glob("*.png")}
    assert {"robust_gap", "outcomes_over_time", "final_distributions"} <= figures
    assert "network" not in figures
    assert page.index("Scenarios ranked") < page.index("alt='Effects across worlds'")
    assert page.index("alt='Effects across worlds'") < page.index("Every key outcome")
    assert "<h2>What each scenario does</h2>" in page and "What is calibrated" in page
    assert "Final outcomes across worlds" in page and "90 % of worlds (band)" in page
    assert "<pre" not in page and "```" not in page
    text = html.unescape(re.sub(r"src='data:[^']*'", "", page))
    assert not re.search(r"\d[eE][+-]?\d", text)  # no scientific notation anywhere
    assert "<section id='robust'>" in page.split("<h2>", 2)[0] + page.split("<h2>", 2)[1]
    assert (tmp_path / "r" / "robust.csv").exists()
    assert "structural assumptions" not in page  # only with --alternative
    assert report.main(["r", "--alternative", "again=r"]) == 0  # the sweep as its own
    page = (tmp_path / "r" / "report.html").read_text()
    assert "Do the answers hold under other structural assumptions?" in page
    assert "<b>again</b>: <code>(no config difference found)</code>" in page
    table = pd.read_csv(tmp_path / "r" / "alternatives.csv")
    assert list(table["assumption"]) == ["as run", "again"]
    assert table["shift_median"].iloc[1] == 0.0  # the same runs: nothing moved
    assert "alternatives" in {p.stem for p in (tmp_path / "r" / "figures").glob("*.png")}
    # a sweep of another design (other worlds) is no alternative: refused, report kept
    assert alliancesim([*argv[:1], "hydra.sweep.dir=r2", "steps=3", "analysis.seed=1"]) == 0
    before = (tmp_path / "r" / "report.html").read_text()
    capfd.readouterr()  # what the sweeps said
    assert report.main(["r", "--alternative", "other worlds=r2"]) == 2
    err = capfd.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not the main sweep's design" in err[0], err
    assert (tmp_path / "r" / "report.html").read_text() == before
    shutil.rmtree(tmp_path / "r")
