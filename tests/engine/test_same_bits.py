"""Speed paths against the plain computations they replace, bit for bit."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine import innovation
from sim.engine.knowledge import capability_law


def _law(rng, n, ceiling):
    caps = {
        "none": None,
        "inf": np.full(n, np.inf),
        "some": np.where(rng.random(n) < 0.3, rng.uniform(0.2, 1.2, n), np.inf),
    }[ceiling]
    return capability_law(
        rng.uniform(0.0, 1.1, n),
        rng.uniform(0.0, 0.05, n),
        learning_rate=rng.uniform(0.0, 0.05, n),
        catch_up=1.5,
        obsolescence=0.01,
        ceiling=caps,
    )


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(1, 300),
    st.sampled_from(["none", "inf", "some"]),
    st.booleans(),
)
def test_the_bisection_on_buffers_gives_the_plain_loops_bits(seed, n, ceiling, negative):
    rng = np.random.default_rng(seed)
    law = _law(rng, n, ceiling)
    inflow = rng.uniform(-0.5 if negative else 0.0, 2.0, n)
    omega, cost = rng.uniform(0.0, 1e4, n), rng.uniform(1.0, 200.0, n)
    rest = rng.uniform(-50.0, 50.0, n)
    rest[: n // 5] = -omega[: n // 5] * law.slope(inflow)[: n // 5]  # 0 at zero effort
    limit = np.where(rng.random(n) < 0.3, rng.uniform(0.0, 1.0, n), np.inf)

    def slope(x):
        return law.slope(x + inflow)

    args = (omega, rest, inflow, cost, limit, slope, 0.5)
    plain = innovation.solve_effort(*args)
    assert innovation.solve_effort(*args, law=law).tobytes() == plain.tobytes()
