"""Regenerate the figures of docs/validation.md.

Run from the repository root (about 15 s):

    .venv/bin/python docs/figures/make_validation_figures.py

The model configurations come from tests/engine/validation_worlds.py, so the figures show exactly
what the tests check. Colours are the Okabe-Ito palette (safe for colour-blind readers),
and every series also differs by line style or marker.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BLUE, VERMILLION, GREEN, ORANGE, SKY, PURPLE, BLACK = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#E69F00",
    "#56B4E9",
    "#CC79A7",
    "#000000",
)
GJ_FIGURE_COSTS = (0.0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0)
GJ_FIGURE_SEEDS = tuple(range(8))


def validation_module() -> Any:
    """tests/engine/validation_worlds.py, imported from the repository root."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module("tests.engine.validation_worlds")


def daj_figure(v: Any, path: Path) -> None:
    """Effort against spillover, cooperative and not, formula and model step, n = 2 and 5."""
    from sim.engine.economics import rd_effort

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.6))
    grid = np.linspace(0.0, 1.0, 201)
    for ax, n in zip(axes, (2, 5), strict=True):
        p = v.daj_base(n).model.rnd
        args = (p.demand_intercept, p.unit_cost, p.demand_slope, p.rd_cost)
        ax.plot(
            grid, rd_effort(n, grid, *args, True), color=BLUE, lw=2, label="cooperative (formula)"
        )
        ax.plot(
            grid,
            rd_effort(n, grid, *args, False),
            color=VERMILLION,
            lw=2,
            ls="--",
            label="non-cooperative (formula)",
        )
        betas = np.asarray(v.DAJ_BETAS)
        coop = [v.daj_model_effort(n, b, True)[0] for b in betas]
        non = [v.daj_model_effort(n, b, False)[0] for b in betas]
        ax.plot(
            betas, coop, "o", color=BLUE, mfc="white", ms=7, label="alliance member (model step)"
        )
        ax.plot(
            betas, non, "s", color=VERMILLION, mfc="white", ms=6, label="firm alone (model step)"
        )
        ax.axvline(0.5, color=BLACK, lw=1, ls=":")
        ax.annotate(
            "β = 1/2",
            (0.5, 0.02),
            xycoords=("data", "axes fraction"),
            xytext=(4, 0),
            textcoords="offset points",
        )
        ax.set_title(f"n = {n} firms (a={args[0]:g}, A={args[1]:g}, b={args[2]:g}, γ={args[3]:g})")
        ax.set_xlabel("spillover β (share of a partner's effort that lowers your cost)")
        ax.set_ylabel("R&D effort x per firm (knowledge units / quarter)")
        ax.grid(alpha=0.3)
    axes[0].legend(loc="upper left", fontsize=8.5)
    fig.suptitle(
        "d'Aspremont–Jacquemin: cooperative R&D exceeds non-cooperative exactly when β > 1/2"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)


def landscape_figure(path: Path) -> None:
    """Energy traces of best-response runs.

    Left: a small instance, against the energies of its brute-force local minima. Right:
    the firms of a synthetic model world, with two and four sides.
    """
    import sim
    from sim.analysis import landscape
    from sim.config.schema import ChoiceParams

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.6))
    rng = np.random.default_rng(1)
    n = 8
    sizes = rng.uniform(0.5, 2.0, n)
    magnitude = rng.uniform(0.1, 1.0, (n, n))
    p = np.triu(magnitude * np.where(rng.random((n, n)) < 0.8, -1.0, 1.0), 1)
    p = p + p.T
    stable = landscape.local_minima(sizes, p)
    minima = np.unique(np.round(landscape.energy(stable, sizes, p), 9))
    ax = axes[0]
    for value in minima:
        ax.axhline(value, color=GREEN, lw=1, ls=":")
    label = f"local minima by brute force ({len(stable) // 2} splits)"
    ax.plot([], [], color=GREEN, lw=1, ls=":", label=label)
    for r in range(25):
        _, trace = landscape.settle(rng.integers(0, 2, n), sizes, p, rng, trace=True)
        ax.plot(
            trace,
            color=BLUE,
            alpha=0.6,
            marker=".",
            label="runs from random starts" if r == 0 else None,
        )
    ax.set_title(f"random instance, n = {n} firms, two sides")
    ax.set_xlabel("moves (one firm at a time)")
    ax.set_ylabel("energy E = Σ_i Σ_j s_i s_j p_ij d_ij (size² × propensity)")
    ax.legend(fontsize=8.5)
    ax.grid(alpha=0.3)

    cfg = sim.compose(
        ["world=synthetic", "world.n_startups=120", "world.n_foreign=4", "world.n_conglomerates=6"]
    )
    model = sim.AllianceModel(cfg, seed=2)
    sizes, p = landscape.firm_propensity(model.firms, ChoiceParams())
    ax = axes[1]
    for k, color, style in ((2, BLUE, "-"), (4, VERMILLION, "--")):
        for r in range(5):
            _, trace = landscape.settle(
                rng.integers(0, k, sizes.size), sizes, p, rng, k=k, trace=True
            )
            ax.plot(
                trace, color=color, ls=style, alpha=0.8, label=f"k = {k} sides" if r == 0 else None
            )
    ax.set_title(f"synthetic world, {sizes.size} firms (rivalry + affinity)")
    ax.set_xlabel("moves (one firm at a time)")
    ax.set_ylabel("energy E (capability² × propensity)")
    ax.legend(fontsize=8.5)
    ax.grid(alpha=0.3)
    fig.suptitle(
        "Axelrod–Bennett landscape: energy never rises; every run stops in a local minimum"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)


def goyal_joshi_figure(v: Any, path: Path) -> None:
    """Largest alliance and firms alone against the membership fee; share alone over time."""
    runs = {fee: [v.goyal_joshi_run(fee, s) for s in GJ_FIGURE_SEEDS] for fee in GJ_FIGURE_COSTS}
    fees = np.asarray(GJ_FIGURE_COSTS)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.6))
    ax = axes[0]
    for key, color, style, marker, label in (
        ("largest_share", BLUE, "-", "o", "in the largest alliance"),
        ("share_alone", VERMILLION, "--", "s", "alone (isolated)"),
    ):
        values = np.array([[r[key] for r in runs[fee]] for fee in fees])
        ax.fill_between(fees, values.min(1), values.max(1), color=color, alpha=0.2, lw=0)
        ax.plot(fees, values.mean(1), color=color, ls=style, marker=marker, label=label)
    ax.set_xlabel("membership fee (cost of collaborating, USD m per quarter)")
    ax.set_ylabel("share of alive firms after 24 quarters")
    ax.set_ylim(-0.02, 1.02)
    single = all(r["n_alliances"] == 1 for rs in runs.values() for r in rs)
    ax.set_title(
        f"mean and range over {len(GJ_FIGURE_SEEDS)} seeds"
        + ("; one alliance in every run" if single else "")
    )
    ax.legend(fontsize=8.5)
    ax.grid(alpha=0.3)
    ax = axes[1]
    shown = (
        (0.0, BLACK, "-"),
        (0.05, BLUE, "--"),
        (0.1, GREEN, "-."),
        (0.2, ORANGE, ":"),
        (0.5, VERMILLION, "-"),
        (1.0, PURPLE, "--"),
    )
    for fee, color, style in shown:
        path_mean = np.mean([r["share_alone_path"] for r in runs[fee]], axis=0)
        ax.plot(path_mean, color=color, ls=style, lw=2, label=f"{fee:g}")
    ax.set_xlabel("quarter")
    ax.set_ylabel("share of alive firms alone (mean over seeds)")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title("settling from six small alliances")
    ax.legend(
        fontsize=8.5,
        title="fee, USD m / quarter",
        title_fontsize=8.5,
        loc="center left",
        bbox_to_anchor=(1.01, 0.5),
    )
    ax.grid(alpha=0.3)
    fig.suptitle(
        "Goyal–Joshi: free collaboration → one alliance of all; "
        "costly → a dominant group and isolated firms"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)


def main() -> None:
    """Write the three PNG files next to this script."""
    v = validation_module()
    daj_figure(v, HERE / "daj_effort.png")
    landscape_figure(HERE / "landscape_energy.png")
    goyal_joshi_figure(v, HERE / "goyal_joshi.png")
    for name in ("daj_effort.png", "landscape_energy.png", "goyal_joshi.png"):
        print(HERE / name)


if __name__ == "__main__":
    main()
