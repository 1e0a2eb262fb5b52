"""The consistent start of design version 2 (docs/model.md section 4).

``start_economy``: outside goods, home bias and the rest-of-world penalty solved from the
target shares; step-0 efforts from the first-order conditions in three passes (effort,
absorption, effort); and the learning rate of each domain solved so that its best unit keeps
pace with the frontier's trend (with ``model.growth.stationary_start``, also each unit's own
rate, so that every unit below the frontier cap keeps pace: ``rest_rate``, in adaptive steps:
``rate_step``). Where the iterates cycle, the start stops once their averages over a window
settle (``window_average``, ``averages_settled``) and starts from the average.
``starting_capital``: the capital floor a unit starts with.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace

import numpy as np

from sim.config.schema import MAX_LEARNING_RATE, GrowthParams, ModelParams
from sim.config.vocabulary import DOMESTIC, N_DOMAINS
from sim.engine import common_rate, held_frontier, innovation
from sim.engine.channels import Channels
from sim.engine.economy import Economy, Sales, sales, seller_values
from sim.engine.knowledge import catch_up_factor, quarterly_rate, returns_to_rnd
from sim.engine.market_start import calibrate_start
from sim.engine.markets import N_MARKETS, home_seller_rows
from sim.engine.quarter import Quarter
from sim.engine.stages import depth_targets
from sim.engine.state import STARTUP, AllianceState, FirmState

START_ITERATIONS = 120  # most passes of effort, absorption and lambda_d before averaging
# Most passes of a stationary start: its slowest units settle later (korea_2024 seeds 0-15:
# 17-30 passes with adaptive_start, 42-313 in half-way steps; measured 2026-12-04)
STATIONARY_ITERATIONS = 360
CYCLE_WINDOW = 12  # passes averaged when efforts cycle (a multiple of 2, 3 and 4)
# Passes after which a start whose window averages (CYCLE_WINDOW passes, one window against
# the one before) no longer move is taken to cycle, and starts from its average. Above the
# passes any start of korea_2024 or of the main job's plausible worlds takes to settle
# (17-38, measured 2026-12-04), so those are untouched.
CYCLE_CHECK_FROM = 4 * CYCLE_WINDOW
# Relative change of lambda_d, and change of efforts relative to the largest, at which the start
# is settled. Not tighter: a unit held at the frontier's cap can cycle by about 0.2 % of its
# effort around the cap's kink (seen in a generated world), which moves nothing else.
START_TOLERANCE = 1e-3
# Capability change a quarter (share of the frontier) at its step-0 effective R&D below which
# a unit with its own rate is at rest. Not a relative tolerance on the rate: a unit whose
# inflow the level bound holds near its senders' level moves its rate by a near-constant
# factor per pass for hundreds of passes (measured on korea_2024, seed 1: 1.7e-3 after 120
# passes) while its capability changes by about 3e-5 a quarter. 1e-4 of the frontier is
# about a thousandth of a year of gap.
REST_TOLERANCE = 1e-4
# Largest multiple of a unit's error in logs that one pass of ``rate_step`` moves its rate by
# (a half-way step doubled five times); larger steps overshoot and are reset more often
MAX_RATE_STEP = 16.0
# Smallest: a step halves each time a unit's error flips sign (finding 41); 1/16 settles the
# synthetic benchmark world of 3e4 firms (120 passes against 360 at the membership values of
# 2026-12-03, 324 at the refit's) and leaves korea_2024's
# starts as they were (seeds 0-7: 19-29 passes, gap after four quarters within 1e-4 years)
MIN_RATE_STEP = 1.0 / 16.0


def _calibrated_shifts(
    firms: FirmState, alliances: AllianceState, economy: Economy, p: ModelParams
) -> Economy:
    """Outside goods, home bias and rest-of-world penalty from the start's target shares."""
    firm, market = home_seller_rows(firms.domain, firms.alive)
    m = p.markets
    inside = 1.0 - m.outside_share_initial
    region = firms.region[firm]
    domain = firms.domain[firm].astype(np.int64)
    has_domestic = np.bincount(domain[region == DOMESTIC], minlength=N_DOMAINS) > 0
    has_foreign = np.bincount(domain[region != DOMESTIC], minlength=N_DOMAINS) > 0

    def target(share: float) -> np.ndarray:
        """The target where both groups sell; all or nothing of the inside share otherwise."""
        return np.where(has_foreign, np.where(has_domestic, share, 0.0), inside)

    solved = calibrate_start(
        seller_values(firms, alliances, firm, p),
        market,
        region,
        inside,
        target(m.domestic_share_initial),
        target(m.domestic_share_row_initial),
    )
    return replace(
        economy,
        outside=solved.outside,
        home_bias=solved.home_bias,
        row_penalty=solved.row_penalty,
    )


def _anchors(firms: FirmState) -> np.ndarray:
    """Row of the best domestic unit of each domain (the best unit where none is domestic).

    -1 where a domain has no unit at all.
    """
    anchor = np.full(N_DOMAINS, -1)
    domestic = firms.region == DOMESTIC
    for d in range(N_DOMAINS):  # seven domains, not a loop over firms
        here = firms.alive & (firms.domain == d)
        rows = np.flatnonzero(here & domestic)
        rows = rows if rows.size else np.flatnonzero(here)
        if rows.size:
            anchor[d] = rows[np.argmax(firms.capability[rows])]
    return anchor


def rest_rate(
    k: np.ndarray, reach: np.ndarray, drift: np.ndarray, obsolescence: float
) -> np.ndarray:
    """The learning rate at which a unit's capability keeps its distance to the frontier.

    Reason: docs/model.md section 4 (and 6.2): ``k' = [(1 - delta) k + lambda reach] / (1 + f)``
    with ``reach = (1 + kappa b) ((X + X0)^alpha - X0^alpha)`` equals k when
    ``lambda = (f + delta) k / reach``. The start moves each rate half-way in logs toward this
    one per pass (``np.sqrt(rate * rest_rate(...))``), which damps the feedback through the
    effort the rate calls for.

    Args:
        k: Capability relative to the frontier.
        reach: ``(1 + kappa b) ((X + X0)^alpha - X0^alpha)`` at the step-0 effective R&D X.
        drift: f, the frontier's drift per quarter.
        obsolescence: delta, share of capability lost per quarter.

    Returns:
        lambda (share of the frontier per effort unit^alpha), very large where reach is 0.
    """
    return np.asarray((drift + obsolescence) * k / np.maximum(reach, 1e-300))


def rate_step(
    rate: np.ndarray, wanted: np.ndarray, last_error: np.ndarray, step: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One pass of units' own learning rates toward their rest rates, with adaptive steps.

    Reason: docs/model.md section 4, item 9 (finding 40; the shrinking step: finding 41).
    Half-way in logs each pass, ``rate' = sqrt(rate * wanted)``, takes hundreds of passes
    for a unit whose inflow the level bound holds near its senders' level: its rest rate
    then falls in proportion to its own rate (the bound's effective R&D rises as the rate
    falls), so the error in logs, ``e = log(wanted / rate)``, stays near a constant and each
    pass closes half of it. Here ``rate' = rate exp(h e)``: h starts at 1/2; while a unit's
    error keeps its sign and has not halved since the last pass, h doubles (at most
    ``MAX_RATE_STEP``); when it flips sign, the step overshot, and h halves from at most 1/2
    (at least ``MIN_RATE_STEP``), so that a unit whose rest rate swings with a cycle of its
    alliance's efforts settles near the swing's middle instead of chasing it. A rate at rest
    (e = 0) stays, so the fixed points are those of half-way steps.

    Args:
        rate: Each unit's learning rate this pass (share of the frontier per effort^alpha), > 0.
        wanted: Its rest rate at this pass's effective R&D (``rest_rate``), > 0.
        last_error: ``e`` of the last pass; 0 before the first (no sign to keep).
        step: ``h`` of the last pass; 1/2 before the first.

    Returns:
        ``(rate', e, h)``: the new rates, this pass's errors and steps, to pass back next time.
    """
    error = np.log(wanted) - np.log(rate)
    kept = np.sign(error) == np.sign(last_error)
    flipped = np.sign(error) == -np.sign(last_error)
    slow = kept & (np.abs(error) > 0.5 * np.abs(last_error))
    shrunk = np.maximum(0.5 * np.minimum(step, 0.5), MIN_RATE_STEP)
    h = np.where(slow, np.minimum(2.0 * step, MAX_RATE_STEP), np.where(flipped, shrunk, step))
    return np.asarray(rate * np.exp(h * error)), error, h


def window_average(history: list[tuple[np.ndarray, ...]]) -> tuple[np.ndarray, ...]:
    """Each of the passes' arrays in ``history`` (efforts, lambda_d, ...) averaged over them."""
    return tuple(np.mean(column, axis=0) for column in zip(*history, strict=True))


def averages_settled(before: tuple[np.ndarray, ...] | None, now: tuple[np.ndarray, ...]) -> bool:
    """Whether a window's averages (``window_average``) are at rest, and agree with the last's.

    Reason: docs/model.md section 4, item 11. Where a few units' efforts cycle for good (the
    same-market members of a deep alliance taking turns at its R&D), the iterates never
    settle but their average over a window does; the start then stops there rather than
    after all its passes. The same tolerances as for the iterates: efforts within
    ``START_TOLERANCE`` of the largest and lambda_d within ``START_TOLERANCE`` relative of
    the last window's, and the own-rate units' capability change (``now[3]``, k' - k),
    averaged, below ``REST_TOLERANCE``. Their rates themselves are not compared: a unit
    whose inflow the level bound holds keeps its capability at rest along a whole range of
    rates, and its rate drifts along it.
    """
    if before is None:
        return False
    effort, lam, _, moving = now
    return bool(
        np.abs(effort - before[0]).max(initial=0.0) <= START_TOLERANCE * effort.max(initial=1.0)
        and np.all(np.abs(lam - before[1]) <= START_TOLERANCE * np.abs(before[1]))
        and np.abs(moving).max(initial=0.0) < REST_TOLERANCE
    )


def start_economy(
    firms: FirmState,
    alliances: AllianceState,
    q: Quarter,
    start_year: int,
) -> Economy:
    """The economy at step 0, with firms' step-0 efforts written to ``firms.effort``.

    Reason (docs/model.md section 4): the start must not contradict itself. Shares hit the
    targets by construction; efforts solve the conditions; and lambda_d is chosen so that
    the best domestic unit of each domain, at its step-0 effort, keeps its distance to the
    frontier (its capability grows exactly at the frontier's trend). The gap, measured on
    those units, then starts at rest: it moves because markets grow, alliances form and
    policies act, not because the start was inconsistent. (Fitting the gap's path, 2.2 to 1.3
    years from 2016, is the calibration's job.) With the version-1 rate instead, the best
    domestic units closed half the gap within three years.

    With ``model.growth.stationary_start`` every live unit below the frontier cap (all but
    foreign units at k = 1) also gets its own rate ``firms.learning_rate``, solved in the same
    passes by the same rule (with ``model.growth.adaptive_start`` in growing steps,
    ``rate_step``), so that it too keeps its distance at its step-0 effective R&D
    (finding 38: with lambda_d alone, ~410 foreign units below the frontier caught up within
    two years and eroded the domestic leaders' shares). Units at the cap keep lambda_d.

    With ``model.growth.frontier_held_by_firm`` each domain's capabilities are first divided
    by its best live unit (``held_frontier.to_best``), no unit is capped, and the units at 1
    (the holders) get their own rate by the same rule, with or without the stationary start:
    at rest a holder grows at the trend, and so does the frontier it holds. Its efforts then
    move half-way to the best response each pass (a fixed point of the damped map is one of
    the undamped map): undamped, the members of China's state-coordinated alliance, whose
    leader holds a frontier, swung together and the start cycled in 2 of 16 ``korea_2024``
    seeds with named leaders in every domain (docs/model.md finding 39, item 6).
    """
    p = q.params
    economy = _initial_economy(firms, alliances, q, start_year)
    s = sales(firms, economy, 0, p, alliances)
    if p.growth.common_learning_rate:
        economy = replace(economy, transfer_rate=np.zeros(N_DOMAINS))
    units = _start_units(firms, economy, p.growth)
    firms.effort[:] = 0.0
    capital = firms.capital.copy()  # the start's efforts are not cash-capped: see the floor
    firms.capital[:] = np.inf
    firms.learning_rate[:] = 0.0  # none: lambda_d
    firms.learning_rate[units.own] = p.growth.learning_rate
    economy, cycled = _settle_start(firms, alliances, q, economy, s, units)
    if cycled:
        warnings.warn(cycled, RuntimeWarning, stacklevel=2)
    firms.capital[:] = starting_capital(capital, firms, p)
    return economy


def _initial_economy(
    firms: FirmState, alliances: AllianceState, q: Quarter, start_year: int
) -> Economy:
    """The economy of step 0 before the passes: its market shifts solved from the targets.

    With ``model.growth.frontier_held_by_firm`` each domain's capabilities are first divided
    by its best live unit (``held_frontier.to_best``). The frontier is 1 in every domain and
    lambda_d the config's ``learning_rate``; every alliance's depth is set to its target
    (the bonus reads it) before the outside goods, home bias and rest-of-world penalty are
    solved from the target shares (``_calibrated_shifts``).
    """
    p = q.params
    if p.growth.frontier_held_by_firm:  # each domain's best live unit is the frontier, at 1
        held_frontier.to_best(firms)
    trend = np.asarray(p.growth.frontier_growth_of_domains(), dtype=np.float64)
    economy = Economy(
        frontier=np.ones(N_DOMAINS),
        trend=trend,
        outside=np.ones(N_MARKETS),
        home_bias=np.zeros(N_DOMAINS),
        row_penalty=np.zeros(N_DOMAINS),
        learning_rate=np.full(N_DOMAINS, p.growth.learning_rate),
        realised_growth=quarterly_rate(trend),
        start_year=start_year,
    )
    # depth first (the bonus reads it): every alliance of the start at its target (docs 4)
    alliances.depth[:] = depth_targets(firms, alliances, p, q.effects.mission)
    return _calibrated_shifts(firms, alliances, economy, p)


@dataclass(frozen=True)
class _StartUnits:
    """The rows the start solves for, fixed before its passes.

    Attributes:
        live: Rows of the live units.
        capped: Per live unit, whether it is a foreign unit at the frontier cap (k >= 1,
            without ``model.growth.frontier_held_by_firm``); its effort may cycle there.
        own: Rows given their own learning rate: every unit below the cap with
            ``stationary_start``, else the holders with ``frontier_held_by_firm``, else none.
        own_k: Their capability at the start.
        own_drift: The frontier's drift per quarter in their domains.
        anchor: Row of each domain whose rest sets lambda_d (the frontier holder with
            ``common_learning_rate``, else the best domestic unit), -1 where none.
        domestic: Row of each domain's best domestic unit (eps_d), -1 where none.
    """

    live: np.ndarray
    capped: np.ndarray
    own: np.ndarray
    own_k: np.ndarray
    own_drift: np.ndarray
    anchor: np.ndarray
    domestic: np.ndarray


def _start_units(firms: FirmState, economy: Economy, g: GrowthParams) -> _StartUnits:
    """The live units, the capped ones, those with their own rate, and each domain's anchors."""
    held = g.frontier_held_by_firm
    common = g.common_learning_rate  # lambda_d on the holder, eps_d on the anchor (common_rate)
    anchor = common_rate.holders(firms) if common else _anchors(firms)
    domestic = _anchors(firms)  # the best domestic unit of each domain (eps_d)
    domestic = np.where(firms.region[np.maximum(domestic, 0)] == DOMESTIC, domestic, -1)
    live = np.flatnonzero(firms.alive)
    capped = (firms.region[live] != DOMESTIC) & (firms.capability[live] >= 1.0) & (not held)
    own = live[:0]  # units given their own rate: every unit below the cap, or the holders
    if common:
        pass  # every unit learns at lambda_d
    elif g.stationary_start:
        own = live[~capped]
    elif held:
        own = live[firms.capability[live] >= 1.0]
    own_k = firms.capability[own]
    own_drift = economy.drift[firms.domain[own].astype(np.int64)]
    return _StartUnits(live, capped, own, own_k, own_drift, anchor, domestic)


def _settle_start(
    firms: FirmState,
    alliances: AllianceState,
    q: Quarter,
    economy: Economy,
    s: Sales,
    units: _StartUnits,
) -> tuple[Economy, str]:
    """Step-0 efforts, lambda_d and the own learning rates, solved together pass by pass.

    Each pass moves the efforts (``_effort_pass``), lambda_d (``_domain_rate_pass``), eps_d
    (``_common_rate_pass``) and the own rates (``_own_rate_pass``). It stops when all are at
    rest; where they cycle instead, once their window averages settle (with
    ``model.growth.adaptive_start``) or the passes run out, and the start takes their
    average over the last window (``_start_from_average``).

    Returns:
        The economy with lambda_d solved, and "" if the passes settled, else the warning that
        they cycled.
    """
    g = q.params.growth
    live, capped, own = units.live, units.capped, units.own
    has = units.anchor >= 0
    rows = units.anchor[has]
    error, step = np.zeros(own.size), np.full(own.size, 0.5)  # rate_step's, before pass 1
    unsettled = 0.0  # largest capability change of a unit with its own rate (REST_TOLERANCE)
    moving = np.zeros(own.size)  # each such unit's capability change (k' - k)
    history: list[tuple[np.ndarray, ...]] = []
    last_average: tuple[np.ndarray, ...] | None = None  # window_average a window ago
    kept = start_channels(firms, alliances, q)
    for done in range(STATIONARY_ITERATIONS if own.size else START_ITERATIONS):
        effort, moved, X = _effort_pass(firms, alliances, q, economy, s, units, kept)
        if g.common_learning_rate and g.reanchored_start:  # most effective R&D: the frontier
            rows = common_rate.top_spenders(firms, X)[has]
            firms.capability[rows] = 1.0
        economy, lam, change = _domain_rate_pass(economy, firms, rows, has, X, g)
        if g.common_learning_rate:
            economy, s = _common_rate_pass(economy, firms, alliances, units, rows, X, q.params, s)
        if own.size:  # the stationary start: every unit below the cap at rest
            error, step, moving = _own_rate_pass(firms, units, X, g, error, step)
            unsettled = float(np.abs(moving).max(initial=0.0))
        history = [*history[-(CYCLE_WINDOW - 1) :], (effort, lam, firms.learning_rate[own], moving)]
        settled = change < START_TOLERANCE and unsettled < REST_TOLERANCE
        if settled and moved <= START_TOLERANCE * effort.max(initial=1.0):
            # a foreign unit at the frontier cap keeps k = 1 whatever it spends; its effort
            # can cycle around the cap's kink (it free-rides on spillovers when they alone
            # keep it there): it starts from its average over the last passes
            firms.effort[live[capped]] = np.mean([h[0][capped] for h in history], axis=0)
            return economy, ""
        if (done + 1) % CYCLE_WINDOW == 0:  # a whole window since the last: compare averages
            average = window_average(history)
            if (
                g.adaptive_start
                and done + 1 >= CYCLE_CHECK_FROM
                and averages_settled(last_average, average)
            ):
                break
            last_average = average
    economy = _start_from_average(firms, units, economy, history)  # a cycle: its average
    return economy, (
        f"the start's efforts cycled instead of settling (last change {moved:.2e} effort "
        f"units, learning rates {change:.1e}, units' capability {unsettled:.1e}); it "
        f"starts from their average over the last {CYCLE_WINDOW} of {done + 1} passes"
    )


def start_channels(firms: FirmState, alliances: AllianceState, q: Quarter) -> Channels:
    """The channel structure of the alive units, built once for all of the start's passes.

    Reason: speed only. The structure reads who is alive, the alliances (members, regimes,
    depths, federations), openness and the rates, none of which a pass changes (a pass
    writes efforts, learning rates and, re-anchored, capabilities), so each pass's plan
    would build it again to the same bits (``innovation.channels_of``).
    """
    rows = np.flatnonzero(firms.alive)
    return innovation.channels_of(firms, alliances, rows, q.params, q.effects.spillover_bonus)


def _effort_pass(
    firms: FirmState,
    alliances: AllianceState,
    q: Quarter,
    economy: Economy,
    s: Sales,
    units: _StartUnits,
    channels: Channels | None = None,
) -> tuple[np.ndarray, float, np.ndarray]:
    """One pass of the live units' step-0 efforts, and the effective R&D they deliver.

    Each live unit moves to its best response to the others' efforts; with
    ``model.growth.frontier_held_by_firm`` half-way to it, since the holders' own rates feed
    back on it. ``channels``: the alive units' structure, kept across passes
    (``start_channels``); None: built in the pass.

    Returns:
        ``(effort, moved, X)``: the live units' new efforts (also written to
        ``firms.effort``), the largest change of an uncapped unit's effort, and every
        firm's effective R&D.
    """
    p, live = q.params, units.live
    game = innovation.plan(firms, alliances, q, economy, s, channels=channels)
    effort = innovation.invest(live, firms, alliances, q, game)[0]
    if p.growth.frontier_held_by_firm:  # half-way: the holders' own rates feed back on it
        effort = 0.5 * (effort + firms.effort[live])
    moved = np.abs(effort - firms.effort[live])[~units.capped].max(initial=0.0)
    firms.effort[live] = effort
    return effort, moved, innovation.deliver(firms, game, firms.effort, p)


def _domain_rate_pass(
    economy: Economy,
    firms: FirmState,
    rows: np.ndarray,
    has: np.ndarray,
    X: np.ndarray,
    g: GrowthParams,
) -> tuple[Economy, np.ndarray, float]:
    """One pass of lambda_d: half-way in logs to the rate that holds each anchor at rest.

    Half-way damps the two-way feedback between a rate and the effort it calls for.

    Args:
        economy: The economy of this pass.
        firms: The firms (the anchors' capabilities are read).
        rows: The anchor row of each domain that has one.
        has: Which domains have an anchor.
        X: Every firm's effective R&D this pass.
        g: The growth parameters.

    Returns:
        ``(economy, lambda_d, change)``: the economy with the new lambda_d, that lambda_d,
        and the largest relative distance of a domain's rate from its rest rate this pass.
    """
    k = firms.capability[rows]
    reach = catch_up_factor(k, g.catch_up) * returns_to_rnd(
        X[rows], g.rd_returns_exponent, g.effort_offset
    )
    lam = economy.learning_rate.copy()
    wanted = rest_rate(k, reach, economy.drift[has], g.obsolescence)
    lam[has] = np.sqrt(lam[has] * wanted)  # half-way in logs: damps the two-way feedback
    change = np.abs(wanted / economy.learning_rate[has] - 1.0).max(initial=0.0)
    return replace(economy, learning_rate=lam), lam, change


def _common_rate_pass(
    economy: Economy,
    firms: FirmState,
    alliances: AllianceState,
    units: _StartUnits,
    rows: np.ndarray,
    X: np.ndarray,
    p: ModelParams,
    s: Sales,
) -> tuple[Economy, Sales]:
    """One pass of eps_d (``model.growth.common_learning_rate``), and of the re-anchored units.

    eps_d moves so that each domain's best domestic unit is at rest
    (``common_rate.transfer_step``). With ``reanchored_start`` every other unit is then set
    to its own steady state, and the market shifts and the sales are solved again.

    Returns:
        ``(economy, s)``: the economy with the new eps_d (and shifts), and the sales.
    """
    g = p.growth
    economy = common_rate.transfer_step(economy, firms, units.domestic, X, p)
    if g.reanchored_start:  # every other unit at its own steady state, shares again
        solved = g.transfer_rate < 0.0  # the best domestic units hold eps_d
        domestic = units.domestic
        kept = np.union1d(rows, domestic[domestic >= 0]) if solved else rows
        common_rate.reanchor(firms, units.live, kept, X, economy, p)
        economy = _calibrated_shifts(firms, alliances, economy, p)
        s = sales(firms, economy, 0, p, alliances)
    return economy, s


def _own_rate_pass(
    firms: FirmState,
    units: _StartUnits,
    X: np.ndarray,
    g: GrowthParams,
    error: np.ndarray,
    step: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One pass of the own learning rates (``firms.learning_rate[own]``) toward rest.

    With ``model.growth.adaptive_start`` in growing steps (``rate_step``), else half-way in
    logs, as lambda_d.

    Returns:
        ``(error, step, moving)``: ``rate_step``'s errors and steps, to pass back next time,
        and each unit's capability change k' - k at this pass's X and the rate it started
        from (docs/model.md section 4).
    """
    own, own_k, own_drift = units.own, units.own_k, units.own_drift
    own_reach = catch_up_factor(own_k, g.catch_up) * returns_to_rnd(
        X[own], g.rd_returns_exponent, g.effort_offset
    )
    # the config's ceiling binds only for a unit with next to no step-0 effective R&D,
    # which no finite rate would hold at rest
    own_wanted = np.minimum(
        rest_rate(own_k, own_reach, own_drift, g.obsolescence), MAX_LEARNING_RATE
    )
    before = firms.learning_rate[own]
    if g.adaptive_start:  # growing steps while a unit's error keeps its sign
        firms.learning_rate[own], error, step = rate_step(before, own_wanted, error, step)
    else:
        firms.learning_rate[own] = np.sqrt(before * own_wanted)  # half-way, as lambda_d
    loss = (own_drift + g.obsolescence) * own_k
    moving = (before * own_reach - loss) / (1.0 + own_drift)
    return error, step, moving


def _start_from_average(
    firms: FirmState,
    units: _StartUnits,
    economy: Economy,
    history: list[tuple[np.ndarray, ...]],
) -> Economy:
    """The start of iterates that cycled: efforts and rates averaged over the last passes.

    Writes the live units' efforts and the own rates; returns the economy with lambda_d
    averaged.
    """
    firms.effort[units.live] = np.mean([h[0] for h in history], axis=0)
    economy = replace(economy, learning_rate=np.mean([h[1] for h in history], axis=0))
    firms.learning_rate[units.own] = np.mean([h[2] for h in history], axis=0)
    return economy


def starting_capital(capital: np.ndarray, firms: FirmState, p: ModelParams) -> np.ndarray:
    """Capital at step 0: the world's, floored at ``initial_runway`` quarters of costs.

    Reason: docs/model.md section 4, item 5: no firm starts insolvent, or cash-capped, by
    construction. The floor is ``initial_runway x (fixed cost + step-0 R&D spend)``, with
    the efforts the start solved uncapped (``firms.effort``); at the default runway of 4
    quarters and ``budget_share`` 0.25, no firm's cap binds at its step-0 effort. Without it
    the cap bound during the start's solve for startups of deep alliances, whose joint best
    response then jumped between two values: the start cycled in 12 of 32 seeds of
    ``korea_2024`` (finding 24 of section 10). The spend is at gamma_d: the R&D cost slope of
    step 0, which ``model.growth.balanced_growth`` scales by ``M_{d,t} / M_{d,0}`` = 1 there
    (``sim.engine.balanced_growth``).
    """
    gamma = np.asarray(p.rnd.rd_cost_by_domain, dtype=np.float64)[firms.domain.astype(np.int64)]
    spend = gamma * firms.effort**2 / 2.0
    fixed = np.where(firms.kind == STARTUP, p.growth.fixed_cost_startup, 0.0)
    floor = p.growth.initial_runway * (fixed + spend)
    return np.asarray(np.where(firms.alive, np.maximum(capital, floor), capital))
