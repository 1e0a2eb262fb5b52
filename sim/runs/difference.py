"""What makes a stored sweep another sweep than the one a command plans, in words.

A sweep folder is resumed only by the command that planned it (the same jobs, folders and
fingerprints, ``plan.check_sweep_folder``); any other is refused. An analyst who edited a
scenario file and ran the same command again needs to know what differs, not only that
something does (found by a newcomer, 2026-12-06): the jobs, or the first config key of the
first job whose config moved, with both values.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sim.config.schema import RunConfig, as_plain, flat
from sim.runs.replicates import without_words

SHOWN = 3  # job folders named in a message


def sweep_difference(
    stored: Mapping[str, Any],
    planned: Mapping[str, Any],
    configs: Sequence[RunConfig],
    folder: Path,
) -> str:
    """The first difference between a stored ``sweep.json`` and a planned one, in words.

    Args:
        stored: The folder's ``sweep.json`` (``jobs``: ``dir``, ``fingerprint``, ``overrides``).
        planned: The command's record of the same form (``plan.Plan.record``).
        configs: The planned jobs' configs, in ``planned``'s order.
        folder: The sweep folder (a stored job's ``run.json`` holds its config).

    Returns:
        E.g. ``"in 2_open_data_big, scenario.open_data.spillover_bonus is 0.5 there and 0.6
        now"``; ``""`` if the two are the same sweep.
    """
    old = [j["dir"] for j in stored.get("jobs", [])]
    new = [j["dir"] for j in planned.get("jobs", [])]
    if old != new:
        return f"it holds {_jobs(old)}, this command plans {_jobs(new)}"
    for before, now, cfg in zip(stored["jobs"], planned["jobs"], configs, strict=True):
        if before["fingerprint"] == now["fingerprint"]:
            continue
        where = f"in {now['dir']}"
        there = _stored_config(folder / before["dir"] / "run.json")
        if there is not None:
            key = _first_difference(there, without_words(as_plain(cfg)))
            if key is not None:
                return f"{where}, {key[0]} is {key[1]} there and {key[2]} now"
        if before.get("overrides") != now.get("overrides"):
            return (
                f"{where}, the overrides are {' '.join(before.get('overrides', []))} there and "
                f"{' '.join(now.get('overrides', []))} now"
            )
        return (
            f"{where}, the same overrides give another config (a file the runs read changed: "
            "a scenario, world, uncertainty or data file)"
        )
    return ""


def _jobs(dirs: Sequence[str]) -> str:
    """``3 jobs (0_baseline, 1_open_data, 2_mega_alliance)``, at most ``SHOWN`` named."""
    named = ", ".join(dirs[:SHOWN]) + (", ..." if len(dirs) > SHOWN else "")
    return f"{len(dirs)} job{'s' if len(dirs) != 1 else ''} ({named})"


def _stored_config(path: Path) -> dict[str, Any] | None:
    """The config a stored job's ``run.json`` records, or None (not run, or unreadable)."""
    try:
        config = json.loads(path.read_text("utf-8"))["config"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return without_words(config) if isinstance(config, Mapping) else None


def _first_difference(
    there: Mapping[str, Any], now: Mapping[str, Any]
) -> tuple[str, Any, Any] | None:
    """The first dotted key (sorted) whose value differs, with both values."""
    a, b = flat(there), flat(now)
    for key in sorted(set(a) | set(b)):
        if a.get(key, "(absent)") != b.get(key, "(absent)"):
            return key, a.get(key, "(absent)"), b.get(key, "(absent)")
    return None
