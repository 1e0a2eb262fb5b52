"""The interface between policies and the model: what a policy may change each quarter.

A policy (``scenarios/policies``) is an object with ``start``/``end`` steps and the methods
``restructure`` and ``apply``. At the start of a quarter the Government agent first lets
every active policy restructure the alliances (a mandate founds one), then builds neutral
effects sized to the alliances that now exist, and lets each policy write the fields of
``PolicyEffects`` it names. The stages of the quarter read
those fields and nothing else of the policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from sim.config.vocabulary import DOMESTIC, N_DOMAINS
from sim.engine.state import STARTUP, AllianceState, FirmState


@dataclass(frozen=True)
class ConsortiumCall:
    """A call for consortia firms can answer this quarter (``sim.engine.consortia``).

    A tournament writes it from its announcement to the quarter before its application;
    the membership values read it (docs/model.md 6.10, "Consortia formed for the call").
    """

    step: int  # the quarter it was written for
    announced: int  # the quarter the call was announced
    application: int  # the quarter consortia apply (the lever's first stage)
    quarters: np.ndarray  # (Q,) quarters in which selected consortia are funded
    places: np.ndarray  # (Q,) the best-ranked consortia funded in each (fewest kept so far)
    funding: float  # USD m a quarter to each funded consortium
    cost: float  # USD m a consortium's application costs it
    min_members: int  # smallest alliance that counts as a consortium
    noise: float  # the jury's error on a consortium's score, a standard deviation
    entrants: tuple[float, ...] = ()  # scores of this quarter's founders decided before


@dataclass
class PolicyEffects:
    """Everything policies change in one quarter, neutral by default."""

    clarity: float  # antitrust clarity in [0, 1]
    share_cap: float  # alliances above this market share refuse new members
    fine_rate: float  # share of revenue fined from members of alliances above the cap
    spillover_bonus: float  # added to the public spillover rate (open data)
    cost_reduction: np.ndarray  # (n,) share of R&D cost paid by the government
    subsidy: np.ndarray  # (n,) USD m paid to each firm this quarter
    member_subsidy: np.ndarray  # (m, domains) USD m a domestic member of each alliance, by its
    # home domain, expects per quarter
    mission: np.ndarray  # (m,) a mandate's mission: v1 complementarity bonus; v2 depth share
    mandate_pull: np.ndarray  # (m,) utility pull of a government mandate
    mandate_value: np.ndarray  # (m,) USD m a quarter a domestic member gets (version 2)
    mandated: np.ndarray  # (m,) alliances under an active government mandate
    cap_exempt: np.ndarray  # (m,) alliances the share cap and fines do not apply to
    refusal_cost: np.ndarray  # (n,) USD m a quarter a firm invited by a mandate pays while it
    # stays outside the mandated alliance (version 2; ``economy.refusal_costs``)
    detection: float = 0.0  # version 2: enforcement's detection probability (0: status quo)
    collusion_fine_rate: float = 0.0  # version 2: enforcement's collusion fine rate (0: same)
    spend: float = 0.0  # USD m the government commits this quarter (besides cost shares)
    startup_funding: float = 0.0  # USD m of this quarter's subsidy that went to startups
    call: ConsortiumCall | None = None  # a tournament's call firms may still answer

    @classmethod
    def neutral(cls, n: int, m: int, clarity: float) -> PolicyEffects:
        """No policy: baseline clarity, no cap, no money, no mandate.

        Args:
            n: Number of firm rows.
            m: Number of alliance rows.
            clarity: Antitrust clarity without guidance.
        """
        m = max(m, 1)
        return cls(
            clarity=clarity,
            share_cap=1.0,
            fine_rate=0.0,
            spillover_bonus=0.0,
            cost_reduction=np.zeros(n),
            subsidy=np.zeros(n),
            member_subsidy=np.zeros((m, N_DOMAINS)),
            mission=np.zeros(m),
            mandate_pull=np.zeros(m),
            mandate_value=np.zeros(m),
            mandated=np.zeros(m, dtype=bool),
            cap_exempt=np.zeros(m, dtype=bool),
            refusal_cost=np.zeros(n),
        )


class Policy(Protocol):
    """A lever the government pulls between ``start`` (inclusive) and ``end`` (exclusive)."""

    start: int
    end: int

    def restructure(
        self, step: int, firms: FirmState, alliances: AllianceState, rng: np.random.Generator
    ) -> None:
        """Found or federate alliances before the quarter's effects are built."""
        ...

    def apply(
        self,
        step: int,
        firms: FirmState,
        alliances: AllianceState,
        effects: PolicyEffects,
        rng: np.random.Generator,
    ) -> None:
        """Write this policy's changes for quarter ``step`` into ``effects``."""
        ...


def startup_funding(firms: FirmState, subsidy: np.ndarray) -> float:
    """USD m of this quarter's subsidies paid to domestic startups (it drives entry)."""
    return float(subsidy[(firms.kind == STARTUP) & (firms.region == DOMESTIC)].sum())


def is_active(policy: Policy, step: int) -> bool:
    """Whether ``policy`` applies at ``step``."""
    return policy.start <= step < policy.end
