"""Turn a results folder into a readable comparison: a summary and an outcome plot.

``alliancesim-report RESULTS`` (``make run`` calls it after the sweep) reads every finished
run under RESULTS with ``sim.results.load`` and writes, atomically, into that folder:
``summary.md`` and ``summary.csv`` (each scenario's effect against the baseline at the last
quarter, paired by seed, with a 90 % interval) and ``comparison.png`` (each key outcome over
time, mean and 90 % band across seeds, one colour per scenario).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from sim.results import ResultsError, load, write_atomically

KEY_OUTCOMES: dict[str, str] = {
    "tech_gap_years": "Technology gap to the frontier (years)",
    "domestic_market_share": "Domestic share of the global AI market",
    "startups_alive": "Startups alive",
    "collusion_risk": "Market share of alliances above the antitrust threshold",
    "share_open": "Share of firms in open alliances",
    "share_closed": "Share of firms in closed alliances",
}
# Okabe-Ito: a colour-blind-safe palette; one fixed colour per scenario position.
PALETTE = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#D55E00", "#0072B2", "#CC79A7")


def paired_effects(outcomes: pd.DataFrame, baseline: str = "baseline") -> pd.DataFrame:
    """Final-quarter effect of each scenario against the baseline, paired by seed.

    Returns mean, a 90 % normal interval of the mean difference
    (mean +/- 1.645 standard errors), and whether that interval excludes zero.
    """
    last = outcomes[outcomes["step"] == outcomes["step"].max()]
    base = last[last["scenario"] == baseline].set_index(["seed", "replicate"])
    rows = []
    for name, group in last.groupby("scenario", sort=False):
        g = group.set_index(["seed", "replicate"])
        for col in KEY_OUTCOMES:
            diff = (g[col] - base[col]).dropna()
            se = diff.std(ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else np.nan
            mean = diff.mean()
            rows.append(
                {
                    "scenario": name,
                    "outcome": col,
                    "final_mean": g[col].mean(),
                    "effect_vs_baseline": mean,
                    "ci90_low": mean - 1.645 * se,
                    "ci90_high": mean + 1.645 * se,
                    "distinguishable": bool(name != baseline and abs(mean) > 1.645 * se),
                }
            )
    return pd.DataFrame(rows)


def plot_comparison(outcomes: pd.DataFrame, path: Path) -> None:
    """Each key outcome over time: mean line and 90 % band across seeds, per scenario."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 3, figsize=(15, 8.5), constrained_layout=True)
    scenarios = list(dict.fromkeys(outcomes["scenario"]))
    for ax, (col, title) in zip(axes.flat, KEY_OUTCOMES.items(), strict=True):
        for i, name in enumerate(scenarios):
            by_step = outcomes[outcomes["scenario"] == name].groupby("step")[col]
            mean, low, high = by_step.mean(), by_step.quantile(0.05), by_step.quantile(0.95)
            colour = PALETTE[i % len(PALETTE)]
            ax.plot(mean.index / 4, mean.values, color=colour, label=name.replace("_", " "))
            ax.fill_between(mean.index / 4, low.values, high.values, color=colour, alpha=0.15)
        ax.set_title(title, fontsize=11)
        ax.set_xlabel("Years from start")
        ax.grid(alpha=0.3)
    axes.flat[0].legend(title="Scenario (line: mean; band: 90 % of seeds)", fontsize=9)
    fig.suptitle("Scenario comparison", fontsize=14)
    write_atomically(path, lambda tmp: fig.savefig(tmp, dpi=110, format=path.suffix[1:]))
    plt.close(fig)


def summary_markdown(effects: pd.DataFrame, replicates: int, steps: int) -> str:
    """A short readable summary of the paired effects."""
    lines = [
        "# Scenario comparison",
        "",
        f"{replicates} seeds per scenario (the same seeds for every scenario), {steps} quarters.",
        "Effect = scenario minus baseline at the last quarter, paired by seed; "
        "90 % interval of the mean difference.",
        "",
        "| scenario | outcome | final mean | effect vs baseline | 90 % interval | "
        "distinguishable from noise |",
        "|---|---|---:|---:|---|---|",
    ]
    for r in effects.itertuples():
        interval = f"[{r.ci90_low:.4g}, {r.ci90_high:.4g}]" if r.scenario != "baseline" else "-"
        verdict = ("yes" if r.distinguishable else "no") if r.scenario != "baseline" else "-"
        lines.append(
            f"| {r.scenario} | {r.outcome} | {r.final_mean:.4g} | "
            f"{r.effect_vs_baseline:+.4g} | {interval} | {verdict} |"
        )
    return "\n".join(lines) + "\n"


def scenario_labels(outcomes: pd.DataFrame) -> pd.Series:
    """One label per run: its scenario, or scenario and run folder when a scenario repeats."""
    runs = outcomes.groupby("scenario")["run"].nunique()
    repeated = outcomes["scenario"].map(runs) > 1
    labelled = outcomes["scenario"] + " (" + outcomes["run"] + ")"
    return outcomes["scenario"].where(~repeated, labelled)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``alliancesim-report RESULTS [--baseline NAME]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="a run, a sweep, or a folder of sweeps")
    parser.add_argument("--baseline", default="baseline", help="the scenario compared against")
    args = parser.parse_args(argv)
    try:
        outcomes = load(args.results)
    except ResultsError as error:
        print(f"alliancesim-report: error: {error}", file=sys.stderr)
        return 2
    outcomes = outcomes.assign(scenario=scenario_labels(outcomes))
    order = sorted(dict.fromkeys(outcomes["scenario"]), key=lambda n: n != args.baseline)
    outcomes["scenario"] = pd.Categorical(outcomes["scenario"], categories=order, ordered=True)
    outcomes = outcomes.sort_values(["scenario", "replicate", "step"], kind="stable")
    outcomes["scenario"] = outcomes["scenario"].astype(str)
    if args.baseline not in order:
        print(
            f"alliancesim-report: error: baseline={args.baseline!r} is not among the "
            f"scenarios; allowed: {', '.join(order)}",
            file=sys.stderr,
        )
        return 2
    effects = paired_effects(outcomes, baseline=args.baseline)
    out = args.results
    replicates = int(outcomes.groupby("scenario")["replicate"].nunique().min())
    text = summary_markdown(effects, replicates, int(outcomes["step"].max()))
    write_atomically(out / "summary.md", lambda tmp: tmp.write_text(text, encoding="utf-8"))
    write_atomically(out / "summary.csv", lambda tmp: effects.to_csv(tmp, index=False))
    plot_comparison(outcomes, out / "comparison.png")
    print(text)
    print(f"Wrote {out}/summary.md, summary.csv, comparison.png")
    return 0


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    sys.exit(main())
