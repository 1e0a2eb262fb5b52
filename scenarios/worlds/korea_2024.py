"""The ``korea_2024`` world: named firms and alliance archetypes from ``data/korea_2024.yaml``.

Named firms keep the traits the data file gives (capital in units of a median domestic
startup's capital). Each archetype alliance is filled up to ``members_in_model`` (times
``archetype_scale``) with generated firms of the kind and region its ``filler`` names. Then
``n_startups`` domestic startups, ``n_conglomerates`` domestic conglomerates and
``n_foreign`` foreign big tech are generated, alone. Step 0 is the first quarter of 2024.

Scheduled history (``world.history``, on by default): an alliance founded after 2024 Q1
(Kolon Benit's in June 2024, the AX Alliance in July 2024, Stargate in January 2025,
OpenEuroLLM in February 2025) is founded at its date with its founders, who exist alone
from step 0; a regime change dated after the start (the K-AI Alliance opening in July 2024)
happens at its date (``sim.engine.history``). An alliance's ``regime`` in the data file is
its regime at founding; its ``regime_changes`` follow. With ``world.history=false`` every
alliance is present from step 0 in its latest regime, as before scheduled history existed.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from sim.config.checks import ConfigError
from sim.config.schema import WorldConfig
from sim.config.vocabulary import DOMAINS, DOMESTIC, REGIONS
from sim.engine import traits
from sim.engine.history import Founding, RegimeChange, Schedule, WorldStart, step_of
from sim.engine.state import CLOSED, CONGLOMERATE, OPEN, STARTUP, AllianceState, FirmState

DATA_DIR = Path(__file__).parent / "data"
START_YEAR = 2024
MAX_START_CAPABILITY = 0.99  # no firm starts at or beyond the frontier (1.0)


@lru_cache(maxsize=4)
def load_facts(name: str = "korea_2024.yaml") -> dict[str, Any]:
    """Read a facts file from ``scenarios/worlds/data``."""
    path = DATA_DIR / name
    if not path.is_file():
        files = ", ".join(sorted(p.name for p in DATA_DIR.glob("*.yaml")))
        raise ConfigError(f"world.data_file={name!r} is not a facts file; allowed: {files}")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def founding_step(date: str) -> int:
    """Quarter of a 'YYYY-MM' date relative to 2024 Q1 (``sim.engine.history.step_of``)."""
    return step_of(date, START_YEAR)


def regime_of(name: str) -> int:
    """OPEN or CLOSED from the data file's word."""
    return OPEN if name == "open" else CLOSED


def _named_firms(facts: dict[str, Any], cfg: WorldConfig) -> dict[str, np.ndarray]:
    rows = facts["firms"]
    domain = np.array([DOMAINS.index(f["domain"]) for f in rows], np.int8)
    presence = np.array(
        [sum(1 << DOMAINS.index(d) for d in [f["domain"], *f.get("presence", [])]) for f in rows],
        np.uint8,
    )
    return {
        "kind": np.array(
            [CONGLOMERATE if f["kind"] == "conglomerate" else STARTUP for f in rows], np.int8
        ),
        "region": np.array([REGIONS.index(f["region"]) for f in rows], np.int8),
        "domain": domain,
        "presence": presence,
        "capital": np.array([f["capital"] for f in rows], float) * cfg.startup_capital_median,
        "openness": np.array([f["openness"] for f in rows], float),
        "capability": np.array([f["capability"] for f in rows], float),
        # USD m a quarter at the start; 0: no customer base given (docs/model.md 6.5)
        "customer_base": np.array([f.get("customer_base", 0.0) for f in rows], float),
    }


def alliance_flags(spec: dict[str, Any]) -> dict[str, bool]:
    """An alliance's flags (``sim.engine.history.ALLIANCE_FLAGS``) from its facts-file words."""
    return {
        "national": spec.get("eligibility", "all") == "national",  # its home region only
        "chartered": "charter" in spec,  # the regime its charter fixes (charter: open)
        "reseller": spec.get("channel") == "reseller",  # the leader resells partners' solutions
        "venture": spec.get("commitment") == "equity",  # founders hold equity: no fold (6.6)
        "hub": spec.get("coordination") == "hub",  # a partner programme: hub-and-spoke (6.5)
    }


def _filler(kind: str, region: str, k: int, cfg: WorldConfig, rng: np.random.Generator) -> dict:
    if kind == "conglomerate":
        columns = traits.conglomerates(k, cfg, rng, foreign=region != "domestic")
    else:
        columns = traits.startups(k, cfg, rng)
    columns["region"] = np.full(k, REGIONS.index(region), np.int8)
    return columns


def scale_domestic(firms: FirmState, cfg: WorldConfig) -> None:
    """Multiply every domestic firm's capability by ``world.domestic_capability_scale``.

    Below ``MAX_START_CAPABILITY``: no firm starts at or beyond the frontier.
    """
    domestic = firms.region == DOMESTIC
    firms.capability[domestic] = np.minimum(
        firms.capability[domestic] * cfg.domestic_capability_scale, MAX_START_CAPABILITY
    )


def build(cfg: WorldConfig, rng: np.random.Generator) -> WorldStart:
    """Build the 2024 Korean and global alliance landscape (see module docstring)."""
    facts = load_facts(cfg.data_file or "korea_2024.yaml")
    firms = FirmState()
    firms.append(**_named_firms(facts, cfg))
    index = {f["name"]: i for i, f in enumerate(facts["firms"])}
    alliances = AllianceState()
    foundings: list[Founding] = []
    changes: list[RegimeChange] = []
    for spec in facts["alliances"]:
        named = [spec["leader"], *spec.get("named_members", [])]
        rows = [index[name] for name in named]
        size = spec.get("members_at_start", spec["members_in_model"]) if cfg.history else None
        size = spec["members_in_model"] if size is None else size
        target = max(len(rows), round(size * cfg.archetype_scale))
        extra = target - len(rows)
        if extra > 0:
            fill = spec.get("filler", {"kind": "startup", "region": "domestic"})
            rows.extend(firms.append(**_filler(fill["kind"], fill["region"], extra, cfg, rng)))
        founded = founding_step(spec["founded"])
        regime = regime_of(spec["regime"])
        flags = alliance_flags(spec)
        later: list[RegimeChange] = []
        for change in spec.get("regime_changes", []):
            step = founding_step(change["date"])
            if cfg.history and step > 0:
                later.append(RegimeChange(step, spec["name"], regime_of(change["regime"])))
            else:
                regime = regime_of(change["regime"])
        changes.extend(later)
        if cfg.history and founded > 0:
            first = [c for c in later if c.step <= founded]
            if first:  # a change dated no later than the founding is the founding regime
                regime = first[-1].regime
            leader, *members = (int(r) for r in rows)
            founding = Founding(founded, spec["name"], leader, tuple(members), regime, **flags)
            foundings.append(founding)
            continue
        (aid,) = alliances.append(
            np.array([regime]),
            np.array([index[spec["leader"]]]),
            founded=min(founded, 0),
            names=[spec["name"]],
            home=firms.region[[index[spec["leader"]]]],
            coordinated=np.array([spec.get("governance") == "state_coordinated"]),
            **{name: np.array([flag]) for name, flag in flags.items()},
        )
        firms.alliance[np.asarray(rows)] = aid
    firms.append(**traits.startups(cfg.n_startups, cfg, rng))
    firms.append(**traits.conglomerates(cfg.n_conglomerates, cfg, rng))
    firms.append(**traits.conglomerates(cfg.n_foreign, cfg, rng, foreign=True))
    firms.append(**traits.foreign_startups(cfg.n_foreign_startups, cfg, rng))
    scale_domestic(firms, cfg)
    changes = [
        c for c in changes if not any(f.name == c.name and f.step >= c.step for f in foundings)
    ]
    names = tuple(str(f["name"]) for f in facts["firms"])
    return WorldStart(firms, alliances, Schedule(tuple(foundings), tuple(changes)), names)
