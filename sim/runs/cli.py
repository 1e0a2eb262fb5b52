"""The ``alliancesim`` command: one run or a sweep, from config files, through Hydra.

``alliancesim scenario=mega_alliance replicates=16`` runs one scenario over 16 seeds;
``alliancesim -m scenario=baseline,mega_alliance`` sweeps; ``alliancesim
sweep=policy_comparison`` runs a named sweep preset. Any Hydra launcher works
(``hydra/launcher=joblib``, ``ray``, ``submitit_local``, ``submitit_slurm``).

The command is planned here, in-process (``plan_command``, with ``sim.runs.plan.plan``):
bad input ends with one line and exit status 2, before any folder is made. The planned
command then runs in a fresh process through ``@hydra.main`` (``sim.runs.launch``):

- ``entry`` (the console script) replaces itself with that process (``os.execv``), so the
  process id stays the same and nothing is left behind when it is killed. It re-executes
  its own script, so that Hydra sees the program name ``alliancesim`` (help texts, usage
  lines and shell completion name it), and the script's ``entry`` finds the plan handed to
  it and runs ``sim.runs.launch.main``.
- ``main(argv)``, called from Python, runs ``python -m sim.runs.launch`` as a child
  process and returns its exit status. The child writes to this process's standard
  output and error (file descriptors 1 and 2; ``stderr=subprocess.STDOUT`` puts its
  standard error into standard output, for a notebook).

Information flags (``--cfg job``, ``--info`` ...) are handed over the same way, once the
config they show has composed here (a mistake is one line, exit status 2). ``--help`` is
answered here: the usage and ``sim.config.describe``'s overview of worlds, scenarios,
sweep presets and levers, every key with its type, default, unit and range.

``--config-dir DIR`` (repeatable) and the environment variable ``ALLIANCESIM_CONFIG``
(folders separated by ``os.pathsep``) add the user's folders of ``scenario/``, ``world/``
and ``sweep/`` files after the packaged ``configs/`` (``sim.config.compose``); each must
exist, and the launch process searches the same folders.

The planner locks the output folder (``sim.runs.lock``) before it writes anything there
and hands the lock to the launch process, so a second command on the same folder stops
with exit status 2, naming the first. A results file that cannot be written while
planning (disk full ...) is one line and exit status 1.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from sim.config.checks import ConfigError
from sim.config.compose import USER_CONFIG_ENV, user_config_dirs, user_configs
from sim.config.describe import overview
from sim.runs import launch
from sim.runs.faults import WriteFault
from sim.runs.launch import PLAN_ENV, Handoff
from sim.runs.lock import acquire, release
from sim.runs.overrides import check_info
from sim.runs.plan import (
    INFO_FLAGS,
    MULTIRUN_FLAGS,
    Plan,
    check_run_folder,
    check_sweep_folder,
    plan,
    save,
)
from sim.runs.recover import check_anew, plan_anew, scratch_folder
from sim.runs.store import SWEEP_FILE, GarbledFile, ResultsError

LAUNCH_MODULE = "sim.runs.launch"
CONFIG_DIR_FLAG = "--config-dir"
HELP_FLAGS = ("-h", "--help")
USAGE = """\
usage: alliancesim [-m] [--config-dir DIR] [key=value ...]

Run policy scenarios of the AI-alliance model: one run (all its replicates), or with -m a
sweep over comma-separated values (one job per combination). Results go to results/.

  alliancesim scenario=mega_alliance replicates=16
  alliancesim -m scenario=baseline,mega_alliance seed=0
  alliancesim sweep=policy_comparison hydra/launcher=joblib
  alliancesim --config-dir ~/my_policies -m scenario=baseline,my_policy

options:
  -m, --multirun        sweep: one job per combination of the comma-separated values
  --config-dir DIR      add DIR/scenario/, DIR/world/, DIR/sweep/ files to the packaged
                        ones (repeatable; also ALLIANCESIM_CONFIG=DIR[:DIR...];
                        docs/scenarios.md writes one)
  --cfg job|hydra|all   print the composed config and run nothing
  --info [WHAT]         Hydra's information (config, defaults, searchpath, plugins ...)
  --hydra-help          Hydra's own help
  -h, --help            this help; alliancesim-describe NAME describes one world,
                        scenario, sweep preset or lever in full
  hydra/launcher=joblib|ray|submitit_local|submitit_slurm, hydra.run.dir=DIR,
  hydra.sweep.dir=DIR   where and how jobs run
"""


def split_argv(argv: Sequence[str]) -> tuple[bool, list[str], bool]:
    """(multirun flag, overrides, whether an info flag such as --help was given)."""
    multirun = any(a in MULTIRUN_FLAGS for a in argv)
    info = any(a.split("=")[0] in INFO_FLAGS for a in argv)
    overrides = [a for a in argv if not a.startswith("-")]
    return multirun, overrides, info


def split_config_dirs(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """The folders given with ``--config-dir DIR`` (or ``=DIR``), and the rest of the line.

    Raises:
        ConfigError: ``--config-dir`` without a folder.
    """
    folders: list[str] = []
    rest: list[str] = []
    args = list(argv)
    while args:
        arg = args.pop(0)
        flag, eq, value = arg.partition("=")
        if flag != CONFIG_DIR_FLAG:
            rest.append(arg)
            continue
        if not eq:
            value = args.pop(0) if args and not args[0].startswith("-") else ""
        if not value:
            raise ConfigError(
                f"{CONFIG_DIR_FLAG} needs a folder; allowed: {CONFIG_DIR_FLAG} DIR, a folder "
                "holding scenario/, world/ or sweep/ files"
            )
        folders.append(value)
    return folders, rest


def help_text(argv: Sequence[str]) -> str | None:
    """The help, if the command asks for it (``-h``, ``--help``); else None.

    Raises:
        ConfigError: A flag or override that no information command may carry, or a bad
            ``--config-dir`` folder.
    """
    if not any(a in HELP_FLAGS for a in argv):
        return None
    folders, rest = split_config_dirs(argv)
    with user_configs(user_config_dirs(folders)):
        check_info(rest)  # e.g. --experimental-rerun would unpickle a file
        return f"{USAGE}\n{overview()}"


def pin(key: str, folder: Path) -> str:
    """An override fixing an output folder to the path planned (quoted for Hydra)."""
    text = str(folder).replace("\\", "\\\\").replace("'", "\\'").replace("${", "\\${")
    return f"{key}='{text}'"


def plan_command(argv: Sequence[str]) -> Handoff:
    """Plan a command line; a sweep's plan is saved in its folder (``sweep.json``).

    Args:
        argv: The command line after the program name.

    Returns:
        The planned command for the launch process: the overrides with the output folder
        pinned to the planned absolute path (and a design's rows added).

    Raises:
        ConfigError: An unknown option, a bad ``--config-dir`` folder, or any bad key,
            type, value or sweep.
        ResultsError: The output folder is a file or holds different results.
    """
    folders, argv = split_config_dirs(argv)
    dirs = user_config_dirs(folders)
    with user_configs(dirs):
        handoff = plan_here(argv)
    return dataclasses.replace(handoff, config_dirs=[str(d) for d in dirs])


def plan_here(argv: list[str]) -> Handoff:
    """Plan a command line (without ``--config-dir``) on the search path set up."""
    multirun, overrides, info = split_argv(argv)
    unknown = [a for a in argv if a.startswith("-") and a not in MULTIRUN_FLAGS]
    if unknown and not info:
        raise ConfigError(
            f"option {unknown[0]!r} is unknown; allowed: -m/--multirun, --config-dir DIR, "
            "--help, --cfg job|hydra|all, --info, and key=value overrides"
        )
    if info:  # --help, --cfg ...: Hydra answers, nothing runs; confined like a run first
        check_info(argv)  # e.g. --experimental-rerun would unpickle a file
        return Handoff(argv, multirun, None, os.getpid())
    garbled = None
    try:
        command = plan(overrides, multirun)
    except GarbledFile as error:  # sweep.json: the runs may still show it is this sweep
        if error.path.name != SWEEP_FILE:
            raise
        garbled = error
        command = plan_anew(
            overrides, multirun, error, pin("hydra.sweep.dir", scratch_folder(error))
        )
    where = "hydra.sweep.dir" if command.multirun else "hydra.run.dir"
    kept = [o for o in overrides if not o.startswith(f"{where}=")]  # the plan's folder wins
    flags = ["-m"] if command.multirun else []
    args = [*flags, *kept, *command.extra, pin(where, command.folder)]
    lock = acquire(command.folder, " ".join(["alliancesim", *argv]))
    try:
        notes = [*lock.notes, *check_locked(command, garbled)]
        if command.multirun:
            save(command)
    except BaseException:
        release(lock.fd)
        raise
    for note in [*command.notes, *notes]:
        print(f"alliancesim: warning: {note}", file=sys.stderr)
    if sys.stderr.isatty():  # on a terminal, a word before the launch starts (seconds)
        runs = f"{len(command.jobs)} runs" if command.multirun else "1 run"
        print(f"alliancesim: {runs} planned into {command.folder}; starting", file=sys.stderr)
    return Handoff(args, command.multirun, str(command.folder), os.getpid(), lock.fd)


def check_locked(command: Plan, garbled: GarbledFile | None) -> list[str]:
    """Check the output folder again, now that it is locked; warnings to print.

    Raises:
        ResultsError: Another command changed the folder meanwhile, or a garbled
            ``sweep.json`` whose runs do not show the folder holds this sweep.
    """
    if garbled is not None:
        return [check_anew(command, garbled)]
    if command.multirun:
        check_sweep_folder(command)
    else:
        check_run_folder(command.folder, command.jobs[0].cfg)
    return []


def handoff_environment(handoff: Handoff) -> dict[str, str]:
    """This process's environment with the plan handed over in ``ALLIANCESIM_PLAN``.

    ``ALLIANCESIM_CONFIG`` holds the user's config folders the plan was made with.
    """
    env = {**os.environ, PLAN_ENV: handoff.encode()}
    env.pop(USER_CONFIG_ENV, None)
    if handoff.config_dirs:
        env[USER_CONFIG_ENV] = os.pathsep.join(handoff.config_dirs)
    return env


def launch_command(handoff: Handoff, script: str | None = None) -> list[str]:
    """The launch process's command line.

    Args:
        handoff: The planned command.
        script: A Python script whose ``entry`` call runs a handed-over plan (the
            console script); without one, the launch module runs as ``python -m``.
    """
    start = [script] if script else ["-m", LAUNCH_MODULE]
    return [sys.executable, *start, *handoff.args]


def report(error: Exception) -> int:
    """Print a planning error as the one line the user sees; the exit status.

    Returns:
        1 for a file that could not be written (disk full ...), else 2 (bad input, or an
        output folder that cannot be used as it is).
    """
    if isinstance(error, OSError):
        fault = WriteFault.from_error(error)
        print(f"alliancesim: error: {fault}; {fault.advice}, then run again", file=sys.stderr)
        return 1
    print(f"alliancesim: error: {error}", file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None, stderr: int | None = None) -> int:
    """Plan, then run in a child process through Hydra; the exit status.

    Args:
        argv: The command line after the program name (default: ``sys.argv[1:]``).
        stderr: Where the child's standard error goes: None, this process's (file
            descriptor 2); ``subprocess.STDOUT``, into its standard output, as a notebook
            wants (Jupyter shows standard error in red, like an error). Planning errors
            are printed here, to ``sys.stderr``, either way.

    Returns:
        0 all runs done, 1 some runs failed, 2 bad input (nothing was written).
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        text = help_text(argv)
        if text is not None:
            print(text)
            return 0
        handoff = plan_command(argv)
    except (ConfigError, ResultsError, OSError) as error:
        return report(error)
    sys.stdout.flush()
    sys.stderr.flush()
    fds = () if handoff.lock_fd is None else (handoff.lock_fd,)
    try:
        command, env = launch_command(handoff), handoff_environment(handoff)
        done = subprocess.run(command, env=env, check=False, pass_fds=fds, stderr=stderr)
    finally:
        release(handoff.lock_fd)
    return done.returncode


def entry() -> NoReturn:
    """Console-script entry point: plan, then become the launch process (same process id).

    The console script is executed again with the planned command line; there ``entry``
    finds the plan handed to it and runs the launch (``sim.runs.launch.main``).
    """
    if launch.planned() is not None:
        sys.exit(launch.main())
    try:
        text = help_text(sys.argv[1:])
        if text is not None:
            print(text)
            sys.exit(0)
        handoff = plan_command(sys.argv[1:])
    except (ConfigError, ResultsError, OSError) as error:
        sys.exit(report(error))
    script = sys.argv[0] if Path(sys.argv[0]).is_file() else None
    command = launch_command(handoff, script)
    if handoff.lock_fd is not None:
        os.set_inheritable(handoff.lock_fd, True)  # the lock lasts into the launch process
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(command[0], command, handoff_environment(handoff))
