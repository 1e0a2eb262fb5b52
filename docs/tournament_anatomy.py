"""Where the sovereign tournament's consortia come from (finding 51 of docs/model.md).

For seeds ``SeedSequence(0).spawn(16)`` of ``scenario=sovereign_tournament`` on
``korea_2024``, prints per seed: the domestic firms that reconsidered in the announcement's
first quarter (2024 Q4, step 3), how many of them founded an alliance of one, how many
domestic firms joined those founders in 2025 Q1 (step 4), how many founders got a first
partner, and the consortia eligible at the call (2025 Q2). Then the Spearman correlations of
founders with recruits and with eligible consortia. About 15 s::

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

ANNOUNCED, RECRUITING = 3, 4  # steps: 2024 Q4 and 2025 Q1


def main() -> int:
    """Print the anatomy of each seed's call; returns 0."""
    drawn: list[np.ndarray] = []
    original = sim.model.draw_revision

    def recording(firms, alliances, p, rng):  # type: ignore[no-untyped-def]
        draws = original(firms, alliances, p, rng)
        drawn.append(draws.revisers)
        return draws

    sim.model.draw_revision = recording  # the same draws: only recorded
    cfg = sim.compose(["world=korea_2024", "scenario=sovereign_tournament", "steps=6"])
    rows = []
    print("seed  revisers(dom)  founders  recruits  founders_with_partner  eligible_at_call")
    for i, seed in enumerate(np.random.SeedSequence(0).spawn(16)):
        drawn.clear()
        m = sim.AllianceModel(cfg, seed=seed)
        for t in range(RECRUITING + 1):
            if t == ANNOUNCED:
                revisers = drawn  # filled by this step's draw
            m.step()
            if t == ANNOUNCED:
                dom = m.firms.region[revisers[-1]] == DOMESTIC
                c = consortia.alliance_counts(m.firms, m.alliances)
                founded = np.flatnonzero(c.led & (c.members == 1))
        c = consortia.alliance_counts(m.firms, m.alliances)
        leaders = set(m.alliances.leader[founded].tolist())
        inside = np.flatnonzero(np.isin(m.firms.alliance, founded) & m.firms.alive)
        recruits = [r for r in inside.tolist() if r not in leaders]
        partnered = len({int(m.firms.alliance[r]) for r in recruits})
        eligible = int((c.led & (c.members >= 2)).sum())
        rows.append((int(dom.sum()), founded.size, len(recruits), partnered, eligible))
        print(
            f"{i:4d}  {rows[-1][0]:13d}  {rows[-1][1]:8d}  {rows[-1][2]:8d}  "
            f"{rows[-1][3]:21d}  {rows[-1][4]:16d}",
            flush=True,
        )
        del m
    a = np.array(rows)
    print(
        "founders / domestic revisers:",
        f"{(a[:, 1] / a[:, 0]).min():.2f}-{(a[:, 1] / a[:, 0]).max():.2f}",
    )
    for name, col in (("recruits", 2), ("eligible", 4)):
        r = spearmanr(a[:, 1], a[:, col])
        print(f"Spearman(founders, {name}) = {r.statistic:.2f} (p {r.pvalue:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
