"""Where the sovereign tournament's consortia come from (findings 51 and 52 of docs/model.md).

For seeds ``SeedSequence(0).spawn(16)`` of ``scenario=sovereign_tournament`` on
``korea_2024``, prints per seed: the domestic firms drawn to reconsider in the announcement's
first quarter (2024 Q4, step 3; since finding 52 every domestic firm also hears the call and
weighs founding), how many founded an alliance of one, how many domestic firms joined those
founders in 2025 Q1 (step 4; the founders' invitations among them), how many founders got a
first partner, and the consortia eligible at the call (2025 Q2). Then the Spearman
correlations of founders with recruits and with eligible consortia. About 20 s::

    .venv/bin/python docs/tournament_anatomy.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sim
import sim.model
from sim.config.vocabulary import DOMESTIC
from sim.engine import consortia

ANNOUNCED = 3  # the announcement's first quarter, 2024 Q4; the next one recruits
WIDTHS = (15, 8, 8, 21, 16)  # the printed columns after the seed


def anatomy(m: sim.AllianceModel, drawn: list[np.ndarray]) -> tuple[int, int, int, int, int]:
    """Step ``m`` to the call; its counts, in the order of the printed columns.

    Domestic firms drawn in the announcement's quarter, its founders, their recruits of the
    next quarter, founders with a partner, and consortia eligible at the call; ``drawn``
    receives each step's revisers.
    """
    for _ in range(ANNOUNCED + 1):
        m.step()
    domestic = int((m.firms.region[drawn[ANNOUNCED]] == DOMESTIC).sum())
    c = consortia.alliance_counts(m.firms, m.alliances)
    founded = np.flatnonzero(c.led & (c.members == 1))
    m.step()  # the recruiting quarter
    f = m.firms
    inside = np.flatnonzero(np.isin(f.alliance, founded) & f.alive)
    recruits = inside[~np.isin(inside, m.alliances.leader[founded])]
    partnered = np.unique(f.alliance[recruits]).size
    c = consortia.alliance_counts(f, m.alliances)
    eligible = int((c.led & (c.members >= 2)).sum())
    return domestic, founded.size, recruits.size, partnered, eligible


def main() -> int:
    """Print the anatomy of each seed's call; returns 0."""
    drawn: list[np.ndarray] = []
    original = sim.model.draw_revision

    def recording(firms, alliances, p, rng):  # type: ignore[no-untyped-def]
        draws = original(firms, alliances, p, rng)
        drawn.append(draws.revisers)
        return draws

    cfg = sim.compose(["world=korea_2024", "scenario=sovereign_tournament", "steps=6"])
    rows = []
    print("seed  drawn(domestic)  founders  recruits  founders_with_partner  eligible_at_call")
    sim.model.draw_revision = recording  # the same draws: only recorded
    try:
        for i, seed in enumerate(np.random.SeedSequence(0).spawn(16)):
            drawn.clear()
            rows.append(anatomy(sim.AllianceModel(cfg, seed=seed), drawn))
            print(
                f"{i:4d}  " + "  ".join(f"{v:{w}d}" for v, w in zip(rows[-1], WIDTHS, strict=True))
            )
    finally:
        sim.model.draw_revision = original
    a = np.array(rows)
    print(f"founders: {a[:, 1].min()}-{a[:, 1].max()}; eligible: {a[:, 4].min()}-{a[:, 4].max()}")
    for name, col in (("recruits", 2), ("eligible", 4)):
        r = spearmanr(a[:, 1], a[:, col])
        print(f"Spearman(founders, {name}) = {r.statistic:.2f} (p {r.pvalue:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
