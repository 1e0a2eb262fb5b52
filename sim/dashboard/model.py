"""The model behind the dashboard: an ``AllianceModel`` built from the control values."""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.dashboard.controls import AS_SCENARIO, DEFAULT_QUARTERS, dashboard_config
from sim.model import AllianceModel


class DashboardModel(AllianceModel):
    """An ``AllianceModel`` built from the dashboard's controls (keyword arguments only).

    SolaraViz creates the model class with the control values as keyword arguments; this
    class turns them into a RunConfig (:func:`~sim.dashboard.controls.dashboard_config`).
    The model stops (``running`` False) after ``quarters`` quarters.

    Args:
        world: A world file of ``configs/world``.
        scenario: A scenario file of ``configs/scenario``.
        mandate_strength: 0 keeps the scenario's mandate; above 0 sets (or adds) it.
        clarity: 0 keeps the scenario's antitrust clarity; above 0 sets (or adds) it.
        subsidy_budget: 0 keeps the scenario's subsidy; above 0 sets (or adds) its budget,
            USD m a quarter.
        subsidy_focus: ``"as scenario"``, ``"infrastructure"`` or ``"applications"``.
        seed: Root seed of the run.
        quarters: Quarters to simulate.
    """

    def __init__(
        self,
        world: str = "korea_2024",
        scenario: str = "baseline",
        mandate_strength: float = 0.0,
        clarity: float = 0.0,
        subsidy_budget: float = 0.0,
        subsidy_focus: str = AS_SCENARIO,
        seed: int = 0,
        quarters: int = DEFAULT_QUARTERS,
    ) -> None:
        self.settings: dict[str, Any] = {
            "world": world,
            "scenario": scenario,
            # sliders send floats such as 0.30000000000000004: keep what the user chose
            "mandate_strength": round(float(mandate_strength), 6),
            "clarity": round(float(clarity), 6),
            "subsidy_budget": round(float(subsidy_budget), 6),
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
