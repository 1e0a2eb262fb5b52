"""Numbers for people (sim/analysis/numbers.py): each unit at its precision, no exponents."""

from __future__ import annotations

import math
import re

from hypothesis import given
from hypothesis import strategies as st

from sim.analysis import numbers, summary_html

M = "\u2212"


def test_each_unit_is_rounded_to_its_precision():
    assert numbers.effect(-0.0372, "tech_gap_years") == f"{M}0.04 years"  # years: 2 decimals
    assert numbers.effect(0.0123, "domestic_market_share") == "+1.2 pp"  # pp: 1 decimal
    assert numbers.effect(53.6, "startups_alive") == "+54 firms"  # firms: integers
    assert numbers.effect(1371.8, "startups_alive") == "+1,372 firms"
    assert numbers.difference(3.72, "spend_total") == "+USD 3.7 bn"  # USD bn: 1 decimal
    assert numbers.level(0.25, "collusion_risk") == "25 %"  # shares: percent
    assert numbers.level(0.0153, "domestic_market_share") == "1.5 %"  # one decimal below 10 %
    assert numbers.level(5.0, "spend_total", trim=True) == "USD 5 bn"
    assert numbers.number(-1182.4, 0) == f"{M}1,182"


def test_what_rounds_to_zero_is_no_effect_or_zero():
    assert numbers.effect(-0.000027, "tech_gap_years") == "no effect"
    assert numbers.effect(-0.0000000066, "domestic_market_share") == "no effect"
    assert numbers.band(-0.000027, 0.2, "tech_gap_years") == "0 to +0.20 years"
    assert numbers.band(-1e-5, 2e-5, "tech_gap_years") == "no effect"
    assert numbers.difference(-0.0004, "tech_gap_years") == "0 years"  # never "-0.00"
    assert numbers.verdict(-0.000027, "tech_gap_years") == "no effect"
    assert numbers.verdict(-0.1, "tech_gap_years") == "better"
    assert numbers.verdict(0.01, "domestic_market_share") == "better"
    assert numbers.verdict(0.01, "collusion_risk") == "worse"
    assert numbers.verdict(0.1, "share_open") == "neutral"
    assert numbers.band(-1, 3, "spend_total") == f"USD {M}1.0 to +3.0 bn"
    assert numbers.number(float("nan"), 2) == "n/a"


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_no_number_is_ever_in_scientific_notation(x):
    for outcome in ("tech_gap_years", "domestic_market_share", "startups_alive", "spend_total"):
        for text in (numbers.effect(x, outcome), numbers.level(x, outcome)):
            assert not re.search(r"\d[eE][+-]?\d", text)
            assert "-" not in text  # a true minus sign
    assert numbers.is_zero(x, "tech_gap_years") == (abs(round(x, 2)) == 0 or math.isclose(x, 0))


def test_the_page_renders_the_sections_markdown_as_html():
    page = summary_html.markdown(
        "## A heading\n\nSome `code` and **bold**.\n\n- one\n- two\n\n"
        "| a | b |\n|---|---:|\n| 1 | 2 |\n"
    )
    assert "<h3>A heading</h3>" in page and "<code>code</code>" in page and "<b>bold</b>" in page
    assert "<ul><li>one</li><li>two</li></ul>" in page
    assert "<th>a</th>" in page and "<td>2</td>" in page and "---" not in page
    assert "`" not in page and "**" not in page and "<pre" not in page
