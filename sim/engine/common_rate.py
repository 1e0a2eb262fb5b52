"""One learning rate per domain and a Nelson-Phelps transfer (model.growth.common_learning_rate).

Finding 39, item 3, of docs/model.md: the stationary start gives every unit its own rate
lambda_i, one unknown from one equation, so a unit's R&D productivity is whatever holds it
at rest, falling with its step-0 R&D (foreign units' rates are a quarter of domestic ones).
This prototype replaces it by two rates per domain, each a property of the technology:

- ``lambda_d``, solved on the domain's frontier holder (``holders``): at its step-0 effective
  R&D it grows at the trend, so the frontier it holds does;
- ``eps_d``, the rate at which the frontier's knowledge transfers to a unit behind it,
  ``eps_d k (1 - k)`` a quarter (``knowledge.transfer_gain``), solved so that the domain's
  best domestic unit starts at rest (``transfer_rates``).

Every unit learns with these two rates; heterogeneity comes from its own effective R&D
(through ``lambda_d``'s concave returns), its distance to the frontier and its absorptive
capacity (its capability). Other units are not at rest: they move toward their own steady
states (design note: docs/learning_rate.md).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sim.config.schema import ModelParams
from sim.config.vocabulary import N_DOMAINS
from sim.engine.economy import Economy
from sim.engine.knowledge import catch_up_factor, effort_share, returns_to_rnd
from sim.engine.state import FirmState

# Highest transfer rate (share of the gap a quarter at absorptive capacity 1): at 1 a unit
# would close its whole gap in a quarter; eps k (1 - k) is then at most 1/4 of the frontier
MAX_TRANSFER = 1.0


def holders(firms: FirmState) -> np.ndarray:
    """Row of the best live unit of each domain (the frontier holder), -1 where none."""
    rows = np.full(N_DOMAINS, -1)
    for d in range(N_DOMAINS):  # seven domains, not a loop over firms
        here = np.flatnonzero(firms.alive & (firms.domain == d))
        if here.size:
            rows[d] = here[np.argmax(firms.capability[here])]
    return rows


def transfer_rates(
    k: np.ndarray,
    reach: np.ndarray,
    learning_rate: np.ndarray,
    drift: np.ndarray,
    obsolescence: float,
) -> np.ndarray:
    """eps_d at which each domain's best domestic unit keeps its distance to the frontier.

    Reason: at rest ``(f + delta) k = lambda_d reach + eps k (1 - k)`` with
    ``reach = (1 + kappa b) ((X + X0)^alpha - X0^alpha)``, so
    ``eps = ((f + delta) k - lambda_d reach) / (k (1 - k))``, clipped to
    ``[0, MAX_TRANSFER]``. Where the best domestic unit holds the frontier (k >= 1) or does
    not exist the rate is not identified: NaN (the caller fills it).

    Args:
        k: Capability of each domain's best domestic unit (NaN where none).
        reach: Its ``(1 + kappa b) ((X + X0)^alpha - X0^alpha)`` at its effective R&D.
        learning_rate: lambda_d per domain.
        drift: f_d per quarter.
        obsolescence: delta per quarter.

    Returns:
        eps_d per domain, NaN where not identified.
    """
    behind = np.isfinite(k) & (k < 1.0) & (k > 0.0)
    kk = np.where(behind, k, 0.5)
    need = (drift + obsolescence) * kk - learning_rate * np.where(behind, reach, 0.0)
    eps = np.clip(need / (kk * (1.0 - kk)), 0.0, MAX_TRANSFER)
    return np.asarray(np.where(behind, eps, np.nan))


def filled(eps: np.ndarray) -> np.ndarray:
    """eps_d with the domains where it is not identified at the mean of the others (0 if none).

    Reason: a domain whose best domestic unit holds the frontier has no distance to hold;
    the transfer is a property of how knowledge moves in the industry, so it takes the
    other domains' mean (assumption).
    """
    known = np.isfinite(eps)
    fill = float(eps[known].mean()) if known.any() else 0.0
    return np.asarray(np.where(known, eps, fill))


def steady_capability(
    reach_at_frontier: np.ndarray,
    learning_rate: np.ndarray,
    transfer: np.ndarray,
    drift: np.ndarray,
    obsolescence: float,
    catch_up: float,
) -> np.ndarray:
    """The capability at which a unit with effective R&D X keeps its distance to the frontier.

    Reason: the law's rest, ``(f + delta) k = eps k (1 - k) + lambda R (1 + kappa (1 - k))``
    with ``R = (X + X0)^alpha - X0^alpha`` (``reach_at_frontier``), for k in [0, 1]: the
    quadratic ``eps k^2 + (f + delta - eps + kappa lambda R) k - (1 + kappa) lambda R = 0``,
    whose positive root is the steady state (at eps = 0 the linear root). Capped at 1: a
    unit whose R&D would hold it past the frontier would hold the frontier.

    Args:
        reach_at_frontier: R per unit (effort units^alpha).
        learning_rate: lambda_d of each unit's domain.
        transfer: eps_d of each unit's domain.
        drift: f_d of each unit's domain (per quarter).
        obsolescence: delta per quarter.
        catch_up: kappa.

    Returns:
        k* per unit, in [0, 1].
    """
    lr = learning_rate * reach_at_frontier
    c = drift + obsolescence
    b = c - transfer + catch_up * lr
    q = (1.0 + catch_up) * lr
    safe = np.where(transfer > 0.0, transfer, 1.0)
    root = (-b + np.sqrt(b * b + 4.0 * transfer * q)) / (2.0 * safe)
    linear = q / np.maximum(c + catch_up * lr, 1e-300)
    return np.asarray(np.clip(np.where(transfer > 0.0, root, linear), 0.0, 1.0))


def transfer_share(p: ModelParams, last_effort: np.ndarray | None) -> np.ndarray:
    """Each unit's share of the transfer: ``a0 + (1 - a0) x / (x + x_half)``, 1 at a0 = 1.

    Reason: ``knowledge.transfer_gain`` is ``eps k (1 - k)``, absorptive capacity k. With
    ``model.growth.transfer_absorption_floor`` a0 below 1 it is
    ``k (a0 + (1 - a0) x / (x + x_half))`` at last quarter's effort x (x_half:
    ``transfer_absorption_half_effort``; ``knowledge.effort_share``; None: no effort, as an
    entrant's).
    """
    g = p.growth
    x = np.zeros(1) if last_effort is None else last_effort
    if g.transfer_absorption_floor >= 1.0:
        return np.ones(np.shape(x))
    half = g.transfer_absorption_half_effort
    return effort_share(x, a0=g.transfer_absorption_floor, half_effort=half)


def transfer_of(p: ModelParams, rate: np.ndarray, last_effort: np.ndarray | None) -> np.ndarray:
    """The transfer rate each unit meets: eps_d times its ``transfer_share``.

    At a floor of 1 every unit meets ``eps_d`` (``rate`` itself: bit for bit as before).
    """
    if p.growth.transfer_absorption_floor >= 1.0:
        return rate
    return np.asarray(rate * transfer_share(p, last_effort))


def top_spenders(firms: FirmState, X: np.ndarray) -> np.ndarray:
    """Row of the live unit with the most effective R&D in each domain, -1 where none.

    Reason: under one lambda_d and a transfer the steady-state capability rises with X, so
    in a start at its own steady state (``model.growth.reanchored_start``) the unit with
    the most effective R&D is the frontier holder.
    """
    rows = np.full(N_DOMAINS, -1)
    for d in range(N_DOMAINS):  # seven domains, not a loop over firms
        here = np.flatnonzero(firms.alive & (firms.domain == d))
        if here.size:
            rows[d] = here[np.argmax(X[here])]
    return rows


def transfer_step(
    economy: Economy, firms: FirmState, domestic: np.ndarray, X: np.ndarray, p: ModelParams
) -> Economy:
    """eps_d moved half-way toward the rate that holds each best domestic unit at rest."""
    g = p.growth
    there = domestic >= 0
    k = np.full(N_DOMAINS, np.nan)
    reach = np.zeros(N_DOMAINS)
    k[there] = firms.capability[domestic[there]]
    reach[there] = catch_up_factor(k[there], g.catch_up) * returns_to_rnd(
        X[domestic[there]], g.rd_returns_exponent, g.effort_offset
    )
    wanted = transfer_rates(k, reach, economy.learning_rate, economy.drift, g.obsolescence)
    if g.transfer_absorption_floor < 1.0:
        # the anchor meets eps_d times its share of absorption; an anchor without R&D at a
        # floor of 0 absorbs nothing, so its domain's rate is not identified (NaN: filled)
        share = transfer_share(p, np.where(there, firms.effort[domestic], 0.0))
        safe = np.where(share > 0.0, share, 1.0)
        wanted = np.where(share > 0.0, np.minimum(wanted / safe, MAX_TRANSFER), np.nan)
    wanted = filled(wanted)
    if g.transfer_rate >= 0.0:  # one given rate for every domain
        return replace(economy, transfer_rate=np.full(N_DOMAINS, g.transfer_rate))
    before = economy.transfer_rate if economy.transfer_rate is not None else wanted
    return replace(economy, transfer_rate=0.5 * (before + wanted))


def reanchor(
    firms: FirmState,
    live: np.ndarray,
    kept: np.ndarray,
    X: np.ndarray,
    economy: Economy,
    p: ModelParams,
) -> None:
    """Move every live unit but ``kept`` half-way toward its steady-state capability."""
    g = p.growth
    rows = np.setdiff1d(live, kept)
    d = firms.domain[rows].astype(np.int64)
    assert economy.transfer_rate is not None
    star = steady_capability(
        returns_to_rnd(X[rows], g.rd_returns_exponent, g.effort_offset),
        economy.learning_rate[d],
        transfer_of(p, economy.transfer_rate[d], firms.effort[rows]),
        economy.drift[d],
        g.obsolescence,
        g.catch_up,
    )
    firms.capability[rows] = 0.5 * (firms.capability[rows] + np.minimum(star, 0.999))
