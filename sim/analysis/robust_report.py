"""The report's "Robust answers" section: each scenario's answer across plausible worlds.

``robust_answers`` computes everything ``sim.analysis.robust`` offers for a robust sweep
(runs with ``analysis.source=uncertainty``); ``section_html`` and ``section_markdown`` word
it for people: one plain sentence per scenario with its robustness, a table of scenarios
ranked by the lead outcome, every key outcome across worlds, targets met, and where each
scenario fails. Shares are percent, differences of shares percentage points, no number is
in scientific notation, a zero effect reads "no effect", and colours say better or worse.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from sim.analysis import figures_robust, numbers, robust, robust_money
from sim.analysis.discovery import DiscoveredBox
from sim.analysis.palette import BETTER, INK, WORSE
from sim.analysis.words import parameter_words
from sim.config.schema import TargetConfig
from sim.engine.outcomes import BY_NAME
from sim.runs.store import finished

BETTER_COLOUR = BETTER  # better and worse (sim.analysis.palette: never green for worse)
WORSE_COLOUR = WORSE
MINUS = numbers.MINUS


@dataclass
class RobustAnswers:
    """A robust sweep's answers, ready to word (``robust_answers``)."""

    baseline: str
    lead: str  # the outcome scenarios are ranked by and the sentences speak of
    worlds: int  # worlds the baseline ran
    seeds: int  # seeds per world (the fewest any scenario ran)
    params: list[str]  # the uncertain parameters (columns)
    uncertainty: str  # the uncertainty set's name
    targets: list[TargetConfig]
    summary: pd.DataFrame  # robust.summarise joined with robust.regret_summary
    met: pd.DataFrame  # robust.satisficing_summary
    boxes: dict[tuple[str, str], DiscoveredBox] = field(default_factory=dict)
    world_table: pd.DataFrame = field(default_factory=pd.DataFrame)  # per world, for the CSV
    money: pd.DataFrame = field(default_factory=pd.DataFrame)  # robust_money.summarise


def uncertainty_of(root: Path) -> tuple[str, list[str]] | None:
    """The uncertainty set's name and keys of a robust sweep under ``root`` (None if none).

    Read from the first finished run whose stored config draws its design from the
    declared uncertainty (``analysis.source: uncertainty``).
    """
    for _, record in finished(root, "skip")[0]:
        config = record.get("config")
        if not isinstance(config, dict):
            continue
        analysis, declared = config.get("analysis"), config.get("uncertainty")
        if isinstance(analysis, dict) and analysis.get("source") == "uncertainty":
            if isinstance(declared, dict):
                entries = declared.get("parameters") or []
                keys = [str(p["path"]) for p in entries if isinstance(p, dict) and "path" in p]
                return str(declared.get("name", "")), keys
    return None


def robust_answers(
    final: pd.DataFrame,
    baseline: str,
    params: list[str],
    targets: list[TargetConfig],
    uncertainty: str = "",
    lead: str = "tech_gap_years",
) -> RobustAnswers:
    """Every answer across worlds for the labelled last-quarter rows ``final``.

    Args:
        final: Last-quarter rows: ``label``, ``sample``, ``seed``, ``replicate``, the
            outcomes (``spend_total`` included) and the uncertain parameters' columns.
        baseline: The baseline's label.
        params: The uncertain parameters' columns.
        targets: The satisficing targets.
        uncertainty: The uncertainty set's name (for the text).
        lead: The outcome the ranking and the sentences use.
    """
    outcomes = list(robust.ROBUST_OUTCOMES)
    levels = robust.world_levels(
        final, list(dict.fromkeys([*outcomes, *(t.outcome for t in targets)]))
    )
    effects = robust.world_effects(final, baseline, outcomes)
    regrets = robust.regret(levels, outcomes)
    summary = robust.summarise(effects).merge(
        robust.regret_summary(regrets), on=["scenario", "outcome"], how="left"
    )
    parameters = robust.world_parameters(final, params)
    boxes = {  # where each scenario is not better, on each outcome
        (scenario, outcome): robust.failure_region(effects, parameters, scenario, outcome)
        for scenario, outcome in summary[["scenario", "outcome"]].itertuples(index=False)
    }
    table = effects.pivot_table(index=["scenario", "world"], columns="outcome", values="effect")
    table = (
        table.add_prefix("effect_")
        .reset_index()
        .merge(parameters, left_on="world", right_index=True, how="left")
    )
    return RobustAnswers(
        baseline=baseline,
        lead=lead,
        worlds=int(final.loc[final["label"] == baseline, "sample"].nunique()),
        seeds=int(final.groupby(["label", "sample"]).size().min()),  # a row per seed
        params=list(params),
        uncertainty=uncertainty,
        targets=list(targets),
        summary=summary,
        met=robust.satisficing_summary(robust.satisficing(levels, baseline, targets)),
        boxes=boxes,
        world_table=table,
        money=robust_money.summarise(robust_money.world_costs(final, baseline)),
    )


def lower_first(label: str) -> str:
    """A label inside a sentence: ``Technology gap`` -> ``technology gap``, ``AI`` kept."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def plain(x: float, digits: int = 2) -> str:
    """``x`` with about ``digits`` significant digits, never in scientific notation."""
    if not math.isfinite(x):
        return "n/a"
    if x == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
    text = f"{abs(x):,.{decimals}f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return f"{MINUS}{text}" if x < 0 and text.strip("0.,") else text


def amount(x: float, outcome: str, signed: bool = True, gap: bool | None = None) -> str:
    """A value or a difference (``gap``, by default when ``signed``) in the outcome's unit.

    Shares are percent, differences of shares percentage points; only ``signed`` amounts
    carry a plus sign; each unit at its precision (``sim.analysis.numbers``).
    """
    if signed if gap is None else gap:
        return numbers.difference(x, outcome, signed=signed)
    return numbers.level(x, outcome, trim=True)


def effect_text(x: float, outcome: str) -> str:
    """An effect in words: ``no effect`` when it rounds to zero, else a signed amount."""
    return numbers.effect(x, outcome)


def band_text(low: float, high: float, outcome: str) -> str:
    """The 90 % band across worlds in words (``no effect`` when both ends round to zero)."""
    return numbers.band(low, high, outcome)


def shown_verdict(x: float, outcome: str) -> str:
    """``better`` or ``worse`` for colouring, ``no effect`` when the shown value is zero."""
    return numbers.verdict(x, outcome)


def of(k: int, n: int) -> str:
    """``27 of 32 (84 %)``."""
    return f"{k} of {n} ({100 * k / n:.0f} %)" if n else "none"


def region_words(box: DiscoveredBox) -> str:
    """PRIM's box in words: ``beta_public below 0.05 and entry_noise above 1.5``."""
    parts = []
    for r in box.limits.itertuples():
        name = parameter_words(str(r.parameter))
        if r.low > r.sampled_low and r.high < r.sampled_high:
            parts.append(f"{name} is between {plain(r.low, 3)} and {plain(r.high, 3)}")
        elif r.high < r.sampled_high:
            parts.append(f"{name} is below {plain(r.high, 3)}")
        else:
            parts.append(f"{name} is above {plain(r.low, 3)}")
    return " and ".join(parts)


def target_words(target: TargetConfig) -> str:
    """A target in plain words: ``technology gap ... at least 0.3 years below the baseline's``."""
    name = lower_first(BY_NAME[target.outcome].label)
    bounds = []
    for bound, word in ((target.at_least, "at least"), (target.at_most, "at most")):
        if bound is None:
            continue
        if target.measure == "level":
            bounds.append(f"{word} {amount(bound, target.outcome, False)}")
        elif bound == 0:
            bounds.append(f"{word} the baseline's")
        else:  # effect <= -0.3: at least 0.3 below; effect >= -0.3: at most 0.3 below
            size = numbers.difference(abs(bound), target.outcome, signed=False, trim=True)
            if bound < 0:
                word = "at most" if word == "at least" else "at least"
            bounds.append(f"{word} {size} {'above' if bound > 0 else 'below'} the baseline's")
    return f"{name} {' and '.join(bounds)}"


def failure_text(answers: RobustAnswers, scenario: str, outcome: str) -> str:
    """PRIM's failure region of one scenario and outcome, for a table cell."""
    box = answers.boxes.get((scenario, outcome))
    if box is None:
        return "not sought"
    if box.wins == 0:
        return "better in every world"
    if box.wins == 1:
        return "better in no world"
    if box.limits.empty:
        return "no simple region"
    return f"{region_words(box)} ({100 * box.coverage:.0f} %, {100 * box.density:.0f} %)"


def sentence(answers: RobustAnswers, scenario: str) -> str:
    """One plain sentence on ``scenario``'s lead outcome across worlds, with its robustness."""
    row = answers.summary.set_index(["scenario", "outcome"]).loc[(scenario, answers.lead)]
    outcome = BY_NAME[answers.lead]
    n, k = int(row["worlds"]), int(row["better"])
    name = f"the {lower_first(outcome.label)}"
    word = "lower" if outcome.better == "lower" else "higher"
    compared = f"{word} than under {answers.baseline}"
    what = f"{name} is {compared}"
    if int(row["no_effect"]) == n:
        return f"{scenario} has no effect on the {lower_first(outcome.label)} in any of {n} worlds."
    spread = (
        f"median: {effect_text(row['median'], answers.lead)}; 90 % of worlds: "
        f"{band_text(row['band_low'], row['band_high'], answers.lead)}"
    )
    if k == n:
        return f"{scenario}: in all {n} plausible worlds {what} ({spread})."
    box = answers.boxes.get((scenario, answers.lead))
    if k == 0:
        return f"{scenario}: in none of {n} plausible worlds is {name} {compared} ({spread})."
    if box is None or box.limits.empty:
        where = "no simple region of the uncertain parameters holds the other worlds"
    else:
        where = (
            f"it is not where {region_words(box)} (coverage {100 * box.coverage:.0f} %, "
            f"density {100 * box.density:.0f} %)"
        )
    return f"{scenario}: in {k} of {n} plausible worlds {what} ({spread}); {where}."


def ranking(answers: RobustAnswers) -> pd.DataFrame:
    """Scenarios ranked by their median effect on the lead outcome, best first (numbers)."""
    lead = answers.summary[answers.summary["outcome"] == answers.lead].copy()
    lead["order"] = -robust.direction(answers.lead) * lead["median"]
    lead = lead.sort_values(["order", "share_better"], ascending=[True, False], kind="stable")
    met = answers.met.set_index("scenario")["all_met"] if len(answers.met) else pd.Series()
    lead["all_targets_met"] = lead["scenario"].map(met)
    return lead.drop(columns="order").reset_index(drop=True)


def cell(text: str, verdict: str = "", align: str = "right") -> str:
    """A table cell, coloured by ``better`` or ``worse``."""
    colour = {"better": BETTER_COLOUR, "worse": WORSE_COLOUR}.get(verdict, INK)
    weight = "font-weight:600;" if verdict in ("better", "worse") else ""
    style = f"color:{colour};{weight}text-align:{align}"
    short = " class='n'" if len(text) <= 15 else ""  # "6 of 6 (100 %)" kept on one line
    return f"<td{short} style='{style}'>{html.escape(text)}</td>"


def html_table(header: list[str], rows: list[list[str]]) -> str:
    """An HTML table from a header and rows of ready ``<td>`` cells."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(f"<tr>{''.join(r)}</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def intro(answers: RobustAnswers) -> str:
    """The section's first paragraph: what a world, an effect and the band are."""
    targets = "; ".join(target_words(t) for t in answers.targets) or "none set"
    return (
        f"Every scenario and {answers.baseline} ran in the same {answers.worlds} plausible "
        f"worlds, each a combination of values of the {len(answers.params)} uncertain "
        f"parameters declared in configs/uncertainty/{answers.uncertainty or 'default'}.yaml "
        f"(a Latin hypercube over their ranges), on the same {answers.seeds} seeds. A "
        "world's effect is the mean over its seeds of the scenario minus "
        f"{answers.baseline} on the same seed. The 90 % band holds the middle 90 % of the "
        "worlds' effects. Regret is how far a scenario falls short of the best scenario of "
        "each world. Where a scenario is not better, PRIM looks for a box of parameter values "
        "holding those worlds: coverage is the share of them inside the box, density the "
        f"share of the box's worlds that are such worlds. Targets: {targets}."
    )


def lead_figure(answers: RobustAnswers) -> Figure:
    """The worlds' effects on the lead outcome, one row per scenario in the ranking's order."""
    name = lower_first(BY_NAME[answers.lead].label)
    return figures_robust.world_effects(
        answers.world_table,
        [answers.lead],
        list(ranking(answers)["scenario"]),
        answers.baseline,
        f"Effect on the {name} in each of {answers.worlds} plausible worlds",
    )


def outcomes_figure(answers: RobustAnswers) -> Figure:
    """The worlds' effects on every key outcome (small multiples, the ranking's order)."""
    return figures_robust.world_effects(
        answers.world_table,
        list(robust.ROBUST_OUTCOMES),
        list(ranking(answers)["scenario"]),
        answers.baseline,
        f"Final outcomes: each scenario's effect in each of {answers.worlds} plausible worlds",
    )


def section_html(answers: RobustAnswers, figure: str = "") -> str:
    """The "Robust answers" section as HTML (no Markdown, no ``<pre>``).

    ``figure`` (HTML, the lead figure's image) comes right after the ranking table.
    """
    lead = answers.lead
    scenarios = ranking(answers)
    parts = [
        "<section id='robust'><h2>Robust answers</h2>",
        f"<p>{html.escape(intro(answers))}</p>",
    ]
    parts.append("<ul>")
    parts += [f"<li>{html.escape(sentence(answers, s))}</li>" for s in scenarios["scenario"]]
    parts.append("</ul>")
    parts.append(f"<h3>Scenarios ranked by {html.escape(lower_first(BY_NAME[lead].label))}</h3>")
    rows = []
    for rank, r in enumerate(scenarios.itertuples(), start=1):
        verdict = shown_verdict(r.median, lead)
        met = r.all_targets_met
        rows.append(
            [
                cell(str(rank)),
                cell(str(r.scenario), align="left"),
                cell(effect_text(r.median, lead), verdict),
                cell(band_text(r.band_low, r.band_high, lead)),
                cell(of(int(r.better), int(r.worlds))),
                cell(amount(r.regret_median, lead, False, gap=True)),
                cell(amount(r.regret_max, lead, False, gap=True)),
                cell("n/a" if pd.isna(met) else of(int(met), int(r.worlds))),
            ]
        )
    header = [
        "rank",
        "scenario",
        "median effect",
        "90 % of worlds",
        "better in",
        "median regret",
        "worst regret",
        "meets every target in",
    ]
    parts.append(html_table(header, rows))
    parts.append(figure)
    parts.append("<h3>Every key outcome across worlds</h3>")
    rows = []
    for r in answers.summary.itertuples():
        outcome = str(r.outcome)
        rows.append(
            [
                cell(str(r.scenario), align="left"),
                cell(BY_NAME[outcome].label, align="left"),
                cell(effect_text(r.median, outcome), shown_verdict(r.median, outcome)),
                cell(band_text(r.band_low, r.band_high, outcome)),
                cell(of(int(r.better), int(r.worlds)), "better" if r.better == r.worlds else ""),
                cell(of(int(r.worse), int(r.worlds)), "worse" if r.worse else ""),
                cell(amount(r.regret_max, outcome, False, gap=True)),
                cell(failure_text(answers, str(r.scenario), outcome), align="left"),
            ]
        )
    header = [
        "scenario",
        "outcome",
        "median effect",
        "90 % of worlds",
        "better in",
        "worse in",
        "worst regret",
        "where it is not better (PRIM: coverage, density)",
    ]
    parts.append(html_table(header, rows))
    if answers.targets and len(answers.met):
        parts.append("<h3>Targets met</h3>")
        names = [robust.target_text(t) for t in answers.targets]
        header = ["scenario", *(target_words(t) for t in answers.targets), "every target"]
        rows = [
            [cell(str(r["scenario"]), align="left")]
            + [cell(of(int(r[c]), int(r["worlds"]))) for c in [*names, "all_met"]]
            for _, r in answers.met.iterrows()
        ]
        parts.append(html_table(header, rows))
    parts.append(money_html(answers))
    parts.append("</section>")
    return "\n".join(parts)


def money_html(answers: RobustAnswers) -> str:
    """Cost-effectiveness across worlds (``sim.analysis.robust_money``), as HTML."""
    if answers.money.empty:
        return ""
    table = [
        [
            cell(text, verdict if i == 2 else "", "left" if i == 0 else "right")
            for i, text in enumerate(texts)
        ]
        for texts, verdict in robust_money.rows(answers.money)
    ]
    return "\n".join(
        [
            "<h3>Cost-effectiveness across worlds</h3>",
            f"<p>{html.escape(robust_money.intro(answers.baseline))}</p>",
            html_table(robust_money.HEADER, table),
        ]
    )


def section_markdown(answers: RobustAnswers) -> str:
    """The same answers as Markdown, for summary.md."""
    lines = ["# Robust answers", "", intro(answers), ""]
    scenarios = ranking(answers)
    lines += [f"- {sentence(answers, s)}" for s in scenarios["scenario"]]
    lines += [
        "",
        f"| rank | scenario | median effect on {lower_first(BY_NAME[answers.lead].label)} | "
        "90 % of worlds | better in |",
        "|---:|---|---:|---|---:|",
    ]
    for rank, r in enumerate(scenarios.itertuples(), start=1):
        band = band_text(r.band_low, r.band_high, answers.lead)
        lines.append(
            f"| {rank} | {r.scenario} | {effect_text(r.median, answers.lead)} | {band} | "
            f"{of(int(r.better), int(r.worlds))} |"
        )
    lines += robust_money.markdown_lines(answers.money, answers.baseline)
    return "\n".join(lines) + "\n\n"


def csv_table(answers: RobustAnswers) -> pd.DataFrame:
    """robust.csv: per scenario and outcome, the numbers of the section (outcome units).

    ``failure_region`` is PRIM's box in words (empty: no box, or the scenario never fails),
    with its coverage and density.
    """
    table = answers.summary.copy()
    found: dict[tuple[str, str], tuple[Any, ...]] = {
        key: (region_words(box), box.coverage, box.density) for key, box in answers.boxes.items()
    }
    keys = list(zip(table["scenario"], table["outcome"], strict=True))
    for i, name in enumerate(("failure_region", "failure_coverage", "failure_density")):
        table[name] = [found.get(key, (None,) * 3)[i] for key in keys]
    return table
