"""Figures of the calibration (``docs/figures/calibration_*.png``).

The gap and national level against the SPRi record, the K-AI-like archetype's growth, the
joint uncertainty of the fitted parameters and, with ``--profile``, the refits at several
values of a parameter held fixed. Matplotlib is imported on use, with the ``Agg`` backend.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from sim.calibration.bootstrap import Uncertainty
from sim.calibration.spec import CalibrationSpec

START_YEAR = 2016  # the calendar year of step 0 (2016 Q1)
# Okabe-Ito (colour-blind safe)
BLUE, ORANGE, GREEN, VERMILLION, GREY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#666666"


def _band(ax: Any, x: np.ndarray, series: np.ndarray, colour: str, label: str) -> None:
    ax.fill_between(
        x,
        np.quantile(series, 0.05, axis=0),
        np.quantile(series, 0.95, axis=0),
        color=colour,
        alpha=0.2,
        lw=0,
        label=f"{label}: 90 % of seeds",
    )
    ax.plot(x, series.mean(axis=0), color=colour, lw=2.2, label=f"{label}: mean over seeds")


def plot_gap(fitted: np.ndarray, default: np.ndarray, spec: CalibrationSpec, path: Path) -> None:
    """Technology gap and national level over time, against the SPRi record."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    years = START_YEAR + np.arange(fitted.shape[2]) / 4
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5), constrained_layout=True)
    for ax, index, scale in ((left, 0, 1.0), (right, 1, 100.0)):
        ax.plot(
            years,
            default[:, index].mean(axis=0) * scale,
            color=GREY,
            ls="--",
            lw=1.6,
            label="before calibration (old defaults): mean over seeds",
        )
        _band(ax, years, fitted[:, index] * scale, BLUE, "calibrated")
        ax.axvspan(START_YEAR, START_YEAR + spec.steps / 4, color=ORANGE, alpha=0.07, lw=0)
        ax.set_xlabel("year (quarters from 2016 Q1)")
        ax.grid(alpha=0.3)
    for t in spec.targets:
        if t.output == "tech_gap_years":
            left.errorbar(
                START_YEAR + t.step / 4,
                t.value,
                yerr=t.sd,
                fmt="o",
                color=VERMILLION,
                ms=9,
                capsize=5,
                zorder=5,
            )
    left.plot([], [], "o", color=VERMILLION, label="SPRi record, fitted (bar: ± its sd)")
    left.set_ylabel("technology gap to the US (years)")
    left.set_title("Technology gap: model against the SPRi record")
    levels = [c for c in spec.checks if c.output == "national_level"]
    right.plot(
        [START_YEAR + c.step / 4 for c in levels],
        [c.value * 100 for c in levels],
        "s",
        mfc="white",
        mec=VERMILLION,
        mew=2,
        ms=9,
        label="SPRi level record, not fitted (a check)",
        zorder=5,
    )
    right.plot(START_YEAR, 73.9, "o", color=VERMILLION, ms=9, label="2016 level: sets the start")
    right.set_ylabel("national AI level (% of the US frontier)")
    right.set_title("National level: model against the SPRi record")
    for ax in (left, right):
        ax.legend(fontsize=8.5, loc="best")
    fig.suptitle(
        "Baseline on the korea_2016 world (shaded: the calibration window, 2016 to 2021)",
        fontsize=11,
    )
    fig.savefig(path, dpi=130)
    plt.close(fig)


def plot_archetype(
    fitted: np.ndarray, default: np.ndarray, spec: CalibrationSpec, path: Path
) -> None:
    """The K-AI-like archetype's partners over its first years, against the record."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    years = np.arange(fitted.shape[2]) / 4
    fig, ax = plt.subplots(figsize=(9, 5.2), constrained_layout=True)
    for series in fitted[:6, 2]:
        ax.plot(years, series, color=BLUE, lw=0.6, alpha=0.5)
    ax.plot([], [], color=BLUE, lw=0.6, alpha=0.5, label="calibrated: six single seeds")
    ax.plot(
        years,
        default[:, 2].mean(axis=0),
        color=GREY,
        ls="--",
        lw=1.6,
        label="before calibration (old defaults): mean over seeds",
    )
    _band(ax, years, fitted[:, 2], BLUE, "calibrated")
    record = [(0.0, 7), (4 / 12, 11), (19 / 12, 18)]
    ax.plot(
        [r[0] for r in record],
        [r[1] for r in record],
        "s",
        mfc="white",
        mec=VERMILLION,
        mew=2,
        ms=9,
        label="K-AI Alliance record (Feb 2023, Jun 2023, 2024)",
        zorder=5,
    )
    for t in spec.targets:
        if t.output == "archetype_partners":
            ax.errorbar(
                t.step / 4, t.value, yerr=t.sd, fmt="o", color=VERMILLION, ms=9, capsize=5, zorder=6
            )
    ax.plot([], [], "o", color=VERMILLION, label="fitted target: 18 after 2 years (± its sd)")
    ax.set_xlabel("years since the alliance was founded")
    ax.set_ylabel("partner firms (members other than the leader)")
    ax.set_title("K-AI-like archetype: partners over its first years, model against the record")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8.5, loc="upper right")
    fig.savefig(path, dpi=130)
    plt.close(fig)


def plot_uncertainty(
    spec: CalibrationSpec, values: np.ndarray, unc: Uncertainty, refits: np.ndarray, path: Path
) -> None:
    """Pairs of bootstrap draws of the fitted parameters (their joint uncertainty)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    names = [p.path.split(".")[-1] for p in spec.parameters]
    pairs = [(i, j) for i in range(len(names)) for j in range(i + 1, len(names))]
    fig, axes = plt.subplots(
        1, len(pairs), figsize=(4.6 * len(pairs), 4.4), constrained_layout=True, squeeze=False
    )
    for ax, (i, j) in zip(axes[0], pairs, strict=True):
        ax.scatter(
            unc.bootstrap[:, i],
            unc.bootstrap[:, j],
            s=4,
            alpha=0.25,
            color=BLUE,
            label="bootstrap: seeds and target uncertainty",
        )
        ax.scatter(
            unc.bootstrap_seeds[:, i],
            unc.bootstrap_seeds[:, j],
            s=4,
            alpha=0.35,
            color=ORANGE,
            label="bootstrap: seeds only",
        )
        if len(refits):
            ax.scatter(
                refits[:, i],
                refits[:, j],
                marker="D",
                s=40,
                color=GREEN,
                edgecolor="black",
                label="full refits on resampled seeds",
            )
        ax.plot(values[i], values[j], "*", ms=16, color=VERMILLION, mec="black", label="fit")
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.set_xlabel(names[i])
        ax.set_ylabel(names[j])
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=8, loc="best")
    fig.suptitle("How well the targets pin the fitted parameters down (each dot: one draw)")
    fig.savefig(path, dpi=130)
    plt.close(fig)


def plot_profile(
    profiles: list[tuple[float, np.ndarray, np.ndarray, float]],
    name: str,
    spec: CalibrationSpec,
    path: Path,
) -> None:
    """Gap trajectories after refitting at several values of a parameter held fixed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = (BLUE, ORANGE, GREEN, VERMILLION, "#CC79A7")
    styles = ("-", "--", ":", "-.", "-")
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5), constrained_layout=True)
    for n, (value, _values, outputs, fit_loss) in enumerate(profiles):
        years = START_YEAR + np.arange(outputs.shape[2]) / 4
        label = f"{name} = {value:g} (refitted, loss {fit_loss:.2f})"
        for ax, index, scale in ((left, 0, 1.0), (right, 1, 100.0)):
            ax.plot(
                years,
                outputs[:, index].mean(axis=0) * scale,
                color=colours[n % 5],
                ls=styles[n % 5],
                lw=2,
                label=label,
            )
    for t in spec.targets:
        if t.output == "tech_gap_years":
            left.errorbar(
                START_YEAR + t.step / 4, t.value, yerr=t.sd, fmt="o", color="black", capsize=5
            )
    levels = [c for c in spec.checks if c.output == "national_level"]
    right.plot(
        [START_YEAR + c.step / 4 for c in levels],
        [c.value * 100 for c in levels],
        "s",
        mfc="white",
        mec="black",
        mew=2,
        ms=8,
        label="SPRi level record (not fitted)",
    )
    left.set_ylabel("technology gap to the US (years)")
    right.set_ylabel("national AI level (% of the US frontier)")
    left.set_title("Gap: refitted at each value, the paths nearly coincide")
    right.set_title("National level under each refit")
    for ax in (left, right):
        ax.set_xlabel("year")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8.5)
    fig.savefig(path, dpi=130)
    plt.close(fig)
