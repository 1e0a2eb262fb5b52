"""The ``alliancesim`` command: one run or a sweep, from config files, through Hydra.

``alliancesim scenario=mega_alliance replicates=16`` runs one scenario over 16 seeds;
``alliancesim -m scenario=baseline,mega_alliance`` sweeps; ``alliancesim
sweep=policy_comparison`` runs a named sweep preset. Any Hydra launcher works
(``hydra/launcher=joblib``, ``ray``, ``submitit_local``, ``submitit_slurm``).

``main`` plans the command first (``sim.runs.plan.plan``): bad input ends there with one line
and exit status 2, before any folder is made. The Hydra task, ``run_task``, is a thin
wrapper around ``sim.runs.replicates.run_to_folder``.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import hydra
import yaml
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig
from tqdm import tqdm

from sim.config.checks import ConfigError
from sim.config.compose import CONFIG_DIR, to_run_config
from sim.config.schema import register_configs
from sim.runs.plan import INFO_FLAGS, MULTIRUN_FLAGS, is_hydra_key, plan, save
from sim.runs.replicates import environment, run_to_folder
from sim.runs.store import FAILED, SWEEP_FILE, ResultsError, read_json, write_manifest

log = logging.getLogger("alliancesim")
LABEL_KEYS = {"scenario", "world", "seed"}  # already columns of every table


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


def run_task(cfg: DictConfig) -> str:
    """The Hydra task: run one job's replicates into its output folder.

    Returns:
        The job's status (``done`` or ``failed``).
    """
    run_cfg = to_run_config(cfg)
    hc = HydraConfig.get()
    folder = Path(hc.runtime.output_dir)
    multirun = str(hc.mode).endswith("MULTIRUN")
    sweep_folder = Path(hc.sweep.dir) if multirun else None
    total = len((read_json(sweep_folder / SWEEP_FILE) or {"jobs": [0]})["jobs"]) if multirun else 1
    num = int(hc.job.num) if multirun else 0
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


@hydra.main(config_path=str(CONFIG_DIR), config_name="config", version_base="1.3")
def hydra_main(cfg: DictConfig) -> str:
    """Hydra's entry: compose the config, then ``run_task``."""
    return run_task(cfg)


def split_argv(argv: Sequence[str]) -> tuple[bool, list[str], bool]:
    """(multirun flag, overrides, whether an info flag such as --help was given)."""
    multirun = any(a in MULTIRUN_FLAGS for a in argv)
    info = any(a.split("=")[0] in INFO_FLAGS for a in argv)
    overrides = [a for a in argv if not a.startswith("-")]
    return multirun, overrides, info


def pin(key: str, folder: Path) -> str:
    """An override fixing an output folder to the path planned (quoted for Hydra)."""
    text = str(folder).replace("\\", "\\\\").replace("'", "\\'")
    return f"{key}='{text}'"


def main(argv: Sequence[str] | None = None) -> int:
    """Plan, then run through Hydra. Exit status 0 ok, 1 some runs failed, 2 bad input."""
    argv = list(sys.argv[1:] if argv is None else argv)
    multirun, overrides, info = split_argv(argv)
    register_configs()
    unknown = [a for a in argv if a.startswith("-") and a not in MULTIRUN_FLAGS]
    if unknown and not info:
        print(
            f"alliancesim: error: option {unknown[0]!r} is unknown; allowed: -m/--multirun, "
            "--help, --cfg job|hydra|all, --info, and key=value overrides",
            file=sys.stderr,
        )
        return 2
    if info:  # --help, --cfg ...: Hydra answers, nothing runs
        sys.argv = ["alliancesim", *argv]
        hydra_main()
        return 0
    try:
        command = plan(overrides, multirun)
    except (ConfigError, ResultsError) as error:
        print(f"alliancesim: error: {error}", file=sys.stderr)
        return 2
    where = "hydra.sweep.dir" if command.multirun else "hydra.run.dir"
    kept = [o for o in overrides if not o.startswith(f"{where}=")]  # the plan's folder wins
    flags = ["-m"] if command.multirun else []
    sys.argv = ["alliancesim", *flags, *kept, *command.extra, pin(where, command.folder)]
    if command.multirun:
        save(command)
    hydra_main()
    if not command.multirun:
        record = read_json(command.folder / "run.json") or {}
        return 1 if record.get("status") == FAILED else 0
    table = write_manifest(command.folder)
    failed = int((table["status"] == FAILED).sum())
    done = int((table["status"] == "done").sum())
    print(
        f"alliancesim: {done} of {len(table)} runs done, {failed} failed; results in "
        f"{command.folder} (manifest.csv)",
        file=sys.stderr,
    )
    return 1 if failed else 0


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
