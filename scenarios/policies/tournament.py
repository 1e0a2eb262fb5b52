"""Sovereign AI tournament: a call, a shortlist, a selection, then reviews down to finalists.

Modelled on Korea's independent AI foundation model programme (Ministry of Science and ICT,
2025: 15 consortia applied, 10 were shortlisted, 5 selected, 4 remained after the first
review, 2 by 2027); the dates and counts are ``TournamentConfig.stages``, with their sources.

Design choices:

- **Consortia** are active alliances led by a domestic firm with at least ``min_members``
  members alive. Their score is their members' mean capability, and every stage keeps the
  best-scoring (ties to the lower alliance row). A consortium that dissolves, loses its
  domestic leader or falls below ``min_members`` leaves the tournament for good; nobody
  takes its place.
- **Announcement.** ``announce_lead`` quarters before the call (not before ``start``), the
  lever announces it: until the call, what a consortium expects from applying enters
  domestic firms' values of founding, joining and staying in a domestic-led alliance
  (``PolicyEffects.call``, ``sim.engine.consortia``; docs/model.md 6.10), so consortia form
  by firms' own choices. Firms discount it; the lever's own decision to apply below does not.
- **Application** happens once, at the first stage's quarter (the call). The stages rank by
  score and nothing else, so an eligible consortium knows its rank among the eligible ones
  (ties to the lower row) and that it is funded in a quarter exactly while its rank is
  within the places of that quarter (``funded_slots``: the keeps never increase). Its
  expected funding is ``funding`` times the number of such quarters from the selection to
  ``end``, undiscounted (``expected_funding``); it applies if that exceeds
  ``application_cost``, at most the call's count. Lower-ranked consortia expect less, so
  those that apply are the best-ranked. The cost only weighs on the decision: the lever
  moves no capital.
- **Stages** run in order at their quarters (several may share one: the shortlist and the
  selection both fell in 2025 Q3); each keeps at most its count. With fewer consortia than
  a stage asks for, it keeps those there are and records the shortfall (``record``): the
  lever never invents consortia. If nobody applies, the tournament stays empty.
- **Money** goes from the selection on: ``funding`` a quarter to each consortium still in,
  shared equally by its domestic members, until the lever's ``end``.

``consortia(step)`` is the number of consortia in the tournament in a quarter (applied,
shortlisted, selected or remaining, after that quarter's stages; 0 outside the window), for
an output column. The lever draws no random numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scenarios.policies.lever import Lever, domestic_members, share_equally
from sim.config.levers import TournamentConfig, funded_slots
from sim.engine import consortia
from sim.engine.policy import ConsortiumCall, PolicyEffects
from sim.engine.state import AllianceState, FirmState


@dataclass(frozen=True)
class StageRecord:
    """What one stage did.

    Attributes:
        quarter: The step it ran at.
        stage: ``application``, ``shortlist``, ``selection`` or ``review``.
        asked: The count the stage keeps at most (its ``keep``).
        kept: Consortia in the tournament after it (fewer than ``asked`` when fewer were
            eligible, applied or still in).
    """

    quarter: int
    stage: str
    asked: int
    kept: int


def stage_name(index: int, selection: int) -> str:
    """The name of stage ``index`` when stage ``selection`` is the selection."""
    if index == selection:
        return "selection"
    if index == 0:
        return "application"
    return "shortlist" if index < selection else "review"


def expected_funding(cfg: TournamentConfig, rank: int) -> float:
    """USD m a consortium ranked ``rank`` (>= 1) at the call expects over the programme.

    ``cfg.funding`` in every funded quarter whose places its rank is within
    (``funded_slots``: the keeps never increase, so the last stage's keep is the fewest any
    stage up to it keeps, and every stage keeps the best-scoring), summed without
    discounting (``consortia.expected_funding``; firms deciding before the call discount
    it: ``consortia.consortium_prize``).
    """
    return float(consortia.expected_funding(funded_slots(cfg), cfg.funding, rank).sum())


def call_of(cfg: TournamentConfig, step: int) -> ConsortiumCall:
    """The call's facts firms weigh at quarter ``step`` (``PolicyEffects.call``)."""
    first = cfg.stages[cfg.selection_stage][0]
    return ConsortiumCall(
        step=step,
        announced=cfg.announced,
        application=cfg.stages[0][0],
        quarters=np.arange(first, cfg.end),
        places=funded_slots(cfg),
        funding=cfg.funding,
        cost=cfg.application_cost,
        min_members=cfg.min_members,
    )


class SovereignTournament(Lever):
    """Runs the tournament's stages at their quarters and pays the selected consortia.

    Reason: a tournament concentrates money on the teams that prove themselves, at the
    price of stopping the others' funding midway (see the module docstring for the rules).

    Attributes:
        entrants: Alliance rows in the tournament now (applied and not yet cut).
        record: One ``StageRecord`` per stage run so far.
        eligible_at_call: Consortia eligible at the call (``None`` before it).
        expected_at_call: USD m each eligible consortium expected from applying, best
            ranked first (empty before the call).
        selected_at: The quarter of the selection (``None`` before it).
    """

    cfg: TournamentConfig

    def __init__(self, cfg: TournamentConfig) -> None:
        super().__init__(cfg)
        self.entrants: list[int] = []
        self.record: list[StageRecord] = []
        self.eligible_at_call: int | None = None
        self.expected_at_call: list[float] = []
        self.selected_at: int | None = None
        self._counts: dict[int, int] = {}

    @property
    def funded(self) -> list[int]:
        """The consortia paid this quarter: those still in, from the selection on."""
        return list(self.entrants) if self.selected_at is not None else []

    def consortia(self, step: int) -> int:
        """Consortia in the tournament at quarter ``step``, after that quarter's stages.

        0 before the call, outside the lever's window and for quarters not yet run.
        """
        return self._counts.get(step, 0)

    def apply(
        self,
        step: int,
        firms: FirmState,
        alliances: AllianceState,
        effects: PolicyEffects,
        rng: np.random.Generator,
    ) -> None:
        """Announce the call, drop those that cannot compete, run the stages, pay the funded."""
        if self.cfg.announced <= step < self.cfg.stages[0][0]:
            effects.call = call_of(self.cfg, step)
        scores = consortia.consortium_scores(firms, alliances, self.cfg.min_members)
        self.entrants = [a for a in self.entrants if np.isfinite(scores[a])]
        stages = self.cfg.stages
        while len(self.record) < len(stages) and stages[len(self.record)][0] <= step:
            self._run_stage(len(self.record), step, scores)
        self._counts[step] = len(self.entrants)
        for a in self.funded:
            each = share_equally(self.cfg.funding, domestic_members(firms, a), effects.subsidy)
            effects.member_subsidy[a] += each

    def _run_stage(self, index: int, step: int, scores: np.ndarray) -> None:
        """Run stage ``index`` at ``step``: the call at index 0, a cut after it."""
        keep = self.cfg.stages[index][1]
        if index == 0:
            eligible = [int(a) for a in np.flatnonzero(np.isfinite(scores))]
            eligible.sort(key=lambda a: (-scores[a], a))  # rank 1 first
            self.eligible_at_call = len(eligible)
            expected = [expected_funding(self.cfg, rank) for rank in range(1, len(eligible) + 1)]
            self.expected_at_call = expected
            cost = self.cfg.application_cost
            self.entrants = [a for a, e in zip(eligible, expected, strict=True) if e > cost]
        self.entrants = sorted(self.entrants, key=lambda a: (-scores[a], a))[:keep]
        if index == self.cfg.selection_stage:
            self.selected_at = step
        name = stage_name(index, self.cfg.selection_stage)
        self.record.append(StageRecord(step, name, keep, len(self.entrants)))
