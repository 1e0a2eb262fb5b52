"""Which config keys each design version reads: a key of version 1 set under version 2 is a mistake.

Version 2 (docs/model.md, the default since 2026-12-02) retires version 1's unitless utility
weights and its hand-made R&D game (docs/model.md, "Parameters": "Retired"). Those keys stay in
the schema because ``model.economics=v1`` still reads them, but under version 2 they change
nothing: a sweep, a design or an override that sets one would report an effect of nothing.
``check_version`` turns that into a one-line error. ``tests/config/test_versions.py`` runs the
model with each key changed and checks that version 2's numbers do not move.
"""

from __future__ import annotations

from collections.abc import Iterable

from sim.config.checks import ConfigError

VERSION_1_ONLY: tuple[str, ...] = (
    "model.rnd.n_rivals_alone",
    "model.rnd.max_game_size",
    "model.rnd.size_elasticity",
    "model.rnd.cost_per_effort",
    "model.rnd.open_public_boost",
    "model.rnd.beta_open_internal",
    "model.rnd.beta_closed_internal",
    "model.growth.outside_weight",
    "model.growth.market_growth",
    "model.growth.entry_funding_elasticity",
    "model.choice.noise_scale",
    "model.choice.switching_cost",
    "model.choice.scale_half",
    "model.choice.leadership_value",
    "model.choice.founding_cost",
    "model.choice.closed_selectivity",
    "model.choice.fee_open",
    "model.choice.fee_closed",
    "model.choice.w_scale",
    "model.choice.w_complementarity",
    "model.choice.w_rivalry",
    "model.choice.w_openness_fit",
    "model.choice.w_fee",
    "model.choice.w_legal",
    "model.choice.w_subsidy",
    "model.choice.w_mandate",
    "scenario.mega_alliance.mandate_strength",
)
"""Dotted keys only version 1 reads (each checked inert under version 2 by a test)."""


def override_key(override: str) -> str:
    """The dotted key an override string sets (``+a.b=1`` -> ``a.b``; ``a=x`` -> ``a``)."""
    return override.lstrip("+~").split("=", 1)[0].strip()


def check_version(keys: Iterable[str], economics: str, source: str = "") -> None:
    """Refuse version-1 keys set under version 2.

    Args:
        keys: Dotted keys the user set (overrides, design or uncertainty parameters).
        economics: The run's ``model.economics``.
        source: Where the keys were set, for the message (e.g. ``"analysis.params"``).

    Raises:
        ConfigError: A key only version 1 reads, with ``model.economics=v2``.
    """
    if economics != "v2":
        return
    for key in keys:
        if key in VERSION_1_ONLY:
            where = f" in {source}" if source else ""
            raise ConfigError(
                f"{key}{where} is a version-1 parameter that model.economics=v2 does not read; "
                "allowed: remove it, or set model.economics=v1 (docs/model.md, 'Retired')"
            )
