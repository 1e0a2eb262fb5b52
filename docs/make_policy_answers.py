"""Answer the seed articles' policy questions across plausible worlds (issue 13, item 7).

One command runs (or resumes) the robust ``policy_comparison`` sweep into
``results/policy_comparison`` and writes ``docs/policy_questions.md`` and its figures
(``docs/figures/policy_*.png``)::

    .venv/bin/python docs/make_policy_answers.py                      # run or resume, then write
    .venv/bin/python docs/make_policy_answers.py --results FOLDER     # a finished sweep, no run
    .venv/bin/python docs/make_policy_answers.py --results F --out D  # write into D instead

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

from sim.analysis import numbers, report_files, robust, robust_report
from sim.analysis.design_report import design_of
from sim.analysis.discovery import DiscoveredBox
from sim.analysis.effects import final_quarter, with_totals
from sim.analysis.report import assign_labels
from sim.engine.outcomes import BY_NAME
from sim.runs.store import finished

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PRESET = "policy_comparison"
TIMING_FILE = "policy_answers_sweep.json"  # the sweep command's wall times, written here
BASELINE = "baseline"
RND = "rnd_total"  # cumulative R&D spending of all firms, USD bn (computed here from total_rnd)
BAND = f"{100 * (robust.BAND[1] - robust.BAND[0]):.0f} %"  # "90 %": the band across worlds
ROBUST_SHARE = 0.9  # docs/robust.md: robust when better in nearly every world (29 of 32)
BETTER, WORSE, NEUTRAL = "#009988", "#CC3311", "#777777"  # the report's teal and red
# the uncertain parameters in words (fallback: robust_report.parameter_words)
WORDS = {
    "model.rnd.beta_alliance_shallow": "the spillover rate inside a shallow alliance",
    "model.rnd.beta_alliance_deep": "the spillover rate inside a deep alliance",
    "model.rnd.beta_public": "the public spillover rate",
    "model.rnd.relatedness.scale": "the relatedness of domains (multiplier)",
    "model.growth.margin": "the profit margin",
    "model.competition.collusion_margin_uplift": "the margin colluders gain",
    "model.markets.domestic_share_initial": "the domestic firms' starting share at home",
    "model.choice.coord_cost_fixed": "the fixed coordination cost (USD m a quarter)",
    "model.choice.coord_cost_share": "the coordination cost's share of R&D",
    "model.growth.entry_noise": "the entry noise (inverse entry elasticity)",
    "model.growth.entry_pool": "the pool of potential entrants",
    "world.n_startups": "the number of domestic startups",
    "model.growth.frontier_growth": "the frontier's growth rate (a year)",
}


@dataclass(frozen=True)
class Question:
    """A policy question: comparisons (scenario, against) judged on some outcomes."""

    key: str  # figure: policy_<key>.png
    title: str
    pairs: tuple[tuple[str, str], ...]
    outcomes: tuple[str, ...]  # the first is the lead outcome of the sentences
    note: str = ""  # words only, no numbers
    prefer: tuple[tuple[str, int], ...] = ()  # (outcome, +1 or -1) where the registry has none


CORE = ("tech_gap_years", "startups_alive", "domestic_market_share")
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
            ("subsidy_fad", "subsidy_applications"),
            ("subsidy_fad", BASELINE),
        ),
        (*CORE, "spend_total"),
        "The sweep holds no variant of subsidy_fad at the total spending of the sustained "
        "scenarios (issue 13, item 4), so an equal-spending comparison is not possible here; "
        "the fair money comparison is the gap closed per USD bn in the next section.",
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


def unit_of(outcome: str) -> str:
    """The outcome's unit (``USD bn`` for the cumulative R&D computed here)."""
    return "USD bn" if outcome == RND else BY_NAME[outcome].unit


def label_of(outcome: str) -> str:
    """The outcome's name in words, lower case inside a sentence."""
    if outcome == RND:
        return "R&D spending since the start"
    return robust_report.lower_first(BY_NAME[outcome].label.split(":")[0])


def as_registered(outcome: str) -> str:
    """The registry outcome whose unit ``outcome`` is written in (R&D: USD bn, as spending)."""
    return "spend_total" if outcome == RND else outcome


def number(x: float, outcome: str, signed: bool, level: bool = False) -> str:
    """``x`` in the outcome's unit (``sim.analysis.numbers``: no e-notation, pp for shares).

    Args:
        x: The value (shares as fractions).
        outcome: The outcome (its unit sets the decimals).
        signed: Whether to show a ``+`` (differences).
        level: A level, not a difference (shares in %, not pp).
    """
    if level:
        return numbers.level(x, as_registered(outcome))
    return numbers.difference(x, as_registered(outcome), signed=signed)


def rounds_to_zero(x: float, outcome: str) -> bool:
    """Whether ``x`` is 0 at the decimals it is shown with."""
    return numbers.is_zero(x, as_registered(outcome))


def effect_words(x: float, outcome: str) -> str:
    """A difference: ``no effect`` when it rounds to zero, else signed with its unit."""
    return numbers.effect(x, as_registered(outcome))


def band_words(low: float, high: float, outcome: str) -> str:
    """The band across worlds: ``no effect`` when both ends round to zero."""
    if not rounds_to_zero(low, outcome) and number(low, outcome, True) == number(
        high, outcome, True
    ):
        return f"{number(low, outcome, True)} in every world"
    return numbers.band(low, high, as_registered(outcome))


def parameter_words(key: str) -> str:
    """An uncertain parameter in words."""
    return WORDS.get(key, robust_report.parameter_words(key))


def region_words(box: DiscoveredBox) -> str:
    """PRIM's box in words, each bound with 3 significant digits (no e-notation)."""
    parts = []
    for r in box.limits.itertuples():
        name, low, high = parameter_words(str(r.parameter)), r.low, r.high
        lo, hi = robust_report.plain(float(low), 3), robust_report.plain(float(high), 3)
        if low > r.sampled_low and high < r.sampled_high:
            parts.append(f"{name} is between {lo} and {hi}")
        elif high < r.sampled_high:
            parts.append(f"{name} is below {hi}")
        else:
            parts.append(f"{name} is above {lo}")
    return " and ".join(parts)


def percent(x: float) -> str:
    """A share as a whole percent."""
    return f"{100 * x:.0f} %"


# ---------------------------------------------------------------- measuring


@dataclass
class Comparison:
    """One scenario against another on one outcome, across worlds."""

    scenario: str
    against: str
    outcome: str
    worlds: int
    median: float
    low: float
    high: float
    higher: int  # worlds where the effect is above zero (beyond robust.ZERO)
    lower: int
    box: DiscoveredBox | None  # PRIM's failure region (None: no direction is better)
    sign: int  # +1 higher is better, -1 lower is better, 0 neither

    @property
    def better(self) -> int:
        """Worlds better; for an outcome with no better direction, worlds higher."""
        return self.lower if self.sign < 0 else self.higher

    @property
    def worse(self) -> int:
        """Worlds worse; for an outcome with no better direction, worlds lower."""
        return self.higher if self.sign < 0 else self.lower

    @property
    def robust(self) -> bool:
        """Better in at least ``ROBUST_SHARE`` of worlds, the whole band on the better side."""
        if self.sign == 0 or self.worlds == 0:
            return False
        enough = self.better >= ROBUST_SHARE * self.worlds
        return enough and min(self.sign * self.low, self.sign * self.high) > 0


def direction(outcome: str, prefer: dict[str, int] | None = None) -> int:
    """+1 higher is better, -1 lower is better, 0 neither (``prefer``, else the registry)."""
    if prefer and outcome in prefer:
        return prefer[outcome]
    return 0 if outcome == RND else robust.direction(outcome)


def compare(
    final: pd.DataFrame,
    params: list[str],
    scenario: str,
    against: str,
    outcome: str,
    prefer: dict[str, int] | None = None,
) -> Comparison:
    """``scenario`` minus ``against`` on ``outcome``, per world paired by seed, across worlds."""
    rows = final[final["label"].isin([scenario, against])]
    effects = robust.world_effects(rows, against, [outcome])
    values = effects["effect"].to_numpy(dtype=float)
    values = values[np.isfinite(values)]
    n = len(values)
    low, high = np.quantile(values, robust.BAND) if n else (np.nan, np.nan)
    sign = direction(outcome, prefer)
    box = None
    if sign != 0 and n:
        if sign != robust.direction(outcome):  # PRIM judges by the registry: flip the effect
            effects = effects.assign(effect=sign * effects["effect"])
            outcome_judged = next(o for o in robust.ROBUST_OUTCOMES if robust.direction(o) > 0)
            box = robust.failure_region(
                effects.assign(outcome=outcome_judged),
                robust.world_parameters(rows, params),
                scenario,
                outcome_judged,
            )
        else:
            box = robust.failure_region(
                effects, robust.world_parameters(rows, params), scenario, outcome
            )
    return Comparison(
        scenario,
        against,
        outcome,
        n,
        float(np.median(values)) if n else np.nan,
        float(low),
        float(high),
        int((values > robust.ZERO).sum()),
        int((values < -robust.ZERO).sum()),
        box,
        sign,
    )


def world_values(final: pd.DataFrame, scenario: str, against: str, outcome: str) -> np.ndarray:
    """Each world's effect (for the figures)."""
    rows = final[final["label"].isin([scenario, against])]
    return robust.world_effects(rows, against, [outcome])["effect"].to_numpy(dtype=float)


def cost_table(final: pd.DataFrame) -> pd.DataFrame:
    """Per scenario spending more than the baseline: gap closed per extra USD bn across worlds.

    In each world: the seed-paired mean gap closed beyond the baseline over the seed-paired
    mean extra spending (a ratio of means, as ``sim.analysis.cost_effectiveness``).
    """
    effects = robust.world_effects(final, BASELINE, ["tech_gap_years", "spend_total"])
    wide = effects.pivot_table(index=["scenario", "world"], columns="outcome", values="effect")
    rows = []
    for scenario, group in wide.groupby(level=0, sort=False):
        extra = group["spend_total"]
        if not (extra > robust.ZERO).all():
            continue
        ratio = (-group["tech_gap_years"] / extra).to_numpy(dtype=float)
        low, high = np.quantile(ratio, robust.BAND)
        rows.append(
            {
                "scenario": scenario,
                "worlds": len(ratio),
                "extra_spend_median": float(extra.median()),
                "median": float(np.median(ratio)),
                "low": float(low),
                "high": float(high),
                "closes": int((ratio > robust.ZERO).sum()),
            }
        )
    return pd.DataFrame(rows)


def mechanism(final: pd.DataFrame, scenario: str, against: str, gap: Comparison) -> str:
    """The mechanism in one sentence where the outputs show it, else why it is not a finding.

    Shown: the gap moves the same way in at least ``ROBUST_SHARE`` of worlds with its whole
    band on that side, and R&D spending since the start moves the opposite way in at least
    that share of the same worlds (in the model, R&D is what raises capability).
    """
    n = gap.worlds
    moved = max(gap.higher, gap.lower)
    one_side = gap.low > 0 or gap.high < 0
    if not n or moved < ROBUST_SHARE * n or not one_side:
        return (
            f"Not a finding: the gap does not move the same way in {percent(ROBUST_SHARE)} of "
            "the worlds with its whole band on one side, so the "
            "answer is a consequence of the declared assumptions and where in their ranges the "
            "world lies."
        )
    rows = final[final["label"].isin([scenario, against])]
    wide = robust.world_effects(rows, against, ["tech_gap_years", RND]).pivot_table(
        index="world", columns="outcome", values="effect"
    )
    opposite = int((np.sign(wide["tech_gap_years"]) * np.sign(wide[RND]) < 0).sum())
    rnd = compare(final, [], scenario, against, RND)
    if opposite >= ROBUST_SHARE * n:
        way = "raises" if rnd.median > 0 else "lowers"
        return (
            f"Mechanism (shown by the outputs): {scenario} {way} R&D spending since the start "
            f"against {against} (median {effect_words(rnd.median, RND)}), opposite to the gap "
            f"in {opposite} of {n} worlds, and in the model R&D is what moves capability."
        )
    return (
        f"Mechanism not shown by the outputs: R&D spending since the start moves opposite to the "
        f"gap in only {opposite} of {n} worlds, so the answer is a consequence of the declared "
        "assumptions (for example the lever's assumed strength), not a finding."
    )


# ---------------------------------------------------------------- words


def sentence(c: Comparison) -> str:
    """One comparison in plain words, with its robustness and its PRIM failure region."""
    name, n = label_of(c.outcome), c.worlds
    band = band_words(c.low, c.high, c.outcome)
    spread = f"median {effect_words(c.median, c.outcome)}; {BAND} of worlds: {band}"
    if c.higher == c.lower == 0:
        return f"{c.scenario} against {c.against}: no effect on the {name} in any of {n} worlds."
    if band == "no effect":
        return (
            f"{c.scenario} against {c.against}: no effect on the {name} in at least {BAND} of "
            f"{n} worlds ({spread}; higher in {c.higher}, lower in {c.lower})."
        )
    sign = c.sign
    if sign == 0:
        return (
            f"The {name} is lower under {c.scenario} than under {c.against} in {c.lower} of "
            f"{n} plausible worlds and higher in {c.higher} ({spread})."
        )
    word = "lower" if sign < 0 else "higher"
    what = f"the {name} is {word} under {c.scenario} than under {c.against} ({spread})"
    if c.better == n:
        return f"In all {n} plausible worlds {what}."
    if c.better == 0:
        return (
            f"In none of {n} plausible worlds is the {name} {word} under {c.scenario} than "
            f"under {c.against} ({spread}); it is worse in {c.worse}, no different in "
            f"{n - c.worse}."
        )
    return f"In {c.better} of {n} plausible worlds {what}; {where_not(c)}."


def brief(c: Comparison) -> str:
    """An outcome's robustness in a few words: ``startups alive better in 6 of 6 (median ...)``."""
    name = label_of(c.outcome)
    if c.better == c.worse == 0:
        return f"{name}: no effect in any of {c.worlds} worlds"
    worse = f", worse in {c.worse}" if c.worse else ""
    return (
        f"{name}: better in {c.better} of {c.worlds}{worse} "
        f"(median {effect_words(c.median, c.outcome)})"
    )


def where_not(c: Comparison) -> str:
    """Where the scenario is not better, in words (PRIM's box with coverage and density)."""
    box = c.box
    if c.better == c.worlds:
        return "better in every world"
    if c.better == 0:
        return "better in no world" if c.worse else "no effect in any world"
    if box is None or box.limits.empty:
        return "no simple region of the uncertain parameters holds the worlds where it is not"
    return (
        f"it is not where {region_words(box)} (PRIM coverage {percent(box.coverage)}, "
        f"density {percent(box.density)})"
    )


def table(comparisons: list[Comparison]) -> str:
    """A Markdown table of comparisons."""
    lines = [
        f"| scenario | compared with | outcome | median effect | {BAND} of worlds | better in | "
        "where it is not better (PRIM: coverage, density) |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in comparisons:
        if c.sign == 0:
            better = f"higher in {c.higher}, lower in {c.lower} of {c.worlds}"
            region = "no better direction"
        else:
            better = f"{c.better} of {c.worlds}" + (f" (worse in {c.worse})" if c.worse else "")
            region = where_not(c).removeprefix("it is not where ")
        lines.append(
            f"| {c.scenario} | {c.against} | {label_of(c.outcome)} | "
            f"{effect_words(c.median, c.outcome)} | {band_words(c.low, c.high, c.outcome)} | "
            f"{better} | {region} |"
        )
    return "\n".join(lines)


def ratio_words(x: float) -> str:
    """Years of gap per USD bn (``sim.analysis.numbers``' decimals for it), no e-notation."""
    text = numbers.number(x, numbers.DECIMALS["years per USD bn"], signed=True)
    return numbers.NO_EFFECT if text == "0" else text


def money(usd_bn: float) -> str:
    """Money spent: ``USD 3.0 bn``, or ``USD 30 m`` below USD 1 bn (it would round to 0 bn)."""
    if abs(usd_bn) < 1:
        return f"USD {numbers.number(1000 * usd_bn, numbers.DECIMALS['USD m'])} m"
    return numbers.level(usd_bn, "spend_total")


def cost_section(final: pd.DataFrame) -> str:
    """The gap closed per extra USD bn against the baseline, across worlds."""
    costs = cost_table(final)
    if costs.empty:
        return "No scenario of the sweep spends more than the baseline in every world.\n"
    lines = [
        "| scenario | extra spending (median over worlds) | years of gap closed per extra "
        f"USD bn (median) | {BAND} of worlds | closes gap in |",
        "|---|---|---|---|---|",
    ]
    for r in costs.sort_values("median", ascending=False).itertuples():
        lines.append(
            f"| {r.scenario} | {money(r.extra_spend_median)} | "
            f"{ratio_words(r.median)} | {ratio_words(r.low)} to {ratio_words(r.high)} | "
            f"{r.closes} of {r.worlds} |"
        )
    return (
        "Each scenario that spends more than the baseline, in each world: the gap it closed "
        "beyond the baseline at the last quarter over the extra money it spent (both the "
        "mean over the world's seeds of the seed-paired differences), in years per USD bn; "
        "positive closes the gap.\n\n" + "\n".join(lines) + "\n"
    )


# ---------------------------------------------------------------- figures


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
    rnd = order.groupby(["run", "replicate"])["total_rnd"].cumsum() / 1000.0  # USD m -> bn
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
        seeds=int(final.groupby(["label", "sample"]).size().min()),
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
{minutes(meta.job_seconds)}{sweep}. No number below is typed by hand.

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
    gap = next((c for c in comparisons if c.outcome == "tech_gap_years"), None)
    if gap is not None:
        text += f"\n{mechanism(final, gap.scenario, gap.against, gap)}\n"
    if q.note:
        text += f"\n{q.note}\n"
    text += f"\n{table(comparisons)}\n"
    fig = figure(final, pairs, q.outcomes, prefer)
    figures.mkdir(parents=True, exist_ok=True)
    fig.savefig(figures / f"policy_{q.key}.png", dpi=110)
    plt.close(fig)
    return text + f"\n![{q.key}](figures/policy_{q.key}.png)\n\n"


def write_answers(final: pd.DataFrame, params: list[str], meta: Meta, out: Path) -> Path:
    """Write ``policy_questions.md`` and ``figures/policy_*.png`` into ``out``; returns the file."""
    text = header(meta, params)
    asked = {x for q in QUESTIONS for p in q.pairs for x in p}
    for i, q in enumerate(QUESTIONS, start=1):
        text += "\n" + section(i, q, final, params, meta, out / "figures")
        if q.key == "fad_sustained":
            text += "### What a year of gap costs\n\n" + cost_section(final) + "\n"
    others = [s for s in dict.fromkeys(final["label"]) if s not in asked]
    if others and BASELINE in set(final["label"]):
        comparisons = [compare(final, params, s, BASELINE, o) for s in others for o in CORE]
        text += "\n## Other scenarios in the sweep\n\n" + table(comparisons) + "\n"
    out.mkdir(parents=True, exist_ok=True)
    path = out / "policy_questions.md"
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Run (or reuse) the robust sweep and write the answers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, help="a finished robust sweep (nothing is run)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="where to write")
    args = parser.parse_args(argv)
    folder = args.results
    if folder is None:
        folder = ROOT / "results" / PRESET
        run_sweep(folder)
    elif not folder.is_dir():
        raise SystemExit(f"--results={folder}: no such folder; give a finished robust sweep")
    final, params, meta = load(folder)
    path = write_answers(final, params, meta, args.out)
    print(f"wrote {path} and {args.out / 'figures'}/policy_*.png", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
