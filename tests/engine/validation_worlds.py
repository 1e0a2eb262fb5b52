"""The model worlds of the validation against published results (docs/validation.md).

Shared by tests/engine/test_economics_theory.py (d'Aspremont and Jacquemin 1988),
tests/engine/test_membership_theory.py (Goyal and Joshi 2003) and
docs/figures/make_validation_figures.py, so the figures show exactly what the tests check.
Not a test module: pytest does not collect it (tests/conftest.py registers it for
assertion rewriting).
"""

from __future__ import annotations

import dataclasses
from functools import cache

import numpy as np

import sim
from sim.config.schema import RunConfig
from sim.engine.state import NO_ALLIANCE

# --- d'Aspremont and Jacquemin (1988) ---------------------------------------------------

# A world of n identical startups (equal capital, so equal programme scale; capital far
# above what R&D costs, so the budget cap never binds) in which nobody revises membership,
# nobody enters, and no open alliance raises the public spillover.
DAJ_WORLD = [
    "model.economics=v1",  # version 1's n-firm game (version 2: tests/engine/test_cournot.py)
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


# --- Goyal and Joshi (2003) -------------------------------------------------------------

# A closed industry of 160 domestic firms (no entry; a startup exits only below zero
# capital) with six small alliances at the start. Collaboration has no benefit-side
# frictions: no rivalry, openness misfit or legal risk, closed alliances admit anyone, no
# switching cost, and founding is out of reach, so the only cost of collaborating is the
# membership fee (``fee_open`` = ``fee_closed``, USD m a quarter). Low choice noise, firms
# see every alliance, half of them reconsider each quarter. ``w_fee`` is 30, not 1: the fee
# term is ``w_fee x fee / (capital + fee)``, bounded by ``w_fee``, and the membership premium
# here is about 1.3 utils, so with ``w_fee = 1`` no fee could keep a firm out.
GOYAL_JOSHI = [
    "model.economics=v1",  # version 1's utility weights and fee
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
