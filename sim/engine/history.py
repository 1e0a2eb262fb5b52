"""Scheduled history: what is known to have happened after a world's start date.

A world may start before some of its alliances existed (``korea_2024`` starts in 2024 Q1;
Kolon Benit's alliance was launched in June 2024, Stargate in January 2025). Its data file
then lists dated events, and the model applies each at its quarter, before the government
acts: an alliance is **founded** with its founders (those alive; each leaves the alliance it
was in), or an alliance **changes regime** (the K-AI Alliance opened in 2024). From each event
on the model alone decides who joins and who leaves.

Dates are ``"YYYY"`` or ``"YYYY-MM"``; ``step_of`` maps them to the quarter counted from Q1
of the world's start year (``world.start_year``), the one mapping every world uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.engine.state import AllianceState, FirmState


def step_of(date: str | int, start_year: int) -> int:
    """The quarter of a ``"YYYY"`` or ``"YYYY-MM"`` date, counted from Q1 of ``start_year``.

    A year alone is its first quarter. Dates before the start give negative steps.

    Raises:
        ValueError: The date is not ``YYYY`` or ``YYYY-MM`` with a month 1..12.
    """
    year, _, month = str(date).partition("-")
    if not year.isdigit() or (month and not (month.isdigit() and 1 <= int(month) <= 12)):
        raise ValueError(f"date {date!r} is not YYYY or YYYY-MM (month 1..12)")
    quarter = (int(month) - 1) // 3 if month else 0
    return (int(year) - start_year) * 4 + quarter


@dataclass(frozen=True)
class Founding:
    """An alliance founded at a known date.

    Attributes:
        step: The quarter it is founded in (> 0; earlier alliances are in the start state).
        name: Its display name.
        leader: The founding leader's firm row.
        members: The other founders' firm rows (the leader excluded).
        regime: OPEN or CLOSED at founding.
        national: Whether it admits firms of its home region (the leader's) only.
        chartered: Whether its charter fixes its regime (leaders do not review it).
        reseller: Whether its leader resells its partners' solutions (a channel).
        venture: Whether its founders hold equity in a joint venture (its leader does not
            fold it).
        hub: Whether it is a partner programme (partners sign with its leader only).
    """

    step: int
    name: str
    leader: int
    members: tuple[int, ...]
    regime: int
    national: bool = False
    chartered: bool = False
    reseller: bool = False
    venture: bool = False
    hub: bool = False

    def flag_columns(self) -> dict[str, np.ndarray]:
        """Its flags as ``AllianceState.append``'s one-row columns (``ALLIANCE_FLAGS``)."""
        return {name: np.array([getattr(self, name)]) for name in ALLIANCE_FLAGS}


ALLIANCE_FLAGS = ("national", "chartered", "reseller", "venture", "hub")
"""The flags a world's data give an alliance, each a ``Founding`` field and an
``AllianceState`` column of the same name."""


@dataclass(frozen=True)
class RegimeChange:
    """A known change of an alliance's regime.

    Attributes:
        step: The quarter it happens in (> 0).
        name: The alliance's name (it must exist by then, from the start or a founding).
        regime: The new regime, OPEN or CLOSED.
    """

    step: int
    name: str
    regime: int


@dataclass(frozen=True)
class Schedule:
    """Every dated event of a world after its start, in the order they are applied."""

    foundings: tuple[Founding, ...] = field(default_factory=tuple)
    regime_changes: tuple[RegimeChange, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        events: list[Founding | RegimeChange] = [*self.foundings, *self.regime_changes]
        for event in events:
            if event.step <= 0:
                raise ValueError(f"{event.name}: a scheduled event needs a step > 0")

    @property
    def empty(self) -> bool:
        """True when nothing is scheduled."""
        return not (self.foundings or self.regime_changes)

    @property
    def founder_rows(self) -> np.ndarray:
        """Rows of every scheduled founder (leaders and members), sorted, unique."""
        rows = [r for f in self.foundings for r in (f.leader, *f.members)]
        return np.unique(np.asarray(rows, dtype=np.int64))


@dataclass(frozen=True)
class Applied:
    """What ``apply_events`` did in one quarter.

    Attributes:
        founded: Ids of the alliances founded.
        switched: Ids of the alliances whose regime changed.
        skipped: Names of events that could not happen (their leader had left the market,
            or the alliance to switch was gone); the model goes on without them.
    """

    founded: np.ndarray
    switched: np.ndarray
    skipped: tuple[str, ...]


def apply_events(
    schedule: Schedule, step: int, firms: FirmState, alliances: AllianceState
) -> Applied:
    """Apply the events dated ``step``: found alliances, then change regimes.

    A founding needs its leader alive; founders who left the market are left out, and
    founders now in another alliance leave it (the caller settles leaders and sizes after).
    A regime change applies to the newest active alliance of that name.
    """
    founded: list[int] = []
    switched: list[int] = []
    skipped: list[str] = []
    for f in (f for f in schedule.foundings if f.step == step):
        if not firms.alive[f.leader]:
            skipped.append(f.name)
            continue
        (aid,) = alliances.append(
            np.array([f.regime]),
            np.array([f.leader]),
            founded=step,
            names=[f.name],
            home=firms.region[[f.leader]],
            **f.flag_columns(),
        )
        rows = np.asarray((f.leader, *f.members), dtype=np.int64)
        rows = rows[firms.alive[rows]]
        firms.alliance[rows] = aid
        founded.append(int(aid))
    for change in (c for c in schedule.regime_changes if c.step == step):
        ids = [i for i, n in enumerate(alliances.names) if n == change.name and alliances.active[i]]
        if not ids:
            skipped.append(change.name)
            continue
        alliances.regime[ids[-1]] = change.regime
        switched.append(ids[-1])
    return Applied(
        np.asarray(founded, dtype=np.int64), np.asarray(switched, dtype=np.int64), tuple(skipped)
    )


@dataclass
class WorldStart:
    """What a world builder returns: the state at step 0 and the events after it.

    Attributes:
        firms: The firms at step 0.
        alliances: The alliances at step 0.
        schedule: The dated events the model applies later (empty for most worlds).
        names: Names of the first firm rows (a facts file's named firms; none if synthetic).
    """

    firms: FirmState
    alliances: AllianceState
    schedule: Schedule = field(default_factory=Schedule)
    names: tuple[str, ...] = ()
