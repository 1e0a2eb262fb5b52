"""The bisection of the R&D condition on one capability law, on buffers (speed only).

``innovation.solve_effort`` halves each firm's effort bracket sixty times, and each halving
evaluates ``omega g'(x + xi) + rest > cost x`` for every firm. At a few thousand firms a
halving costs about twenty numpy calls of a microsecond or two each, so the calls, not the
arithmetic, are the cost. ``bisect_effort`` makes the same halvings with the same operations
in the same order (``Law.slope_from_shifted``), writing into arrays allocated once, and
skips the clip ``max(x + xi, 0)`` where it cannot change a number: the effort brackets are
non-negative, so with a non-negative inflow ``x + xi`` is already. The two ends of the
bracket move by selecting bits (``select_bits``) instead of ``np.where``, whose branches the
changing signs mispredict (half of a halving's time went there).
"""

from __future__ import annotations

import numpy as np

from sim.engine.knowledge import Law

# Firms from which the bracket's ends move by ``select_bits``: below, ``np.where``'s
# mispredicted branches cost less than select_bits' extra numpy calls (measured: even at
# about 750 random firms, a bisection 25 % faster at 100; at korea_2024's 3,000 firms one
# 1.5 times as slow)
SELECT_BITS_FROM = 768


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
    The slope is ``Law.slope_from_shifted``'s three operations written out where no ceiling
    is checked (``Law.checks_ceiling``), and the bracket's ends move by ``select_bits`` (by
    ``np.where`` for fewer than ``SELECT_BITS_FROM`` firms).

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
    bounds = np.zeros((2, n))  # the rows lo and hi, halved in place
    bounds[1] = hi
    lo, up = bounds
    mid, shifted, excess, spend = (np.empty(n) for _ in range(4))
    masks, work = np.empty((2, n), dtype=np.int64), np.empty((2, n), dtype=np.int64)
    above = masks[0]  # 1 where lo takes the midpoint (select_bits)
    ends = (bounds.view(np.int64), mid.view(np.int64), masks, work)
    few, sign, where = n < SELECT_BITS_FROM, np.empty(n, dtype=bool), np.where
    # mid >= 0 (the brackets are), so max(mid + inflow, 0) is mid + inflow unless inflow < 0
    # somewhere (or either holds a NaN); max then only turned -0.0 into 0.0 before adding X0
    clip = not (bool(np.all(inflow >= 0.0)) and bool(np.all(hi >= 0.0)))
    checked = law.checks_ceiling((n,))
    add, multiply, greater, subtract = np.add, np.multiply, np.greater, np.subtract  # (once)
    power, divide = np.power, np.divide
    offset, exponent, scale, drift = law.offset, law.alpha - 1.0, law.slope_scale, law.drift
    for _ in range(steps):
        add(lo, up, mid)
        multiply(mid, 0.5, mid)
        multiply(cost, mid, spend)
        add(mid, inflow, shifted)
        if clip:
            np.maximum(shifted, 0.0, out=shifted)
        add(shifted, offset, shifted)
        if checked:
            g = law.slope_from_shifted(shifted, out=excess)
        else:  # slope_from_shifted's operations, without its ceiling check
            g = power(shifted, exponent, excess)
            multiply(scale, g, g)
            divide(g, drift, g)
        multiply(omega, g, excess)
        add(excess, rest, excess)
        subtract(excess, spend, excess)
        if few:  # few firms: two selections cost less than select_bits' five calls
            greater(excess, 0.0, sign)
            lo, up = where(sign, mid, lo), where(sign, up, mid)
        else:
            greater(excess, 0.0, above)  # above: lo takes the midpoint, else hi
            select_bits(*ends)
    return lo, up


def select_bits(bounds: np.ndarray, mid: np.ndarray, masks: np.ndarray, work: np.ndarray) -> None:
    """``lo, hi = where(a, mid, lo), where(a, hi, mid)`` on the bits, in place.

    Reason: speed only. ``np.where`` branches on every element, and the bisection's signs
    change from step to step: mispredicted, the two selections cost more than the rest of a
    halving. Each end instead becomes ``end ^ ((end ^ mid) & m)`` on the float64 bits read as
    integers (``m`` all ones where it takes the midpoint, else 0): the bits of ``mid`` or of
    the end, copied exactly whatever they hold (signed zeros, infinities, NaNs alike).

    Args:
        bounds: The bits of lo and hi (float64 viewed as int64), shape (2, n); written.
        mid: The bits of the midpoints (float64 viewed as int64), shape (n,).
        masks: int64, shape (2, n): row 0 holds a, 1 where lo takes the midpoint, else 0;
            overwritten (with the masks).
        work: int64 scratch, shape (2, n).
    """
    np.bitwise_xor(masks[0], 1, masks[1])  # 1 where hi takes the midpoint
    np.negative(masks, masks)  # 0/1 to 0/all ones
    np.bitwise_xor(bounds, mid, work)
    np.bitwise_and(work, masks, work)
    np.bitwise_xor(bounds, work, bounds)
