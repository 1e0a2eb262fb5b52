"""Sovereign AI tournament: fund the best K consortia, cut the weakest every few quarters."""

from __future__ import annotations

import numpy as np

from scenarios.policies.lever import Lever, domestic_members, share_equally
from sim.config.levers import TournamentConfig
from sim.config.vocabulary import DOMESTIC
from sim.engine.aggregates import group_sum, members_mask
from sim.engine.policy import PolicyEffects
from sim.engine.state import AllianceState, FirmState


def consortium_scores(firms: FirmState, alliances: AllianceState, min_members: int) -> np.ndarray:
    """Members' mean capability per alliance; -inf where it cannot compete.

    An alliance competes when it is active, led by a domestic firm and has at least
    ``min_members`` members alive.
    """
    m = max(alliances.m, 1)
    inside = members_mask(firms)
    a = firms.alliance[inside]
    size = group_sum(a, None, m)
    mean = group_sum(a, firms.capability[inside], m) / np.maximum(size, 1)
    ok = np.zeros(m, dtype=bool)
    if alliances.m:
        ok[: alliances.m] = alliances.active & (firms.region[alliances.leader] == DOMESTIC)
    return np.where(ok & (size >= min_members), mean, -np.inf)


class SovereignTournament(Lever):
    """Funds the ``consortia`` best alliances, then drops the weakest each round.

    Reason: a tournament concentrates money on the teams that prove themselves, at the
    price of stopping the others' funding midway. Consortia are chosen at the first active
    quarter with candidates; every ``cut_every`` quarters the ``cut`` lowest-scoring are
    dropped until ``finalists`` remain. A consortium that dissolves leaves the tournament.
    """

    cfg: TournamentConfig

    def __init__(self, cfg: TournamentConfig) -> None:
        super().__init__(cfg)
        self.funded: list[int] = []
        self.selected_at: int | None = None

    def apply(
        self,
        step: int,
        firms: FirmState,
        alliances: AllianceState,
        effects: PolicyEffects,
        rng: np.random.Generator,
    ) -> None:
        """Select or cut consortia, then pay the funded ones' domestic members."""
        scores = consortium_scores(firms, alliances, self.cfg.min_members)
        if self.selected_at is None:
            ranked = np.argsort(-scores, kind="stable")
            self.funded = [int(a) for a in ranked[: self.cfg.consortia] if np.isfinite(scores[a])]
            if not self.funded:
                return
            self.selected_at = step
        self.funded = [a for a in self.funded if np.isfinite(scores[a])]
        elapsed = step - self.selected_at
        if elapsed and elapsed % self.cfg.cut_every == 0 and len(self.funded) > self.cfg.finalists:
            keep = max(self.cfg.finalists, len(self.funded) - self.cfg.cut)
            self.funded = sorted(self.funded, key=lambda a: -scores[a])[:keep]
        for a in self.funded:
            each = share_equally(self.cfg.funding, domestic_members(firms, a), effects.subsidy)
            effects.member_subsidy[a] += each
