"""The time-series figures: where firms are, and the technology gap, quarter by quarter.

Both read the model's datacollector and span the whole horizon on the x-axis, so the axes
stay put while the run goes on; the x-axis is in quarters, labelled with calendar dates
(:func:`sim.dashboard.clock.date_axis`).
"""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from sim.dashboard.clock import date_axis
from sim.dashboard.style import ALONE_COLOUR, INK, REGIME_COLOURS, SECONDARY_INK
from sim.model import AllianceModel


def shares_figure(model: AllianceModel) -> Figure:
    """Open, closed and alone shares of the firms alive, quarter by quarter.

    Args:
        model: The model whose datacollector holds the quarters so far.

    Returns:
        A figure of three lines, in percent, over the whole horizon.
    """
    df = model.datacollector.get_model_vars_dataframe()
    fig = Figure(figsize=(5.2, 3.4))
    ax = fig.add_subplot()
    lines = (
        ("share_open", "In an open alliance", REGIME_COLOURS["open"], "-"),
        ("share_closed", "In a closed alliance", REGIME_COLOURS["closed"], "--"),
        ("share_alone", "Alone", ALONE_COLOUR, ":"),
    )
    for column, label, colour, style in lines:
        ax.plot(
            df["step"],
            100 * df[column],
            style,
            color=colour,
            label=label,
            marker="o",
            ms=2.5,
            lw=2,
            clip_on=False,  # quarter 0 sits on the axis: draw it whole
        )
    ax.set_ylim(0, 100)
    ax.yaxis.set_major_formatter(PercentFormatter(100))
    ax.set_ylabel("Share of firms alive")
    date_axis(ax, model)
    ax.set_title("Where firms are", fontsize=11, loc="left")
    ax.legend(fontsize=8, loc="upper right", framealpha=0.85)
    ax.grid(alpha=0.3)
    return fig


def gap_figure(model: AllianceModel) -> Figure:
    """The technology gap to the global frontier, in years, quarter by quarter.

    Args:
        model: The model whose datacollector holds the quarters so far.

    Returns:
        A figure of the gap over the whole horizon, with the gap at the start dashed.
    """
    df = model.datacollector.get_model_vars_dataframe()
    fig = Figure(figsize=(5.2, 3.4))
    ax = fig.add_subplot()
    ax.plot(
        df["step"],
        df["tech_gap_years"],
        "-",
        color=INK,
        marker="o",
        ms=2.5,
        lw=2,
        clip_on=False,
    )
    ax.axhline(
        df["tech_gap_years"].iloc[0], color=SECONDARY_INK, ls="--", lw=1, label="Gap at the start"
    )
    ax.set_ylabel("Years behind the global frontier")
    date_axis(ax, model)
    ax.set_title("Technology gap (lower is better)", fontsize=11, loc="left")
    ax.legend(fontsize=8, loc="best")
    ax.grid(alpha=0.3)
    return fig
