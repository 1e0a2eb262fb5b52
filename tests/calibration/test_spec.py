"""sim/calibration/spec.py: the calibration specification."""

from sim import calibration as cal
from sim.calibration.spec import OUTPUTS, SPEC_FILE, load_spec


def test_the_korea_2016_spec_names_targets_checks_and_parameters():
    spec = load_spec()
    assert SPEC_FILE.name == "korea_2016.yaml"
    assert (spec.world, spec.scenario, spec.steps, spec.seeds) == ("korea_2016", "baseline", 20, 32)
    assert [t.name for t in spec.targets] == ["gap_2016", "gap_2021", "archetype_partners_2y"]
    assert [(t.step, t.value, t.sd) for t in spec.targets] == [
        (0, 2.2, 0.1),
        (20, 1.3, 0.1),
        (8, 18, 2.0),
    ]
    assert spec.paths == [
        "model.growth.frontier_growth",
        "model.growth.learning_rate",
        "model.choice.closed_selectivity",
    ]
    assert all(p.low < p.start < p.high for p in spec.parameters)
    assert {t.output for t in spec.targets + spec.checks} <= set(OUTPUTS)


def test_the_package_re_exports_the_spec():
    assert cal.load_spec is load_spec and cal.OUTPUTS is OUTPUTS
