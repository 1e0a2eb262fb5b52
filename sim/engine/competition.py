"""Competition policy of docs/model.md 6.8: safe harbour, clarity, collusion, enforcement.

Functions of arrays and floats. A **cell** is one (alliance, market) pair; per-cell arrays
have shape (n_alliances, n_markets), and ``cell = alliance * n_markets + market`` flattens
them. Rows are the seller-in-market rows of ``sim.engine.markets`` (``firm[r]``,
``market[r]``), with shares of the whole market (outside good counted) and revenue
``R_jm = s_jm M_m`` (USD m a quarter); the row of a firm alone is in no cell (``NO_CELL``).
Only domestic markets are policed (docs/model.md section 9, item 9): ``domestic`` is a bool
per market, ``markets.market_geography(np.arange(n)) == markets.DOMESTIC_MARKET``.

Parameters, passed by the caller, with the defaults of docs/model.md 6.8:

- ``safe_harbour`` s_SH = 0.25, share of the relevant market (EU R&D block exemption,
  Commission Regulation (EU) 2023/1066);
- ``detection`` p = 0.04 per quarter (about 15 %/yr; Bryant and Eckard 1991);
- ``fine_rate`` phi = 0.10, share of relevant sales over L quarters (assumption);
- ``fine_base_quarters`` L = 4 quarters (assumption);
- ``coop_fine_rate`` phi_coop = 0.02, share of relevant sales over L (assumption);
- ``threshold`` s_coll = 0.30, share (assumption);
- ``max_uplift`` Delta mu_max = 0.10, margin points at S = 1 (assumption);
- ``cooldown_quarters`` T_cd = 8 quarters (assumption);
- ``clarity`` c in [0, 1]: 0.3, 0.9 with guidance (assumption).

Order within a quarter: ``collusion_decision`` (with the cooldown left from last quarter),
``row_margin``, ``challenge_probability``, ``enforcement_draws``, ``member_fines``, then
``update_cooldown``. A cell detected in quarter t colludes, earns the uplift and pays its
fine in t, and its market is barred in t+1 .. t+T_cd.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from sim.engine.state import NO_ALLIANCE

NO_CELL = -1  # cell of a row whose firm is in no alliance


def _f(x: ArrayLike) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def _b(x: ArrayLike) -> np.ndarray:
    return np.asarray(x, dtype=bool)


def harbour_excess(share: ArrayLike, safe_harbour: float) -> np.ndarray:
    """``Psi(S) = max(0, (S - s_SH) / (1 - s_SH))``: how far S lies above the safe harbour.

    Reason: docs/model.md 6.8, "Safe harbour and clarity": 0 inside the harbour, 1 at S = 1.
    """
    return np.asarray(np.maximum(0.0, (_f(share) - safe_harbour) / (1.0 - safe_harbour)))


def perceived_challenge(
    share: ArrayLike, clarity: ArrayLike, detection: float, safe_harbour: float
) -> np.ndarray:
    """``P_hat(S, c) = p [c Psi(S) + (1 - c) S]``: the challenge probability firms fear.

    Reason: docs/model.md 6.8: clarity mixes the true rule ``p Psi(S)`` with a naive fear
    proportional to share; at c = 1 cooperation inside the harbour is feared not at all.

    Returns:
        P_hat per quarter, ``share`` and ``clarity`` broadcast.
    """
    s, c = _f(share), _f(clarity)
    return np.asarray(detection * (c * harbour_excess(s, safe_harbour) + (1.0 - c) * s))


@dataclass(frozen=True)
class AllianceMarkets:
    """Group sums of an alliance's member sellers per market, each (n_alliances, n_markets).

    Attributes:
        share: S_{A,m}, the members' combined share of market m (share).
        revenue: R_{A,m}, the members' revenue in m (USD m a quarter).
        sellers: Number of member sellers in m (a firm sells at most once per market).
    """

    share: np.ndarray
    revenue: np.ndarray
    sellers: np.ndarray


def row_cell(market: ArrayLike, alliance_of_row: ArrayLike, n_markets: int) -> np.ndarray:
    """Cell ``alliance * n_markets + market`` of each row, ``NO_CELL`` for a firm alone."""
    a, m = np.asarray(alliance_of_row, dtype=np.int64), np.asarray(market, dtype=np.int64)
    return np.where(a != NO_ALLIANCE, a * n_markets + m, NO_CELL)


def cell_value(per_cell: ArrayLike, cell: ArrayLike, alone: float | bool) -> np.ndarray:
    """Each row's value of a per-cell array, ``alone`` for rows with ``NO_CELL``."""
    flat, c = np.asarray(per_cell).reshape(-1), np.asarray(cell, dtype=np.int64)
    if not flat.size:
        return np.full(c.shape, alone, dtype=flat.dtype)
    return np.where(c != NO_CELL, flat[np.where(c != NO_CELL, c, 0)], alone)


def alliance_market_shares(
    share: ArrayLike,
    revenue: ArrayLike,
    market: ArrayLike,
    alliance_of_row: ArrayLike,
    n_alliances: int,
    n_markets: int,
) -> AllianceMarkets:
    """``S_{A,m} = sum_{j in A, N_m} s_jm``, ``R_{A,m}`` and the member sellers of each cell.

    Reason: docs/model.md 6.8, "Relevant market and shares"; rows of firms alone are left out.
    Per row (R,): ``share`` of the whole market, ``revenue`` (USD m a quarter), ``market``
    and ``alliance_of_row`` (``NO_ALLIANCE`` alone; federation roots pool a federation).

    Returns:
        The three group sums, each (n_alliances, n_markets).
    """
    cell = row_cell(market, alliance_of_row, n_markets)
    member, key = cell != NO_CELL, np.where(cell != NO_CELL, cell, 0)
    size, shape = n_alliances * n_markets, (n_alliances, n_markets)

    def total(weights: np.ndarray) -> np.ndarray:
        return np.bincount(key, weights=weights * member, minlength=size)[:size].reshape(shape)

    sellers = np.rint(total(np.ones(cell.shape))).astype(np.int64)
    return AllianceMarkets(share=total(_f(share)), revenue=total(_f(revenue)), sellers=sellers)


def margin_uplift(share: ArrayLike, max_uplift: float) -> np.ndarray:
    """``Delta mu(S) = Delta mu_max S``: the colluders' margin increase (margin points).

    Reason: docs/model.md 6.8, "Gain from a margin increase" (reduced form: a logit group's
    markup rises with its combined share).
    """
    return np.asarray(max_uplift * _f(share))


def deterrence_share(
    detection: float, fine_rate: float, fine_base_quarters: float, max_uplift: float
) -> float:
    """``p phi L / Delta mu_max``: collusion pays only at combined shares above it (share).

    Reason: docs/model.md 6.8, "Decision": ``G > E[F]`` reduces to
    ``Delta mu_max S > p phi L``; 0.16 at the defaults, 0.8 with p = 0.1, phi = 0.2.

    Returns:
        The share; ``inf`` if ``max_uplift`` is 0 (collusion never pays).
    """
    expected_fine = detection * fine_rate * fine_base_quarters
    return float(np.inf) if max_uplift == 0.0 else float(expected_fine / max_uplift)


def collusion_decision(
    share: ArrayLike,
    sellers: ArrayLike,
    threshold: float,
    detection: float,
    fine_rate: float,
    fine_base_quarters: float,
    max_uplift: float,
    cooldown_left: ArrayLike,
    domestic: ArrayLike,
) -> np.ndarray:
    """Whether the member sellers of each cell collude (bool, (n_alliances, n_markets)).

    Reason: docs/model.md 6.8, "Collusion as a decision": two or more member sellers, not in
    a cooldown, a domestic market, ``S >= s_coll`` and ``Delta mu_max S > p phi L``. Clarity
    plays no part: it enters only the membership term AT. ``share`` and ``sellers`` are per
    cell (``AllianceMarkets``); ``cooldown_left`` is the quarters the market is still barred
    (0 = free), per market or per cell; ``domestic`` is per market.
    """
    s = _f(share)
    pays = max_uplift * s > detection * fine_rate * fine_base_quarters
    free = (np.asarray(sellers) >= 2) & (np.asarray(cooldown_left) <= 0) & _b(domestic)
    return np.asarray(free & (s >= threshold) & pays)


def challenge_probability(
    share: ArrayLike,
    colluding: ArrayLike,
    exempt: ArrayLike,
    domestic: ArrayLike,
    detection: float,
    safe_harbour: float,
) -> np.ndarray:
    """True challenge probability ``p Psi(S)`` of legitimate cooperation, per cell and quarter.

    Reason: docs/model.md 6.8: cooperation above the harbour may be challenged, mandated
    ``cap_exempt`` alliances (``exempt``, shape (n_alliances,)) are not, colluding cells face
    detection instead, and only domestic markets are policed. 0 on all those cells.
    """
    legit = ~_b(colluding) & ~_b(exempt)[:, None] & _b(domestic)[None, :]
    return np.asarray(np.where(legit, detection * harbour_excess(share, safe_harbour), 0.0))


def enforcement_draws(
    colluding: ArrayLike, challenge: ArrayLike, detection: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """The quarter's detections of collusion and challenges of cooperation, per cell.

    Reason: docs/model.md 6.8, "Consequences" and "Safe harbour and clarity". Fixed order:
    one call ``rng.random((2, n_alliances, n_markets))``, in C order: the detection uniform
    of every cell (alliance-major), then the challenge uniform of every cell. Every cell is
    drawn whatever the state, so the stream does not depend on who colludes. ``colluding``
    and ``challenge`` (``challenge_probability``) are per cell.

    Returns:
        ``(detected, challenged)``: ``colluding & (u0 < p)`` and ``u1 < challenge``.
    """
    col = _b(colluding)
    u = rng.random((2, *col.shape))
    return col & (u[0] < detection), np.asarray(u[1] < _f(challenge))


def member_fines(
    revenue: ArrayLike, cell: ArrayLike, fined: ArrayLike, rate: float, fine_base_quarters: float
) -> np.ndarray:
    """Fine ``rate L R_jm`` of each row whose cell is ``fined`` (USD m), 0 for others.

    Reason: docs/model.md 6.8: detected collusion fines each colluder ``phi L R_jm`` (no
    exemption for mandates); a successful challenge fines each member in m
    ``phi_coop L R_jm``. Call it with ``detected, fine_rate`` and ``challenged,
    coop_fine_rate``; ``cell`` is ``row_cell``.
    """
    hit = cell_value(_b(fined), cell, False)
    return np.asarray(np.where(hit, rate * fine_base_quarters * _f(revenue), 0.0))


def row_margin(
    base_margin: ArrayLike, cell: ArrayLike, colluding: ArrayLike, uplift: ArrayLike
) -> np.ndarray:
    """Margin of each row: ``mu + Delta mu(S_{A,m})`` where its cell colludes, else mu.

    Reason: docs/model.md 6.8, "Consequences": colluders earn ``mu + Delta mu`` on R_jm.
    ``uplift`` is ``margin_uplift`` per cell; ``base_margin`` is scalar or per row.
    """
    extra = np.where(_b(colluding), _f(uplift), 0.0)
    return np.asarray(_f(base_margin) + cell_value(extra, cell, 0.0))


def collusion_harm(
    share: ArrayLike, revenue: ArrayLike, colluding: ArrayLike, max_uplift: float
) -> float:
    """``sum over colluding (A, m) of Delta mu(S_{A,m}) R_{A,m}`` (USD m a quarter).

    Reason: docs/model.md 6.8, "Outcomes": the overcharge taken from buyers, a lower bound.
    """
    gain = margin_uplift(share, max_uplift) * _f(revenue)
    return float(np.sum(np.where(_b(colluding), gain, 0.0)))


def collusion_risk(
    share: ArrayLike, colluding: ArrayLike, market_size: ArrayLike, domestic: ArrayLike
) -> float:
    """``sum_m M_m sum_{A colluding in m} S_{A,m} / sum_m M_m`` over domestic markets.

    Reason: docs/model.md 6.8, "Outcomes": the share of the domestic relevant markets held by
    colluding alliances, clipped to [0, 1] (shares are ratios of sums); 0 without markets.
    """
    size = np.where(_b(domestic), _f(market_size), 0.0)
    held = np.where(_b(colluding), _f(share), 0.0).sum(axis=0)
    total = float(size.sum())
    return 0.0 if total <= 0.0 else float(np.clip((held * size).sum() / total, 0.0, 1.0))


def expected_antitrust_cost(
    share: ArrayLike,
    revenue: ArrayLike,
    colludes: ArrayLike,
    clarity: ArrayLike,
    money_multiplier: float,
    level_multiplier: ArrayLike,
    detection: float,
    safe_harbour: float,
    coop_fine_rate: float,
    fine_rate: float,
    fine_base_quarters: float,
    max_uplift: float,
    exempt: ArrayLike = False,
) -> np.ndarray:
    """Membership term ``AT_f(o)`` of docs/model.md 6.5 per (firm, option) pair (USD m).

    Reason: docs/model.md 6.5 and 6.8: ``Lambda^0 sum_m P_hat(S, c) phi_coop L R_im`` over
    the domestic markets, minus ``sum_{m coll} Lambda^lev_m (Delta mu(S) - p phi L) R_im``.

    ``share`` is S_{A,m}(o), the option's alliance share of each domestic market after the
    move, ``revenue`` the firm's R_im there (USD m a quarter) and ``colludes`` whether the
    option's alliance would collude there (``collusion_decision`` on the option's cells), all
    (P, D) for P pairs and D domestic markets (share 0 and no collusion for going alone).
    ``clarity`` broadcasts with (P, D); ``money_multiplier`` is Lambda^0 and
    ``level_multiplier`` Lambda^lev_m, (D,) or (P, D) (quarters); ``exempt`` (scalar or (P,))
    marks cap-exempt mandates, never challenged and so feared not at all.

    Returns:
        AT per pair, shape (P,): expected cooperation fines less the net value of collusion.
    """
    s, r = _f(share), _f(revenue)
    fear = perceived_challenge(s, clarity, detection, safe_harbour) * coop_fine_rate
    fines = np.where(_b(exempt), 0.0, money_multiplier * (fear * fine_base_quarters * r).sum(-1))
    net = margin_uplift(s, max_uplift) - detection * fine_rate * fine_base_quarters
    value = _f(level_multiplier) * np.where(_b(colludes), net * r, 0.0)
    return np.asarray(fines - value.sum(axis=-1))


def update_cooldown(
    cooldown_left: ArrayLike, detected: ArrayLike, cooldown_quarters: int
) -> np.ndarray:
    """Count the cooldown down one quarter; reset it to T_cd where collusion was detected.

    Reason: docs/model.md 6.8, "Consequences": after a detection the market is barred from
    collusion for T_cd quarters. ``cooldown_left`` is per market (n_markets,) or per cell;
    ``detected`` is per cell, and per market a detection of any alliance bars the market.

    Returns:
        The quarters left (int), shape of ``cooldown_left``.
    """
    left = np.asarray(cooldown_left, dtype=np.int64)
    hit = _b(detected)
    if hit.shape != left.shape:
        hit = np.asarray(hit.reshape(-1, *left.shape).any(axis=0))
    return np.asarray(np.where(hit, cooldown_quarters, np.maximum(left - 1, 0)))
