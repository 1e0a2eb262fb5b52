"""The search: Optuna's TPE sampler within the bounds, then ABC by rejection.

The first trial is always the current defaults (``enqueue_trial``), so the fit is never worse
than the defaults and the report shows what the search gained. The sampler is seeded and the
study lives in memory (no storage file); every candidate runs the same seeds, so a loss is a
deterministic function of the parameters and the whole search is reproducible.

Uncertainty is **approximate Bayesian computation by rejection** over the evaluated
candidates: the best ``abc_quantile`` of them are accepted, and their range per parameter is
reported. It is an approximation of a posterior under uniform (log-uniform) priors on the
bounds: TPE does not draw from the prior (it crowds where the loss is low), a handful of seeds
makes the loss noisy, and the tolerance ``epsilon`` is a quantile, not a statement of error.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.calibration.history.loss import Loss
from sim.calibration.history.moments import Moments
from sim.calibration.history.spec import HistoryParameter, HistorySpec

Evaluate = Callable[[Mapping[str, float]], tuple[Loss, Moments]]
"""Parameter values (by path) to the candidate's loss and moments."""


@dataclass(frozen=True)
class Trial:
    """One evaluated candidate.

    Attributes:
        number: Its order in the search (0 = the defaults when they are enqueued).
        values: Its parameter values, by path.
        loss: Its loss and the loss's parts.
        seconds: Wall time of its runs.
        warnings: Warnings its runs raised.
    """

    number: int
    values: dict[str, float]
    loss: Loss
    seconds: float
    warnings: int = 0


@dataclass
class Search:
    """Every trial of a search, and the moments of each (small arrays)."""

    trials: list[Trial] = field(default_factory=list)
    moments: dict[int, Moments] = field(default_factory=dict)

    @property
    def best(self) -> Trial:
        """The trial of least loss (the first of them on ties)."""
        return min(self.trials, key=lambda t: (t.loss.total, t.number))


def _suggest(trial: Any, p: HistoryParameter) -> float:
    if p.integer:
        return float(trial.suggest_int(p.path, int(p.low), int(p.high), log=p.log))
    return float(trial.suggest_float(p.path, p.low, p.high, log=p.log))


def search(
    spec: HistorySpec,
    evaluate: Evaluate,
    trials: int,
    defaults: Mapping[str, float] | None = None,
    progress: Callable[[Trial, Trial, int], None] | None = None,
) -> Search:
    """Search the bounds with Optuna's seeded TPE sampler.

    Args:
        spec: Free parameters, sampler seed and random start.
        evaluate: Runs a candidate (same seeds every time).
        trials: Candidates to evaluate, the defaults included.
        defaults: Values to evaluate first (the current defaults), or None.
        progress: Called after each trial with (trial, best so far, trials).

    Returns:
        Every trial and its moments.
    """
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(
        seed=spec.sampler_seed, n_startup_trials=spec.startup_trials
    )
    study = optuna.create_study(direction="minimize", sampler=sampler)
    if defaults is not None:
        study.enqueue_trial(
            {
                p.path: int(defaults[p.path]) if p.integer else defaults[p.path]
                for p in spec.parameters
            },
            skip_if_exists=True,
        )
    done = Search()
    for number in range(trials):
        asked = study.ask()
        values = {p.path: _suggest(asked, p) for p in spec.parameters}
        began = time.perf_counter()
        result, moments = evaluate(values)
        trial = Trial(number, values, result, time.perf_counter() - began, moments.warnings)
        study.tell(asked, result.total)
        done.trials.append(trial)
        done.moments[number] = moments
        if progress is not None:
            progress(trial, done.best, trials)
    return done


def accepted(trials: list[Trial], quantile: float) -> list[Trial]:
    """ABC by rejection: the best ``quantile`` of the trials by loss (at least one)."""
    keep = max(1, math.ceil(quantile * len(trials)))
    return sorted(trials, key=lambda t: (t.loss.total, t.number))[:keep]


def accepted_ranges(trials: list[Trial], spec: HistorySpec) -> dict[str, dict[str, float]]:
    """Per parameter: the accepted candidates' low, median and high values."""
    out = {}
    for path in spec.paths:
        x = np.array([t.values[path] for t in trials], dtype=float)
        out[path] = {
            "low": float(x.min()),
            "median": float(np.median(x)),
            "high": float(x.max()),
        }
    return out


def median_point(
    ranges: Mapping[str, Mapping[str, float]], spec: HistorySpec, digits: int = 4
) -> dict[str, float]:
    """The accepted candidates' median of each parameter, as a point to adopt.

    Reason: the best of many noisy candidates is biased towards luck on the fit's seeds (the
    winner's curse) and often sits at an edge of the accepted set; the medians are an
    interior point the accepted set supports (docs/calibration.md, history matching).
    Rounded to ``digits`` decimals, as the result file records values, so the defaults set
    from the file are the values evaluated; integer parameters to the nearest integer.
    """
    out = {}
    for p in spec.parameters:
        x = float(ranges[p.path]["median"])
        out[p.path] = float(round(x)) if p.integer else float(round(x, digits))
    return out
