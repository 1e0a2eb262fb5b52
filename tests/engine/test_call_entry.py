"""sim.engine.call_entry: founders in order, invitations and hearing a tournament's call."""

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest

import sim
import sim.model
from sim.config.vocabulary import DOMESTIC
from sim.engine import call_entry
from sim.engine.call_entry import (
    Invitations,
    founders_in_order,
    founding_open,
    hearing_the_call,
    invitations,
    with_invitations,
)
from sim.engine.choice import FIRST_CANDIDATE, FOUND, FOUND_NEW, RevisionDraws
from sim.engine.consortia import consortium_prize
from sim.engine.founding import FOUND_CLOSED
from sim.engine.state import NO_ALLIANCE
from sim.engine.valuation import decide
from tests.engine.test_consortia import PARAMS, at_rank, call, values_of

N_C = 4  # candidates per reviser in the hand-made draws


def test_founding_is_open_from_the_announcement_while_a_recruit_can_still_join():
    assert not founding_open(None)
    assert [founding_open(call(step=s, announced=1, application=4)) for s in range(5)] == [
        False,
        True,
        True,
        False,
        False,
    ]


def test_entrants_are_rivals_of_every_consortium_option():
    """Founders decided before count among the rivals: founding and joining are worth less."""
    c = call(step=0, application=2)
    recruits = np.array([[7, 8, 6, 3, 3]])
    alone = values_of(c, [5], [NO_ALLIANCE], [True], recruits, {5: 0.95})[0]
    crowded = values_of(
        call(step=0, application=2, entrants=(0.99, 0.98)), [5], [NO_ALLIANCE], [True], recruits
    )[0]
    first = consortium_prize(c, at_rank(c, 1), PARAMS)
    assert alone[FOUND] > 0.0 and alone[FIRST_CANDIDATE] == pytest.approx(first / 3)
    # behind two better founders, no option is within the two places
    assert crowded[FOUND] == 0.0 and crowded[FIRST_CANDIDATE] == 0.0


def hand_firms(n, domestic, alive=None, alliance=None, capability=None):
    return SimpleNamespace(
        region=np.where(domestic, DOMESTIC, 1),
        alive=np.ones(n, dtype=bool) if alive is None else np.asarray(alive, dtype=bool),
        alliance=np.full(n, NO_ALLIANCE) if alliance is None else np.asarray(alliance),
        capability=np.zeros(n) if capability is None else np.asarray(capability, dtype=float),
    )


def test_invitations_go_to_the_domestic_prospects_outside_the_new_alliance():
    firms = hand_firms(
        8,
        [True, True, True, False, True, True, True, True],
        alive=[1, 1, 1, 1, 1, 0, 1, 1],
        alliance=[4, 5, 4, NO_ALLIANCE, NO_ALLIANCE, NO_ALLIANCE, NO_ALLIANCE, 6],
    )
    view = SimpleNamespace(
        recruits=np.array([[1, 3, 0, 4, 7], [0, 2, 6, 5, 7], [6, 6, 6, 6, 6], [0, 1, 2, 3, 4]])
    )
    rows = np.array([1, 0, 3, 7])  # draws' rows: 1 and 0 founded; 3 (foreign) and 7 too
    got = invitations(np.array([True, True, True, True]), rows, firms, view)
    # founder 1 (row 0 of the draws): itself, 3 and 0 and 7 founders this quarter -> 4
    # founder 0 (row 1): itself, 2 already in its alliance 4, 5 dead, 7 a founder -> 6
    # 3 is foreign: it invites nobody; 7: 0, 1 and 3 founders -> 2 and 4
    np.testing.assert_array_equal(got.rows, [4, 6, 2, 4])
    np.testing.assert_array_equal(got.alliance, [5, 4, 6, 6])


def test_with_invitations_adds_the_invited_and_shows_them_their_invitations():
    firms = hand_firms(6, [True] * 6)
    alliances = SimpleNamespace(active=np.array([True, True, False]), leader=np.array([0, 1, 2]))
    gumbel = np.arange(2 * (FIRST_CANDIDATE + N_C), dtype=float).reshape(2, -1)
    draws = RevisionDraws(np.array([1, 4]), np.array([[0, 1, 2, 0], [2, 2, 2, 2]]), gumbel)
    invited = Invitations(np.array([4, 5, 5, 3, 5]), np.array([1, 0, 1, 2, 1]))
    got, added = with_invitations(draws, invited, firms, alliances, np.random.default_rng(3))
    np.testing.assert_array_equal(added, [5])
    np.testing.assert_array_equal(got.revisers, [1, 4, 5])  # 3's alliance 2 is gone: lapsed
    np.testing.assert_array_equal(got.candidates[0], [0, 1, 2, 0])  # not invited: as drawn
    np.testing.assert_array_equal(got.candidates[1], [2, 2, 2, 1])  # drawn: its invitation last
    # invited twice to alliance 1: once; both leaders of capability 0, so the lower row first
    np.testing.assert_array_equal(got.candidates[2], [NO_ALLIANCE, NO_ALLIANCE, 1, 0])
    np.testing.assert_array_equal(got.gumbel[:2], gumbel)  # the drawn keep their noise
    expected = np.random.default_rng(3).gumbel(size=(1, FIRST_CANDIDATE + N_C))
    np.testing.assert_array_equal(got.gumbel[2:], expected)


def test_a_firm_invited_more_often_than_it_looks_sees_the_most_capable_leaders():
    firms = hand_firms(7, [True] * 7, capability=[0.5, 0.9, 0.7, 0.8, 0.6, 0.95, 0.0])
    alliances = SimpleNamespace(active=np.ones(6, dtype=bool), leader=np.arange(6))
    draws = RevisionDraws(
        np.zeros(0, dtype=np.int64),
        np.zeros((0, N_C), dtype=np.int64),
        np.zeros((0, FIRST_CANDIDATE + N_C)),
    )
    invited = Invitations(np.full(6, 6), np.arange(6))  # firm 6 invited by all six alliances
    got, _ = with_invitations(draws, invited, firms, alliances, np.random.default_rng(0))
    # leaders' capability: 5 (0.95), 1 (0.9), 3 (0.8), 2 (0.7): those four, best last
    np.testing.assert_array_equal(got.candidates[0], [2, 3, 1, 5])


def test_no_invitations_leave_the_draws_as_they_are():
    draws = RevisionDraws(np.array([1]), np.array([[0, 0, 0, 0]]), np.zeros((1, 7)))
    rng = np.random.default_rng(0)
    firms = hand_firms(2, [True, True])
    alliances = SimpleNamespace(active=np.array([True]), leader=np.array([0]))
    got, added = with_invitations(draws, call_entry.NO_INVITATIONS, firms, alliances, rng)
    assert got is draws and added.size == 0


def test_every_alive_domestic_firm_hears_the_call():
    firms = hand_firms(6, [True, True, False, True, True, True], alive=[1, 1, 1, 1, 0, 1])
    draws = RevisionDraws(np.array([1, 2]), np.array([[0, 1, 0, 1], [1, 1, 1, 1]]), np.ones((2, 7)))
    got, heard = hearing_the_call(draws, firms, np.random.default_rng(5))
    np.testing.assert_array_equal(heard, [0, 3, 5])  # domestic, alive, not drawn
    np.testing.assert_array_equal(got.revisers, [0, 1, 2, 3, 5])
    np.testing.assert_array_equal(got.candidates[[1, 2]], draws.candidates)
    assert (got.candidates[[0, 3, 4]] == NO_ALLIANCE).all()
    np.testing.assert_array_equal(got.gumbel[[1, 2]], 1.0)
    np.testing.assert_array_equal(
        got.gumbel[[0, 3, 4]], np.random.default_rng(5).gumbel(size=(3, 7))
    )


def one_at_a_time(targets, revision, firms, alliances, view, effects, p):
    """The rule's definition: domestic would-be founders, most capable first, one by one."""
    rows = revision.draws.revisers
    founding = np.isin(targets, [FOUND_NEW, FOUND_CLOSED]) & (firms.region[rows] == DOMESTIC)
    k = np.flatnonzero(founding)
    out, entrants = targets.copy(), []
    for i in k[np.lexsort((rows[k], -firms.capability[rows[k]]))]:
        seen = replace(effects, call=replace(effects.call, entrants=tuple(entrants)))
        one = decide(
            np.array([i]), revision.draws, firms, alliances, view, seen, p, revision.prompted
        )
        out[i] = one[0][0]
        if out[i] in (FOUND_NEW, FOUND_CLOSED):
            entrants.append(float(firms.capability[rows[i]]))
    return out


def test_founders_in_order_is_the_one_at_a_time_rule_on_the_korean_call(monkeypatch):
    """In the announcement's quarter of korea_2024's tournament the rounds give the targets of
    deciding one at a time; many would found at once, few do in order; a firm that only heard
    the call founds or stays."""
    seen = []

    def checked(targets, revision, firms, alliances, view, effects, p):
        got = founders_in_order(targets, revision, firms, alliances, view, effects, p)
        if founding_open(effects.call):
            expected = one_at_a_time(targets, revision, firms, alliances, view, effects, p)
            np.testing.assert_array_equal(got, expected)
            rows = revision.draws.revisers
            heard = revision.prompted
            stays = got[heard] == firms.alliance[rows[heard]]
            assert (stays | (got[heard] == FOUND_NEW) | (got[heard] == FOUND_CLOSED)).all()
            seen.append(
                (
                    np.isin(targets, [FOUND_NEW, FOUND_CLOSED]).sum(),
                    np.isin(got, [FOUND_NEW, FOUND_CLOSED]).sum(),
                    heard.sum(),
                )
            )
        return got

    monkeypatch.setattr(sim.model.call_entry, "founders_in_order", checked)
    cfg = sim.compose(["world=korea_2024", "scenario=sovereign_tournament", "steps=4"])
    sim.AllianceModel(cfg, seed=np.random.SeedSequence(0).spawn(16)[0]).run()
    ((at_once, in_order, heard),) = seen  # one quarter: 2024 Q4
    assert heard > 500 and at_once > 3 * in_order > 0


def test_the_invited_see_their_invitations_and_some_accept(monkeypatch):
    """On the Korean call (2025 Q1, the quarter after the announcement): every live
    invitation (the firm alive, the alliance active) is among the invited firm's
    candidates, the invited firms not drawn are added to the revisers, and some invited
    firms join the founder that invited them."""
    seen = []

    def recorded(draws, invited, firms, alliances, rng):
        got, added = with_invitations(draws, invited, firms, alliances, rng)
        if invited.rows.size:
            live = alliances.active[invited.alliance] & firms.alive[invited.rows]
            kept = Invitations(invited.rows[live], invited.alliance[live])
            seen.append((kept, got, added, firms.alliance.copy()))
        return got, added

    monkeypatch.setattr(sim.model.call_entry, "with_invitations", recorded)
    cfg = sim.compose(["world=korea_2024", "scenario=sovereign_tournament", "steps=5"])
    model = sim.AllianceModel(cfg, seed=np.random.SeedSequence(0).spawn(16)[0]).run()
    ((invited, draws, added, before),) = seen  # invitations of 2024 Q4, seen in 2025 Q1
    assert invited.rows.size > 10
    at = np.searchsorted(draws.revisers, invited.rows)
    assert (draws.revisers[at] == invited.rows).all()  # every invited firm reconsiders
    assert (draws.candidates[at] == invited.alliance[:, None]).any(axis=1).all()
    assert np.isin(added, invited.rows).all() and added.size > 0
    assert not np.isin(added, np.setdiff1d(draws.revisers, invited.rows)).any()
    joined = (model.firms.alliance[invited.rows] == invited.alliance) & (
        before[invited.rows] != invited.alliance
    )
    assert joined.sum() > 0
