"""Public alias: ``sim.ema`` is ``sim.runs.ema`` (the EMA Workbench client, docs/ema.md)."""

import sys

import sim.runs.ema as _target

sys.modules[__name__] = _target
