"""Public alias kept for users: ``sim.results`` is ``sim.runs.store`` (the results store)."""

import sys

import sim.runs.store as _target

sys.modules[__name__] = _target
