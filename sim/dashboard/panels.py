"""The dashboard's four panels, as Solara components of the running model.

Each panel re-renders when the page steps or resets the model (``update_counter``), and
redraws its figure only when the model or its quarter changes (``solara.use_memo``).
"""

from __future__ import annotations

import warnings

import solara
from matplotlib.figure import Figure

from sim.dashboard.clock import date_of
from sim.dashboard.network import alliance_network, draw_network, network_layout
from sim.dashboard.plots import gap_figure, shares_figure
from sim.dashboard.style import SECONDARY_INK
from sim.dashboard.summary import summary_html
from sim.model import AllianceModel

with warnings.catch_warnings():
    # Mesa 3.3.1's own ComponentsView trips Solara's rules-of-hooks check when it is
    # defined (harmless; it is Mesa's code, not ours): keep it out of every start-up log.
    warnings.filterwarnings("ignore", message=r".*ComponentsView: `use_state` found")
    from mesa.visualization.utils import update_counter


@solara.component
def AllianceNetwork(model: AllianceModel) -> None:
    """Panel: the alliance network now (redrawn only when the model or quarter changes).

    Under the picture, the names it shows (the largest alliances whose names fit), as text.

    Args:
        model: The model the page is running.
    """
    update_counter.get()

    def render() -> tuple[Figure, list[str]]:
        graph = alliance_network(model)
        previous = getattr(model, "network_layout", None)
        pos = network_layout(graph, previous)
        if previous is not None:
            model.network_layout = pos
        fig = Figure(figsize=(5.2, 4.3))
        named = draw_network(fig, graph, pos, f"quarter {model.steps} · {date_of(model)}")
        return fig, named

    fig, named = solara.use_memo(render, dependencies=[model, model.steps])
    with solara.Column(classes=["alliancesim-network"]):
        solara.FigureMatplotlib(
            fig, format="png", dpi=90, bbox_inches="tight", dependencies=[model, model.steps]
        )
        solara.Text(
            "Named: " + ("; ".join(named) or "none"),
            classes=["alliancesim-network-names"],
            style={"font-size": "12px", "color": SECONDARY_INK},
        )


@solara.component
def MembershipShares(model: AllianceModel) -> None:
    """Panel: open / closed / alone shares over time.

    Args:
        model: The model the page is running.
    """
    update_counter.get()
    fig = solara.use_memo(lambda: shares_figure(model), dependencies=[model, model.steps])
    with solara.Column(classes=["alliancesim-shares"]):
        solara.FigureMatplotlib(
            fig, format="png", dpi=90, bbox_inches="tight", dependencies=[model, model.steps]
        )


@solara.component
def TechnologyGap(model: AllianceModel) -> None:
    """Panel: the technology gap over time.

    Args:
        model: The model the page is running.
    """
    update_counter.get()
    fig = solara.use_memo(lambda: gap_figure(model), dependencies=[model, model.steps])
    with solara.Column(classes=["alliancesim-gap"]):
        solara.FigureMatplotlib(
            fig, format="png", dpi=90, bbox_inches="tight", dependencies=[model, model.steps]
        )


# the panel's title, as the other three panels' figures have theirs
RUN_SUMMARY_TITLE = '<p style="margin: 0 0 6px; font-size: 15px">Run summary</p>'


@solara.component
def RunSummary(model: AllianceModel) -> None:
    """Panel: what this run is (world, scenario, levers in force) and where it stands.

    Args:
        model: The model the page is running.
    """
    update_counter.get()
    with solara.Column(
        classes=["alliancesim-summary"],
        style={
            "padding": "4px 8px",
            "font-size": "13px",
            "line-height": "1.35",
            "overflow-y": "auto",
        },
    ):
        solara.HTML(tag="div", unsafe_innerHTML=RUN_SUMMARY_TITLE + summary_html(model))
