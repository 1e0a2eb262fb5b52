"""The project's colours: one palette for the dashboard, the report's figures and the notebooks.

Every figure that shows where firms are, a technology domain, a home region or a scenario
takes its colour from here, so a reader sees the same colour for the same thing everywhere.
All schemes are colour-blind safe:

- **Where firms are** (:data:`MEMBERSHIP_COLOURS`): in an open alliance (Okabe-Ito blue), in a
  closed one (Okabe-Ito vermillion), alone (grey). :data:`REGIME_COLOURS` is the first two.
- **Technology domains** (:data:`DOMAIN_COLOURS`): Paul Tol's "muted" scheme.
- **Home regions** (:data:`REGION_COLOURS`): Paul Tol's "bright" scheme.
- **Scenarios** (:func:`scenario_styles`, :func:`scenario_colours`): by position, black for
  the first label (put the baseline first), then Paul Tol's "muted" scheme; beyond ten
  labels the line style changes.
- **Better or worse than the baseline** (:data:`BETTER`, :data:`WORSE`): Paul Tol's
  "vibrant" teal and red; never green for a worse outcome.
- **A model's band against reported points** (:data:`MODEL_BAND`, :data:`MODEL_LINE`) and
  neutral inks for outlines, captions and links (:data:`INK`, :data:`SECONDARY_INK`,
  :data:`FAINT`).

This module imports nothing but the vocabulary, so the dashboard, the report and a notebook
(``from sim.analysis.palette import MEMBERSHIP_COLOURS``) can use it without side effects.
"""

from __future__ import annotations

from collections.abc import Sequence

from sim.config.vocabulary import DOMAINS, REGIONS

# Where firms are: Okabe and Ito (2008) blue and vermillion, told apart also by lightness.
REGIME_COLOURS: dict[str, str] = {"open": "#0072B2", "closed": "#D55E00"}
ALONE_COLOUR = "#999999"
MEMBERSHIP_COLOURS: dict[str, str] = {**REGIME_COLOURS, "alone": ALONE_COLOUR}

# Paul Tol's "muted" scheme, one colour per technology domain (in DOMAINS order).
DOMAIN_COLOURS: dict[str, str] = dict(
    zip(
        DOMAINS,
        ("#332288", "#88CCEE", "#44AA99", "#117733", "#DDCC77", "#CC6677", "#AA4499"),
        strict=True,
    )
)

# Paul Tol's "bright" scheme, one colour per home region (in REGIONS order).
REGION_COLOURS: dict[str, str] = dict(
    zip(REGIONS, ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE"), strict=True)
)

# Scenarios by position: black for the first (the baseline), then Paul Tol's "muted" scheme.
SCENARIO_PALETTE: tuple[str, ...] = (
    "#000000",
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
    "#AA4499",
)
SCENARIO_LINES: tuple[str, ...] = ("-", "--", ":", "-.")
SCENARIO_MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "*")

# A model's spread (band) and median (line) against reported points (drawn in INK).
MODEL_BAND = "#88CCEE"
MODEL_LINE = "#332288"

# Better and worse than the baseline: Paul Tol's "vibrant" teal and red (colour-blind safe;
# never green for worse). No effect is drawn in FAINT.
BETTER = "#009988"
WORSE = "#CC3311"

# Neutral inks: outlines and text, captions, links and reference lines.
INK = "#222222"
SECONDARY_INK = "#555555"
FAINT = "#999999"


def scenario_styles(labels: Sequence[str]) -> dict[str, tuple[str, str, str]]:
    """(colour, line style, marker) of each scenario label, fixed by its position.

    The same list of labels gets the same styles in every figure; the first label (the
    baseline, by convention) is black. Ten labels get ten colours; from the eleventh on the
    colours repeat with the next line style.

    Args:
        labels: Scenario labels, baseline first.

    Returns:
        Label -> (colour, line style, marker), in the order of ``labels``.
    """
    n = len(SCENARIO_PALETTE)
    return {
        label: (
            SCENARIO_PALETTE[i % n],
            SCENARIO_LINES[(i // n) % len(SCENARIO_LINES)],
            SCENARIO_MARKERS[i % len(SCENARIO_MARKERS)],
        )
        for i, label in enumerate(labels)
    }


def scenario_colours(labels: Sequence[str]) -> dict[str, str]:
    """The colour of each scenario label, as :func:`scenario_styles` gives it.

    Args:
        labels: Scenario labels, baseline first.

    Returns:
        Label -> colour.
    """
    return {label: style[0] for label, style in scenario_styles(labels).items()}
