"""Draw Korea's gap and China's level from 2016 under three learning models (findings 53, 55).

One figure for the decision in ``docs/learning_rate.md``: the paths of
``docs/gap_path_2016.py`` (Korea's gap in years) and ``docs/china_path_2016.py`` (China's
level, its start scaled to SPRi's 71 %) under the default learning model, the catch-up
transfer and the catch-up whose absorption own R&D buys (``docs/absorption_2016.py``, finding
55), each as the median and the band of 90 % of seeds, with SPRi's points; and Korea's
gap under the default with the policy ``docs/drivers_2016.py`` finds needed to reach 2021's
1.3 (the national strategy with compute support at 45 % of every firm's R&D cost, from 2016;
finding 54), with 2018's point read from SPRi's level. Writes
``docs/figures/learning_paths_2016.png``; about 3 minutes with 16 seeds::

    .venv/bin/python docs/learning_paths_figure.py
    .venv/bin/python docs/learning_paths_figure.py --seeds 4 --out /tmp/paths.png
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the two path scripts beside this one
sys.path.insert(0, str(HERE.parent))

import absorption_2016 as absorption  # noqa: E402
import china_path_2016 as china  # noqa: E402
import drivers_2016 as drivers  # noqa: E402
import gap_path_2016 as korea  # noqa: E402

FIGURE = HERE / "figures" / "learning_paths_2016.png"
CHINA_SCALE = 0.85  # China's start at about 71 % (SPRi 71.3 %; china_path_2016.py)
COLOURS = ("tab:red", "tab:blue", "tab:purple")  # default, catch-up, absorbing own R&D
POLICY = "... compute 45 % for every firm"  # the row of drivers_2016 drawn on Korea's panel
POLICY_LABEL = "default + strategy, compute 45 %, from 2016"


def draw(
    korea_paths: list[np.ndarray],
    china_paths: list[np.ndarray],
    labels: list[str],
    out: Path,
    policy_path: np.ndarray | None = None,
) -> None:
    """Two panels: Korea's gap (years) and China's level (%), one band per learning model.

    ``policy_path``: Korea's gaps (seeds, ``korea.QUARTERS``) under the default with the
    policy of ``POLICY``, drawn dashed on the left panel.
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    for ax, paths, quarters in (
        (left, korea_paths, korea.QUARTERS),
        (right, china_paths, china.QUARTERS),
    ):
        years = 2016 + np.asarray(quarters) / 4
        for values, label, colour in zip(paths, labels, COLOURS[: len(labels)], strict=True):
            low, mid, high = np.percentile(values, [5, 50, 95], axis=0)
            ax.fill_between(years, low, high, color=colour, alpha=0.2, lw=0)
            ax.plot(years, mid, color=colour, lw=1.8, label=label)
        ax.grid(alpha=0.3)
        ax.set_xlabel("year (first quarter)")
    if policy_path is not None:
        years = 2016 + np.asarray(korea.QUARTERS) / 4
        low, mid, high = np.percentile(policy_path, [5, 50, 95], axis=0)
        left.fill_between(years, low, high, color="tab:green", alpha=0.15, lw=0)
        left.plot(years, mid, color="tab:green", lw=1.8, ls="--", label=POLICY_LABEL)
    spri_korea = [(2016 + q / 4, v) for q, v in korea.TARGETS.items()]
    left.plot(*zip(*spri_korea, strict=True), "ko", ms=7, label="SPRi (reported)")
    low, high = drivers.SPRI_2018, drivers.SPRI_2018_HIGH  # the range its conversion spans
    left.errorbar(
        2018,
        low,
        yerr=[[0.0], [high - low]],
        fmt="o",
        mfc="none",
        mec="k",
        ecolor="k",
        capsize=3,
        ms=7,
        label="SPRi 2018, from its level (range: frontier growth)",
    )
    left.set_ylabel("Korea's gap to the frontier, years")
    left.set_title("Korea: SPRi 2.2 years (2016) -> 1.3 (2021; 2022: a sub-field)", fontsize=10)
    spri_china = [(2016 + q / 4, v) for q, v in china.SPRI.items()]
    right.plot(*zip(*spri_china, strict=True), "ko", ms=7, label="SPRi (reported)")
    right.set_ylabel("China's level, % of the frontier")
    right.set_title(
        f"China (its start x {CHINA_SCALE}): SPRi 71.3 % (2016) -> 92.0 % (2021)", fontsize=10
    )
    left.legend(fontsize=8, loc="lower left")
    fig.suptitle(
        "Learning models from a 2016 start, and the default with strong policy "
        "(korea_2016; median and 90 % of seeds)",
        fontsize=11,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)


def main() -> int:
    """Run both scripts' paths under each learning model and draw them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=16)
    parser.add_argument("--out", type=Path, default=FIGURE)
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # the start's convergence warnings, one per run
    variant = f"transfer {absorption.TRANSFER}, absorbed by own R&D (x_half {absorption.HALF})"
    models = {**korea.models(0.16), variant: absorption.absorbing(absorption.TRANSFER)}
    korea_paths = [korea.paths([korea.DOMESTIC_SCALE, *o], args.seeds) for o in models.values()]
    policy = korea.paths([korea.DOMESTIC_SCALE, *drivers.DRIVERS[POLICY]], args.seeds)
    with china.china_scaled(CHINA_SCALE):
        china_paths = [china.path(o, args.seeds) for o in (*china.MODELS.values(), models[variant])]
    draw(korea_paths, china_paths, list(models), args.out, policy)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
