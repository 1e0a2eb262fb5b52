"""China's level path from 2016 under version 2's two learning models (docs/model.md finding 53).

SPRi's survey that gives Korea's 2.2 -> 1.3 years also gives China's level against the US:
71.3 % in 2016 and 92.0 % in 2021 at the basic stage, 71.7 -> 94.2 % in commercialisation
(``scenarios/worlds/data/korea_2016.yaml``, source ``etnews_2023_04``). Neither learning model
was set on China, so its path is a check the transfer of 0.16 was not chosen for. This script
runs the baseline on ``korea_2016`` (domestic capabilities scaled by 0.84, as
``docs/gap_path_2016.py`` chooses) and prints China's level, ``sum_d w_d k^China_d`` over the
domains where the world has a Chinese unit (foundation models, cloud, applications, telecom:
the world has none in chips, data or robotics, so a level over all seven would count those as
0), with the world market weights renormalised over them, every year to 2023 Q1.

The world's Chinese capabilities (0.72-0.80, assumptions chosen for version 1's top-three
measure) put China at about 83.5 % at the start, above SPRi's 71.3 %, as Korea's were above
its 73.9 % before their scale. ``--china-scale 0.85`` multiplies the Chinese units' starting
capabilities too (inside this script only: the product has no such knob), which puts the
start at about 71 %. About 1 s a run::

    .venv/bin/python docs/china_path_2016.py                     # 16 seeds, China unscaled
    .venv/bin/python docs/china_path_2016.py --china-scale 0.85  # China's start near 71 %
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # gap_path_2016, beside this one

from gap_path_2016 import DOMESTIC_SCALE, models

import scenarios.worlds.korea_2016 as korea_2016
import sim
from sim.config.vocabulary import DOMAINS, REGIONS
from sim.config.world import WorldConfig
from sim.engine.state import FirmState

QUARTERS = (0, 4, 8, 12, 16, 20, 24, 28)  # 2016 Q1 .. 2023 Q1
SPRI = {0: 71.3, 20: 92.0}  # China, basic stage, % of the US (2016, 2021)
CHINA = REGIONS.index("china")
CHINA_DOMAINS = ("foundation_models", "cloud_infrastructure", "applications_services", "telecom")
MODELS = models(0.16)  # gap_path_2016's two learning models, the transfer set on korea_2024


@contextmanager
def china_scaled(scale: float) -> Iterator[None]:
    """While open, ``korea_2016`` also multiplies the Chinese units' capabilities by ``scale``."""
    original = korea_2016.scale_domestic

    def scaled(firms: FirmState, cfg: WorldConfig) -> None:
        original(firms, cfg)
        rows = firms.region == CHINA
        firms.capability[rows] = firms.capability[rows] * scale

    korea_2016.scale_domestic = scaled
    try:
        yield
    finally:
        korea_2016.scale_domestic = original


def china_level(model: sim.AllianceModel) -> float:
    """China's level (%): its best unit per domain over ``CHINA_DOMAINS``, market-weighted."""
    f = model.firms
    rows = f.alive & (f.region == CHINA)
    best = np.zeros(len(DOMAINS))
    np.maximum.at(best, f.domain[rows].astype(np.int64), f.capability[rows])
    keep = np.isin(np.array(DOMAINS), CHINA_DOMAINS)
    w = np.asarray(model.params.growth.domain_market_weights, dtype=np.float64)[keep]
    return float(100.0 * (w @ best[keep]) / w.sum())


def path(overrides: tuple[str, ...], seeds: int) -> np.ndarray:
    """(seeds, QUARTERS) China's level of the baseline on korea_2016 under ``overrides``."""
    cfg = sim.compose(["world=korea_2016", f"steps={max(QUARTERS)}", DOMESTIC_SCALE, *overrides])
    out = []
    for seed in np.random.SeedSequence(0).spawn(seeds):
        model = sim.AllianceModel(cfg, seed=seed)
        levels = [china_level(model)]
        for q in range(1, max(QUARTERS) + 1):
            model.step()
            if q in QUARTERS:
                levels.append(china_level(model))
        out.append(levels)
    return np.array(out)


def main() -> int:
    """Print China's level path under each learning model against SPRi's two points."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=16)
    parser.add_argument("--china-scale", type=float, default=1.0)
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # the start's convergence warnings, one per run
    print(f"China's level (% of the frontier), China's start x {args.china_scale}")
    print(f"{'':38s}" + "  ".join(f"{2016 + q // 4} Q1" for q in QUARTERS))
    with china_scaled(args.china_scale):
        for name, overrides in MODELS.items():
            levels = path(overrides, args.seeds)
            med = np.median(levels, axis=0)
            lo, hi = np.percentile(levels, [5, 95], axis=0)
            print(f"{name:38s}" + "  ".join(f"{m:7.1f}" for m in med))
            for q, target in SPRI.items():
                i = QUARTERS.index(q)
                print(
                    f"    {2016 + q // 4} Q1: SPRi {target}, model {med[i]:.1f} "
                    f"[5-95 %: {lo[i]:.1f}-{hi[i]:.1f}]"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
