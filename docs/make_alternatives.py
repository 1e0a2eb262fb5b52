"""Run the structural alternatives and write the answers page with them (docs/robust.md).

The answers page (``docs/policy_questions.md``, written by ``docs/make_policy_answers.py``)
ends with whether the robust answers hold under other structural assumptions. This script
holds the list of those alternatives (``ALTERNATIVES``: the one place it is kept), runs or
resumes each as a sweep of the main job's design with its overrides, four scenarios (every
scenario for the one marked ``every_scenario``) and one seed per world (the first of the main
job's seeds, so every run pairs with a main-job run),
into ``results/alternatives/<name>``, then writes the page from the main sweep and them::

    .venv/bin/python docs/make_alternatives.py                     # run or resume, then write
    .venv/bin/python docs/make_alternatives.py --results FOLDER    # the main sweep's folder
    .venv/bin/python docs/make_alternatives.py --list              # the alternatives only

Each alternative takes 3-15 minutes on two cores (12,000 foreign startups the longest).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SCENARIOS = ("baseline", "mega_alliance", "national_strategy", "public_compute")


@dataclass(frozen=True)
class Alternative:
    """One structural alternative: its label on the page, its folder and its overrides."""

    label: str
    name: str  # folder under results/alternatives
    overrides: tuple[str, ...]
    every_scenario: bool = False  # all the main job's scenarios, not only SCENARIOS


# the history fit under one learning rate per domain with catch-up 0.16, units not
# re-anchored (2026-12-06, docs/model.md finding 53): its adopted membership values
CATCH_UP_RECORD = ROOT / "configs/calibration/history_fits/korea_2024_2026-12-06_catch_up.yaml"
# that learning model: one rate per domain, catch-up 0.16, units where the world puts them
CATCH_UP = ("model.growth.common_learning_rate=true", "model.growth.transfer_rate=0.16")
# the catch-up whose absorptive capacity own R&D buys (docs/model.md finding 55,
# docs/absorption_2016.py): no absorption without R&D, half-way at 0.005 effort units, the
# transfer matching SPRi's 2021 gap from 2016; and the history fit under it
ABSORBING = (
    "model.growth.common_learning_rate=true",
    "model.growth.transfer_rate=0.21",
    "model.growth.transfer_absorption_floor=0",
    "model.growth.transfer_absorption_half_effort=0.005",
)
ABSORBING_RECORD = ROOT / "configs/calibration/history_fits/korea_2024_2026-12-06_absorbing.yaml"


def refitted(record: Path, declared: str = "default") -> tuple[str, ...]:
    """The overrides of a history fit's adopted values, less the keys the worlds set.

    Args:
        record: A history fit's result file (``adopted``: key -> value).
        declared: The uncertainty set whose keys each plausible world sets; a sweep refuses
            an override of them, so they keep each world's value.
    """
    import yaml

    from sim.config.uncertainty import load_uncertainty

    adopted = yaml.safe_load(record.read_text())["adopted"]
    worlds = {p.path for p in load_uncertainty(declared).parameters}
    return tuple(f"{key}={value}" for key, value in adopted.items() if key not in worlds)


ALTERNATIVES = (
    # the defaults on the alternatives' seed: every shift must be 0 (a check of the pairing)
    Alternative("defaults, 1 seed (check)", "defaults", ()),
    Alternative("foreign entry off", "no_foreign_entry", ("model.growth.foreign_entry=false",)),
    Alternative(
        "entrants' rates by home off",
        "no_rates_by_home",
        ("model.growth.entrant_rates_by_home=false",),
    ),
    Alternative(
        "both off (as before finding 47)",
        "neither",
        ("model.growth.foreign_entry=false", "model.growth.entrant_rates_by_home=false"),
    ),
    Alternative("6,000 foreign startups", "foreign_6000", ("world.n_foreign_startups=6000",)),
    Alternative("12,000 foreign startups", "foreign_12000", ("world.n_foreign_startups=12000",)),
    # Kolon Benit's partner programme coordinated as one group, as before finding 49
    Alternative(
        "hub-and-spoke off (before finding 49)", "no_hub", ("model.choice.hub_and_spoke=false",)
    ),
    # (a partner's link to the hub at a seat's full cost, the row before finding 50, is gone:
    # the link's share is a declared uncertain parameter since 2026-12-06, which each world
    # sets, so no alternative can fix it; the sweep refuses such an override)
    # the learning-rate assumption (finding 48's review, check (i)): one rate per domain, a
    # Nelson-Phelps catch-up transfer and every unit re-anchored at rest (docs/learning_rate.md)
    *(
        Alternative(
            f"one rate per domain, catch-up {t}",
            f"common_rate_{t.replace('.', '')}",
            (
                "model.growth.common_learning_rate=true",
                "model.growth.reanchored_start=true",
                f"model.growth.transfer_rate={t}",
            ),
            every_scenario=t == "0.16",  # the transfer whose start matches SPRi's 1.3 years
        )
        for t in ("0.16", "0.2", "0.3")
    ),
    # the same learning model with units where the world puts them (not re-anchored): the
    # variant whose path from 2016 matches SPRi's 2.2 -> 1.3 years (finding 53)
    Alternative(
        "one rate per domain, catch-up 0.16, not re-anchored",
        "common_rate_016_world_start",
        CATCH_UP,
    ),
    # the same, with the membership values the history matching refits under it (its
    # accepted medians, CATCH_UP_RECORD; finding 53): the candidate default. The fit's
    # coordination cost and hub link (0.0686, 0.382) are declared uncertain, so each world
    # keeps its own value of them
    Alternative(
        "one rate per domain, catch-up 0.16, not re-anchored, membership refitted",
        "common_rate_016_refit",
        (*CATCH_UP, *refitted(CATCH_UP_RECORD)),
    ),
    # the catch-up with absorption bought by own R&D, membership refitted under it (finding
    # 55): the candidate whose policy effects are not zero by construction
    Alternative(
        "catch-up 0.21 absorbed by own R&D, membership refitted",
        "absorbing_refit",
        (*ABSORBING, *refitted(ABSORBING_RECORD)),
    ),
    # depth's congestion (docs/model.md 6.7: depth falls as (n_wg / n)^e past a working group,
    # e = 0.5 an assumption): the mechanism that keeps free collaboration in balanced clubs
    # (docs/validation.md section 3); the larger e, the shallower a large alliance, the
    # mandated one among them
    *(
        Alternative(
            f"depth's size elasticity {e} (default 0.5)",
            f"depth_elasticity_{e.replace('.', '')}",
            (f"model.choice.depth_size_elasticity={e}",),
        )
        for e in ("0", "1")
    ),
)


def command(alternative: Alternative, folder: Path) -> list[str]:
    """The sweep of one alternative: the main job's design, four scenarios, one seed."""
    return [
        str(BIN / "alliancesim"),
        "-m",
        "sweep=policy_comparison",
        "hydra/launcher=joblib",
        "replicates=1",
        *([] if alternative.every_scenario else [f"scenario={','.join(SCENARIOS)}"]),
        *alternative.overrides,
        f"hydra.sweep.dir={folder}",
    ]


def run(alternatives: Sequence[Alternative], root: Path) -> dict[str, Path]:
    """Run or resume each alternative's sweep under ``root``; label -> folder."""
    folders = {}
    for alternative in alternatives:
        folder = root / alternative.name
        print(f"alternative '{alternative.label}' -> {folder}", file=sys.stderr)
        subprocess.run(command(alternative, folder), check=True, cwd=ROOT)
        folders[alternative.label] = folder
    return folders


def main(argv: Sequence[str] | None = None) -> int:
    """Run (or resume) the alternatives, then write the answers page with them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--results",
        type=Path,
        default=ROOT / "results" / "policy_comparison",
        help="the main job's finished sweep (make run)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="where to write")
    parser.add_argument("--list", action="store_true", help="print the alternatives and stop")
    args = parser.parse_args(argv)
    if args.list:
        for a in ALTERNATIVES:
            print(f"{a.label}: {' '.join(a.overrides) or '(the defaults)'}")
        return 0
    if not (args.results / "sweep.json").is_file():
        raise SystemExit(f"--results={args.results}: no finished sweep; run `make run` first")
    folders = run(ALTERNATIVES, ROOT / "results" / "alternatives")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import make_policy_answers

    given = [x for label, folder in folders.items() for x in ("--alternative", f"{label}={folder}")]
    return int(
        make_policy_answers.main(["--results", str(args.results), "--out", str(args.out), *given])
    )


if __name__ == "__main__":
    raise SystemExit(main())
