"""The project's palette (sim/analysis/palette.py), and that the figures and dashboard use it."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from matplotlib.colors import is_color_like, to_hex

from sim.analysis import figures, palette
from sim.config.vocabulary import DOMAINS, REGIME_NAMES, REGIONS

ROOT = Path(__file__).resolve().parents[2]
HEX = re.compile(r"#[0-9A-Fa-f]{6}\b|#[0-9A-Fa-f]{3}\b")


def test_every_category_has_one_distinct_colour():
    assert list(palette.REGIME_COLOURS) == list(REGIME_NAMES)
    assert list(palette.MEMBERSHIP_COLOURS) == [*REGIME_NAMES, "alone"]
    assert list(palette.DOMAIN_COLOURS) == list(DOMAINS)
    assert list(palette.REGION_COLOURS) == list(REGIONS)
    for scheme in (
        palette.MEMBERSHIP_COLOURS,
        palette.DOMAIN_COLOURS,
        palette.REGION_COLOURS,
        dict(enumerate(palette.SCENARIO_PALETTE)),
    ):
        colours = [to_hex(c) for c in scheme.values()]
        assert len(set(colours)) == len(colours)
        assert all(is_color_like(c) for c in colours)


def test_scenario_styles_are_fixed_by_position_with_the_baseline_black():
    labels = [f"s{i}" for i in range(23)]
    styles = palette.scenario_styles(labels)
    assert list(styles) == labels
    assert styles["s0"] == ("#000000", "-", "o")
    assert styles == palette.scenario_styles(labels)  # the same every time
    assert palette.scenario_styles(labels[:3]) == {k: styles[k] for k in labels[:3]}
    first_ten = [styles[f"s{i}"][0] for i in range(10)]
    assert len(set(first_ten)) == 10  # ten labels, ten colours
    assert styles["s10"] == (first_ten[0], "--", styles["s10"][2])  # then the line style
    assert styles["s20"][1] == ":"
    assert len({(c, line) for c, line, _ in styles.values()}) == len(labels)
    assert palette.scenario_colours(labels) == {k: v[0] for k, v in styles.items()}
    assert figures.colours is palette.scenario_styles  # the report's styles are these


def test_the_report_draws_where_firms_are_and_domains_in_the_palette():
    outcomes = pd.DataFrame(
        {
            "label": ["baseline"] * 2,
            "step": [0, 1],
            "share_open": [0.2, 0.3],
            "share_closed": [0.1, 0.2],
            "share_alone": [0.7, 0.5],
        }
    )
    alliances = pd.DataFrame(
        {"label": ["baseline"] * 2, "size": [3, 5], "run": [0, 0], "replicate": [0, 0]}
    )
    fig = figures.alliance_landscape(outcomes, alliances, figures.colours(["baseline"]))
    stack = fig.axes[0].collections
    assert [to_hex(c.get_facecolor()[0]) for c in stack] == [
        to_hex(palette.MEMBERSHIP_COLOURS[k]) for k in ("open", "closed", "alone")
    ]

    snapshot = pd.DataFrame({"alive": [True] * 3, "alliance": [0, 0, 1], "domain": [0, 4, 6]})
    table = pd.DataFrame(
        {"alliance": [0, 1], "size": [2, 1], "regime": ["open", "closed"], "name": ["A", "B"]}
    )
    fig = figures.network_snapshot(snapshot, table, "test")
    ax = fig.axes[0]
    firms, *hubs = [c for c in ax.collections if len(c.get_offsets())]
    assert {to_hex(c) for c in firms.get_facecolors()} == {
        to_hex(palette.DOMAIN_COLOURS[DOMAINS[d]]) for d in (0, 4, 6)
    }
    assert [to_hex(h.get_facecolors()[0]) for h in hubs] == [
        to_hex(palette.REGIME_COLOURS[r]) for r in ("open", "closed")
    ]


def test_no_colour_is_written_out_in_the_figures_or_the_dashboard():
    # one palette: a hex colour anywhere else would be a second source of colours
    files = [ROOT / "sim/analysis/figures.py", ROOT / "sim/analysis/history.py"]
    files += sorted((ROOT / "sim/dashboard").glob("*.py"))
    found = {f.name: HEX.findall(f.read_text()) for f in files}
    assert {name: hits for name, hits in found.items() if hits} == {}
    assert HEX.findall((ROOT / "sim/analysis/palette.py").read_text())  # the check can fire
