"""Consortia formed for a call (design version 2, docs/model.md 6.10), in USD m.

From a tournament's announcement until its application, what a consortium expects from
applying enters the membership values of domestic firms (``valuation.option_values``): the
value of founding an alliance (the founder would lead a consortium) and of joining, or
staying in, a domestic-led alliance that would compete. The lever states the call's facts
(``policy.ConsortiumCall``); these functions turn them into money:

- ``expected_funding``: a competitor's funding in each funded quarter, at equal odds;
- ``consortium_prize``: what a consortium expects from applying, discounted to the quarter
  of the decision over the horizon, net of the application cost; zero outside the window;
- ``member_share``: a domestic member's expected share of it, with the recruits a founder
  expects (a consortium counts only with ``min_members`` members at the call);
- ``call_values``: the level each reviser's options are worth, zero for foreign firms.
"""

from __future__ import annotations

import numpy as np
from scipy.special import comb

from sim.config.schema import ModelParams
from sim.config.vocabulary import DOMESTIC
from sim.engine.choice import FOUND
from sim.engine.outlook import Reviser
from sim.engine.policy import ConsortiumCall
from sim.engine.state import AllianceState, FirmState, padded


def expected_funding(
    slots: np.ndarray, funding: float, competitors: np.ndarray | float
) -> np.ndarray:
    """USD m a competing consortium expects in each funded quarter, (..., quarters).

    Reason: no applicant knows how the reviewers will rank it, so each counts on equal odds
    ``min(1, slots / competitors)`` of being funded in a quarter (``competitors`` >= 1).
    """
    c = np.maximum(np.asarray(competitors, dtype=np.float64), 1.0)[..., None]
    return np.asarray(funding * np.minimum(1.0, np.asarray(slots, dtype=np.float64) / c))


def consortium_prize(
    call: ConsortiumCall, competitors: np.ndarray | float, p: ModelParams
) -> np.ndarray:
    """USD m a consortium expects from applying, seen from the call's quarter ``call.step``.

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
    gross = (expected_funding(call.slots, call.funding, competitors) * weight).sum(-1)
    net = np.maximum(gross - rho ** (call.application - call.step) * call.cost, 0.0)
    open_now = call.announced <= call.step < call.application
    return np.asarray(net if open_now else np.zeros_like(net))


def member_share(
    members: np.ndarray,
    domestic: np.ndarray,
    prospects: np.ndarray,
    expectation: float,
    min_members: int,
) -> np.ndarray:
    """A domestic member's expected share of its consortium's prize (a fraction, >= 0).

    Reason: the money is shared equally by the consortium's domestic members, and only a
    consortium of at least ``min_members`` members competes. A founder (or a leader still
    short of ``min_members``) expects each of its ``prospects`` domestic prospects to join
    with probability ``expectation`` (``recruit_expectation``, as in founding, 6.6), so with
    ``X ~ Binomial(prospects, expectation)`` recruits the share is
    ``E[1[members + X >= min_members] / (domestic + X)]``; with no prospects, ``X = 0``.
    Arguments broadcast; ``domestic`` counts the member itself.
    """
    n, d, k = np.broadcast_arrays(
        np.asarray(members, dtype=np.int64),
        np.asarray(domestic, dtype=np.int64),
        np.asarray(prospects, dtype=np.int64),
    )
    x = np.arange(int(k.max(initial=0)) + 1)
    kk = k[..., None]
    pmf = comb(kk, x) * expectation**x * (1.0 - expectation) ** np.maximum(kk - x, 0)
    pmf = np.where(x <= kk, pmf, 0.0)
    counts = (n[..., None] + x) >= min_members
    return np.asarray((pmf * counts / np.maximum(d[..., None] + x, 1)).sum(-1))


def alliance_counts(
    firms: FirmState, alliances: AllianceState
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per alliance row (at least one): alive members, alive domestic members, domestic-led.

    Domestic-led means active and led by a domestic firm (the lever's consortia,
    ``tournament.consortium_scores``).
    """
    m = max(alliances.m, 1)
    inside = firms.alive & (firms.alliance >= 0)
    a = firms.alliance[inside]
    members = np.bincount(a, minlength=m)[:m]
    domestic = np.bincount(a, weights=firms.region[inside] == DOMESTIC, minlength=m)[:m]
    led = np.zeros(m, dtype=bool)
    if alliances.m:
        led[: alliances.m] = alliances.active & (firms.region[alliances.leader] == DOMESTIC)
    return members, domestic.astype(np.int64), led


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
    domestic-led; its prize counts the consortia competing now, plus itself if it does not
    compete yet, at most the call's count (the lever's rule at the call, on today's state);
    the reviser's share is ``member_share``. Founding (column ``FOUND``) leads a new
    consortium of one, and so does staying as the leader of an alliance still short of
    ``min_members``: both count on the domestic prospects drawn (``recruits``) while a
    recruit can still join before the application: a leader's this quarter, a new
    alliance's from the next quarter on (it is found by candidates' draws once it exists).
    Zero for foreign firms (the lever pays domestic members only) and outside the window.
    """
    members, domestic, led = alliance_counts(firms, alliances)
    competing = led & (members >= call.min_members)
    rivals = int(competing.sum())
    exists = target >= 0
    at = np.maximum(target, 0)
    member = target == r.current[:, None]
    joins = exists & ~member
    n = np.where(exists, padded(members)[at] + joins, 0)
    d = np.where(exists, padded(domestic)[at] + joins, 0)
    ok = exists & padded(led)[at]
    new = ~(exists & padded(competing)[at])
    n[:, FOUND], d[:, FOUND], ok[:, FOUND], new[:, FOUND] = 1, 1, True, True
    pool = (recruits != r.rows[:, None]) & (firms.region[recruits] == DOMESTIC)
    prospects = (pool & firms.alive[recruits]).sum(-1)[:, None]
    founding = np.arange(target.shape[1]) == FOUND
    # a leader's recruits may join this quarter; a new alliance's, from the next one on
    leading = (is_leader & (n < call.min_members)) | (founding & (call.step + 1 < call.application))
    share = member_share(
        n, d, np.where(leading, prospects, 0), p.choice.recruit_expectation, call.min_members
    )
    prize = consortium_prize(call, np.minimum(rivals + new, call.keep), p)
    value = np.where(ok, prize * share, 0.0)
    return np.asarray(value * r.domestic[:, None])
