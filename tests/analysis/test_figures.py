"""sim.analysis.figures: names placed beside points never overlap."""

import matplotlib.pyplot as plt

from sim.analysis import figures


def test_names_of_points_at_one_place_are_stacked_not_overlaid():
    """The trade-off figure's case: three scenarios at USD 10 bn, three near USD 0."""
    points = [
        (10.0, 0.01, "subsidy_infrastructure"),
        (10.0, 0.008, "subsidy_applications"),
        (10.0, 0.005, "subsidy_fad_equal_spend"),
        (0.0, 0.0, "baseline"),
        (0.0, -0.01, "antitrust_guidance"),
        (0.43, 0.0, "sovereign_tournament"),
        (4.0, 0.93, "national_strategy"),
    ]
    fig, ax = plt.subplots(figsize=(9, 6.5))
    ax.plot([p[0] for p in points], [p[1] for p in points], "o")
    figures.direct_labels(ax, points)
    fig.canvas.draw()
    boxes = [t.get_window_extent() for t in ax.texts]
    assert len(boxes) == len(points)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b), (a, b)
    frame = ax.get_window_extent()
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 for b in boxes)  # none runs past the frame
    plt.close(fig)
