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
- ``expected_funding``: a consortium's funding in each funded quarter given its rank: the
  lever's cuts are deterministic, so it is funded while its rank is within the places;
- ``consortium_prize``: what a consortium of a given rank expects from applying, discounted
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
from scipy.special import comb

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


def expected_funding(places: np.ndarray, funding: float, rank: np.ndarray | int) -> np.ndarray:
    """USD m a consortium ranked ``rank`` (>= 1) expects in each funded quarter, (..., quarters).

    Reason: every stage keeps the best-scoring consortia, so one ranked ``rank`` is funded
    in a quarter while its rank is within that quarter's ``places`` (the fewest any stage up
    to it keeps): ``funding * 1[rank <= places]``.
    """
    r = np.asarray(rank, dtype=np.int64)[..., None]
    return np.asarray(funding * (r <= np.asarray(places)), dtype=np.float64)


def consortium_prize(call: ConsortiumCall, rank: np.ndarray | int, p: ModelParams) -> np.ndarray:
    """USD m a consortium ranked ``rank`` expects from applying, seen from ``call.step``.

    Reason: docs/model.md 6.10, "Consortia formed for the call": the expected funding of
    each funded quarter discounted at ``rho = (1 + r)^(-1/4)`` a quarter, counted over the
    horizon (``tau = 0..H-1``, as ``Lambda^0``), less the application cost paid at the
    application; never negative (a consortium that expects less does not apply). Zero
    outside the window, from the announcement to the quarter before the application.
    """
    c = p.choice
    rho = (1.0 + c.discount_rate) ** -0.25
    tau = np.asarray(call.quarters) - call.step
    weight = np.where((tau >= 0) & (tau < c.horizon_quarters), rho ** np.maximum(tau, 0), 0.0)
    gross = (expected_funding(call.places, call.funding, rank) * weight).sum(-1)
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
) -> np.ndarray:
    """USD m a domestic member expects from its consortium's prize (>= 0).

    Reason: the money is shared equally by the consortium's domestic members, only a
    consortium of at least ``min_members`` members competes, and its prize depends on its
    rank by members' mean capability (``consortium_prize``). ``size`` is ``(members,
    domestic, capability)``: the consortium's members, domestic members (counting the
    member itself) and their summed capability. A founder (or a leader still short of
    ``min_members``) expects each of its ``count`` domestic prospects, of mean capability
    ``mean``, to join with probability ``recruit_expectation`` (as in founding, 6.6); with
    ``X ~ Binomial(count, expectation)`` recruits, its score is ``(capability + X mean) /
    (members + X)`` and the value is ``E[1[members + X >= min_members] / (domestic + X) *
    prize(rank)]``; with no prospects, ``X = 0``. ``prospects`` is ``(count, mean)``; the
    arrays broadcast.
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
    prize = consortium_prize(call, ranks(score, rivals, ex[..., None]), p)
    share = pmf * counts / np.maximum(d[..., None] + x, 1)
    return np.asarray((share * prize).sum(-1))


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
    domestic-led; its prize follows its rank by members' mean capability, with the reviser
    in, among the would-be consortia a firm sees now: every active domestic-led alliance,
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
        score[visible],
        excluded,
    )
    return np.asarray(np.where(ok, value, 0.0) * r.domestic[:, None])
