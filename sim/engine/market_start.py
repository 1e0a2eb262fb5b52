"""The start's outside goods, home bias and rest-of-world penalty, solved from target shares.

docs/model.md, sections 4 and 6.1; everything is solved per domain, vectorised over markets.

In domain d, a domestic seller's value is ``v = v0 + h_d`` in the domestic market and
``v = v0 - p_d`` in the rest of the world, a foreign seller's ``v = v0`` in both (``v0 = theta
k`` plus any other shift, e.g. complementarity). Market m = (d, g) has the outside weight O_m.
Write ``A^D_m = sum_{domestic r in m} exp(v0_r)``, ``A^F_m`` the same over foreign sellers,
``c_m = h_d`` (domestic market) or ``-p_d`` (rest of the world). The targets are

1. inside share ``t_m``: ``E_m / (E_m + O_m) = t_m``, ``E_m = exp(c_m) A^D_m + A^F_m``;
2. domestic share of the domestic market, and 3. of the rest of the world: domestic sellers'
   share ``s_m``, of the whole market (basis ``"market"``, what the outputs
   ``domestic_share_domestic_market`` and ``domestic_market_share`` measure) or among the
   sellers (basis ``"sellers"``).

Reason the three are solved exactly, without iteration: the domestic sellers' share among the
sellers, ``q_m = exp(c_m) A^D_m / E_m``, does not depend on O_m, and on basis ``"market"`` it
is ``s_m / t_m`` whatever O_m is. So ``q_m`` is known from the targets, and
``c_m = logit(q_m) + log A^F_m - log A^D_m`` (increasing in q_m), then
``O_m = E_m (1 - t_m) / t_m``. The targets interact only through ``q_m = s_m / t_m``
(a higher inside share lowers the shift needed for the same domestic share), which the closed
form carries. The solution is checked against ``demand.shares`` to a tolerance.

Why the penalty: every domestic firm sells in the rest of the world, so with hundreds of
modelled domestic startups and a handful of foreign firms the domestic firms would take most of
the rest of the world's inside share, a market some 50 times the domestic one, and that revenue
would dominate every marginal value. ``p_d`` holds them to ``domestic_share_row_initial``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from sim.config.vocabulary import DOMAINS, DOMESTIC, N_DOMAINS
from sim.engine.demand import shares as logit_shares
from sim.engine.markets import (
    DOMESTIC_MARKET,
    GEOGRAPHIES,
    N_GEOGRAPHIES,
    N_MARKETS,
    REST_OF_WORLD,
    ShareBasis,
    check_basis,
    market_domain,
    market_geography,
    seller_shift,
)

# Domestic firms' share of the rest of the world's market at the start (share of the whole
# market). Assumption: docs/model.md's inputs give no source. Korea is 1.85 % of the world
# market in 2030 (KITA: 15.3 of 826.7 USD bn); with a domestic share of 0.25 of the domestic
# market, 0.01 of the rest of the world (53 times as large) makes domestic firms earn about
# twice as much abroad as at home (0.01 x 53 / 0.25 = 2.1); 0.0047 would make it equal.
DOMESTIC_SHARE_ROW_INITIAL = 0.01
DEFAULT_TOLERANCE = 1e-9  # largest accepted miss of a target share (share)


@dataclass(frozen=True)
class StartCalibration:
    """Solved start values, per market and per domain.

    Attributes:
        outside: Outside-good weight O_m per market (units of ``exp(v)``), shape (N_MARKETS,),
            indexed by ``market_id``; 1 in a market without sellers.
        home_bias: h_d, domestic sellers' shift in the domestic market of each domain (logit
            units), shape (N_DOMAINS,); negative if domestic sellers would otherwise exceed
            the target. 0 where it is not identified (no domestic or no foreign seller).
        row_penalty: p_d, domestic sellers' value loss in the rest of the world (logit units),
            shape (N_DOMAINS,); the shift is ``-p_d``. 0 where not identified.
    """

    outside: np.ndarray
    home_bias: np.ndarray
    row_penalty: np.ndarray

    def shift(self, region: ArrayLike, market: ArrayLike) -> np.ndarray:
        """Per-row value shift ``+h_d`` / ``-p_d`` of domestic sellers (``seller_shift``)."""
        return seller_shift(region, market, self.home_bias, self.row_penalty)


def _log_attraction(value: np.ndarray, market: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """``log sum_{r in m, keep} exp(v_r)`` per market, -inf where no row is kept."""
    top = np.full(N_MARKETS, -np.inf)
    np.maximum.at(top, market[keep], value[keep])
    base = np.where(np.isfinite(top), top, 0.0)
    total = np.bincount(
        market[keep], weights=np.exp(value[keep] - base[market[keep]]), minlength=N_MARKETS
    )
    with np.errstate(divide="ignore"):
        return np.asarray(base + np.log(total))


def _targets(
    inside_share: ArrayLike, domestic_share: ArrayLike, domestic_share_row: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """Inside and domestic target shares per market, validated, shapes (N_MARKETS,)."""
    t = np.broadcast_to(np.asarray(inside_share, dtype=np.float64), (N_GEOGRAPHIES, N_DOMAINS))
    by_geography = [np.asarray(domestic_share, float), np.asarray(domestic_share_row, float)]
    s = np.stack([np.broadcast_to(x, (N_DOMAINS,)) for x in by_geography])
    if np.any(~((t > 0.0) & (t <= 1.0))):
        raise ValueError(f"target inside shares must lie in (0, 1]; got {t.tolist()}")
    if np.any(~((s >= 0.0) & (s <= 1.0))):
        raise ValueError(f"target domestic shares must lie in [0, 1]; got {s.tolist()}")
    return t.ravel(), s.ravel()


def _market_names(markets: np.ndarray) -> str:
    """``domain/geography`` names of the given market ids, comma-separated."""
    names = [
        f"{DOMAINS[d]}/{GEOGRAPHIES[g]}"
        for d, g in zip(
            market_domain(markets).tolist(), market_geography(markets).tolist(), strict=True
        )
    ]
    return ", ".join(names)


def calibrate_start(
    base_value: ArrayLike,
    market: ArrayLike,
    region: ArrayLike,
    inside_share: ArrayLike,
    domestic_share: ArrayLike,
    domestic_share_row: ArrayLike = DOMESTIC_SHARE_ROW_INITIAL,
    *,
    basis: ShareBasis = "market",
    tol: float = DEFAULT_TOLERANCE,
) -> StartCalibration:
    """Solve O_m, h_d and p_d so that the start hits the three target shares in every domain.

    See the module docstring for the formulas. A market without sellers is left out (O = 1).
    A shift is identified only where both domestic and foreign firms sell; where only one
    group sells, its share among the sellers is 1 or 0 whatever the shift, and the target must
    say so.

    Args:
        base_value: Value of each row before the domestic sellers' shift, e.g. ``theta k``
            (logit units), shape (R,).
        market: Market of each row (``market_id``), shape (R,).
        region: Region of each row's seller (``REGIONS`` index), shape (R,).
        inside_share: Target share of all sellers together, t in (0, 1] (1 - the outside
            share); broadcast to (N_GEOGRAPHIES, N_DOMAINS): a scalar, per domain (N_DOMAINS,)
            or per geography (N_GEOGRAPHIES, 1).
        domestic_share: Target share of domestic sellers in each domain's domestic market,
            in [0, 1], scalar or (N_DOMAINS,) (share on ``basis``).
        domestic_share_row: The same in each domain's rest-of-world market.
        basis: ``"market"``: domestic shares of the whole market (outside good counted; must
            be below the inside share); ``"sellers"``: shares among the sellers.
        tol: Largest accepted miss of any target share after solving (share).

    Returns:
        The solved ``StartCalibration``; ``v0 + calibration.shift(region, market)`` with
        ``calibration.outside`` gives the target shares in ``demand.shares``.

    Raises:
        ValueError: If a target is out of range or infeasible (message names the markets).
        ArithmeticError: If the solved values miss a target by more than ``tol`` (overflow).
    """
    check_basis(basis)
    v, m = np.asarray(base_value, dtype=np.float64), np.asarray(market, dtype=np.int64)
    domestic = np.asarray(region) == DOMESTIC
    t, s = _targets(inside_share, domestic_share, domestic_share_row)
    q = s / t if basis == "market" else s  # domestic sellers' target share among sellers
    log_d, log_f = _log_attraction(v, m, domestic), _log_attraction(v, m, ~domestic)
    has_d, has_f = np.isfinite(log_d), np.isfinite(log_f)
    both = has_d & has_f
    infeasible = np.where(
        both,
        (q <= 0.0) | (q >= 1.0),
        (has_d & (np.abs(q - 1.0) > tol)) | (has_f & (q > tol)),
    )
    if np.any(infeasible):
        bad = np.flatnonzero(infeasible)
        raise ValueError(
            f"infeasible domestic share targets ({basis} basis) in {_market_names(bad)}: the "
            f"domestic sellers' share among sellers must lie strictly between 0 and 1 where "
            f"domestic and foreign firms sell (on the market basis the target must be below "
            f"the inside share), be 1 where only domestic firms sell, 0 where only foreign "
            f"ones do; targets {s[bad].tolist()}, inside shares {t[bad].tolist()}"
        )
    q_in = np.clip(q, 0.5 * np.finfo(float).eps, 1.0 - np.finfo(float).eps)
    gap = np.where(both, log_f, 0.0) - np.where(both, log_d, 0.0)  # log(A^F / A^D)
    shift = np.where(both, np.log(q_in) - np.log1p(-q_in) + gap, 0.0)
    log_e = np.logaddexp(log_d + shift, log_f)  # -inf in a market without sellers
    served = np.isfinite(log_e)
    with np.errstate(over="ignore"):  # an overflow fails the check below
        outside = np.where(served, np.exp(np.where(served, log_e, 0.0)) * (1.0 - t) / t, 1.0)
    solved = StartCalibration(
        outside=outside,
        home_bias=shift.reshape(N_GEOGRAPHIES, N_DOMAINS)[DOMESTIC_MARKET],
        row_penalty=0.0 - shift.reshape(N_GEOGRAPHIES, N_DOMAINS)[REST_OF_WORLD],
    )
    _check_solution(solved, v, m, np.asarray(region), t, s, basis, tol)
    return solved


def _check_solution(
    solved: StartCalibration,
    value: np.ndarray,
    market: np.ndarray,
    region: np.ndarray,
    t: np.ndarray,
    s: np.ndarray,
    basis: ShareBasis,
    tol: float,
) -> None:
    """Raise ``ArithmeticError`` unless the solved start hits every target to ``tol``."""
    share = logit_shares(value + solved.shift(region, market), market, N_MARKETS, solved.outside)
    inside = np.bincount(market, weights=share, minlength=N_MARKETS)
    dom = np.bincount(market, weights=share * (region == DOMESTIC), minlength=N_MARKETS)
    if basis == "sellers":
        dom = np.divide(dom, inside, out=np.zeros(N_MARKETS), where=inside > 0.0)
    served = np.bincount(market, minlength=N_MARKETS) > 0
    hit = (np.abs(inside - t) <= tol) & (np.abs(dom - s) <= tol)  # False on NaN
    miss = served & ~hit
    if np.any(miss):
        raise ArithmeticError(
            f"start calibration missed its targets by more than {tol} in "
            f"{_market_names(np.flatnonzero(miss))} (inside {inside[miss].tolist()}, domestic "
            f"{dom[miss].tolist()}); are the values too large for floating point?"
        )
