"""Turn a results folder into a report a person reads in five minutes.

``alliancesim-report RESULTS`` (and ``make run`` after its sweep) reads every finished run
under RESULTS (a run, a sweep, or several sweeps) and writes into RESULTS ``report.html``
(self-contained: images embedded, opens offline), the PNG and SVG figures it shows (under
``figures/``), ``summary.md`` and ``summary.csv`` (each scenario's effect against the
baseline, paired by seed, with a 90 % interval) and ``cost_effectiveness.csv`` (years of gap
closed per extra USD bn against the baseline, ``cost_effectiveness``) and, for runs on a
world with real alliances (``korea_2024``), ``history.csv`` (their reported sizes, leaders
and regimes against the model, ``sim.analysis.history``). A robust sweep (its worlds drawn
from the declared uncertainty, ``sweep=policy_comparison``) leads with "Robust answers"
(``sim.analysis.robust_report``: sentences, the ranking table, then the worlds' effects on
the lead outcome as a figure, ``figures/robust_gap.png``) and adds ``robust.csv`` and
``robust_worlds.csv``; its bands over time are across worlds and its final outcomes are the
worlds' effects (``sim.analysis.figures_robust``). With ``--alternative LABEL=FOLDER`` (the
same robust design with one structural assumption changed; repeatable) it adds whether the
answers hold under each (``sim.analysis.alternatives_report``, ``alternatives.csv``). Every
report says what each scenario does and what is calibrated (``sim.analysis.scenario_table``)
and shows its summary as HTML (``sim.analysis.summary_html``; numbers rounded by
``sim.analysis.numbers``). Failed runs, and runs the store skipped as damaged (where it can
skip them), are listed; the rest are
plotted. The report is built in a hidden folder and put in place as a whole
(``report_files``): a killed or failed report leaves the previous one complete.
"""

from __future__ import annotations

import argparse
import html
import io
import sys
import warnings
from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from sim.analysis import (
    alternatives_report,
    completeness,
    cost_effectiveness,
    figures,
    figures_robust,
    history_section,
    report_files,
    robust_report,
    scenario_table,
    summary_html,
    words,
)
from sim.analysis.alternatives import Holding
from sim.analysis.design_report import DesignRuns, design_of, design_section
from sim.analysis.effects import KEY_OUTCOMES, compare, final_quarter, summary_markdown, with_totals
from sim.analysis.report_page import image, page_table, render_html
from sim.engine.outcomes import COLUMNS
from sim.runs.store import (
    REPORT_PAGE,
    ResultsError,
    ResultsWarning,
    finished_runs,
    last_step,
)

STANDARD = {"sweep", "run", "scenario", "world", "seed", "replicate", "step", "preset", *COLUMNS}
STANDARD |= {"steps", "replicates", "engine", "collect_firms", "label", "sample"}


def swept_parameters(outcomes: pd.DataFrame, design: AbstractSet[str] = frozenset()) -> list[str]:
    """Numeric parameter columns whose value differs between runs (design columns aside)."""
    skip = STANDARD | design
    extra = [c for c in outcomes.columns if c not in skip]
    numeric = [c for c in extra if pd.api.types.is_numeric_dtype(outcomes[c])]
    return [c for c in numeric if outcomes.groupby("run")[c].first().nunique() > 1]


def assign_labels(outcomes: pd.DataFrame, design: AbstractSet[str] = frozenset()) -> pd.DataFrame:
    """A label per run: its scenario, plus swept values and sweep where needed to tell apart.

    Runs of a sensitivity design (``design``: its parameter columns) share their scenario's
    label: the design rows are samples of one scenario, not scenarios of their own.
    """
    params = swept_parameters(outcomes, design)
    label = outcomes["scenario"].astype(str)
    for p in params:
        part = (" " + p.split(".")[-1] + "=" + outcomes[p].astype(str)).where(
            outcomes[p].notna(), ""
        )
        label = label + part
    sweeps_per_label = outcomes.groupby(label)["sweep"].transform("nunique")
    label = label.where(sweeps_per_label == 1, label + " [" + outcomes["sweep"].astype(str) + "]")
    if not design:  # two runs under one label on the same seed: name the run
        keys = [label, outcomes["seed"], outcomes["replicate"]]
        clash = outcomes.groupby(keys)["run"].transform("nunique") > 1
        clashing = clash.groupby(label).transform("any")
        label = label.where(~clashing, label + " (" + outcomes["run"].astype(str) + ")")
    return outcomes.assign(label=label)


def match_baselines(outcomes: pd.DataFrame, baseline: str) -> dict[str, str]:
    """Each label's baseline label: the same swept values first, then the same sweep.

    Args:
        outcomes: Labelled rows.
        baseline: A scenario name (``baseline``) or an exact label.

    Returns:
        ``{label: baseline label}``, baselines mapped to themselves; labels with no
        baseline to compare with are left out.
    """
    info = outcomes.groupby("label", sort=False)[["scenario", "sweep"]].first()
    info["rest"] = [lab[len(sc) :] for lab, sc in zip(info.index, info["scenario"], strict=True)]
    bases = info[(info["scenario"] == baseline) | (info.index == baseline)]
    if baseline in info.index:
        bases = info.loc[[baseline]]
    against = {b: b for b in bases.index}
    for label, row in info.iterrows():
        if label in against or bases.empty:
            continue
        for match in (bases["rest"] == row["rest"], bases["sweep"] == row["sweep"]):
            if match.sum() == 1:
                against[label] = bases.index[match.to_numpy()][0]
                break
        else:
            if len(bases) == 1:
                against[label] = bases.index[0]
    return against


def render(fig: Figure) -> tuple[bytes, bytes]:
    """The figure as PNG and SVG bytes (then closed)."""
    png, svg = io.BytesIO(), io.BytesIO()
    fig.savefig(png, dpi=110, format="png")
    fig.savefig(svg, format="svg")
    plt.close(fig)
    return png.getvalue(), svg.getvalue()


Shown = tuple[str, str, str, bytes, bytes]  # title, caption, file stem, PNG, SVG


def build_figures(
    outcomes: pd.DataFrame,
    final: pd.DataFrame,
    alliances: pd.DataFrame | None,
    against: dict[str, str],
    design: set[str],
    answers: robust_report.RobustAnswers | None = None,
) -> list[Shown]:
    """Every figure that applies to these results, rendered in memory.

    With ``answers`` (a robust sweep) the bands over time are across worlds and the final
    outcomes are the worlds' effects against the baseline; otherwise across seeds.
    """
    labels = list(dict.fromkeys(outcomes["label"]))
    style = figures.colours(labels)
    shown: list[Shown] = []

    def add(title: str, caption: str, name: str, fig: Figure) -> None:
        shown.append((title, caption, name, *render(fig)))

    worlds = answers is not None and "sample" in outcomes.columns
    add(
        "Key outcomes over time",
        (
            "Per scenario, against the baseline (black): the median across the plausible "
            "worlds of each world's mean over its seeds (line), and the range of 90 % of "
            "worlds (band). The band is across worlds, not seeds."
            if worlds
            else "Per scenario, against the baseline (black): the mean across seeds (line) "
            "and the range of 90 % of seeds (band)."
        ),
        "outcomes_over_time",
        figures_robust.over_time(outcomes, labels, figures.OVER_TIME, worlds),
    )
    if answers is not None:
        add(
            "Final outcomes across worlds",
            "Each dot is one plausible world: the scenario's effect against the baseline at "
            "the last quarter (mean over the world's seeds, paired by seed); the bar is the "
            "median, the shaded line holds 90 % of worlds.",
            "final_distributions",
            robust_report.outcomes_figure(answers),
        )
    else:
        add(
            "Final outcomes across seeds",
            "Each point is one seed at the last quarter; boxes show the quartiles.",
            "final_distributions",
            figures.final_distributions(final, style),
        )
    if alliances is not None:
        add(
            "Alliance landscape",
            "Share of firms in open alliances, closed ones and alone over time (mean across "
            "seeds" + (" and worlds)." if worlds else ")."),
            "alliance_landscape",
            figures.alliance_landscape(outcomes, alliances, style),
        )
    if len(against) > len(set(against.values())):
        add(
            "Policy trade-off",
            "Years of technology gap closed versus the baseline, paired by seed"
            + (" (all worlds pooled)" if worlds else "")
            + ", against the government money spent; bars are 90 % intervals. The "
            "cost-effectiveness table divides the gap closed by the extra spend beyond the "
            "baseline.",
            "tradeoff",
            figures.tradeoff(final, against, style),
        )
    params = swept_parameters(outcomes, design)
    if 1 <= len(params) <= 2:
        add(
            "Outcomes against the swept parameters",
            "How the final outcomes move with "
            + " and ".join(words.parameter_words(p) for p in params)
            + ".",
            "parameter_effects",
            figures.parameter_effects(final, params, style),
        )
    return shown


def optional_table(
    root: Path, table: str, labels: pd.Series, skipped: list | None = None
) -> pd.DataFrame | None:
    """A results table that older runs may lack (None then), labelled like the outcomes.

    Args:
        root: The results folder.
        table: The table name.
        labels: Label per run folder (index: ``run``).
        skipped: Where to add the runs the store skipped as damaged.
    """
    runs = finished_runs(root, on_damage="skip")  # a garbled run.json: skipped in load too
    if not any((run / f"{table}.parquet").exists() for run in runs):
        return None
    frame, missed = report_files.load_results(root, table)
    if skipped is not None:
        skipped += missed
    frame = frame.assign(label=frame["run"].map(labels))
    return frame[frame["label"].notna()] if frame["label"].isna().any() else frame  # skipped


def build_report(
    root: Path, baseline: str | None = None, alternatives: Mapping[str, Path] | None = None
) -> tuple[str, dict[str, report_files.Writer]]:
    """The report for the results under ``root``, computed and drawn in memory.

    Args:
        root: A run, a sweep, or a folder of sweeps.
        baseline: The label or scenario compared against; ``baseline`` by default. Each
            scenario is paired with the baseline run of the same swept values or sweep.
        alternatives: Label -> folder of a sweep of ``root``'s robust design with one
            structural assumption changed (``alternatives_report``): adds a section on
            whether the answers hold under each.

    Returns:
        The summary (markdown), and each file of the report (``report_files.publish``).

    Raises:
        ResultsError: ``root`` is missing, empty, or holds no finished run, the store
            found a damaged run, or the baseline asked for is not among the runs.
    """
    design = design_of(root)
    design_params = set(design.analysis.params) if design.analysis else set()
    declared = None
    if design.analysis is not None and design.analysis.source == "uncertainty":
        declared = robust_report.uncertainty_of(root)  # (set name, keys): the worlds' columns
        design_params |= set(declared[1]) if declared else set()
    steps, skipped = report_files.load_results(root)
    skipped += design.skipped
    outcomes = with_totals(assign_labels(steps, design_params))
    labels = list(dict.fromkeys(outcomes["label"]))
    scenarios = set(outcomes["scenario"])
    if baseline is not None and baseline not in labels and baseline not in scenarios:
        raise ResultsError(
            f"baseline={baseline!r} is not among the runs; allowed: {', '.join(labels)}"
        )
    against = match_baselines(outcomes, baseline or "baseline")
    ordered = sorted(labels, key=lambda n: (against.get(n) != n, labels.index(n)))
    outcomes["label"] = pd.Categorical(outcomes["label"], ordered, ordered=True)
    outcomes = outcomes.sort_values(["label", "run", "replicate", "step"], kind="stable")
    outcomes["label"] = outcomes["label"].astype(str)
    final = final_quarter(outcomes)
    run_labels = outcomes.groupby("run")["label"].first()
    alliances = optional_table(root, "alliances", run_labels, skipped)
    answers = None
    if declared is not None:
        answers = robust_section(final, against, design, declared)
    if alternatives and declared is None:
        raise ResultsError(
            f"--alternative needs a robust sweep (sweep=policy_comparison) in {str(root)!r}; "
            "allowed: the main job's results folder"
        )
    shown = build_figures(
        outcomes,
        final,
        None if alliances is None else last_step(alliances, final),
        against,
        design_params,
        answers,
    )
    lead, lead_files = "", dict[str, bytes]()
    if declared is None:
        extra, design_text, design_table = design_section(root, final, against, design)
    else:
        extra, design_text, design_table = [], "", pd.DataFrame()
        if answers is not None:
            png, svg = render(robust_report.lead_figure(answers))
            caption = (
                f"<p>Each dot is one plausible world's effect against {answers.baseline}; "
                "the bar is the median, the shaded line holds 90 % of worlds; teal is better, "
                f"red worse, grey no effect.</p>{image(png, 'Effects across worlds')}"
            )
            lead = robust_report.section_html(answers, caption)
            lead_files = {"figures/robust_gap.png": png, "figures/robust_gap.svg": svg}
    lead += scenario_table.section_html(
        root,
        list(dict.fromkeys(outcomes["scenario"].astype(str))),
        declared[1] if declared else [],
        declared[0] if declared else "",
    )
    shown += [(t, c, f"design_{i}", *render(fig)) for i, (t, c, fig) in enumerate(extra)]
    structural, rows = "", list[Holding]()
    if alternatives:
        designed = final[final["run"].isin(design.runs)]
        given = alternatives_report.load(root, designed, alternatives)
        rows, structural = alternatives_report.section(designed, given)
        if rows:
            caption = (
                "Each scenario's median effect (dot, filled where robust) and 90 % of worlds "
                "(bar) as run and under each structural alternative."
            )
            figure = render(alternatives_report.figure(rows))
            shown.append((alternatives_report.TITLE, caption, "alternatives", *figure))
    past = history_section.history_section(root, alliances, ordered)
    shown += [(t, c, "history", *render(fig)) for t, c, fig in past.figures]
    replicates = int(final.groupby("label")["replicate"].nunique().min())
    ends = outcomes.groupby("run")["step"].max()  # a folder of sweeps may mix horizons
    steps_run = f"{ends.min()}" if ends.min() == ends.max() else f"{ends.min()} to {ends.max()}"
    costs = pd.DataFrame()
    if len(against) > len(set(against.values())):
        effects = compare(final, against)
        costs = cost_effectiveness.cost_effectiveness(final, against)
        summary = summary_markdown(effects, replicates, steps_run)
        summary += "\n" + cost_effectiveness.markdown(costs)
        page_summary = summary_html.effects_table(effects, answers is not None)
        page_summary += summary_html.costs_table(costs)
    else:
        effects = final.groupby("label")[list(KEY_OUTCOMES)].mean().reset_index()
        summary = (
            f"# Results\n\nNo scenario here has a `{baseline or 'baseline'}` run to be paired "
            f"with, so no effects. Final means over {replicates} seeds:\n\n"
            f"```\n{effects.to_string(index=False)}\n```\n"
        )
        page_summary = (
            f"<p>No scenario here has a {html.escape(baseline or 'baseline')} run to be "
            f"paired with, so no effects. Final means over {replicates} seeds:</p>"
            + page_table(effects)
        )
    summary += structural + design_text + past.text
    page_summary += summary_html.markdown(structural + design_text + past.text)
    if answers is not None:
        summary = robust_report.section_markdown(answers) + summary
    manifests = completeness.sweep_manifests(root)
    failed = completeness.failed_runs(manifests)
    warning = completeness.notice(completeness.completeness(root, manifests))
    if not failed.empty and not warning:  # the notice at the top counts them already
        summary += f"\n{len(failed)} runs failed or are unfinished; see manifest.csv.\n"
    if warning:
        summary = f"> **Incomplete results.** {warning}\n\n{summary}"
    skipped = report_files.by_run(skipped)  # one line per run, each file once
    if skipped:
        summary += "\n## Runs not included\n\n" + "".join(f"- `{r}`: {w}\n" for r, w in skipped)
    tables = [("History: reported points against the model", past.table)]
    page = render_html(
        f"alliancesim report: {root.resolve().name}",
        page_summary,
        failed,
        shown,
        skipped,
        tables if not past.table.empty else (),
        lead,
        warning,
    )
    files: dict[str, report_files.Writer] = {}
    for _, _, name, png, svg in shown:
        files[f"figures/{name}.png"] = report_files.bytes_writer(png)
        files[f"figures/{name}.svg"] = report_files.bytes_writer(svg)
    if not design_table.empty:
        files["sensitivity.csv"] = report_files.csv_writer(design_table)
    if not past.table.empty:
        files["history.csv"] = report_files.csv_writer(past.table)
    if not costs.empty:
        files["cost_effectiveness.csv"] = report_files.csv_writer(costs)
    if alternatives:
        files["alternatives.csv"] = report_files.csv_writer(alternatives_report.csv_table(rows))
    if answers is not None:
        files.update({k: report_files.bytes_writer(v) for k, v in lead_files.items()})
        files["robust.csv"] = report_files.csv_writer(robust_report.csv_table(answers))
        files["robust_worlds.csv"] = report_files.csv_writer(answers.world_table)
    files["summary.md"] = report_files.bytes_writer(summary.encode("utf-8"))
    files["summary.csv"] = report_files.csv_writer(effects)
    files[REPORT_PAGE] = report_files.bytes_writer(page.encode("utf-8"))
    return summary, files


def robust_section(
    final: pd.DataFrame,
    against: dict[str, str],
    design: DesignRuns,
    declared: tuple[str, list[str]],
) -> robust_report.RobustAnswers | None:
    """The answers across worlds of a robust sweep (None without a baseline to pair with).

    Only the runs of the design (``design.runs``, intact) count, and only the labels paired
    with the most common baseline.
    """
    pairs = {label: base for label, base in against.items() if label != base}
    if not pairs or design.analysis is None or "sample" not in final.columns:
        return None
    baseline = pd.Series(list(pairs.values())).mode().iloc[0]
    labels = [baseline, *(label for label, base in pairs.items() if base == baseline)]
    rows = final[final["label"].isin(labels)]
    if "run" in rows.columns:
        rows = rows[rows["run"].isin(design.runs)]
    name, keys = declared
    params = [k for k in keys if k in rows.columns]
    return robust_report.robust_answers(rows, baseline, params, design.analysis.targets, name)


def write_report(root: Path, baseline: str | None = None) -> Path:
    """Write the report for the results under ``root``; returns the HTML path.

    Everything is computed and drawn first, then written into a hidden folder that replaces
    the previous report as a whole (``report_files``): a failure or a kill leaves the
    previous report as it was. Arguments and errors as ``build_report``.
    """
    report_files.publish(root, build_report(root, baseline)[1])
    return root / REPORT_PAGE


@contextmanager
def one_line_warnings() -> Iterator[None]:
    """Print each distinct ``ResultsWarning`` raised inside once, as one line on stderr.

    The report reads several tables, and the store warns once per read; other warnings
    are shown as Python shows them.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResultsWarning)
        try:
            yield
        finally:
            said = [w for w in caught if issubclass(w.category, ResultsWarning)]
            for message in dict.fromkeys(" ".join(str(w.message).split()) for w in said):
                print(f"alliancesim-report: warning: {message}", file=sys.stderr)
            for w in caught:
                if not issubclass(w.category, ResultsWarning):
                    warnings.showwarning(w.message, w.category, w.filename, w.lineno)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``alliancesim-report RESULTS [--baseline NAME] [--alternative L=F]...``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="a run, a sweep, or a folder of sweeps")
    parser.add_argument(
        "--baseline", default=None, help="the scenario compared against (default: baseline)"
    )
    parser.add_argument(
        "--alternative",
        action="append",
        default=[],
        metavar="LABEL=FOLDER",
        help="a sweep of the same robust design with one structural assumption changed "
        "(repeatable): adds whether the answers hold under it (docs/robust.md)",
    )
    args = parser.parse_args(argv)
    matplotlib.use("Agg")  # files only; a library import leaves the caller's backend alone
    try:
        with one_line_warnings():
            given = alternatives_report.parse(args.alternative)
            summary, files = build_report(args.results, args.baseline, given)
            report_files.publish(args.results, files)
    except (ResultsError, report_files.ReportFolderError) as error:
        print(f"alliancesim-report: error: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # a bug or odd data: one line, nothing written
        print(
            f"alliancesim-report: error: could not build the report ({type(error).__name__}: "
            f"{error}); nothing was written",
            file=sys.stderr,
        )
        return 1
    print(summary)
    page = args.results / REPORT_PAGE
    print(f"Wrote {page} (open it in a browser), summary.md, summary.csv, figures/")
    return 0


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    sys.exit(main())
