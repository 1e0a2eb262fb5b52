"""The dashboard's controls, and how their values become a run config.

The choices of world and scenario come from the config files. :data:`DEFAULTS` are the
settings the page starts with; the page (:mod:`sim.dashboard.layout`) draws a select for each
of :data:`SELECTS` and a slider for each of :data:`SLIDERS`, and passes the settings to
:class:`~sim.dashboard.model.DashboardModel`, which builds its config with
:func:`dashboard_config`.

Each policy lever has an explicit **"as scenario"** choice (``None`` here): the scenario's
own lever stays exactly as its file sets it (or absent, if the scenario does not pull that
lever). Any number, 0 included, overrides that one field of the scenario's lever, or adds
the lever with its defaults and that field when the scenario has none (see
:func:`apply_levers`). :func:`value_text` is the text shown beside every slider.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sim.config.compose import CONFIG_DIR, compose
from sim.config.levers import (
    INFRASTRUCTURE_DOMAINS,
    AntitrustConfig,
    MegaAllianceConfig,
    ScenarioConfig,
    SubsidyConfig,
)
from sim.config.schema import ConfigError, RunConfig
from sim.engine.alliance_table import quarter_dates


def _choices(group: str, first: str) -> tuple[str, ...]:
    """The config files of ``configs/<group>``, ``first`` (the default) leading."""
    names = sorted(p.stem for p in (CONFIG_DIR / group).glob("*.yaml"))
    return tuple(sorted(names, key=lambda name: name != first))


WORLDS: tuple[str, ...] = _choices("world", "korea_2024")
SCENARIOS: tuple[str, ...] = _choices("scenario", "baseline")
AS_SCENARIO = "as scenario"
APPLICATION_DOMAINS: tuple[str, ...] = ("applications_services", "robotics")
FOCUS_DOMAINS: dict[str, tuple[str, ...] | None] = {
    AS_SCENARIO: None,
    "infrastructure": INFRASTRUCTURE_DOMAINS,
    "applications": APPLICATION_DOMAINS,
}
DEFAULT_QUARTERS = 40

_compose_lock = threading.Lock()  # Hydra's global state is not thread-safe


@functools.lru_cache(maxsize=32)
def _composed(world: str, scenario: str) -> RunConfig:
    """The config files' RunConfig for a world and scenario (cached; never mutated)."""
    with _compose_lock:
        return compose([f"world={world}", f"scenario={scenario}"])


def apply_levers(
    scenario: ScenarioConfig,
    *,
    member_value: float | None = None,
    refusal_cost: float | None = None,
    clarity: float | None = None,
    subsidy_budget: float | None = None,
    subsidy_focus: str = AS_SCENARIO,
) -> ScenarioConfig:
    """Return ``scenario`` with the dashboard's lever settings applied.

    The rule: ``None`` ("as scenario") leaves the scenario's lever as its file sets it (or
    absent); a number, 0 included, overrides that field, adding the lever with its defaults
    when the scenario has none. Every new lever is built with ``dataclasses.replace``, so its
    range checks run and the original config is never changed.

    - ``member_value`` sets ``mega_alliance.member_value`` (USD m a quarter each domestic
      member of the national alliance gets) and ``refusal_cost`` sets
      ``mega_alliance.refusal_cost`` (USD m a quarter each firm it invited pays while it
      stays out); an added mega-alliance has the defaults of ``MegaAllianceConfig`` (founded
      at quarter 0, open, the top two domestic firms per domain, mission 0.3). Version 1's
      ``mandate_strength`` is not offered: the dashboard runs version 2, where it does
      nothing (docs/model.md 6.5).
    - ``clarity`` sets ``antitrust.clarity``; added guidance has no share cap and no fines
      (only the clarity of safe harbours changes).
    - ``subsidy_budget`` sets ``subsidy.budget`` (USD m a quarter); an added subsidy is
      sustained, for all domestic firms of the target domains.
    - ``subsidy_focus`` other than ``"as scenario"`` sets the target domains of whatever
      subsidy the run has (the scenario's or the added one): ``"infrastructure"`` is
      foundation models, AI chips, cloud infrastructure and data; ``"applications"`` is
      applications and services, and robotics. Without any subsidy it changes nothing.

    Args:
        scenario: The scenario from its config file.
        member_value: USD m a quarter each domestic member of the national alliance gets
            (>= 0), or ``None`` for the scenario's.
        refusal_cost: USD m a quarter each firm the national alliance invited pays while
            it stays out (>= 0), or ``None`` for the scenario's.
        clarity: Antitrust clarity, 0 (legal uncertainty) to 1 (clear safe harbours), or
            ``None`` for the scenario's.
        subsidy_budget: USD m a quarter shared by the eligible firms (>= 0), or ``None`` for
            the scenario's.
        subsidy_focus: ``"as scenario"``, ``"infrastructure"`` or ``"applications"``.

    Returns:
        A new ScenarioConfig (``scenario`` itself when nothing changes).

    Raises:
        ValueError: ``subsidy_focus`` is not one of the choices.
        sim.config.schema.ConfigError: A negative setting, or a value out of the lever's range.
    """
    if subsidy_focus not in FOCUS_DOMAINS:
        raise ValueError(
            f"subsidy_focus={subsidy_focus!r} is unknown; allowed: {', '.join(FOCUS_DOMAINS)}"
        )
    for name, value in (
        ("member_value", member_value),
        ("refusal_cost", refusal_cost),
        ("clarity", clarity),
        ("subsidy_budget", subsidy_budget),
    ):
        if value is not None and not value >= 0:
            raise ConfigError(
                f"{name}={value!r} is out of range; allowed: >= 0, or None (as the scenario)"
            )
    changes: dict[str, Any] = {}
    mandate: dict[str, Any] = {
        name: value
        for name, value in (("member_value", member_value), ("refusal_cost", refusal_cost))
        if value is not None
    }
    if mandate:
        mega = scenario.mega_alliance or MegaAllianceConfig()
        changes["mega_alliance"] = dataclasses.replace(mega, **mandate)
    if clarity is not None:
        antitrust = scenario.antitrust or AntitrustConfig(share_cap=1.0, fine_rate=0.0)
        changes["antitrust"] = dataclasses.replace(antitrust, clarity=clarity)
    subsidy = scenario.subsidy
    if subsidy_budget is not None:
        subsidy = dataclasses.replace(subsidy or SubsidyConfig(), budget=subsidy_budget)
    domains = FOCUS_DOMAINS[subsidy_focus]
    if subsidy is not None and domains is not None:
        subsidy = dataclasses.replace(subsidy, target_domains=list(domains))
    if subsidy is not scenario.subsidy:
        changes["subsidy"] = subsidy
    return dataclasses.replace(scenario, **changes) if changes else scenario


def dashboard_config(
    world: str = "korea_2024",
    scenario: str = "baseline",
    *,
    member_value: float | None = None,
    refusal_cost: float | None = None,
    clarity: float | None = None,
    subsidy_budget: float | None = None,
    subsidy_focus: str = AS_SCENARIO,
    seed: int = 0,
    quarters: int = DEFAULT_QUARTERS,
) -> RunConfig:
    """Compose the run config of the dashboard's settings.

    Args:
        world: A world file of ``configs/world`` (``korea_2024`` or ``synthetic``).
        scenario: A scenario file of ``configs/scenario``.
        member_value: See :func:`apply_levers` (``None``: as the scenario).
        refusal_cost: See :func:`apply_levers` (``None``: as the scenario).
        clarity: See :func:`apply_levers` (``None``: as the scenario).
        subsidy_budget: See :func:`apply_levers` (``None``: as the scenario).
        subsidy_focus: See :func:`apply_levers`.
        seed: Root seed of the run.
        quarters: Quarters to simulate before the model stops.

    Returns:
        The typed, range-checked RunConfig.
    """
    base = _composed(world, scenario)
    levers = apply_levers(
        base.scenario,
        member_value=member_value,
        refusal_cost=refusal_cost,
        clarity=clarity,
        subsidy_budget=subsidy_budget,
        subsidy_focus=subsidy_focus,
    )
    return dataclasses.replace(base, scenario=levers, seed=seed, steps=quarters)


@dataclass(frozen=True)
class SliderSpec:
    """One slider of the page: its setting, label, range and how its value reads.

    Attributes:
        name: The setting (a keyword argument of ``DashboardModel``).
        label: The slider's label.
        min: Lowest value.
        max: Highest value.
        step: Increment.
        fmt: Format of a chosen value beside the slider, e.g. ``"{:.2f}"``.
        as_scenario: Whether the slider has an "as scenario" choice (a policy lever).
        integer: Whether it moves in whole numbers (an integer setting).
    """

    name: str
    label: str
    min: float
    max: float
    step: float
    fmt: str
    as_scenario: bool = False
    integer: bool = False


# The sliders, in the order the page draws them (levers first, then seed and horizon).
SLIDERS: dict[str, SliderSpec] = {
    s.name: s
    for s in (
        SliderSpec(
            "member_value",
            "Mandate: value to each member (USD m/quarter)",
            0.0,
            5.0,
            0.1,
            "USD {:,.2f} m",
            True,
        ),
        SliderSpec(
            "refusal_cost",
            "Mandate: cost of refusing (USD m/quarter)",
            0.0,
            20.0,
            0.5,
            "USD {:,.2f} m",
            True,
        ),
        SliderSpec("clarity", "Antitrust clarity", 0.0, 1.0, 0.05, "{:.2f}", True),
        SliderSpec(
            "subsidy_budget", "Subsidy (USD m/quarter)", 0.0, 1000.0, 25.0, "USD {:,.0f} m", True
        ),
        SliderSpec("seed", "Seed", 0, 99, 1, "{:d}", integer=True),
        SliderSpec("quarters", "Quarters to simulate", 4, 80, 4, "{:d}", integer=True),
    )
}
# The selects: setting -> (label, choices).
SELECTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "world": ("World", WORLDS),
    "scenario": ("Scenario", SCENARIOS),
    "subsidy_focus": ("Subsidy focus", tuple(FOCUS_DOMAINS)),
}
# The settings the page starts with: every lever as its scenario sets it.
DEFAULTS: dict[str, Any] = {
    "world": "korea_2024",
    "scenario": "baseline",
    "member_value": None,
    "refusal_cost": None,
    "clarity": None,
    "subsidy_budget": None,
    "subsidy_focus": AS_SCENARIO,
    "seed": 0,
    "quarters": DEFAULT_QUARTERS,
}


def _mandate(field: str) -> Callable[[RunConfig], tuple[float, str]]:
    """Where a field of the national alliance stands in a config, and its text (USD m)."""

    def in_force(cfg: RunConfig) -> tuple[float, str]:
        m = cfg.scenario.mega_alliance
        if m is None:
            return getattr(MegaAllianceConfig(), field), "none"
        value = float(getattr(m, field))
        return value, f"USD {value:,.2f} m"

    return in_force


def _clarity(cfg: RunConfig) -> tuple[float, str]:
    a = cfg.scenario.antitrust
    if a is None:
        status_quo = cfg.model.choice.baseline_clarity
        return status_quo, f"{status_quo:.2f} (no guidance)"
    return a.clarity, f"{a.clarity:.2f}"


def _budget(cfg: RunConfig) -> tuple[float, str]:
    sub = cfg.scenario.subsidy
    if sub is None:
        return SubsidyConfig().budget, "none"
    return sub.budget, f"USD {sub.budget:,.0f} m"


_IN_FORCE: dict[str, Callable[[RunConfig], tuple[float, str]]] = {
    "member_value": _mandate("member_value"),
    "refusal_cost": _mandate("refusal_cost"),
    "clarity": _clarity,
    "subsidy_budget": _budget,
}


def scenario_lever(world: str, scenario: str, name: str) -> tuple[float, str]:
    """Where a lever's slider stands "as scenario", and the words for it.

    Args:
        world: A world file of ``configs/world``.
        scenario: A scenario file of ``configs/scenario``.
        name: A lever's setting (``member_value``, ``refusal_cost``, ``clarity`` or
            ``subsidy_budget``).

    Returns:
        (position, text): the scenario file's value and its text (``"0.90"``); when the
        scenario lacks the lever, the value a slider would start from (the lever's default,
        or for clarity the status quo without guidance) and ``"none"`` (clarity:
        ``"0.30 (no guidance)"``).
    """
    return _IN_FORCE[name](_composed(world, scenario))


def value_text(settings: dict[str, Any], name: str) -> str:
    """The text beside a slider: the value chosen, or what "as scenario" means now.

    Args:
        settings: The page's settings (as :data:`DEFAULTS`).
        name: A slider's setting, a key of :data:`SLIDERS`.

    Returns:
        E.g. ``"0.50"``, ``"scenario: 0.90"``, ``"scenario: none"``, ``"USD 300 m"``,
        ``"7"`` or ``"40 (to 2034Q1)"`` (the run's last quarter).
    """
    spec, value = SLIDERS[name], settings[name]
    if value is None:
        _, text = scenario_lever(settings["world"], settings["scenario"], name)
        return f"scenario: {text}"
    if spec.integer:
        value = int(value)
    shown = spec.fmt.format(value)
    if name == "quarters":
        start = _composed(settings["world"], settings["scenario"]).world.start_year
        (last,) = quarter_dates([value], start)
        shown += f" (to {last})"
    return shown
