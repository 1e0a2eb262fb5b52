"""The alliancesim dashboard: a Mesa ``SolaraViz`` app to steer one run by hand.

Pick a world and a scenario, move the policy sliders, press Reset to build the model
with them, then Step or Play quarter by quarter and watch the alliance network, where
firms are (open alliance, closed alliance, alone) and the technology gap.

Start it with ``alliancesim-dashboard`` (see :func:`entry`) or ``solara run sim/dashboard.py``;
``page`` is what Solara serves. ``docs/dashboard.md`` explains every control and panel.

The policy sliders follow one rule: **0 means "as the scenario"**. A slider left at 0
leaves the scenario's own lever exactly as its file sets it (or absent, if the scenario
does not pull that lever). A value above 0 overrides that one field of the scenario's
lever, or adds the lever with its defaults and that field when the scenario has none
(see :func:`apply_levers`).
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import math
import os
import socket
import sys
import threading
import warnings
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import solara
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator, PercentFormatter

from sim.config.compose import CONFIG_DIR, compose
from sim.config.levers import (
    INFRASTRUCTURE_DOMAINS,
    AntitrustConfig,
    MegaAllianceConfig,
    ScenarioConfig,
    SubsidyConfig,
)
from sim.config.schema import ConfigError, RunConfig
from sim.config.vocabulary import DOMAINS
from sim.engine.aggregates import alliance_totals
from sim.engine.state import KIND_NAMES, NO_ALLIANCE, REGIME_NAMES
from sim.model import AllianceModel

with warnings.catch_warnings():
    # Mesa 3.3.1's own ComponentsView trips Solara's rules-of-hooks check when it is
    # defined (harmless; it is Mesa's code, not ours): keep it out of every start-up log.
    warnings.filterwarnings("ignore", message=r".*ComponentsView: `use_state` found")
    from mesa.visualization import SolaraViz
    from mesa.visualization.utils import update_counter

APP_PATH = Path(__file__).resolve()


def _choices(group: str, first: str) -> tuple[str, ...]:
    """The config files of ``configs/<group>``, ``first`` (the default) leading."""
    names = sorted(p.stem for p in (CONFIG_DIR / group).glob("*.yaml"))
    return tuple(sorted(names, key=lambda name: name != first))


WORLDS: tuple[str, ...] = _choices("world", "korea_2024")
SCENARIOS: tuple[str, ...] = _choices("scenario", "baseline")
AS_SCENARIO = "as scenario"
APPLICATION_DOMAINS: tuple[str, ...] = ("applications_services", "robotics")
FOCUS_DOMAINS: dict[str, tuple[str, ...] | None] = {
    AS_SCENARIO: None,
    "infrastructure": INFRASTRUCTURE_DOMAINS,
    "applications": APPLICATION_DOMAINS,
}
DEFAULT_QUARTERS = 40

# Colour-blind-safe palettes: Okabe-Ito for the regimes (also told apart by marker shape),
# Paul Tol's "muted" scheme for the seven domains.
REGIME_COLOURS: dict[str, str] = {"open": "#0072B2", "closed": "#D55E00"}
REGIME_MARKERS: dict[str, str] = {"open": "s", "closed": "D"}
ALONE_COLOUR = "#7F7F7F"
DOMAIN_COLOURS: dict[str, str] = dict(
    zip(
        DOMAINS,
        ("#332288", "#88CCEE", "#44AA99", "#117733", "#DDCC77", "#CC6677", "#AA4499"),
        strict=True,
    )
)
DOMAIN_LABELS: dict[str, str] = {
    "foundation_models": "Foundation models",
    "ai_chips": "AI chips",
    "cloud_infrastructure": "Cloud infrastructure",
    "data": "Data",
    "applications_services": "Applications and services",
    "telecom": "Telecom",
    "robotics": "Robotics",
}
KIND_MARKERS: dict[str, str] = {"startup": "o", "conglomerate": "^"}

_compose_lock = threading.Lock()  # Hydra's global state is not thread-safe


# --- the model ------------------------------------------------------------------------------
@functools.lru_cache(maxsize=32)
def _composed(world: str, scenario: str) -> RunConfig:
    """The config files' RunConfig for a world and scenario (cached; never mutated)."""
    with _compose_lock:
        return compose([f"world={world}", f"scenario={scenario}"])


def apply_levers(
    scenario: ScenarioConfig,
    *,
    mandate_strength: float = 0.0,
    clarity: float = 0.0,
    subsidy_budget: float = 0.0,
    subsidy_focus: str = AS_SCENARIO,
) -> ScenarioConfig:
    """Return ``scenario`` with the dashboard's lever settings applied.

    The rule: a slider at 0 leaves the scenario's lever as its file sets it (or absent);
    above 0 it overrides that field, adding the lever with its defaults when the scenario
    has none. Every new lever is built with ``dataclasses.replace``, so its range checks
    run and the original config is never changed.

    - ``mandate_strength`` > 0 sets ``mega_alliance.mandate_strength``; an added
      mega-alliance has the defaults of ``MegaAllianceConfig`` (founded at quarter 0, open,
      the top two domestic firms per domain, mission 0.3).
    - ``clarity`` > 0 sets ``antitrust.clarity``; added guidance has no share cap and no
      fines (only the clarity of safe harbours changes).
    - ``subsidy_budget`` > 0 sets ``subsidy.budget`` (USD m a quarter); an added subsidy is
      sustained, for all domestic firms of the target domains.
    - ``subsidy_focus`` other than ``"as scenario"`` sets the target domains of whatever
      subsidy the run has (the scenario's or the added one): ``"infrastructure"`` is
      foundation models, AI chips, cloud infrastructure and data; ``"applications"`` is
      applications and services, and robotics. Without any subsidy it changes nothing.

    Args:
        scenario: The scenario from its config file.
        mandate_strength: Pull of the national alliance on every firm's choice (>= 0).
        clarity: Antitrust clarity, 0 (legal uncertainty) to 1 (clear safe harbours).
        subsidy_budget: USD m a quarter shared by the eligible firms (>= 0).
        subsidy_focus: ``"as scenario"``, ``"infrastructure"`` or ``"applications"``.

    Returns:
        A new ScenarioConfig (``scenario`` itself when nothing changes).

    Raises:
        ValueError: ``subsidy_focus`` is not one of the choices.
        sim.config.schema.ConfigError: A negative setting, or a value out of the lever's range.
    """
    if subsidy_focus not in FOCUS_DOMAINS:
        raise ValueError(
            f"subsidy_focus={subsidy_focus!r} is unknown; allowed: {', '.join(FOCUS_DOMAINS)}"
        )
    for name, value in (
        ("mandate_strength", mandate_strength),
        ("clarity", clarity),
        ("subsidy_budget", subsidy_budget),
    ):
        if value < 0:
            raise ConfigError(
                f"{name}={value!r} is out of range; allowed: >= 0 (0 = as the scenario)"
            )
    changes: dict[str, Any] = {}
    if mandate_strength > 0:
        mega = scenario.mega_alliance or MegaAllianceConfig()
        changes["mega_alliance"] = dataclasses.replace(mega, mandate_strength=mandate_strength)
    if clarity > 0:
        antitrust = scenario.antitrust or AntitrustConfig(share_cap=1.0, fine_rate=0.0)
        changes["antitrust"] = dataclasses.replace(antitrust, clarity=clarity)
    subsidy = scenario.subsidy
    if subsidy_budget > 0:
        subsidy = dataclasses.replace(subsidy or SubsidyConfig(), budget=subsidy_budget)
    domains = FOCUS_DOMAINS[subsidy_focus]
    if subsidy is not None and domains is not None:
        subsidy = dataclasses.replace(subsidy, target_domains=list(domains))
    if subsidy is not scenario.subsidy:
        changes["subsidy"] = subsidy
    return dataclasses.replace(scenario, **changes) if changes else scenario


def dashboard_config(
    world: str = "korea_2024",
    scenario: str = "baseline",
    *,
    mandate_strength: float = 0.0,
    clarity: float = 0.0,
    subsidy_budget: float = 0.0,
    subsidy_focus: str = AS_SCENARIO,
    seed: int = 0,
    quarters: int = DEFAULT_QUARTERS,
) -> RunConfig:
    """Compose the run config of the dashboard's settings.

    Args:
        world: A world file of ``configs/world`` (``korea_2024`` or ``synthetic``).
        scenario: A scenario file of ``configs/scenario``.
        mandate_strength: See :func:`apply_levers`.
        clarity: See :func:`apply_levers`.
        subsidy_budget: See :func:`apply_levers`.
        subsidy_focus: See :func:`apply_levers`.
        seed: Root seed of the run.
        quarters: Quarters to simulate before the model stops.

    Returns:
        The typed, range-checked RunConfig.
    """
    base = _composed(world, scenario)
    levers = apply_levers(
        base.scenario,
        mandate_strength=mandate_strength,
        clarity=clarity,
        subsidy_budget=subsidy_budget,
        subsidy_focus=subsidy_focus,
    )
    return dataclasses.replace(base, scenario=levers, seed=seed, steps=quarters)


class DashboardModel(AllianceModel):
    """An ``AllianceModel`` built from the dashboard's controls (keyword arguments only).

    SolaraViz creates the model class with the control values as keyword arguments; this
    class turns them into a RunConfig (:func:`dashboard_config`). The model stops
    (``running`` False) after ``quarters`` quarters.

    Args:
        world: A world file of ``configs/world``.
        scenario: A scenario file of ``configs/scenario``.
        mandate_strength: 0 keeps the scenario's mandate; above 0 sets (or adds) it.
        clarity: 0 keeps the scenario's antitrust clarity; above 0 sets (or adds) it.
        subsidy_budget: 0 keeps the scenario's subsidy; above 0 sets (or adds) its budget,
            USD m a quarter.
        subsidy_focus: ``"as scenario"``, ``"infrastructure"`` or ``"applications"``.
        seed: Root seed of the run.
        quarters: Quarters to simulate.
    """

    def __init__(
        self,
        world: str = "korea_2024",
        scenario: str = "baseline",
        mandate_strength: float = 0.0,
        clarity: float = 0.0,
        subsidy_budget: float = 0.0,
        subsidy_focus: str = AS_SCENARIO,
        seed: int = 0,
        quarters: int = DEFAULT_QUARTERS,
    ) -> None:
        self.settings: dict[str, Any] = {
            "world": world,
            "scenario": scenario,
            # sliders send floats such as 0.30000000000000004: keep what the user chose
            "mandate_strength": round(float(mandate_strength), 6),
            "clarity": round(float(clarity), 6),
            "subsidy_budget": round(float(subsidy_budget), 6),
            "subsidy_focus": subsidy_focus,
            "seed": int(seed),
            "quarters": int(quarters),
        }
        cfg = dashboard_config(**self.settings)
        super().__init__(cfg, seed=cfg.seed)
        self.network_layout: dict[Any, np.ndarray] = {}  # last drawn positions (warm start)

    def step(self) -> None:
        """Advance one quarter; stop running at the chosen number of quarters."""
        super().step()
        self.running = self.steps < self.cfg.steps


# --- the alliance network -------------------------------------------------------------------
def alliance_network(
    model: AllianceModel, max_alliances: int = 30, members_per_alliance: int = 6
) -> nx.Graph:
    """The alliances now, as hubs with their strongest members around them.

    Drawing all ~1,300-1,900 firms would be unreadable, so each of the ``max_alliances``
    largest active alliances is one hub node (``("alliance", id)``) linked to its leader
    and its most capable members, up to ``members_per_alliance`` firm nodes
    (``("firm", row)``). Federation links join an alliance to its parent. Firms alone are
    not nodes; their count is in ``graph.graph``.

    Args:
        model: The model to read (its ``firms`` and ``alliances`` arrays).
        max_alliances: Most alliances shown, largest first.
        members_per_alliance: Most member firms shown per alliance.

    Returns:
        A networkx Graph. Hub attributes: ``node_type="alliance"``, ``regime``, ``size``
        (alive members), ``name``, ``mandated``. Firm attributes: ``node_type="firm"``,
        ``domain``, ``firm_kind``, ``capability``, ``leader``. Edges carry ``relation``
        (``"member"`` or ``"federation"``). ``graph.graph`` holds ``active_alliances``,
        ``shown_alliances``, ``members_per_alliance``, ``in_alliances`` and ``alone``
        (alive firms).
    """
    firms, alliances = model.firms, model.alliances
    graph = nx.Graph()
    alive = firms.alive
    inside = alive & (firms.alliance != NO_ALLIANCE)
    graph.graph["in_alliances"] = int(inside.sum())
    graph.graph["alone"] = int((alive & ~inside).sum())
    active = np.flatnonzero(alliances.active) if alliances.m else np.zeros(0, dtype=np.int64)
    size = alliance_totals(firms, alliances).size if alliances.m else np.zeros(1)
    active = active[size[active] > 0]
    order = active[np.argsort(-size[active], kind="stable")][:max_alliances]
    graph.graph["active_alliances"] = int(active.size)
    graph.graph["shown_alliances"] = int(order.size)
    graph.graph["members_per_alliance"] = members_per_alliance
    members_of = {int(a): np.flatnonzero(inside & (firms.alliance == a)) for a in order}
    for a in order.tolist():
        graph.add_node(
            ("alliance", a),
            node_type="alliance",
            regime=REGIME_NAMES[int(alliances.regime[a])],
            size=int(size[a]),
            name=alliances.names[a],
            mandated=bool(alliances.mandated[a]),
        )
        rows = members_of[a]
        leader = int(alliances.leader[a])
        ranked = rows[np.argsort(-firms.capability[rows], kind="stable")]
        chosen = [leader] if leader in rows else []
        chosen += [int(r) for r in ranked if int(r) != leader][: members_per_alliance - len(chosen)]
        for row in chosen:
            graph.add_node(
                ("firm", row),
                node_type="firm",
                domain=DOMAINS[int(firms.domain[row])],
                firm_kind=KIND_NAMES[int(firms.kind[row])],
                capability=float(firms.capability[row]),
                leader=row == leader,
            )
            graph.add_edge(("alliance", a), ("firm", row), relation="member")
    for a in order.tolist():
        parent = int(alliances.parent[a])
        if parent != NO_ALLIANCE and ("alliance", parent) in graph:
            graph.add_edge(("alliance", a), ("alliance", parent), relation="federation")
    return graph


def network_layout(
    graph: nx.Graph, previous: dict[Any, np.ndarray] | None = None
) -> dict[Any, np.ndarray]:
    """Positions for the network, starting from the last ones so the picture stays calm.

    The alliance hubs are placed by a force layout (federation links pull hubs together);
    each hub's member firms sit on a ring around it, outside the hub's marker, so no firm
    hides under its hub. Hubs still present start from their ``previous`` positions.

    Args:
        graph: From :func:`alliance_network`.
        previous: Positions of the last drawing; hubs still present start there.

    Returns:
        Node -> (x, y), hubs within [-1, 1].
    """
    hubs = [n for n, d in graph.nodes(data=True) if d["node_type"] == "alliance"]
    if not hubs:
        return {}
    start = {n: p for n, p in (previous or {}).items() if n in hubs}
    hub_graph = nx.Graph(graph.subgraph(hubs))
    nx.set_edge_attributes(hub_graph, 0.15, "weight")  # federated hubs near, not on top
    pos = nx.spring_layout(
        hub_graph,
        pos=start or None,
        k=2.0 / math.sqrt(len(hubs)),
        iterations=25 if start else 60,
        seed=7,
    )
    for hub in hubs:
        members = [n for n in graph.neighbors(hub) if graph.nodes[n]["node_type"] == "firm"]
        radius = 0.06 + 0.0045 * math.sqrt(hub_size(graph.nodes[hub]["size"]))
        for i, firm in enumerate(members):
            angle = 2 * math.pi * i / len(members) + math.pi / 2
            pos[firm] = pos[hub] + radius * np.array([math.cos(angle), math.sin(angle)])
    return pos


def hub_size(members: int) -> float:
    """Marker area (points^2) of an alliance hub with ``members`` alive members."""
    return 60.0 + 28.0 * math.sqrt(members)


def draw_network(fig: Figure, graph: nx.Graph, pos: dict[Any, np.ndarray], quarter: int) -> None:
    """Draw :func:`alliance_network`'s graph on ``fig``, with a legend in plain words.

    Alliances are hubs: squares when open, diamonds when closed (Okabe-Ito blue and
    vermillion), area growing with members, a thick black edge when state-mandated.
    Member firms are small circles (startups) or triangles (conglomerates) coloured by
    domain (Paul Tol's muted palette). Dashed dark links join federated alliances.

    Args:
        fig: An empty figure.
        graph: From :func:`alliance_network`.
        pos: From :func:`network_layout`.
        quarter: The quarter shown, for the title.
    """
    ax = fig.add_axes((0.0, 0.27, 1.0, 0.63))
    ax.set_axis_off()
    info = graph.graph
    fig.text(0.0, 0.985, f"Alliance network, quarter {quarter}", fontsize=11, va="top")
    fig.text(
        0.0,
        0.925,
        f"{info['in_alliances']} firms in alliances, {info['alone']} alone (not drawn). "
        f"Largest {info['shown_alliances']} of {info['active_alliances']} alliances,\n"
        f"each with up to {info['members_per_alliance']} of its strongest members; "
        "the five largest are named (members).",
        fontsize=7.5,
        va="top",
        color="#333333",
    )
    hubs = [n for n, d in graph.nodes(data=True) if d["node_type"] == "alliance"]
    if not hubs:
        ax.text(0.5, 0.5, "No alliances yet", ha="center", va="center", fontsize=12)
    member_edges = [(u, v) for u, v, r in graph.edges(data="relation") if r == "member"]
    federation = [(u, v) for u, v, r in graph.edges(data="relation") if r == "federation"]
    nx.draw_networkx_edges(graph, pos, edgelist=member_edges, ax=ax, width=0.5, alpha=0.4)
    nx.draw_networkx_edges(
        graph, pos, edgelist=federation, ax=ax, width=1.6, style="dashed", edge_color="#333333"
    )
    for kind, marker in KIND_MARKERS.items():
        nodes = [
            n
            for n, d in graph.nodes(data=True)
            if d["node_type"] == "firm" and d["firm_kind"] == kind
        ]
        nx.draw_networkx_nodes(
            graph,
            pos,
            nodelist=nodes,
            ax=ax,
            node_shape=marker,
            node_size=18 if kind == "startup" else 38,
            node_color=[DOMAIN_COLOURS[graph.nodes[n]["domain"]] for n in nodes],
            edgecolors="#222222",
            linewidths=0.3,
        )
    for regime, marker in REGIME_MARKERS.items():
        nodes = [n for n in hubs if graph.nodes[n]["regime"] == regime]
        nx.draw_networkx_nodes(
            graph,
            pos,
            nodelist=nodes,
            ax=ax,
            node_shape=marker,
            node_size=[hub_size(graph.nodes[n]["size"]) for n in nodes],
            node_color=REGIME_COLOURS[regime],
            edgecolors=["black" if graph.nodes[n]["mandated"] else "white" for n in nodes],
            linewidths=[2.0 if graph.nodes[n]["mandated"] else 0.8 for n in nodes],
        )
    for n in sorted(hubs, key=lambda n: -graph.nodes[n]["size"])[:5]:
        d = graph.nodes[n]
        ax.annotate(
            f"{d['name']} ({d['size']})",
            pos[n],
            xytext=(0, -4 - math.sqrt(hub_size(d["size"])) / 2 - 8),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=6.5,
            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.75},
        )
    ax.margins(0.1)
    handles = [
        Line2D(
            [],
            [],
            ls="",
            marker=REGIME_MARKERS[r],
            ms=8,
            color=REGIME_COLOURS[r],
            label=f"{r.capitalize()} alliance",
        )
        for r in REGIME_NAMES
    ]
    handles.append(
        Line2D([], [], ls="", marker="s", ms=8, mfc="white", mec="black", mew=2, label="Mandated")
    )
    handles += [
        Line2D([], [], ls="", marker=m, ms=5, color="#BBBBBB", mec="#222222", label=k.capitalize())
        for k, m in KIND_MARKERS.items()
    ]
    handles += [
        Line2D([], [], ls="", marker="o", ms=6, color=DOMAIN_COLOURS[d], label=DOMAIN_LABELS[d])
        for d in DOMAINS
    ]
    fig.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.0, 0.0),
        ncol=3,
        fontsize=7,
        frameon=False,
        columnspacing=1.0,
        handletextpad=0.3,
        title="Alliances (hubs) and member firms (colour = domain)",
        title_fontsize=7.5,
        alignment="left",
    )


# --- the panels -----------------------------------------------------------------------------
@solara.component
def AllianceNetwork(model: AllianceModel) -> None:
    """Panel: the alliance network now (redrawn only when the model or quarter changes)."""
    update_counter.get()

    def render() -> Figure:
        graph = alliance_network(model)
        previous = getattr(model, "network_layout", None)
        pos = network_layout(graph, previous)
        if previous is not None:
            model.network_layout = pos
        fig = Figure(figsize=(5.2, 4.3))
        draw_network(fig, graph, pos, model.steps)
        return fig

    fig = solara.use_memo(render, dependencies=[model, model.steps])
    with solara.Column(classes=["alliancesim-network"]):
        solara.FigureMatplotlib(
            fig, format="png", dpi=90, bbox_inches="tight", dependencies=[model, model.steps]
        )


def shares_figure(model: AllianceModel) -> Figure:
    """Open, closed and alone shares of the firms alive, quarter by quarter."""
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
    ax.set_xlabel("Quarter (4 quarters = 1 year)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(0, max(model.cfg.steps, model.steps))
    ax.set_title("Where firms are", fontsize=11, loc="left")
    ax.legend(fontsize=8, loc="upper right", framealpha=0.85)
    ax.grid(alpha=0.3)
    return fig


def gap_figure(model: AllianceModel) -> Figure:
    """The technology gap to the global frontier, in years, quarter by quarter."""
    df = model.datacollector.get_model_vars_dataframe()
    fig = Figure(figsize=(5.2, 3.4))
    ax = fig.add_subplot()
    ax.plot(
        df["step"],
        df["tech_gap_years"],
        "-",
        color="black",
        marker="o",
        ms=2.5,
        lw=2,
        clip_on=False,
    )
    ax.axhline(
        df["tech_gap_years"].iloc[0], color=ALONE_COLOUR, ls="--", lw=1, label="Gap at the start"
    )
    ax.set_xlim(0, max(model.cfg.steps, model.steps))
    ax.set_ylabel("Years behind the global frontier")
    ax.set_xlabel("Quarter (4 quarters = 1 year)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title("Technology gap (lower is better)", fontsize=11, loc="left")
    ax.legend(fontsize=8, loc="best")
    ax.grid(alpha=0.3)
    return fig


@solara.component
def MembershipShares(model: AllianceModel) -> None:
    """Panel: open / closed / alone shares over time."""
    update_counter.get()
    fig = solara.use_memo(lambda: shares_figure(model), dependencies=[model, model.steps])
    with solara.Column(classes=["alliancesim-shares"]):
        solara.FigureMatplotlib(
            fig, format="png", dpi=90, bbox_inches="tight", dependencies=[model, model.steps]
        )


@solara.component
def TechnologyGap(model: AllianceModel) -> None:
    """Panel: the technology gap over time."""
    update_counter.get()
    fig = solara.use_memo(lambda: gap_figure(model), dependencies=[model, model.steps])
    with solara.Column(classes=["alliancesim-gap"]):
        solara.FigureMatplotlib(
            fig, format="png", dpi=90, bbox_inches="tight", dependencies=[model, model.steps]
        )


def lever_lines(model: AllianceModel) -> list[str]:
    """Plain-word lines describing the levers the running model actually uses."""
    s = model.cfg.scenario
    baseline = model.cfg.model.choice.baseline_clarity
    lines = []
    if s.mega_alliance is None:
        lines.append("National alliance: none (mandate strength: off)")
    else:
        m = s.mega_alliance
        lines.append(
            f"National alliance: {m.regime}, from quarter {m.start}, "
            f"mandate strength: {m.mandate_strength:.2f}"
        )
    if s.antitrust is None:
        lines.append(f"Antitrust clarity: {baseline:.2f} (status quo, no guidance)")
    else:
        a = s.antitrust
        cap = "no share cap" if a.share_cap >= 1 else f"share cap {a.share_cap:.0%}"
        lines.append(f"Antitrust clarity: {a.clarity:.2f} ({cap}, fines {a.fine_rate:.0%})")
    if s.subsidy is None:
        lines.append("Subsidy: none")
    else:
        sub = s.subsidy
        domains = ", ".join(DOMAIN_LABELS[d].lower() for d in sub.target_domains)
        lines.append(
            f"Subsidy: USD {sub.budget:,.0f} m a quarter, {sub.schedule}, "
            f"{sub.eligibility} firms of: {domains}"
        )
    others = [
        name.replace("_", " ")
        for name in ("public_compute", "open_data", "tournament")
        if getattr(s, name) is not None
    ]
    lines.append(f"Other levers of the scenario: {', '.join(others) or 'none'}")
    return lines


def summary_html(model: AllianceModel) -> str:
    """The run summary panel as HTML: the run, the levers in force and the outcomes now."""
    o = model.outcomes
    settings = getattr(model, "settings", {})
    seed = settings.get("seed", model.cfg.seed)
    status = "" if model.running else " · finished: press Reset to start again"
    levers = "".join(f"<li>{escape(line)}</li>" for line in lever_lines(model))
    now = [
        f"Technology gap: {o['tech_gap_years']:.2f} years (start {model.initial_gap:.2f})",
        f"Firms in open alliances {o['share_open']:.0%}, closed {o['share_closed']:.0%}, "
        f"alone {o['share_alone']:.0%}",
        f"Active alliances: {int(o['n_alliances'])}, largest: "
        f"{int(o['largest_alliance_size'])} firms",
        f"Government spend so far: USD {model.cumulative_spend:,.0f} m",
    ]
    outcomes = "".join(f"<li>{escape(line)}</li>" for line in now)
    p, ul = '<p style="margin: 0 0 4px">', '<ul style="margin: 0 0 6px">'
    return (
        f"{p}<b>World</b> {escape(model.cfg.world.name)} · <b>scenario</b> "
        f"{escape(model.cfg.scenario.name)} · <b>seed</b> {seed}</p>"
        f'{p}<b class="alliancesim-quarter">Quarter {model.steps} of {model.cfg.steps}</b> '
        f"(year {model.steps / 4:.2f}){status}</p>"
        f"{p}<b>Levers in this run</b></p>{ul}{levers}</ul>"
        f"{p}<b>Now</b></p>{ul}{outcomes}</ul>"
        f'{p}<span style="color: #555">Policy sliders at 0 keep the scenario\'s own levers. '
        "Changed controls take effect when you press Reset.</span></p>"
    )


@solara.component
def RunSummary(model: AllianceModel) -> None:
    """Panel: what this run is (world, scenario, levers in force) and where it stands."""
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
        solara.HTML(tag="div", unsafe_innerHTML=summary_html(model))


# --- the app --------------------------------------------------------------------------------
model_params: dict[str, Any] = {
    "world": {"type": "Select", "value": "korea_2024", "values": list(WORLDS), "label": "World"},
    "scenario": {
        "type": "Select",
        "value": "baseline",
        "values": list(SCENARIOS),
        "label": "Scenario",
    },
    "mandate_strength": {
        "type": "SliderFloat",
        "value": 0.0,
        "min": 0.0,
        "max": 3.0,
        "step": 0.1,
        "label": "Mandate strength",
    },
    "clarity": {
        "type": "SliderFloat",
        "value": 0.0,
        "min": 0.0,
        "max": 1.0,
        "step": 0.05,
        "label": "Antitrust clarity",
    },
    "subsidy_budget": {
        "type": "SliderFloat",
        "value": 0.0,
        "min": 0.0,
        "max": 1000.0,
        "step": 25.0,
        "label": "Subsidy (USD m/quarter)",
    },
    "subsidy_focus": {
        "type": "Select",
        "value": AS_SCENARIO,
        "values": list(FOCUS_DOMAINS),
        "label": "Subsidy focus",
    },
    "seed": {"type": "SliderInt", "value": 0, "min": 0, "max": 99, "step": 1, "label": "Seed"},
    "quarters": {
        "type": "SliderInt",
        "value": DEFAULT_QUARTERS,
        "min": 4,
        "max": 80,
        "step": 4,
        "label": "Quarters to simulate",
    },
}

model = DashboardModel()
page = SolaraViz(
    model,
    components=[AllianceNetwork, MembershipShares, TechnologyGap, RunSummary],
    model_params=model_params,
    play_interval=300,
    name="AI alliances and policy (alliancesim)",
)


# --- the console script ---------------------------------------------------------------------
def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` now."""
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def solara_command(host: str, port: int, open_browser: bool = False) -> list[str]:
    """The ``solara run`` command line that serves this app.

    Args:
        host: Interface to listen on.
        port: TCP port.
        open_browser: Open the user's web browser once the server is up.

    Returns:
        The argv list (the current Python runs solara's CLI).
    """
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        str(APP_PATH),
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-check-version",  # no call to PyPI on start
        "--open" if open_browser else "--no-open",
    ]


def entry(argv: Sequence[str] | None = None) -> None:
    """Console script ``alliancesim-dashboard``: serve the dashboard and print its URL.

    Replaces this process with ``solara run sim/dashboard.py`` (so stopping this process stops
    the server). Solara's usage telemetry is off unless ``SOLARA_TELEMETRY_MIXPANEL_ENABLE``
    says otherwise.

    Args:
        argv: Command-line arguments (``sys.argv[1:]`` by default).
    """
    parser = argparse.ArgumentParser(
        prog="alliancesim-dashboard",
        description="Serve the alliancesim dashboard (Mesa SolaraViz) in the browser.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 = free)")
    parser.add_argument("--open", action="store_true", help="open a web browser on it")
    args = parser.parse_args(argv)
    port = args.port or free_port(args.host)
    command = solara_command(args.host, port, args.open)
    env = {"SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", **os.environ}
    print(f"alliancesim dashboard: http://{args.host}:{port}/  (Ctrl-C stops it)", flush=True)
    os.execve(sys.executable, command, env)
