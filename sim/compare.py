"""Quick scenario comparison: every scenario on the same seeds, a plot and a summary.

``python -m sim.compare`` (what ``make run`` calls) runs each scenario over replicate
seeds spawned from one root seed, so every scenario meets the same random worlds (common
random numbers) and differences against the baseline are paired by seed. It writes
``outcomes.csv``, ``summary.md`` and ``comparison.png`` into the output folder, each
atomically (temporary file, then rename).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from sim.composition import CONFIG_DIR, compose
from sim.config import ConfigError
from sim.model import AllianceModel

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


def available_scenarios() -> list[str]:
    """Scenario names found in ``configs/scenario``, baseline first."""
    names = sorted(p.stem for p in (CONFIG_DIR / "scenario").glob("*.yaml"))
    return sorted(names, key=lambda n: n != "baseline")


def run_comparison(
    scenarios: Sequence[str],
    replicates: int,
    overrides: Sequence[str] = (),
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Run every scenario on the same replicate seeds; return all per-step outcomes.

    Args:
        scenarios: Scenario config names.
        replicates: Seeds per scenario, spawned from the config's root seed.
        overrides: Further config overrides (e.g. ``steps=20``).
        progress: Called with 1 after each run (for a progress bar).
    """
    frames = []
    for name in scenarios:
        cfg = compose([f"scenario={name}", *overrides])
        children = np.random.SeedSequence(cfg.seed).spawn(replicates)
        for replicate, child in enumerate(children):
            model = AllianceModel(cfg, seed=child).run()
            df = model.datacollector.get_model_vars_dataframe()
            frames.append(df.assign(scenario=name, replicate=replicate, seed=cfg.seed))
            if progress:
                progress(1)
    return pd.concat(frames, ignore_index=True)


def paired_effects(outcomes: pd.DataFrame, baseline: str = "baseline") -> pd.DataFrame:
    """Final-quarter effect of each scenario against the baseline, paired by replicate.

    Returns mean, a 90 % percentile-bootstrap-free normal interval of the mean difference
    (mean +/- 1.645 standard errors), and whether that interval excludes zero.
    """
    last = outcomes[outcomes["step"] == outcomes["step"].max()]
    base = last[last["scenario"] == baseline].set_index("replicate")
    rows = []
    for name, group in last.groupby("scenario", sort=False):
        g = group.set_index("replicate")
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
    fig.suptitle("Scenario comparison on the default world", fontsize=14)
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


def write_atomically(path: Path, write: Callable[[str], None]) -> None:
    """Call ``write(tmp_path)`` then rename the temporary file onto ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m sim.compare [--replicates N] [overrides ...]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("overrides", nargs="*", help="config overrides, e.g. steps=20")
    parser.add_argument("--replicates", type=int, default=12)
    parser.add_argument("--scenarios", nargs="*", default=None)
    parser.add_argument("--out", type=Path, default=Path("results/quick_comparison"))
    args = parser.parse_args(argv)
    scenarios = args.scenarios or available_scenarios()
    unknown = sorted(set(scenarios) - set(available_scenarios()))
    try:
        if unknown:
            raise ConfigError(
                f"scenario={','.join(unknown)} is unknown; allowed: "
                f"{', '.join(available_scenarios())}"
            )
        if args.replicates < 1:
            raise ConfigError(f"replicates={args.replicates} is out of range; allowed: >= 1")
        cfg = compose(list(args.overrides))  # validate before any work is done
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    from tqdm import tqdm

    total = len(scenarios) * args.replicates
    with tqdm(total=total, desc="runs", disable=not sys.stderr.isatty()) as bar:
        outcomes = run_comparison(scenarios, args.replicates, args.overrides, bar.update)
    effects = paired_effects(outcomes, baseline=scenarios[0])
    out = args.out
    write_atomically(out / "outcomes.csv", lambda tmp: outcomes.to_csv(tmp, index=False))
    text = summary_markdown(effects, args.replicates, cfg.steps)
    write_atomically(out / "summary.md", lambda tmp: Path(tmp).write_text(text))
    plot_comparison(outcomes, out / "comparison.png")
    print(text)
    print(f"Wrote {out}/outcomes.csv, summary.md, comparison.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
