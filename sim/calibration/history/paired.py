"""Two candidates compared on the same seeds, with a bootstrap over seeds (docs/calibration.md).

A history fit's adopted values replace the defaults only if they score lower on seeds the
search never saw (``adopt_only_if_better``). Two point losses on 32 seeds differ by chance as
well: the defaults scored 5.0, 5.4 and 6.0 on three disjoint sets of 32 seeds (finding 49 of
docs/model.md). Both candidates run the same seeds (common random numbers), so their difference
is less noisy than either loss; how much less is what the bootstrap measures. It resamples the
seeds with replacement, the same seeds for both candidates in each resample, recomputes both
losses (the loss is a function of seed means, so it is recomputed, not averaged per seed) and
reports the difference's quantiles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.calibration.history.moments import Moments

__all__ = ["PairedDifference", "paired_bootstrap", "take_seeds"]


@dataclass(frozen=True)
class PairedDifference:
    """``score(b) - score(a)`` on the same seeds, and its bootstrap interval.

    Attributes:
        difference: On all seeds (negative: ``b`` scores lower, better).
        low: The interval's lower end, the ``(1 - level) / 2`` quantile of the resamples.
        high: Its upper end, the ``(1 + level) / 2`` quantile.
        share_better: Share of resamples in which ``b`` scores lower than ``a``.
        resamples: Bootstrap resamples drawn.
        level: The interval's coverage (0.9: from the 5 % to the 95 % quantile).
    """

    difference: float
    low: float
    high: float
    share_better: float
    resamples: int
    level: float

    def better_beyond_noise(self) -> bool:
        """Whether ``b`` scores lower at the interval's upper end too."""
        return self.high < 0.0


def take_seeds(moments: Moments, rows: np.ndarray) -> Moments:
    """``moments`` of the seeds ``rows`` (repeats allowed), in that order."""
    pick = np.asarray(rows, dtype=np.int64)
    return Moments(
        moments.alliances,
        moments.size[pick],
        moments.leader[pick],
        moments.regime[pick],
        moments.warnings,
        None if moments.domestic is None else moments.domestic[pick],
        None if moments.home is None else moments.home[pick],
    )


def paired_bootstrap(
    a: Moments,
    b: Moments,
    score: Callable[[Moments], float],
    resamples: int,
    level: float,
    rng: np.random.Generator,
) -> PairedDifference:
    """``score(b) - score(a)`` and its bootstrap over seeds (both on the same resampled seeds).

    Args:
        a: The reference candidate's runs (the defaults).
        b: The other candidate's runs, on the same seeds in the same order.
        score: The loss of a candidate's runs.
        resamples: How many resamples of the seeds to draw (at least 1).
        level: Coverage of the interval, in (0, 1).
        rng: The generator that draws the resampled seeds.

    Raises:
        ValueError: The two ran different numbers of seeds, or no resample was asked for.
    """
    n = len(a.size)
    if len(b.size) != n or n == 0:
        raise ValueError(f"the candidates ran {n} and {len(b.size)} seeds; pair them on the same")
    if resamples < 1 or not 0.0 < level < 1.0:
        raise ValueError(f"resamples={resamples}, level={level}: allowed >= 1 and in (0, 1)")
    diffs = np.empty(resamples)
    for i in range(resamples):
        rows = rng.integers(0, n, n)
        diffs[i] = score(take_seeds(b, rows)) - score(take_seeds(a, rows))
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(diffs, [tail, 1.0 - tail])
    return PairedDifference(
        difference=float(score(b) - score(a)),
        low=float(low),
        high=float(high),
        share_better=float(np.mean(diffs < 0.0)),
        resamples=resamples,
        level=level,
    )
