"""The report page: its style, embedded images, data tables and the page itself.

``render_html`` puts together the lead (robust answers, what each scenario does), failed
and skipped runs, the figures (PNG embedded as base64: the page opens offline), data tables
(``page_table``: shares in percent, other numbers rounded, no exponents) and the summary as
rendered HTML (``sim.analysis.summary_html``).
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence

import pandas as pd

from sim.analysis import numbers


def image(png: bytes, alt: str) -> str:
    """An embedded PNG image."""
    data = base64.b64encode(png).decode()
    return f"<img alt='{html.escape(alt)}' src='data:image/png;base64,{data}'>"


def page_table(table: pd.DataFrame) -> str:
    """A data table for the page: shares in percent, other numbers rounded, no exponents."""
    shown = table.copy()
    for column in shown.columns:
        if not pd.api.types.is_float_dtype(shown[column]):
            continue
        share = str(column).endswith("share") or column in ("present", "not_found", "gone")
        shown[column] = [
            numbers.number(100 * v, 0) + " %" if share else numbers.number(v, 2, trim=True)
            for v in shown[column]
        ]
    return shown.to_html(index=False, escape=True)


STYLE = (
    "body{font-family:sans-serif;max-width:1400px;margin:2em auto;padding:0 1em;"
    "line-height:1.4}img{max-width:100%;border:1px solid #ddd}"
    "table{border-collapse:collapse;display:block;overflow-x:auto;max-width:100%}"
    "td,th{border:1px solid #ccc;padding:3px 8px;font-size:90%;vertical-align:top}"
    "td.n{white-space:nowrap}"
    "td[style*='text-align:left']{min-width:9em}"
    ".tabular{white-space:pre;font-family:monospace;overflow-x:auto}"
    ".fail{color:#b00}"
)


def render_html(
    title: str,
    summary: str,
    failed: pd.DataFrame,
    shown: list,
    skipped: Sequence = (),
    tables: Sequence[tuple[str, pd.DataFrame]] = (),
    lead: str = "",
    notice: str = "",
) -> str:
    """A self-contained HTML page: lead, failed and skipped runs, figures, tables, summary.

    ``summary`` is HTML (``summary_html``); ``tables`` are (heading, table) pairs shown
    after the figures; ``lead`` is HTML shown first, under the title (the robust answers
    and what each scenario does); ``notice`` is text shown above it all, in the failure
    colour (``completeness.notice``: results still being written, or runs unfinished).
    """
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    if notice:
        parts.append(f"<p class='fail'><b>Incomplete results.</b> {html.escape(notice)}</p>")
    parts.append(lead)
    if not failed.empty:
        parts.append(f"<h2 class='fail'>{len(failed)} runs failed or unfinished</h2>")
        parts.append(failed.to_html(index=False, escape=True))
    if skipped:
        parts.append("<h2 class='fail'>Runs not included</h2>")
        parts.append(pd.DataFrame(skipped, columns=["run", "reason"]).to_html(index=False))
    for heading, caption, _, png, _ in shown:
        parts.append(f"<h2>{html.escape(heading)}</h2><p>{html.escape(caption)}</p>")
        parts.append(image(png, heading))
    for heading, table in tables:
        parts.append(f"<h2>{html.escape(heading)}</h2>")
        parts.append(page_table(table))
    parts.append("<h2>Summary</h2>")
    parts.append(summary)
    parts.append("</body></html>")
    return "\n".join(parts)
