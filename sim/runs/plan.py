"""Plan a run or a sweep before Hydra starts it: confine, expand, validate, check the folder.

Hydra only finds a bad value when a job starts, after it has made the output folder. The
command line therefore plans first: it confines the overrides (``sim.runs.overrides``: no
Hydra setting outside an allow-list, no config file from outside its group, no
interpolation or instantiation, no output folder leading out), expands the sweep into the
jobs Hydra's basic sweeper launches, in the same order (with Hydra's public override
parser), composes and range-checks every job's config (with Hydra's compose API), and
checks that the output folder is new or holds this same sweep (to resume). Only then does
Hydra launch anything.

A sweep's job folders carry the values swept (``job_name``): in
``3_mega_alliance_member_value=0.6``, job 3 runs ``scenario=mega_alliance`` with
``scenario.mega_alliance.member_value=0.6``. The planner lists the keys that names
leave out in Hydra's ``hydra.job.config.override_dirname.exclude_keys`` (the keys every job
sets alike), and ``configs/config.yaml`` names each job folder with the resolver
``alliancesim_job``, in the planner and in every job's process alike. A sweep planned
before job folders were named so (``3_mega_alliance``) is resumed under its old names.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hydra import initialize_config_dir
from hydra.core.config_loader import ConfigLoader
from hydra.core.global_hydra import GlobalHydra
from hydra.core.override_parser.types import ChoiceSweep, Override, RangeSweep
from hydra.errors import HydraException
from omegaconf import OmegaConf, open_dict
from omegaconf.errors import OmegaConfBaseException

from scenarios.worlds import world_named
from sim.config.checks import ConfigError
from sim.config.compose import CONFIG_DIR, compose_node, keyed, one_line
from sim.config.compose import to_run_config as _to_run_config
from sim.config.design import apply_sample, check_not_designed, design_size
from sim.config.schema import RunConfig, register_configs
from sim.config.spending import check_equal_spend
from sim.engine.outcomes import BY_NAME
from sim.runs.difference import sweep_difference
from sim.runs.overrides import (
    INFO_FLAGS,
    MAX_JOBS,
    MULTIRUN_FLAGS,
    check_composed,
    check_design,
    check_folder,
    check_names,
    confine,
    design_keys,
    folder_setting,
    is_hydra_key,
    parse,
    sweep_count,
    text_key,
)
from sim.runs.replicates import check_folder as check_results
from sim.runs.replicates import fingerprint
from sim.runs.store import (
    SWEEP_FILE,
    ResultsError,
    read_json,
    remove_leftovers,
    run_status,
    write_json,
)

__all__ = ["INFO_FLAGS", "MULTIRUN_FLAGS", "is_hydra_key", "parse"]  # the CLI's, launch's

HYDRA_FILES = {".hydra", "multirun.yaml", "alliancesim.log", "cli.log"}
# Job folder names (``job_name``): configs/config.yaml's hydra.sweep.subdir calls this resolver
JOB_RESOLVER = "alliancesim_job"
NAMING_KEY = "hydra.job.config.override_dirname.exclude_keys"  # the keys names leave out
UNNAMED = ("scenario", "sample")  # the scenario leads every name; a design's row number
MAX_JOB_NAME = 100  # bytes in a job folder's name; a longer one is cut and ends in ~<hash>
LEGACY_SUBDIR = "${hydra.job.num}_${scenario.name}"  # job folders of sweeps planned before
UNSAFE = re.compile(r"[^\w.+-]+")  # characters a value may not bring into a folder name
# what an interrupted run may leave before its run.json: the same command redoes it
RUN_FILES = {"steps.parquet", "final.parquet", "alliances.parquet", "snapshot.parquet"}
RUN_FILES |= {"firms.parquet", "error.log"}


@dataclass
class Job:
    """One Hydra job: its number, overrides, typed config and folder (relative)."""

    num: int
    overrides: list[str]
    cfg: RunConfig
    dir: str


@dataclass
class Plan:
    """What a command will run and where its results go."""

    multirun: bool
    folder: Path  # the sweep folder, or the run folder of a single run
    jobs: list[Job] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # overrides the plan adds (design rows)
    notes: list[str] = field(default_factory=list)  # warnings for the user (older folders)

    def record(self) -> dict[str, Any]:
        """The plan as stored in ``sweep.json``."""
        return {
            "jobs": [
                {
                    "num": j.num,
                    "dir": j.dir,
                    "overrides": [o for o in j.overrides if not is_hydra_key(o)],
                    "fingerprint": fingerprint(j.cfg),
                }
                for j in self.jobs
            ]
        }


def short_keys(keys: Sequence[str]) -> dict[str, str]:
    """Each dotted key's shortest ending that no other key ends with.

    ``scenario.antitrust.clarity`` -> ``clarity``; ``scenario.subsidy.budget`` beside
    ``scenario.mega_alliance.budget`` -> ``subsidy.budget`` and ``mega_alliance.budget``.
    """
    short: dict[str, str] = {}
    for key in keys:
        parts = key.split(".")
        for n in range(1, len(parts) + 1):
            tail = ".".join(parts[-n:])
            if not any(o != key and (o == tail or o.endswith(f".{tail}")) for o in keys):
                break
        short[key] = tail
    return short


def swept_values(overrides: Sequence[str], unnamed: Sequence[str]) -> list[tuple[str, str]]:
    """A job's overrides that name it: ``(short key, value as given)``, in their order.

    Args:
        overrides: The job's overrides (``hydra.overrides.task``), ``key=value``.
        unnamed: The keys left out (``NAMING_KEY``): those every job sets alike.
    """
    pairs = [(text_key(o), o.partition("=")[2]) for o in overrides]
    pairs = [(k, v) for k, v in pairs if k not in unnamed and not is_hydra_key(k)]
    short = short_keys([k for k, _ in pairs])
    return [(short[k], v) for k, v in pairs]


def folder_text(text: str) -> str:
    """``text`` made safe for a folder name (``[llm,vision]`` -> ``llm-vision``).

    Each run of characters other than letters, digits, ``.``, ``+`` and ``-`` becomes one
    ``-``, none at either end.
    """
    return "-".join(part for part in UNSAFE.split(str(text)) if part) or "-"


def job_name(num: Any, scenario: Any, overrides: Any, unnamed: Any) -> str:
    """A sweep job's folder name: ``<num>_<scenario>``, then ``_<key>=<value>`` per swept key.

    Keys are shortened by ``short_keys``, values made safe by ``folder_text``; a name over
    ``MAX_JOB_NAME`` bytes is cut there and ends in ``~`` and 8 hex digits of the whole
    name's SHA-256. The resolver ``alliancesim_job`` of configs/config.yaml.

    Args:
        num: The job's number (``hydra.job.num``).
        scenario: Its scenario's name.
        overrides: Its overrides (``hydra.overrides.task``).
        unnamed: The keys left out (``NAMING_KEY``).
    """
    pairs = swept_values([str(o) for o in overrides], [str(k) for k in unnamed])
    name = "_".join(
        [f"{num}_{folder_text(scenario)}", *(f"{k}={folder_text(v)}" for k, v in pairs)]
    )
    data = name.encode()
    if len(data) <= MAX_JOB_NAME:
        return name
    digest = hashlib.sha256(data).hexdigest()[:8]
    return f"{data[: MAX_JOB_NAME - 9].decode(errors='ignore')}~{digest}"


def unnamed_keys(jobs: Sequence[Sequence[str]]) -> list[str]:
    """The keys job names leave out: ``UNNAMED``, and those every job sets to one value."""
    values: dict[str, set[str]] = {}
    for job in jobs:
        for override in (o for o in job if not is_hydra_key(o)):
            values.setdefault(text_key(override), set()).add(override.partition("=")[2])
    return [*UNNAMED, *(k for k, v in values.items() if len(v) == 1 and k not in UNNAMED)]


OmegaConf.register_new_resolver(JOB_RESOLVER, job_name, replace=True)  # here: jobs import it


def check_targets(cfg: RunConfig) -> None:
    """Refuse a satisficing target whose outcome is not in the outcome registry.

    Raises:
        ConfigError: Naming ``analysis.targets[i].outcome``, the value and the outcomes.
    """
    for i, target in enumerate(cfg.analysis.targets):
        if target.outcome not in BY_NAME:
            raise ConfigError(
                f"analysis.targets[{i}].outcome={target.outcome!r} is not an outcome; "
                f"allowed: {', '.join(BY_NAME)}"
            )


def to_run_config(node: Any) -> RunConfig:
    """A job's typed config, its world and targets checked against their registries.

    An equal-spending variant's budget (``sim.config.spending``) is checked first, so that a
    bad reference is one line naming the key.
    """
    check_equal_spend(node)
    cfg = _to_run_config(node)
    world_named(cfg.world.name)
    check_targets(cfg)
    return cfg


def unapplied(node: Any) -> RunConfig:
    """A job's typed config before its design row: ``to_run_config`` with ``sample=-1``.

    Every check of ``to_run_config`` runs here; ``with_row`` then applies a row.
    """
    row = node.sample
    with open_dict(node):
        node.sample = -1
    try:
        return to_run_config(node)
    finally:
        with open_dict(node):
            node.sample = row


def with_row(cfg: RunConfig, sample: int) -> RunConfig:
    """``cfg`` (from ``unapplied``) as the job of design row ``sample`` composes it.

    A job's process runs ``to_run_config`` on its node (``sample=k``): the same typed config
    with ``sample=k``, then ``apply_sample``, the one step that depends on the row. Planning
    a design of many rows so composes, checks and converts each scenario's config once.

    Raises:
        ConfigError: The row is out of the design's range, or its values out of theirs.
    """
    if sample < 0:
        return cfg
    try:
        return apply_sample(dataclasses.replace(cfg, sample=sample))
    except ConfigError as error:
        raise keyed(error) from None


def sweep_values(override: Override) -> list[str]:
    """The values a sweep override runs over, in Hydra's order, as override strings.

    Raises:
        ConfigError: A sweep without a list of values (``interval``), a shuffled sweep
            (its order would differ between the plan and the launch), an empty one, or
            a range with more than ``MAX_JOBS`` values.
    """
    key = override.get_key_element()
    if not override.is_discrete_sweep():
        raise ConfigError(
            f"{override.input_line}: this kind of sweep has no list of values; allowed: "
            "a,b,c or choice(...) or range(start,stop[,step])"
        )
    value = override.value()
    if isinstance(value, ChoiceSweep | RangeSweep) and value.shuffle:
        raise ConfigError(
            f"{override.input_line}: a shuffled sweep runs in a different order each time, "
            "so it cannot be planned or resumed; allowed: a,b,c or choice(...) or range(...)"
        )
    sweep_count(override)
    values = [f"{key}={item}" for item in override.sweep_string_iterator()]
    if not values:
        raise ConfigError(f"{key}: the sweep is empty; allowed: at least one value")
    return values


def expand(overrides: Sequence[str], loader: ConfigLoader | None = None) -> list[list[str]]:
    """Every job's overrides, in the order Hydra's basic sweeper launches them.

    As the basic sweeper does: one list of choices per key (a later override of a key
    replaces its values but keeps its place), then the cartesian product, the first
    key varying slowest.

    Args:
        overrides: The sweeper's ``params`` as ``key=value`` strings, then the command line's.
        loader: The config loader of an initialised Hydra (for ``glob(...)`` sweeps).

    Raises:
        ConfigError: A sweep over no values (e.g. ``x=range(0,0)``), one that cannot be
            listed, or more than ``MAX_JOBS`` jobs.
    """
    choices: dict[str, list[str]] = {}
    try:
        for override in parse(overrides, loader):
            key = override.get_key_element()
            if override.is_sweep_override():
                choices[key] = sweep_values(override)
            else:
                choices[key] = [f"{key}={override.get_value_element_as_str()}"]
    except HydraException as error:
        raise ConfigError(one_line(error)) from error
    count = math.prod(len(values) for values in choices.values())
    if count > MAX_JOBS:
        raise ConfigError(f"the sweep has {count} jobs; allowed: at most {MAX_JOBS}")
    return [list(job) for job in itertools.product(*choices.values())]


def select(node: Any, key: str) -> str:
    """A setting of a composed config as text, interpolations resolved (or a ConfigError)."""
    try:
        return str(OmegaConf.select(node, key))
    except OmegaConfBaseException as error:
        message = one_line(error)
        hint = "" if "allowed" in message else "; allowed: references to existing config keys"
        raise ConfigError(f"{message}{hint}") from None


def output_folder(base: Any, key: str, overrides: Sequence[str]) -> Path:
    """The absolute output folder, confined (``check_folder``); a file there is an error."""
    folder = check_folder(key, select(base, key), folder_setting(overrides, key), Path.cwd())
    try:
        folder = folder.resolve()
        is_file = folder.exists() and not folder.is_dir()
    except (OSError, RuntimeError) as error:  # a name too long, a symbolic link loop ...
        raise ConfigError(f"{key}={str(folder)!r}: {error}; allowed: a folder path") from None
    if is_file:
        raise ResultsError(f"output folder {str(folder)!r} is a file; allowed: a folder path")
    return folder


def check_launcher(base: Any) -> None:
    """The joblib launcher's worker count, which Hydra checks only after making folders."""
    n_jobs = OmegaConf.select(base, "hydra.launcher.n_jobs", default=None)
    if n_jobs is not None and not (n_jobs == -1 or (isinstance(n_jobs, int) and n_jobs >= 1)):
        raise ConfigError(
            f"hydra.launcher.n_jobs={n_jobs} is out of range; allowed: -1 (all cores) or >= 1"
        )


def plan(overrides: Sequence[str], multirun: bool) -> Plan:
    """Confine, expand and validate a command's overrides; check its output folder.

    The overrides are confined first (``sim.runs.overrides``: Hydra settings from an
    allow-list, config group options that exist, no interpolation or instantiation), and
    so are a sweep preset's values. Jobs that differ only in their design row (``sample``)
    are composed and checked once and each row's values applied to the typed config
    (``unapplied``, ``with_row``), so large designs plan quickly.

    Args:
        overrides: The command line's overrides (no flags).
        multirun: Whether ``-m`` was given (a sweep preset may also ask for it).

    Raises:
        ConfigError: Any override not allowed, bad key, type, value or sweep, naming it.
        ResultsError: The output folder is a file or holds different results.
    """
    register_configs()
    confine(overrides)  # text, syntax and keys: before Hydra reads any file
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        loader = GlobalHydra.instance().config_loader()
        parsed = confine(overrides, loader)  # config group options: files of their group
        sweeps = [o for o in parsed if o.is_sweep_override()]
        fixed = [
            line for line, o in zip(overrides, parsed, strict=True) if not o.is_sweep_override()
        ]
        base = compose_node(fixed, hydra_config=True)
        check_composed(base)
        check_launcher(base)
        multirun = multirun or str(base.hydra.mode).endswith("MULTIRUN")
        rows = check_design(base, overrides, multirun)
        if not multirun:
            if sweeps:
                raise ConfigError(
                    f"{sweeps[0].input_line} is a sweep; allowed: add -m (--multirun) to "
                    "sweep, or give one value"
                )
            cfg = to_run_config(base)  # the config's errors first: they name the user's key
            result = Plan(False, output_folder(base, "hydra.run.dir", overrides))
            result.jobs = [Job(0, list(overrides), cfg, ".")]
            check_run_folder(result.folder, result.jobs[0].cfg)
            return result
        sweeper = OmegaConf.select(base, "hydra.sweeper.params")
        params: Any = OmegaConf.to_container(sweeper, resolve=False) if sweeper else {}
        preset = [f"{k}={v}" for k, v in params.items()]  # as written: not resolved
        confine(preset, loader, f"sweep/{OmegaConf.select(base, 'hydra.runtime.choices.sweep')}")
        if rows:  # a preset's own values, like the command line's, must not be overwritten
            check_not_designed(preset, design_keys(base))
        combined = preset + list(overrides)
        analysis = to_run_config(base).analysis
        result = Plan(True, output_folder(base, "hydra.sweep.dir", overrides))
        keys = {o.get_key_element() for o in parse(combined)}
        if rows and "sample" not in keys:
            result.extra = [f"sample=range(0,{design_size(analysis)})"]
            combined += result.extra  # one job per row
        composed: dict[tuple[str, ...], tuple[Any, RunConfig]] = {}
        jobs = expand(combined, loader)
        naming = [f"{NAMING_KEY}=[{','.join(unnamed_keys(jobs))}]"]
        for num, job in enumerate(jobs):
            shared = tuple(o for o in job if not o.startswith("sample="))
            if shared not in composed:
                node = compose_node([*shared, *naming], hydra_config=True)
                check_composed(node)
                if node.analysis != base.analysis:
                    raise ConfigError(
                        f"{list(shared)}: a job's design differs from the sweep's; allowed: "
                        "analysis.* set once for the whole sweep"
                    )
                composed[shared] = (node, unapplied(node))
            node, cfg = composed[shared]
            with open_dict(node):  # the shared node names each of its jobs in turn
                node.hydra.job.num = num
                chosen = [int(o.split("=", 1)[1]) for o in job if o.startswith("sample=")]
                node.sample = chosen[-1] if chosen else node.sample
            subdir = select(node, "hydra.sweep.subdir")
            result.jobs.append(Job(num, list(job), with_row(cfg, int(node.sample)), subdir))
        result.extra += naming
    GlobalHydra.instance().clear()
    check_subdirs(result)
    if folder_setting(overrides, "hydra.sweep.subdir") is None:
        keep_legacy_names(result)
    check_sweep_folder(result)
    return result


def keep_legacy_names(sweep: Plan) -> None:
    """Resume a sweep planned before job folders carried swept values, under its names.

    If the folder's ``sweep.json`` lists the same jobs (configs) in folders named
    ``<num>_<scenario>``, the jobs keep those folders (``LEGACY_SUBDIR``) and a note says so.
    """
    stored = read_json(sweep.folder / SWEEP_FILE)  # its shape checked (or GarbledFile)
    legacy = [f"{job.num}_{job.cfg.scenario.name}" for job in sweep.jobs]
    old = [(j["dir"], j["fingerprint"]) for j in (stored or {"jobs": []})["jobs"]]
    if old != [(d, fingerprint(j.cfg)) for d, j in zip(legacy, sweep.jobs, strict=True)]:
        return  # no sweep yet, one with today's names, or another sweep (refused later)
    if legacy == [job.dir for job in sweep.jobs]:
        return  # names without swept values either way
    for job, name in zip(sweep.jobs, legacy, strict=True):
        job.dir = name
    sweep.extra.append(f"hydra.sweep.subdir={LEGACY_SUBDIR}")
    sweep.notes.append(
        f"results folder {str(sweep.folder)!r} holds a sweep whose job folders are named "
        f"without the swept values ({legacy[0]} ...); resumed under those names"
    )


def check_subdirs(sweep: Plan) -> None:
    """Every job needs its own folder inside the sweep folder.

    Raises:
        ConfigError: Two jobs share a folder, or a folder lies outside the sweep's.
    """
    seen: dict[str, int] = {}
    for job in sweep.jobs:
        check_names("hydra.sweep.subdir", job.dir)
        try:
            inside = (sweep.folder / job.dir).resolve()
        except RuntimeError as error:  # a symbolic link loop
            raise ConfigError(
                f"hydra.sweep.subdir={job.dir!r}: {error}; allowed: a folder"
            ) from None
        if Path(job.dir).is_absolute() or sweep.folder not in inside.parents:
            raise ConfigError(
                f"hydra.sweep.subdir={job.dir!r} leaves the sweep folder; allowed: a relative "
                "folder name such as ${hydra.job.num}_${scenario.name}"
            )
        if job.dir in seen:
            raise ConfigError(
                f"hydra.sweep.subdir gives jobs {seen[job.dir]} and {job.num} the same folder "
                f"{job.dir!r}; allowed: a pattern with ${{hydra.job.num}}"
            )
        seen[job.dir] = job.num


def visible_entries(folder: Path) -> list[str]:
    """Names in ``folder`` other than hidden files and Hydra's own bookkeeping."""
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(".") and p.name)


def check_run_folder(folder: Path, cfg: RunConfig) -> None:
    """A single run's folder must be new, or hold this same run.

    Raises:
        ResultsError: It holds another run, or files that are not results.
    """
    if run_status(folder) is not None:
        check_results(folder, cfg)  # the same fingerprint, or ResultsError
        return
    foreign = [n for n in visible_entries(folder) if n not in HYDRA_FILES | RUN_FILES]
    if foreign:
        raise ResultsError(
            f"results folder {str(folder)!r} is not empty ({', '.join(foreign[:3])}); "
            "allowed: a new or empty folder"
        )


def check_sweep_folder(sweep: Plan) -> None:
    """A sweep's folder must be new, or hold this same sweep (which is then resumed).

    Raises:
        ResultsError: It holds another sweep, or files that are not results.
    """
    stored = read_json(sweep.folder / SWEEP_FILE)
    if stored is not None:

        def identity(record: dict[str, Any]) -> list[tuple[str, str]]:
            return [(j["dir"], j["fingerprint"]) for j in record.get("jobs", [])]

        planned = sweep.record()
        if identity(stored) != identity(planned):  # launcher, path spelling: same sweep
            why = sweep_difference(stored, planned, [j.cfg for j in sweep.jobs], sweep.folder)
            raise ResultsError(
                f"results folder {str(sweep.folder)!r} holds a different sweep ({why}); "
                "allowed: the same command to resume it, or a new hydra.sweep.dir"
            )
        return
    foreign = [n for n in visible_entries(sweep.folder) if n not in HYDRA_FILES]
    if foreign:
        raise ResultsError(
            f"results folder {str(sweep.folder)!r} is not empty ({', '.join(foreign[:3])}) "
            "and holds no sweep; allowed: a new or empty folder"
        )


def save(sweep: Plan) -> None:
    """Write ``sweep.json`` into the sweep folder (atomically).

    Temporary files a killed earlier attempt left there (half a manifest) are cleared first.
    """
    if sweep.folder.is_dir():
        remove_leftovers(sweep.folder)
    write_json(sweep.folder / SWEEP_FILE, sweep.record())
