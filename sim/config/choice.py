"""Typed parameters of membership revision: ``model.choice`` (``ChoiceParams``).

Who reconsiders its alliance each quarter, the utility weights of design version 1, and the
profit, cost and depth parameters of version 2's choice (docs/model.md 6.5-6.7).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from sim.config.checks import MAX_FIRMS, check_finite_fields, check_range


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
    closed_selectivity: float = 0.8284  # closed: admit if capability >= this x mean; fitted
    fee_open: float = 0.0  # USD m per quarter paid by members to the leader, open regime
    fee_closed: float = 0.2  # USD m per quarter, closed regime
    baseline_clarity: float = 0.3  # antitrust clarity without any guidance policy
    horizon_quarters: int = 12  # v2: quarters over which decisions value profit
    discount_rate: float = 0.10  # v2: /yr, firms' discount rate
    depth_base: float = 0.8  # v2: depth of a small homogeneous alliance (share of R&D pooled)
    depth_size_elasticity: float = 0.5  # v2: depth falls as (working group / size)^this
    working_group_size: int = 10  # v2: firms one working group coordinates
    depth_adjustment: float = 0.25  # v2: share of the way to its target depth moved a quarter
    noise_revenue: float = 0.0175  # v2: choice noise, quarters of revenue; history fit
    noise_revenue_floor: float = 0.05  # v2: USD m a quarter, the noise's revenue floor
    complementarity_uplift: float = 1.0824  # v2: log-odds uplift, full value chain; history fit
    coord_cost_fixed: float = 0.0422  # v2: USD m a quarter per member; history fit
    coord_cost_share: float = 0.05  # v2: share of the R&D coordinated (depth x spend)
    coord_size_elasticity: float = 0.5  # v2: cost rises as (size / working group)^this
    coord_heterogeneity: float = 1.0  # v2: cost multiplier per unit of heterogeneity
    coord_regime_misfit: float = 1.0  # v2: per unit of |openness - regime|
    # v2: a partner programme's partners (facts file ``coordination: hub``) coordinate with the
    # leader only; on since 2026-12-05 (finding 49)
    hub_and_spoke: bool = True
    # v2: a hub partner's fixed coordination cost, as a share of a group member's cc0 (one
    # link to the leader instead of a seat in a working group; docs/model.md 6.5); history
    # fit of 2026-12-06, one parameter (finding 50)
    hub_link_cost: float = 0.3
    distance_cost: float = 1.9723  # v2: multiplier for an alliance of another region; history fit
    distance_cost_fixed: float = 0.4133  # v2: USD m/qtr a member from another region; history fit
    distance_at_market_scale: bool = False  # v2: d0 read at the markets' scale W_t / W_0
    # v2: share of a member's revenue a quarter it pays for belonging to an alliance of another
    # region (localisation, compliance and support that grow with the business it brings:
    # finding 45's proposal, docs/model.md 6.5); 0: distance costs d0 alone
    distance_cost_revenue: float = 0.0
    # v2: /yr, growth of the index omega_t = (1 + g)^(t/4) at which every fixed membership
    # amount (coordination, distance, switching, founding, regime change, the noise floor) is
    # read in quarter t and valued over the horizon (wages; finding 45's proposal); 0: start-
    # year USD m
    cost_index_growth: float = 0.0
    switching_cost_fixed: float = 0.05  # v2: USD m one-off on any change of alliance
    switching_cost_revenue: float = 0.0188  # v2: quarters of revenue, one-off; history fit
    founding_cost_open: float = 1.0  # v2: USD m one-off (governance, hosting, licences)
    founding_cost_closed: float = 0.3  # v2: USD m one-off (a consortium contract)
    n_prospects: int = 5  # v2: firms a founder counts on recruiting
    recruit_expectation: float = 0.5  # v2: share of prospects expected to join
    regime_review_every: int = 4  # v2: quarters between leaders' regime reviews
    leaders_fold: bool = True  # v2: a leader may fold its alliance into a larger one (6.6)
    leaders_within_bound: bool = False  # v2: a leader counts knowledge only while it absorbs (6.6)
    fold_below_members: int = 10  # v2: firms; only leaders of smaller alliances fold (assumption)
    regime_switch_cost: float = 2.3094  # v2: USD m one-off to change a regime; history fit
    state_mission: float = 1.0  # v2: mission of a state coordinator, in [0, 1] (depth target 1)
    nest_similarity: float = 0.5  # v2: nested logit lambda of the options besides staying (1 = MNL)
    dues_share_open: float = 0.0  # v2: dues, share of the member's revenue a quarter, open regime
    dues_share_closed: float = 0.002  # v2: same, closed regime (assumption: tiered dues)
    channel_base_per_revenue: float = 10.0  # v2: leader's customer contracts per USD m of its sales
    # v2: a leader whose customer base the world data give (USD m a quarter) resells to that
    # base: its kappa is the base over its step-0 sales (docs/leader_customer_bases.md)
    channel_on_customer_base: bool = False
    channel_share: float = 0.0699  # v2: share of contracts partners' solutions reach; history fit
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
        # an exponent on size over the working group: above 5, (size / n_wg)^e overflows to an
        # infinite coordination cost in large alliances (the fuzz found 1e6: capital -inf)
        check_range(self, "coord_size_elasticity", 0.0, 5.0)
        check_range(self, "working_group_size", 1, MAX_FIRMS)
        check_range(self, "fold_below_members", 1, MAX_FIRMS)
        for name in (
            "noise_revenue",
            "coord_cost_fixed",
            "coord_cost_share",
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
            "distance_cost_revenue",
            "cost_index_growth",
            "hub_link_cost",
        ):
            check_range(self, name, 0.0, 1.0)
        # log-odds: exp(100) moves a share all the way; beyond it the odds overflow floats
        check_range(self, "complementarity_uplift", 0.0, 100.0)
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
