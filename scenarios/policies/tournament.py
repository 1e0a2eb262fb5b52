"""Sovereign AI tournament: a call, a shortlist, a selection, then reviews down to finalists.

Modelled on Korea's independent AI foundation model programme (Ministry of Science and ICT,
2025: 15 consortia applied, 10 were shortlisted, 5 selected, 4 remained after the first
review, 2 by 2027); the dates and counts are ``TournamentConfig.stages``, with their sources.

Design choices:

- **Consortia** are active alliances led by a domestic firm with at least ``min_members``
  members alive. The jury scores each by its members' mean capability plus its error: one
  normal draw of standard deviation ``jury_noise`` per consortium, drawn at the call and
  kept for every later stage (the jury's view of a team persists; its capability still
  moves), from the jury's own stream under the run's seed (``jury_generator``: the run's
  own draws are not disturbed). Every stage keeps the best jury scores (ties to the lower
  alliance row). A consortium that dissolves, loses its domestic leader or falls below
  ``min_members`` leaves the tournament for good; nobody takes its place.
- **Announcement.** ``announce_lead`` quarters before the call (not before ``start``), the
  lever announces it: until the call, what a consortium expects from applying enters
  domestic firms' values of founding, joining and staying in a domestic-led alliance
  (``PolicyEffects.call``, ``sim.engine.consortia``; docs/model.md 6.10), so consortia form
  by firms' own choices. Firms discount it; the lever's own decision to apply below does not.
- **Application** happens once, at the first stage's quarter (the call). An eligible
  consortium knows its members' mean capability and the other eligible consortia's, not
  the jury's errors: its odds of being still in at each funded quarter are those of its
  rank by jury score being within that quarter's places (``funded_slots``: the keeps never
  increase; ``consortia.survival``). Its expected funding is ``funding`` times the sum of
  those odds from the selection to ``end``, undiscounted (``expected_funding``); it
  applies if that exceeds ``application_cost``, at most the call's count (the best jury
  scores). With ``jury_noise`` 0 the odds are 1 within the places and 0 below, so at most
  the selection's count apply. The cost only weighs on the decision: the lever moves no
  capital.
- **Stages** run in order at their quarters (several may share one: the shortlist and the
  selection both fell in 2025 Q3); each keeps at most its count. With fewer consortia than
  a stage asks for, it keeps those there are and records the shortfall (``record``): the
  lever never invents consortia. If nobody applies, the tournament stays empty.
- **Money** goes from the selection on: ``funding`` a quarter to each consortium still in,
  shared equally by its domestic members, until the lever's ``end``.

``consortia(step)`` is the number of consortia in the tournament in a quarter (applied,
shortlisted, selected or remaining, after that quarter's stages; 0 outside the window), for
an output column. The lever draws random numbers only for the jury, at the call, and only
with ``jury_noise`` above 0.
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


def expected_funding(cfg: TournamentConfig, scores: np.ndarray) -> np.ndarray:
    """USD m each consortium of mean capabilities ``scores`` expects at the call, undiscounted.

    ``cfg.funding`` times its odds of being still in at each funded quarter (its rank by
    jury score within that quarter's places, ``funded_slots``; the keeps never increase
    and every stage keeps the best jury scores), summed over the quarters; its rivals are
    the other entries of ``scores`` (``consortia.survival``; firms deciding before the call
    discount it: ``consortia.consortium_prize``). With ``jury_noise`` 0, ``funding`` times
    the funded quarters whose places its rank (ties against it) is within.
    """
    x = np.asarray(scores, dtype=np.float64)
    odds = consortia.survival(x, x, x, funded_slots(cfg), cfg.jury_noise)
    return np.asarray(cfg.funding * odds.sum(-1), dtype=np.float64)


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
        noise=cfg.jury_noise,
    )


class SovereignTournament(Lever):
    """Runs the tournament's stages at their quarters and pays the selected consortia.

    Reason: a tournament concentrates money on the teams that prove themselves, at the
    price of stopping the others' funding midway (see the module docstring for the rules).

    Attributes:
        entrants: Alliance rows in the tournament now (applied and not yet cut).
        record: One ``StageRecord`` per stage run so far.
        eligible_at_call: Consortia eligible at the call (``None`` before it).
        applying_at_call: Eligible consortia whose expected funding exceeded the
            application cost (``None`` before the call); at most the call's count of them
            applied.
        expected_at_call: USD m each eligible consortium expected from applying, best
            mean capability first (empty before the call).
        jury: The jury's error on each eligible consortium's score, by alliance row (drawn
            at the call; 0 with ``jury_noise`` 0).
        selected_at: The quarter of the selection (``None`` before it).
    """

    cfg: TournamentConfig

    def __init__(self, cfg: TournamentConfig) -> None:
        super().__init__(cfg)
        self.entrants: list[int] = []
        self.record: list[StageRecord] = []
        self.eligible_at_call: int | None = None
        self.applying_at_call: int | None = None
        self.expected_at_call: list[float] = []
        self.jury: dict[int, float] = {}
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
            self._run_stage(len(self.record), step, scores, rng)
        self._counts[step] = len(self.entrants)
        for a in self.funded:
            each = share_equally(self.cfg.funding, domestic_members(firms, a), effects.subsidy)
            effects.member_subsidy[a] += each

    def _run_stage(
        self, index: int, step: int, scores: np.ndarray, rng: np.random.Generator
    ) -> None:
        """Run stage ``index`` at ``step``: the call at index 0, a cut after it."""
        keep = self.cfg.stages[index][1]
        if index == 0:
            rows = np.flatnonzero(np.isfinite(scores))
            self.jury = dict(zip(rows.tolist(), self._jury_errors(rows.size, rng), strict=True))
            eligible = sorted(rows.tolist(), key=lambda a: (-scores[a], a))  # best mean first
            self.eligible_at_call = len(eligible)
            expected = expected_funding(self.cfg, scores[eligible]).tolist()
            self.expected_at_call = expected
            cost = self.cfg.application_cost
            self.entrants = [a for a, e in zip(eligible, expected, strict=True) if e > cost]
            self.applying_at_call = len(self.entrants)
        self.entrants = sorted(self.entrants, key=lambda a: (-(scores[a] + self.jury[a]), a))[:keep]
        if index == self.cfg.selection_stage:
            self.selected_at = step
        name = stage_name(index, self.cfg.selection_stage)
        self.record.append(StageRecord(step, name, keep, len(self.entrants)))

    def _jury_errors(self, count: int, rng: np.random.Generator) -> list[float]:
        """The jury's error on ``count`` consortia (in alliance row order), in capability units.

        Drawn from the jury's own stream under the run's seed (``jury_generator``): the run's
        generator is not advanced, so its other draws are those of a run without the jury;
        none with ``jury_noise`` 0.
        """
        if self.cfg.jury_noise == 0.0:
            return [0.0] * count
        return (self.cfg.jury_noise * jury_generator(rng).standard_normal(count)).tolist()


# The jury's stream: a child of the run's SeedSequence under this spawn key (ASCII "Jury";
# far above the indices ``SeedSequence.spawn`` hands out, so no other child shares it).
JURY_STREAM = 0x4A757279


def jury_generator(rng: np.random.Generator) -> np.random.Generator:
    """A generator for the jury, a fixed child of the SeedSequence ``rng`` was built from.

    Reason: same seed, same jury, whatever else spawned from the seed and in both engines.
    ``Generator.spawn`` would count children on the caller's SeedSequence object, so a
    second model built from the same object would get another jury; this child is fixed
    by the seed's entropy and spawn key alone and leaves ``rng``'s state untouched.

    Raises:
        ValueError: ``rng`` was not built from a SeedSequence.
    """
    seq = rng.bit_generator.seed_seq
    if not isinstance(seq, np.random.SeedSequence):
        raise ValueError(
            f"rng.bit_generator.seed_seq={seq!r} is not allowed; allowed: a Generator built "
            "from a numpy.random.SeedSequence (numpy.random.default_rng(seed))"
        )
    child = np.random.SeedSequence(
        seq.entropy, spawn_key=(*seq.spawn_key, JURY_STREAM), pool_size=seq.pool_size
    )
    return np.random.default_rng(child)
