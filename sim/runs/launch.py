"""Run a command that ``alliancesim`` planned, through Hydra, in a process of its own.

``alliancesim`` (``sim.runs.cli``) plans a command in-process, then starts a fresh process
whose command line is the planned one (the user's, with the output folder pinned) and
hands it the plan in the environment variable ``ALLIANCESIM_PLAN``. Here ``main`` checks
that plan, lets ``@hydra.main`` parse the command line as it always does, and runs
``task`` for every job: a thin wrapper around ``sim.runs.replicates.run_to_folder``.
Once Hydra returns, ``main`` writes a sweep's manifest, prints its summary and returns the
exit status: 0 all done, 1 some runs failed.

A command nobody planned (no plan in the environment, or one made for another command
line or process) is refused with one line and exit status 2: only the planner checks the
input and the output folder before Hydra makes anything.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import hydra
import yaml
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig
from tqdm import tqdm

from sim.config.compose import CONFIG_DIR
from sim.config.schema import register_configs
from sim.runs.plan import is_hydra_key, to_run_config
from sim.runs.replicates import environment, run_to_folder
from sim.runs.store import FAILED, RUN_FILE, SWEEP_FILE, read_json, write_manifest

PLAN_ENV = "ALLIANCESIM_PLAN"
LABEL_KEYS = {"scenario", "world", "seed"}  # already columns of every table
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
    """

    args: list[str]
    multirun: bool
    folder: str | None
    pid: int

    def encode(self) -> str:
        """The handoff as the value of ``ALLIANCESIM_PLAN``."""
        return json.dumps(asdict(self))

    @classmethod
    def decode(cls, text: str) -> Handoff | None:
        """The handoff a planner wrote; None if ``text`` is not one."""
        try:
            data = json.loads(text)
            return cls(list(data["args"]), bool(data["multirun"]), data["folder"], data["pid"])
        except (ValueError, TypeError, KeyError):
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

    Returns:
        The job's status (``done`` or ``failed``).
    """
    run_cfg = to_run_config(cfg)
    hc = HydraConfig.get()
    folder = Path(hc.runtime.output_dir)
    sweep_folder = Path(hc.sweep.dir) if str(hc.mode).endswith("MULTIRUN") else None
    total, num = 1, 0
    if sweep_folder is not None:
        total = len((read_json(sweep_folder / SWEEP_FILE) or {"jobs": [0]})["jobs"])
        num = int(hc.job.num)
    label = f"run {num + 1}/{total} {run_cfg.scenario.name}"
    with tqdm(
        total=run_cfg.replicates * run_cfg.steps, desc=label, unit="quarter", disable=None
    ) as bar:
        record = run_to_folder(run_cfg, folder, job_params(hc.overrides.task), bar.update)
    if sweep_folder is not None:
        write_manifest(sweep_folder)
    if record.get("skipped"):
        log.info("%s: already finished in %s, kept", label, folder)
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
        log.error("%s: FAILED (%s); see %s", label, record["error"], folder / "error.log")
    else:
        log.info("%s: done in %.1f s -> %s", label, record["wall_seconds"], folder)
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
    return 1 if failed else 0


def main() -> int:
    """Run the planned command on ``sys.argv`` through ``@hydra.main``; the exit status.

    Returns:
        0 all runs done, 1 some failed, 2 the command was not planned by ``alliancesim``.
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
    register_configs()
    hydra.main(config_path=str(CONFIG_DIR), config_name="config", version_base="1.3")(task)()
    return exit_status(handoff)


if __name__ == "__main__":
    # ``python -m sim.runs.launch`` runs this file as ``__main__``; call the module imported
    # under its own name, so that launchers pickle ``task`` by reference to it.
    from sim.runs import launch

    sys.exit(launch.main())
