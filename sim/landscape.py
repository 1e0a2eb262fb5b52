"""Public alias kept for users: ``sim.landscape`` is ``sim.analysis.landscape``."""

import sys

import sim.analysis.landscape as _target

sys.modules[__name__] = _target
