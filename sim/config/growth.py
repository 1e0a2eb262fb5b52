"""Typed parameters of capability growth, markets, entry and exit: ``model.growth``.

``GrowthParams`` holds the learning, frontier, market, entry and exit parameters of both
design versions and the switches of version 2's start (docs/model.md section 4 and 6.2-6.9);
``MAX_LEARNING_RATE`` bounds every learning rate, given or solved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.config.checks import ConfigError, check_finite_fields, check_range, check_weights
from sim.config.rnd import _check_positive_list
from sim.config.vocabulary import N_DOMAINS

# Highest learning rate allowed (share of the frontier per effort unit^alpha), for
# ``model.growth.learning_rate`` and for the own rates of a stationary start: version 2
# overflows to inf with absurd rates (fuzz: learning_rate=1e300); 10 is 300 times the fitted
# rate and checked finite on a small world
MAX_LEARNING_RATE = 10.0


@dataclass
class GrowthParams:
    """Capability growth, frontier, markets, entry and exit (version 1; README, "One quarter")."""

    learning_rate: float = 0.0328  # capability per unit of knowledge input (x frontier); fitted
    catch_up: float = 1.5  # growth multiplier per unit of relative distance to frontier
    obsolescence: float = 0.01  # share of capability lost each quarter
    frontier_growth: float = 0.1184  # yearly growth rate of the global frontier; fitted
    national_top_k: int = 3  # national capability: mean of the top k domestic firms/domain
    market_size: float = 60000.0  # USD m per quarter, global AI market at step 0
    domain_market_weights: list[float] = field(
        default_factory=lambda: [0.2, 0.2, 0.2, 0.05, 0.25, 0.05, 0.05]
    )  # global market split over DOMAINS
    market_growth: float = 0.25  # yearly growth of every domain market
    share_sensitivity: float = 6.0  # logit weight of capability/frontier in market shares
    outside_weight: float = 300.0  # weight of the unmodelled rest of the world per domain
    margin: float = 0.1  # profit margin on revenue
    exit_capital: float = 0.25  # USD m: a startup below this cannot keep a team and exits
    entry_rate: float = 0.02  # startups entering per quarter, share of initial startups
    entry_funding_elasticity: float = 0.5  # entry multiplier per unit startup subsidy share
    entrant_capability: float = 0.35  # entrants' capability relative to frontier
    rd_returns_exponent: float = 0.5  # v2: alpha, capability grows with effective R&D^alpha
    effort_offset: float = 0.001  # v2: X0, effort units keeping the marginal gain finite at 0
    frontier_growth_by_domain: list[float] = field(
        default_factory=list
    )  # v2: /yr per domain in DOMAINS order; empty: frontier_growth for each
    entry_pool: float = 0.04  # v2: potential entrants a quarter, share of initial startups
    entry_cost: float = 1.5  # v2: USD m a new startup needs to set up
    entry_noise: float = 1.0  # v2: logit scale of entry, multiple of entry_cost
    seed_funding: float = 1.0  # v2: USD m of private funding per potential entrant
    fixed_cost_startup: float = 0.1  # v2: USD m a quarter a startup's team costs
    initial_runway: float = 4.0  # v2: quarters of fixed cost and step-0 R&D start capital covers
    # v2 (bool): a stationary start (docs/model.md section 4, "Consistent start"; finding 38):
    # every unit below the frontier cap gets its own learning rate lambda_i, solved with the
    # step-0 efforts so that its capability keeps its distance to the frontier at its step-0
    # effective R&D; entrants take their domain's median lambda_i among live units. Source:
    # the model's own steady state (assumption); default true since 2026-12-03 (the
    # membership defaults were fitted with the old start; not refitted yet); false: one
    # lambda_d per domain, solved on the best domestic unit only
    stationary_start: bool = True
    # v2 (bool): balanced growth (docs/model.md 6.2; finding 39, item 1): the R&D cost slope
    # grows with its domain's whole market, gamma_{d,t} = gamma_d M_{d,t} / M_{d,0}
    # (sim.engine.balanced_growth), so that best responses, and a start at rest, stay where
    # they were while markets grow. Source: Bloom, Jones, Van Reenen and Webb (2020), ideas
    # get harder to find; default true since 2026-12-03 (false: gamma_d fixed in USD m, as
    # before the switch)
    balanced_growth: bool = True
    # v2 (bool): the frontier held by a firm (docs/model.md 6.4; finding 39, item 2;
    # sim.engine.held_frontier): each domain's capabilities are divided by its best live unit
    # at the start, no unit is capped at the frontier, the frontier is the best live unit every
    # quarter (it falls to the next best when its holder exits), and the start solves the
    # holder's own learning rate so that at rest it grows at the trend. Source: assumption
    # (the frontier as a firm's capability, as SPRi measures the gap to the leading country);
    # default true since 2026-12-03 (finding 39 item 6, switch B); false: foreign units capped
    # at the drifted frontier, domestic ones not, as before
    frontier_held_by_firm: bool = True
    # v2 (bool): the start's own learning rates (stationary_start, or the holders') take
    # growing steps in logs toward their rest rates while a unit's error keeps its sign, and
    # return to half-way when it flips (start.rate_step; docs/model.md section 4, item 9,
    # finding 40); the fixed points, so the start, are those of half-way steps. Source:
    # numerical method; default true since 2026-12-04 (korea_2024 seeds 0-15: 17-30 passes
    # instead of 42-313); false: half-way in logs every pass, as before
    adaptive_start: bool = True
    # v2 (bool): startups break even at rest (docs/model.md section 4, item 10): each
    # startup's fixed cost Phi_i is its step-0 margin less its step-0 R&D spend, at most
    # fixed_cost_startup and at least 0 (an entrant's: the same at its expected entry
    # revenue and effort), so that no startup starts loss-making at rest. Source: the
    # stationary industry of Hopenhayn (1992), in which no incumbent has a negative value of
    # continuing (assumption: a startup sizes its team to what its business pays); default
    # false (every startup pays fixed_cost_startup)
    startup_break_even: bool = False
    # v2 (bool): fixed USD m amounts grow with the markets (docs/model.md 6.2, "Fixed
    # amounts"): fixed costs, entry cost, seed funding, coordination, distance, switching,
    # founding and regime-switch costs and the choice noise's revenue floor are read at
    # W_t / W_0 of their step-0 values, not exit_capital, a floor on cash (W: the whole world
    # market; equal to each domain's M_{d,t} / M_{d,0} because every domain's markets share
    # one growth path), and money flows over the horizon in entry and exit are valued at the growing
    # flow's multiplier. Source: balanced growth (finding 39, item 1); default false
    scale_fixed_amounts: bool = False
    # v2 (bool): a startup also exits when its cash plus its value of continuing over the
    # horizon is negative (docs/model.md 6.9, turnover.leaving), not only below exit_capital.
    # Source: design brief section 8 (funders pull the plug); default false
    exit_by_value: bool = False
    # v2 (bool): startups of other regions enter too (docs/model.md 6.9, "Foreign entry";
    # finding 47): a pool of entry_pool x the world's starting foreign startups a quarter, by
    # the domestic entrants' logistic rule valued without the domestic shifts (no home bias at
    # home, no penalty abroad), funded by seed_funding only (Korean public funding does not
    # reach them), regions drawn from world.foreign_region_weights; they exit by the same
    # rules. Source: finding 46's review (the foreign stock was finite, so alliances abroad
    # ran out of foreign firms to recruit); default true since 2026-12-04 (finding 47; false:
    # no foreign entry, as before)
    foreign_entry: bool = True
    # v2 (bool): an entrant's own learning rate is the median lambda_i of its domain's
    # startups of its own home (domestic startups for a domestic entrant, startups of other
    # regions for a foreign one; docs/model.md 6.9, finding 47), not of every unit there: a
    # lambda_i keeps a unit at rest at the R&D its markets pay for, and foreign startups sell
    # abroad without the domestic penalty, so the two populations' rates differ about 2x in
    # korea_2024. Source: the stationary start's own logic (assumption); default true since
    # 2026-12-04 (finding 47; false: every live unit of the domain, as before)
    entrant_rates_by_home: bool = True
    # v2 (bool): one learning rate per domain with a Nelson-Phelps transfer (docs/model.md
    # section 4, item 9; finding 39, item 3; prototype, branch lambda-design): lambda_d is
    # solved at the start on the domain's frontier holder (at rest it grows at the trend), no
    # unit has its own rate, and capability also gains eps_d k (1 - k) a quarter (technology
    # transfer from the frontier, bounded by absorptive capacity k; Nelson and Phelps 1966,
    # Benhabib and Spiegel 2005, Griffith, Redding and Van Reenen 2004), eps_d solved so that
    # the domain's best domestic unit starts at rest. Needs frontier_held_by_firm. Source:
    # assumption; default false (the stationary start's own rates, or lambda_d on the anchor)
    common_learning_rate: bool = False
    # v2 (bool), with common_learning_rate: every live unit but the holders and the best
    # domestic units starts at its own steady-state capability (its step-0 effective R&D
    # under lambda_d and eps_d), solved with the efforts and the shares (prototype). Source:
    # the model's own steady state (assumption); default false (the world file's capabilities)
    reanchored_start: bool = False
    # v2 (/quarter), with common_learning_rate: eps, one Nelson-Phelps transfer rate for every
    # domain (share of the gap closed a quarter at absorptive capacity 1); negative: eps_d is
    # solved so that each domain's best domestic unit starts at rest. With a given eps and
    # reanchored_start the best domestic units are re-anchored too, so the start's gap is an
    # output. Source: assumption (prototype; about 0.16 gives a steady-state gap of 1 year at
    # a domestic R&D spend 1/50 of the holder's, docs/learning_rate.md)
    transfer_rate: float = -1.0
    # v2 (share), with common_learning_rate: the floor a0 of the transfer's absorptive
    # capacity k (a0 + (1 - a0) x / (x + x_half)) at last quarter's own effort x
    # (x_half = transfer_absorption_half_effort): 1, capability alone (the prototype's k);
    # below 1 own R&D buys the rest, so a unit that does no R&D absorbs a0 of what a
    # researching one does and R&D and its subsidies move the transfer (R&D's second face;
    # Cohen and Levinthal 1989; Griffith, Redding and Van Reenen 2004); 0, nothing without
    # R&D (docs/learning_rate.md section 7). Firms' R&D choice does not price the absorption
    # it buys next quarter. Source: assumption; default 1 (absorptive capacity k)
    transfer_absorption_floor: float = 1.0
    # v2 (effort units), with transfer_absorption_floor below 1: x_half of the transfer's
    # absorptive capacity, the effort at which it is half-way from a0 k to k (the spillovers'
    # own is model.rnd.absorption_half_effort). Source: assumption (finding 55); default 0.05
    transfer_absorption_half_effort: float = 0.05

    def __post_init__(self) -> None:
        check_finite_fields(self)
        for name in ("obsolescence", "market_growth", "margin", "entry_rate"):
            check_range(self, name, 0.0, 1.0)
        check_range(self, "frontier_growth", 1e-6, 1.0)
        check_range(self, "learning_rate", 0.0, MAX_LEARNING_RATE)
        check_range(self, "catch_up", 0.0, 100.0)
        check_range(self, "outside_weight", 0.0)
        check_range(self, "share_sensitivity", 0.01, 100.0)  # 0: NaN shares; 1000: overflow
        check_range(self, "market_size", 1e-9)
        check_range(self, "national_top_k", 1)
        check_range(self, "entry_funding_elasticity", 0.0)
        check_range(self, "exit_capital", 0.0)
        check_range(self, "entrant_capability", 0.0, 1.0)
        check_weights(self, "domain_market_weights", N_DOMAINS)
        check_range(self, "rd_returns_exponent", 0.05, 1.0)
        check_range(self, "entry_pool", 0.0, 1.0)
        for name in ("entry_cost", "entry_noise", "seed_funding", "fixed_cost_startup"):
            check_range(self, name, 0.0, 1e6)
        check_range(self, "initial_runway", 0.0, 400.0)
        check_range(self, "effort_offset", 1e-9, 1.0)
        if self.frontier_growth_by_domain:
            _check_positive_list(self, "frontier_growth_by_domain", N_DOMAINS, high=1.0)
        check_range(self, "transfer_rate", -1.0, 1.0)
        check_range(self, "transfer_absorption_floor", 0.0, 1.0)
        check_range(self, "transfer_absorption_half_effort", 1e-9, 10.0)
        if self.common_learning_rate and not self.frontier_held_by_firm:
            raise ConfigError(
                "GrowthParams.common_learning_rate=true needs frontier_held_by_firm=true "
                "(lambda_d is solved on the domain's frontier holder); allowed: "
                "common_learning_rate=false, or both true"
            )

    def frontier_growth_of_domains(self) -> list[float]:
        """The frontier's trend growth per domain (/yr), in DOMAINS order."""
        return list(self.frontier_growth_by_domain) or [self.frontier_growth] * N_DOMAINS
