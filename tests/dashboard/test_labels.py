"""Labels without overlaps (sim/dashboard/labels.py): the largest named where a name fits."""

from __future__ import annotations

import itertools
import math

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


def test_a_crowd_is_named_with_leader_lines_and_a_lone_hub_beside_it():
    ax = _axes()
    crowd = [Mark(0.01 * i, 0.0, 200.0, f"crowded alliance {i}") for i in range(10)]
    placed = place_labels(ax, crowd, 6)
    assert 1 <= len(placed) <= 6
    _check(ax, crowd, placed)
    assert ax.lines  # names away from their hubs are joined to them by a line
    ax = _axes()
    (label,) = place_labels(ax, [Mark(0.0, 0.0, 300.0, "K-AI Alliance (312)")], 6)
    assert label.get_text() == "K-AI Alliance (312)" and not ax.lines  # beside it: no line


def test_the_largest_hubs_of_a_crowded_ring_are_named_first():
    """A newcomer's walkthrough (2026-12-06) found the dashboard naming 43-member alliances
    while the 194-, 109- and 93-member ones on the same ring went unnamed: no place beside
    a big hub was clear, so smaller hubs took the six names. Now the largest get theirs,
    with a leader line where needed."""
    ax = _axes()
    sizes = [194, 109, 93, *([45] * 27)]
    names = ["National AI Alliance", "China state-coordinat…", "Kolon Benit AI Alliance"]
    names += [f"alliance-{i}" for i in range(27)]
    ring = [  # radius 0.8: before the fix only two 45-member hubs were named here
        Mark(
            0.8 * math.cos(2 * math.pi * i / 30),
            0.8 * math.sin(2 * math.pi * i / 30),
            60 + 28 * m**0.5,
            f"{n} ({m})",
        )
        for i, (n, m) in enumerate(zip(names, sizes, strict=True))
    ]
    placed = place_labels(ax, ring, 6)
    named = [label.get_text() for label in placed]
    assert named[:3] == [f"{n} ({m})" for n, m in zip(names, sizes[:3], strict=False)], named
    _check(ax, ring, placed)


def test_long_names_are_cut_with_an_ellipsis():
    assert short_name("K-AI Alliance") == "K-AI Alliance"
    long = "Korea Artificial Intelligence Semiconductor Alliance"
    assert len(short_name(long)) == MAX_NAME and short_name(long).endswith("…")
    assert short_name(long).startswith("Korea Artificial")
