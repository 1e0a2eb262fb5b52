"""Drawing firm traits from a world's distributions (used by world builders and entry)."""

from __future__ import annotations

import numpy as np

from sim.config.schema import WorldConfig
from sim.config.vocabulary import DOMESTIC, N_DOMAINS, REGIONS
from sim.engine.state import CONGLOMERATE, STARTUP, presence_mask


def beta_openness(
    k: int, mean: float, concentration: float, rng: np.random.Generator
) -> np.ndarray:
    """Openness in [0, 1] from a Beta distribution with the given mean and a+b."""
    mean = float(np.clip(mean, 1e-3, 1 - 1e-3))
    return rng.beta(mean * concentration, (1 - mean) * concentration, size=k)


def capability_draw(
    k: int, mean: float, sd: float, frontier: float, rng: np.random.Generator
) -> np.ndarray:
    """Capability around ``mean`` x frontier, kept inside (1 %, 100 %] of the frontier."""
    return np.clip(rng.normal(mean, sd, size=k), 0.01, 1.0) * frontier


def domain_draw(k: int, weights: list[float], rng: np.random.Generator) -> np.ndarray:
    """Home domains drawn with the given weights (in DOMAINS order)."""
    w = np.asarray(weights, dtype=np.float64)
    return rng.choice(N_DOMAINS, size=k, p=w / w.sum()).astype(np.int8)


def startups(
    k: int,
    cfg: WorldConfig,
    rng: np.random.Generator,
    capability_mean: float | None = None,
    frontier: float = 1.0,
) -> dict[str, np.ndarray]:
    """Columns for ``k`` domestic startups: lognormal capital, one domain, open-leaning."""
    domain = domain_draw(k, cfg.domain_weights, rng)
    capital = cfg.startup_capital_median * rng.lognormal(0.0, cfg.startup_capital_sigma, k)
    openness = beta_openness(k, cfg.startup_openness_mean, cfg.openness_concentration, rng)
    mean = cfg.startup_capability_mean if capability_mean is None else capability_mean
    capability = capability_draw(k, mean, cfg.capability_sd, frontier, rng)
    return {
        "kind": np.full(k, STARTUP, np.int8),
        "region": np.full(k, DOMESTIC, np.int8),
        "domain": domain,
        "presence": presence_mask(domain),
        "capital": capital,
        "openness": openness,
        "capability": capability,
    }


def conglomerates(
    k: int, cfg: WorldConfig, rng: np.random.Generator, foreign: bool = False
) -> dict[str, np.ndarray]:
    """Columns for ``k`` conglomerates: large capital, a home domain plus presence elsewhere.

    Domestic groups have capital 10-1000x a median startup (log-uniform); foreign big
    tech ``foreign_capital_multiple`` x (lognormal spread), a region drawn from the
    foreign region weights, and capability near the frontier.
    """
    domain = domain_draw(k, cfg.domain_weights, rng)
    others = rng.random((k, N_DOMAINS)) < cfg.presence_probability
    bits = (others * (1 << np.arange(N_DOMAINS))).sum(axis=1).astype(np.uint8)
    presence = bits | presence_mask(domain)
    openness = beta_openness(k, cfg.conglomerate_openness_mean, cfg.openness_concentration, rng)
    if foreign:
        region = foreign_regions(k, cfg, rng)
        multiple = cfg.startup_capital_median * cfg.foreign_capital_multiple
        capital = multiple * rng.lognormal(0.0, 0.5, k)
        capability = capability_draw(
            k, cfg.foreign_capability_mean, cfg.capability_sd / 2, 1.0, rng
        )
    else:
        region = np.full(k, DOMESTIC, np.int8)
        low, high = np.log(cfg.conglomerate_capital_min), np.log(cfg.conglomerate_capital_max)
        capital = cfg.startup_capital_median * np.exp(rng.uniform(low, high, k))
        capability = capability_draw(
            k, cfg.conglomerate_capability_mean, cfg.capability_sd, 1.0, rng
        )
    return {
        "kind": np.full(k, CONGLOMERATE, np.int8),
        "region": region,
        "domain": domain,
        "presence": presence,
        "capital": capital,
        "openness": openness,
        "capability": capability,
    }


def foreign_startups(k: int, cfg: WorldConfig, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Columns for ``k`` startups of other regions, drawn from ``foreign_region_weights``.

    Reason: alliances led from abroad (the AI Alliance, AI-RAN) grew with members from
    their own regions; without foreign firms besides the named big tech, the only firms
    that could join them were the home country's startups (docs/model.md section 10,
    finding 24). Traits as domestic startups; no draw at all when ``k`` is 0.
    """
    if k == 0:
        return startups(0, cfg, rng)
    columns = startups(k, cfg, rng)
    columns["region"] = foreign_regions(k, cfg, rng)
    return columns


def foreign_regions(k: int, cfg: WorldConfig, rng: np.random.Generator) -> np.ndarray:
    """Regions of ``k`` foreign firms, drawn from ``foreign_region_weights`` (home excluded)."""
    w = np.asarray(cfg.foreign_region_weights, dtype=np.float64)
    w[DOMESTIC] = 0.0
    return np.asarray(rng.choice(len(REGIONS), size=k, p=w / w.sum()).astype(np.int8))
