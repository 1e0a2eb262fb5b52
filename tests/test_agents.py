import mesa
import numpy as np

import sim
from agents import Conglomerate, Firm, Government, Startup
from sim.engine.outcomes import COLUMNS
from sim.engine.state import CONGLOMERATE


def test_agents_are_mesa_agents_viewing_their_rows(small_cfg):
    model = sim.AllianceModel(small_cfg)
    assert isinstance(model, mesa.Model)
    firms = model.agents_by_type[Startup]
    assert len(firms) + len(model.agents_by_type[Conglomerate]) == model.firms.n
    assert len(model.agents_by_type[Government]) == 1
    for agent in model.firm_agents[:20]:
        assert isinstance(agent, Firm)
        assert agent.capital == model.firms.capital[agent.row]
        assert isinstance(agent, Conglomerate) == (model.firms.kind[agent.row] == CONGLOMERATE)
    agent = model.firm_agents[3]
    agent.alliance = 0
    assert model.firms.alliance[3] == 0


def test_agentset_works_on_firms(small_cfg):
    model = sim.AllianceModel(small_cfg).run(3)
    rich = model.agents.select(lambda a: isinstance(a, Firm) and a.capital > 100)
    assert 0 < len(rich) < model.firms.n
    assert sorted(rich.get("capital")) == sorted(
        model.firms.capital[model.firms.capital > 100].tolist()
    )


def test_entrants_get_agents(small_cfg):
    model = sim.AllianceModel(small_cfg).run(6)
    assert model.firms.n > model.initial_startups + 12
    assert len(model.firm_agents) == model.firms.n
    assert all(a.row == i for i, a in enumerate(model.firm_agents))


def test_model_vars_have_one_row_per_step_and_all_columns(small_cfg):
    model = sim.AllianceModel(small_cfg).run()
    df = model.datacollector.get_model_vars_dataframe()
    assert len(df) == small_cfg.steps + 1  # step 0 (initial state) and each quarter
    assert df["step"].tolist() == list(range(small_cfg.steps + 1))
    assert set(COLUMNS) <= set(df.columns)
    assert df["total_rnd"].iloc[1:].gt(0).all()


def test_firm_records_only_when_asked(small_cfg):
    model = sim.AllianceModel(small_cfg).run(2)
    assert not model.datacollector.agent_reporters
    small_cfg.collect_firms = True
    model = sim.AllianceModel(small_cfg).run(2)
    firms = model.datacollector.get_agent_vars_dataframe()
    assert {"capital", "capability", "alliance", "kind", "domain", "openness"} <= set(firms.columns)
    last = firms.xs(2, level="Step").dropna(subset=["capital"])
    assert len(last) == model.firms.n
    assert np.isclose(last["capital"].sum(), model.firms.capital.sum())
