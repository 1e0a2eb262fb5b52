"""Cost-effectiveness across plausible worlds, on constructed results with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis import numbers, robust_money
from sim.analysis.robust import BAND

# per world: the gap each scenario closes beyond the baseline (years, mean over seeds)
CLOSED = {"pricey": [0.2, 0.4, -0.2, 0.6, 1.0], "free": [0.1, 0.1, 0.0, -0.1, 0.2]}
EXTRA = {"pricey": 2.0, "free": 0.0}  # USD bn beyond the baseline, every seed
NOISE = (-0.3, 0.0, 0.3)  # per seed: averages to 0 in every world


def constructed() -> pd.DataFrame:
    """Last-quarter rows: baseline and two scenarios, 5 worlds x 3 seeds; one unpaired seed."""
    rows = []
    for world in range(5):
        for seed, noise in enumerate(NOISE):
            base = {"sample": world, "seed": seed, "replicate": 0}
            rows.append({**base, "label": "baseline", "tech_gap_years": 5.0, "spend_total": 1.0})
            for label, closed in CLOSED.items():
                rows.append(
                    {
                        **base,
                        "label": label,
                        "tech_gap_years": 5.0 - closed[world] - noise * (label == "pricey"),
                        "spend_total": 1.0 + EXTRA[label],
                    }
                )
    # a seed the baseline never ran: not paired, so it must not move any number
    rows.append(
        {"sample": 0, "seed": 9, "replicate": 0, "label": "pricey"}
        | {"tech_gap_years": -100.0, "spend_total": 1_000.0}
    )
    return pd.DataFrame(rows)


def test_each_world_is_the_paired_ratio_of_means():
    per_world = robust_money.world_costs(constructed(), "baseline")
    pricey = per_world[per_world["scenario"] == "pricey"].set_index("world")
    assert list(pricey["pairs"]) == [3] * 5
    assert np.allclose(pricey["extra_usd_bn"], 2.0)
    assert np.allclose(pricey["years_per_usd_bn"], np.array(CLOSED["pricey"]) / 2.0)
    free = per_world[per_world["scenario"] == "free"]
    assert free["years_per_usd_bn"].isna().all()  # no extra spend: no ratio


def test_across_worlds_median_band_and_sign():
    summary = robust_money.summarise(robust_money.world_costs(constructed(), "baseline"))
    row = summary.set_index("scenario").loc["pricey"]
    ratios = np.array(CLOSED["pricey"]) / 2.0  # 0.1, 0.2, -0.1, 0.3, 0.5
    assert row["median"] == pytest.approx(0.2)
    assert (row["band_low"], row["band_high"]) == pytest.approx(tuple(np.quantile(ratios, BAND)))
    assert (row["positive"], row["with_ratio"], row["worlds"]) == (4, 5, 5)
    assert row["extra_usd_bn_median"] == pytest.approx(2.0) and row["status"] == "costs more"
    free = summary.set_index("scenario").loc["free"]
    assert free["with_ratio"] == 0 and free["status"] == "no extra spend"


def test_the_table_words_it_for_people():
    summary = robust_money.summarise(robust_money.world_costs(constructed(), "baseline"))
    table = robust_money.rows(summary)
    assert [cells[0] for cells, _ in table] == ["pricey", "free"]  # no ratio last
    (pricey, verdict), (free, _) = table
    assert pricey == ["pricey", "+USD 2.0 bn", "+0.20", "\u22120.06 to +0.46", "4 of 5 (80 %)"]
    assert verdict == "better"
    assert free[2:] == ["no extra spend"] * 3
    lines = robust_money.markdown_lines(summary, "baseline")
    assert lines[3].startswith("| scenario | extra spend") and "e-" not in "\n".join(lines)


@pytest.mark.parametrize(
    ("x", "text"),
    [(0.000123, "no effect"), (-0.0456, "\u22120.05"), (1234.5, "+1,234.50"), (0.0, "no effect")],
)
def test_small_and_large_ratios_are_plain_numbers(x, text):
    """The policy answers' rule: two decimals, "no effect" where it rounds to zero."""
    assert numbers.per_usd_bn(x) == text


@pytest.mark.parametrize(
    ("usd_bn", "signed", "text"),
    [(0.03, True, "+USD 30 m"), (0.8, False, "USD 800 m"), (3.0, True, "+USD 3.0 bn")],
)
def test_money_below_a_billion_is_in_millions(usd_bn, signed, text):
    assert numbers.money(usd_bn, signed) == text


def test_the_robust_section_shows_the_table():
    from sim.analysis import robust_report
    from tests.analysis.test_report_robust import FAILS_BELOW, WORLDS, final_rows

    answers = robust_report.robust_answers(final_rows(), "baseline", ["p1", "p2"], [], "default")
    page = robust_report.section_html(answers)
    assert page.index("Every key outcome") < page.index("Cost-effectiveness across worlds")
    table = {cells[0]: cells for cells, _ in robust_money.rows(answers.money)}
    # helps: 0.4 years closed for USD 3 bn, except where p1 is low (0.05 years lost)
    positive = f"{WORLDS - FAILS_BELOW} of {WORLDS} ({100 * (WORLDS - FAILS_BELOW) / WORLDS:.0f} %)"
    assert table["helps"] == ["helps", "+USD 3.0 bn", "+0.13", "\u22120.02 to +0.13", positive]
    assert table["hurts"][2:] == ["\u22120.02", "\u22120.02 to \u22120.02", "0 of 40 (0 %)"]
    assert table["idle"][1:] == ["USD 0", *["no extra spend"] * 3]
    assert "no extra spend" in robust_report.section_markdown(answers)
