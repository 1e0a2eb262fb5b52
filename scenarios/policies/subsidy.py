"""Subsidy focus: money for eligible firms of target domains, sustained or fad-chasing."""

from __future__ import annotations

import numpy as np

from scenarios.policies.lever import Lever, alliance_flags, eligible, share_equally
from sim.config.levers import SubsidyConfig
from sim.config.vocabulary import DOMAINS, DOMESTIC, N_DOMAINS
from sim.engine.policy import PolicyEffects
from sim.engine.state import AllianceState, FirmState


def domestic_revenue(firms: FirmState) -> np.ndarray:
    """Domestic firms' revenue per domain (USD m this quarter)."""
    who = firms.alive & (firms.region == DOMESTIC)
    return np.bincount(firms.domain[who], weights=firms.revenue[who], minlength=N_DOMAINS)


class SubsidyFocus(Lever):
    """Pays a budget each quarter to eligible domestic firms in the funded domains.

    Reason: the question is whether where and how steadily money flows matters. Sustained
    support funds the target domains throughout; fad-chasing funds one hot domain at a
    time, switches to the next hottest every ``switch_every`` quarters, and stops when the
    hype ends. Members of eligible alliances expect the money, which enters their choice.
    """

    cfg: SubsidyConfig

    def __init__(self, cfg: SubsidyConfig) -> None:
        super().__init__(cfg)
        self.targets = np.array([DOMAINS.index(d) for d in cfg.target_domains])
        self.hot: int | None = None  # fad: the domain funded now
        self.last_switch = -1
        self.revenue_then = np.zeros(N_DOMAINS)
        self.history: list[tuple[int, int | None]] = []  # (step, funded domain) per quarter

    def funded_domains(self, step: int, firms: FirmState) -> np.ndarray:
        """Domains paid this quarter (empty once a fad's hype has ended)."""
        if self.cfg.schedule == "sustained":
            return self.targets
        if step >= self.start + self.cfg.hype_quarters:
            self.hot = None
            return np.zeros(0, dtype=np.int64)
        if self.hot is None or step - self.last_switch >= self.cfg.switch_every:
            self._switch(step, firms)
        return np.array([self.hot])

    def _switch(self, step: int, firms: FirmState) -> None:
        """Chase the target domain whose domestic revenue grew most (never the same one)."""
        now = domestic_revenue(firms)
        growth = (now - self.revenue_then) / np.maximum(self.revenue_then, 1e-9)
        if self.hot is None:
            growth = now  # no history yet: the biggest domain is the hottest
        candidates = (
            self.targets[self.targets != self.hot] if self.targets.size > 1 else self.targets
        )
        self.hot = int(candidates[np.argmax(growth[candidates])])
        self.revenue_then = now
        self.last_switch = step

    def apply(
        self,
        step: int,
        firms: FirmState,
        alliances: AllianceState,
        effects: PolicyEffects,
        rng: np.random.Generator,
    ) -> None:
        """Pay this quarter's budget equally to eligible firms of the funded domains."""
        domains = self.funded_domains(step, firms)
        self.history.append((step, self.hot if self.cfg.schedule == "fad" else None))
        if domains.size == 0:
            return
        rule = self.cfg.eligibility
        who = eligible(rule, firms, alliances, effects) & np.isin(firms.domain, domains)
        each = share_equally(self.cfg.budget, who, effects.subsidy)
        if rule in ("open_members", "mandated"):  # joining such an alliance brings the money
            flags = np.flatnonzero(alliance_flags(alliances, rule, effects)[: alliances.m])
            effects.member_subsidy[np.ix_(flags, domains)] += each
