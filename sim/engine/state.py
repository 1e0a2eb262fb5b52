"""The model's state: one row per firm and one row per alliance, as numpy arrays.

Agents (``agents/``) are views on a firm row; every stage of the quarter reads and writes
these arrays. Rows are never removed: an exited firm keeps its row with ``alive`` False,
and a dissolved alliance keeps its row with ``active`` False, so row numbers are stable ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from sim.config.vocabulary import KIND_NAMES, REGIME_NAMES

STARTUP, CONGLOMERATE = KIND_NAMES.index("startup"), KIND_NAMES.index("conglomerate")
OPEN, CLOSED = REGIME_NAMES.index("open"), REGIME_NAMES.index("closed")
NO_ALLIANCE = -1


def _column(dtype: type | str) -> np.ndarray:
    return np.zeros(0, dtype=dtype)


@dataclass
class FirmState:
    """Firm traits, one row per firm ever created (alive or exited)."""

    kind: np.ndarray = field(default_factory=lambda: _column(np.int8))
    region: np.ndarray = field(default_factory=lambda: _column(np.int8))
    domain: np.ndarray = field(default_factory=lambda: _column(np.int8))
    presence: np.ndarray = field(default_factory=lambda: _column(np.uint8))  # domain bitmask
    capital: np.ndarray = field(default_factory=lambda: _column(np.float64))  # USD m
    openness: np.ndarray = field(default_factory=lambda: _column(np.float64))
    capability: np.ndarray = field(default_factory=lambda: _column(np.float64))
    alliance: np.ndarray = field(default_factory=lambda: _column(np.int32))
    alive: np.ndarray = field(default_factory=lambda: _column(np.bool_))
    entered: np.ndarray = field(default_factory=lambda: _column(np.int32))
    exited: np.ndarray = field(default_factory=lambda: _column(np.int32))
    effort: np.ndarray = field(default_factory=lambda: _column(np.float64))  # last quarter
    revenue: np.ndarray = field(default_factory=lambda: _column(np.float64))  # last quarter
    # lambda_i, the unit's own learning rate (share of the frontier per effort unit^alpha);
    # 0: none, it learns at its domain's lambda_d (``Economy.learning_rate``). Set only by a
    # stationary start (``model.growth.stationary_start``) and for the entrants of such a run.
    learning_rate: np.ndarray = field(default_factory=lambda: _column(np.float64))
    # Phi_i, a startup's fixed cost at the step-0 markets (USD m a quarter), read only under
    # ``model.growth.startup_break_even`` (docs/model.md section 4, item 10; 0 otherwise)
    fixed_cost: np.ndarray = field(default_factory=lambda: _column(np.float64))
    # C_L, a named leader's customer base from the world data (USD m a quarter at the start;
    # 0: none given), read only under ``model.choice.channel_on_customer_base``
    customer_base: np.ndarray = field(default_factory=lambda: _column(np.float64))
    # kappa_L / kappa, the leader's customer contracts per USD m of its sales over the default
    # kappa (``channel_access.customer_scale``, set once after the start; 1: the default)
    channel_scale: np.ndarray = field(default_factory=lambda: _column(np.float64))

    @property
    def n(self) -> int:
        """Number of rows (firms ever created)."""
        return int(self.kind.shape[0])

    def append(self, **columns: np.ndarray) -> np.ndarray:
        """Append rows; columns not given get their neutral default. Returns the new rows.

        Args:
            **columns: One array per column, all of the same length.

        Returns:
            The row indices of the appended firms.
        """
        k = len(next(iter(columns.values())))
        defaults = {
            "alliance": NO_ALLIANCE,
            "alive": True,
            "exited": -1,
            "channel_scale": 1.0,
        }
        start = self.n
        for f in fields(self):
            old = getattr(self, f.name)
            new = columns.get(f.name)
            if new is None:
                new = np.full(k, defaults.get(f.name, 0), dtype=old.dtype)
            setattr(self, f.name, np.concatenate([old, np.asarray(new, dtype=old.dtype)]))
        return np.arange(start, start + k)

    def copy(self) -> FirmState:
        """Deep copy of every column."""
        return FirmState(**{f.name: getattr(self, f.name).copy() for f in fields(self)})


@dataclass
class AllianceState:
    """Alliances, one row per alliance ever founded (active or dissolved)."""

    regime: np.ndarray = field(default_factory=lambda: _column(np.int8))
    leader: np.ndarray = field(default_factory=lambda: _column(np.int32))
    founded: np.ndarray = field(default_factory=lambda: _column(np.int32))
    parent: np.ndarray = field(default_factory=lambda: _column(np.int32))  # federation
    active: np.ndarray = field(default_factory=lambda: _column(np.bool_))
    mandated: np.ndarray = field(default_factory=lambda: _column(np.bool_))
    depth: np.ndarray = field(default_factory=lambda: _column(np.float64))  # w_A (version 2)
    home: np.ndarray = field(default_factory=lambda: _column(np.int8))  # region; -1: leader's
    national: np.ndarray = field(default_factory=lambda: _column(np.bool_))  # home region only
    coordinated: np.ndarray = field(default_factory=lambda: _column(np.bool_))  # by the state
    chartered: np.ndarray = field(default_factory=lambda: _column(np.bool_))  # regime by charter
    reseller: np.ndarray = field(default_factory=lambda: _column(np.bool_))  # resells partners
    venture: np.ndarray = field(default_factory=lambda: _column(np.bool_))  # founders' equity
    hub: np.ndarray = field(default_factory=lambda: _column(np.bool_))  # partners sign with it
    names: list[str] = field(default_factory=list)

    @property
    def m(self) -> int:
        """Number of rows (alliances ever founded)."""
        return int(self.regime.shape[0])

    def append(
        self,
        regime: np.ndarray,
        leader: np.ndarray,
        founded: int,
        names: list[str] | None = None,
        home: np.ndarray | None = None,
        national: np.ndarray | None = None,
        coordinated: np.ndarray | None = None,
        chartered: np.ndarray | None = None,
        reseller: np.ndarray | None = None,
        venture: np.ndarray | None = None,
        hub: np.ndarray | None = None,
    ) -> np.ndarray:
        """Found alliances. Returns their ids (row indices).

        Args:
            regime: OPEN or CLOSED per new alliance.
            leader: The founding firm's row per new alliance.
            founded: The step of founding.
            names: Optional display names; generated ones otherwise.
            home: The home region per new alliance (its founder's, docs/model.md 6.6); -1
                (the default) reads as the current leader's region
                (``aggregates.home_region``).
            national: Per new alliance, whether it admits firms of its home region only.
            coordinated: Per new alliance, whether a state coordinator runs it (its members
                stay and it pursues the coordinator's mission; docs/model.md 6.6).
            chartered: Per new alliance, whether its charter fixes its regime (an open-source
                alliance by mission or by the terms of its grant; leaders do not review it).
            reseller: Per new alliance, whether its leader runs a resale programme for its
                partners' solutions (``sim.engine.channel_access``; data file
                ``channel: reseller``).
            venture: Per new alliance, whether its founders hold equity in a joint venture
                (data file ``commitment: equity``): its leader does not fold it
                (``sim.engine.consolidation``).
            hub: Per new alliance, whether it is a partner programme whose partners each sign
                with its leader and do not work with one another (data file
                ``coordination: hub``): hub-and-spoke coordination under
                ``model.choice.hub_and_spoke`` (``sim.engine.economy.hub_and_spoke``).
        """
        k = len(regime)
        start = self.m
        self.regime = np.concatenate([self.regime, np.asarray(regime, np.int8)])
        self.leader = np.concatenate([self.leader, np.asarray(leader, np.int32)])
        self.founded = np.concatenate([self.founded, np.full(k, founded, np.int32)])
        self.parent = np.concatenate([self.parent, np.full(k, NO_ALLIANCE, np.int32)])
        self.active = np.concatenate([self.active, np.ones(k, np.bool_)])
        self.mandated = np.concatenate([self.mandated, np.zeros(k, np.bool_)])
        self.depth = np.concatenate([self.depth, np.zeros(k, np.float64)])
        own = np.full(k, -1, np.int8) if home is None else np.asarray(home, np.int8)
        self.home = np.concatenate([self.home, own])
        only = np.zeros(k, np.bool_) if national is None else np.asarray(national, np.bool_)
        self.national = np.concatenate([self.national, only])
        state = np.zeros(k, np.bool_) if coordinated is None else np.asarray(coordinated, np.bool_)
        self.coordinated = np.concatenate([self.coordinated, state])
        fixed = np.zeros(k, np.bool_) if chartered is None else np.asarray(chartered, np.bool_)
        self.chartered = np.concatenate([self.chartered, fixed])
        sells = np.zeros(k, np.bool_) if reseller is None else np.asarray(reseller, np.bool_)
        self.reseller = np.concatenate([self.reseller, sells])
        equity = np.zeros(k, np.bool_) if venture is None else np.asarray(venture, np.bool_)
        self.venture = np.concatenate([self.venture, equity])
        spoke = np.zeros(k, np.bool_) if hub is None else np.asarray(hub, np.bool_)
        self.hub = np.concatenate([self.hub, spoke])
        self.names.extend(names or [f"alliance-{i}" for i in range(start, start + k)])
        return np.arange(start, start + k)

    def copy(self) -> AllianceState:
        """Deep copy of every column."""
        return AllianceState(
            **{  # type: ignore[arg-type]  # each value has its own field's type
                f.name: (list(v) if isinstance(v := getattr(self, f.name), list) else v.copy())
                for f in fields(self)
            }
        )

    def root(self) -> np.ndarray:
        """The top of each alliance's federation chain (itself if it has no parent)."""
        root = np.arange(self.m)
        parent = np.where(self.parent >= 0, self.parent, root)
        for _ in range(self.m):  # chains are short; stops when fixed
            nxt = parent[root]
            if np.array_equal(nxt, root):
                break
            root = nxt
        return root


def federate(alliances: AllianceState, child: int, parent: int) -> None:
    """Place alliance ``child`` inside federation ``parent``.

    Reason: a federation lets existing alliances keep their identity while sharing
    knowledge with the others inside it (the mandated mega-alliance can federate rather
    than absorb). Refuses links that would make a cycle.
    """
    ancestor = parent
    while ancestor != NO_ALLIANCE and ancestor != child:
        ancestor = int(alliances.parent[ancestor])
    if ancestor == child:
        raise ValueError(f"federating alliance {child} under {parent} would make a cycle")
    alliances.parent[child] = parent


def presence_mask(domain: np.ndarray) -> np.ndarray:
    """Bitmask with only the home domain set."""
    return (np.uint8(1) << domain.astype(np.uint8)).astype(np.uint8)


def padded(column: np.ndarray, fill: int = 0) -> np.ndarray:
    """``column``, or a one-element stand-in when there are no rows yet.

    Masked lookups index alliance columns with 0 where a firm has no alliance; this keeps
    that index valid before the first alliance exists.
    """
    return column if column.size else np.full(1, fill, dtype=column.dtype)
