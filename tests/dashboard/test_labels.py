"""Labels without overlaps (sim/dashboard/labels.py): the largest named where a name fits."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from sim.dashboard.labels import MAX_NAME, Mark, _marker_box, place_labels, short_name


def _axes():
    fig = Figure(figsize=(5.2, 4.3))
    ax = fig.add_axes((0.0, 0.27, 1.0, 0.63))
    ax.set_xlim(-1.2, 1.2)
    ax.set_ylim(-1.2, 1.2)
    return ax


def _check(ax, marks, placed):
    """No two labels overlap, none covers a marker, all lie inside the axes."""
    boxes = [label.get_window_extent() for label in placed]
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)
    markers = [_marker_box(ax, m) for m in marks]
    for box in boxes:
        assert not any(box.overlaps(m) for m in markers)
        assert ax.bbox.contains(box.x0, box.y0) and ax.bbox.contains(box.x1, box.y1)


point = st.tuples(st.floats(-1.0, 1.0), st.floats(-1.0, 1.0), st.integers(1, 400))


@settings(max_examples=30, deadline=None)
@given(st.lists(point, min_size=1, max_size=30), st.integers(1, 8))
def test_labels_never_overlap_each_other_a_marker_or_the_frame(points, most):
    ax = _axes()
    marks = sorted(
        (
            Mark(x, y, 60 + 28 * size**0.5, f"alliance-{i} ({size})")
            for i, (x, y, size) in enumerate(points)
        ),
        key=lambda m: -m.area,
    )
    placed = place_labels(ax, marks, most)
    assert len(placed) <= most
    texts = [m.text for m in marks]
    assert [t.get_text() for t in placed] == sorted(
        (t.get_text() for t in placed), key=texts.index
    )  # in the order given: the largest first
    _check(ax, marks, placed)
    assert len(ax.texts) == len(placed)  # a label that did not fit is removed


def test_a_crowd_gets_few_labels_and_a_lone_hub_gets_its_name():
    ax = _axes()
    crowd = [Mark(0.01 * i, 0.0, 200.0, f"crowded alliance {i}") for i in range(10)]
    placed = place_labels(ax, crowd, 6)
    assert 1 <= len(placed) < 6  # ten hubs on top of each other cannot all be named
    _check(ax, crowd, placed)
    ax = _axes()
    (label,) = place_labels(ax, [Mark(0.0, 0.0, 300.0, "K-AI Alliance (312)")], 6)
    assert label.get_text() == "K-AI Alliance (312)"


def test_long_names_are_cut_with_an_ellipsis():
    assert short_name("K-AI Alliance") == "K-AI Alliance"
    long = "Korea Artificial Intelligence Semiconductor Alliance"
    assert len(short_name(long)) == MAX_NAME and short_name(long).endswith("…")
    assert short_name(long).startswith("Korea Artificial")
