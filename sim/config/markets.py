"""Typed parameters of the markets of design version 2 (docs/model.md 6.1), ``model.markets``.

Money is in USD m. The KITA figures are calendar-year revenue in 2030; the model spreads each
year over four growing quarters (``sim.engine.markets.market_sizes``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.checks import ConfigError, check_finite_fields, check_order, check_range


@dataclass
class MarketParams:
    """Market sizes and the start's target shares (docs/model.md 6.1 and section 4)."""

    domestic_size_2030: float = 15300.0  # USD m a year, Korean AI market 2030 (KITA)
    world_size_2030: float = 826700.0  # USD m a year, world AI market 2030, Korea included (KITA)
    growth_domestic: float = 0.25  # /yr, growth of every domestic market (assumption)
    growth_world: float = 0.25  # /yr, growth of every world market, Korea included (assumption)
    outside_share_initial: float = 0.5  # outside good's share of every market at step 0
    domestic_share_initial: float = 0.25  # domestic firms' share of the domestic market, step 0
    domestic_share_row_initial: float = 0.01  # domestic firms' share of the rest of the world

    def __post_init__(self) -> None:
        check_finite_fields(self)
        check_range(self, "domestic_size_2030", 1e-6)
        # at most ten times world GDP (about 1e8 USD m a year): 1e300 overflows the markets
        check_range(self, "world_size_2030", 1e-6, 1e9)
        check_order(self, "domestic_size_2030", "world_size_2030")
        for name in ("growth_domestic", "growth_world"):
            check_range(self, name, -0.5, 2.0)
        check_range(self, "outside_share_initial", 1e-6, 1.0 - 1e-6)
        inside = 1.0 - self.outside_share_initial
        for name in ("domestic_share_initial", "domestic_share_row_initial"):
            check_range(self, name, 1e-9, 1.0)
            value = getattr(self, name)
            if not value < inside:
                raise ConfigError(
                    f"MarketParams.{name}={value!r} is out of range; allowed: below the inside "
                    f"share 1 - outside_share_initial = {inside:.6g}"
                )
