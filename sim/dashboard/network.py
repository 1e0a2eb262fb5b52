"""The alliance network panel's picture: which alliances and firms, where, and how drawn.

:func:`alliance_network` reads the model into a small graph (the largest alliances as
hubs, each with its strongest members), :func:`network_layout` places it, warm-starting
from the last positions, and :func:`draw_network` draws it with a legend in plain words.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.config.vocabulary import DOMAINS, KIND_NAMES, REGIME_NAMES
from sim.dashboard.labels import Mark, place_labels, short_name
from sim.dashboard.style import (
    DOMAIN_COLOURS,
    DOMAIN_LABELS,
    FAINT,
    INK,
    KIND_MARKERS,
    REGIME_COLOURS,
    REGIME_MARKERS,
    SECONDARY_INK,
)
from sim.engine.aggregates import alliance_totals
from sim.engine.state import NO_ALLIANCE
from sim.model import AllianceModel


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
    """Marker area (points^2) of an alliance hub.

    Args:
        members: The alliance's alive members.

    Returns:
        The area, growing with the square root of ``members``.
    """
    return 60.0 + 28.0 * math.sqrt(members)


NAMED = 6  # most alliances named on the picture, largest first


def draw_network(fig: Figure, graph: nx.Graph, pos: dict[Any, np.ndarray], when: str) -> list[str]:
    """Draw :func:`alliance_network`'s graph on ``fig``, with a legend in plain words.

    Alliances are hubs: squares when open, diamonds when closed (Okabe-Ito blue and
    vermillion), area growing with members, a thick black edge when state-mandated.
    Member firms are small circles (startups) or triangles (conglomerates) coloured by
    domain (Paul Tol's muted palette). Dashed dark links join federated alliances. The
    largest alliances (up to :data:`NAMED`) are named with their member counts, largest
    first, beside the hub or, where no place there is clear, further out with a leader line,
    never covering another name or hub (:func:`~sim.dashboard.labels.place_labels`).

    Args:
        fig: An empty figure.
        graph: From :func:`alliance_network`.
        pos: From :func:`network_layout`.
        when: The quarter shown, for the title (e.g. ``"quarter 3 · 2024Q4"``).

    Returns:
        The labels placed, largest alliance first (``"K-AI Alliance (312)"``).
    """
    ax = fig.add_axes((0.0, 0.27, 1.0, 0.63))
    ax.set_axis_off()
    info = graph.graph
    fig.text(0.0, 0.985, f"Alliance network, {when}", fontsize=11, va="top")
    hubs = [n for n, d in graph.nodes(data=True) if d["node_type"] == "alliance"]
    if not hubs:
        ax.text(0.5, 0.5, "No alliances yet", ha="center", va="center", fontsize=12)
    member_edges = [(u, v) for u, v, r in graph.edges(data="relation") if r == "member"]
    federation = [(u, v) for u, v, r in graph.edges(data="relation") if r == "federation"]
    nx.draw_networkx_edges(graph, pos, edgelist=member_edges, ax=ax, width=0.5, alpha=0.4)
    nx.draw_networkx_edges(
        graph, pos, edgelist=federation, ax=ax, width=1.6, style="dashed", edge_color=INK
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
            edgecolors=INK,
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
    ax.margins(0.1)
    ax.autoscale_view()
    ax.set_xlim(ax.get_xlim())  # fix the limits: the labels are measured in display space
    ax.set_ylim(ax.get_ylim())
    largest = sorted(hubs, key=lambda n: -graph.nodes[n]["size"])
    marks = [
        Mark(
            float(pos[n][0]),
            float(pos[n][1]),
            hub_size(graph.nodes[n]["size"]),
            f"{short_name(graph.nodes[n]['name'])} ({graph.nodes[n]['size']})",
        )
        for n in largest
    ]
    named = place_labels(ax, marks, NAMED)
    fig.text(
        0.0,
        0.925,
        f"{info['in_alliances']} firms in alliances, {info['alone']} alone (not drawn). "
        f"Largest {info['shown_alliances']} of {info['active_alliances']} alliances with "
        "a member,\n"
        f"each with up to {info['members_per_alliance']} of its strongest members; "
        f"{len(named)} of the largest named (members).",
        fontsize=7.5,
        va="top",
        color=SECONDARY_INK,
    )
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
        Line2D([], [], ls="", marker=m, ms=5, color=FAINT, mec=INK, label=k.capitalize())
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
    return [label.get_text() for label in named]
