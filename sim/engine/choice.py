"""Membership revision (version 1): who reconsiders, what they weigh, what they pick.

A reviser's options are laid out in columns: ``ALONE``, ``STAY`` (its current alliance),
``FOUND`` (a new alliance it leads), then ``n_candidates`` alliances it happened to look at
this quarter. Each utility term is its own function of arrays; ``decide`` adds them up and
picks by the Gumbel-max trick, which draws exactly from the logit choice probabilities.
Revision is synchronous: every reviser decides on the state at the start of the step
(the ``AllianceTotals`` snapshot), then all moves are applied at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config.schema import ChoiceParams
from sim.config.vocabulary import DOMESTIC, N_DOMAINS
from sim.engine.aggregates import AllianceTotals
from sim.engine.policy import PolicyEffects
from sim.engine.state import CLOSED, NO_ALLIANCE, OPEN, AllianceState, FirmState, padded

ALONE, STAY, FOUND, FIRST_CANDIDATE = 0, 1, 2, 3
FOUND_NEW = -2  # target code: found a new alliance


@dataclass
class RevisionDraws:
    """The random numbers of one quarter's revision, drawn once and shared by both engines."""

    revisers: np.ndarray  # firm rows reconsidering, ascending
    candidates: np.ndarray  # (R, n_candidates) alliance ids looked at (-1 if none exist)
    gumbel: np.ndarray  # (R, FIRST_CANDIDATE + n_candidates) standard Gumbel noise


def draw_revision(
    firms: FirmState, alliances: AllianceState, p: ChoiceParams, rng: np.random.Generator
) -> RevisionDraws:
    """Draw who reconsiders, which alliances each looks at, and the choice noise.

    Reason: only a share of firms reconsider each quarter (inertia), and each sees only a
    few alliances besides its own (search is costly), chosen uniformly among those active.
    """
    revisers = np.flatnonzero((rng.random(firms.n) < p.revision_share) & firms.alive)
    active = np.flatnonzero(alliances.active)
    shape = (revisers.size, p.n_candidates)
    if active.size:
        candidates = active[rng.integers(0, active.size, size=shape)]
    else:
        candidates = np.full(shape, NO_ALLIANCE, dtype=np.int64)
    gumbel = rng.gumbel(size=(revisers.size, FIRST_CANDIDATE + p.n_candidates))
    return RevisionDraws(revisers, candidates, gumbel)


# --- the utility terms ----------------------------------------------------------------


def scale_value(pooled_capability: np.ndarray, half: float) -> np.ndarray:
    """Value of pooled capability, saturating: larger is better, with diminishing returns."""
    return pooled_capability / (pooled_capability + half)


def accessible_capability(
    pooled_capability: np.ndarray, own_capability: np.ndarray, access: np.ndarray
) -> np.ndarray:
    """Capability a member can draw on: its own plus the others' at the access rate.

    Reason: a member gets its partners' knowledge only at the alliance's internal
    spillover rate; an open alliance leaks to outsiders too, so membership adds less
    beyond what a non-member gets for free.
    """
    return own_capability + access * np.maximum(pooled_capability - own_capability, 0.0)


def membership_access(
    regime: np.ndarray, beta_open: float, beta_closed: float, beta_public: float
) -> np.ndarray:
    """Access a membership adds over the public leak: internal minus public spillover."""
    internal = np.where(regime == OPEN, beta_open, beta_closed)
    leak = np.where(regime == OPEN, beta_public, 0.0)
    return np.clip(internal - leak, 0.0, 1.0)


def complementarity_value(
    coverage: np.ndarray, own_presence: np.ndarray, is_member: np.ndarray, home: np.ndarray
) -> np.ndarray:
    """Share of the other domains of the value chain that the other members cover.

    Args:
        coverage: (..., D) member counts present in each domain, for each option.
        own_presence: (..., D) 0/1, the firm's own presence (subtracted where it is a member).
        is_member: (...) whether the firm is already counted in ``coverage``.
        home: (...) the firm's home domain.
    """
    others = coverage - own_presence * is_member[..., None]
    not_home = np.arange(N_DOMAINS) != home[..., None]
    return ((others > 0) & not_home).sum(axis=-1) / (N_DOMAINS - 1)


def rivalry_cost(same_domain_capability: np.ndarray, capability: np.ndarray) -> np.ndarray:
    """Share of the same-domain capability inside the alliance that belongs to rivals.

    Reason: members in your domain compete with you for the same customers, and the more
    capable they are, the more the alliance's gains go to them.
    """
    return same_domain_capability / np.maximum(same_domain_capability + capability, 1e-12)


def regime_openness(regime: np.ndarray) -> np.ndarray:
    """Openness an alliance regime stands for: open 1.0, closed 0.0."""
    return np.where(regime == OPEN, 1.0, 0.0)


def openness_misfit(openness: np.ndarray, regime: np.ndarray) -> np.ndarray:
    """Distance between a firm's openness and what the alliance's regime demands."""
    return np.abs(openness - regime_openness(regime))


def money_burden(amount: np.ndarray, capital: np.ndarray) -> np.ndarray:
    """A payment (or gift) relative to the firm's means, in [0, 1)."""
    return amount / np.maximum(np.maximum(capital, 0.0) + amount, 1e-12)


def legal_risk(alliance_share: np.ndarray, clarity: float) -> np.ndarray:
    """Antitrust exposure: rises with the alliance's market share, falls with clarity."""
    return alliance_share * (1.0 - clarity)


def admits(
    regime: np.ndarray,
    members_mean_capability: np.ndarray,
    capability: np.ndarray,
    share_after_joining: np.ndarray,
    is_member: np.ndarray,
    selectivity: float,
    share_cap: float | np.ndarray,
) -> np.ndarray:
    """Whether an alliance takes the firm.

    Reason: open alliances admit anyone; a closed one's leader admits only firms at least
    ``selectivity`` times as capable as its members on average; where antitrust enforcement
    caps market share, joining beyond the cap is refused. Members may always stay.
    """
    selected = (regime == OPEN) | (capability >= selectivity * members_mean_capability)
    return is_member | (selected & (share_after_joining <= share_cap))


def founding_regime(openness: np.ndarray) -> np.ndarray:
    """Regime of an alliance a firm founds: open if the founder leans open."""
    return np.where(openness >= 0.5, OPEN, CLOSED).astype(np.int8)


# --- the decision -------------------------------------------------------------------------


def option_utilities(
    k: np.ndarray,
    draws: RevisionDraws,
    firms: FirmState,
    alliances: AllianceState,
    totals: AllianceTotals,
    effects: PolicyEffects,
    p: ChoiceParams,
    access_rates: tuple[float, float, float] = (1.0, 1.0, 0.0),
) -> np.ndarray:
    """Utility of each option for revisers ``k`` (positions in ``draws.revisers``).

    ``access_rates`` are the (open internal, closed internal, public) spillover rates.

    Returns:
        (len(k), FIRST_CANDIDATE + n_candidates) utilities; -inf where not available.
    """
    rows = draws.revisers[k]
    current = firms.alliance[rows]
    cap = firms.capability[rows]
    capital = firms.capital[rows]
    openness = firms.openness[rows]
    home = firms.domain[rows].astype(np.int64)

    targets = np.concatenate([current[:, None], draws.candidates[k]], axis=1)  # STAY, cands
    exists = targets != NO_ALLIANCE
    later = targets[:, 1:]
    repeated = np.zeros_like(exists)
    for j in range(1, targets.shape[1]):  # a candidate already listed adds no new option
        repeated[:, j] = (targets[:, :j] == later[:, j - 1, None]).any(axis=1)
    a = np.where(exists, targets, 0)
    member = targets == current[:, None]

    cap2, capital2, open2 = cap[:, None], capital[:, None], openness[:, None]
    pooled = totals.capability[a] + cap2 * ~member
    regime = padded(alliances.regime)[a]
    access = membership_access(regime, *access_rates)
    bits = ((firms.presence[rows][:, None] >> np.arange(N_DOMAINS)) & 1).astype(np.float64)
    coverage = totals.coverage[a]  # (K, C+1, D)
    home2 = np.broadcast_to(home[:, None], a.shape)
    same = totals.domain_capability[a, home2] - cap2 * member
    share = totals.share[a] + totals.firm_share[rows][:, None] * ~member
    is_leader = padded(alliances.leader, -1)[a] == rows[:, None]
    fee = np.where(is_leader, 0.0, np.where(regime == OPEN, p.fee_open, p.fee_closed))
    domestic = (firms.region[rows] == DOMESTIC)[:, None]  # only domestic firms are paid
    subsidy = effects.member_subsidy[a, home2] * domestic

    util = (
        p.w_scale * scale_value(accessible_capability(pooled, cap2, access), p.scale_half)
        + p.w_complementarity
        * (complementarity_value(coverage, bits[:, None, :], member, home2) + effects.mission[a])
        - p.w_rivalry * rivalry_cost(same, cap2)
        - p.w_openness_fit * openness_misfit(open2, regime)
        - p.w_fee * money_burden(fee, capital2)
        - p.w_legal * legal_risk(share, effects.clarity)
        + p.w_subsidy * money_burden(subsidy, capital2)
        + p.w_mandate * effects.mandate_pull[a]
        - p.switching_cost * ~member
    )
    ok = exists & ~repeated
    ok[:, 1:] &= ~member[:, 1:]  # the current alliance is the STAY column only
    ok &= admits(
        regime,
        totals.mean_capability[a],
        cap2,
        share,
        member,
        p.closed_selectivity,
        np.where(effects.cap_exempt[a], np.inf, effects.share_cap),
    )
    alliance_util = np.where(ok, util, -np.inf)

    in_alliance = current != NO_ALLIANCE
    alone = p.w_scale * scale_value(cap, p.scale_half) - p.switching_cost * in_alliance
    regime_new = founding_regime(openness)
    found = (
        p.w_scale * scale_value(cap, p.scale_half)
        + p.leadership_value
        - p.w_fee * money_burden(np.full_like(capital, p.founding_cost), capital)
        - p.w_openness_fit * openness_misfit(openness, regime_new)
        - p.switching_cost * in_alliance
    )
    found = np.where(capital >= p.founding_cost, found, -np.inf)
    return np.column_stack([alone, alliance_util[:, 0], found, alliance_util[:, 1:]])


def decide(
    k: np.ndarray,
    draws: RevisionDraws,
    firms: FirmState,
    alliances: AllianceState,
    totals: AllianceTotals,
    effects: PolicyEffects,
    p: ChoiceParams,
    access_rates: tuple[float, float, float] = (1.0, 1.0, 0.0),
) -> np.ndarray:
    """Target of each reviser in ``k``: an alliance id, NO_ALLIANCE, or FOUND_NEW.

    Reason: bounded rationality: a logit choice over the options' utilities with Gumbel
    noise of scale ``noise_scale`` (argmax of utility + noise).
    """
    util = option_utilities(k, draws, firms, alliances, totals, effects, p, access_rates)
    pick = np.argmax(util + p.noise_scale * draws.gumbel[k], axis=1)
    rows = draws.revisers[k]
    targets = np.concatenate([firms.alliance[rows][:, None], draws.candidates[k]], axis=1)
    column = np.where(pick >= FIRST_CANDIDATE, pick - (FIRST_CANDIDATE - 1), 0)
    chosen_alliance = np.take_along_axis(targets, column[:, None], axis=1)[:, 0]
    return np.select(
        [pick == ALONE, pick == FOUND], [NO_ALLIANCE, FOUND_NEW], chosen_alliance
    ).astype(np.int64)
