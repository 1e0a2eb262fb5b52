"""Labels on a crowded picture: the largest items named, none overlapping.

:func:`place_labels` names the largest alliance hubs of the network panel. Largest first,
it tries each name below, above, right and left of its hub and keeps the first place where
the name's box stays inside the axes and clear of every name already placed and of every
hub's marker. Where none is clear (a big hub in a crowded ring), it tries places further out
in eight directions and joins the name to its hub with a thin leader line, so the largest
hubs are named before smaller ones; a name that fits nowhere is left out (the hub still shows
its size by area).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

from sim.dashboard.style import INK

LABEL_FONTSIZE = 8.5  # points: about 11 px in the 90-dpi panel, legible at a glance
MAX_NAME = 24  # characters of an alliance's name kept in its label
GAP = 2.0  # points between a marker's edge and its label
PAD = 1.5  # pixels of clear space kept around a label's text
LEADER_STEP = 14.0  # points between the rings of places a leader line may reach
LEADER_RINGS = 4  # rings of places further out, tried when no place beside the hub is clear


@dataclass(frozen=True)
class Mark:
    """A labelled item on the axes: where it is, how big its marker is, what it is called.

    Attributes:
        x: Data x of its centre.
        y: Data y of its centre.
        area: Marker area in points^2 (matplotlib's ``s``).
        text: Its label.
    """

    x: float
    y: float
    area: float
    text: str


def short_name(name: str, limit: int = MAX_NAME) -> str:
    """``name`` cut to ``limit`` characters with an ellipsis when longer.

    Args:
        name: A display name.
        limit: Most characters kept (>= 2).

    Returns:
        The name, or its first ``limit - 1`` characters and "…".
    """
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def _marker_box(ax: Axes, mark: Mark) -> Bbox:
    """The display-space box of a mark's marker (a square around its circle of equal area)."""
    cx, cy = ax.transData.transform((mark.x, mark.y))
    half = math.sqrt(mark.area) / 2 * ax.figure.dpi / 72
    return Bbox.from_extents(cx - half, cy - half, cx + half, cy + half)


Placement = tuple[tuple[float, float], str, str, bool]  # offset (points), ha, va, leader


def _placements(mark: Mark) -> list[Placement]:
    """The places a mark's label may go, in order of preference.

    Beside the hub first (below, above, right, left); then rings further out in eight
    directions, each anchored on the label's edge that faces the hub, with a leader line.
    """
    d = math.sqrt(mark.area) / 2 + GAP
    near: list[Placement] = [
        ((0.0, -d), "center", "top", False),
        ((0.0, d), "center", "bottom", False),
        ((d, 0.0), "left", "center", False),
        ((-d, 0.0), "right", "center", False),
    ]
    far: list[Placement] = []
    for ring in range(1, LEADER_RINGS + 1):
        r = d + ring * LEADER_STEP
        for dx, dy in ((0, -1), (0, 1), (1, 0), (-1, 0), (1, -1), (-1, -1), (1, 1), (-1, 1)):
            ha = "left" if dx > 0 else "right" if dx < 0 else "center"
            va = "bottom" if dy > 0 else "top" if dy < 0 else "center"
            scale = r / math.hypot(dx, dy)
            far.append(((dx * scale, dy * scale), ha, va, True))
    return near + far


def _leader(ax: Axes, mark: Mark, offset: tuple[float, float]) -> Line2D:
    """A thin line from a hub's edge to its label's anchor (``offset`` points away)."""
    cx, cy = ax.transData.transform((mark.x, mark.y))
    scale = ax.figure.dpi / 72
    length = math.hypot(*offset)
    edge = math.sqrt(mark.area) / 2 / length if length else 0.0
    start = (cx + offset[0] * edge * scale, cy + offset[1] * edge * scale)
    end = (cx + offset[0] * scale, cy + offset[1] * scale)
    (x0, y0), (x1, y1) = ax.transData.inverted().transform([start, end])
    line = Line2D([x0, x1], [y0, y1], color=INK, lw=0.6, zorder=4)
    ax.add_line(line)
    return line


def place_labels(ax: Axes, marks: Sequence[Mark], most: int) -> list[Annotation]:
    """Label up to ``most`` marks, in the order given (largest first), without any overlap.

    The axes' limits must be final (set them before calling): boxes are measured in display
    space. A label's box (its text with a little padding) must lie inside the axes and clear
    of the labels placed before it and of every mark's marker; one placed away from its hub
    (``_placements``' outer rings) gets a leader line to it.

    Args:
        ax: The axes the marks are drawn on.
        marks: The candidates, most important first.
        most: Most labels to place.

    Returns:
        The annotations placed, in order; every other candidate is left unlabelled.
    """
    obstacles = [_marker_box(ax, m) for m in marks]
    frame = ax.bbox
    placed: list[Annotation] = []
    taken: list[Bbox] = []
    for mark in marks:
        if len(placed) >= most:
            break
        for offset, ha, va, leader in _placements(mark):
            label = ax.annotate(
                mark.text,
                (mark.x, mark.y),
                xytext=offset,
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=LABEL_FONTSIZE,
                color=INK,
                zorder=5,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
            )
            box = label.get_window_extent().padded(PAD)
            inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
            if inside and not any(box.overlaps(other) for other in (*taken, *obstacles)):
                placed.append(label)
                taken.append(box)
                if leader:
                    _leader(ax, mark, offset)
                break
            label.remove()
    return placed
