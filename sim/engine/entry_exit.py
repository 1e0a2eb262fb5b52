"""Entry of new domestic startups and exit of startups (docs/model.md 6.9; section 9, 18-19).

Money in USD m, flows per quarter; Lambda^lev and Lambda^0 in quarters
(``rnd_game.horizon_multipliers(...).level``, ``.money``). ``entrant_value`` takes (domain,
geography) tables, geography 0 domestic (``markets.DOMESTIC_MARKET``), 1 the rest of the
world; ``by_domain`` builds them from ``market_id`` order. Every rule broadcasts.

Defaults (``model.growth``; assumptions, to calibrate to the survey): ``entry_pool`` N_pot
0.04 (potential entrants a quarter, share of the initial domestic startups); ``entry_cost``
E 1.5 (USD m); ``entry_noise`` sigma_e 1.0 (multiple of E); ``seed_funding`` f_seed 1.0 (USD
m per potential entrant); ``entrant_capability`` k_e 0.35 (frontier units); ``exit_capital``
0.25 (USD m); ``fixed_cost_startup`` Phi_s 0.1 (USD m a quarter, a small team).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import special, stats

from sim.config.vocabulary import N_DOMAINS, N_GEOGRAPHIES

_NORMAL_ABOVE = 1e9  # Poisson means above this are drawn by the normal approximation


def _f(x: ArrayLike) -> np.ndarray:
    """``x`` as a float64 array."""
    return np.asarray(x, dtype=np.float64)


def _logistic(z: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-z))`` without overflow; NaN (0/0, a zero scale at a tie) gives 1/2."""
    z = np.where(np.isnan(z), 0.0, z)
    e = np.exp(-np.abs(z))  # in [0, 1]: never overflows
    return np.asarray(np.where(z >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e)))


def by_domain(per_market: ArrayLike) -> np.ndarray:
    """An array over markets (last axis, ``market_id`` order) as (..., N_DOMAINS, 2)."""
    x = _f(per_market)
    return np.swapaxes(x.reshape(*x.shape[:-1], N_GEOGRAPHIES, N_DOMAINS), -1, -2)


def entrant_share(
    value_entrant: ArrayLike, market_values_sum: ArrayLike, outside: ArrayLike
) -> np.ndarray:
    """Logit share a new seller would win in a market, ``e^v / (E + e^v + O)``.

    Reason: docs/model.md 6.9 (``s^e_{d,g}``) in the demand of 6.1: the entrant joins the
    current sellers and the outside good. Computed as ``logistic(v - log(E + O))``, so it
    never overflows; 1 in an empty market without outside good.

    Args:
        value_entrant: The entrant's logit value v in each market (logit units), e.g.
            ``theta k_e + h`` domestically and ``theta k_e`` in the rest of the world.
        market_values_sum: E, the sum of ``exp(v)`` over the market's current sellers (>= 0).
        outside: O, the market's outside-good weight (>= 0).

    Returns:
        The entrant's share of the whole market, in [0, 1], broadcast.
    """
    rest = 0.5 * _f(market_values_sum) + 0.5 * _f(outside)  # halved: E + O cannot overflow
    with np.errstate(divide="ignore", invalid="ignore"):
        return _logistic(_f(value_entrant) - np.log(rest) - np.log(2.0))


def entrant_value(
    shares_by_geography: ArrayLike,
    market_sizes: ArrayLike,
    margin: ArrayLike,
    level_multiplier: ArrayLike,
    money_multiplier: ArrayLike,
    fixed_cost: ArrayLike,
    rd_spend: ArrayLike,
) -> np.ndarray:
    """Value of a new startup per domain over the horizon, ``V^e_d`` (USD m).

    Reason: docs/model.md 6.9: ``V^e_d = sum_g mu M_{d,g} s^e_{d,g} Lambda^lev_{d,g} -
    Lambda^0 (Phi_s + RD^e_d)``, the entrant's margin on its logit revenue in both
    geographies less its fixed cost and the R&D it would spend alone, over the horizon.

    Args:
        shares_by_geography: ``s^e_{d,g}`` (``entrant_share``), shape (..., N_DOMAINS, 2).
        market_sizes: ``M_{d,g}`` (USD m a quarter), broadcastable to the shares.
        margin: mu (share of revenue), broadcastable to the shares.
        level_multiplier: ``Lambda^lev_{d,g}`` (quarters), broadcastable to the shares.
        money_multiplier: ``Lambda^0`` (quarters), broadcastable to the result.
        fixed_cost: ``Phi_s`` (USD m a quarter), broadcastable to the result.
        rd_spend: ``RD^e_d`` (USD m a quarter), shape (..., N_DOMAINS) or broadcastable.

    Returns:
        ``V^e``, shape (..., N_DOMAINS) (USD m).
    """
    revenue = _f(margin) * _f(market_sizes) * _f(shares_by_geography) * _f(level_multiplier)
    cost = _f(money_multiplier) * (_f(fixed_cost) + _f(rd_spend))
    return np.asarray(revenue.sum(axis=-1) - cost)


def funding_per_entrant(
    seed_funding: ArrayLike, public_funding: ArrayLike, potential_entrants: ArrayLike
) -> np.ndarray:
    """Money per potential entrant, ``f_t = f_seed + F^pub_t / N_pot`` (USD m).

    Reason: docs/model.md 6.9 and section 9, item 19: funding enters entry as money per
    potential entrant, venture money plus the quarter's public startup funding shared out.

    Args:
        seed_funding: ``f_seed`` (USD m per potential entrant).
        public_funding: ``F^pub_t``, the quarter's public startup funding (USD m).
        potential_entrants: ``N_pot`` (>= 0, need not be whole); 0 gives ``f_seed``.

    Returns:
        ``f_t`` (USD m), broadcast.
    """
    n = _f(potential_entrants)
    share = _f(public_funding) / np.where(n > 0.0, n, 1.0)
    return np.asarray(_f(seed_funding) + np.where(n > 0.0, share, 0.0))


def entry_probability(
    value: ArrayLike, funding: ArrayLike, entry_cost: ArrayLike, noise: ArrayLike
) -> np.ndarray:
    """Probability that a potential entrant enters, ``P_d`` (docs/model.md 6.9).

    Reason: docs/model.md 6.9 and section 9, item 19: a logit of the new firm's value plus
    its funding against the entry cost, ``1 / (1 + exp(-(V + f - E) / (sigma_e E)))``. 1/2 at
    ``V + f = E``, rising in V and f; falling in E only while ``V + f > 0``, as E scales the
    noise too (flat at ``V + f = 0``, rising below). Stable for any finite inputs (terms are
    quartered before they are added: no overflow); ``sigma_e E = 0`` gives the step.

    Args:
        value: ``V^e_d`` (USD m), ``entrant_value``.
        funding: ``f_t`` (USD m), ``funding_per_entrant``.
        entry_cost: E (USD m, >= 0).
        noise: ``sigma_e`` (multiple of E, >= 0).

    Returns:
        ``P_d`` in [0, 1] (strictly inside unless the argument is beyond about +-37), broadcast.
    """
    E, sigma = _f(entry_cost), _f(noise)
    if np.any(E < 0.0) or np.any(sigma < 0.0):
        raise ValueError(f"entry cost and noise must be >= 0, got {E!r} and {sigma!r}")
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        excess = 0.25 * _f(value) + 0.25 * _f(funding) - 0.25 * E
        return _logistic(excess / (sigma * (0.25 * E)))


def expected_entrants(
    potential: ArrayLike, domain_weights: ArrayLike, probability: ArrayLike
) -> np.ndarray:
    """Expected entrants per domain, ``N_pot w_d P_d`` (the Poisson means of docs/model.md 6.9).

    Args:
        potential: ``N_pot``, potential entrants this quarter (>= 0).
        domain_weights: ``w_d``, ``world.domain_weights`` (shares, used as given), (N_DOMAINS,).
        probability: ``P_d`` (``entry_probability``), broadcastable to the weights.

    Returns:
        Expected entrants per domain.
    """
    return np.asarray(_f(potential) * _f(domain_weights) * _f(probability))


def draw_entrants(
    potential: ArrayLike,
    domain_weights: ArrayLike,
    probability: ArrayLike,
    rng: np.random.Generator,
) -> np.ndarray:
    """Number of entrants per domain, Poisson with mean ``N_pot w_d P_d`` (docs/model.md 6.9).

    Reason: one uniform per domain, in domain order, through the Poisson inverse CDF: the
    generator advances by the same amount whatever the means (numpy's own Poisson sampler
    consumes a varying number of bits), and with the same seed a larger mean never draws
    fewer entrants, so scenarios compare on common random numbers. Means above 1e9 use the
    normal approximation (relative error below 1e-4).

    Args:
        potential: ``N_pot`` (>= 0).
        domain_weights: ``w_d`` (shares), shape (N_DOMAINS,).
        probability: ``P_d`` in [0, 1], broadcastable to the weights.
        rng: The generator to draw from.

    Returns:
        Entrants per domain, int64, the shape of the weights.
    """
    mean = expected_entrants(potential, domain_weights, probability)
    if np.any(mean < 0.0) or not np.all(np.isfinite(mean)):
        raise ValueError(f"Poisson means must be finite and >= 0, got {mean!r}")
    u = rng.random(mean.shape)
    big = mean > _NORMAL_ABOVE  # scipy's Poisson quantile fails above about 1e11
    k = stats.poisson.ppf(u, np.where(big, 0.0, mean))
    with np.errstate(divide="ignore"):
        k_big = np.floor(mean + np.sqrt(mean) * special.ndtri(u) + 0.5)
    return np.asarray(np.clip(np.where(big, k_big, k), 0.0, 2.0**62), dtype=np.int64)


def entrant_capital(
    funding: float, sigma: float, count: int, rng: np.random.Generator
) -> np.ndarray:
    """Starting capital of each entrant, ``f_t`` times a lognormal(0, sigma) draw (USD m).

    Reason: docs/model.md 6.9: capital is the funding per potential entrant scaled by a
    lognormal of shape ``world.startup_capital_sigma``; location 0, so ``f_t`` is the
    median (the mean is ``f_t exp(sigma^2 / 2)``).

    Args:
        funding: ``f_t`` (USD m).
        sigma: Lognormal shape (>= 0).
        count: Number of entrants (>= 0): exactly ``count`` draws.
        rng: The generator to draw from.

    Returns:
        Capital per entrant (USD m), shape (count,).
    """
    return np.asarray(funding * rng.lognormal(0.0, sigma, int(count)))


def continuation_value(
    capital: ArrayLike,
    revenue: ArrayLike,
    margin: ArrayLike,
    level_multiplier: ArrayLike,
    money_multiplier: ArrayLike,
    fixed_cost: ArrayLike,
    rd_spend: ArrayLike,
    fee: ArrayLike,
    coordination_cost: ArrayLike,
    subsidy: ArrayLike,
) -> np.ndarray:
    """A startup's value of continuing, its cash counted (USD m).

    Reason: docs/model.md 6.9 and section 9, item 18: ``K + Lambda^lev mu R - Lambda^0 (Phi +
    RD + fee + cc - sub)``: funders keep a startup going while its cash plus the horizon's
    expected operating result is positive. Linear: rising in K, R, mu, Lambda^lev and sub;
    falling in Phi, RD, fee, cc (and in Lambda^0 while costs exceed the subsidy).

    Args:
        capital: K_f (USD m).
        revenue: R_f, the firm's revenue summed over its markets (USD m a quarter). With
            market-specific multipliers pass ``sum_m Lambda^lev_m R_fm`` and multiplier 1.
        margin: mu (share of revenue).
        level_multiplier: ``Lambda^lev`` (quarters).
        money_multiplier: ``Lambda^0`` (quarters).
        fixed_cost: ``Phi`` (USD m a quarter; ``Phi_s`` for startups).
        rd_spend: RD_f, the firm's own R&D spending (USD m a quarter).
        fee: Alliance fee paid, net (USD m a quarter; negative for a leader who receives).
        coordination_cost: cc_f (USD m a quarter).
        subsidy: sub_f (USD m a quarter).

    Returns:
        The continuation value (USD m), broadcast.
    """
    costs = _f(fixed_cost) + _f(rd_spend) + _f(fee) + _f(coordination_cost) - _f(subsidy)
    operating = _f(level_multiplier) * _f(margin) * _f(revenue)
    return np.asarray(_f(capital) + operating - _f(money_multiplier) * costs)


def exits(
    capital: ArrayLike,
    continuation: ArrayLike,
    exit_capital: ArrayLike,
    is_startup: ArrayLike,
    alive: ArrayLike,
) -> np.ndarray:
    """Which firms exit this quarter (docs/model.md 6.9, section 9 item 18).

    Reason: an alive startup exits when its capital is exhausted (``K < exit_capital``) or
    its value of continuing is negative; conglomerates are backed by their groups and never
    exit, and rows already dead stay as they are.

    Args:
        capital: K_f (USD m), shape (n,).
        continuation: ``continuation_value`` (USD m), shape (n,).
        exit_capital: The capital floor (USD m), scalar or (n,).
        is_startup: Whether each firm is a startup (bool), shape (n,).
        alive: Whether each firm is alive (bool), shape (n,).

    Returns:
        Bool, shape (n,): True for the firms that exit now.
    """
    broke = (_f(capital) < _f(exit_capital)) | (_f(continuation) < 0.0)
    return np.asarray(np.asarray(alive, dtype=bool) & np.asarray(is_startup, dtype=bool) & broke)
