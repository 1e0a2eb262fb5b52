"""The ``korea_2016`` world: the calibration start, from ``data/korea_2016.yaml``.

Step 0 is the first quarter of 2016. The named firms are those of 2016 (domestic groups and
foreign big tech), with the alliances of 2016 (AIRI, the Partnership on AI) and one
K-AI-Alliance-like archetype: SK Telecom leading 7 generated partner startups in a closed
(investor-centred) alliance, placed at step 0 so that its first two years can be measured
against the real K-AI Alliance's (7 partners at launch, 18 about two years later). Then
``n_startups`` domestic startups, ``n_conglomerates`` domestic conglomerates and
``n_foreign`` foreign big tech are generated, alone, as in ``korea_2024``.

The domestic capabilities of the data file and the startup capability distribution of
``configs/world/korea_2016.yaml`` put the national capability at step 0 near SPRi's 2016
level, 73.9 % of the US; with the model's gap definition the 2.2-year gap of 2016 then
fixes the frontier's growth (docs/calibration.md).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scenarios.worlds.korea_2024 import _named_firms, load_facts, scale_domestic
from sim.config.schema import WorldConfig
from sim.config.vocabulary import REGIONS
from sim.engine import traits
from sim.engine.history import WorldStart, step_of
from sim.engine.state import CLOSED, NO_ALLIANCE, OPEN, AllianceState, FirmState

DATA_FILE = "korea_2016.yaml"
ARCHETYPE = "K-AI-like archetype"  # the alliance whose growth is a calibration target


def founding_step(date: str, start_year: int) -> int:
    """Quarter of a 'YYYY-MM' date relative to Q1 of ``start_year``, never after step 0.

    Args:
        date: A year or a year and month, e.g. ``"2016-07"``.
        start_year: The calendar year whose first quarter is step 0.

    Returns:
        The step (negative for earlier dates; later dates are clipped to 0).
    """
    return min(step_of(date, start_year), 0)


def _filler(spec: dict[str, Any], k: int, cfg: WorldConfig, rng: np.random.Generator) -> dict:
    """Columns for ``k`` generated members of an archetype, as its ``filler`` spec says.

    Args:
        spec: ``kind`` and ``region``, optionally ``capability_mean`` (relative to the
            frontier; the world's distribution otherwise) and ``capital_multiple`` (times
            the drawn capital).
        k: How many firms.
        cfg: The world configuration (trait distributions).
        rng: The run's generator.

    Returns:
        Firm columns for ``FirmState.append``.
    """
    if spec.get("kind", "startup") == "conglomerate":
        columns = traits.conglomerates(k, cfg, rng, foreign=spec["region"] != "domestic")
    else:
        columns = traits.startups(k, cfg, rng, capability_mean=spec.get("capability_mean"))
    columns["region"] = np.full(k, REGIONS.index(spec.get("region", "domestic")), np.int8)
    columns["capital"] = columns["capital"] * float(spec.get("capital_multiple", 1.0))
    return columns


def build(cfg: WorldConfig, rng: np.random.Generator) -> WorldStart:
    """Build the 2016 Korean and global AI landscape (see the module docstring).

    Args:
        cfg: The world configuration; ``data_file`` defaults to ``korea_2016.yaml``.
        rng: The run's generator (the only source of randomness).

    Returns:
        The firms and the alliances at step 0; nothing is scheduled after it (the events of
        2016-2024 are not replayed yet).
    """
    facts = load_facts(cfg.data_file or DATA_FILE)
    start_year = int(facts.get("start_year", 2016))
    firms = FirmState()
    firms.append(**_named_firms(facts, cfg))
    index = {f["name"]: i for i, f in enumerate(facts["firms"])}
    alliances = AllianceState()
    for spec in facts["alliances"]:
        rows = [index[name] for name in [spec["leader"], *spec.get("named_members", [])]]
        target = max(len(rows), round(spec["members_in_model"] * cfg.archetype_scale))
        extra = target - len(rows)
        if extra > 0:
            fill = spec.get("filler", {"kind": "startup", "region": "domestic"})
            rows.extend(firms.append(**_filler(fill, extra, cfg, rng)))
        (aid,) = alliances.append(
            np.array([OPEN if spec["regime"] == "open" else CLOSED]),
            np.array([index[spec["leader"]]]),
            founded=founding_step(spec["founded"], start_year),
            names=[spec["name"]],
            home=firms.region[[index[spec["leader"]]]],
            national=np.array([spec.get("eligibility", "all") == "national"]),
        )
        firms.alliance[np.asarray(rows)] = aid
    firms.append(**traits.startups(cfg.n_startups, cfg, rng))
    firms.append(**traits.conglomerates(cfg.n_conglomerates, cfg, rng))
    firms.append(**traits.conglomerates(cfg.n_foreign, cfg, rng, foreign=True))
    scale_domestic(firms, cfg)
    names = tuple(str(f["name"]) for f in facts["firms"])
    return WorldStart(firms, alliances, names=names)


def archetype_id(alliances: AllianceState) -> int:
    """Row of the K-AI-like archetype in ``alliances``.

    Raises:
        ValueError: The world holds no such alliance.
    """
    if ARCHETYPE not in alliances.names:
        raise ValueError(f"no alliance named {ARCHETYPE!r} in this world")
    return alliances.names.index(ARCHETYPE)


def partners(firms: FirmState, alliances: AllianceState, aid: int) -> int:
    """Partners of alliance ``aid`` now: its alive members other than the leader.

    The sources count the K-AI Alliance's partner firms without SK Telecom, so this is
    the number compared with 7 at launch and 18 two years later. A dissolved alliance
    has none.
    """
    if not alliances.active[aid]:
        return 0
    size = int((firms.alive & (firms.alliance == aid) & (firms.alliance != NO_ALLIANCE)).sum())
    return max(size - 1, 0)
