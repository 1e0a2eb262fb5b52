"""Public alias kept for users: ``sim.economics`` is ``sim.engine.economics`` (the R&D rules)."""

import sys

import sim.engine.economics as _target

sys.modules[__name__] = _target
