"""Answer the seed articles' policy questions across plausible worlds (issue 13, item 7).

One command runs (or resumes) the robust ``policy_comparison`` sweep into
``results/policy_comparison`` and writes ``docs/policy_questions.md`` and its figures
(``docs/figures/policy_*.png``)::

    .venv/bin/python docs/make_policy_answers.py                      # run or resume, then write
    .venv/bin/python docs/make_policy_answers.py --results FOLDER     # a finished sweep, no run
    .venv/bin/python docs/make_policy_answers.py --results F --out D  # write into D instead
    .venv/bin/python docs/make_policy_answers.py --results F --alternative 'no entry=G'
                        # and whether the answers hold in G, the same sweep with one
                        # structural assumption changed (repeatable; docs/robust.md)

Every number in the file comes from the runs: each scenario against the scenario it is
compared with, per world paired by seed (``sim.analysis.robust``), the median and the 90 %
band across worlds, the worlds where it is better, and PRIM's failure region. The numbers
are written by ``sim.analysis.numbers`` (no scientific notation, years with two decimals,
differences of shares in percentage points with one, ``no effect`` for what rounds to zero).
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.analysis import alternatives, alternatives_report, report_files, robust, robust_report
from sim.analysis.design_report import design_of
from sim.analysis.effects import final_quarter, with_totals
from sim.analysis.policy_answers import (  # noqa: F401  (re-exported for the tests)
    BAND,
    BASELINE,
    BETTER,
    GAP,
    NEUTRAL,
    RND,
    ROBUST_SHARE,
    WORSE,
    Comparison,
    as_registered,
    band_words,
    brief,
    censored_note,
    compare,
    cost_section,
    direction,
    effect_words,
    label_of,
    mechanism,
    number,
    parameter_words,
    percent,
    region_words,
    rounds_to_zero,
    sentence,
    table,
    unit_of,
    where_not,
    world_values,
)
from sim.analysis.report import assign_labels
from sim.runs.store import ResultsError, finished

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PRESET = "policy_comparison"
TIMING_FILE = "policy_answers_sweep.json"  # the sweep command's wall times, written here


@dataclass(frozen=True)
class Question:
    """A policy question: comparisons (scenario, against) judged on some outcomes."""

    key: str  # figure: policy_<key>.png
    title: str
    pairs: tuple[tuple[str, str], ...]
    outcomes: tuple[str, ...]  # the first is the lead outcome of the sentences
    note: str = ""  # words only, no numbers
    prefer: tuple[tuple[str, int], ...] = ()  # (outcome, +1 or -1) where the registry has none


CORE = ("tech_gap_years", "tech_gap_years_mean", "startups_alive", "domestic_market_share")
QUESTIONS = (
    Question(
        "mega_alliance",
        "Does a mandated national mega-alliance beat many small alliances?",
        (("mega_alliance", BASELINE),),
        (*CORE, "collusion_risk"),
    ),
    Question(
        "antitrust",
        "Does clear antitrust guidance raise useful cooperation without raising collusion risk?",
        (("antitrust_guidance", BASELINE),),
        ("share_alone", "collusion_risk", "collusion_risk_domain", "tech_gap_years"),
        "Useful cooperation is read as fewer firms alone (lower is better here, a choice of "
        "this question: the outcome registry prefers neither way); collusion risk is measured "
        "pooled over all modelled revenue and within each domain.",
        (("share_alone", -1),),
    ),
    Question(
        "infrastructure_applications",
        "Should subsidy go to infrastructure and models or to applications?",
        (
            ("subsidy_infrastructure", BASELINE),
            ("subsidy_applications", BASELINE),
            ("subsidy_applications", "subsidy_infrastructure"),
        ),
        CORE,
    ),
    Question(
        "fad_sustained",
        "Does sustained support beat fad-chasing?",
        (
            ("subsidy_fad", "subsidy_infrastructure"),
            ("subsidy_fad_equal_spend", "subsidy_infrastructure"),
            ("subsidy_fad", "subsidy_applications"),
            ("subsidy_fad", BASELINE),
        ),
        (*CORE, "spend_total"),
        "subsidy_fad spends USD 3 bn (USD 250 m a quarter for the 12 quarters of hype), the "
        "sustained scenarios USD 10 bn; subsidy_fad_equal_spend is subsidy_fad at USD 10 bn "
        "(USD 833 m a quarter, same schedule; docs/robust.md, 'Equal spending'), the fair "
        "comparison of the two schedules.",
    ),
    Question(
        "public_compute",
        "Does a public GPU cluster for startups close the gap?",
        (("public_compute", BASELINE),),
        CORE,
    ),
    Question(
        "open_data",
        "Does opening public data matter?",
        (("open_data", BASELINE),),
        CORE,
    ),
    Question(
        "tournament",
        "Does the sovereign AI tournament do better than the status quo and than spreading money?",
        (("sovereign_tournament", BASELINE), ("sovereign_tournament", "subsidy_infrastructure")),
        (*CORE, "collusion_risk_domain"),
    ),
    Question(
        "national_strategy",
        "Do the levers add up in a national strategy?",
        (("national_strategy", BASELINE), ("national_strategy", "mega_alliance")),
        (*CORE, "collusion_risk"),
    ),
)


# ---------------------------------------------------------------- numbers in words


def figure(
    final: pd.DataFrame,
    pairs: Sequence[tuple[str, str]],
    outcomes: Sequence[str],
    prefer: dict[str, int] | None = None,
) -> Any:
    """The worlds' effects: a panel per outcome, a row per comparison (at most 6)."""
    plt.rcParams.update({"font.size": 10})
    cols = 2 if len(outcomes) > 1 else 1
    rows = math.ceil(len(outcomes) / cols)
    fig, grid = plt.subplots(
        rows, cols, figsize=(8, 0.6 + rows * (0.9 + 0.75 * len(pairs))), squeeze=False
    )
    for ax in list(grid.flat)[len(outcomes) :]:
        ax.set_visible(False)
    rng = np.random.default_rng(0)  # jitter of the dots only
    for i, (ax, outcome) in enumerate(zip(grid.flat, outcomes, strict=False)):
        scale = 100.0 if unit_of(outcome) == "share" else 1.0
        for y, (scenario, against) in enumerate(pairs):
            values = world_values(final, scenario, against, outcome)
            sign = direction(outcome, prefer)
            signs = np.where(np.abs(values) <= robust.ZERO, 0, sign * np.sign(values))
            colours = [{1: BETTER, -1: WORSE}.get(int(v), NEUTRAL) for v in signs]
            jitter = y + rng.uniform(-0.15, 0.15, len(values))
            ax.scatter(scale * values, jitter, s=14, c=colours, alpha=0.8, lw=0)
            low, high = np.quantile(values, robust.BAND)
            ax.plot([scale * low, scale * high], [y + 0.3, y + 0.3], color="k", lw=2)
            ax.plot(scale * np.median(values), y + 0.3, "k|", ms=12, mew=2)
        ax.axvline(0, color="k", lw=0.7)
        ax.set_ylim(len(pairs) - 0.4, -0.6)
        names = [f"{s}\nvs {a}" for s, a in pairs]
        ax.set_yticks(range(len(pairs)), names if i % cols == 0 else [""] * len(pairs))
        unit = "percentage points" if unit_of(outcome) == "share" else unit_of(outcome)
        better = {1: "higher", -1: "lower"}.get(direction(outcome, prefer), "")
        ax.set_xlabel(f"difference, {unit}" + (f" ({better} is better)" if better else ""))
        title = label_of(outcome)
        ax.set_title(title[:1].upper() + title[1:], fontsize=10)
        ax.grid(alpha=0.3, axis="x")
    fig.suptitle(
        f"Dots: plausible worlds (teal better, red worse); bar: {BAND} of worlds; tick: median",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- the sweep and its record


@dataclass
class Meta:
    """What the runs recorded about themselves."""

    commits: list[str]
    dirty: int  # runs recorded with uncommitted changes
    runs: int
    finished: str  # the latest run.json's modification time, UTC
    economics: list[str]
    worlds: int
    planned: int  # worlds the design asked for (analysis.n)
    seeds: int
    quarters: int
    job_seconds: float  # the jobs' recorded wall times, summed
    sweep_seconds: list[float]  # the sweep command's wall times (this script's record)
    uncertainty: str
    guesses: int  # declared ranges whose source is a guess
    descriptions: dict[str, str]


def run_sweep(folder: Path) -> None:
    """Run or resume the robust sweep (into ``folder``, the preset's) on both cores.

    The command is the main job's (``make run``'s), so either resumes the other; its wall
    time is appended to ``TIMING_FILE`` in ``folder``.
    """
    command = [str(BIN / "alliancesim"), f"sweep={PRESET}", "hydra/launcher=joblib"]
    start = time.monotonic()
    begun = datetime.now(UTC).isoformat(timespec="seconds")
    subprocess.run(command, check=True, cwd=ROOT)
    record = folder / TIMING_FILE
    times = json.loads(record.read_text()) if record.exists() else []
    times.append({"started": begun, "wall_seconds": round(time.monotonic() - start, 1)})
    record.write_text(json.dumps(times, indent=1))


def load(folder: Path) -> tuple[pd.DataFrame, list[str], Meta]:
    """Last-quarter rows of a robust sweep's design runs, the uncertain keys, and the record."""
    design = design_of(folder)
    if design.analysis is None or design.analysis.source != "uncertainty":
        raise SystemExit(f"--results={folder}: not a robust sweep (analysis.source=uncertainty)")
    declared = robust_report.uncertainty_of(folder)
    name, keys = declared if declared else ("", [])
    steps, _ = report_files.load_results(folder)
    outcomes = with_totals(assign_labels(steps, set(design.analysis.params) | set(keys)))
    order = outcomes.sort_values(["run", "replicate", "step"], kind="stable")
    if "domestic_rnd" not in order.columns:
        raise SystemExit(f"--results={folder}: written before domestic_rnd was recorded; rerun")
    rnd = order.groupby(["run", "replicate"])["domestic_rnd"].cumsum() / 1000.0  # USD m -> bn
    outcomes[RND] = rnd.reindex(outcomes.index)
    final = final_quarter(outcomes)
    final = final[final["run"].isin(design.runs)]
    if BASELINE not in set(final["label"]):
        raise SystemExit(f"--results={folder}: no finished {BASELINE} run to compare with")
    records = [record for _, record in finished(folder, "skip")[0]]
    mtimes = [p.stat().st_mtime for p in folder.glob("*/run.json")]
    timing = folder / TIMING_FILE
    configs = [r.get("config", {}) for r in records]
    meta = Meta(
        commits=sorted({str(r.get("git_commit", "?"))[:10] for r in records}),
        dirty=sum(bool(r.get("git_dirty")) for r in records),
        runs=len(records),
        finished=datetime.fromtimestamp(max(mtimes), UTC).strftime("%Y-%m-%d %H:%M UTC")
        if mtimes
        else "unknown",
        economics=sorted({str(c.get("model", {}).get("economics", "?")) for c in configs}),
        worlds=int(final.loc[final["label"] == BASELINE, "sample"].nunique()),
        planned=int(design.analysis.n),
        seeds=alternatives.seeds_per_world(final),
        quarters=int(final["step"].max()),
        job_seconds=float(sum(float(r.get("wall_seconds", 0.0)) for r in records)),
        sweep_seconds=[t["wall_seconds"] for t in json.loads(timing.read_text())]
        if timing.exists()
        else [],
        uncertainty=name,
        guesses=guesses(configs),
        descriptions={
            str(c["scenario"]["name"]): str(c["scenario"].get("description", ""))
            for c in configs
            if isinstance(c.get("scenario"), dict) and "name" in c["scenario"]
        },
    )
    return final, [k for k in keys if k in final.columns], meta


def guesses(configs: list[dict[str, Any]]) -> int:
    """How many declared ranges (in the first stored uncertainty set) are marked a guess."""
    for config in configs:
        declared = config.get("uncertainty")
        if isinstance(declared, dict) and declared.get("parameters"):
            sources = [str(e.get("source", "")) for e in declared["parameters"]]
            return sum(source.startswith("guess") for source in sources)
    return 0


def header(meta: Meta, params: list[str]) -> str:
    """The file's opening: where the numbers come from and how far to trust them."""
    dirty = f" ({meta.dirty} of {meta.runs} runs with uncommitted changes)" if meta.dirty else ""
    low_q, high_q = (f"{100 * q:.0f}th" for q in robust.BAND)
    version = "/".join(e.removeprefix("v") for e in meta.economics)
    sweep = (
        f"; the sweep command took {minutes(sum(meta.sweep_seconds))} of wall time over "
        f"{len(meta.sweep_seconds)} invocation(s) of this script"
        if meta.sweep_seconds
        else "; the sweep's own wall time was not recorded (run outside this script)"
    )
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    short = (
        f" (of {meta.planned} planned: the sweep is unfinished)"
        if meta.worlds < meta.planned
        else ""
    )
    return f"""# The seed articles' policy questions, answered across plausible worlds

Generated by `docs/make_policy_answers.py` on {today} from the robust `{PRESET}` sweep.
Commit {", ".join(meta.commits)}{dirty}; runs finished {meta.finished}.
**W = {meta.worlds} plausible worlds x S = {meta.seeds} seeds**{short}, {meta.quarters} quarters on
`korea_2024`, economics version {version}. Wall time as recorded: the jobs' own times sum to
{minutes(meta.job_seconds)}{sweep}. No number in the generated text below is typed by hand (a note
written by hand after generation says so in its first line).

**How far to trust these answers.** They are consequences of the declared assumptions (the
{len(params)} uncertain parameters of configs/uncertainty/{meta.uncertainty or "default"}.yaml,
{meta.guesses} of whose ranges are guesses, [uncertainty.md](uncertainty.md)) and of the
history-matched calibration ([calibration.md](calibration.md), section 9). The status note
of [model.md](model.md) and its findings 32 and 33 say that at the defaults **membership is
decided more by the choice noise than by the value of joining**: answers about who allies
with whom are the weakest. An answer is called robust when it is better in at least
{percent(ROBUST_SHARE)} of the worlds and its whole {BAND} band is on the better side
([robust.md](robust.md)); a result is a finding only if it is robust and its mechanism shows
in the outputs.

**How to read.** A world is one value of each uncertain parameter (a Latin hypercube over
their ranges); every scenario ran in the same worlds on the same seeds. A world's effect is
the mean over its seeds of the scenario minus the scenario it is compared with, on the same
seed. The median and the {BAND} band ({low_q} to {high_q} percentile) are across worlds, not
across seeds. Where a scenario is not better, PRIM looks for a box of parameter values
holding those worlds: coverage is the share of them inside the box, density the share of the
box's worlds that are such worlds; with few worlds a box is a hint, not a proof. Shares are
in percent, their differences in percentage points (pp).
"""


def minutes(seconds: float) -> str:
    """A duration in minutes (1 decimal)."""
    return f"{seconds / 60:.1f} min"


def section(
    number_: int, q: Question, final: pd.DataFrame, params: list[str], meta: Meta, figures: Path
) -> str:
    """One question: what the scenarios do, the answer, the mechanism, a table, a figure."""
    labels = set(final["label"])
    pairs = [(s, a) for s, a in q.pairs if s in labels and a in labels]
    text = f"## {number_}. {q.title}\n\n"
    if not pairs:
        missing = sorted({x for p in q.pairs for x in p} - labels)
        return text + f"Not answered: the sweep has no runs of {', '.join(missing)}.\n\n"
    shown = dict.fromkeys(x for p in pairs for x in p if x != BASELINE)
    text += "".join(f"- `{s}`: {meta.descriptions.get(s, '(no description)')}\n" for s in shown)
    prefer = dict(q.prefer)
    comparisons = [compare(final, params, s, a, o, prefer) for s, a in pairs for o in q.outcomes]
    lead = comparisons[0]
    verdict = "robust" if lead.robust else "not robust"
    others = [c for c in comparisons[1 : len(q.outcomes)] if c.sign != 0]
    rest = "; ".join(brief(c) for c in others)
    text += f"\n**Answer ({verdict}).** {sentence(lead)}"
    text += f" Against {lead.against}, {lead.scenario}: {rest}.\n" if rest else "\n"
    for s, a in pairs[1:]:
        first = next(c for c in comparisons if (c.scenario, c.against) == (s, a))
        text += f"\n{sentence(first)}\n"
    gap = next((c for c in comparisons if c.outcome == GAP), None)
    if gap is not None:
        text += f"\n{mechanism(final, gap.scenario, gap.against, gap)}\n"
        text += paragraph(censored_note(final, (x for p in pairs for x in p)))
    if q.note:
        text += f"\n{q.note}\n"
    text += f"\n{table(comparisons)}\n"
    fig = figure(final, pairs, q.outcomes, prefer)
    figures.mkdir(parents=True, exist_ok=True)
    fig.savefig(figures / f"policy_{q.key}.png", dpi=110)
    plt.close(fig)
    return text + f"\n![{q.key}](figures/policy_{q.key}.png)\n\n"


def paragraph(text: str) -> str:
    """``text`` as a paragraph of its own; nothing if it is empty."""
    return f"\n{text}\n" if text else ""


def alternatives_section(
    final: pd.DataFrame, given: alternatives_report.Alternatives, figures: Path
) -> str:
    """The section on structural assumptions (``alternatives_report``), with its figure."""
    rows, text = alternatives_report.section(final, given)
    if rows:
        figures.mkdir(parents=True, exist_ok=True)
        fig = alternatives_report.figure(rows)
        fig.savefig(figures / "policy_alternatives.png", dpi=110)
        plt.close(fig)
        text += "\n![alternatives](figures/policy_alternatives.png)\n"
    return text + "\n"


def load_alternatives(
    main: Path, final: pd.DataFrame, entries: Sequence[str]
) -> alternatives_report.Alternatives:
    """``--alternative LABEL=FOLDER`` entries loaded; a bad one is a one-line exit."""
    try:
        given = alternatives_report.parse(entries)
        for label, folder in given.items():
            if not folder.is_dir():
                raise ResultsError(
                    f"--alternative={label}={folder}: no such folder; give a finished sweep"
                )
        return alternatives_report.load(main, final, given)
    except ResultsError as error:
        raise SystemExit(str(error)) from None


def write_answers(
    final: pd.DataFrame,
    params: list[str],
    meta: Meta,
    out: Path,
    given: alternatives_report.Alternatives | None = None,
) -> Path:
    """Write ``policy_questions.md`` and ``figures/policy_*.png`` into ``out``; returns the file.

    With ``given`` (``--alternative``), also the section on structural assumptions.
    """
    text = header(meta, params)
    asked = {x for q in QUESTIONS for p in q.pairs for x in p}
    for i, q in enumerate(QUESTIONS, start=1):
        text += "\n" + section(i, q, final, params, meta, out / "figures")
        if q.key == "fad_sustained":
            text += "### What a year of gap costs\n\n" + cost_section(final) + "\n"
            text += paragraph(censored_note(final, final["label"]))
    others = [s for s in dict.fromkeys(final["label"]) if s not in asked]
    if others and BASELINE in set(final["label"]):
        comparisons = [compare(final, params, s, BASELINE, o) for s in others for o in CORE]
        text += "\n## Other scenarios in the sweep\n\n" + table(comparisons) + "\n"
        text += paragraph(censored_note(final, [BASELINE, *others]))
    if given is not None:
        text += "\n" + alternatives_section(final, given, out / "figures")
    out.mkdir(parents=True, exist_ok=True)
    path = out / "policy_questions.md"
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Run (or reuse) the robust sweep and write the answers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, help="a finished robust sweep (nothing is run)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="where to write")
    parser.add_argument(
        "--alternative",
        action="append",
        default=[],
        metavar="LABEL=FOLDER",
        help="a finished sweep of the same design with one structural assumption changed "
        "(repeatable): adds a section on whether the answers hold under it",
    )
    args = parser.parse_args(argv)
    folder = args.results
    if folder is None:
        folder = ROOT / "results" / PRESET
        run_sweep(folder)
    elif not folder.is_dir():
        print(
            f"make_policy_answers: error: --results={folder}: no such folder; give a finished "
            "robust sweep",
            file=sys.stderr,
        )
        return 2
    try:
        final, params, meta = load(folder)
        given = load_alternatives(folder, final, args.alternative) if args.alternative else None
    except SystemExit as stop:  # a bad --results or --alternative: one line, exit 2
        if not isinstance(stop.code, str):
            raise
        print(f"make_policy_answers: error: {stop.code}", file=sys.stderr)
        return 2
    path = write_answers(final, params, meta, args.out, given)
    print(f"wrote {path} and {args.out / 'figures'}/policy_*.png", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
