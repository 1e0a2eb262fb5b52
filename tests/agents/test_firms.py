"""agents.firms: Mesa agents that view (and write) their rows of the firm table."""

import mesa

import sim
from agents import Conglomerate, Firm, Government, Startup
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
