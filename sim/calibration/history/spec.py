"""What the history matching fits (``configs/calibration/korea_2024_history.yaml``).

The specification holds no target values: those come from the world's facts file
(``targets.py``). It says how far off each reported point may be (its tolerance in
``log(1 + members)`` units), which points are held out, how long a last report is assumed to
hold, the weights of the leader and regime penalties, the free parameters with their bounds,
and the budget (seeds, trials). ``load_spec`` reads and checks it; a bad entry raises
``ValueError`` with one line naming the key, the value and what is allowed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sim.calibration.spec import ROOT

SPEC_FILE = ROOT / "configs" / "calibration" / "korea_2024_history.yaml"
RESULT_FILE = ROOT / "configs" / "calibration" / "korea_2024_history_result.yaml"


@dataclass(frozen=True)
class PointRule:
    """How to read one reported point (alliance, date) of the facts file.

    Attributes:
        tolerance: How far off the model may be, in ``log(1 + members)`` units (> 0).
        hold_until: A later date up to which the point is assumed to hold ("" = its own
            date, or its year for a year-only date).
    """

    tolerance: float
    hold_until: str = ""


@dataclass(frozen=True)
class HistoryParameter:
    """A free parameter: dotted path in ``RunConfig``, bounds, scale.

    Attributes:
        path: E.g. ``"model.choice.fee_closed"``.
        low: Lower bound (inclusive).
        high: Upper bound (inclusive, > low).
        log: Search on a log scale (needs low > 0).
        integer: Draw integers.
    """

    path: str
    low: float
    high: float
    log: bool = False
    integer: bool = False


@dataclass
class HistorySpec:
    """What to fit, how far off it may be, what the search moves, and its budget."""

    parameters: list[HistoryParameter]
    points: dict[str, dict[str, PointRule]] = field(default_factory=dict)
    held_out: list[tuple[str, str]] = field(default_factory=list)
    default_tolerance: float = 0.15
    world: str = "korea_2024"
    scenario: str = "baseline"
    overrides: list[str] = field(default_factory=list)
    last_date: str = "2025-10"
    seeds: int = 4
    root_seed: int = 0
    trials: int = 32
    sampler_seed: int = 0
    startup_trials: int = 10
    abc_quantile: float = 0.2
    leader_weight: float = 10.0
    regime_weight: float = 10.0
    composition: tuple[float, float] | None = None  # (cap, tolerance) of loss.excess
    adopt: str = "best"  # the values to adopt as defaults: "best" trial or "accepted_median"
    rescore_seeds: int = 0  # re-score defaults, best and adopted on this many new seeds (0: no)
    rescore_root_seed: int = 1  # SeedSequence(rescore_root_seed): seeds the search never saw
    # keep the defaults unless what the fit adopts also scores below them on the re-score's
    # seeds (the best of many noisy candidates is partly luck on the fit's seeds)
    adopt_only_if_better: bool = False
    # compare what the fit would adopt with the defaults on the re-score's seeds by a paired
    # bootstrap over seeds (``paired.paired_bootstrap``); with the guard, adopt only if the
    # difference's interval lies below 0 (0 resamples: the guard compares the point losses)
    bootstrap_resamples: int = 0
    bootstrap_level: float = 0.9

    @property
    def paths(self) -> list[str]:
        """Dotted paths of the free parameters, in order."""
        return [p.path for p in self.parameters]

    def rule(self, alliance: str, date: str) -> PointRule:
        """The rule of one reported point (the default tolerance if none is listed)."""
        return self.points.get(alliance, {}).get(date, PointRule(self.default_tolerance))


def _positive(key: str, value: Any) -> float:
    x = float(value)
    if not (math.isfinite(x) and x > 0):
        raise ValueError(f"{key}={value!r} is not allowed; allowed: a finite number > 0")
    return x


def _nonnegative(key: str, value: Any) -> float:
    x = float(value)
    if not (math.isfinite(x) and x >= 0):
        raise ValueError(f"{key}={value!r} is not allowed; allowed: a finite number >= 0")
    return x


def _count(key: str, value: Any, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"{key}={value!r} is not allowed; allowed: an integer >= {low}")
    return value


def _parameter(raw: dict[str, Any]) -> HistoryParameter:
    p = HistoryParameter(
        path=str(raw["path"]),
        low=float(raw["low"]),
        high=float(raw["high"]),
        log=bool(raw.get("log", False)),
        integer=bool(raw.get("int", False)),
    )
    key = f"parameters[{p.path}]"
    if not (math.isfinite(p.low) and math.isfinite(p.high) and p.low < p.high):
        raise ValueError(f"{key} bounds [{p.low}, {p.high}]; allowed: finite, low < high")
    if p.log and p.low <= 0:
        raise ValueError(f"{key} low={p.low} with log: true; allowed: low > 0")
    return p


def _points(raw: dict[str, Any]) -> dict[str, dict[str, PointRule]]:
    points: dict[str, dict[str, PointRule]] = {}
    for alliance, dates in (raw or {}).items():
        points[str(alliance)] = {
            str(date): PointRule(
                tolerance=_positive(f"points[{alliance}][{date}].tolerance", rule["tolerance"]),
                hold_until=str(rule.get("hold_until", "")),
            )
            for date, rule in dates.items()
        }
    return points


def load_spec(path: Path | str = SPEC_FILE) -> HistorySpec:
    """Read and check a history-matching specification from YAML.

    Args:
        path: The file (``configs/calibration/korea_2024_history.yaml`` by default).

    Returns:
        The specification.

    Raises:
        ValueError: The file is missing, or an entry is out of range (one line naming it).
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"spec={str(path)!r} is not a file; allowed: a YAML spec file")
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not raw.get("parameters"):
        raise ValueError(f"parameters in {path} is empty; allowed: at least one free parameter")
    quantile = float(raw.get("abc_quantile", 0.2))
    if not 0.0 < quantile <= 1.0:
        raise ValueError(f"abc_quantile={quantile} is not allowed; allowed: in (0, 1]")
    return HistorySpec(
        parameters=[_parameter(p) for p in raw["parameters"]],
        points=_points(raw.get("points", {})),
        held_out=[(str(h["alliance"]), str(h["date"])) for h in raw.get("held_out", [])],
        default_tolerance=_positive("default_tolerance", raw.get("default_tolerance", 0.15)),
        world=str(raw.get("world", "korea_2024")),
        scenario=str(raw.get("scenario", "baseline")),
        overrides=[str(o) for o in raw.get("overrides", [])],
        last_date=str(raw.get("last_date", "2025-10")),
        seeds=_count("seeds", raw.get("seeds", 4)),
        root_seed=_count("root_seed", raw.get("root_seed", 0), low=0),
        trials=_count("trials", raw.get("trials", 32)),
        sampler_seed=_count("sampler_seed", raw.get("sampler_seed", 0), low=0),
        startup_trials=_count("startup_trials", raw.get("startup_trials", 10)),
        abc_quantile=quantile,
        leader_weight=_nonnegative("leader_weight", raw.get("leader_weight", 10.0)),
        regime_weight=_nonnegative("regime_weight", raw.get("regime_weight", 10.0)),
        composition=_composition(raw.get("composition")),
        **_adoption(raw),
    )


ADOPT = ("best", "accepted_median")
"""What a history fit adopts: the best trial, or the ABC-accepted candidates' medians."""


def _adoption(raw: dict[str, Any]) -> dict[str, Any]:
    """``adopt``, the re-score's seeds, ``adopt_only_if_better`` and its bootstrap."""
    adopt = str(raw.get("adopt", "best"))
    if adopt not in ADOPT:
        raise ValueError(f"adopt={adopt!r} is not allowed; allowed: {', '.join(ADOPT)}")
    n = _count("rescore_seeds", raw.get("rescore_seeds", 0), low=0)
    root = _count("rescore_root_seed", raw.get("rescore_root_seed", 1), low=0)
    if n and root == raw.get("root_seed", 0):
        raise ValueError(
            f"rescore_root_seed={root} is not allowed; allowed: a seed other than root_seed "
            "(the re-score runs seeds the search never saw)"
        )
    guard = raw.get("adopt_only_if_better", False)
    if not isinstance(guard, bool) or (guard and not n):
        raise ValueError(
            f"adopt_only_if_better={guard!r} is not allowed; allowed: true (with rescore_seeds "
            "> 0, the seeds it compares on) or false"
        )
    resamples = _count("bootstrap_resamples", raw.get("bootstrap_resamples", 0), low=0)
    if resamples and not n:
        raise ValueError(
            f"bootstrap_resamples={resamples} is not allowed; allowed: 0 without rescore_seeds "
            "(the bootstrap resamples the re-score's seeds)"
        )
    given = raw.get("bootstrap_level", 0.9)
    number = isinstance(given, int | float) and not isinstance(given, bool)
    level = float(given) if number else math.nan
    if not 0.0 < level < 1.0:
        raise ValueError(f"bootstrap_level={given!r} is not allowed; allowed: a number in (0, 1)")
    return {
        "adopt": adopt,
        "rescore_seeds": n,
        "rescore_root_seed": root,
        "adopt_only_if_better": guard,
        "bootstrap_resamples": resamples,
        "bootstrap_level": level,
    }


def _composition(raw: Any) -> tuple[float, float] | None:
    """``composition: {cap, tolerance}``: the home country's share foreign-led alliances allow."""
    if raw is None:
        return None
    cap = _nonnegative("composition.cap", raw.get("cap"))
    if cap > 1.0:
        raise ValueError(f"composition.cap={cap} is not allowed; allowed: a share in [0, 1]")
    return cap, _positive("composition.tolerance", raw.get("tolerance"))
