"""Validation against published results (MODEL.md section 7); see docs/validation.md.

1. d'Aspremont and Jacquemin (1988), n-firm form: the effort formulas are the equilibria of
   the game they come from, the beta = 1/2 crossover holds for every n, and the model's
   own quarter (``AllianceModel.step``) reproduces both in a world of identical firms.
2. Axelrod and Bennett (1993): in tests/test_landscape.py.
3. Goyal and Joshi (2003): with no cost of collaborating, every firm ends in one alliance;
   as the cost rises, one dominant alliance remains and more firms stay alone.

The helpers here are also used by docs/figures/make_validation_figures.py.
"""

from __future__ import annotations

import dataclasses
from functools import cache

import numpy as np
import pytest
from scipy.optimize import brentq, minimize_scalar

import sim
from sim.config.schema import RunConfig
from sim.engine.economics import rd_effort
from sim.engine.state import NO_ALLIANCE

# --- 1. d'Aspremont and Jacquemin (1988) ---------------------------------------------------

# A world of n identical startups (equal capital, so equal programme scale; capital far
# above what R&D costs, so the budget cap never binds) in which nobody revises membership,
# nobody enters, and no open alliance raises the public spillover.
DAJ_WORLD = [
    "world=synthetic",
    "world.n_conglomerates=0",
    "world.n_foreign=0",
    "world.n_initial_alliances=0",
    "world.startup_capital_sigma=0",
    "world.startup_capital_median=1000",
    "model.rnd.open_public_boost=0",
    "model.choice.revision_share=0",
    "model.growth.entry_rate=0",
    "steps=1",
]
DAJ_BETAS = (0.0, 0.1, 0.25, 0.4, 0.49, 0.5, 0.51, 0.6, 0.75, 0.9, 1.0)
PARAMETER_SETS = [(2.0, 1.0, 1.0, 4.0), (10.0, 3.0, 0.5, 9.0), (5.0, 4.5, 2.0, 1.6)]  # a A b gamma


@cache
def daj_base(n: int) -> RunConfig:
    """The composed config of an n-firm R&D world (firms alone; spillovers set per call)."""
    return sim.compose(
        [
            *DAJ_WORLD,
            f"world.n_startups={n}",
            f"model.rnd.n_rivals_alone={n}",
            f"model.rnd.max_game_size={max(n, 2)}",
        ]
    )


def daj_model_effort(
    n: int, beta: float, cooperative: bool, engine: str = "vectorised"
) -> np.ndarray:
    """Effort of each of ``n`` identical firms after one quarter of the model.

    Cooperative: the n firms start in one alliance whose internal spillover (open and
    closed alike) is ``beta``. Non-cooperative: every firm alone, with the public
    spillover ``beta`` and ``n_rivals_alone = n``. Everything else is the model's step.
    """
    base = daj_base(n)
    world = dataclasses.replace(
        base.world, n_initial_alliances=int(cooperative), initial_alliance_size=max(n, 2)
    )
    rnd = dataclasses.replace(
        base.model.rnd, beta_open_internal=beta, beta_closed_internal=beta, beta_public=beta
    )
    cfg = dataclasses.replace(base, world=world, model=dataclasses.replace(base.model, rnd=rnd))
    model = sim.AllianceModel(cfg, seed=0, engine=engine)
    model.step()
    alliance = model.firms.alliance[:n]
    if cooperative:
        assert alliance[0] != NO_ALLIANCE and np.all(alliance == alliance[0])
    else:
        assert np.all(alliance == NO_ALLIANCE)
    return model.firms.effort[:n].copy()


def cournot_profits(x: np.ndarray, beta: float, a: float, A: float, b: float, gamma: float):
    """Second-stage Cournot profits given efforts ``x`` (the game the formulas solve).

    Unit cost ``c_i = A - x_i - beta sum_{j != i} x_j``; with P = a - bQ the Cournot
    output is ``q_i = (a - n c_i + sum_{j != i} c_j) / (b (n + 1))`` and profit
    ``b q_i^2 - gamma x_i^2 / 2``.
    """
    n = x.size
    c = A - x - beta * (x.sum() - x)
    q = (a - n * c + (c.sum() - c)) / (b * (n + 1))
    assert np.all(q > 0)  # interior equilibrium: the closed form applies
    return b * q * q - gamma * x * x / 2


@pytest.mark.parametrize("n", [2, 3, 5, 10])
@pytest.mark.parametrize("beta", [0.0, 0.3, 0.5, 0.8, 1.0])
@pytest.mark.parametrize(("a", "A", "b", "gamma"), PARAMETER_SETS[:2])
def test_effort_formulas_are_the_equilibria_of_the_game(n, beta, a, A, b, gamma):
    x_non = float(rd_effort(n, beta, a, A, b, gamma, False))
    x_coop = float(rd_effort(n, beta, a, A, b, gamma, True))
    bound = (0.0, 10 * max(x_non, x_coop))

    def deviation_profit(x0: float) -> float:  # firm 0 deviates, the others play x*
        return cournot_profits(np.r_[x0, np.full(n - 1, x_non)], beta, a, A, b, gamma)[0]

    best = minimize_scalar(lambda x0: -deviation_profit(x0), bounds=bound, method="bounded")
    assert best.x == pytest.approx(x_non, rel=1e-5)  # x* is a best response to x*

    def joint(x: float) -> float:  # all firms at a common effort
        return cournot_profits(np.full(n, x), beta, a, A, b, gamma).sum()

    best = minimize_scalar(lambda x: -joint(x), bounds=bound, method="bounded")
    assert best.x == pytest.approx(x_coop, rel=1e-5)  # x^ maximises joint profit
    h = 1e-6 * x_coop  # and no single member's change raises joint profit (first order)
    up = cournot_profits(np.r_[x_coop + h, np.full(n - 1, x_coop)], beta, a, A, b, gamma).sum()
    down = cournot_profits(np.r_[x_coop - h, np.full(n - 1, x_coop)], beta, a, A, b, gamma).sum()
    assert (up - down) / (2 * h) == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("n", [2, 3, 4, 7, 20, 50])
@pytest.mark.parametrize(("a", "A", "b", "gamma"), PARAMETER_SETS)
def test_crossover_is_exactly_one_half_for_any_n(n, a, A, b, gamma):
    def gap(beta: float) -> float:
        return float(
            rd_effort(n, beta, a, A, b, gamma, True) - rd_effort(n, beta, a, A, b, gamma, False)
        )

    assert gap(0.0) < 0 < gap(1.0)
    assert brentq(gap, 0.0, 1.0, xtol=1e-14) == pytest.approx(0.5, abs=1e-12)


@pytest.mark.parametrize("n", [2, 3, 5])
def test_model_step_cooperates_above_half_exactly(n):
    """The model's quarter: members of one alliance out-invest firms alone iff beta > 1/2."""
    p = daj_base(n).model.rnd
    for beta in DAJ_BETAS:
        coop = daj_model_effort(n, beta, cooperative=True)
        non = daj_model_effort(n, beta, cooperative=False)
        args = (n, beta, p.demand_intercept, p.unit_cost, p.demand_slope, p.rd_cost)
        # identical firms invest identically, exactly the formula's effort (no cap binds)
        np.testing.assert_allclose(coop, rd_effort(*args, True), rtol=1e-12)
        np.testing.assert_allclose(non, rd_effort(*args, False), rtol=1e-12)
        if beta > 0.5:
            assert np.all(coop > non), beta
        elif beta < 0.5:
            assert np.all(coop < non), beta
        else:
            np.testing.assert_allclose(coop, non, rtol=1e-12)


@pytest.mark.parametrize("beta", [0.25, 0.5, 0.75])
def test_model_step_agrees_in_the_agent_engine(beta):
    for cooperative in (True, False):
        np.testing.assert_array_equal(
            daj_model_effort(2, beta, cooperative, engine="agents"),
            daj_model_effort(2, beta, cooperative, engine="vectorised"),
        )


# --- 3. Goyal and Joshi (2003) -------------------------------------------------------------

# A closed industry of 160 domestic firms (no entry; a startup exits only below zero
# capital) with six small alliances at the start. Collaboration has no benefit-side
# frictions: no rivalry, openness misfit or legal risk, closed alliances admit anyone, no
# switching cost, and founding is out of reach, so the only cost of collaborating is the
# membership fee (``fee_open`` = ``fee_closed``, USD m a quarter). Low choice noise, firms
# see every alliance, half of them reconsider each quarter. ``w_fee`` is 30, not 1: the fee
# term is ``w_fee x fee / (capital + fee)``, bounded by ``w_fee``, and the membership premium
# here is about 1.3 utils, so with ``w_fee = 1`` no fee could keep a firm out.
GOYAL_JOSHI = [
    "world=synthetic",
    "world.n_startups=150",
    "world.n_conglomerates=10",
    "world.n_foreign=0",
    "world.n_initial_alliances=6",
    "world.initial_alliance_size=3",
    "model.growth.entry_rate=0",
    "model.growth.exit_capital=0",
    "model.choice.w_rivalry=0",
    "model.choice.w_openness_fit=0",
    "model.choice.w_legal=0",
    "model.choice.closed_selectivity=0",
    "model.choice.switching_cost=0",
    "model.choice.leadership_value=0",
    "model.choice.founding_cost=1000000",
    "model.choice.noise_scale=0.05",
    "model.choice.n_candidates=8",
    "model.choice.revision_share=0.5",
    "model.choice.w_fee=30",
    "steps=24",
]
GJ_COSTS = (0.0, 0.05, 0.1, 0.2, 0.5)  # membership fee, USD m a quarter
GJ_SEEDS = (0, 1, 2, 3)


@cache
def gj_base() -> RunConfig:
    """The composed Goyal-Joshi configuration (fee set per run)."""
    return sim.compose(GOYAL_JOSHI)


@cache
def goyal_joshi_run(fee: float, seed: int) -> dict[str, float]:
    """Outcomes after ``steps`` quarters with membership fee ``fee`` (USD m a quarter)."""
    base = gj_base()
    choice = dataclasses.replace(base.model.choice, fee_open=fee, fee_closed=fee)
    cfg = dataclasses.replace(base, model=dataclasses.replace(base.model, choice=choice))
    model = sim.AllianceModel(cfg, seed=seed).run()
    out = model.outcomes
    f = model.firms
    member = f.alive & (f.alliance != NO_ALLIANCE)
    alone = f.alive & (f.alliance == NO_ALLIANCE)
    steps = model.datacollector.get_model_vars_dataframe()
    return {
        "largest_share": out["largest_alliance_size"] / out["firms_alive"],
        "share_alone": out["share_alone"],
        "n_alliances": out["n_alliances"],
        "initial_alliances": float(steps["n_alliances"].iloc[0]),
        "firms_alive": out["firms_alive"],
        "largest_size": out["largest_alliance_size"],
        "members": float(member.sum()),
        "capital_member": float(np.median(f.capital[member])) if member.any() else np.nan,
        "capital_alone": float(np.median(f.capital[alone])) if alone.any() else np.nan,
        "share_alone_path": tuple(steps["share_alone"]),  # per quarter, step 0 first
    }


def test_no_cost_of_collaborating_puts_everyone_in_one_alliance():
    for seed in GJ_SEEDS:
        run = goyal_joshi_run(0.0, seed)
        assert run["initial_alliances"] == 6  # the merger is an outcome, not the start
        assert run["n_alliances"] == 1
        assert run["largest_share"] >= 0.95, (seed, run)


def test_costly_collaboration_leaves_a_dominant_group_and_isolated_firms():
    alone = {}
    for fee in GJ_COSTS:
        runs = [goyal_joshi_run(fee, seed) for seed in GJ_SEEDS]
        for run in runs:
            # dominant-group architecture: one alliance holds every member, the rest alone
            assert run["n_alliances"] == 1, (fee, run)
            assert run["largest_size"] == run["members"]
            assert run["firms_alive"] >= 150  # few exits: fees do not empty the industry
        alone[fee] = float(np.mean([r["share_alone"] for r in runs]))
    shares = [alone[fee] for fee in GJ_COSTS]
    assert np.all(np.diff(shares) > 0), shares  # more isolated firms as the cost rises
    assert alone[GJ_COSTS[1]] > 0.02  # a small fee already leaves some firms out
    assert alone[GJ_COSTS[-1]] > 0.5  # a high one leaves most out ...
    high = [goyal_joshi_run(GJ_COSTS[-1], seed) for seed in GJ_SEEDS]
    assert min(r["largest_size"] for r in high) >= 10  # ... but the group survives


def test_isolated_firms_are_those_the_fee_weighs_on_most():
    """Firms differ in capital, so the fee keeps out the poorest (G&J's firms are identical)."""
    for seed in GJ_SEEDS:
        run = goyal_joshi_run(0.2, seed)
        assert run["capital_alone"] < run["capital_member"]
