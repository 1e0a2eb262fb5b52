"""Answer the seed articles' policy questions with the product's own runs.

Runs (or reuses) the ``policy_comparison`` and ``discovery`` sweeps, computes the paired
effects each question needs, draws one figure per question into ``docs/figures/`` and
writes ``docs/policy_questions.md``. Every number in that file comes from this script's
run; rerun it after changing the model:

    .venv/bin/python docs/make_policy_answers.py
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from sim.analysis.cost_effectiveness import cost_effectiveness
from sim.analysis.cost_effectiveness import sentence as cost_sentence
from sim.analysis.design_report import design_of
from sim.analysis.discovery import describe, discover
from sim.analysis.effects import final_quarter, paired_effects, with_totals
from sim.analysis.report import assign_labels
from sim.analysis.report_files import current_names
from sim.engine.outcomes import BY_NAME
from sim.runs import store as results

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / "docs" / "figures"
BIN = Path(sys.executable).parent


def sweep(preset: str) -> Path:
    """The results folder of a preset, run (or resumed) on both cores."""
    folder = ROOT / "results" / preset
    command = [str(BIN / "alliancesim"), f"sweep={preset}", "hydra/launcher=joblib"]
    subprocess.run([*command, f"hydra.sweep.dir={folder}"], check=True, cwd=ROOT)
    return folder


def finals(folder: Path, design: set[str] = frozenset()) -> pd.DataFrame:
    """Last-quarter rows with labels and cumulative spending."""
    outcomes = with_totals(assign_labels(current_names(results.load(folder)), design))
    return final_quarter(outcomes)


def effect(final: pd.DataFrame, scenario: str, against: str, outcome: str) -> pd.Series:
    """The paired effect row of ``scenario`` against ``against`` on ``outcome``."""
    table = paired_effects(final[final["label"].isin([scenario, against])], against)
    return table[(table["scenario"] == scenario) & (table["outcome"] == outcome)].iloc[0]


def sentence(final: pd.DataFrame, scenario: str, against: str, outcome: str) -> str:
    """One measured comparison in words, with its 90 % interval and verdict."""
    row = effect(final, scenario, against, outcome)
    name, unit = BY_NAME[outcome].label, BY_NAME[outcome].unit
    units = "" if unit == "share" else f" {unit}"
    verdict = "distinguishable from noise" if row["distinguishable"] else "not distinguishable"
    return (
        f"{name}: `{scenario}` minus `{against}` = {row['effect_vs_baseline']:+.3g}{units} "
        f"(90 % interval {row['ci90_low']:+.3g} to {row['ci90_high']:+.3g}; {verdict}, "
        f"{int(row['pairs'])} paired seeds)"
    )


def direction(final: pd.DataFrame, scenario: str, against: str, outcome: str) -> str:
    """'higher', 'lower' or 'no clear change' (the 90 % interval includes zero)."""
    row = effect(final, scenario, against, outcome)
    if not row["distinguishable"]:
        return "no clear change"
    return "higher" if row["effect_vs_baseline"] > 0 else "lower"


def short(final: pd.DataFrame, scenario: str, against: str, outcomes: list[str]) -> str:
    """A one-sentence measured answer: the direction of each outcome."""
    parts = []
    for outcome in outcomes:
        name = BY_NAME[outcome].label
        parts.append(
            f"{name[0].lower() + name[1:]}: {direction(final, scenario, against, outcome)}"
        )
    return f"`{scenario}` against `{against}`: " + "; ".join(parts) + "."


def comparison_figure(
    final: pd.DataFrame, pairs: list[tuple[str, str]], outcomes: list[str], title: str, name: str
) -> str:
    """Paired effects with intervals for several comparisons; returns the figure's file name."""
    rows = (len(outcomes) + 1) // 2
    height = rows * (1.2 + 0.75 * len(pairs))
    fig, grid = plt.subplots(rows, 2, figsize=(13, height), squeeze=False)
    for ax in list(grid.flat)[len(outcomes) :]:
        ax.set_visible(False)
    for ax, outcome in zip(grid.flat, outcomes, strict=False):
        for i, (scenario, against) in enumerate(pairs):
            row = effect(final, scenario, against, outcome)
            colour = "#117733" if row["distinguishable"] else "#999999"
            mean, low, high = row["effect_vs_baseline"], row["ci90_low"], row["ci90_high"]
            ax.errorbar(mean, i, xerr=[[mean - low], [high - mean]], fmt="o", color=colour)
        ax.axvline(0, color="k", lw=0.8)
        ax.set_yticks(range(len(pairs)), [f"{s}\nvs {a}" for s, a in pairs], fontsize=8)
        ax.invert_yaxis()
        name_, unit, better = BY_NAME[outcome].label, BY_NAME[outcome].unit, BY_NAME[outcome].better
        ax.set_title(name_, fontsize=9)
        ax.set_xlabel(f"difference ({unit}{', ' + better + ' is better' if better else ''})")
        ax.grid(alpha=0.3, axis="x")
    fig.suptitle(f"{title} (paired by seed; bars: 90 % intervals; grey: not distinguishable)")
    fig.tight_layout()
    FIGURES.mkdir(parents=True, exist_ok=True)
    fig.savefig(FIGURES / f"{name}.png", dpi=110)
    plt.close(fig)
    return f"figures/{name}.png"


def main() -> None:
    """Run the sweeps, measure, and write the answers."""
    comparison = finals(sweep("policy_comparison"))
    seeds = comparison.groupby("label")["replicate"].nunique().min()
    disc_folder = sweep("discovery")
    design = design_of(disc_folder).analysis
    if design is None:
        raise SystemExit(f"no design found in {disc_folder}")
    disc = finals(disc_folder, set(design.params))
    found = discover(disc, "mega_alliance", "baseline", sorted(design.params))

    q1 = [("mega_alliance", "baseline"), ("national_strategy", "baseline")]
    q2 = [("antitrust_guidance", "baseline")]
    q3 = [
        ("subsidy_fad", "subsidy_infrastructure"),
        ("subsidy_fad", "subsidy_applications"),
        ("subsidy_fad", "baseline"),
    ]
    q4 = [("subsidy_applications", "subsidy_infrastructure")]
    core = ["tech_gap_years", "startups_alive", "domestic_market_share"]
    q2_outcomes = ["share_alone", "collusion_risk", "collusion_risk_domain", "tech_gap_years"]
    f1 = comparison_figure(comparison, q1, [*core, "collusion_risk"], "Mega-alliance", "q1")
    f2 = comparison_figure(comparison, q2, q2_outcomes, "Antitrust", "q2")
    f3 = comparison_figure(comparison, q3, [*core, "spend_total"], "Sustained vs fad", "q3")
    f4 = comparison_figure(comparison, q4, core, "Applications vs infrastructure", "q4")

    def lines(pairs: list[tuple[str, str]], outcomes: list[str]) -> str:
        return "\n".join(f"- {sentence(comparison, s, a, o)}" for s, a in pairs for o in outcomes)

    a1 = short(comparison, "mega_alliance", "baseline", [*core, "collusion_risk"])
    a1b = short(comparison, "national_strategy", "baseline", [*core, "collusion_risk"])
    a2 = short(comparison, "antitrust_guidance", "baseline", q2_outcomes)
    a3 = short(comparison, "subsidy_fad", "subsidy_infrastructure", core)
    a3b = short(comparison, "subsidy_fad", "subsidy_applications", core)
    a4 = short(comparison, "subsidy_applications", "subsidy_infrastructure", core)
    costs = cost_effectiveness(comparison, dict.fromkeys(comparison["label"].unique(), "baseline"))
    cost_lines = "\n".join(f"- {cost_sentence(row)}" for _, row in costs.iterrows())
    text = f"""# The seed articles' policy questions, answered by the model

Generated by `docs/make_policy_answers.py` from the `policy_comparison` sweep ({seeds} seeds per
scenario, 40 quarters on `korea_2024`) and the `discovery` sweep ({disc["sample"].nunique()}
sampled worlds). Every effect is paired by seed against the scenario it is compared with and
carries a 90 % interval; "not distinguishable" means the interval includes zero. These are the
answers of a model whose defaults are calibrated only where `docs/calibration.md` says so:
read them as "under these assumptions", and see `docs/calibration.md` for the assumptions a user
should vary.

## 1. Does a national mega-alliance beat many small alliances?

The baseline is the organic landscape of many alliances; `mega_alliance` adds a mandated
national alliance of the top firms of every domain from year 2; `national_strategy` combines
it (federating the existing alliances) with antitrust guidance, public compute and open data.

**Short answer (measured).** {a1}
{a1b} In this model a
mandated alliance that absorbs most firms plays the R&D game of d'Aspremont and Jacquemin with
many members, where each member's own effort falls as the alliance grows (docs/validation.md),
so a single large alliance is not by itself a way to close the gap.

{lines(q1, [*core, "collusion_risk"])}

![mega-alliance]({f1})

How much this depends on what is not known (scenario discovery over
{", ".join(sorted(design.params))}):

{describe(found, "baseline")}

## 2. Does clear antitrust guidance raise useful cooperation without raising collusion risk?

**Short answer (measured).** {a2}
Collusion risk is measured twice: pooled (the market share of alliances above the antitrust
threshold, over all modelled revenue) and by domain (alliances' shares within each domain, so
an alliance dominating one domain counts). The lever's cap acts on the pooled share.

{lines(q2, q2_outcomes)}

![antitrust]({f2})

## 3. Does sustained support beat fad-chasing?

`subsidy_fad` pays the same USD 250 m a quarter as the sustained scenarios, chasing the hottest
domain and stopping after three years, so it also spends less in total.

**Short answer (measured).** {a3}
{a3b}

{lines(q3, [*core, "spend_total"])}

![sustained versus fad]({f3})

**What a year of gap costs (measured).** Each scenario against `baseline` on the same seeds: the
gap it closed beyond the baseline at the last quarter, over the extra government money it spent
(a ratio of means over the seeds, with a 90 % interval; `sim/analysis/cost_effectiveness.py`).
A run's own `gap_change_per_own_spend` has no baseline and is not this.

{cost_lines}

## 4. Does moving subsidy from chips and models to applications change the gap or survival?

**Short answer (measured).** {a4}

{lines(q4, core)}

![applications versus infrastructure]({f4})
"""
    (ROOT / "docs" / "policy_questions.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
