"""The model behind the dashboard: an ``AllianceModel`` built from the control values."""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.dashboard.controls import AS_SCENARIO, DEFAULT_QUARTERS, dashboard_config
from sim.model import AllianceModel


def _chosen(value: float | None) -> float | None:
    """A slider's value as the user chose it (sliders send 0.30000000000000004), or None."""
    return None if value is None else round(float(value), 6)


class DashboardModel(AllianceModel):
    """An ``AllianceModel`` built from the dashboard's controls (keyword arguments only).

    The page creates the model class with the settings as keyword arguments (on Reset);
    this class turns them into a RunConfig (:func:`~sim.dashboard.controls.dashboard_config`).
    The model stops (``running`` False) after ``quarters`` quarters.

    Args:
        world: A world file of ``configs/world``.
        scenario: A scenario file of ``configs/scenario``.
        member_value: ``None`` keeps the scenario's mandate; a number (0 included) sets (or
            adds) what each domestic member of the national alliance gets, USD m a quarter.
        refusal_cost: ``None`` keeps the scenario's mandate; a number (0 included) sets (or
            adds) what each firm it invited pays while it stays out, USD m a quarter.
        clarity: ``None`` keeps the scenario's antitrust clarity; a number (0 included)
            sets (or adds) it.
        subsidy_budget: ``None`` keeps the scenario's subsidy; a number (0 included) sets
            (or adds) its budget, USD m a quarter.
        subsidy_focus: ``"as scenario"``, ``"infrastructure"`` or ``"applications"``.
        seed: Root seed of the run.
        quarters: Quarters to simulate.
    """

    def __init__(
        self,
        world: str = "korea_2024",
        scenario: str = "baseline",
        member_value: float | None = None,
        refusal_cost: float | None = None,
        clarity: float | None = None,
        subsidy_budget: float | None = None,
        subsidy_focus: str = AS_SCENARIO,
        seed: int = 0,
        quarters: int = DEFAULT_QUARTERS,
    ) -> None:
        self.settings: dict[str, Any] = {
            "world": world,
            "scenario": scenario,
            "member_value": _chosen(member_value),
            "refusal_cost": _chosen(refusal_cost),
            "clarity": _chosen(clarity),
            "subsidy_budget": _chosen(subsidy_budget),
            "subsidy_focus": subsidy_focus,
            "seed": int(seed),
            "quarters": int(quarters),
        }
        cfg = dashboard_config(**self.settings)
        super().__init__(cfg, seed=cfg.seed)
        self.network_layout: dict[Any, np.ndarray] = {}  # last drawn positions (warm start)

    def step(self) -> None:
        """Advance one quarter; stop running at the chosen number of quarters."""
        super().step()
        self.running = self.steps < self.cfg.steps
