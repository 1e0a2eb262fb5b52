"""Mega-alliance mandate: the government founds a national alliance of the top firms."""

from __future__ import annotations

import numpy as np

from scenarios.policies.lever import Lever, domestic_members, share_equally
from sim.config.levers import MegaAllianceConfig
from sim.config.vocabulary import DOMESTIC, REGIME_NAMES
from sim.engine.policy import PolicyEffects
from sim.engine.state import CONGLOMERATE, NO_ALLIANCE, AllianceState, FirmState, federate


def invitees(firms: FirmState, per_domain: int) -> np.ndarray:
    """Rows of the top domestic firms of each domain: conglomerates first, then capability.

    Args:
        firms: The firm rows.
        per_domain: How many firms each domain sends.

    Returns:
        Row indices, domain by domain.
    """
    chosen: list[np.ndarray] = []
    domestic = np.flatnonzero(firms.alive & (firms.region == DOMESTIC))
    for d in np.unique(firms.domain[domestic]):
        rows = domestic[firms.domain[domestic] == d]
        # lexsort sorts by the last key first: conglomerates, then higher capability
        order = np.lexsort((-firms.capability[rows], firms.kind[rows] != CONGLOMERATE))
        chosen.append(rows[order[:per_domain]])
    return np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64)


class MegaAllianceMandate(Lever):
    """At ``start`` the government founds a national alliance and mandates others toward it.

    Reason: a mandated national team pools the strongest firms of every domain (the
    complementarity a mission coordinates), and a mandate pulls other firms in beyond what
    their own interest would; whether that beats many small alliances is the question.
    Invited firms join at once (leaving their alliances); the richest leads. While active,
    the mandate pulls every firm's choice toward it, the mission adds complementarity
    inside it, its budget is shared by its domestic members, and (with ``cap_exempt``)
    the antitrust share cap and fines do not apply to it. Under version 2 each domestic
    member gets ``member_value`` a quarter, and each invited firm that stays out pays
    ``refusal_cost`` a quarter (docs/model.md 6.5, "Mandate"). With ``federate`` the existing
    domestic-led alliances are placed inside it rather than emptied.
    """

    cfg: MegaAllianceConfig

    def __init__(self, cfg: MegaAllianceConfig) -> None:
        super().__init__(cfg)
        self.alliance: int | None = None  # its row, once founded
        self.invited = np.zeros(0, dtype=np.int64)  # the firm rows invited when it was founded

    def restructure(
        self, step: int, firms: FirmState, alliances: AllianceState, rng: np.random.Generator
    ) -> None:
        """Found the national alliance at the first active quarter; keep a domestic leader.

        When its leader leaves, the model's rule makes the richest member lead, which may
        be a foreign firm; a national mandate keeps the richest domestic member instead.
        """
        if self.alliance is not None:
            self._keep_domestic_leader(firms, alliances)
            return
        rows = invitees(firms, self.cfg.invite_per_domain)
        if rows.size == 0:
            return
        leader = int(rows[np.argmax(firms.capital[rows])])
        regime = REGIME_NAMES.index(self.cfg.regime)
        existing = np.flatnonzero(
            alliances.active
            & (alliances.parent == NO_ALLIANCE)
            & (firms.region[alliances.leader] == DOMESTIC)
        )
        self.invited = rows.astype(np.int64)
        (self.alliance,) = alliances.append(
            np.array([regime]),
            np.array([leader]),
            step,
            names=[self.cfg.name],
            home=np.array([DOMESTIC]),
            national=np.array([True]),  # a national alliance admits domestic firms only
        )
        alliances.mandated[self.alliance] = True
        firms.alliance[rows] = self.alliance
        if self.cfg.federate:
            for child in existing.tolist():
                federate(alliances, child, self.alliance)

    def _keep_domestic_leader(self, firms: FirmState, alliances: AllianceState) -> None:
        a = self.alliance
        if a is None or not alliances.active[a]:
            return
        if firms.region[alliances.leader[a]] == DOMESTIC:
            return
        domestic = np.flatnonzero(firms.alive & (firms.alliance == a) & (firms.region == DOMESTIC))
        if domestic.size:
            alliances.leader[a] = domestic[np.argmax(firms.capital[domestic])]

    def apply(
        self,
        step: int,
        firms: FirmState,
        alliances: AllianceState,
        effects: PolicyEffects,
        rng: np.random.Generator,
    ) -> None:
        """Mark it mandated, pull toward it, add the mission, pay members, charge refusers.

        ``effects.refusal_cost`` is set for every invited firm still alive; the firms that
        are outside the mandated alliance once the quarter's moves are done pay it
        (``sim.engine.economy.refusal_costs``).
        """
        a = self.alliance
        if a is None or not alliances.active[a]:
            return
        effects.mandated[a] = True
        effects.cap_exempt[a] |= self.cfg.cap_exempt
        effects.mandate_pull[a] += self.cfg.mandate_strength
        effects.mandate_value[a] += self.cfg.member_value
        effects.mission[a] += self.cfg.mission
        each = share_equally(self.cfg.budget, domestic_members(firms, a), effects.subsidy)
        effects.member_subsidy[a] += each
        invited = self.invited[self.invited < firms.n]
        invited = invited[firms.alive[invited]]
        effects.refusal_cost[invited] += self.cfg.refusal_cost
