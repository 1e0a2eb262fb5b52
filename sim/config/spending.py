"""Planned government spending of a scenario, and equal-spending variants (docs/robust.md).

``planned_spend`` gives the government money a scenario plans to spend over a run of
``steps`` quarters (USD bn), lever by lever, from its configuration alone, by the rules the
levers pay with (``scenarios.policies``; the tournament's slots:
``sim.config.levers.funded_slots``):

- ``subsidy``: ``budget`` each quarter from ``start`` to ``end`` (exclusive); under the
  ``fad`` schedule only for the ``hype_quarters`` after ``start``. Nothing is paid in a
  quarter when no firm is eligible (``share_equally``).
- ``open_data``: ``cost`` each active quarter.
- ``tournament``: ``funding`` a quarter for each consortium the stages keep, from the
  selection to ``end`` (``funded_slots``). A ceiling: fewer consortia may apply or stay in.
- ``mega_alliance``: ``budget`` each active quarter once the alliance is founded (paid only
  while it has domestic members). Under version 2 each domestic member also gets
  ``member_value`` a quarter: how many join is the firms' choice, so with ``member_value``
  above 0 the lever's spending is not planned (``None``, with the reason).
- ``public_compute``: the state pays ``cost_reduction`` of the eligible firms' R&D, which
  they choose: not planned (``None``, with the reason).
- ``antitrust`` and ``enforcement`` spend nothing (fines are not spending).

An **equal-spending variant** is a scenario file whose money key is the interpolation
``${alliancesim_equal_spend:REFERENCE}``: the resolver sets that per-quarter amount so that
the scenario's planned total over the run equals the reference scenario's, at the same run
length and economics. Everything else (schedule, dates, targets) is kept. For example
``configs/scenario/subsidy_fad_equal_spend.yaml`` is ``subsidy_fad`` (USD 250 m a quarter
for 12 quarters, USD 3 bn) at ``subsidy_infrastructure``'s USD 10 bn over 40 quarters:
USD 833.33 m a quarter. The resolver is registered when this module is imported, which
``sim.config.compose`` does: every way of composing a config (the command line, the
planner and its jobs, the dashboard, ``alliancesim-describe``, tests) knows it.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from hydra import initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from omegaconf import DictConfig, OmegaConf

from sim.config.checks import ConfigError
from sim.config.compose import (
    CONFIG_DIR,
    USER_CONFIG_ENV,
    compose_node,
    to_run_config,
    user_config_dirs,
    user_configs,
)
from sim.config.levers import (
    LeverWindow,
    ScenarioConfig,
    SubsidyConfig,
    TournamentConfig,
    funded_slots,
    lever_fields,
)
from sim.config.schema import register_configs

RESOLVER = "alliancesim_equal_spend"
# each budgeted lever's per-quarter money key (USD m), the one a variant rescales
MONEY_KEYS: dict[str, str] = {
    "subsidy": "budget",
    "open_data": "cost",
    "tournament": "funding",
    "mega_alliance": "budget",
}
NO_SPENDING = ("antitrust", "enforcement")
_RESOLVING: list[str] = []  # references being resolved now (a cycle is refused)


@dataclass(frozen=True)
class LeverSpend:
    """One lever's planned spending over a run.

    Attributes:
        lever: The lever key (``subsidy`` ...).
        usd_m: Planned USD m over the run; ``None`` when the firms' choices set it.
        note: Why it is not planned, or what can make the realised spending lower.
    """

    lever: str
    usd_m: float | None
    note: str = ""


@dataclass(frozen=True)
class PlannedSpend:
    """A scenario's planned government spending over ``steps`` quarters."""

    scenario: str
    steps: int
    levers: tuple[LeverSpend, ...]

    @property
    def usd_bn(self) -> float | None:
        """The planned total in USD bn; ``None`` when a lever's spending is not planned."""
        if any(part.usd_m is None for part in self.levers):
            return None
        return sum(part.usd_m or 0.0 for part in self.levers) / 1000.0

    @property
    def reason(self) -> str:
        """Why the total is not planned (``""`` when it is)."""
        return "; ".join(f"{p.lever}: {p.note}" for p in self.levers if p.usd_m is None)


def active_quarters(window: LeverWindow, steps: int, last: int | None = None) -> int:
    """Quarters of a run of ``steps`` in ``[start, end)``, and before ``last`` if given."""
    stop = min(window.end, steps, window.end if last is None else last)
    return max(0, stop - window.start)


def subsidy_quarters(cfg: SubsidyConfig, steps: int) -> int:
    """Quarters a subsidy pays in a run of ``steps``: the hype's only, under ``fad``."""
    last = cfg.start + cfg.hype_quarters if cfg.schedule == "fad" else None
    return active_quarters(cfg, steps, last)


def tournament_slots(cfg: TournamentConfig, steps: int) -> int:
    """Consortium-quarters the tournament plans to fund in a run of ``steps`` (a ceiling)."""
    first = cfg.stages[cfg.selection_stage][0]
    return int(funded_slots(cfg)[: max(0, steps - first)].sum())


def lever_spend(key: str, cfg: Any, steps: int, economics: str) -> LeverSpend:
    """One lever's planned spending (module docstring: the rules)."""
    if key in NO_SPENDING:
        return LeverSpend(key, 0.0, "spends nothing")
    if key == "public_compute":
        return LeverSpend(
            key, None, "the state pays a share of the R&D the eligible firms choose (endogenous)"
        )
    if key == "subsidy":
        note = "nothing is paid in a quarter when no firm is eligible"
        return LeverSpend(key, cfg.budget * subsidy_quarters(cfg, steps), note)
    if key == "open_data":
        return LeverSpend(key, cfg.cost * active_quarters(cfg, steps))
    if key == "tournament":
        note = "a ceiling: fewer consortia may apply or stay in"
        return LeverSpend(key, cfg.funding * tournament_slots(cfg, steps), note)
    if key == "mega_alliance":
        if economics == "v2" and cfg.member_value > 0 and active_quarters(cfg, steps):
            return LeverSpend(
                key,
                None,
                "member_value is paid to each domestic member, and the firms choose whether "
                "to join (endogenous)",
            )
        note = "paid while the alliance has domestic members"
        return LeverSpend(key, cfg.budget * active_quarters(cfg, steps), note)
    raise ValueError(f"no spending rule for lever {key!r}")  # a lever added without one


def planned_spend(scenario: ScenarioConfig, steps: int, economics: str = "v2") -> PlannedSpend:
    """A scenario's planned government spending over a run of ``steps`` quarters.

    Args:
        scenario: The scenario's levers.
        steps: Quarters the run lasts.
        economics: ``v1`` or ``v2`` (only version 2 pays a mandate's ``member_value``).

    Returns:
        Per lever pulled, its planned USD m (``None`` with a reason when the firms' choices
        set it); ``usd_bn`` sums them.
    """
    parts = tuple(
        lever_spend(key, getattr(scenario, key), steps, economics)
        for key in lever_fields()
        if getattr(scenario, key) is not None
    )
    return PlannedSpend(scenario.name, steps, parts)


def equal_spend_amount(
    scenario: ScenarioConfig, lever: str, target_usd_m: float, steps: int, economics: str
) -> float:
    """The per-quarter amount of ``lever`` that makes the scenario plan ``target_usd_m``.

    The other levers' planned spending is kept; the lever's money key (``MONEY_KEYS``) is
    ``(target - others) / (what one USD m of it plans over the run)``.

    Raises:
        ConfigError: The lever has no money key or never pays within the run, another lever's
            spending is not planned, or the others alone plan more than the target.
    """
    key = f"scenario.{lever}.{MONEY_KEYS.get(lever, '?')}"
    if lever not in MONEY_KEYS or getattr(scenario, lever) is None:
        raise ConfigError(
            f"{key}: an equal-spend amount is for a lever the scenario pulls with a planned "
            f"budget; allowed: {', '.join(f'scenario.{k}.{v}' for k, v in MONEY_KEYS.items())}"
        )
    one = dataclasses.replace(getattr(scenario, lever), **{MONEY_KEYS[lever]: 1.0})
    unit = lever_spend(lever, one, steps, economics).usd_m
    others = [p for p in planned_spend(scenario, steps, economics).levers if p.lever != lever]
    unplanned = [p for p in others if p.usd_m is None]
    if unit is None or unplanned:
        why = unplanned[0].note if unplanned else "its spending is not planned"
        raise ConfigError(
            f"{key}: {scenario.name} cannot be rescaled to equal spending ({why}); allowed: "
            "a scenario whose levers all have a planned budget"
        )
    if unit <= 0:
        raise ConfigError(
            f"{key}: the lever pays nothing in a run of {steps} quarters, so no amount reaches "
            "the reference's total; allowed: a lever active within the run"
        )
    rest = sum(p.usd_m or 0.0 for p in others)
    if rest > target_usd_m:
        raise ConfigError(
            f"{key}: {scenario.name}'s other levers alone plan USD {rest:,.1f} m, more than "
            f"the reference's USD {target_usd_m:,.1f} m; allowed: a reference planning more"
        )
    return (target_usd_m - rest) / unit


@lru_cache(maxsize=64)
def _reference_total(name: str, steps: int, economics: str, search: str) -> PlannedSpend:
    """The reference scenario's planned spending (``search``: the user folders, for the cache).

    Composed as ``sim.config.compose.compose`` does, with its own equal-spend interpolation
    (if it is a variant too) checked first, so that its errors are one line as well.
    """
    del search
    overrides = [f"scenario={name}", f"steps={steps}", f"model.economics={economics}"]
    register_configs()
    if GlobalHydra.instance().is_initialized():  # the planner, or inside a job
        node = compose_node(overrides)
        check_equal_spend(node)
        run = to_run_config(node)
    else:
        with (
            user_configs(user_config_dirs()),
            initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"),
        ):
            node = compose_node(overrides)
            check_equal_spend(node)
            run = to_run_config(node)
    return planned_spend(run.scenario, steps, economics)


def reference_spend(name: str, steps: int, economics: str, key: str) -> PlannedSpend:
    """The planned spending of the scenario called ``name`` (a config file of ``scenario/``).

    Raises:
        ConfigError: No such scenario, a cycle of references, or its total not planned.
    """
    from sim.config.describe import options  # describe imports compose, which imports this

    known = options("scenario")
    if name not in known:
        raise ConfigError(
            f"{key}: equal-spend reference {name!r} is not a scenario; allowed: {', '.join(known)}"
        )
    if name in _RESOLVING:
        raise ConfigError(
            f"{key}: equal-spend references form a cycle ({' -> '.join([*_RESOLVING, name])}); "
            "allowed: a reference that does not lead back"
        )
    _RESOLVING.append(name)
    try:
        spend = _reference_total(name, steps, economics, os.environ.get(USER_CONFIG_ENV, ""))
    finally:
        _RESOLVING.pop()
    if spend.usd_bn is None:
        raise ConfigError(
            f"{key}: equal-spend reference {name!r} has no planned total ({spend.reason}); "
            "allowed: a scenario whose levers all have a planned budget"
        )
    return spend


def marker(value: Any) -> str | None:
    """The reference named by an equal-spend interpolation ``value`` (None if it is not one)."""
    text = str(value).strip()
    head = "${" + RESOLVER + ":"
    if not (text.startswith(head) and text.endswith("}")):
        return None
    return text[len(head) : -1].strip().strip("'\"")


def _plain(node: Any) -> Any:
    """A lever node as plain values, its interpolations resolved (equal-spend ones as 1.0)."""
    raw = OmegaConf.to_container(node, resolve=False)
    assert isinstance(raw, dict)
    return {
        k: 1.0 if marker(v) is not None else (node[k] if isinstance(v, str) and "${" in v else v)
        for k, v in raw.items()
    }


def amount_for(root: DictConfig, lever: str) -> float:
    """The amount an equal-spend interpolation on ``scenario.<lever>.<money key>`` stands for.

    Raises:
        ConfigError: One line naming the key: not a money key, more than one interpolation,
            a bad reference, or a scenario that cannot be rescaled (``equal_spend_amount``).
    """
    key = f"scenario.{lever}.{MONEY_KEYS.get(lever, '?')}"
    raw = OmegaConf.to_container(root.scenario, resolve=False)
    assert isinstance(raw, dict)
    found = [
        f"scenario.{k!s}.{f!s}"
        for k, v in raw.items()
        if isinstance(v, dict)
        for f, x in v.items()
        if marker(x) is not None
    ]
    if lever not in MONEY_KEYS or found != [key]:
        keys = ", ".join(f"scenario.{k}.{v}" for k, v in MONEY_KEYS.items())
        raise ConfigError(
            f"{', '.join(found) or key}: ${{{RESOLVER}:...}} may stand for one money key of a "
            f"scenario; allowed: one of {keys}"
        )
    reference = marker(raw[lever][MONEY_KEYS[lever]]) or ""
    steps, economics = int(root.steps), str(root.model.economics)
    target = reference_spend(reference, steps, economics, key)
    classes = lever_fields()
    levers: dict[str, Any] = {
        k: classes[k](**_plain(root.scenario[k]))
        for k in classes
        if k in raw and raw[k] is not None
    }
    mine = ScenarioConfig(name=str(root.scenario.name), **levers)
    return equal_spend_amount(mine, lever, (target.usd_bn or 0.0) * 1000.0, steps, economics)


def check_equal_spend(node: DictConfig) -> None:
    """Resolve a composed config's equal-spend interpolation once, for a one-line error.

    Without this, OmegaConf would wrap the resolver's error in its own words.
    """
    scenario = OmegaConf.select(node, "scenario")
    if not isinstance(scenario, DictConfig):
        return
    raw = OmegaConf.to_container(scenario, resolve=False)
    assert isinstance(raw, dict)
    for lever, values in raw.items():
        if isinstance(values, dict) and any(marker(v) is not None for v in values.values()):
            amount_for(node, str(lever))
            return


def _resolve(reference: str, *, _parent_: Any, _root_: Any) -> float:
    """The resolver ``${alliancesim_equal_spend:REFERENCE}`` (``amount_for``)."""
    del reference  # read again from the node: amount_for checks where it stands
    return amount_for(_root_, str(_parent_._key()))


OmegaConf.register_new_resolver(RESOLVER, _resolve, replace=True)
