"""History matching: version 2 fitted to the real alliances' reported sizes (issue 11, item 5).

The baseline runs on the ``korea_2024`` world (step 0 = 2024 Q1) under ``model.economics=v2``
for as many quarters as the spec's last date needs. Targets are the ``history:`` points of
each alliance in the world's facts file (``targets``), plus each archetype's reported leader
and regime; two points are held out and only reported. Every candidate runs the same seeds
(common random numbers); the loss is a simulated-method-of-moments distance on
``log(1 + size)`` scaled by each point's tolerance, plus leader and regime penalties
(``loss``). Optuna's seeded TPE sampler searches the bounds, the defaults first; ABC by
rejection over the evaluated candidates gives approximate ranges (``search``).

Run ``python -m sim.calibration history [--seeds S] [--trials N] [--out DIR]``. It writes
``configs/calibration/korea_2024_history_result.yaml``, a Markdown fragment beside it, and the
section of ``docs/calibration.md`` between ``<!-- history-matching:start -->`` and
``<!-- history-matching:end -->``.

Modules:
    spec: The spec file: tolerances, held-out points, free parameters, budget (``load_spec``).
    targets: Size, leader and regime targets from the facts file (``build_targets``).
    configuration: A candidate's run configuration (``candidate_config``).
    moments: Seed-replicated runs read through the alliance table (``Runner``).
    loss: The SMM distance and the state penalties (``loss``).
    search: Optuna TPE, then ABC by rejection (``search``, ``accepted``, ``median_point``).
    report: The result file, its Markdown fragment and the docs section.
    cli: The command (``main``).
"""

from sim.calibration.history.cli import main
from sim.calibration.history.configuration import (
    base_overrides,
    candidate_config,
    candidate_overrides,
    defaults_of,
)
from sim.calibration.history.loss import Loss, counted, excess, loss, miss_share, z_scores
from sim.calibration.history.moments import Moments, Runner, run_seed, seed_after, seeds_for
from sim.calibration.history.report import (
    END_MARKER,
    START_MARKER,
    fragment,
    render_into,
    result_dict,
    write_result,
)
from sim.calibration.history.search import (
    Search,
    Trial,
    accepted,
    accepted_ranges,
    median_point,
    search,
)
from sim.calibration.history.spec import (
    RESULT_FILE,
    SPEC_FILE,
    HistoryParameter,
    HistorySpec,
    PointRule,
    load_spec,
)
from sim.calibration.history.targets import (
    SizeTarget,
    StateTarget,
    Targets,
    build_targets,
    point_steps,
)

__all__ = [
    "END_MARKER",
    "RESULT_FILE",
    "SPEC_FILE",
    "START_MARKER",
    "HistoryParameter",
    "HistorySpec",
    "Loss",
    "Moments",
    "PointRule",
    "Runner",
    "Search",
    "SizeTarget",
    "StateTarget",
    "Targets",
    "Trial",
    "accepted",
    "accepted_ranges",
    "base_overrides",
    "build_targets",
    "candidate_config",
    "candidate_overrides",
    "counted",
    "defaults_of",
    "excess",
    "fragment",
    "load_spec",
    "loss",
    "main",
    "median_point",
    "miss_share",
    "point_steps",
    "render_into",
    "result_dict",
    "run_seed",
    "search",
    "seed_after",
    "seeds_for",
    "write_result",
    "z_scores",
]
