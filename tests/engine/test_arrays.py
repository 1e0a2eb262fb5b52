"""sim.engine.arrays: the hot-path helpers give numpy's own results, bit for bit."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.engine.arrays import SEQUENTIAL_BELOW, row_sums, take_rows

FLOATS = st.floats(allow_nan=True, allow_infinity=True, width=64)


@given(
    values=arrays(np.float64, st.tuples(st.integers(0, 50), st.integers(1, 12)), elements=FLOATS)
)
def test_row_sums_are_numpys_sums_bit_for_bit(values):
    assert np.array_equal(row_sums(values).view(np.int64), values.sum(axis=1).view(np.int64))


@pytest.mark.parametrize("columns", range(1, SEQUENTIAL_BELOW + 3))
def test_row_sums_keep_every_bit_over_wide_magnitudes(columns):
    rng = np.random.default_rng(columns)
    values = rng.standard_normal((4000, columns)) * 10.0 ** rng.uniform(-12, 12, (4000, columns))
    values[rng.random(values.shape) < 0.05] = -0.0  # numpy's sums start from +0
    for view in (values, values[:, ::-1], values[::2]):
        assert np.array_equal(row_sums(view).view(np.int64), view.sum(axis=1).view(np.int64))


def test_take_rows_is_fancy_indexing():
    table = np.arange(21.0).reshape(7, 3)
    index = np.array([6, 0, 0, 3])
    assert np.array_equal(take_rows(table, index), table[index])
    assert np.array_equal(take_rows(table.T, np.array([2, 1])), table.T[[2, 1]])
