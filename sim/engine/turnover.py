"""Entry and exit of design version 2 in the quarter (docs/model.md 6.9).

The rules are the functions of ``sim.engine.entry_exit``; this module reads the state they
need: the value a new startup of each domain expects (its logit share at the entrant
capability, with the domestic shifts, and the effort it would choose alone), the funding per
potential entrant, and each startup's value of continuing.
"""

from __future__ import annotations

import numpy as np

from sim.config.schema import ModelParams, WorldConfig
from sim.config.vocabulary import DOMESTIC, N_DOMAINS
from sim.engine import entry_exit, fixed_amounts, innovation
from sim.engine.balanced_growth import rd_costs
from sim.engine.economy import Economy, Sales
from sim.engine.knowledge import capability_law
from sim.engine.markets import DOMESTIC_MARKET, N_MARKETS, market_id
from sim.engine.rnd_game import HorizonMultipliers
from sim.engine.state import STARTUP, FirmState, presence_mask
from sim.engine.traits import foreign_regions, startups

ABROAD = DOMESTIC + 1  # a region other than the home one: the rules tell home from abroad only


def entrant_rates(firms: FirmState, foreign: bool | None = None) -> np.ndarray:
    """An entrant's own learning rate per domain: the median lambda_i of the live units there.

    Reason: under a stationary start (``model.growth.stationary_start``, docs/model.md
    section 4) every incumbent below the frontier cap has its own lambda_i; an entrant is a
    new draw from its domain's population of R&D productivities, and the median is that
    population's typical unit, unmoved by the few units whose rate the start bounded (units
    with next to no step-0 R&D). 0 where the domain has no live unit with its own rate
    (every domain of a run without the switch): the entrant then learns at lambda_d.

    ``foreign`` (``model.growth.entrant_rates_by_home``; docs/model.md 6.9, finding 47):
    None, the population is every live unit of the domain (the rule before); False, the
    domain's domestic startups; True, its startups of other regions. A unit's lambda_i is
    what keeps it at rest at its own R&D, which its markets set (domestic firms sell abroad
    at a penalty), so an entrant is drawn from the startups of its own home; where the
    domain has none with their own rate, every unit's median is taken.

    Returns:
        (N_DOMAINS,) rates, share of the frontier per effort unit^alpha, or 0 (none).
    """
    own = firms.alive & (firms.learning_rate > 0.0)
    home = own
    if foreign is not None:
        abroad = firms.region != DOMESTIC
        home = own & (firms.kind == STARTUP) & (abroad if foreign else ~abroad)
    rates = np.zeros(N_DOMAINS)
    for d in range(N_DOMAINS):  # seven domains, not a loop over firms
        here = firms.learning_rate[home & (firms.domain == d)]
        if not here.size and foreign is not None:
            here = firms.learning_rate[own & (firms.domain == d)]
        if here.size:
            rates[d] = np.median(here)
    return rates


def entrant_values(
    economy: Economy,
    sales: Sales,
    multipliers: HorizonMultipliers,
    p: ModelParams,
    rates: np.ndarray | None = None,
    foreign: bool = False,
) -> np.ndarray:
    """V^e_d, the value a new domestic startup of each domain expects (USD m), (N_DOMAINS,).

    Reason: docs/model.md 6.9: its logit share in both markets of its domain at capability
    k_e with the domestic shifts (``E_m = O_m inside_m / (1 - inside_m)`` recovers the sum of
    the sellers' exp-values from the shares), the margin on that revenue over the horizon,
    less the fixed cost (``entrant_fixed_costs``) and the R&D it would choose alone (own
    product only). ``rates`` is the entrant's own learning rate per domain
    (``entrant_rates``; 0 or None: lambda_d). ``foreign``: a startup of another region
    (``model.growth.foreign_entry``), which sells without the domestic shifts (no home bias
    at home, no penalty abroad) and learns by a foreign unit's law.
    """
    g = p.growth
    s, size, rd, fixed = _entrant(economy, sales, multipliers, p, rates, foreign)
    markets = market_id(np.arange(N_DOMAINS)[:, None], np.arange(2))
    return np.asarray(
        entry_exit.entrant_value(
            s, size, g.margin, multipliers.level[markets], multipliers.money[0], fixed, rd
        )
    )


def entrant_fixed_costs(
    economy: Economy,
    sales: Sales,
    multipliers: HorizonMultipliers,
    p: ModelParams,
    rates: np.ndarray | None = None,
    foreign: bool = False,
) -> np.ndarray:
    """The fixed cost an entrant of each domain would pay this quarter (USD m), (N_DOMAINS,).

    Reason: ``fixed_cost_startup`` (``p`` at this quarter's markets), or under
    ``model.growth.startup_break_even`` the entrant's ``Phi_e``: its expected margin less
    its R&D at entry, between 0 and ``fixed_cost_startup`` (``fixed_amounts.break_even_cost``;
    docs/model.md section 4, item 10): an entrant sizes its team as the start's startups did.
    ``foreign`` as in ``entrant_values``.
    """
    return _entrant(economy, sales, multipliers, p, rates, foreign)[3]


def _entrant(
    economy: Economy,
    sales: Sales,
    multipliers: HorizonMultipliers,
    p: ModelParams,
    rates: np.ndarray | None,
    foreign: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """An entrant's shares (D, 2), market sizes (D, 2), R&D spend and fixed cost (D,).

    ``foreign``: an entrant of another region (value shift 0 in both markets, a foreign unit's
    capability law); otherwise a domestic one (home bias at home, the penalty abroad).
    """
    g = p.growth
    d = np.arange(N_DOMAINS)
    markets = market_id(d[:, None], np.arange(2))  # (D, 2)
    inside = np.bincount(sales.market, weights=sales.share, minlength=N_MARKETS)
    E = economy.outside * inside / np.maximum(1.0 - inside, 1e-300)
    if foreign:
        shift = np.zeros((N_DOMAINS, 2))
    else:
        shift = np.stack([economy.home_bias, -economy.row_penalty], axis=1)
    v = g.share_sensitivity * g.entrant_capability + shift
    s = entry_exit.entrant_share(v, E[markets], economy.outside[markets])
    gain = multipliers.gain[markets] * g.margin * g.share_sensitivity * sales.size[markets]
    omega = (gain * s * (1.0 - s)).sum(axis=1)
    terms = innovation.law(
        p, economy, d, np.full(N_DOMAINS, ABROAD if foreign else DOMESTIC), rates
    )
    k = np.full(N_DOMAINS, g.entrant_capability)
    # the law is built once, not at each of the bisection's 60 steps: ``marginal_capability``
    # is ``capability_law(...).slope``, so the slope is the same to the bit (a third of a
    # korea_2024 quarter went to rebuilding it; benchmarks/README.md)
    units = capability_law(k, **terms)

    gamma = rd_costs(p, sales.size, economy.start_year)  # gamma_{d,t} (docs/model.md 6.2)
    zero = np.zeros(N_DOMAINS)
    limit = np.full(N_DOMAINS, np.inf)
    x = innovation.solve_effort(
        omega, zero, zero, gamma, limit, units.slope, g.rd_returns_exponent, law=units
    )
    rd = gamma * x * x / 2.0
    fixed = np.full(N_DOMAINS, g.fixed_cost_startup)
    if g.startup_break_even:
        margin = g.margin * (s * sales.size[markets]).sum(axis=1)
        fixed = fixed_amounts.break_even_cost(margin, rd, g.fixed_cost_startup)
    return s, sales.size[markets], rd, fixed


def enter(
    firms: FirmState,
    world: WorldConfig,
    values: np.ndarray,
    public_funding: float,
    initial_startups: int,
    p: ModelParams,
    rng: np.random.Generator,
    fixed_cost: np.ndarray | None = None,
    rates: np.ndarray | None = None,
    foreign: bool = False,
) -> dict[str, np.ndarray]:
    """Columns of this quarter's entrants (docs/model.md 6.9); empty columns if none.

    Reason: each potential entrant enters with a logistic probability in its domain's value
    plus its funding against the entry cost; entrants per domain are Poisson; capital is the
    funding per potential entrant scaled by a lognormal draw; they enter alone at k_e, with
    their domain's ``entrant_rates`` as their own learning rate (0: lambda_d) and, given
    ``fixed_cost`` per domain (USD m a quarter at the step-0 markets), that as their
    ``Phi_i`` (``model.growth.startup_break_even``). ``rates`` is ``entrant_rates(firms)``
    when the caller has it already (None: computed here).

    ``foreign`` (``model.growth.foreign_entry``, docs/model.md 6.9, "Foreign entry"):
    startups of other regions, ``initial_startups`` then counting the world's starting
    foreign startups and ``values`` their ``entrant_values(..., foreign=True)``; the caller
    passes ``public_funding`` 0 (the home country's startup funding does not reach them);
    their regions are drawn from ``world.foreign_region_weights`` after the other columns.
    """
    g = p.growth
    pool = g.entry_pool * initial_startups
    funding = float(entry_exit.funding_per_entrant(g.seed_funding, public_funding, pool))
    chance = entry_exit.entry_probability(values, funding, g.entry_cost, g.entry_noise)
    counts = entry_exit.draw_entrants(pool, world.domain_weights, chance, rng)
    k = int(counts.sum())
    columns = startups(k, world, rng, g.entrant_capability, 1.0)
    domain = np.repeat(np.arange(N_DOMAINS), counts).astype(np.int8)
    columns["domain"] = domain
    columns["presence"] = presence_mask(domain)
    columns["capital"] = entry_exit.entrant_capital(funding, world.startup_capital_sigma, k, rng)
    if foreign and k:
        columns["region"] = foreign_regions(k, world, rng)
    columns["learning_rate"] = (entrant_rates(firms) if rates is None else rates)[domain]
    if fixed_cost is not None:
        columns["fixed_cost"] = np.asarray(fixed_cost, dtype=np.float64)[domain]
    return columns


def leaving(
    firms: FirmState,
    rd_spend: np.ndarray,
    fees: np.ndarray,
    subsidy: np.ndarray,
    multipliers: HorizonMultipliers,
    p: ModelParams,
    fixed_cost: np.ndarray | None = None,
) -> np.ndarray:
    """Startups that exit this quarter (bool over rows; docs/model.md 6.9).

    Reason: a startup exits when its capital is below the floor or when its cash plus the
    value of continuing over the horizon is negative (funders pull the plug when the runway
    is shorter than the horizon); conglomerates are backed by their groups. ``fixed_cost``
    is each row's fixed cost this quarter (USD m; ``fixed_cost_startup`` when omitted).
    """
    g = p.growth
    d = firms.domain.astype(np.int64)
    level = multipliers.level[market_id(d, DOMESTIC_MARKET)]
    value = entry_exit.continuation_value(
        firms.capital,
        firms.revenue * level,
        g.margin,
        1.0,
        multipliers.money[0],
        g.fixed_cost_startup if fixed_cost is None else fixed_cost,
        rd_spend,
        fees,
        0.0,
        subsidy,
    )
    startup = firms.kind == STARTUP
    gone = entry_exit.exits(firms.capital, value, g.exit_capital, startup, firms.alive)
    return np.asarray(gone)
