"""Planned government spending, equal-spending variants, and what short real runs spend."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.config.checks import ConfigError
from sim.config.compose import compose, user_configs
from sim.config.levers import OpenDataConfig, ScenarioConfig, SubsidyConfig, TournamentConfig
from sim.config.spending import equal_spend_amount, planned_spend
from sim.runs import cli
from sim.runs.plan import plan
from sim.runs.replicates import run_replicates


def realised_usd_bn(overrides: list[str]) -> tuple[float, float | None, str]:
    """A real run's government money over the run (USD bn), the planned total and reason."""
    cfg = compose(overrides)
    spent = float(run_replicates(cfg).steps["government_spend"].sum()) / 1000.0
    planned = planned_spend(cfg.scenario, cfg.steps, cfg.model.economics)
    return spent, planned.usd_bn, planned.reason


# one short run per lever with a planned budget, on korea_2024 (seed 0, one replicate);
# the windows are set so that each lever's money starts or stops inside the run
BUDGETED = {
    "sustained subsidy": (["scenario=subsidy_infrastructure", "steps=6"], 1.5),
    "subsidy for applications": (["scenario=subsidy_applications", "steps=6"], 1.5),
    "fad subsidy ending in the run": (
        ["scenario=subsidy_fad", "steps=6", "scenario.subsidy.hype_quarters=3"],
        0.75,
    ),
    "fad at equal spend": (
        ["scenario=subsidy_fad_equal_spend", "steps=6", "scenario.subsidy.hype_quarters=3"],
        1.5,
    ),
    "open data": (["scenario=open_data", "steps=4"], 0.08),
    # 13.8 a quarter for 5 + 4 + 4 + 4 + 4 + 2 x 5 = 31 consortium-quarters
    "tournament": (["scenario=sovereign_tournament", "steps=16"], 0.4278),
    "mega-alliance budget": (
        [
            "scenario=mega_alliance",
            "steps=6",
            "scenario.mega_alliance.start=1",
            "scenario.mega_alliance.budget=10",
            "scenario.mega_alliance.member_value=0",
        ],
        0.05,
    ),
    "mega-alliance budget, version 1 (member_value unpaid)": (
        [
            "scenario=mega_alliance",
            "steps=6",
            "model.economics=v1",
            "scenario.mega_alliance.start=1",
            "scenario.mega_alliance.budget=10",
        ],
        0.05,
    ),
}


@pytest.mark.parametrize("case", list(BUDGETED))
def test_a_short_real_run_spends_what_was_planned(case):
    overrides, expected = BUDGETED[case]
    spent, planned, reason = realised_usd_bn(overrides)
    assert reason == ""
    assert planned == pytest.approx(expected, abs=1e-9)
    if case == "tournament":
        # the plan funds every stage full; at the defaults of the 16-seed history fit only 4
        # domestic consortia exist at the call in seed 0 (docs/model.md finding 36), so 4 are
        # selected, not 5: measured 0.414 against 0.4278. The lever never pays more.
        assert 0.0 < spent <= planned + 1e-9
        return
    assert spent == pytest.approx(planned, abs=1e-9)  # USD 1 in USD bn


@pytest.mark.slow  # 4-12 s: CI (make test-slow), to keep make test near 5 minutes
@pytest.mark.parametrize(
    ("overrides", "lever"),
    [
        (["scenario=public_compute", "steps=4"], "public_compute"),
        (["scenario=mega_alliance", "steps=6", "scenario.mega_alliance.start=1"], "mega_alliance"),
    ],
)
def test_endogenous_spending_is_not_planned_but_says_why(overrides, lever):
    spent, planned, reason = realised_usd_bn(overrides)
    assert planned is None and reason.startswith(f"{lever}: ") and "endogenous" in reason
    assert spent > 0  # the run did spend: the plan just cannot say how much


@pytest.mark.slow  # 4-12 s: CI (make test-slow), to keep make test near 5 minutes
def test_fad_at_equal_spend_matches_infrastructure_over_the_main_jobs_40_quarters():
    fad = compose(["scenario=subsidy_fad_equal_spend"])
    reference = compose(["scenario=subsidy_infrastructure"])
    subsidy = fad.scenario.subsidy
    assert subsidy is not None
    assert fad.steps == 40 and fad.scenario.name == "subsidy_fad_equal_spend"
    assert subsidy.budget == pytest.approx(10_000 / 12)  # 833.33 a quarter
    assert subsidy.schedule == "fad" and subsidy.hype_quarters == 12
    kept = dataclasses.replace(subsidy, budget=250.0)
    assert kept == compose(["scenario=subsidy_fad"]).scenario.subsidy  # only the budget moved
    assert planned_spend(compose(["scenario=subsidy_fad"]).scenario, 40).usd_bn == 3.0
    assert planned_spend(fad.scenario, 40).usd_bn == pytest.approx(10.0)
    assert planned_spend(reference.scenario, 40).usd_bn == 10.0
    spent = float(run_replicates(fad).steps["government_spend"].sum()) / 1000.0
    assert spent == pytest.approx(10.0, abs=1e-9)


def test_the_variant_follows_the_run_length():
    for steps, budget in ((8, 250.0), (12, 250.0), (20, 10_000 / 24)):
        subsidy = compose(["scenario=subsidy_fad_equal_spend", f"steps={steps}"]).scenario.subsidy
        assert subsidy is not None and subsidy.budget == pytest.approx(budget), steps


subsidies = st.builds(
    SubsidyConfig,
    start=st.integers(0, 30),
    end=st.integers(31, 80),
    budget=st.floats(1.0, 2_000.0),
    schedule=st.sampled_from(["sustained", "fad"]),
    hype_quarters=st.integers(1, 40),
)
references = st.one_of(
    subsidies.map(lambda s: ScenarioConfig(name="ref", subsidy=s)),
    st.builds(OpenDataConfig, start=st.integers(0, 30), cost=st.floats(0.0, 500.0)).map(
        lambda o: ScenarioConfig(name="ref", open_data=o)
    ),
    st.builds(TournamentConfig, funding=st.floats(0.0, 100.0)).map(
        lambda t: ScenarioConfig(name="ref", tournament=t)
    ),
)


@settings(max_examples=200, deadline=None)
@given(
    mine=subsidies,
    extra=st.one_of(st.none(), st.builds(OpenDataConfig, cost=st.floats(0.0, 5.0))),
    reference=references,
    steps=st.integers(1, 80),
)
def test_equal_spending_variants_plan_equal_totals(mine, extra, reference, steps):
    scenario = ScenarioConfig(name="mine", subsidy=mine, open_data=extra)
    target = planned_spend(reference, steps).usd_bn
    assert target is not None
    try:
        budget = equal_spend_amount(scenario, "subsidy", target * 1000.0, steps, "v2")
    except ConfigError as error:  # the subsidy pays nothing in the run, or the rest is too much
        assert "pays nothing" in str(error) or "other levers alone" in str(error)
        return
    variant = dataclasses.replace(scenario, subsidy=dataclasses.replace(mine, budget=budget))
    assert planned_spend(variant, steps).usd_bn == pytest.approx(target, rel=1e-12, abs=1e-12)
    assert variant.subsidy is not None
    kept = dataclasses.replace(variant.subsidy, budget=mine.budget)
    assert kept == mine  # schedule, dates, domains: unchanged


def variant(folder: Path, name: str, body: str) -> None:
    """Write a scenario ``name`` built on subsidy_fad into ``folder/scenario``."""
    (folder / "scenario").mkdir(parents=True, exist_ok=True)
    text = f"defaults:\n  - subsidy_fad\n  - _self_\nname: {name}\n{body}\n"
    (folder / "scenario" / f"{name}.yaml").write_text(text, encoding="utf-8")


BAD = {
    "typo": (
        "subsidy:\n  budget: ${alliancesim_equal_spend:subsidy_infrastructur}",
        "scenario.subsidy.budget: equal-spend reference 'subsidy_infrastructur' is not a scenario",
    ),
    "endogenous": (
        "subsidy:\n  budget: ${alliancesim_equal_spend:public_compute}",
        "reference 'public_compute' has no planned total (public_compute: the state pays",
    ),
    "not_money": (
        "subsidy:\n  hype_quarters: ${alliancesim_equal_spend:subsidy_infrastructure}",
        "scenario.subsidy.hype_quarters: ${alliancesim_equal_spend:...} may stand for one",
    ),
    "cycle": (
        "subsidy:\n  budget: ${alliancesim_equal_spend:cycle}",
        "equal-spend references form a cycle",
    ),
    "too_much": (  # over 2 quarters open data alone plans USD 1 bn, subsidy_fad 0.5 bn
        "open_data:\n  cost: 500.0\nsubsidy:\n  budget: ${alliancesim_equal_spend:subsidy_fad}",
        "other levers alone plan USD 1,000.0 m, more than the reference's USD 500.0 m",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_variant_is_one_line_naming_the_key(case, tmp_path, monkeypatch):
    body, message = BAD[case]
    variant(tmp_path / "mine", case, body)
    monkeypatch.chdir(tmp_path)
    with user_configs([tmp_path / "mine"]), pytest.raises(ConfigError) as error:
        plan([f"scenario={case}", "steps=2"], False)
    assert message in str(error.value) and "allowed" in str(error.value)
    assert len(str(error.value).splitlines()) == 1


def test_the_command_refuses_a_bad_reference_with_exit_2_writing_nothing(tmp_path, capfd):
    variant(tmp_path / "mine", "typo", BAD["typo"][0])
    (tmp_path / "cwd").mkdir()
    out = tmp_path / "cwd" / "sweep"
    argv = ["--config-dir", str(tmp_path / "mine"), "-m", "scenario=baseline,typo", "steps=2"]
    assert cli.main([*argv, f"hydra.sweep.dir={out}"]) == 2
    _, err = capfd.readouterr()
    assert len(err.splitlines()) == 1 and BAD["typo"][1] in err
    assert not out.exists()


def test_the_equal_spend_variant_plans_in_a_sweep(tmp_path):
    overrides = ["scenario=subsidy_fad,subsidy_fad_equal_spend", "steps=20"]
    command = plan([*overrides, f"hydra.sweep.dir={tmp_path / 's'}"], True)
    budgets = {
        j.cfg.scenario.name: getattr(j.cfg.scenario.subsidy, "budget", None) for j in command.jobs
    }
    # over 20 quarters subsidy_infrastructure plans USD 5 bn: 5,000 / 12 a quarter of hype
    assert budgets == {"subsidy_fad": 250.0, "subsidy_fad_equal_spend": 5_000 / 12}
    assert [j.dir for j in command.jobs] == ["0_subsidy_fad", "1_subsidy_fad_equal_spend"]
