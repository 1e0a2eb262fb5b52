"""The command ``alliancesim-optimise``: search lever settings with Optuna (docs/optimise.md).

Hydra-style overrides choose a preset and set keys::

    alliancesim-optimise optimise=quick optimise.n_trials=10

Bad input (an unknown key, a bad value, a folder holding another study) is one line on
stderr and exit status 2, before anything is written. The same command run again resumes
the study. One line is printed per finished trial.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim.config.checks import ConfigError
from sim.optimise.config import OptimiseConfig, compose_optimise
from sim.optimise.evaluation import Evaluator, Measures
from sim.optimise.figure import plural
from sim.optimise.outputs import SUMMARY_FILE, write_outputs
from sim.optimise.search import check_folder, finished_count, run_study
from sim.runs.faults import WriteFault
from sim.runs.lock import FolderBusy, acquire, release
from sim.runs.store import ResultsError

PROG = "alliancesim-optimise"
USAGE = f"""usage: {PROG} [optimise=PRESET] [optimise.KEY=VALUE ...]

Search lever settings with Optuna; every evaluation runs W worlds x S seeds through the
results store and is compared with the baseline on the same worlds and seeds.

presets: configs/optimise/*.yaml (default, quick)
keys:    optimise.world, .scenario, .baseline, .levers, .worlds, .seeds, .steps,
         .objective.kind (cheapest_robust | pareto), .objective.gap_reduction,
         .objective.share, .n_trials, .sampler_seed, .jobs, .out, .overrides (docs/optimise.md)
The same command again resumes the study in optimise.out.
"""


class Printer:
    """One line per finished trial, with the time since the previous one."""

    def __init__(self, cfg: OptimiseConfig) -> None:
        self.cfg = cfg
        self.last = time.perf_counter()

    def __call__(self, trial: Any, found: Measures, done: int, total: int) -> None:
        """Print the trial's line."""
        now = time.perf_counter()
        seconds, self.last = now - self.last, now
        values = ", ".join(
            f"{lever.path.split('.', 1)[1]}={trial.params[lever.path]:.4g}"
            for lever in self.cfg.levers
        )
        if found.error:
            what = f"FAILED: {found.error}"
        else:
            met = round(found.share_met * self.cfg.worlds)
            what = (
                f"cost USD {found.cost:.3g} bn, gap {found.gap_effect:+.3g} years, target met "
                f"in {met}/{self.cfg.worlds} worlds"
            )
        print(
            f"trial {done}/{total} (#{trial.number}) {values}: {what} "
            f"[{found.runs - found.skipped} runs, {found.skipped} reused, {seconds:.1f} s]",
            flush=True,
        )


def error_line(error: BaseException) -> str:
    """An error as one line after the program's name."""
    return f"{PROG}: error: {' '.join(str(error).split())}"


def prepare(argv: Sequence[str]) -> tuple[OptimiseConfig, Evaluator]:
    """Compose and check everything before writing anything.

    Raises:
        ConfigError: Bad input, one line.
    """
    cfg = compose_optimise(argv)
    out = Path(cfg.out)
    if out.exists() and not out.is_dir():
        raise ConfigError(f"optimise.out={cfg.out!r} is a file; allowed: a folder")
    evaluator = Evaluator(cfg, out)
    check_folder(cfg, out, evaluator.fingerprint, record=False)  # refuses before writing
    return cfg, evaluator


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; the exit status.

    Returns:
        0 done; 1 a failure (a run or a file could not be written, the baseline failed);
        2 bad input or an output folder that cannot be used (another study, in use); 130
        interrupted (the same command resumes).
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if any(a in ("-h", "--help") for a in args):
        print(USAGE)
        return 0
    try:
        cfg, evaluator = prepare(args)
    except ConfigError as error:
        print(error_line(error), file=sys.stderr)
        return 2
    out = Path(cfg.out)
    began = time.perf_counter()
    lock = None
    try:
        lock = acquire(out, " ".join([PROG, *args]))
        for note in lock.notes:
            print(f"{PROG}: {note}", file=sys.stderr)
        check_folder(cfg, out, evaluator.fingerprint)
        size = f"{cfg.n_trials} trials, each {plural(cfg.worlds, 'world')} x "
        size += plural(cfg.seeds, "seed")
        print(f"{PROG}: study in {out}; {size}", flush=True)
        with evaluator:
            study = run_study(cfg, out, evaluator.evaluate, Printer(cfg))
        if finished_count(study) < cfg.n_trials:
            print(f"{PROG}: every setting of the levers' grid has been evaluated", flush=True)
        _, text = write_outputs(study, cfg, out)
    except (ConfigError, FolderBusy) as error:  # bad input, or a folder in use
        print(error_line(error), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; run the same command to resume", file=sys.stderr)
        return 130
    except (WriteFault, ResultsError, OSError, RuntimeError) as error:
        print(error_line(error), file=sys.stderr)
        return 1
    finally:
        release(lock.fd if lock else None)
    print(text)
    seconds = time.perf_counter() - began
    print(f"{PROG}: wrote {out / SUMMARY_FILE} and the Pareto set; {seconds:.0f} s in all")
    return 0


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
