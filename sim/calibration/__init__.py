"""Calibration of the free rates to the Korean record (docs/calibration.md).

The baseline scenario runs on the ``korea_2016`` world (step 0 = 2016 Q1). A few free
parameters (``configs/calibration/korea_2016.yaml``: the frontier's growth, the learning rate
and the selectivity of closed alliances) are chosen so that, averaged over seeds, the
technology gap is 2.2 years at step 0 and 1.3 years at step 20 (2021), and the
K-AI-Alliance-like archetype has grown from 7 partners to 18 two years (8 quarters) after
its founding.

Method: every evaluation runs the same seeds (common random numbers), so the loss is a
deterministic function of the parameters; a coarse grid picks the start of a bounded
Nelder-Mead search. Uncertainty comes from the Jacobian of the seed-mean targets (central
differences with the same seeds): a sandwich (delta-method) covariance that adds the seeds'
Monte-Carlo error to the targets' own uncertainty, and a linearised bootstrap over seeds and
targets; ``--refits`` also refits in full on bootstrap resamples of the seeds.

Run ``python -m sim.calibration [--seeds N] [--out docs/figures]``. It writes the figures
``calibration_*.png`` and the result file ``configs/calibration/korea_2016_result.yaml``.

Modules:
    spec: What to fit: targets, checks, free parameters; ``load_spec``.
    configuration: Run configurations at candidate parameter values.
    simulation: Seed-replicated runs of a candidate (``run_seed``, ``Simulator``).
    scoring: Moments, loss and fit-quality summary against the record.
    fitting: The fit: coarse grid, then bounded Nelder-Mead (``fit``).
    bootstrap: Uncertainty: Jacobian, delta-method covariances, bootstrap, refits.
    figures: The ``calibration_*.png`` figures.
    result: The result file: build, write, read, ``fitted_overrides``.
    cli: The command ``python -m sim.calibration`` (``main``).
"""

from sim.calibration.bootstrap import Uncertainty, refit_on_resamples, sandwich, uncertainty
from sim.calibration.cli import main
from sim.calibration.configuration import base_config, value_at, with_values
from sim.calibration.figures import (
    START_YEAR,
    plot_archetype,
    plot_gap,
    plot_profile,
    plot_uncertainty,
)
from sim.calibration.fitting import Fit, fit
from sim.calibration.result import (
    RESULT_FILE,
    fitted_overrides,
    load_result,
    print_report,
    result_dict,
    write_result,
)
from sim.calibration.scoring import loss, moments, objective, summarise
from sim.calibration.simulation import Simulator, run_seed, seeds_for
from sim.calibration.spec import (
    OUTPUTS,
    ROOT,
    SPEC_FILE,
    CalibrationSpec,
    FreeParameter,
    ParameterValues,
    Simulate,
    Target,
    load_spec,
)

__all__ = [
    "OUTPUTS",
    "RESULT_FILE",
    "ROOT",
    "SPEC_FILE",
    "START_YEAR",
    "CalibrationSpec",
    "Fit",
    "FreeParameter",
    "ParameterValues",
    "Simulate",
    "Simulator",
    "Target",
    "Uncertainty",
    "base_config",
    "fit",
    "fitted_overrides",
    "load_result",
    "load_spec",
    "loss",
    "main",
    "moments",
    "objective",
    "plot_archetype",
    "plot_gap",
    "plot_profile",
    "plot_uncertainty",
    "print_report",
    "refit_on_resamples",
    "result_dict",
    "run_seed",
    "sandwich",
    "seeds_for",
    "summarise",
    "uncertainty",
    "value_at",
    "with_values",
    "write_result",
]
