"""The alliance network (sim/dashboard/network.py): its graph, layout and drawing."""

from __future__ import annotations

import io
import itertools

import numpy as np
from matplotlib.figure import Figure

import sim
from sim.dashboard.model import DashboardModel
from sim.dashboard.network import NAMED, alliance_network, draw_network, network_layout
from sim.dashboard.style import DOMAIN_COLOURS
from sim.model import AllianceModel

SMALL = {"world": "synthetic", "quarters": 6}


def test_the_network_shows_the_largest_alliances_and_their_strongest_members():
    model = DashboardModel(scenario="national_strategy", **SMALL)
    model.run(6)
    graph = alliance_network(model, max_alliances=10, members_per_alliance=4)
    firms, alliances = model.firms, model.alliances
    hubs = [n for n, d in graph.nodes(data=True) if d["node_type"] == "alliance"]
    table = model.alliance_table()
    table = table[table["size"] > 0]
    assert len(hubs) == min(10, len(table)) == graph.graph["shown_alliances"]
    assert graph.graph["active_alliances"] == len(table)
    shown = sorted((graph.nodes[h]["size"] for h in hubs), reverse=True)
    assert shown == sorted(table["size"], reverse=True)[: len(hubs)]
    for hub in hubs:
        a = hub[1]
        members = [n for n in graph.neighbors(hub) if n[0] == "firm"]
        assert 1 <= len(members) <= 4
        assert all(firms.alliance[row] == a and firms.alive[row] for _, row in members)
        assert graph.nodes[hub]["regime"] == ("open", "closed")[alliances.regime[a]]
        if firms.alliance[alliances.leader[a]] == a:  # the leader is always shown
            assert ("firm", int(alliances.leader[a])) in members
    assert any(d["mandated"] for _, d in graph.nodes(data=True) if d["node_type"] == "alliance")
    alive = int(firms.alive.sum())
    assert graph.graph["in_alliances"] + graph.graph["alone"] == alive
    assert {d["domain"] for _, d in graph.nodes(data=True) if d["node_type"] == "firm"} <= set(
        DOMAIN_COLOURS
    )

    pos = network_layout(graph)
    assert set(pos) == set(graph.nodes)
    hub_xy = np.array([pos[h] for h in hubs])
    assert np.all(np.abs(hub_xy) <= 1.0 + 1e-9)
    moved = network_layout(graph, previous=pos)  # warm start keeps hubs near
    assert np.median([np.linalg.norm(moved[h] - pos[h]) for h in hubs]) < 0.5

    fig = Figure(figsize=(5.2, 4.3))
    named = draw_network(fig, graph, pos, "quarter 6 · 2025Q3")
    png = io.BytesIO()
    fig.savefig(png, format="png")
    assert png.getvalue().startswith(b"\x89PNG")
    assert "Alliance network, quarter 6 · 2025Q3" in [t.get_text() for t in fig.texts]
    # the names shown are the largest alliances', largest first, each with its size
    by_size = sorted(hubs, key=lambda h: -graph.nodes[h]["size"])
    labels = [f"{graph.nodes[h]['name']} ({graph.nodes[h]['size']})" for h in by_size]
    assert 1 <= len(named) <= NAMED
    assert named == [label for label in labels if label in named]
    assert named[0] == labels[0]  # the largest is always named
    (ax,) = fig.axes
    boxes = [t.get_window_extent() for t in ax.texts]
    assert [t.get_text() for t in ax.texts] == named
    assert not any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2))


def test_the_network_of_a_world_without_alliances_is_empty_but_drawable():
    model = AllianceModel(
        sim.compose(
            ["world=synthetic", "world.n_startups=30", "world.n_initial_alliances=0", "steps=1"]
        )
    )
    graph = alliance_network(model)
    assert graph.number_of_nodes() == 0 and graph.graph["alone"] == int(model.firms.alive.sum())
    assert network_layout(graph) == {}
    assert draw_network(Figure(), graph, {}, "quarter 0 · 2024Q1") == []
