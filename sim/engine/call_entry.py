"""Forming consortia for a call: everyone hears it, founders enter in order, they invite.

While a tournament's call is open (``ConsortiumCall``, docs/model.md 6.10), three rules shape
how consortia form, all only then (and the invitations in the quarter after):

- ``hearing_the_call``: every alive domestic firm weighs founding a consortium against
  staying where it is, whether or not it was drawn to reconsider;
- ``founders_in_order``: the quarter's would-be founders decide one after another, most
  capable first, each counting the founders confirmed before it among its rivals (myopic
  sequential entry in order of capability): founding stops paying once enough better
  consortia exist;
- ``invitations`` and ``with_invitations``: a founder approaches the domestic prospects it
  counted on (``Prospects.recruits``); in the next quarter each of them weighs the
  invitation (the new alliance is among the alliances it looks at) whether or not it was
  drawn to reconsider.

A firm the call prompted (it heard the call or was invited, and was not drawn) weighs only
what prompted it against staying: it may not leave to go alone (``valuation.decide``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sim.config.schema import ModelParams
from sim.config.vocabulary import DOMESTIC
from sim.engine.choice import FIRST_CANDIDATE, RevisionDraws
from sim.engine.founding import founds
from sim.engine.outlook import Prospects
from sim.engine.policy import ConsortiumCall, PolicyEffects
from sim.engine.quarter import Revision
from sim.engine.state import NO_ALLIANCE, AllianceState, FirmState
from sim.engine.valuation import decide


@dataclass(frozen=True)
class Invitations:
    """Firms invited to join a new alliance in the next quarter."""

    rows: np.ndarray  # invited firm rows
    alliance: np.ndarray  # the alliance each is invited to


NO_INVITATIONS = Invitations(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


def founding_open(call: ConsortiumCall | None) -> bool:
    """Whether a founder this quarter can still recruit before the call's application."""
    return call is not None and call.announced <= call.step and call.step + 1 < call.application


def founders_in_order(
    targets: np.ndarray,
    revision: Revision,
    firms: FirmState,
    alliances: AllianceState,
    view: Prospects,
    effects: PolicyEffects,
    p: ModelParams,
) -> np.ndarray:
    """Targets after the would-be founders decided in order of capability.

    Reason: docs/model.md 6.10, "Founders in order". Decided at once, every founder of a
    quarter counts only the consortia that exist and expects a top rank; here the domestic
    revisers who chose to found decide again one at a time, most capable first (ties by
    row), each with the founders confirmed before it among its rivals (scored by their own
    capability, as a consortium of one is). Each keeps its own noise (the same draws), so a
    founder whose rivals did not change decides as before. Computed in rounds: all still to
    decide are valued against the confirmed founders; those before the first who still
    founds decline for good (later founders are not their rivals), that one is confirmed,
    and the rest decide again; the same targets as one at a time, in a round per founder.
    """
    call = effects.call
    if not founding_open(call):
        return targets
    assert call is not None
    draws = revision.draws
    rows = draws.revisers
    founding = founds(targets) & (firms.region[rows] == DOMESTIC)
    k = np.flatnonzero(founding)
    order = k[np.lexsort((rows[k], -firms.capability[rows[k]]))]
    out = targets.copy()
    entrants: list[float] = []
    while order.size:  # all still to decide, against the founders confirmed so far
        seen = replace(effects, call=replace(call, entrants=tuple(entrants)))
        target, _ = decide(order, draws, firms, alliances, view, seen, p, revision.prompted)
        out[order] = target
        found = np.flatnonzero(founds(target))
        if not found.size:
            break
        first = int(found[0])  # the first in order who still founds is confirmed
        entrants.append(float(firms.capability[rows[order[first]]]))
        order = order[first + 1 :]
    return out


def invitations(
    founded: np.ndarray, rows: np.ndarray, firms: FirmState, view: Prospects
) -> Invitations:
    """Whom this quarter's domestic founders invite: the domestic prospects each counted on.

    ``founded`` flags the draws' rows (``rows``, firm rows; ``view.recruits`` row for row)
    that founded an alliance this quarter; call it after the moves, so that each founder's
    alliance is its new one. A prospect must be alive, domestic, not already in the alliance
    and not a founder of this quarter itself (it leads a consortium of its own).
    """
    at = np.flatnonzero(founded & (firms.region[rows] == DOMESTIC))
    founders = rows[at]
    prospects = view.recruits[at]
    alliance = np.broadcast_to(firms.alliance[founders][:, None], prospects.shape)
    ok = (firms.region[prospects] == DOMESTIC) & firms.alive[prospects]
    ok &= (firms.alliance[prospects] != alliance) & ~np.isin(prospects, rows[founded])
    return Invitations(prospects[ok], alliance[ok])


def _with_rows(
    draws: RevisionDraws, rows: np.ndarray, rng: np.random.Generator
) -> tuple[RevisionDraws, np.ndarray]:
    """The draws with ``rows`` added as revisers looking at no alliance; the rows added.

    Rows already drawn are left as drawn. The added rows' Gumbel noise is drawn after the
    quarter's draws, in row order.
    """
    new = np.setdiff1d(rows, draws.revisers)
    if new.size == 0:
        return draws, new
    n_c = draws.candidates.shape[1]
    revisers = np.union1d(draws.revisers, new)
    at = np.searchsorted(revisers, draws.revisers)
    candidates = np.full((revisers.size, n_c), NO_ALLIANCE, dtype=np.int64)
    candidates[at] = draws.candidates
    gumbel = np.empty((revisers.size, FIRST_CANDIDATE + n_c))
    gumbel[at] = draws.gumbel
    gumbel[np.searchsorted(revisers, new)] = rng.gumbel(size=(new.size, FIRST_CANDIDATE + n_c))
    return RevisionDraws(revisers, candidates, gumbel), new


def with_invitations(
    draws: RevisionDraws,
    invited: Invitations,
    firms: FirmState,
    alliances: AllianceState,
    rng: np.random.Generator,
) -> tuple[RevisionDraws, np.ndarray]:
    """The quarter's draws with every invited firm reconsidering, its invitations in view.

    Reason: docs/model.md 6.10, "Invitations". An invited firm that was not drawn to
    reconsider does so now, looking at the alliances that invited it (the rest of its
    candidates none); one that was drawn sees its invitations in place of its last
    candidates. Invitations to alliances no longer active, or of firms gone, lapse; a
    repeated invitation counts once; a firm invited more often than it looks at alliances
    sees those whose leaders are the most capable (ties to the lower alliance row).

    Returns:
        The draws, and the firm rows added to them (not drawn, invited).
    """
    live = alliances.active[invited.alliance] & firms.alive[invited.rows]
    pairs = np.unique(np.column_stack([invited.rows[live], invited.alliance[live]]), axis=0)
    if pairs.size == 0:
        return draws, np.zeros(0, dtype=np.int64)
    rows, alliance = pairs[:, 0], pairs[:, 1]
    draws, new = _with_rows(draws, np.unique(rows), rng)
    order = np.lexsort((alliance, -firms.capability[alliances.leader[alliance]], rows))
    rows, alliance = rows[order], alliance[order]
    first = np.r_[0, np.flatnonzero(np.diff(rows)) + 1]
    rank = np.arange(rows.size) - np.repeat(first, np.diff(np.r_[first, rows.size]))
    n_c = draws.candidates.shape[1]
    keep = rank < n_c
    candidates = draws.candidates.copy()
    candidates[np.searchsorted(draws.revisers, rows[keep]), n_c - 1 - rank[keep]] = alliance[keep]
    return RevisionDraws(draws.revisers, candidates, draws.gumbel), new


def prompted_draws(
    draws: RevisionDraws,
    invited: Invitations,
    call: ConsortiumCall | None,
    firms: FirmState,
    alliances: AllianceState,
    rng: np.random.Generator,
) -> tuple[RevisionDraws, np.ndarray]:
    """The quarter's draws with the firms a call prompted; those firms (not drawn).

    Last quarter's founders' invitations first (``with_invitations``), then, while founding
    is open, every domestic firm hearing the call (``hearing_the_call``); noise in that order.
    """
    draws, prompted = with_invitations(draws, invited, firms, alliances, rng)
    if founding_open(call):
        draws, heard = hearing_the_call(draws, firms, rng)
        prompted = np.union1d(prompted, heard)
    return draws, prompted


def hearing_the_call(
    draws: RevisionDraws, firms: FirmState, rng: np.random.Generator
) -> tuple[RevisionDraws, np.ndarray]:
    """The draws with every alive domestic firm weighing the call; the firms that only hear it.

    Reason: docs/model.md 6.10, "Everyone hears the call". A firm not drawn to reconsider
    weighs only founding a consortium against staying where it is (it looks at no other
    alliance, and may not go alone). Their noise is drawn after the quarter's draws, in row
    order.
    """
    return _with_rows(draws, np.flatnonzero(firms.alive & (firms.region == DOMESTIC)), rng)
