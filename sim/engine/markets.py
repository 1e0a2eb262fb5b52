"""The (domain, geography) markets of docs/model.md (section 6.1), as functions of arrays.

Seven domains times two geographies: the **domestic** market and the **rest of the world**
(the world less the domestic market). Market ``m = geography * N_DOMAINS + domain``, so the
domestic markets are ids ``0..N_DOMAINS-1``. Every alive firm sells in both geographies of
every domain it is present in (home domain included): foreign firms sell in the domestic
market, without home bias, and domestic firms sell in the rest of the world. Rows are the
seller-in-market rows of ``sim.engine.demand`` (``firm[r]``, ``market[r]``); shares are
shares of the whole market, outside good counted, as ``demand.shares`` returns them (basis
``"market"``); basis ``"sellers"`` means shares among the sellers only. The start's outside
goods, home bias and rest-of-world penalty are solved in ``sim.engine.market_start``.
"""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np
from numpy.typing import ArrayLike

from sim.config.vocabulary import DOMESTIC, GEOGRAPHIES, N_DOMAINS, N_GEOGRAPHIES
from sim.engine.demand import logit_value
from sim.engine.state import NO_ALLIANCE

DOMESTIC_MARKET = GEOGRAPHIES.index("domestic")
REST_OF_WORLD = GEOGRAPHIES.index("rest_of_world")  # the world less the domestic market
N_MARKETS = N_GEOGRAPHIES * N_DOMAINS
KITA_YEAR = 2030  # the year of the KITA market figures (docs/model.md, section 5)
HHI_POINTS = 10_000.0  # HHI scale of competition authorities: a monopoly scores 10 000

ShareBasis = Literal["market", "sellers"]  # whole market (outside good counted), or sellers only


def check_basis(basis: str) -> None:
    """Raise ``ValueError`` unless ``basis`` is a ``ShareBasis``."""
    if basis not in get_args(ShareBasis):
        raise ValueError(f"share basis must be one of {get_args(ShareBasis)}; got {basis!r}")


def market_id(domain: ArrayLike, geography: ArrayLike) -> np.ndarray:
    """Market index ``geography * N_DOMAINS + domain`` (broadcast)."""
    return np.asarray(geography, dtype=np.int64) * N_DOMAINS + np.asarray(domain, dtype=np.int64)


def market_domain(market: ArrayLike) -> np.ndarray:
    """Domain of each market index (inverse of ``market_id``)."""
    return np.asarray(market, dtype=np.int64) % N_DOMAINS


def market_geography(market: ArrayLike) -> np.ndarray:
    """Geography of each market index (inverse of ``market_id``)."""
    return np.asarray(market, dtype=np.int64) // N_DOMAINS


def presence_matrix(presence: ArrayLike, domain: ArrayLike | None = None) -> np.ndarray:
    """(n, N_DOMAINS) bool matrix of the domains each firm is present in.

    Args:
        presence: ``FirmState.presence`` bitmask (bit d = domain d), shape (n,), or a 0/1
            matrix of shape (n, N_DOMAINS).
        domain: Home domain per firm, OR-ed in if given (state bitmasks already hold it).

    Returns:
        The presence matrix, shape (n, N_DOMAINS).
    """
    p = np.asarray(presence)
    if p.ndim == 1:
        p = (p.astype(np.int64)[:, None] >> np.arange(N_DOMAINS)) & 1
    bits = p.astype(bool)  # a copy: the home domain is set below
    if domain is not None:
        home = np.asarray(domain, dtype=np.int64)
        bits[np.arange(home.size), home] = True
    return np.asarray(bits)


def seller_rows(
    presence: ArrayLike, alive: ArrayLike, domain: ArrayLike | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Seller-in-market rows: every alive firm in both geographies of each domain it is in.

    Args:
        presence: Presence bitmask (n,) or 0/1 matrix (n, N_DOMAINS); see ``presence_matrix``.
        alive: Whether each firm is alive, shape (n,).
        domain: Home domain per firm, OR-ed into presence if given.

    Returns:
        ``(firm, market)`` int64 arrays of equal length, domestic rows first, then rest of the
        world, each in (firm, domain) order; a firm appears at most once per market.
    """
    bits = presence_matrix(presence, domain) & np.asarray(alive, dtype=bool)[:, None]
    firm, dom = np.nonzero(bits)
    geography = np.repeat(np.arange(N_GEOGRAPHIES), firm.size)
    return np.tile(firm, N_GEOGRAPHIES).astype(np.int64), market_id(np.tile(dom, 2), geography)


def home_seller_rows(domain: ArrayLike, alive: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """``seller_rows(presence_mask(domain), alive)``: every alive firm in its home domain.

    Reason: with one domain per firm the seller rows are the alive firms in order, once per
    geography; read off directly instead of through the presence matrix (same arrays).
    """
    firm = np.flatnonzero(np.asarray(alive, dtype=bool))
    dom = np.asarray(domain)[firm].astype(np.int64)
    geography = np.repeat(np.arange(N_GEOGRAPHIES), firm.size)
    return np.tile(firm, N_GEOGRAPHIES).astype(np.int64), market_id(np.tile(dom, 2), geography)


def quarterly_factor(growth_per_year: ArrayLike) -> np.ndarray:
    """Share of a calendar year's revenue earned in its first quarter, ``(r - 1) / g``.

    Reason: with yearly growth g the quarterly factor is ``r = (1 + g)^(1/4)``, so a year's
    four quarters earn ``S_1 (1 + r + r^2 + r^3) = S_1 (r^4 - 1) / (r - 1) = S_1 g / (r - 1)``;
    setting that equal to the annual figure A gives ``S_1 = A (r - 1) / g`` (1/4 at g = 0).

    Args:
        growth_per_year: Yearly growth rate g > -1 (share per year).

    Returns:
        ``(r - 1) / g``, broadcast (dimensionless).
    """
    g = np.asarray(growth_per_year, dtype=np.float64)
    small = np.abs(g) < 1e-12  # (r - 1) / g -> 1/4 as g -> 0
    return np.where(small, 0.25, np.expm1(np.log1p(g) / 4.0) / np.where(small, 1.0, g))


def market_sizes(
    step: ArrayLike,
    domestic_total: float,
    world_total: float,
    growth_per_year_by_domain: ArrayLike,
    domain_weights: ArrayLike,
    start_year: int,
    anchor_year: int = KITA_YEAR,
) -> np.ndarray:
    """Size of every market (USD m of revenue a quarter) at quarter ``step``.

    Step 0 is the first quarter of ``start_year``. Totals A are calendar-year revenue (USD m
    a year) in ``anchor_year``: the domestic total (KITA: 15 300 for 2030) and the world
    total including the domestic market (KITA: 826 700). Geography total T's domain-d market
    earns ``A_Td(y) = A_T w_Td (1 + g_Td)^(y - anchor_year)`` in year y, spread over quarters
    that grow by ``r = (1 + g_Td)^(1/4)`` each, so the quarter at ``step`` earns
    ``A_T w_Td (r - 1) / g_Td * r^(step - 4 (anchor_year - start_year))`` (see
    ``quarterly_factor``): the four quarters of ``anchor_year`` sum to ``A_T w_Td`` (mean
    ``A_T w_Td / 4``) and every market grows at its own yearly rate. Rest of the world =
    world minus domestic per domain, clipped at 0 (negative only if a domain's domestic
    market outgrows its world market by the 54-fold ratio of the totals).

    Args:
        step: Quarter(s) since the start, scalar or any shape.
        domestic_total: Domestic market, USD m a year in ``anchor_year``.
        world_total: World market including the domestic one, USD m a year in ``anchor_year``.
        growth_per_year_by_domain: Yearly growth g per domain, shape (N_DOMAINS,), or
            (2, N_DOMAINS) with rows (domestic, world).
        domain_weights: Split of each total over domains, same shapes (rows normalised).
        start_year: Calendar year whose first quarter is step 0.
        anchor_year: Year of the totals.

    Returns:
        USD m a quarter, shape ``step.shape + (N_MARKETS,)``, indexed by ``market_id``.
    """
    g = np.broadcast_to(np.asarray(growth_per_year_by_domain, dtype=np.float64), (2, N_DOMAINS))
    w = np.broadcast_to(np.asarray(domain_weights, dtype=np.float64), (2, N_DOMAINS))
    annual = np.array([[domestic_total], [world_total]]) * w / w.sum(axis=1, keepdims=True)
    years = np.asarray(step, dtype=np.float64)[..., None, None] / 4.0 + start_year - anchor_year
    size = annual * quarterly_factor(g) * (1.0 + g) ** years  # (..., 2, D)
    rest = np.maximum(size[..., 1, :] - size[..., 0, :], 0.0)
    return np.concatenate([size[..., 0, :], rest], axis=-1)


def relative_capability(
    capability: ArrayLike, firm: ArrayLike, market: ArrayLike, frontier: ArrayLike
) -> np.ndarray:
    """Capability of each row's seller in the market's domain over that domain's frontier.

    Args:
        capability: Per firm (n,), or per firm and domain (n, N_DOMAINS) (capability units).
        firm: Seller of each row, shape (R,).
        market: Market of each row, shape (R,).
        frontier: Frontier per domain (N_DOMAINS,) or scalar (capability units).

    Returns:
        ``k = capability / frontier`` per row (1 = at the frontier).
    """
    c, f = np.asarray(capability, dtype=np.float64), np.asarray(frontier, dtype=np.float64)
    firm, d = np.asarray(firm, dtype=np.int64), market_domain(market)
    own = c[firm, d] if c.ndim == 2 else c[firm]
    return np.asarray(own / (f[d] if f.ndim else f))


def home_bias_shift(region: ArrayLike, geography: ArrayLike, home_bias: ArrayLike) -> np.ndarray:
    """``h = home_bias`` for domestic sellers in domestic markets, else 0 (logit units)."""
    home = (np.asarray(region) == DOMESTIC) & (np.asarray(geography) == DOMESTIC_MARKET)
    return np.where(home, np.asarray(home_bias, dtype=np.float64), 0.0)


def seller_shift(
    region: ArrayLike, market: ArrayLike, home_bias: ArrayLike, row_penalty: ArrayLike = 0.0
) -> np.ndarray:
    """Value shift of each row from its seller's region and its market (logit units).

    A domestic seller gets ``+h_d`` in the domestic market of domain d and ``-p_d`` in its
    rest-of-world market; foreign sellers get 0 everywhere (``sim.engine.market_start``
    solves h and p at the start).

    Args:
        region: Region of each row's seller (``REGIONS`` index), shape (R,).
        market: Market of each row, shape (R,).
        home_bias: h, scalar or per domain (N_DOMAINS,) (logit units).
        row_penalty: p, scalar or per domain (N_DOMAINS,) (logit units; > 0 lowers value).

    Returns:
        The shift per row (logit units), shape (R,).
    """
    m = np.asarray(market, dtype=np.int64)
    h = np.broadcast_to(np.asarray(home_bias, dtype=np.float64), (N_DOMAINS,))
    p = np.broadcast_to(np.asarray(row_penalty, dtype=np.float64), (N_DOMAINS,))
    d, home = market_domain(m), market_geography(m) == DOMESTIC_MARKET
    shift = np.where(home, h[d], -p[d])
    return np.where(np.asarray(region) == DOMESTIC, shift, 0.0)


def quality_values(
    capability_rel: ArrayLike,
    theta: ArrayLike,
    home_bias: ArrayLike,
    region: ArrayLike,
    geography: ArrayLike,
) -> np.ndarray:
    """Logit value ``v = theta k + h`` of each row (docs/model.md, section 6.1).

    Args:
        capability_rel: k, capability over the domain frontier per row.
        theta: Buyers' sensitivity to k (logit units per frontier), scalar or per row.
        home_bias: h of domestic sellers in domestic markets (logit units), scalar or per row.
        region: Region of each row's seller (``REGIONS`` index), shape (R,).
        geography: Geography of each row's market, shape (R,).

    Returns:
        ``v`` per row (logit units).
    """
    return logit_value(capability_rel, theta, home_bias_shift(region, geography, home_bias))


def market_revenue(shares: ArrayLike, sizes: ArrayLike, market: ArrayLike) -> np.ndarray:
    """Revenue of each row, share times its market's size (USD m a quarter)."""
    s = np.asarray(shares, dtype=np.float64)
    return s * np.asarray(sizes, dtype=np.float64)[np.asarray(market, dtype=np.int64)]


def firm_revenue(
    shares: ArrayLike, sizes: ArrayLike, market: ArrayLike, firm: ArrayLike, n_firms: int
) -> np.ndarray:
    """Each firm's revenue summed over its markets (USD m a quarter), shape (n_firms,)."""
    rows = market_revenue(shares, sizes, market)
    return np.bincount(np.asarray(firm, dtype=np.int64), weights=rows, minlength=n_firms)


def domestic_relevant_shares(
    shares: ArrayLike, market: ArrayLike, firm: ArrayLike, alliance: ArrayLike, n_alliances: int
) -> tuple[np.ndarray, np.ndarray]:
    """Shares of each domestic market (the relevant market), outside good counted.

    Args:
        shares: Share of each row of its whole market (``demand.shares``), shape (R,).
        market: Market of each row, shape (R,).
        firm: Seller of each row, shape (R,).
        alliance: Alliance id per firm (``NO_ALLIANCE`` alone), shape (n,); pass federation
            roots to count a federation as one.
        n_alliances: Number of alliance ids.

    Returns:
        ``(firm_share, alliance_share)``, shapes (n, N_DOMAINS) and (n_alliances, N_DOMAINS):
        share of the domestic market of each domain (members' group sums for alliances).
    """
    s, m = np.asarray(shares, dtype=np.float64), np.asarray(market, dtype=np.int64)
    firm, group = np.asarray(firm, dtype=np.int64), np.asarray(alliance, dtype=np.int64)
    d, domestic = market_domain(m), market_geography(m) == DOMESTIC_MARKET
    own = np.bincount(firm * N_DOMAINS + d, weights=s * domestic, minlength=group.size * N_DOMAINS)
    member = domestic & (group[firm] != NO_ALLIANCE)
    key = np.where(member, group[firm], 0) * N_DOMAINS + d
    pooled = np.bincount(key, weights=s * member, minlength=n_alliances * N_DOMAINS)
    return own.reshape(-1, N_DOMAINS), pooled[: n_alliances * N_DOMAINS].reshape(-1, N_DOMAINS)


def competitor_id(firm: ArrayLike, alliance: ArrayLike) -> np.ndarray:
    """Owner of each row for concentration: its alliance, or ``-1 - firm`` for a firm alone."""
    firm = np.asarray(firm, dtype=np.int64)
    group = np.asarray(alliance, dtype=np.int64)[firm]
    return np.where(group != NO_ALLIANCE, group, -1 - firm)


def hhi_by_market(
    shares: ArrayLike,
    market: ArrayLike,
    n_markets: int,
    owner: ArrayLike | None = None,
    basis: ShareBasis = "market",
) -> np.ndarray:
    """Herfindahl-Hirschman index of each market, in points (0 to 10 000).

    ``HHI_m = 10 000 sum_o S_om^2`` over owners o, with ``S_om`` the owner's share on ``basis``:

    - ``"market"``: shares of the whole market, outside good in the denominator. The outside
      good is not a seller and adds no term, so ``HHI <= 10 000 (1 - s_0m)^2``. This is the
      index of the relevant-market outputs (``hhi_<domain>``, ``hhi``; docs/model.md sections
      6.8, 7 and 9.21): it is the same share the safe harbour, the collusion threshold and
      ``collusion_risk`` use, and the market size M_m is all of KITA's AI market, so the
      outside good stands for the fragmented fringe of unmodelled suppliers, each of whose
      squared share is negligible.
    - ``"sellers"``: shares among the modelled sellers only (``S_om / sum_o S_om``), i.e. the
      ``"market"`` index over the squared inside share. It treats the modelled firms as the
      whole market, so it overstates concentration (4-fold at an outside share of 0.5) and
      moves with the outside share when no seller's position changes; a diagnostic.

    Args:
        shares: Share of each row of its whole market (``demand.shares``), shape (R,).
        market: Market of each row, shape (R,).
        n_markets: Number of markets.
        owner: Optional owner id per row (e.g. ``competitor_id``): rows of one owner in a
            market count as one seller. Default: every row its own seller.
        basis: ``"market"`` or ``"sellers"``, as above.

    Returns:
        HHI per market (points, 0 to 10 000), shape (n_markets,); 0 without sellers.
    """
    check_basis(basis)
    s, m = np.asarray(shares, dtype=np.float64), np.asarray(market, dtype=np.int64)
    inside = np.bincount(m, weights=s, minlength=n_markets)
    if owner is not None:
        _, who = np.unique(np.asarray(owner, dtype=np.int64), return_inverse=True)
        keys, row_key = np.unique(who.reshape(-1) * n_markets + m, return_inverse=True)
        s = np.asarray(np.bincount(row_key.reshape(-1), weights=s), dtype=np.float64)
        m = np.asarray(keys % n_markets, dtype=np.int64)
    hhi = HHI_POINTS * np.bincount(m, weights=s * s, minlength=n_markets)
    if basis == "sellers":
        hhi = np.divide(hhi, inside**2, out=np.zeros(n_markets), where=inside > 0.0)
    return np.asarray(hhi)


def outside_good_for_shares(
    target_inside_share: ArrayLike, values: ArrayLike, market: ArrayLike, n_markets: int
) -> np.ndarray:
    """Outside-good weight ``O_m`` giving the sellers of market m a combined share t_m.

    Reason: ``E_m / (E_m + O_m) = t_m`` with ``E_m = sum_{r in m} exp(v_r)`` gives
    ``O_m = E_m (1 - t_m) / t_m``, computed from ``log E_m`` (shifted by the market max).

    Args:
        target_inside_share: t in (0, 1] per market, scalar or shape (n_markets,).
        values: Logit value of each row, shape (R,).
        market: Market of each row, shape (R,).
        n_markets: Number of markets.

    Returns:
        ``O_m >= 0`` (weight in units of ``exp(v)``), shape (n_markets,); 1 in a market
        without sellers (any positive weight serves it).

    Raises:
        ValueError: If a target is outside (0, 1].
    """
    t = np.broadcast_to(np.asarray(target_inside_share, dtype=np.float64), (n_markets,))
    if np.any((t <= 0.0) | (t > 1.0)):
        raise ValueError(f"target inside shares must lie in (0, 1]; got {t}")
    v, m, top = np.asarray(values, float), np.asarray(market, np.int64), np.full(n_markets, -np.inf)
    np.maximum.at(top, m, v)
    served = np.isfinite(top)
    top = np.where(served, top, 0.0)
    log_e = top + np.log(np.bincount(m, weights=np.exp(v - top[m]), minlength=n_markets) + ~served)
    return np.where(served, np.exp(log_e) * (1.0 - t) / t, 1.0)


def weighted_hhi(hhi_points: ArrayLike, market_size: ArrayLike) -> float:
    """The domains' HHIs weighted by their markets' sizes, as an index 0-1 (docs/model.md 10).

    Reason: ``sum_d M_d HHI_d / sum_d M_d`` over the domestic relevant markets, divided by
    10,000 so that the column ``hhi`` keeps its unit (0-1) under both economics; 0 without a
    market.
    """
    size = np.asarray(market_size, dtype=np.float64)
    total = float(size.sum())
    if total <= 0.0:
        return 0.0
    return float(np.dot(size, np.asarray(hhi_points, dtype=np.float64)) / total / HHI_POINTS)
