"""The dashboard's look (sim/dashboard/style.py): the project's palette, shapes and labels."""

from __future__ import annotations

from matplotlib.colors import is_color_like

from sim.analysis import palette
from sim.config.vocabulary import DOMAINS, KIND_NAMES, REGIME_NAMES
from sim.dashboard import style


def test_every_domain_regime_and_kind_has_a_distinct_look():
    assert list(style.DOMAIN_COLOURS) == list(DOMAINS) == list(style.DOMAIN_LABELS)
    assert set(style.REGIME_COLOURS) == set(style.REGIME_MARKERS) == set(REGIME_NAMES)
    assert set(style.KIND_MARKERS) == set(KIND_NAMES)
    colours = [*style.DOMAIN_COLOURS.values()]
    assert len(set(colours)) == len(colours)
    regime = [*style.REGIME_COLOURS.values(), style.ALONE_COLOUR]
    assert len(set(regime)) == len(regime)
    assert all(is_color_like(c) for c in colours + regime)
    assert len(set(style.REGIME_MARKERS.values())) == len(style.REGIME_MARKERS)
    assert len(set(style.KIND_MARKERS.values())) == len(style.KIND_MARKERS)


def test_the_dashboards_colours_are_the_projects_palette():
    assert style.REGIME_COLOURS is palette.REGIME_COLOURS
    assert style.ALONE_COLOUR == palette.MEMBERSHIP_COLOURS["alone"]
    assert style.DOMAIN_COLOURS is palette.DOMAIN_COLOURS
