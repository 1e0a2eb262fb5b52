"""The report's "What each scenario does": levers, money and dates, and what is calibrated.

Read from the runs' stored configs (``run.json``): one row per scenario with its
description, each lever with its settings, its money (USD m a quarter where the lever pays
one) and when it starts and ends (quarters, shown as years from the start). The paragraph
after it says what is calibrated (version 2's membership parameters, history-matched to the
real alliances: docs/calibration.md section 9, the free parameters of
``configs/calibration/korea_2024_history.yaml``) and what is an assumption varied over a
declared range (the run's uncertainty set, ``configs/uncertainty/<name>.yaml``).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import yaml

from sim.analysis.words import parameter_words
from sim.config.checks import ConfigError
from sim.config.compose import CONFIG_DIR
from sim.config.uncertainty import load_uncertainty
from sim.runs.store import finished

HISTORY_SPEC = CONFIG_DIR / "calibration" / "korea_2024_history.yaml"
MONEY = {"budget": "USD {} m a quarter", "cost": "USD {} m a quarter", "funding": "{} a stage"}
TIMES = ("start", "end")
FOREVER = 1000  # an end at or beyond this many quarters means "to the end of the run"


def scenario_configs(root: Path) -> dict[str, dict[str, Any]]:
    """Each scenario's stored ``scenario`` config, from its first finished run."""
    found: dict[str, dict[str, Any]] = {}
    for _, record in finished(root, "skip")[0]:
        config = record.get("config")
        scenario = config.get("scenario") if isinstance(config, dict) else None
        if isinstance(scenario, dict) and str(scenario.get("name")) not in found:
            found[str(scenario.get("name"))] = scenario
    return found


def setting(key: str, value: Any) -> str:
    """One setting in words: ``invite per domain 2``, ``target domains: 4``."""
    name = key.replace("_", " ")
    if isinstance(value, list):
        return f"{name}: {len(value)}"
    if isinstance(value, bool):
        return name if value else f"not {name}"
    if isinstance(value, float):
        return f"{name} {value:g}"
    return f"{name} {value}"


def when(quarter: Any, start: bool) -> str:
    """A start or end quarter as years: ``from the start``, ``from year 1.0``, ``to the end``."""
    q = int(quarter) if isinstance(quarter, int | float) else None
    if q is None:
        return ""
    if start:
        return "from the start" if q <= 0 else f"from quarter {q} (year {q / 4:g})"
    return "to the end" if q >= FOREVER else f"until quarter {q} (year {q / 4:g})"


def varied_ranges(uncertainty: str) -> dict[str, tuple[float, float]]:
    """The declared range of each uncertain key of the set (empty if it cannot be read)."""
    try:
        declared = load_uncertainty(uncertainty or "default")
    except ConfigError:
        return {}
    return {p.path: (p.low, p.high) for p in declared.parameters}


def levers(
    scenario: dict[str, Any], varied: dict[str, tuple[float, float]] | None = None
) -> list[tuple[str, str, str, str]]:
    """Each lever of ``scenario``: (lever, settings, money, dates).

    A setting that is a declared uncertain key (``varied``: ``scenario.<lever>.<key>`` to its
    range) differs from world to world: it is shown as its range, not one world's value.
    """
    varied = varied or {}
    rows = []
    for lever, params in scenario.items():
        if not isinstance(params, dict):
            continue
        money = "; ".join(
            form.format(f"{params[k]:g}")
            for k, form in MONEY.items()
            if isinstance(params.get(k), int | float) and params[k]
        )
        rest = [
            f"{k.replace('_', ' ')} {varied[path][0]:g} to {varied[path][1]:g} across worlds"
            if (path := f"scenario.{lever}.{k}") in varied
            else setting(k, v)
            for k, v in params.items()
            if k not in (*MONEY, *TIMES)
        ]
        dates = ", ".join(
            w for w in (when(params.get("start"), True), when(params.get("end"), False)) if w
        )
        rows.append((lever.replace("_", " "), ", ".join(rest), money or "none", dates))
    return rows


def calibrated_parameters(spec: Path = HISTORY_SPEC) -> list[str]:
    """The free parameters history matching fitted (their last key), empty if unreadable."""
    try:
        loaded = yaml.safe_load(spec.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return []
    entries = loaded.get("parameters", []) if isinstance(loaded, dict) else []
    if not entries and isinstance(loaded, dict):
        entries = loaded.get("free", [])
    return [
        str(e["path"]).split(".")[-1].replace("_", " ")
        for e in entries
        if isinstance(e, dict) and "path" in e
    ]


def calibration_text(uncertain: list[str], uncertainty: str) -> str:
    """The paragraph on what is calibrated and what is not (plain text)."""
    fitted = calibrated_parameters()
    named = f" ({', '.join(fitted)})" if fitted else ""
    varied = ", ".join(parameter_words(k) for k in uncertain)
    text = (
        "What is calibrated: version 2's membership parameters"
        f"{named} are history-matched to the real alliances of 2024-2025 on korea_2024 "
        "(docs/calibration.md, section 9; two held-out growth checks are missed), and the "
        "frontier's growth is fitted within an interval. What is not: the rest of the "
        "economics are assumptions."
    )
    if varied:
        text += (
            f" The answers above vary {len(uncertain)} of them over declared plausible ranges "
            f"(configs/uncertainty/{uncertainty or 'default'}.yaml, each with its source or "
            f"the reason it is a guess): {varied}. Policy levers' sizes are the scenarios' "
            "settings in the table, not estimates (a setting shown as a range across worlds is "
            "an uncertain effect of the lever, drawn in each world)."
        )
    else:
        text += " These results hold them at their defaults; a robust sweep varies them."
    return text


def section_html(root: Path, order: list[str], uncertain: list[str], uncertainty: str) -> str:
    """The "What each scenario does" section: a table and the calibration paragraph."""
    configs = scenario_configs(root)
    ranges = {k: v for k, v in varied_ranges(uncertainty).items() if k in uncertain}
    names = [n for n in order if n in configs] + [n for n in configs if n not in order]
    rows = []
    for name in names:
        scenario = configs[name]
        description = html.escape(str(scenario.get("description") or ""))
        found = levers(scenario, ranges) or [("none", "", "none", "")]
        span = len(found)
        for i, (lever, settings, money, dates) in enumerate(found):
            head = (
                f"<td rowspan='{span}'><b>{html.escape(name)}</b></td>"
                f"<td rowspan='{span}'>{description}</td>"
                if i == 0
                else ""
            )
            cells = "".join(f"<td>{html.escape(v)}</td>" for v in (lever, settings, money, dates))
            rows.append(f"<tr>{head}{cells}</tr>")
    header = "".join(
        f"<th>{h}</th>" for h in ("scenario", "what it does", "lever", "settings", "money", "when")
    )
    table = f"<table class='levers'><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}"
    return (
        "<section id='scenarios'><h2>What each scenario does</h2>"
        f"{table}</tbody></table>"
        f"<p>{html.escape(calibration_text(uncertain, uncertainty))}</p></section>"
    )
