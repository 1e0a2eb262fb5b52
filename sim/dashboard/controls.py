"""The dashboard's controls, and how their values become a run config.

The choices of world and scenario come from the config files. ``model_params`` tells
SolaraViz which controls to draw; SolaraViz passes their values to
:class:`~sim.dashboard.model.DashboardModel`, which builds its config with
:func:`dashboard_config`.

The policy sliders follow one rule: **0 means "as the scenario"**. A slider left at 0
leaves the scenario's own lever exactly as its file sets it (or absent, if the scenario
does not pull that lever). A value above 0 overrides that one field of the scenario's
lever, or adds the lever with its defaults and that field when the scenario has none
(see :func:`apply_levers`).
"""

from __future__ import annotations

import dataclasses
import functools
import threading
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
    mandate_strength: float = 0.0,
    clarity: float = 0.0,
    subsidy_budget: float = 0.0,
    subsidy_focus: str = AS_SCENARIO,
) -> ScenarioConfig:
    """Return ``scenario`` with the dashboard's lever settings applied.

    The rule: a slider at 0 leaves the scenario's lever as its file sets it (or absent);
    above 0 it overrides that field, adding the lever with its defaults when the scenario
    has none. Every new lever is built with ``dataclasses.replace``, so its range checks
    run and the original config is never changed.

    - ``mandate_strength`` > 0 sets ``mega_alliance.mandate_strength``; an added
      mega-alliance has the defaults of ``MegaAllianceConfig`` (founded at quarter 0, open,
      the top two domestic firms per domain, mission 0.3).
    - ``clarity`` > 0 sets ``antitrust.clarity``; added guidance has no share cap and no
      fines (only the clarity of safe harbours changes).
    - ``subsidy_budget`` > 0 sets ``subsidy.budget`` (USD m a quarter); an added subsidy is
      sustained, for all domestic firms of the target domains.
    - ``subsidy_focus`` other than ``"as scenario"`` sets the target domains of whatever
      subsidy the run has (the scenario's or the added one): ``"infrastructure"`` is
      foundation models, AI chips, cloud infrastructure and data; ``"applications"`` is
      applications and services, and robotics. Without any subsidy it changes nothing.

    Args:
        scenario: The scenario from its config file.
        mandate_strength: Pull of the national alliance on every firm's choice (>= 0).
        clarity: Antitrust clarity, 0 (legal uncertainty) to 1 (clear safe harbours).
        subsidy_budget: USD m a quarter shared by the eligible firms (>= 0).
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
        ("mandate_strength", mandate_strength),
        ("clarity", clarity),
        ("subsidy_budget", subsidy_budget),
    ):
        if value < 0:
            raise ConfigError(
                f"{name}={value!r} is out of range; allowed: >= 0 (0 = as the scenario)"
            )
    changes: dict[str, Any] = {}
    if mandate_strength > 0:
        mega = scenario.mega_alliance or MegaAllianceConfig()
        changes["mega_alliance"] = dataclasses.replace(mega, mandate_strength=mandate_strength)
    if clarity > 0:
        antitrust = scenario.antitrust or AntitrustConfig(share_cap=1.0, fine_rate=0.0)
        changes["antitrust"] = dataclasses.replace(antitrust, clarity=clarity)
    subsidy = scenario.subsidy
    if subsidy_budget > 0:
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
    mandate_strength: float = 0.0,
    clarity: float = 0.0,
    subsidy_budget: float = 0.0,
    subsidy_focus: str = AS_SCENARIO,
    seed: int = 0,
    quarters: int = DEFAULT_QUARTERS,
) -> RunConfig:
    """Compose the run config of the dashboard's settings.

    Args:
        world: A world file of ``configs/world`` (``korea_2024`` or ``synthetic``).
        scenario: A scenario file of ``configs/scenario``.
        mandate_strength: See :func:`apply_levers`.
        clarity: See :func:`apply_levers`.
        subsidy_budget: See :func:`apply_levers`.
        subsidy_focus: See :func:`apply_levers`.
        seed: Root seed of the run.
        quarters: Quarters to simulate before the model stops.

    Returns:
        The typed, range-checked RunConfig.
    """
    base = _composed(world, scenario)
    levers = apply_levers(
        base.scenario,
        mandate_strength=mandate_strength,
        clarity=clarity,
        subsidy_budget=subsidy_budget,
        subsidy_focus=subsidy_focus,
    )
    return dataclasses.replace(base, scenario=levers, seed=seed, steps=quarters)


# The controls SolaraViz draws in its "Model Parameters" card; their names are the keyword
# arguments of DashboardModel.
model_params: dict[str, Any] = {
    "world": {"type": "Select", "value": "korea_2024", "values": list(WORLDS), "label": "World"},
    "scenario": {
        "type": "Select",
        "value": "baseline",
        "values": list(SCENARIOS),
        "label": "Scenario",
    },
    "mandate_strength": {
        "type": "SliderFloat",
        "value": 0.0,
        "min": 0.0,
        "max": 3.0,
        "step": 0.1,
        "label": "Mandate strength",
    },
    "clarity": {
        "type": "SliderFloat",
        "value": 0.0,
        "min": 0.0,
        "max": 1.0,
        "step": 0.05,
        "label": "Antitrust clarity",
    },
    "subsidy_budget": {
        "type": "SliderFloat",
        "value": 0.0,
        "min": 0.0,
        "max": 1000.0,
        "step": 25.0,
        "label": "Subsidy (USD m/quarter)",
    },
    "subsidy_focus": {
        "type": "Select",
        "value": AS_SCENARIO,
        "values": list(FOCUS_DOMAINS),
        "label": "Subsidy focus",
    },
    "seed": {"type": "SliderInt", "value": 0, "min": 0, "max": 99, "step": 1, "label": "Seed"},
    "quarters": {
        "type": "SliderInt",
        "value": DEFAULT_QUARTERS,
        "min": 4,
        "max": 80,
        "step": 4,
        "label": "Quarters to simulate",
    },
}
