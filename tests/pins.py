"""Pinned numbers compared across machines: equal up to the last few bits of a float.

A pinned run's numbers were written on one machine. Another CPU or another numpy build may
take another SIMD path through ``exp``, ``log`` or ``power`` and differ in the last bit
(measured 2026-12-03: korea_2024's gap at the start read ...585 on the machine that pinned it
and ...586 on a fresh one, numpy 2.4.6). Any change of the model moves the numbers by far more
than ``PIN_RTOL``, so the pins still fail on every real change.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

PIN_RTOL = 1e-12  # relative: about 4,500 units in the last place of a double


def assert_pinned(actual: float | Sequence[float], pinned: float | Sequence[float]) -> None:
    """Assert ``actual`` equals ``pinned`` element by element up to ``PIN_RTOL`` of each."""
    got, want = np.asarray(actual, dtype=float), np.asarray(pinned, dtype=float)
    assert got.shape == want.shape, f"shape {got.shape} != pinned {want.shape}"
    np.testing.assert_allclose(got, want, rtol=PIN_RTOL, atol=0.0)
