"""Catch-up whose absorptive capacity own R&D buys: the 2016 path, policy, korea_2024 (finding 55).

The catch-up candidate of finding 53 transfers ``eps k (1 - k)`` a quarter to every unit behind
the frontier whatever its R&D, so R&D policy cannot move the transfer and its robust answers
shrink tenfold. ``model.growth.transfer_absorption_floor`` a0 below 1 makes the absorptive
capacity depend on own R&D as the spillovers' does, ``k (a0 + (1 - a0) x / (x + x_half))`` at
last quarter's effort x (x_half: ``model.growth.transfer_absorption_half_effort``; Cohen and
Levinthal 1989; Griffith, Redding and Van Reenen 2004). This script measures the
variant at a0 = 0 (no R&D, no absorption) and x_half = ``HALF`` beside the default and the
candidate, and prints:

0. for each x_half of a grid, the transfer that puts the 2021 gap at SPRi's 1.3 (bisection on
   the seeds' median), the national strategy's 2021 effect, and ``korea_2024``'s first year
   against years 2-5 (the consistent start's criterion: every seed within 0.15): the larger
   x_half, the more own R&D moves the transfer and the further ``korea_2024`` starts from rest;
1. the gap from 2016 (``korea_2016`` at ``gap_path_2016``'s start) for a grid of transfer
   rates, against SPRi's 2.2 (2016), 1.55-2.19 (2018, from the level), 1.3 (2021);
2. the gap effects in 2018, 2021 and 2023 of three policy scenarios on that path, under each
   learning model (the same seeds with and without the scenario);
3. ``korea_2024`` under the variant: the gap at quarters 0, 4, 8, 20 and 40, the first year's
   change against years 2-5 (the consistent start's criterion: within 0.15), and how many of
   the seven domains a conglomerate leads at home;
4. China's level in 2021 (``china_path_2016``, China's start x 0.85) against SPRi's 92.0 %.

About 12 minutes at 16 seeds on one core::

    .venv/bin/python docs/absorption_2016.py
    .venv/bin/python docs/absorption_2016.py --seeds 4 --transfers 0.21 --skip halves korea china
    .venv/bin/python docs/absorption_2016.py --seeds 8 --floors 0.25 --halves 0.02,0.05 \
        --skip paths policies korea china          # item 0 at another a0
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the other 2016 scripts beside this one
sys.path.insert(0, str(HERE.parent))

import china_path_2016 as china  # noqa: E402
import gap_path_2016 as gap_path  # noqa: E402

import sim  # noqa: E402
from sim.config.vocabulary import DOMESTIC, N_DOMAINS  # noqa: E402
from sim.engine.state import CONGLOMERATE  # noqa: E402

# x_half: the largest of the grid 0.005-0.05 whose korea_2024 start passes the consistent
# start's criterion (finding 55); the transfer: the grid's value whose 2021 gap is nearest 1.3
HALF = 0.005
TRANSFER = 0.21
SPRI = "SPRi: 2.2 (2016), 1.55-2.19 (2018, from the level), 1.3 (2021), level flat to 2022"
POLICIES = ("national_strategy", "public_compute", "mega_alliance")
KOREA_QUARTERS = (0, 4, 8, 20, 40)


def absorbing(transfer: float, half: float = HALF, floor: float = 0.0) -> tuple[str, ...]:
    """The variant's overrides: one rate per domain, absorption bought by own R&D (a0 = 0)."""
    return (
        "model.growth.common_learning_rate=true",
        f"model.growth.transfer_rate={transfer}",
        f"model.growth.transfer_absorption_floor={floor}",
        f"model.growth.transfer_absorption_half_effort={half}",
    )


def learning_models() -> dict[str, tuple[str, ...]]:
    """The default, finding 53's candidate and the variant, by label."""
    default, candidate = (tuple(o) for o in gap_path.models(0.16).values())
    return {
        "default (rates solved at rest)": default,
        "candidate: transfer 0.16, absorbing k": candidate,
        f"variant: transfer {TRANSFER}, own R&D (x_half {HALF})": absorbing(TRANSFER),
    }


def paths(overrides: Sequence[str], seeds: int) -> np.ndarray:
    """(seeds, gap_path.QUARTERS) gap in years on ``korea_2016`` at the 2016 scripts' start."""
    return gap_path.paths([gap_path.DOMESTIC_SCALE, *overrides], seeds)


def korea_rest(overrides: Sequence[str], seeds: int) -> np.ndarray:
    """(seeds, 3): ``korea_2024``'s gap at quarters 0, 4 and 20 under ``overrides``."""
    cfg = sim.compose(["world=korea_2024", "steps=20", *overrides])
    return np.array(
        [
            gap_path.gaps(sim.AllianceModel(cfg, seed=seed).run(), (0, 4, 20))
            for seed in np.random.SeedSequence(0).spawn(seeds)
        ]
    )


def matched_transfer(half: float, seeds: int, floor: float = 0.0, target: float = 1.3) -> float:
    """The transfer whose median 2021 gap from 2016 is ``target`` (8 bisection steps)."""
    i = gap_path.QUARTERS.index(20)
    low, high = 0.05, 1.0
    for _ in range(8):
        mid = 0.5 * (low + high)
        if np.median(paths(absorbing(mid, half, floor), seeds)[:, i]) > target:
            low = mid
        else:
            high = mid
    return round(0.5 * (low + high), 3)


def print_halves(halves: Sequence[float], seeds: int, floors: Sequence[float] = (0.0,)) -> None:
    """Item 0: what x_half (and a0) trade, each at the transfer matching SPRi's 2021 gap."""
    i = gap_path.QUARTERS.index(20)
    print(f"0. x_half and a0 against policy and korea_2024's rest ({seeds} seeds)")
    print(
        f"{'a0':>5s}{'x_half':>8s}{'transfer':>10s}{'2021 gap':>10s}{'strategy':>10s}"
        f"{'k24 year 1':>12s}{'years 2-5':>11s}{'largest diff':>14s}{'k24 q20':>9s}"
    )
    for floor, half in ((a, h) for a in floors for h in halves):
        eps = matched_transfer(half, seeds, floor)
        model = absorbing(eps, half, floor)
        base = paths(model, seeds)[:, i]
        policy = paths([*model, "scenario=national_strategy"], seeds)[:, i]
        g = korea_rest(model, seeds)
        first, later = g[:, 1] - g[:, 0], (g[:, 2] - g[:, 1]) / 4.0
        print(
            f"{floor:5.2f}{half:8.3f}{eps:10.3f}{np.median(base):10.2f}"
            f"{np.median(policy - base):+10.3f}"
            f"{np.median(first):+12.3f}{np.median(later):+11.3f}"
            f"{np.abs(first - later).max():14.3f}{np.median(g[:, 2]):9.2f}"
        )
    print()


def print_paths(transfers: Sequence[float], seeds: int) -> None:
    """Item 1: the variant's gap path for each transfer rate."""
    print(f"1. Gap from 2016 (years; median over {seeds} seeds). {SPRI}")
    print(f"{'transfer':>10s}" + "".join(f"{2016 + q // 4:>7d}" for q in gap_path.QUARTERS))
    for eps in transfers:
        med = np.median(paths(absorbing(eps), seeds), axis=0)
        print(f"{eps:>10.2f}" + "".join(f"{m:7.2f}" for m in med))


def print_policies(seeds: int) -> None:
    """Item 2: each policy's gap effect (scenario minus baseline, seed by seed)."""
    at = {year: gap_path.QUARTERS.index(4 * (year - 2016)) for year in (2018, 2021, 2023)}
    print(f"\n2. Policy effects on the 2016 path (years; median over {seeds} seeds, paired)")
    print(
        f"{'learning model':48s}{'scenario':20s}{'2021 base':>10s}"
        + "".join(f"{y:>8d}" for y in at)
    )
    for name, overrides in learning_models().items():
        base = paths(overrides, seeds)
        for policy in POLICIES:
            effect = np.median(paths([*overrides, f"scenario={policy}"], seeds) - base, axis=0)
            print(
                f"{name:48s}{policy:20s}{np.median(base[:, at[2021]]):10.2f}"
                + "".join(f"{effect[i]:+8.3f}" for i in at.values())
            )


def conglomerate_led(model: sim.AllianceModel) -> int:
    """How many domains' best domestic unit is a conglomerate."""
    f = model.firms
    led = 0
    for d in range(N_DOMAINS):  # seven domains, not a loop over firms
        home = np.flatnonzero(f.alive & (f.domain == d) & (f.region == DOMESTIC))
        led += bool(home.size) and f.kind[home[np.argmax(f.capability[home])]] == CONGLOMERATE
    return led


def print_korea(seeds: int) -> None:
    """Item 3: ``korea_2024`` under the variant, units where the world puts them."""
    cfg = sim.compose(["world=korea_2024", "steps=40", *absorbing(TRANSFER)])
    gaps, led = [], []
    for seed in np.random.SeedSequence(0).spawn(seeds):
        model = sim.AllianceModel(cfg, seed=seed)
        counts = [conglomerate_led(model)]
        for q in range(1, 41):
            model.step()
            if q in (8, 40):
                counts.append(conglomerate_led(model))
        gaps.append(gap_path.gaps(model, KOREA_QUARTERS))
        led.append(counts)
    g, c = np.array(gaps), np.array(led)
    first, later = g[:, 1] - g[:, 0], (g[:, 3] - g[:, 1]) / 4.0
    print(f"\n3. korea_2024 under the variant (transfer {TRANSFER}; {seeds} seeds)")
    print(
        "   gap at quarters "
        + ", ".join(f"{q}: {m:.2f}" for q, m in zip(KOREA_QUARTERS, np.median(g, 0), strict=True))
    )
    print(
        f"   first year {np.median(first):+.3f} against {np.median(later):+.3f} a year in years"
        f" 2-5 (largest difference {np.abs(first - later).max():.3f}; criterion 0.15)"
    )
    print(
        "   domains led at home by a conglomerate, quarters 0 / 8 / 40: "
        + " / ".join(f"{m:.1f}" for m in c.mean(0))
    )


def print_china(seeds: int) -> None:
    """Item 4: China's level in 2021, its start scaled to SPRi's 2016 level."""
    i = china.QUARTERS.index(20)
    with china.china_scaled(0.85):
        levels = china.path(absorbing(TRANSFER), seeds)[:, i]
    lo, hi = np.percentile(levels, [5, 95])
    print(
        f"\n4. China's level in 2021 under the variant: {np.median(levels):.1f} %"
        f" [{lo:.1f}-{hi:.1f}] (SPRi 92.0 %)"
    )


def main() -> int:
    """Print the five items."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=16)
    parser.add_argument("--halves", default="0.005,0.01,0.02,0.05", help="comma-separated")
    parser.add_argument("--floors", default="0", help="comma-separated a0 for item 0")
    parser.add_argument("--transfers", default="0.19,0.21,0.23", help="comma-separated eps")
    parser.add_argument(
        "--skip", nargs="*", default=[], choices=("halves", "paths", "policies", "korea", "china")
    )
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # the start's convergence warnings, one per run
    if "halves" not in args.skip:
        halves = [float(h) for h in args.halves.split(",")]
        print_halves(halves, args.seeds, [float(a) for a in args.floors.split(",")])
    if "paths" not in args.skip:
        print_paths([float(e) for e in args.transfers.split(",")], args.seeds)
    if "policies" not in args.skip:
        print_policies(args.seeds)
    if "korea" not in args.skip:
        print_korea(args.seeds)
    if "china" not in args.skip:
        print_china(args.seeds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
