"""Run a command that ``alliancesim`` planned, through Hydra, in a process of its own.

``alliancesim`` (``sim.runs.cli``) plans a command in-process, then starts a fresh process
whose command line is the planned one (the user's, with the output folder pinned) and
hands it the plan in the environment variable ``ALLIANCESIM_PLAN``. Here ``main`` checks
that plan, lets ``@hydra.main`` parse the command line as it always does, and runs
``task`` for every job: a thin wrapper around ``sim.runs.replicates.run_to_folder``.
Once Hydra returns, ``main`` writes a sweep's manifest, prints its summary and returns the
exit status: 0 all done, 1 some runs failed.

A finished run found damaged (a table missing or not as its ``run.json`` records it) is
redone, with one log line saying why. Results that cannot be written (disk full,
permission denied, a folder gone) stop the command: the jobs left are not run, the
manifest is brought up to date for what finished, and one line on stderr says what
happened and what to do (exit status 1); the same command then resumes. The planner's
lock on the output folder (``sim.runs.lock``) is handed over as an open file descriptor
and released when the command ends.

A command nobody planned (no plan in the environment, or one made for another command
line or process) is refused with one line and exit status 2: only the planner checks the
input and the output folder before Hydra makes anything.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO, cast

import hydra
import pandas as pd
import yaml
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig
from tqdm import tqdm

from sim.config.compose import CONFIG_DIR, user_configs
from sim.config.schema import register_configs
from sim.runs.faults import WriteFault, brief
from sim.runs.lock import holder_started, release
from sim.runs.plan import is_hydra_key, swept_values, to_run_config
from sim.runs.progress import sweep_progress
from sim.runs.replicates import environment, run_to_folder
from sim.runs.store import (
    DONE,
    FAILED,
    MANIFEST_FILE,
    REPORT_PAGE,
    RUN_FILE,
    SWEEP_FILE,
    ResultsError,
    read_json,
    write_manifest,
)

PLAN_ENV = "ALLIANCESIM_PLAN"
LABEL_KEYS = {"scenario", "world", "seed"}  # already columns of every table
FAULTS: list[WriteFault] = []  # write faults in this process: the jobs left are not run
log = logging.getLogger("alliancesim")


@dataclass(frozen=True)
class Handoff:
    """What the planner hands to the launch process, through ``ALLIANCESIM_PLAN``.

    Attributes:
        args: The launch process's command line after the program name.
        multirun: Whether Hydra runs a sweep.
        folder: The absolute sweep folder (or run folder); None for an information
            command such as ``--help`` or ``--cfg job``, which runs nothing.
        pid: The planner's process id. The launch process is the planner itself after
            ``os.execv`` (same id) or its child.
        lock_fd: The open descriptor of the output folder's lock (``sim.runs.lock``),
            inherited by the launch process, which releases it at the end.
        config_dirs: The user's config folders (``--config-dir``, ``ALLIANCESIM_CONFIG``),
            absolute and checked, searched after the packaged ``configs/``.
    """

    args: list[str]
    multirun: bool
    folder: str | None
    pid: int
    lock_fd: int | None = None
    config_dirs: list[str] = field(default_factory=list)

    def encode(self) -> str:
        """The handoff as the value of ``ALLIANCESIM_PLAN``."""
        return json.dumps(asdict(self))

    @classmethod
    def decode(cls, text: str) -> Handoff | None:
        """The handoff a planner wrote; None if ``text`` is not one."""
        try:
            data = json.loads(text)
            fd = data.get("lock_fd")
            fd = fd if isinstance(fd, int) else None
            dirs = data.get("config_dirs", [])
            dirs = [d for d in dirs if isinstance(d, str)] if isinstance(dirs, list) else []
            args = list(data["args"])
            return cls(args, bool(data["multirun"]), data["folder"], data["pid"], fd, dirs)
        except (ValueError, TypeError, KeyError, AttributeError):
            return None


def planned() -> Handoff | None:
    """The plan handed to this process, if it was made for this process and command line."""
    handoff = Handoff.decode(os.environ.get(PLAN_ENV, ""))
    if handoff is None or handoff.args != sys.argv[1:]:
        return None
    return handoff if handoff.pid in (os.getpid(), os.getppid()) else None


def job_params(task_overrides: Sequence[str]) -> dict[str, Any]:
    """A job's overrides as parameter columns (``key -> value``), labels left out."""
    params: dict[str, Any] = {}
    for override in task_overrides:
        key, _, value = override.lstrip("+~").partition("=")
        if key in LABEL_KEYS or is_hydra_key(key):
            continue
        parsed = yaml.safe_load(value) if value else None
        key = "preset" if key == "sweep" else key  # ``sweep`` names the results folder
        params[key] = parsed if isinstance(parsed, int | float | str | bool) else value
    return params


def task(cfg: DictConfig) -> str:
    """The Hydra task: run one job's replicates into its output folder.

    Its log lines and progress bar name the job: ``run 4/6 mega_alliance
    member_value=0.6`` (the values a sweep varies, as ``sim.runs.plan.job_name`` puts
    them in the folder's name). The bar (one step a quarter of a replicate) shows only on a
    terminal: in CI, a notebook or a log file, standard error is not one and stays quiet.

    Returns:
        The job's status (``done`` or ``failed``; ``not run`` after a write fault).

    Raises:
        WriteFault: Its results could not be written; later jobs in this process are
            then not run.
    """
    run_cfg = to_run_config(cfg)
    hc = HydraConfig.get()
    folder = Path(hc.runtime.output_dir)
    sweep_folder = Path(hc.sweep.dir) if str(hc.mode).endswith("MULTIRUN") else None
    total, num, swept = 1, 0, []
    if sweep_folder is not None:
        total = len((read_json(sweep_folder / SWEEP_FILE) or {"jobs": [0]})["jobs"])
        num = int(hc.job.num)
        swept = swept_values(hc.overrides.task, hc.job.config.override_dirname.exclude_keys)
    world = [f"world {run_cfg.sample}"] if run_cfg.sample >= 0 else []  # a design's row
    label = " ".join(
        [f"run {num + 1}/{total} {run_cfg.scenario.name}", *world, *map("=".join, swept)]
    )
    if FAULTS:
        log.info("%s: not run (an earlier run could not write its results)", label)
        return "not run"
    progress = ""  # a sweep's runs finished and the time left, after the job's own line
    try:
        with tqdm(
            total=run_cfg.replicates * run_cfg.steps, desc=label, unit="quarter", disable=None
        ) as bar:
            record = run_to_folder(
                run_cfg,
                folder,
                job_params(hc.overrides.task),
                bar.update,
                lambda why: log.warning("%s: %s; redoing it", label, why),
            )
        if sweep_folder is not None:
            table = write_manifest(sweep_folder)
            since = holder_started(sweep_folder)
            progress = "; " + sweep_progress(table, since, datetime.now(UTC)).text()
    except (WriteFault, OSError) as error:
        fault = error if isinstance(error, WriteFault) else WriteFault.from_error(error)
        FAULTS.append(fault)
        raise fault from None
    if record.get("skipped"):
        log.info("%s: already finished in %s, kept%s", label, folder, progress)
        now = environment()["git_commit"]
        if record.get("git_commit") and now and record["git_commit"] != now:
            log.warning(
                "%s was made by commit %s; the code is now at %s. Delete %s to redo it.",
                label,
                record["git_commit"][:10],
                now[:10],
                folder,
            )
    elif record["status"] == FAILED:
        log.error(
            "%s: FAILED (%s); see %s%s", label, record["error"], folder / "error.log", progress
        )
    else:
        log.info("%s: done in %.1f s -> %s%s", label, record["wall_seconds"], folder, progress)
    return str(record["status"])


def exit_status(handoff: Handoff) -> int:
    """After Hydra: 1 if a run failed, else 0; a sweep's manifest and summary are written."""
    if handoff.folder is None:  # --help, --cfg ...: Hydra answered, nothing ran
        return 0
    folder = Path(handoff.folder)
    if not handoff.multirun:
        record = read_json(folder / RUN_FILE) or {}
        return 1 if record.get("status") == FAILED else 0
    table = write_manifest(folder)
    failed = int((table["status"] == FAILED).sum())
    done = int((table["status"] == "done").sum())
    print(
        f"alliancesim: {done} of {len(table)} runs done, {failed} failed; results in "
        f"{folder} (manifest.csv)",
        file=sys.stderr,
    )
    if report_predates(folder, table):
        print(
            f"alliancesim: the report in {folder} was built before some of these runs "
            f"finished; run alliancesim-report {folder} to bring it up to date",
            file=sys.stderr,
        )
    return 1 if failed else 0


def report_predates(folder: Path, table: pd.DataFrame) -> bool:
    """Whether ``folder`` holds a report older than a run its manifest says finished.

    Reason: a report built on a half-finished sweep stays in place when the sweep is resumed
    and finishes; nothing else would tell the analyst it is out of date (found by a
    newcomer, 2026-12-06).
    """
    try:
        built = datetime.fromtimestamp((folder / REPORT_PAGE).stat().st_mtime, UTC)
    except OSError:  # no report (or a dangling link): nothing to bring up to date
        return False
    if "finished_utc" not in table:
        return False
    finished = pd.to_datetime(table["finished_utc"], utc=True, errors="coerce").max()
    return bool(pd.notna(finished) and finished > built)


def after_fault(handoff: Handoff, fault: WriteFault) -> int:
    """Stop after a write fault: the manifest brought up to date, one line; exit status 1."""
    note = ""
    if handoff.multirun and handoff.folder is not None:
        folder = Path(handoff.folder)
        try:
            table = write_manifest(folder)
            done = int((table["status"] == DONE).sum())
            note = f"; {done} of {len(table)} runs done, as {folder / MANIFEST_FILE} records"
        except (OSError, ResultsError) as error:
            note = f"; {MANIFEST_FILE} could not be brought up to date ({brief(error)})"
    print(
        f"alliancesim: error: {fault}{note}; {fault.advice}, then run the same command to resume",
        file=sys.stderr,
    )
    return 1


class HeldLines:
    """Standard error with Hydra's ``Error executing job with overrides`` lines held back.

    Hydra writes that line before it raises a job's exception; ``main`` reports the
    exceptions it knows in one line of its own, and puts held lines back for the others.
    Everything else (``isatty``, ``fileno`` ...) is the stream's own, so that progress
    bars still show on a terminal.
    """

    PREFIX = "Error executing job with overrides:"

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.held: list[str] = []

    def write(self, text: str) -> int:
        """Write ``text`` through, unless it is Hydra's job error line (then held)."""
        if text.startswith(self.PREFIX):
            self.held.append(text)
            return len(text)
        return self.stream.write(text)

    def flush(self) -> None:
        """Flush the stream underneath."""
        self.stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


@contextmanager
def errors_raised() -> Iterator[None]:
    """Let Hydra raise a job's exception (not print it), and ignore log-file errors.

    Hydra prints an exception escaping a job as a traceback; with ``HYDRA_FULL_ERROR`` it
    raises it instead, for ``main`` to report in one line. A log file on a full disk is
    not worth a traceback either (the log is also on the console).
    """
    saved = os.environ.get("HYDRA_FULL_ERROR"), logging.raiseExceptions, sys.stderr
    os.environ["HYDRA_FULL_ERROR"] = "1"
    logging.raiseExceptions = False
    held = HeldLines(sys.stderr)
    sys.stderr = cast(TextIO, held)
    try:
        yield
    except (WriteFault, OSError, ResultsError):
        raise  # reported by ``main`` in one line
    except BaseException:
        for line in held.held:
            saved[2].write(line)
        raise
    finally:
        if saved[0] is None:
            os.environ.pop("HYDRA_FULL_ERROR", None)
        else:
            os.environ["HYDRA_FULL_ERROR"] = saved[0]
        logging.raiseExceptions, sys.stderr = saved[1], saved[2]


def adopt_lock(fd: int | None) -> int | None:
    """The inherited lock descriptor, kept from the launchers' own processes; None if gone."""
    if fd is None:
        return None
    try:
        os.set_inheritable(fd, False)
    except OSError:
        return None
    return fd


def main() -> int:
    """Run the planned command on ``sys.argv`` through ``@hydra.main``; the exit status.

    Returns:
        0 all runs done, 1 some failed or results could not be written, 2 the command was
        not planned by ``alliancesim`` (or its folder holds different results).
    """
    handoff = planned()
    if handoff is None:
        print(
            "alliancesim: error: this process runs only commands that alliancesim planned "
            f"({PLAN_ENV} is missing or was made for another command); allowed: alliancesim "
            "with the same options and overrides",
            file=sys.stderr,
        )
        return 2
    os.environ.pop(PLAN_ENV)  # the jobs' own processes are not launch processes
    lock_fd = adopt_lock(handoff.lock_fd)
    FAULTS.clear()
    register_configs()
    run = hydra.main(config_path=str(CONFIG_DIR), config_name="config", version_base="1.3")
    try:
        with user_configs([Path(d) for d in handoff.config_dirs]):
            if handoff.folder is None:  # --help, --cfg ...: Hydra answers, nothing runs
                run(task)()
                return 0
            with errors_raised():
                run(task)()
            return exit_status(handoff)
    except WriteFault as fault:
        return after_fault(handoff, fault)
    except OSError as error:  # Hydra's own files (.hydra/*.yaml) or the manifest
        return after_fault(handoff, WriteFault.from_error(error))
    except ResultsError as error:  # e.g. a planned run folder holding another run
        print(f"alliancesim: error: {error}", file=sys.stderr)
        return 2
    finally:
        release(lock_fd)


if __name__ == "__main__":
    # ``python -m sim.runs.launch`` runs this file as ``__main__``; call the module imported
    # under its own name, so that launchers pickle ``task`` by reference to it.
    from sim.runs import launch

    sys.exit(launch.main())
