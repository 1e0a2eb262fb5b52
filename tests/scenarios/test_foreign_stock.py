"""Alliances led from abroad keep their own region's firms (issue 11; docs/model.md finding 46).

With 300 foreign startups every foreign firm of ``korea_2024`` was in an alliance by quarter 40
(no entry abroad), and alliances led from abroad then recruited Korean startups alone; with the
1,500 of the default the Korean share of the worst foreign-led alliance stays under a quarter in
the median through quarter 40.
"""

from functools import cache

import numpy as np
import pytest

import sim
from sim.config.vocabulary import DOMESTIC

SEEDS = np.random.SeedSequence(0).spawn(16)[:8]  # seeds 0-7 of finding 46's 16


def worst_korean_share(model: sim.AllianceModel) -> float:
    """The largest Korean share among active alliances of 5+ members led from abroad."""
    f, al = model.firms, model.alliances
    worst = 0.0
    for a in np.flatnonzero(al.active):
        members = (f.alliance == a) & f.alive
        if members.sum() >= 5 and f.region[al.leader[a]] != DOMESTIC:
            worst = max(worst, float((members & (f.region == DOMESTIC)).sum() / members.sum()))
    return worst


@cache
def shares(*overrides: str) -> dict[int, list[float]]:
    """``worst_korean_share`` at quarters 24 and 40 for each of ``SEEDS``."""
    cfg = sim.compose(["world=korea_2024", "steps=40", *overrides])
    out: dict[int, list[float]] = {24: [], 40: []}
    for seed in SEEDS:
        model = sim.AllianceModel(cfg, seed=seed)
        for q in range(1, 41):
            model.step()
            if q in out:
                out[q].append(worst_korean_share(model))
    return out


@pytest.mark.slow  # 8 runs of 40 quarters, about 15 s: CI
def test_alliances_led_from_abroad_stay_mostly_foreign():
    """Measured 2026-12-04 21:10 UTC: quarter 24 median 0.08 (one of 8 seeds above a quarter,
    0.26), quarter 40 median 0.19 (two above: 0.26 and 0.44, alliances the model founds)."""
    for quarter, values in shares().items():
        assert np.median(values) < 0.25, (quarter, values)
        assert sum(v > 0.25 for v in values) <= 2, (quarter, values)


@pytest.mark.slow  # 8 more runs of 40 quarters, about 15 s: CI
def test_with_the_old_foreign_stock_they_fill_with_korean_startups():
    """The mechanism: with 300 foreign startups the foreign firms run out, and the worst
    foreign-led alliance takes more Korean startups than with the default 1,500, seed by seed.

    Finding 46: median 0.64 on 16 seeds at the morning's fit; at the fit with 1,500, on these 8
    seeds, 0.61 with all 8 above a quarter (2026-12-04 21:12 UTC). Since a partner's link to
    Kolon Benit's programme costs 0.3 of a working-group seat (finding 50), that programme holds
    about 60 Korean startups that were free before, and the share at quarter 40 is 0.22 in the
    median (0.15-0.41) with 300 foreign startups against 0.09 (0.07-0.17) with 1,500, higher in
    8 of 8 seeds (measured 2026-12-06 01:45 UTC); with the link at a seat's cost 0.30.
    """
    old = np.array(shares("world.n_foreign_startups=300")[40])
    now = np.array(shares()[40])
    assert np.sum(old > now) >= 7, (old, now)
    assert np.median(old) > 2 * np.median(now), (old, now)
