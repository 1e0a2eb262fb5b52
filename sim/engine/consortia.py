"""Consortia formed for a call (design version 2, docs/model.md 6.10), in USD m.

From a tournament's announcement until its application, what a consortium expects from
applying enters the membership values of domestic firms (``valuation.option_values``): the
value of founding an alliance (the founder would lead a consortium) and of joining, or
staying in, a domestic-led alliance that would compete. The lever states the call's facts
(``policy.ConsortiumCall``); these functions turn them into money:

- ``consortium_scores``: the lever's score of each alliance (members' mean capability), the
  one every stage ranks by;
- ``ranks``: a consortium's rank by score among its rivals (the would-be consortia a firm
  sees now), ties against it;
- ``survival``: the probability that a consortium is still in at each funded quarter: its
  rank by the jury's score (members' mean capability plus the jury's normal error of
  standard deviation ``noise``, one draw per consortium) within that quarter's places;
  with no noise, ``1[rank <= places]``;
- ``consortium_prize``: what a consortium with those odds expects from applying, discounted
  to the quarter of the decision over the horizon, net of the application cost; zero outside
  the window;
- ``member_value``: a domestic member's expected share of its consortium's prize, with the
  recruits a founder expects (a consortium counts only with ``min_members`` members at the
  call, and recruits move its score);
- ``call_values``: the level each reviser's options are worth, zero for foreign firms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import comb, ndtr

from sim.config.schema import ModelParams
from sim.config.vocabulary import DOMESTIC
from sim.engine.choice import FOUND
from sim.engine.outlook import Reviser
from sim.engine.policy import ConsortiumCall
from sim.engine.state import AllianceState, FirmState, padded


@dataclass(frozen=True)
class AllianceCounts:
    """Per alliance row (at least one): what a consortium's size, share and score read."""

    members: np.ndarray  # alive members
    domestic: np.ndarray  # alive domestic members
    led: np.ndarray  # active and led by a domestic firm
    capability: np.ndarray  # sum of the alive members' capabilities


def alliance_counts(firms: FirmState, alliances: AllianceState) -> AllianceCounts:
    """Members, domestic members, domestic leadership and summed capability per alliance."""
    m = max(alliances.m, 1)
    inside = firms.alive & (firms.alliance >= 0)
    a = firms.alliance[inside]
    members = np.bincount(a, minlength=m)[:m]
    domestic = np.bincount(a, weights=firms.region[inside] == DOMESTIC, minlength=m)[:m]
    capability = np.bincount(a, weights=firms.capability[inside], minlength=m)[:m]
    led = np.zeros(m, dtype=bool)
    if alliances.m:
        led[: alliances.m] = alliances.active & (firms.region[alliances.leader] == DOMESTIC)
    return AllianceCounts(members, domestic.astype(np.int64), led, capability.astype(np.float64))


def consortium_scores(firms: FirmState, alliances: AllianceState, min_members: int) -> np.ndarray:
    """Members' mean capability per alliance; -inf where it cannot compete.

    An alliance competes when it is active, led by a domestic firm and has at least
    ``min_members`` members alive (the tournament's consortia, ``SovereignTournament``).
    """
    c = alliance_counts(firms, alliances)
    mean = c.capability / np.maximum(c.members, 1)
    return np.where(c.led & (c.members >= min_members), mean, -np.inf)


def ranks(scores: np.ndarray, rivals: np.ndarray, excluded: np.ndarray | float) -> np.ndarray:
    """1 + the rivals scoring at least ``scores`` (ties against it), ``excluded`` not counted.

    ``rivals`` are the competing consortia's scores (-inf entries never count);
    ``excluded`` (broadcast with ``scores``, -inf for none) is the option's own alliance's
    current score when it is among them: a consortium is not its own rival.
    """
    y = np.sort(np.asarray(rivals, dtype=np.float64))
    x = np.asarray(scores, dtype=np.float64)
    ahead = y.size - np.searchsorted(y, x, side="left")
    return np.asarray(1 + ahead - (np.asarray(excluded) >= x), dtype=np.int64)


# Gauss-Hermite nodes for E over the consortium's own jury error (exact to 1e-15 for one
# rival, where the odds are Phi((x - y) / (noise sqrt 2)), at 32 nodes; 48 for the margin)
QUADRATURE_NODES = 48


def _standard_normal_nodes() -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights of E[f(Z)], Z ~ N(0, 1) (probabilists' Gauss-Hermite)."""
    z, w = np.polynomial.hermite_e.hermegauss(QUADRATURE_NODES)
    return z, w / np.sqrt(2.0 * np.pi)


def survival(
    scores: np.ndarray | float,
    rivals: np.ndarray,
    excluded: np.ndarray | float,
    places: np.ndarray,
    noise: float,
) -> np.ndarray:
    """P(the consortium is still in) in each funded quarter, shape ``(..., quarters)``.

    Reason: docs/model.md 6.10, "Odds under the jury's error". The jury scores a consortium
    ``x + noise Z``, one standard normal ``Z`` per consortium for the whole tournament, and
    every stage keeps the best scores, so it is in at quarter ``s`` when fewer than
    ``places[s]`` rivals score above it. Given its own ``Z = z``, rival ``j`` (mean ``y_j``)
    is ahead with probability ``Phi((y_j - x) / noise - z)``, independently, so the number
    ahead is Poisson-binomial (summed exactly, by recursion over the rivals, up to the
    largest place); ``z`` is integrated out by Gauss-Hermite quadrature. No random draws.
    With ``noise == 0`` it is ``1[ranks(scores, rivals, excluded) <= places]`` exactly (ties
    against it). ``rivals`` and ``excluded`` are as in ``ranks``: one rival scoring exactly
    ``excluded`` (the option's own alliance) is left out; -inf rivals never count; a
    non-finite ``scores`` entry is never in.
    """
    x, ex = np.broadcast_arrays(
        np.asarray(scores, dtype=np.float64), np.asarray(excluded, dtype=np.float64)
    )
    slots = np.asarray(places, dtype=np.int64)
    if noise == 0.0:
        return np.asarray(ranks(x, rivals, ex)[..., None] <= slots, dtype=np.float64)
    y = np.sort(np.asarray(rivals, dtype=np.float64))
    y = y[np.isfinite(y)]
    at = np.searchsorted(y, ex, side="left")
    own = np.where((at < y.size) & (y[np.minimum(at, max(y.size - 1, 0))] == ex), at, -1)
    own = own if y.size else np.full(x.shape, -1)
    keys, inverse = np.unique(
        np.stack([x.ravel(), own.ravel()], axis=1), axis=0, return_inverse=True
    )
    xu, ownu = keys[:, 0], keys[:, 1].astype(np.int64)
    top = max(int(slots.max(initial=0)), 1)
    finite = np.isfinite(xu)
    within = np.zeros((xu.size, top))
    within[finite] = rank_within(xu[finite], ownu[finite], y, top, noise)
    odds = np.where(slots >= 1, within[:, np.clip(slots - 1, 0, top - 1)], 0.0)
    odds = np.where(finite[:, None], np.clip(odds, 0.0, 1.0), 0.0)
    return np.asarray(odds[inverse.ravel()].reshape(*x.shape, slots.size))


def rank_within(
    x: np.ndarray, own: np.ndarray, y: np.ndarray, top: int, noise: float
) -> np.ndarray:
    """P(rank <= n + 1) for ``n < top``, shape ``(x.size, top)``: ``survival``'s sum.

    Reason: ``survival`` (docs/model.md 6.10). Given the consortium's own jury error ``z``
    (a Gauss-Hermite node), rival ``j`` of ``y`` (sorted, finite) is ahead with probability
    ``Phi((y_j - x) / noise - z)`` (0 for the consortium's own alliance, index ``own``);
    the probability of ``n`` ahead is updated rival by rival (Poisson-binomial, up to
    ``top - 1``), then summed over ``n`` and averaged over ``z``. Each ``n`` is kept as a
    contiguous ``(x, z)`` plane and updated in place, highest ``n`` first (it reads the old
    ``n - 1``), and only the ``n`` a rival can reach so far: the same operations on the
    same numbers as updating a ``(x, z, n)`` array at once, so the same bits, without its
    short strided inner loops and temporaries.
    """
    z, w = _standard_normal_nodes()
    ahead = np.zeros((top, x.size, z.size))  # P(n rivals ahead | z), n < top
    ahead[0] = 1.0
    p = np.empty((x.size, z.size))
    q = np.empty_like(p)
    term = np.empty_like(p)
    for j, yj in enumerate(y):
        np.subtract(yj, x[:, None], out=p)
        np.divide(p, noise, out=p)
        np.subtract(p, z, out=p)
        ndtr(p, out=p)
        p[own == j] = 0.0
        np.subtract(1.0, p, out=q)
        for n in range(min(j + 1, top - 1), 0, -1):  # n ahead: n - 1 before and j ahead
            np.multiply(ahead[n], q, out=ahead[n])
            np.multiply(ahead[n - 1], p, out=term)
            np.add(ahead[n], term, out=ahead[n])
        np.multiply(ahead[0], q, out=ahead[0])
    cumulative = np.cumsum(np.ascontiguousarray(np.moveaxis(ahead, 0, -1)), axis=-1)  # (x, z, n)
    return np.asarray(np.einsum("ugn,g->un", cumulative, w))


def consortium_prize(call: ConsortiumCall, odds: np.ndarray, p: ModelParams) -> np.ndarray:
    """USD m a consortium expects from applying, seen from ``call.step``.

    Reason: docs/model.md 6.10, "Consortia formed for the call": the expected funding of
    each funded quarter (``call.funding`` times ``odds``, its probability of being still in
    then, ``survival``, shape ``(..., quarters)``) discounted at ``rho = (1 + r)^(-1/4)`` a
    quarter, counted over the horizon (``tau = 0..H-1``, as ``Lambda^0``), less the
    application cost paid at the application; never negative (a consortium that expects
    less does not apply). Zero outside the window, from the announcement to the quarter
    before the application.
    """
    c = p.choice
    rho = (1.0 + c.discount_rate) ** -0.25
    tau = np.asarray(call.quarters) - call.step
    weight = np.where((tau >= 0) & (tau < c.horizon_quarters), rho ** np.maximum(tau, 0), 0.0)
    gross = (call.funding * np.asarray(odds, dtype=np.float64) * weight).sum(-1)
    net = np.maximum(gross - rho ** (call.application - call.step) * call.cost, 0.0)
    open_now = call.announced <= call.step < call.application
    return np.asarray(net if open_now else np.zeros_like(net))


def member_value(
    call: ConsortiumCall,
    p: ModelParams,
    size: tuple[np.ndarray, np.ndarray, np.ndarray],
    prospects: tuple[np.ndarray, np.ndarray],
    rivals: np.ndarray,
    excluded: np.ndarray | float,
    used: np.ndarray | bool = True,
) -> np.ndarray:
    """USD m a domestic member expects from its consortium's prize (>= 0).

    Reason: the money is shared equally by the consortium's domestic members, only a
    consortium of at least ``min_members`` members competes, and its prize depends on its
    odds of surviving the stages given its members' mean capability and its rivals'
    (``survival``, ``consortium_prize``). ``size`` is ``(members,
    domestic, capability)``: the consortium's members, domestic members (counting the
    member itself) and their summed capability. A founder (or a leader still short of
    ``min_members``) expects each of its ``count`` domestic prospects, of mean capability
    ``mean``, to join with probability ``recruit_expectation`` (as in founding, 6.6); with
    ``X ~ Binomial(count, expectation)`` recruits, its score is ``(capability + X mean) /
    (members + X)`` and the value is ``E[1[members + X >= min_members] / (domestic + X) *
    prize(odds)]``; with no prospects, ``X = 0``. ``prospects`` is ``(count, mean)``; the
    arrays broadcast. Where ``used`` (broadcast with them) is False, the caller discards the
    value: it is returned as 0 without computing its odds (``terms_needed``).
    """
    n, d, s, k, mean, ex = np.broadcast_arrays(
        np.asarray(size[0], dtype=np.int64),
        np.asarray(size[1], dtype=np.int64),
        np.asarray(size[2], dtype=np.float64),
        np.asarray(prospects[0], dtype=np.int64),
        np.asarray(prospects[1], dtype=np.float64),
        np.asarray(excluded, dtype=np.float64),
    )
    e = p.choice.recruit_expectation
    x = np.arange(int(k.max(initial=0)) + 1)
    kk = k[..., None]
    pmf = comb(kk, x) * e**x * (1.0 - e) ** np.maximum(kk - x, 0)
    pmf = np.where(x <= kk, pmf, 0.0)
    counts = (n[..., None] + x) >= call.min_members
    score = (s[..., None] + x * mean[..., None]) / np.maximum(n[..., None] + x, 1)
    share = pmf * counts / np.maximum(d[..., None] + x, 1)
    need = terms_needed(share, np.broadcast_to(used, n.shape))
    prize = np.zeros(share.shape)
    if need.any():
        excluded_x = np.broadcast_to(ex[..., None], score.shape)
        odds = survival(score[need], rivals, excluded_x[need], call.places, call.noise)
        prize[need] = consortium_prize(call, odds, p)
    return np.asarray((share * prize).sum(-1))


def terms_needed(share: np.ndarray, used: np.ndarray) -> np.ndarray:
    """Where ``member_value`` needs a prize: a used value's terms of positive share.

    Reason: speed only. The odds (``survival``) are most of a tournament quarter's time,
    and most terms of ``share * prize`` are zero whatever the prize (a recruit count the
    binomial cannot reach, a consortium short of ``min_members``), or belong to values the
    caller discards (``used`` False: an option that is not a domestic-led consortium, a
    foreign reviser). A prize is non-negative and finite (unless ``funding`` times the
    funded quarters overflows a float, where computing it would give NaN terms), so leaving
    it 0 there keeps every used value's bits: each such term is +0.0 either way. ``share``
    is ``(..., X + 1)``, ``used`` its shape without the last axis.
    """
    return np.asarray(used[..., None] & (share > 0.0))


def call_values(
    r: Reviser,
    target: np.ndarray,
    is_leader: np.ndarray,
    recruits: np.ndarray,
    firms: FirmState,
    alliances: AllianceState,
    call: ConsortiumCall,
    p: ModelParams,
) -> np.ndarray:
    """(K, options) USD m over the horizon each option's consortium is expected to pay.

    Reason: docs/model.md 6.10, "Consortia formed for the call". A level per option, like
    the subsidy and the mandate: the option's alliance, with the reviser in it, must be
    domestic-led; its prize follows its odds by members' mean capability, with the reviser
    in, against the would-be consortia a firm sees now: every active domestic-led alliance,
    scored as the lever scores (those short of ``min_members`` may still recruit before the
    call); the option's own alliance is not its rival. The reviser's share is
    ``member_value``.
    Founding (column ``FOUND``) leads a new consortium of one, scored by the founder's
    capability, and so does staying as the leader of an alliance still short of
    ``min_members``: both count on the domestic prospects drawn (``recruits``) while a
    recruit can still join before the application: a leader's this quarter, a new
    alliance's from the next quarter on (it is found by candidates' draws once it exists).
    Zero for foreign firms (the lever pays domestic members only) and outside the window.
    """
    c = alliance_counts(firms, alliances)
    visible = c.led & (c.members >= 1)  # would-be consortia: they may recruit before the call
    score = np.where(visible, c.capability / np.maximum(c.members, 1), -np.inf)
    exists = target >= 0
    at = np.maximum(target, 0)
    joins = exists & (target != r.current[:, None])
    own = firms.capability[r.rows][:, None]
    n = np.where(exists, padded(c.members)[at] + joins, 0)
    d = np.where(exists, padded(c.domestic)[at] + joins, 0)
    s = np.where(exists, padded(c.capability)[at] + joins * own, 0.0)
    ok = exists & padded(c.led)[at]
    excluded = np.where(exists, padded(score)[at], -np.inf)
    n[:, FOUND], d[:, FOUND], s[:, FOUND], ok[:, FOUND] = 1, 1, own[:, 0], True
    excluded[:, FOUND] = -np.inf
    pool = (recruits != r.rows[:, None]) & (firms.region[recruits] == DOMESTIC)
    pool &= firms.alive[recruits]
    count = pool.sum(-1)
    mean = (pool * firms.capability[recruits]).sum(-1) / np.maximum(count, 1)
    founding = np.arange(target.shape[1]) == FOUND
    # a leader's recruits may join this quarter; a new alliance's, from the next one on
    leading = (is_leader & (n < call.min_members)) | (founding & (call.step + 1 < call.application))
    value = member_value(
        call,
        p,
        (n, d, s),
        (np.where(leading, count[:, None], 0), mean[:, None]),
        np.concatenate([score[visible], np.asarray(call.entrants, dtype=np.float64)]),
        excluded,
        ok & r.domestic[:, None],
    )
    return np.asarray(np.where(ok, value, 0.0) * r.domestic[:, None])
