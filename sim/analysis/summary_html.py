"""The report page's summary as rendered HTML (summary.md keeps the Markdown).

- ``effects_table``: each scenario's effect against its baseline, paired by seed, with its
  90 % interval, each number in its unit at its precision (``sim.analysis.numbers``) and
  coloured by better or worse where the interval excludes zero.
- ``costs_table``: the cost-effectiveness table in words and rounded numbers.
- ``markdown``: the few Markdown forms the other sections write (headings, bullets,
  paragraphs, pipe tables, fenced blocks, ``code``, bold and italics) as HTML, so the page
  has no Markdown inside a ``<pre>``.
"""

from __future__ import annotations

import html
import math
import re

import pandas as pd

from sim.analysis import numbers
from sim.analysis.palette import BETTER, INK, WORSE
from sim.engine.outcomes import BY_NAME

COLOUR = {"better": BETTER, "worse": WORSE}


def td(text: str, verdict: str = "", align: str = "right") -> str:
    """A cell, coloured by ``better`` or ``worse``."""
    colour = COLOUR.get(verdict, INK)
    weight = "font-weight:600;" if verdict in COLOUR else ""
    short = " class='n'" if len(text) <= 15 else ""  # short numbers kept on one line
    style = f"color:{colour};{weight}text-align:{align}"
    return f"<td{short} style='{style}'>{html.escape(text)}</td>"


def table(header: list[str], rows: list[list[str]]) -> str:
    """An HTML table from a header and rows of ready cells."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(f"<tr>{''.join(r)}</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def effects_table(effects: pd.DataFrame, pooled: bool) -> str:
    """The paired effects (``sim.analysis.effects.compare``) as an HTML section."""
    if effects.empty:
        return ""
    over = "all worlds and seeds pooled, " if pooled else ""
    intro = (
        f"Each scenario minus its baseline at the last quarter, paired by seed ({over}the same "
        "seeds for every scenario), with a 90 % interval. Coloured where the interval excludes "
        "zero; about one in ten effects without a real difference will look so at 90 %."
    )
    rows = []
    for r in effects.itertuples():
        outcome = str(r.outcome)
        base = r.scenario == r.against
        shown = numbers.level(float(r.final_mean), outcome)
        if base:
            rows.append(
                [
                    td(str(r.scenario), align="left"),
                    td(BY_NAME[outcome].label, align="left"),
                    td(shown),
                    td("baseline"),
                    td(""),
                    td(""),
                ]
            )
            continue
        if r.pairs < 2:
            interval, verdict, word = "n/a", "", "fewer than two common seeds"
        else:
            interval = numbers.band(float(r.ci90_low), float(r.ci90_high), outcome)
            verdict = numbers.verdict(float(r.effect_vs_baseline), outcome)
            word = "yes" if r.distinguishable else "no"
            verdict = verdict if r.distinguishable else ""
        rows.append(
            [
                td(str(r.scenario), align="left"),
                td(BY_NAME[outcome].label, align="left"),
                td(shown),
                td(numbers.effect(float(r.effect_vs_baseline), outcome), verdict),
                td(interval),
                td(word, align="left"),
            ]
        )
    header = ["scenario", "outcome", "final mean", "effect", "90 % interval", "beyond noise"]
    return (
        "<h3>Effects against the baseline, paired by seed</h3>"
        f"<p>{html.escape(intro)}</p>{table(header, rows)}"
    )


def _years(x: float) -> str:
    return "n/a" if not math.isfinite(x) else numbers.number(x, 2, signed=True)


def _span(low: float, high: float) -> str:
    """A 90 % interval of years: ``-0.11 to +0.01``, ``n/a`` without one."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return "n/a"
    return f"{_years(low)} to {_years(high)}"


def costs_table(costs: pd.DataFrame) -> str:
    """The cost-effectiveness table (``sim.analysis.cost_effectiveness``) as HTML."""
    if costs.empty:
        return ""
    rows = []
    for r in costs.itertuples():
        closed = float(r.gap_closed_years)
        ratio = float(r.years_per_usd_bn)
        low, high = float(r.gap_closed_ci90_low), float(r.gap_closed_ci90_high)
        beyond = math.isfinite(low) and (low > 0 or high < 0)
        verdict = ("better" if closed > 0 else "worse") if beyond else ""
        extra = float(r.extra_spend_usd_bn)
        places = 1 if not math.isfinite(extra) or abs(extra) >= 0.1 else 2
        spent = numbers.number(extra, places, signed=True)
        rows.append(
            [
                td(str(r.scenario), align="left"),
                td(str(r.against), align="left"),
                td(str(r.pairs)),
                td(f"USD {spent} bn"),
                td(numbers.effect(closed, "tech_gap_years").replace(" years", ""), verdict),
                td(_span(low, high)),
                td(_years(ratio)),
                td(_span(float(r.ci90_low), float(r.ci90_high))),
                td(str(r.status), align="left"),
            ]
        )
    header = [
        "scenario",
        "against",
        "pairs",
        "extra money spent",
        "gap closed (years)",
        "90 % interval",
        "years per extra USD bn",
        "90 % interval",
        "status",
    ]
    intro = (
        "Years of technology gap closed per extra USD bn of government money, each scenario "
        "against its baseline on the same seeds and worlds (a ratio of means, with a 90 % "
        "interval). Gap closed is positive where the scenario is ahead; coloured where its "
        "interval excludes zero."
    )
    return (
        f"<h3>Cost-effectiveness against the baseline</h3><p>{html.escape(intro)}</p>"
        f"{table(header, rows)}"
    )


def inline(text: str) -> str:
    """Inline Markdown as HTML: ``code``, **bold**, *italics* (text escaped first)."""
    out = html.escape(text, quote=False)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    out = re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", out)
    return re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"<i>\1</i>", out)


def markdown(text: str) -> str:
    """The Markdown the report's sections write, as HTML (headings one level down)."""
    out: list[str] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        if not line.strip():
            i += 1
        elif line.startswith("```"):
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            block = html.escape("\n".join(lines[i + 1 : j]))
            out.append(f"<div class='tabular'>{block}</div>")
            i = j + 1
        elif line.startswith("#"):
            level = min(len(line) - len(line.lstrip("#")) + 1, 4)
            out.append(f"<h{level}>{inline(line.lstrip('#').strip())}</h{level}>")
            i += 1
        elif line.startswith(("- ", "* ")):
            items = []
            while i < len(lines) and lines[i].startswith(("- ", "* ")):
                items.append(f"<li>{inline(lines[i][2:].strip())}</li>")
                i += 1
            out.append(f"<ul>{''.join(items)}</ul>")
        elif line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
                if not all(re.fullmatch(r":?-+:?", c) for c in cells if c):
                    rows.append(cells)
                i += 1
            head = "".join(f"<th>{inline(c)}</th>" for c in rows[0]) if rows else ""
            body = "".join(
                "<tr>" + "".join(f"<td>{inline(c)}</td>" for c in r) + "</tr>" for r in rows[1:]
            )
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        else:
            para = []
            while (
                i < len(lines)
                and lines[i].strip()
                and not lines[i].startswith(("#", "- ", "* ", "|", "```"))
            ):
                para.append(lines[i].strip())
                i += 1
            out.append(f"<p>{inline(' '.join(para))}</p>")
    return "\n".join(out)
