"""Typed parameters of the R&D game and its spillovers: ``model.rnd`` (``RnDParams``).

Also the default technological relatedness of the domains (``RELATEDNESS``) and the checks
of a relatedness table and of per-domain lists of positive numbers (docs/model.md 6.2-6.3).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sim.config.checks import ConfigError, check_finite_fields, check_order, check_range
from sim.config.vocabulary import N_DOMAINS

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
