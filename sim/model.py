"""AllianceModel: the Mesa model of how AI alliances form under policy.

One ``step`` is one quarter, in the seven stages the README's "One quarter" lists. The firms' state
lives in ``self.firms`` and ``self.alliances`` (numpy arrays, one row each); the Mesa
agents are views on those rows. Two engines run the same phase functions
(``sim.engine.quarter``): ``"vectorised"`` calls each phase once for all rows, ``"agents"`` has
each Mesa agent call it for its own row. Both draw the same random numbers from the one
generator of the run and give identical results.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import mesa
import numpy as np

from agents import Conglomerate, Government, Startup
from agents.host import AllianceWorld
from scenarios.policies import SovereignTournament, build_policies
from scenarios.worlds import build_world
from sim.config.checks import MAX_FIRMS
from sim.config.schema import ENGINES, RunConfig
from sim.config.vocabulary import DOMAINS, DOMESTIC
from sim.engine import (
    call_entry,
    channel_access,
    economy,
    fixed_amounts,
    growth,
    held_frontier,
    innovation,
    leadership,
    policing,
    quarter,
    turnover,
    valuation,
)
from sim.engine.aggregates import alliance_totals
from sim.engine.alliance_table import alliance_table
from sim.engine.choice import draw_revision
from sim.engine.consolidation import fold_targets, leaders_drawn
from sim.engine.demography import expected_entrants, remove_exits, retire
from sim.engine.depth import hollow_share
from sim.engine.founding import founds
from sim.engine.history import apply_events
from sim.engine.markets import N_MARKETS, weighted_hhi
from sim.engine.membership import apply_moves, settle
from sim.engine.outcomes import COLUMNS, StepFlows, compute
from sim.engine.policy import PolicyEffects
from sim.engine.reviews import review_regimes
from sim.engine.rnd_game import HorizonMultipliers
from sim.engine.stages import deepen
from sim.engine.start import start_economy
from sim.engine.state import CONGLOMERATE, STARTUP
from sim.engine.traits import startups

FIRM_COLUMNS: tuple[str, ...] = (
    "row",
    "kind",
    "region",
    "domain",
    "capital",
    "capability",
    "openness",
    "alliance",
    "alive",
)


class AllianceModel(AllianceWorld):
    """Startups, conglomerates and a government forming open and closed AI alliances.

    Args:
        cfg: The run configuration (``sim.compose`` builds one from config files).
        seed: An int or ``numpy.random.SeedSequence``; ``cfg.seed`` when omitted. The
            run's only randomness is the Generator built from it (``self.rng``).
        engine: ``"vectorised"`` or ``"agents"``; ``cfg.engine`` when omitted.
    """

    def __init__(
        self,
        cfg: RunConfig | None = None,
        *,
        seed: int | np.random.SeedSequence | None = None,
        engine: str | None = None,
    ) -> None:
        cfg = cfg or RunConfig()
        seed = cfg.seed if seed is None else seed
        sequence = (
            seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
        )
        super().__init__(rng=np.random.default_rng(sequence))
        self.cfg = cfg
        self.params = cfg.model
        self.engine = engine or cfg.engine
        if self.engine not in ENGINES:
            raise ValueError(f"engine={self.engine!r} is unknown; allowed: {', '.join(ENGINES)}")
        self.frontier = 1.0
        start = build_world(cfg.world, self.rng)
        self.firms, self.alliances, self.schedule = start.firms, start.alliances, start.schedule
        self.firm_names = start.names  # names of the world's first firm rows (named worlds)
        self.history_skipped: list[str] = []  # dated events that could not happen (why: history)
        self.initial_startups = int(
            ((self.firms.kind == STARTUP) & (self.firms.region == DOMESTIC)).sum()
        )
        # the world's starting foreign startups: the pool of foreign entry (docs/model.md 6.9)
        self.initial_foreign_startups = int(
            ((self.firms.kind == STARTUP) & (self.firms.region != DOMESTIC)).sum()
        )
        self.reference_capital = cfg.world.startup_capital_median
        self.government = Government(self, build_policies(cfg.scenario))
        self.firm_agents: list[Startup | Conglomerate] = []
        self._add_agents(np.arange(self.firms.n))
        self.flows = StepFlows()
        self.v2 = self.params.economics == "v2"
        self.economy: economy.Economy | None = None
        self.cooldown = np.zeros(N_MARKETS, dtype=np.int64)  # version 2: markets barred
        self.hollow: np.ndarray | None = None  # version 2: hollow members this quarter
        # version 2: V^e_d (USD m), set each quarter before entry (_economy_quarter), and an
        # entrant's fixed cost per domain at the step-0 markets (startup_break_even)
        self._entry_values = np.zeros(len(DOMAINS))
        self._entry_fixed_costs = np.zeros(len(DOMAINS))
        # version 2: the entrants' learning rates (turnover.entrant_rates), set with
        # _entry_values from the units alive after exit; entry reads them (nothing between
        # changes which units are alive or their rates)
        self._entry_rates: np.ndarray | None = None
        # version 2, model.growth.foreign_entry: the same for an entrant of another region
        self._foreign_entry_values = np.zeros(len(DOMAINS))
        self._foreign_entry_fixed_costs = np.zeros(len(DOMAINS))
        self._foreign_entry_rates = np.zeros(len(DOMAINS))
        self._prime_market()
        self.cumulative_spend = 0.0
        self.invited = call_entry.NO_INVITATIONS  # a call's founders' invitations (6.10)
        self.outcomes: dict[str, float] = {}
        self.initial_gap = 0.0
        self._record()
        self.initial_gap = self.outcomes["tech_gap_years"]
        self.datacollector = mesa.DataCollector(
            model_reporters={"step": "steps", **{c: _reporter(c) for c in COLUMNS}},
            agent_reporters=({c: c for c in FIRM_COLUMNS} if cfg.collect_firms else None),
        )
        self.datacollector.collect(self)

    # --- set-up -------------------------------------------------------------------------
    def _add_agents(self, rows: np.ndarray) -> None:
        """Create one Mesa agent per new firm row, of the class its kind names."""
        kinds = self.firms.kind[rows]
        self.firm_agents.extend(
            (Conglomerate if kind == CONGLOMERATE else Startup)(self, row)
            for row, kind in zip(rows.tolist(), kinds.tolist(), strict=True)
        )

    def _prime_market(self) -> None:
        """Revenue at step 0, so that market shares exist before the first revision."""
        neutral = PolicyEffects.neutral(
            self.firms.n, self.alliances.m, self.params.choice.baseline_clarity
        )
        q = self._new_quarter(0, neutral)
        rows = np.flatnonzero(self.firms.alive)
        no_rnd = np.zeros(self.firms.n)
        if self.v2:  # a consistent start: shares, efforts and learning rates (docs 4)
            self.economy = start_economy(self.firms, self.alliances, q, self.cfg.world.start_year)
            trade = economy.prepare_trade(self.firms, self.alliances, q, self.economy, None)
            self.firms.revenue[:] = trade.revenue
            self.firms.channel_scale[:] = channel_access.customer_scale(
                self.firms.customer_base, trade.revenue, self.params
            )
            self._market_flows(trade, self.flows)
            if self.params.growth.startup_break_even:  # startups at rest break even (docs 4)
                self._break_even(trade)
            return
        mc = quarter.prepare_market(self.firms, self.alliances, q, None)
        self.firms.revenue[rows] = quarter.earn(rows, self.firms, self.alliances, q, mc, no_rnd)[0]
        self.flows.world_market = float(mc.markets.sum())

    def _break_even(self, trade: economy.Trade) -> None:
        """Each startup's Phi_i: its step-0 margin less its step-0 R&D spend (docs 4, item 10)."""
        firms, g = self.firms, self.params.growth
        gamma = np.asarray(self.params.rnd.rd_cost_by_domain, dtype=np.float64)
        spend = gamma[firms.domain.astype(np.int64)] * firms.effort**2 / 2.0  # gamma_{d,0}
        phi = fixed_amounts.break_even_cost(trade.margin_income, spend, g.fixed_cost_startup)
        firms.fixed_cost[:] = np.where(firms.kind == STARTUP, phi, 0.0)

    def _new_quarter(self, t: int, effects: Any) -> quarter.Quarter:
        """What every firm knows at the start of quarter ``t``.

        Under ``model.growth.scale_fixed_amounts`` (version 2) the parameters hold the fixed
        USD m amounts at this quarter's markets, W_t / W_0 of their configured values; under
        ``model.choice.cost_index_growth`` the fixed membership amounts at this quarter's
        cost index (``sim.engine.fixed_amounts``; docs/model.md 6.2 and 6.5).
        """
        params, scale = self.params, 1.0
        if self.v2 and fixed_amounts.reads_markets(self.params):
            year = self.cfg.world.start_year
            markets = fixed_amounts.market_scale(
                economy.market_sizes_at(t, self.params, year),
                economy.market_sizes_at(0, self.params, year),
            )
            params, scale = fixed_amounts.at_markets(self.params, markets, t)
        return quarter.Quarter(
            step=t,
            frontier=self.frontier,
            ceiling=growth.next_frontier(self.frontier, self.params.growth),
            params=params,
            effects=effects,
            reference_capital=self.reference_capital,
            money_scale=scale,
        )

    # --- the engines ----------------------------------------------------------------------
    def _each(self, phase: str, rows: np.ndarray, *inputs: Any) -> tuple[np.ndarray, ...]:
        """Run a per-firm phase over ``rows``: all at once, or agent by agent.

        ``inputs`` are the phase's stage values (``Quarter`` first), the same for every firm.
        """
        if self.engine == "vectorised" or rows.size == 0:
            out = getattr(self.phases, phase)(rows, self.firms, self.alliances, *inputs)
            return out if isinstance(out, tuple) else (out,)
        results = [getattr(self.firm_agents[row], phase)(*inputs) for row in rows.tolist()]
        columns = list(zip(*results, strict=True)) if isinstance(results[0], tuple) else [results]
        return tuple(np.asarray(c, dtype=np.float64) for c in columns)

    def _revise(self, q: quarter.Quarter, revision: quarter.Revision, view: Any) -> np.ndarray:
        """Targets of this quarter's revisers (synchronous: all decide on the same state).

        ``view`` is what revisers see: ``RnDConditions`` (version 1) or ``Prospects`` (2).
        """
        revisers = revision.draws.revisers
        k = np.arange(revisers.size)
        if self.engine == "vectorised":
            return np.asarray(
                self.phases.reconsider(k, self.firms, self.alliances, q, revision, view)
            )
        agents = self.firm_agents
        return np.array(
            [
                agents[row].reconsider(i, q, revision, view)
                for i, row in enumerate(revisers.tolist())
            ],
            dtype=np.int64,
        )

    # --- one quarter -----------------------------------------------------------------------
    def step(self) -> None:
        """Advance one quarter through its seven stages (the README's "One quarter")."""
        firms, alliances, p = self.firms, self.alliances, self.params
        t = self.steps - 1  # Mesa counts the step before calling it; quarters start at 0
        flows = StepFlows()

        # 1. the world's dated history, then government (both may move firms: settle after)
        if not self.schedule.empty:
            self.history_skipped.extend(apply_events(self.schedule, t, firms, alliances).skipped)
        q = self._new_quarter(t, self.government.act(t))
        p = q.params  # v2: the fixed amounts at this quarter's markets (scale_fixed_amounts)
        flows.tournament_consortia = sum(
            policy.consortia(t)
            for policy in self.government.policies
            if isinstance(policy, SovereignTournament)
        )
        settle(firms, alliances, t, p.choice.founding_grace_steps, self.v2)

        # 2. membership revision, on the start-of-quarter snapshot
        totals = alliance_totals(firms, alliances)
        draws = draw_revision(firms, alliances, p.choice, self.rng)
        leaders = None
        prompted = np.zeros(0, dtype=np.int64)  # firms a call prompted, not drawn (6.10)
        if self.v2:  # leaders lead while members, or fold into a larger alliance (docs 6.6)
            if p.choice.leaders_fold:
                leaders = leaders_drawn(draws, firms, alliances, p.choice.fold_below_members)
            draws, prompted = call_entry.prompted_draws(  # invited, or hearing a call (6.10)
                draws, self.invited, q.effects.call, firms, alliances, self.rng
            )
            self.invited = call_entry.NO_INVITATIONS
            draws = leadership.leaders_stay(draws, firms, alliances)
        revision = quarter.Revision(
            totals, draws, np.isin(draws.revisers, prompted) if prompted.size else None
        )
        founding: dict[str, Any] = {}
        if self.v2:  # values in USD m over the horizon (docs/model.md 6.5)
            assert self.economy is not None
            view: Any = valuation.prospects(
                firms, alliances, q, self.economy, revision.draws, self.rng
            )
            if t > 0 and t % p.choice.regime_review_every == 0:  # leaders' reviews (stage 2)
                switched = review_regimes(firms, alliances, view, p, self.rng, q.effects, t)
                firms.capital[alliances.leader[switched]] -= p.choice.regime_switch_cost
                if switched.size:  # revisers see the new regimes
                    view = valuation.prospects(
                        firms, alliances, q, self.economy, revision.draws, self.rng
                    )
        else:  # the public spillover revisers expect
            view = quarter.prepare_rnd(firms, alliances, q)
            founding["founding_cost"] = p.choice.founding_cost
        targets = self._revise(q, revision, view)
        revisers = revision.draws.revisers
        if self.v2:  # a call's founders decide in order of capability (6.10)
            targets = call_entry.founders_in_order(
                targets, revision, firms, alliances, view, q.effects, p
            )
        founded = founds(targets)
        if leaders is not None:  # leaders who fold join the revisers' moves (no founders)
            folds = fold_targets(leaders, firms, alliances, view, q.effects, p)
            revisers = np.concatenate([revisers, leaders.revisers])
            targets = np.concatenate([targets, folds])
        if self.v2:  # founders chose their regime; movers pay the switching cost
            targets, founding["regimes"], founding["founding_cost"] = valuation.founders(targets, p)
            moved = revisers[targets != firms.alliance[revisers]]
            firms.capital[moved] -= valuation.switching_cost(firms.revenue[moved], p)
        apply_moves(firms, alliances, revisers, targets, t, **founding)
        if self.v2 and call_entry.founding_open(q.effects.call):  # founders invite (6.10)
            self.invited = call_entry.invitations(founded, revision.draws.revisers, firms, view)
        settle(firms, alliances, t, p.choice.founding_grace_steps, self.v2)

        if self.v2:
            self._economy_quarter(q, t, totals, flows)
        else:
            self._quarter_v1(q, t, totals, flows)
        settle(firms, alliances, t, p.choice.founding_grace_steps, self.v2)
        flows.entered, flows.foreign_entered = self._enter(q, t)
        if self.v2 and p.growth.frontier_held_by_firm:  # a holder that left: its next best
            assert self.economy is not None
            self.economy = held_frontier.hold(firms, self.economy)
            self.frontier = float(self.economy.frontier.mean())
        if not self.v2:  # 6. frontier, after entry (entrants start relative to the old one)
            self.frontier = growth.next_frontier(self.frontier, p.growth)

        # 7. data collection
        self.flows = flows
        self.cumulative_spend += flows.government_spend
        self._record()
        self.datacollector.collect(self)

    def _invest(
        self, alive: np.ndarray, flows: StepFlows, q: quarter.Quarter, stage: Any
    ) -> tuple[np.ndarray, np.ndarray]:
        """R&D phase: write efforts; return each row's R&D spend and what the state paid."""
        effort, spend, paid = self._each("invest", alive, q, stage)
        self.firms.effort[:] = 0.0
        self.firms.effort[alive] = effort
        rd_spend = np.zeros(self.firms.n)
        rd_spend[alive] = spend
        flows.rnd_spend = float(spend.sum() + paid.sum())
        home = self.firms.region[alive] == DOMESTIC
        flows.rnd_domestic = float(spend[home].sum() + paid[home].sum())
        return rd_spend, paid

    def _quarter_v1(self, q: quarter.Quarter, t: int, totals: Any, flows: StepFlows) -> None:
        """R&D, capability, market and exit under the version-1 rules (README)."""
        firms, alliances, p = self.firms, self.alliances, self.params
        # 3. R&D
        alive = np.flatnonzero(firms.alive)
        rnd = quarter.prepare_rnd(firms, alliances, q)
        rd_spend, paid = self._invest(alive, flows, q, rnd)

        # 4. capability
        pool = quarter.prepare_learning(firms, alliances, rnd)
        (capability,) = self._each("learn", alive, q, rnd, pool)
        firms.capability[alive] = capability

        # 5. market and capital; exit and entry
        mc = quarter.prepare_market(firms, alliances, q, totals)
        revenue, profit = self._each("earn", alive, q, mc, rd_spend)
        firms.revenue[:] = 0.0
        firms.revenue[alive] = revenue
        firms.capital[alive] += profit
        flows.world_market = float(mc.markets.sum())
        gone = remove_exits(firms, t, p.growth.exit_capital)
        flows.exited = int((firms.region[gone] == DOMESTIC).sum())
        flows.government_spend = float(q.effects.spend + paid.sum() + q.effects.subsidy.sum())

    def _economy_quarter(self, q: quarter.Quarter, t: int, totals: Any, flows: StepFlows) -> None:
        """Depth, R&D, capability, frontiers, markets, exit and entrants' values (docs 6.1-6.9)."""
        firms, alliances, p = self.firms, self.alliances, q.params
        assert self.economy is not None  # set at the start of a version-2 run
        # 4. depth
        deepen(firms, alliances, p, q.effects.mission, t)
        # 5. collusion decisions, on the start-of-quarter shares
        start = economy.sales(firms, self.economy, t, p, alliances)
        colluding = policing.decide_collusion(start, firms, alliances, self.cooldown, p, q.effects)
        # 6. R&D: every firm's condition at the start-of-quarter state
        alive = np.flatnonzero(firms.alive)
        margins = policing.row_margins(start, firms, alliances, colluding, p)
        game = innovation.plan(firms, alliances, q, self.economy, start, margins)
        alone = economy.sales(firms, self.economy, t, p, None)
        self.hollow = innovation.hollow_members(firms, alliances, q, game, alone)
        _, flows.hollow_share = hollow_share(
            self.hollow[alive], firms.alliance[alive], max(alliances.m, 1)
        )
        rd_spend, paid = self._invest(alive, flows, q, game)
        # 7. capability and frontiers
        effective = innovation.deliver(firms, game, firms.effort, p)
        (capability,) = self._each("learn", alive, q, game, effective)
        held = p.growth.frontier_held_by_firm
        self.economy = economy.advance(firms, alive, capability, self.economy, held)
        self.frontier = float(self.economy.frontier.mean())
        # 8. markets and capital; exit
        trade = economy.prepare_trade(firms, alliances, q, self.economy, totals)
        law = policing.enforce(
            trade.sales, firms, alliances, colluding, q.effects, self.cooldown, p, self.rng
        )
        self.cooldown = law.cooldown
        flows.collusion_harm, flows.collusion_risk, flows.fines = (
            law.harm,
            law.risk,
            float(law.fines.sum()),
        )
        coordination = economy.coordination_costs(firms, alliances, rd_spend, p)
        mandate = economy.mandate_payments(firms, q.effects)
        channel = channel_access.channel_income(firms, alliances, economy.by_geography(trade), p)
        trade = replace(
            trade,
            margin_income=law.margin_income,
            fines=law.fines,
            coordination=coordination,
            mandate=mandate,
            channel=channel,
        )
        revenue, profit = self._each("earn", alive, q, trade, rd_spend)
        firms.revenue[:] = 0.0
        firms.revenue[alive] = revenue
        firms.capital[alive] += profit
        self._market_flows(trade, flows)
        multipliers = innovation.horizon(p, self.economy)
        if p.growth.scale_fixed_amounts:  # cost flows grow with the markets (docs 6.2)
            multipliers = fixed_amounts.growing_costs(multipliers, N_MARKETS - 1)
        gone = remove_exits(firms, t, p.growth.exit_capital)
        if p.growth.exit_by_value:  # and by a negative value of continuing (docs 6.9)
            leaving = turnover.leaving(
                firms,
                rd_spend,
                trade.fees_out + coordination,
                np.pad(q.effects.subsidy, (0, firms.n - q.effects.subsidy.size))
                + channel
                + mandate,  # income besides the margin, as subsidies (docs 6.9)
                multipliers,
                p,
                fixed_amounts.startup_fixed_costs(np.arange(firms.n), firms, p, q.money_scale),
            )
            gone = np.concatenate([gone, retire(firms, np.flatnonzero(leaving), t)])
        flows.exited = int((firms.region[gone] == DOMESTIC).sum())
        # what a new startup of each domain expects on this quarter's markets, learning at the
        # rates of the units still alive (the ones ``_enter`` gives it): entry reads it (6.9)
        rates, self._entry_values, fixed = self._entrant_outlook(trade, multipliers, q, False)
        self._entry_rates = rates
        if fixed is not None:
            self._entry_fixed_costs = fixed
        if p.growth.foreign_entry and self.initial_foreign_startups:  # one of another region
            rates, self._foreign_entry_values, fixed = self._entrant_outlook(
                trade, multipliers, q, True
            )
            self._foreign_entry_rates = rates
            if fixed is not None:
                self._foreign_entry_fixed_costs = fixed
        spent = q.effects.spend + paid.sum() + q.effects.subsidy.sum() + mandate.sum()
        flows.government_spend = float(spent)

    def _entrant_outlook(
        self,
        trade: economy.Trade,
        multipliers: HorizonMultipliers,
        q: quarter.Quarter,
        foreign: bool,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """What a new startup of each domain expects on this quarter's markets (6.9).

        Returns its own learning rate per domain (of its home's startups with
        ``model.growth.entrant_rates_by_home``, else of every live unit), its value V^e_d
        (USD m) and, with ``startup_break_even``, its fixed cost Phi_e at the step-0 markets
        (else None). ``foreign``: a startup of another region.
        """
        p = q.params
        assert self.economy is not None  # set at the start of a version-2 run
        rates = turnover.entrant_rates(
            self.firms, foreign if p.growth.entrant_rates_by_home else None
        )
        args = (self.economy, trade.sales, multipliers, p, rates)
        values = turnover.entrant_values(*args, foreign=foreign)
        if not p.growth.startup_break_even:
            return rates, values, None
        return rates, values, turnover.entrant_fixed_costs(*args, foreign=foreign) / q.money_scale

    def _market_flows(self, trade: economy.Trade, flows: StepFlows) -> None:
        """Market sizes, domestic sales at home and concentration, for the outcomes."""
        size = trade.sales.size
        flows.world_market = float(size.sum())
        flows.domestic_market = float(size[: len(DOMAINS)].sum())
        home = self.firms.alive & (self.firms.region == DOMESTIC)
        flows.domestic_sales_home = float(trade.domestic_revenue[home].sum())
        per_domain = economy.domestic_hhi(trade.sales)
        flows.hhi_domestic = tuple(per_domain.tolist())
        flows.hhi_markets = weighted_hhi(per_domain, size[: len(DOMAINS)])

    @property
    def phases(self) -> Any:
        """The module of the per-firm phases of this run's economics."""
        return _PhasesV2 if self.v2 else quarter

    def _enter(self, q: quarter.Quarter, t: int) -> tuple[int, int]:
        """New startups enter, at a rate rising with funding (v2: and ``_entry_values``).

        Returns how many domestic and how many foreign startups entered (foreign: version 2
        with ``model.growth.foreign_entry`` only, after the domestic ones).
        """
        world = self.cfg.world
        if self.v2:  # by expected profit and funding (docs/model.md 6.9)
            break_even = q.params.growth.startup_break_even
            rates = self._entry_rates  # set with _entry_values; else the units alive now
            self._entry_rates = None  # this quarter's: read once
            k = self._append_entrants(
                turnover.enter(
                    self.firms,
                    world,
                    self._entry_values,
                    q.effects.startup_funding,
                    self.initial_startups,
                    q.params,
                    self.rng,
                    self._entry_fixed_costs if break_even else None,
                    rates,
                ),
                t,
            )
            if not q.params.growth.foreign_entry or not self.initial_foreign_startups:
                return k, 0  # no pool abroad: no draw, so such worlds keep their numbers
            abroad = turnover.enter(  # funded by seed money only: Korean policy stays home
                self.firms,
                world,
                self._foreign_entry_values,
                0.0,
                self.initial_foreign_startups,
                q.params,
                self.rng,
                self._foreign_entry_fixed_costs if break_even else None,
                self._foreign_entry_rates,
                foreign=True,
            )
            return k, self._append_entrants(abroad, t)
        lam = expected_entrants(
            self.initial_startups,
            q.effects.startup_funding,
            world.startup_capital_median,
            self.params.growth,
        )
        lam = min(lam, max(MAX_FIRMS - self.firms.n, 0))  # a huge subsidy cannot outgrow memory
        k = int(self.rng.poisson(lam))
        if k:
            scale = 1.0 if self.v2 else self.frontier  # version 2 keeps capability relative
            columns = startups(k, world, self.rng, self.params.growth.entrant_capability, scale)
            self._append_entrants(columns, t)
        return k, 0

    def _append_entrants(self, columns: dict[str, np.ndarray], t: int) -> int:
        """Append entrants' columns (``turnover.enter``) as rows and agents; returns how many."""
        k = int(columns["kind"].size)
        if k:
            rows = self.firms.append(**columns, entered=np.full(k, t + 1))
            self._add_agents(rows)
        return k

    def _record(self) -> None:
        self.outcomes = compute(
            self.firms,
            self.alliances,
            self.frontier,
            self.flows,
            self.initial_gap,
            self.cumulative_spend,
            self.params,
            self.economy,
        )

    # --- conveniences -----------------------------------------------------------------------
    def run(self, steps: int | None = None) -> AllianceModel:
        """Step ``steps`` quarters (``cfg.steps`` by default); returns self."""
        for _ in range(self.cfg.steps if steps is None else steps):
            self.step()
        return self

    def firm_records(self) -> Any:
        """Per-firm rows of every collected step (needs ``collect_firms``), firms only."""
        records = self.datacollector.get_agent_vars_dataframe()
        return records.dropna(subset=["row"]).astype({"row": int})

    def alliance_table(self) -> Any:
        """The active alliances now (columns: ``sim.engine.alliance_table``)."""
        return alliance_table(self.firms, self.alliances, firm_names=self.firm_names)


class _PhasesV2:
    """The per-firm phases of version 2, under the names the agents call."""

    invest = staticmethod(innovation.invest)
    learn = staticmethod(innovation.learn)
    earn = staticmethod(economy.earn)
    reconsider = staticmethod(valuation.reconsider)


def _reporter(column: str) -> Any:
    return lambda model: model.outcomes[column]
