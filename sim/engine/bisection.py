"""The bisection of the R&D condition on one capability law, on buffers (speed only).

``innovation.solve_effort`` halves each firm's effort bracket sixty times, and each halving
evaluates ``omega g'(x + xi) + rest > cost x`` for every firm. At a few thousand firms a
halving costs about twenty numpy calls of a microsecond or two each, so the calls, not the
arithmetic, are the cost. ``bisect_effort`` makes the same halvings with the same operations
in the same order (``Law.slope_from_shifted``), writing into arrays allocated once, and
skips the clip ``max(x + xi, 0)`` where it cannot change a number: the effort brackets are
non-negative, so with a non-negative inflow ``x + xi`` is already.
"""

from __future__ import annotations

import numpy as np

from sim.engine.knowledge import Law


def fits(law: Law, n: int) -> bool:
    """Whether every per-unit term of ``law`` broadcasts to ``n`` units (buffers of shape (n,)).

    Args:
        law: The units' capability law.
        n: The number of units solved.
    """
    terms = (law.slope_scale, law.drift, law.alpha, law.offset)
    try:
        return np.broadcast_shapes((n,), *(np.shape(t) for t in terms)) == (n,)
    except ValueError:
        return False


def bisect_effort(
    omega: np.ndarray,
    rest: np.ndarray,
    inflow: np.ndarray,
    cost: np.ndarray,
    hi: np.ndarray,
    law: Law,
    steps: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The bracket ``(lo, hi)`` after ``steps`` halvings of ``[0, hi]``, as ``solve_effort``'s.

    Each halving keeps the half in which ``omega g'(x + inflow) + rest - cost x`` changes
    sign: the upper one where it is positive at the midpoint x (``g'`` is ``law``'s slope).

    Args:
        omega: Coefficient of the firm's own g' in its marginal value, shape (n,).
        rest: Z, the rest of the marginal value, shape (n,).
        inflow: xi, effective R&D from others' last efforts, shape (n,).
        cost: The marginal cost slope per firm, shape (n,).
        hi: The bracket's upper end per firm (effort units), shape (n,).
        law: The firms' capability law (``fits(law, n)``).
        steps: How many halvings.

    Returns:
        The lower and upper ends of every firm's bracket.
    """
    n = hi.size
    lo, hi = np.zeros(n), np.array(hi, dtype=np.float64)
    mid, shifted, excess, spend = (np.empty(n) for _ in range(4))
    above = np.empty(n, dtype=bool)
    # mid >= 0 (the brackets are), so max(mid + inflow, 0) is mid + inflow unless inflow < 0
    # somewhere (or either holds a NaN); max then only turned -0.0 into 0.0 before adding X0
    clip = not (bool(np.all(inflow >= 0.0)) and bool(np.all(hi >= 0.0)))
    add, multiply, greater, where = np.add, np.multiply, np.greater, np.where  # (looked up once)
    offset = law.offset
    for _ in range(steps):
        add(lo, hi, mid)
        multiply(mid, 0.5, mid)
        multiply(cost, mid, spend)
        add(mid, inflow, shifted)
        if clip:
            np.maximum(shifted, 0.0, out=shifted)
        add(shifted, offset, shifted)
        g = law.slope_from_shifted(shifted, out=excess)
        multiply(omega, g, excess)
        add(excess, rest, excess)
        np.subtract(excess, spend, excess)
        greater(excess, 0.0, above)
        lo, hi = where(above, mid, lo), where(above, hi, mid)
    return lo, hi
