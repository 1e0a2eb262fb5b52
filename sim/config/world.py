"""Typed parameters of the firms a run starts from: ``world`` (``WorldConfig``).

Counts per kind of firm and the distributions of their capital, openness and capability
(docs/model.md, sections 2 and 4); ``scenarios.worlds`` builds the firms from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.config.checks import (
    MAX_FIRMS,
    ConfigError,
    check_finite_fields,
    check_order,
    check_plain_name,
    check_range,
    check_weights,
)
from sim.config.vocabulary import N_DOMAINS, REGIONS


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
    n_foreign_startups: int = 0  # startups of other regions (foreign_region_weights)
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
    domestic_capability_scale: float = 1.0  # korea_2016/2024: multiply domestic capabilities
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
