"""Typed run configuration: dataclasses registered with Hydra's ConfigStore.

Every weight, rate and size the model uses is a field here with a documented default;
the YAML files under ``configs/`` only choose among and override these. Range checks run
in ``__post_init__`` so a bad value fails when the config is built, naming the key.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

from hydra.core.config_store import ConfigStore

from sim.config.checks import (
    MAX_FIRMS,
    MAX_REPLICATES,
    MAX_SEED,
    MAX_STEPS,
    ConfigError,
    check_choice,
    check_finite_fields,
    check_order,
    check_plain_name,
    check_range,
    check_tree,
    check_weights,
)
from sim.config.competition import CompetitionParams
from sim.config.levers import ScenarioConfig
from sim.config.markets import MarketParams
from sim.config.uncertainty import UncertaintyConfig
from sim.config.vocabulary import N_DOMAINS, REGIONS

ENGINES: tuple[str, ...] = ("vectorised", "agents")
ECONOMICS: tuple[str, ...] = ("v1", "v2")  # the economics of design version 1 or 2
# Technological proximity of the domains (Jaffe 1986), in DOMAINS order; docs/model.md 6.3.
RELATEDNESS: tuple[tuple[float, ...], ...] = (
    (1.0, 0.3, 0.4, 0.6, 0.5, 0.2, 0.3),
    (0.3, 1.0, 0.5, 0.1, 0.1, 0.4, 0.3),
    (0.4, 0.5, 1.0, 0.5, 0.3, 0.5, 0.2),
    (0.6, 0.1, 0.5, 1.0, 0.5, 0.2, 0.3),
    (0.5, 0.1, 0.3, 0.5, 1.0, 0.3, 0.3),
    (0.2, 0.4, 0.5, 0.2, 0.3, 1.0, 0.2),
    (0.3, 0.3, 0.2, 0.3, 0.3, 0.2, 1.0),
)


@dataclass
class WorldConfig:
    """The firms a run starts from (docs/model.md, sections 2 and 4).

    Capital is in USD millions; capability is relative to the global frontier at step 0
    (frontier = 1.0).
    """

    name: str = "synthetic"  # which world (scenarios.worlds.WORLDS); checked where it is built
    n_startups: int = 1000  # domestic startups (the official count is a user assumption)
    n_conglomerates: int = 10  # domestic conglomerates (chaebol groups)
    n_foreign: int = 10  # foreign big tech (conglomerates of other regions)
    n_foreign_startups: int = 0  # korea_2024: startups of other regions (foreign_region_weights)
    n_initial_alliances: int = 0  # synthetic only: alliances seeded at step 0
    initial_alliance_size: int = 5  # synthetic only: members of each seeded alliance
    startup_capital_median: float = 5.0  # USD m; lognormal median
    startup_capital_sigma: float = 1.0  # lognormal shape
    conglomerate_capital_min: float = 10.0  # multiple of startup median (log-uniform)
    conglomerate_capital_max: float = 1000.0  # multiple of startup median (log-uniform)
    foreign_capital_multiple: float = 3000.0  # foreign big tech capital, multiple of median
    startup_openness_mean: float = 0.7  # Beta-distributed openness, mean
    conglomerate_openness_mean: float = 0.35
    openness_concentration: float = 6.0  # Beta a+b: higher = tighter around the mean
    startup_capability_mean: float = 0.45  # relative to frontier
    conglomerate_capability_mean: float = 0.65
    foreign_capability_mean: float = 0.92
    capability_sd: float = 0.08
    presence_probability: float = 0.3  # chance a conglomerate is present in each other domain
    domain_weights: list[float] = field(
        default_factory=lambda: [0.15, 0.05, 0.10, 0.10, 0.45, 0.05, 0.10]
    )  # startup domain mix, in DOMAINS order
    foreign_region_weights: list[float] = field(
        default_factory=lambda: [0.0, 0.6, 0.2, 0.15, 0.05]
    )  # region mix of generated foreign firms, in REGIONS order
    data_file: str = ""  # korea_2024: facts file (relative to scenarios/worlds/data)
    archetype_scale: float = 1.0  # korea_2024: multiply archetype member counts
    domestic_capability_scale: float = 1.0  # korea_2024: multiply domestic capabilities
    start_year: int = 2024  # calendar year whose first quarter is step 0 (market sizes, v2)
    history: bool = True  # korea_2024: replay the dated events after the start (foundings, regimes)

    def __post_init__(self) -> None:
        check_finite_fields(self)
        check_range(self, "start_year", 1990, 2100)
        for name in (
            "n_startups",
            "n_conglomerates",
            "n_foreign",
            "n_foreign_startups",
            "n_initial_alliances",
        ):
            check_range(self, name, 0, MAX_FIRMS)
        if self.data_file:
            check_plain_name(self, "data_file")
        check_range(self, "initial_alliance_size", 2)
        for name in ("startup_capital_median", "conglomerate_capital_min"):
            check_range(self, name, 1e-9)
        check_order(self, "conglomerate_capital_min", "conglomerate_capital_max")
        check_range(self, "foreign_capital_multiple", 1e-9)
        check_range(self, "startup_capital_sigma", 0.0, 10.0)  # 1000 draws infinite capital
        for name in (
            "startup_openness_mean",
            "conglomerate_openness_mean",
            "presence_probability",
        ):
            check_range(self, name, 0.0, 1.0)
        check_range(self, "openness_concentration", 1e-6)
        for name in (
            "startup_capability_mean",
            "conglomerate_capability_mean",
            "foreign_capability_mean",
        ):
            check_range(self, name, 0.0, 1.0)
        check_range(self, "capability_sd", 0.0, 1.0)
        check_range(self, "archetype_scale", 1e-6, 100.0)  # 1e23 overflows the member counts
        check_range(self, "domestic_capability_scale", 1e-6, 3.0)
        check_weights(self, "domain_weights", N_DOMAINS)
        check_weights(self, "foreign_region_weights", len(REGIONS))
        total = self.n_startups + self.n_conglomerates + self.n_foreign + self.n_foreign_startups
        if not 2 <= total <= MAX_FIRMS:
            raise ConfigError(
                "WorldConfig.n_startups+n_conglomerates+n_foreign+n_foreign_startups="
                f"{total} is out of range; "
                f"allowed: 2 to {MAX_FIRMS} firms (the memory of this kind of machine)"
            )
        seeded = self.n_initial_alliances * self.initial_alliance_size
        if self.name == "synthetic" and seeded > total:
            raise ConfigError(
                f"WorldConfig.n_initial_alliances={self.n_initial_alliances} x "
                f"initial_alliance_size={self.initial_alliance_size} needs {seeded} firms; "
                f"allowed: at most the {total} firms of the world "
                "(n_startups+n_conglomerates+n_foreign+n_foreign_startups)"
            )


@dataclass
class ChoiceParams:
    """Membership revision: who reconsiders, and the version-1 utility weights."""

    revision_share: float = 0.15  # share of firms reconsidering each quarter
    noise_scale: float = 0.25  # Gumbel noise scale of the logit choice (0 = fully rational)
    n_candidates: int = 4  # alliances a reviser looks at besides its own (search friction)
    w_scale: float = 1.0  # weight of pooled capability (saturating)
    scale_half: float = 2.0  # pooled capability (frontier units) giving half the scale value
    w_complementarity: float = 0.8  # weight of the share of other domains covered
    w_rivalry: float = 1.2  # weight of same-domain competition inside the alliance
    w_openness_fit: float = 0.8  # weight of |openness - regime|
    w_fee: float = 1.0  # weight of fee / (capital + fee)
    w_legal: float = 1.5  # weight of legal risk (share x (1 - clarity))
    w_subsidy: float = 1.0  # weight of subsidy / (capital + subsidy) membership brings
    w_mandate: float = 1.0  # weight of a mandate's pull (mandate strength)
    switching_cost: float = 0.3  # utility lost by any change of alliance
    leadership_value: float = 0.6  # utility of leading a newly founded alliance
    founding_cost: float = 100.0  # USD m one-off; only firms with more capital may found
    founding_grace_steps: int = 4  # quarters a new alliance may have one member
    closed_selectivity: float = 0.828  # closed: admit if capability >= this x mean; fitted
    fee_open: float = 0.0  # USD m per quarter paid by members to the leader, open regime
    fee_closed: float = 0.2  # USD m per quarter, closed regime
    baseline_clarity: float = 0.3  # antitrust clarity without any guidance policy
    horizon_quarters: int = 12  # v2: quarters over which decisions value profit
    discount_rate: float = 0.10  # v2: /yr, firms' discount rate
    depth_base: float = 0.8  # v2: depth of a small homogeneous alliance (share of R&D pooled)
    depth_size_elasticity: float = 0.5  # v2: depth falls as (working group / size)^this
    working_group_size: int = 10  # v2: firms one working group coordinates
    depth_adjustment: float = 0.25  # v2: share of the way to its target depth moved a quarter
    noise_revenue: float = 0.037  # v2: choice noise, quarters of revenue; history fit
    noise_revenue_floor: float = 0.05  # v2: USD m a quarter, the noise's revenue floor
    complementarity_uplift: float = 0.8103  # v2: log-odds uplift, full value chain; history fit
    coord_cost_fixed: float = 0.0459  # v2: USD m a quarter per member; history fit
    coord_cost_share: float = 0.05  # v2: share of the R&D coordinated (depth x spend)
    coord_size_elasticity: float = 0.5  # v2: cost rises as (size / working group)^this
    coord_heterogeneity: float = 1.0  # v2: cost multiplier per unit of heterogeneity
    coord_regime_misfit: float = 1.0  # v2: per unit of |openness - regime|
    hub_and_spoke: bool = False  # v2: reseller alliances' partners coordinate with the leader only
    distance_cost: float = 2.7804  # v2: multiplier for an alliance of another region; history fit
    distance_cost_fixed: float = 0.2933  # v2: USD m/qtr a member from another region; history fit
    switching_cost_fixed: float = 0.05  # v2: USD m one-off on any change of alliance
    switching_cost_revenue: float = 0.0565  # v2: quarters of revenue, one-off; history fit
    founding_cost_open: float = 1.0  # v2: USD m one-off (governance, hosting, licences)
    founding_cost_closed: float = 0.3  # v2: USD m one-off (a consortium contract)
    n_prospects: int = 5  # v2: firms a founder counts on recruiting
    recruit_expectation: float = 0.5  # v2: share of prospects expected to join
    regime_review_every: int = 4  # v2: quarters between leaders' regime reviews
    leaders_fold: bool = True  # v2: a leader may fold its alliance into a larger one (6.6)
    fold_below_members: int = 10  # v2: firms; only leaders of smaller alliances fold (assumption)
    regime_switch_cost: float = 9.9409  # v2: USD m one-off to change a regime; history fit
    state_mission: float = 1.0  # v2: mission of a state coordinator, in [0, 1] (depth target 1)
    nest_similarity: float = 0.5  # v2: nested logit lambda of the options besides staying (1 = MNL)
    dues_share_open: float = 0.0  # v2: dues, share of the member's revenue a quarter, open regime
    dues_share_closed: float = 0.002  # v2: same, closed regime (assumption: tiered dues)
    channel_base_per_revenue: float = 10.0  # v2: leader's customer contracts per USD m of its sales
    channel_share: float = 0.0285  # v2: share of contracts partners' solutions reach; history fit
    channel_portfolio_half: float = 10.0  # v2: partners at which coverage is 1 - 1/e of the most
    channel_resale_margin: float = 0.15  # v2: the leader's margin on partners' solutions it resells

    def __post_init__(self) -> None:
        check_finite_fields(self)
        for name in (
            "revision_share",
            "closed_selectivity",
            "baseline_clarity",
            "depth_base",
            "depth_adjustment",
        ):
            check_range(self, name, 0.0, 1.0)
        check_range(self, "horizon_quarters", 1, 400)
        check_range(self, "discount_rate", 0.0, 1.0)
        check_range(self, "depth_size_elasticity", 0.0, 5.0)
        check_range(self, "working_group_size", 1, MAX_FIRMS)
        check_range(self, "fold_below_members", 1, MAX_FIRMS)
        for name in (
            "noise_revenue",
            "complementarity_uplift",
            "coord_cost_fixed",
            "coord_cost_share",
            "coord_size_elasticity",
            "coord_heterogeneity",
            "coord_regime_misfit",
            "distance_cost",
            "distance_cost_fixed",
            "switching_cost_fixed",
            "switching_cost_revenue",
            "founding_cost_open",
            "founding_cost_closed",
            "channel_base_per_revenue",
        ):
            check_range(self, name, 0.0, 1e6)
        for name in (
            "dues_share_open",
            "dues_share_closed",
            "channel_share",
            "channel_resale_margin",
        ):
            check_range(self, name, 0.0, 1.0)
        check_range(self, "nest_similarity", 0.01, 1.0)
        check_range(self, "channel_portfolio_half", 1e-3, 1e6)
        check_range(self, "noise_revenue_floor", 1e-9, 1e6)
        check_range(self, "n_prospects", 0, 1000)
        check_range(self, "recruit_expectation", 0.0, 1.0)
        check_range(self, "regime_review_every", 1, 400)
        check_range(self, "regime_switch_cost", 0.0, 1e6)
        check_range(self, "state_mission", 0.0, 1.0)
        check_range(self, "n_candidates", 1, 64)
        check_range(self, "founding_grace_steps", 0)
        check_range(self, "scale_half", 1e-9)
        for f in fields(self):
            if f.name.startswith(("w_", "noise", "switching", "leadership", "founding_c", "fee")):
                check_range(self, f.name, 0.0)


@dataclass
class RnDParams:
    """R&D game of d'Aspremont and Jacquemin (1988), n-firm form, and spillovers."""

    demand_intercept: float = 2.0  # a in P = a - bQ
    unit_cost: float = 1.0  # A in c_i = A - x_i - beta sum x_j (a > A)
    demand_slope: float = 1.0  # b
    rd_cost: float = 4.0  # gamma in gamma x^2 / 2 (gamma b > 2 keeps efforts finite)
    beta_public: float = 0.1  # spillover among firms outside alliances
    beta_open_internal: float = 0.5  # spillover among members of an open alliance
    beta_closed_internal: float = 0.75  # spillover among members of a closed alliance
    open_public_boost: float = 0.3  # public spillover added per unit share of firms in open
    beta_federation: float = 0.25  # spillover between alliances of one federation
    n_rivals_alone: int = 2  # n of the non-cooperative game a firm alone plays
    max_game_size: int = 50  # n is capped here: bigger alliances work in groups of this size
    size_elasticity: float = 0.3  # effort scales as (capital / startup median)^this
    cost_per_effort: float = 30.0  # USD m per unit gamma x^2/2 at the reference size
    budget_share: float = 0.25  # most of its capital a firm spends on R&D in one quarter
    # design version 2 (docs/model.md 6.2-6.3; assumptions until refitted)
    rd_cost_by_domain: list[float] = field(
        default_factory=lambda: [130.0, 130.0, 80.0, 40.0, 40.0, 80.0, 80.0]
    )  # v2: gamma_d, USD m per effort unit squared, in DOMAINS order
    beta_alliance_shallow: float = 0.3  # v2: partners' spillover rate in a depth-0 alliance
    beta_alliance_deep: float = 0.9  # v2: partners' spillover rate in a depth-1 alliance
    relatedness: list[list[float]] = field(
        default_factory=lambda: [list(row) for row in RELATEDNESS]
    )  # v2: r[sender domain][receiver domain], symmetric, 1 on the diagonal
    absorption_floor: float = 0.5  # v2: a0, absorption without own effort (share)
    absorption_half_effort: float = 0.05  # v2: effort units at which absorption is half-way
    effort_adjustment: float = 0.5  # v2: share of the way to the best response moved a quarter
    # v2: partners whose profits a member weighs fully; in a larger alliance its profit weight
    # is spread over them, w x min(1, K / (n - 1)) (docs/model.md 6.2, "Profit weights";
    # finding 35). The default, above any alliance's size in korea_2024 (the mandated one
    # reached 253 members at most, 2 seeds of 40 quarters), caps nothing: Kamien, Muller and
    # Zang's joint venture weighs every member (an assumption; the uncertainty varies it)
    max_weighted_partners: float = 400.0
    # v2 (bool): spillovers lift a receiver at most to the level of what it learns from: each
    # channel's inflow counts up to the effective R&D that, at zero own effort, brings it to
    # the best relatedness-weighted capability among that channel's senders (docs/model.md
    # 6.3, "Level-bounded spillovers"; finding 37). Source: Nelson and Phelps (1966),
    # Benhabib and Spiegel (2005), Griffith, Redding and Van Reenen (2004); false: unbounded
    level_bounded_spillovers: bool = True

    def __post_init__(self) -> None:
        check_finite_fields(self)
        for name in (
            "beta_alliance_shallow",
            "beta_alliance_deep",
            "absorption_floor",
            "beta_public",
            "beta_open_internal",
            "beta_closed_internal",
            "open_public_boost",
            "beta_federation",
        ):
            check_range(self, name, 0.0, 1.0)
        # 0 freezes every effort at its start and the consistent start's solve then fails
        # (non-finite values, found by the fuzz 2026-12-02)
        check_range(self, "effort_adjustment", 0.01, 1.0)
        check_range(self, "unit_cost", 0.0)
        # 1.7e308 overflowed version 1's quantities (fuzz, CI 2026-12-03); defaults 1-2
        check_range(self, "demand_intercept", 0.0, 1e6)
        check_order(self, "unit_cost", "demand_intercept", strict=True)
        check_range(self, "demand_slope", 1e-9)
        check_range(self, "n_rivals_alone", 1)
        check_range(self, "max_game_size", 2)
        check_range(self, "size_elasticity", 0.0, 1.0)
        check_range(self, "cost_per_effort", 0.0, 1e9)  # 1.7e308 overflowed version 1 (fuzz)
        check_range(self, "budget_share", 1e-6, 1.0)  # 0 leaves version 2 without R&D: NaN
        check_range(self, "absorption_half_effort", 1e-9)
        check_range(self, "max_weighted_partners", 1.0, 1e9)
        # a cost near 0 overflowed capital (fuzz, 2026-12-02): at least USD 0.01 m (defaults 30-130)
        _check_positive_list(self, "rd_cost_by_domain", N_DOMAINS, low=0.01)
        _check_relatedness(self)
        check_range(self, "rd_cost", 0.0, 1e6)  # 6e306 overflows the game's closed forms
        if self.rd_cost * self.demand_slope <= 2.0:
            raise ConfigError(
                f"RnDParams.rd_cost={self.rd_cost!r} is out of range; allowed: "
                "rd_cost x demand_slope > 2 (otherwise effort is unbounded)"
            )


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
    # return to half-way when it flips (stages.rate_step; docs/model.md section 4, item 9,
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
        if self.common_learning_rate and not self.frontier_held_by_firm:
            raise ConfigError(
                "GrowthParams.common_learning_rate=true needs frontier_held_by_firm=true "
                "(lambda_d is solved on the domain's frontier holder); allowed: "
                "common_learning_rate=false, or both true"
            )

    def frontier_growth_of_domains(self) -> list[float]:
        """The frontier's trend growth per domain (/yr), in DOMAINS order."""
        return list(self.frontier_growth_by_domain) or [self.frontier_growth] * N_DOMAINS


@dataclass
class ReportingParams:
    """Thresholds used by the per-step outcomes (docs/outcomes.md)."""

    antitrust_threshold: float = 0.3  # alliance market share above which collusion is a risk
    hollow_threshold: float = 0.25  # member is hollow if its effort < this x alliance mean
    hollow_share_of_alone: float = 0.5  # v2: hollow if its R&D inside < this x its R&D alone

    def __post_init__(self) -> None:
        check_finite_fields(self)
        check_range(self, "antitrust_threshold", 0.0, 1.0)
        check_range(self, "hollow_threshold", 0.0, 1.0)
        check_range(self, "hollow_share_of_alone", 0.0, 1.0)


@dataclass
class ModelParams:
    """All behavioural parameters, one group per stage of the quarter."""

    choice: ChoiceParams = field(default_factory=ChoiceParams)
    rnd: RnDParams = field(default_factory=RnDParams)
    growth: GrowthParams = field(default_factory=GrowthParams)
    reporting: ReportingParams = field(default_factory=ReportingParams)
    markets: MarketParams = field(default_factory=MarketParams)  # v2 only
    competition: CompetitionParams = field(default_factory=CompetitionParams)  # v2 only
    economics: str = "v2"  # v1 | v2: the design version of R&D, capability and markets

    def __post_init__(self) -> None:
        check_choice(self, "economics", ECONOMICS)
        if self.economics == "v2" and not self.growth.margin >= 0.01:
            # version 2's firms act on profit: without a margin its start has nothing to solve
            raise ConfigError(
                f"GrowthParams.margin={self.growth.margin!r} is out of range under "
                "model.economics=v2; allowed: 0.01 to 1"
            )


ANALYSIS_METHODS: tuple[str, ...] = ("none", "sobol", "morris", "latin")
# where a design's parameters and ranges come from: analysis.params, or the declared
# uncertainty (RunConfig.uncertainty, configs/uncertainty/): the worlds of a robust sweep
ANALYSIS_SOURCES: tuple[str, ...] = ("params", "uncertainty")
TARGET_MEASURES: tuple[str, ...] = ("effect", "level")


@dataclass
class TargetConfig:
    """A target a policy must meet in a plausible world (satisficing, docs/robust.md).

    ``measure: effect`` bounds the scenario minus the baseline in the same world (mean over
    its seeds, in the outcome's unit); ``measure: level`` bounds the scenario's own value.
    Example: ``{outcome: tech_gap_years, measure: effect, at_most: -0.3}`` asks for a gap at
    least 0.3 years smaller than the baseline's.
    """

    outcome: str = "tech_gap_years"  # an outcome of the registry (checked: sim.runs.plan)
    measure: str = "effect"  # effect (scenario minus baseline) | level (the scenario's value)
    at_most: float | None = None  # upper bound, in the outcome's unit (None: none)
    at_least: float | None = None  # lower bound, in the outcome's unit (None: none)

    def __post_init__(self) -> None:
        # the outcome's name is checked against the registry by the runs layer
        # (sim.runs.plan.check_targets): the config layer knows nothing of the engine
        check_choice(self, "measure", TARGET_MEASURES)
        bounds = {"at_most": self.at_most, "at_least": self.at_least}
        for name, value in bounds.items():
            if value is not None and (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
            ):
                raise ConfigError(
                    f"TargetConfig.{name}={value!r} is invalid; allowed: a finite number or null"
                )
        if self.at_most is None and self.at_least is None:
            raise ConfigError(
                f"TargetConfig for {self.outcome!r} has neither at_most nor at_least; allowed: "
                "at least one bound"
            )
        if self.at_most is not None and self.at_least is not None:
            if not self.at_least <= self.at_most:
                raise ConfigError(
                    f"TargetConfig for {self.outcome!r}: at_least={self.at_least!r} is above "
                    f"at_most={self.at_most!r}; allowed: at_least <= at_most"
                )


def default_targets() -> list[TargetConfig]:
    """The default targets: a gap at least 0.3 years smaller, at most USD 5 bn spent."""
    return [
        TargetConfig("tech_gap_years", "effect", at_most=-0.3),
        TargetConfig("spend_total", "level", at_most=5.0),
    ]


@dataclass
class AnalysisConfig:
    """A design over uncertain parameters (sensitivity, discovery, or robust worlds).

    With a method other than ``none``, a sweep runs one job per row of the design
    (``sample=0..N-1``, added by the command line), each setting the uncertain parameters
    to that row's values. Set by the ``sweep/sobol``, ``sweep/morris``, ``sweep/discovery``
    and ``sweep/policy_comparison`` presets.

    ``source: params`` draws the design with SALib over ``params``. ``source: uncertainty``
    (``method: latin`` only, ``params`` empty) takes the parameters and ranges from the
    declared uncertainty (``RunConfig.uncertainty``): its rows are the plausible worlds of
    ``sim.config.uncertainty.worlds(uncertainty, n, seed)`` (docs/robust.md). ``targets``
    are what the report's satisficing counts (``sim.analysis.robust``); they do not change
    a run.
    """

    method: str = "none"  # none | sobol | morris | latin
    n: int = 16  # base sample size (Saltelli N, Morris trajectories, Latin rows)
    seed: int = 0  # seed of the design (SALib's sampler, or the worlds' Latin hypercube)
    params: dict[str, list[float]] = field(default_factory=dict)  # dotted key -> [low, high]
    source: str = "params"  # params | uncertainty: where the parameters and ranges come from
    targets: list[TargetConfig] = field(default_factory=default_targets)  # satisficing

    def __post_init__(self) -> None:
        # read back from a run's stored config (run.json), targets are plain mappings
        self.targets = [TargetConfig(**t) if isinstance(t, dict) else t for t in self.targets]
        check_finite_fields(self)
        check_choice(self, "method", ANALYSIS_METHODS)
        check_choice(self, "source", ANALYSIS_SOURCES)
        check_range(self, "n", 1)
        check_range(self, "seed", 0, MAX_SEED)
        for key, bounds in self.params.items():
            finite = all(isinstance(b, int | float) and math.isfinite(b) for b in bounds)
            if len(bounds) != 2 or not finite or not bounds[0] < bounds[1]:
                raise ConfigError(
                    f"analysis.params.{key}={list(bounds)!r} is invalid; allowed: [low, high] "
                    "of finite numbers with low < high"
                )
        if self.source == "uncertainty":
            if self.method != "latin":
                raise ConfigError(
                    f"analysis.method={self.method!r} with analysis.source=uncertainty; "
                    "allowed: latin (the worlds are a Latin hypercube over the declared ranges)"
                )
            if self.params:
                raise ConfigError(
                    f"analysis.params={dict(self.params)!r} with analysis.source=uncertainty; "
                    "allowed: {} (the ranges come from the uncertainty group, "
                    "configs/uncertainty/)"
                )
        elif self.method != "none" and not self.params:
            raise ConfigError(
                f"analysis.params is empty for method {self.method!r}; allowed: at least one "
                "dotted key with [low, high], or analysis.source=uncertainty with method latin"
            )
        seen: set[tuple[str, str]] = set()
        for i, target in enumerate(self.targets):
            pair = (target.outcome, target.measure)
            if pair in seen:
                raise ConfigError(
                    f"analysis.targets[{i}]: {target.outcome} ({target.measure}) is targeted "
                    "twice; allowed: one entry per outcome and measure (give both bounds in it)"
                )
            seen.add(pair)


@dataclass
class RunConfig:
    """One run (or one batch of replicates): world, behaviour, scenario and run settings."""

    world: WorldConfig = field(default_factory=WorldConfig)
    model: ModelParams = field(default_factory=ModelParams)
    scenario: ScenarioConfig = field(default_factory=ScenarioConfig)
    steps: int = 40  # quarters to simulate
    seed: int = 0  # root of every random number of the run
    replicates: int = 1  # seeds spawned from ``seed`` (SeedSequence.spawn)
    engine: str = "vectorised"  # vectorised | agents
    collect_firms: bool = False  # also record per-firm rows each step
    analysis: AnalysisConfig = field(default_factory=AnalysisConfig)  # sensitivity design
    sample: int = -1  # row of the design whose values this run takes; -1: none
    uncertainty: UncertaintyConfig = field(
        default_factory=UncertaintyConfig
    )  # declared uncertain parameters (configs/uncertainty/, docs/uncertainty.md)

    def __post_init__(self) -> None:
        check_finite_fields(self)
        check_tree(self)
        check_range(self, "steps", 1, MAX_STEPS)
        check_range(self, "seed", 0, MAX_SEED)
        compute = self.scenario.public_compute
        rnd = self.model.rnd
        if (
            compute is not None
            and rnd.rd_cost * (1 - compute.cost_reduction) * rnd.demand_slope <= 2
        ):
            raise ConfigError(
                f"scenario.public_compute.cost_reduction={compute.cost_reduction!r} is out of "
                "range; allowed: model.rnd.rd_cost x (1 - cost_reduction) x demand_slope > 2 "
                f"(here below {1 - 2 / (rnd.rd_cost * rnd.demand_slope):.3g})"
            )
        check_range(self, "replicates", 1, MAX_REPLICATES)
        check_choice(self, "engine", ENGINES)
        check_range(self, "sample", -1)
        if self.sample >= 0 and self.analysis.method == "none":
            raise ConfigError(
                f"sample={self.sample} needs a design; allowed: -1, or a sweep preset with "
                "analysis.method sobol, morris or latin"
            )


def _check_positive_list(
    obj: object, name: str, length: int, high: float | None = None, low: float = 0.0
) -> None:
    """Raise ConfigError unless ``obj.name`` has ``length`` numbers, each > low (and <= high)."""
    value = list(getattr(obj, name))
    bad = [v for v in value if not (_is_number(v) and v > low and (high is None or v <= high))]
    if len(value) != length or bad:
        top = "" if high is None else f" and at most {high}"
        raise ConfigError(
            f"{type(obj).__name__}.{name}={value!r} is invalid; allowed: {length} numbers "
            f"above {low:g}{top}, one per domain"
        )


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_relatedness(p: RnDParams) -> None:
    """Relatedness must be a symmetric N_DOMAINS square in [0, 1] with 1 on the diagonal."""
    r = [list(row) for row in p.relatedness]
    ok = len(r) == N_DOMAINS and all(len(row) == N_DOMAINS for row in r)
    ok = ok and all(_is_number(v) and 0.0 <= v <= 1.0 for row in r for v in row)
    ok = ok and all(
        r[i][i] == 1.0 and r[i][j] == r[j][i] for i in range(N_DOMAINS) for j in range(i)
    )
    if not ok:
        raise ConfigError(
            f"RnDParams.relatedness={r!r} is invalid; allowed: a symmetric {N_DOMAINS}x"
            f"{N_DOMAINS} table of numbers in [0, 1] with 1 on the diagonal, in DOMAINS order"
        )


def register_configs(cs: ConfigStore | None = None) -> None:
    """Register the schemas with Hydra's ConfigStore so YAML files are type-checked.

    Args:
        cs: The store to register in; the global instance by default.
    """
    cs = cs or ConfigStore.instance()
    cs.store(name="run_schema", node=RunConfig)  # types every group merged into it


def as_plain(cfg: Any) -> dict[str, Any]:
    """Return a dataclass config as nested plain dicts (for records and JSON)."""
    from dataclasses import asdict

    return asdict(cfg)
