"""The targets of the history matching, read from the world's facts file (never retyped).

Every alliance of the facts file is an archetype. Its ``history:`` points (date, members)
become **size targets**: a ``"YYYY-MM"`` date is its quarter, a year alone spans that year's
four quarters, and a point may be assumed to hold up to a later date (the spec's
``hold_until``). ``history_excludes_leader: true`` adds one member for the leader. Values are
scaled by ``world.archetype_scale``, as the world scales ``members_in_model``. A target at
quarter ``t`` is compared with the state at the **end** of quarter ``t`` (after ``t + 1`` calls
of ``model.step()``: the model's quarter ``t`` applies the events dated ``t`` first). Points
before step 0 are not targets (the state at the start of step 0 is the world's input), nor are
quarters before the alliance's founding or after the spec's ``last_date``.

Every archetype also gets a **leader target** (its reported leader) and a **regime target**
(its regime at founding, then its dated ``regime_changes``) at each quarter from its founding
(at least step 0) to ``last_date``. Points the spec lists as ``held_out`` are kept apart: the
loss never reads them (``Targets.in_sample``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.calibration.history.spec import HistorySpec
from sim.engine.history import step_of


@dataclass(frozen=True)
class SizeTarget:
    """A reported size of an alliance at one quarter.

    Attributes:
        alliance: The alliance's name (as in the facts file and the alliance table).
        date: The reported date, as the facts file writes it.
        step: The quarter compared (>= 0; the state at its end).
        reported: The reported members, the leader included.
        value: ``reported`` times ``world.archetype_scale``: what the model should show.
        tolerance: How far off the model may be, in ``log(1 + members)`` units.
        held_out: True for an out-of-sample check (never in the loss).
        assumed: True for a quarter only ``hold_until`` covers (an assumption that the size
            held, not a report): the loss counts only a shortfall there.
        at_least: True for a report that gives a lower bound ("more than 100"; the facts
            file's ``at_least: true``): the loss counts only a shortfall.
    """

    alliance: str
    date: str
    step: int
    reported: float
    value: float
    tolerance: float
    held_out: bool = False
    assumed: bool = False
    at_least: bool = False


@dataclass(frozen=True)
class StateTarget:
    """A reported leader or regime of an alliance at one quarter.

    Attributes:
        alliance: The alliance's name.
        step: The quarter compared (>= 0; the state at its end).
        value: The leader's firm name, or ``"open"`` / ``"closed"``.
    """

    alliance: str
    step: int
    value: str


@dataclass(frozen=True)
class Targets:
    """Every target of one world: sizes, leaders and regimes, and the last quarter compared.

    Attributes:
        sizes: Size targets, in-sample and held-out.
        leaders: Leader targets.
        regimes: Regime targets.
        alliances: The archetypes' names, in the facts file's order.
        steps: The last quarter compared (``last_date``); a run steps ``steps + 1`` quarters.
    """

    sizes: tuple[SizeTarget, ...]
    leaders: tuple[StateTarget, ...]
    regimes: tuple[StateTarget, ...]
    alliances: tuple[str, ...]
    steps: int

    @property
    def in_sample(self) -> tuple[SizeTarget, ...]:
        """The size targets the loss reads (held-out ones left out)."""
        return tuple(t for t in self.sizes if not t.held_out)

    @property
    def held_out(self) -> tuple[SizeTarget, ...]:
        """The out-of-sample size checks."""
        return tuple(t for t in self.sizes if t.held_out)


def point_steps(date: str, hold_until: str, start_year: int) -> range:
    """The quarters a reported point covers, before clipping to the run.

    Args:
        date: ``"YYYY-MM"`` (its quarter) or ``"YYYY"`` (the year's four quarters).
        hold_until: A later date the point is assumed to hold to ("" for none).
        start_year: The calendar year of step 0.
    """
    first = step_of(date, start_year)
    last = reported_until(date, start_year)
    if hold_until:
        last = max(last, step_of(hold_until, start_year))
    return range(first, last + 1)


def reported_until(date: str, start_year: int) -> int:
    """The last quarter the report itself covers (a year's report: its fourth quarter)."""
    first = step_of(date, start_year)
    return first if "-" in str(date) else first + 3


def _size_targets(
    spec: HistorySpec, alliance: dict[str, Any], scale: float, start_year: int, horizon: int
) -> list[SizeTarget]:
    name = str(alliance["name"])
    founded = max(0, step_of(alliance["founded"], start_year))
    leader = 1 if alliance.get("history_excludes_leader", False) else 0
    held = {d for a, d in spec.held_out if a == name}
    out = []
    for point in alliance.get("history", []):
        date = str(point["date"])
        rule = spec.rule(name, date)
        reported = float(point["members"]) + leader
        own = reported_until(date, start_year)
        for step in point_steps(date, rule.hold_until, start_year):
            if founded <= step <= horizon:
                out.append(
                    SizeTarget(
                        name,
                        date,
                        step,
                        reported,
                        reported * scale,
                        rule.tolerance,
                        date in held,
                        assumed=step > own,
                        at_least=bool(point.get("at_least", False)),
                    )
                )
    return out


def _state_targets(
    alliance: dict[str, Any], start_year: int, horizon: int
) -> tuple[list[StateTarget], list[StateTarget]]:
    name = str(alliance["name"])
    founded = max(0, step_of(alliance["founded"], start_year))
    changes = sorted(
        (step_of(c["date"], start_year), str(c["regime"]))
        for c in alliance.get("regime_changes", [])
    )
    leaders, regimes = [], []
    for step in range(founded, horizon + 1):
        regime = str(alliance["regime"])
        for at, new in changes:
            if at <= step:
                regime = new
        leaders.append(StateTarget(name, step, str(alliance["leader"])))
        regimes.append(StateTarget(name, step, regime))
    return leaders, regimes


def _check_named(spec: HistorySpec, facts: dict[str, Any]) -> None:
    dated = {
        (str(a["name"]), str(p["date"])) for a in facts["alliances"] for p in a.get("history", [])
    }
    named = [(a, d) for a, dates in spec.points.items() for d in dates]
    for key, pairs in (("points", named), ("held_out", spec.held_out)):
        for alliance, date in pairs:
            if (alliance, date) not in dated:
                raise ValueError(
                    f"{key}: ({alliance!r}, {date!r}) is not a history point of the facts file; "
                    "allowed: an alliance name and a date of its history"
                )


def build_targets(
    spec: HistorySpec, facts: dict[str, Any], archetype_scale: float, start_year: int
) -> Targets:
    """Every target of the facts file under the spec's rules (see the module docstring).

    Args:
        spec: Tolerances, held-out points, holds and the last date.
        facts: The world's facts file (``scenarios.worlds.korea_2024.load_facts``).
        archetype_scale: ``world.archetype_scale`` (sizes are scaled by it).
        start_year: ``world.start_year`` (the calendar year of step 0).

    Returns:
        The targets, and the last quarter compared (the step of ``last_date``).

    Raises:
        ValueError: The spec names a point the facts file does not have, or the last date
            is not after the start.
    """
    _check_named(spec, facts)
    horizon = step_of(spec.last_date, start_year)
    if horizon < 0:
        raise ValueError(f"last_date={spec.last_date!r} is before {start_year} Q1")
    sizes: list[SizeTarget] = []
    leaders: list[StateTarget] = []
    regimes: list[StateTarget] = []
    for alliance in facts["alliances"]:
        sizes += _size_targets(spec, alliance, archetype_scale, start_year, horizon)
        led, reg = _state_targets(alliance, start_year, horizon)
        leaders += led
        regimes += reg
    names = tuple(str(a["name"]) for a in facts["alliances"])
    return Targets(tuple(sizes), tuple(leaders), tuple(regimes), names, horizon)
