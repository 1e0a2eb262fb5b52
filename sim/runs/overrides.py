"""Confine a command's overrides to what a user may set, before Hydra sees them.

Hydra's override grammar reaches far beyond the model's settings: ``+hydra.callbacks.x``
with ``_target_`` calls any Python object when Hydra starts, ``hydra.searchpath`` and a
group option such as ``scenario=../../../tmp/x`` load YAML files from anywhere (which may
set callbacks in turn), ``${oc.env:...}`` reads the environment into results, and a
relative output folder with ``..`` writes outside the working directory. Every override is
therefore checked here first, from its text and from Hydra's parse of it; presets' sweep
values (``configs/sweep/*.yaml``) go through the same checks:

- no control characters, no instantiation keys (``_target_``, ``_args_`` ...) anywhere;
- no interpolation (``${...}``) in a value, except plain references such as
  ``${hydra.job.num}`` in the output folder settings (``FOLDER_KEYS``);
- Hydra settings only from ``HYDRA_ALLOWED``, never swept; no package (``@``) overrides;
- a config group (``GROUPS``) set only to an option that exists in it (a file name);
- model keys only set (not added or deleted); design ranges only as
  ``++analysis.params={dotted.key:[low,high]}`` (their keys contain dots, so Hydra's
  ``key=value`` cannot name them, and the struct config refuses ``analysis.params={...}``);
- sweeps of at most ``MAX_JOBS`` values, with finite bounds and a non-zero step;
- relative output folders inside the working directory; the default ones inside
  ``results/``.

Each refusal is a ``ConfigError`` with one line naming the override and what is allowed.
"""

from __future__ import annotations

import decimal
import math
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from hydra import initialize_config_dir
from hydra.core.config_loader import ConfigLoader
from hydra.core.global_hydra import GlobalHydra
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override, RangeSweep
from hydra.errors import HydraException, OverrideParseException
from omegaconf import OmegaConf

from sim.config.checks import ConfigError
from sim.config.compose import CONFIG_DIR, compose_node, one_line, to_run_config
from sim.config.design import check_not_designed, designed_keys
from sim.config.schema import register_configs

MULTIRUN_FLAGS = ("-m", "--multirun")
# Hydra flags after which the command does something other than run (help, print config)
INFO_FLAGS = (
    "-h",
    "--help",
    "--hydra-help",
    "--version",
    "-c",
    "--cfg",
    "-i",
    "--info",
    "--shell-completion",
    "-sc",
)
# what an information command may also carry (Hydra's own flags not listed are refused:
# --config-dir/-cd, --config-path/-cp, --config-name/-cn, --experimental-rerun, --run/-r)
INFO_EXTRA_FLAGS = ("--resolve", "-p", "--package")
CFG_CHOICES = ("job", "hydra", "all")
INFO_CHOICES = ("all", "config", "defaults", "defaults-tree", "plugins", "searchpath")
COMPLETION_ARGS = ("install", "uninstall", "query")  # -sc install=bash
# Hydra's modes, of which a command may choose one: each name and its flags
MODES = {
    "-m": MULTIRUN_FLAGS,
    "--cfg": ("-c", "--cfg"),
    "--info": ("-i", "--info"),
    "--shell-completion": ("-sc", "--shell-completion"),
}

# The Hydra settings a user may set: the launcher and its settings, the output folders.
HYDRA_ALLOWED = (
    "hydra/launcher",
    "hydra.launcher.*",
    "hydra.run.dir",
    "hydra.sweep.dir",
    "hydra.sweep.subdir",
)
HYDRA_HINT = (
    "allowed Hydra settings: hydra/launcher=NAME, hydra.launcher.*, hydra.run.dir, "
    "hydra.sweep.dir, hydra.sweep.subdir"
)
FOLDER_KEYS = ("hydra.run.dir", "hydra.sweep.dir", "hydra.sweep.subdir")
GROUPS = ("world", "scenario", "sweep", "hydra/launcher")
NULL_GROUPS = ("sweep",)  # groups whose option may be null (none)
INSTANTIATE_KEYS = ("_target_", "_args_", "_partial_", "_recursive_", "_convert_")
PARAMS_KEY = "analysis.params"
PARAMS_HINT = (
    "allowed: ++analysis.params={dotted.key:[low,high],...} with decimal bounds, e.g. "
    "++analysis.params={model.growth.catch_up:[0.5,2.5]} (adds or changes ranges)"
)
RESULTS_DIR = "results"  # the default output folders lie in this folder of the cwd
MAX_JOBS = 100_000  # jobs in one sweep, and values in one sweep override
MAX_NAME = 255  # bytes in a file or folder name (ext4, APFS, NTFS ...)

INSTANTIATE = re.compile(rf"(?<![A-Za-z0-9_])({'|'.join(INSTANTIATE_KEYS)})(?![A-Za-z0-9_])")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
REFERENCE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*\}")
DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")


def text_key(line: str) -> str:
    """The key of an override, read from its text (``+a.b=1`` -> ``a.b``)."""
    return line.lstrip("+~").split("=", 1)[0].strip()


def is_hydra_key(key: str) -> bool:
    """Whether a key (or an override's text) sets Hydra itself, not the model."""
    key = text_key(key)
    return key == "hydra" or key.startswith(("hydra.", "hydra/"))


def hydra_allowed(key: str) -> bool:
    """Whether a Hydra key is in ``HYDRA_ALLOWED`` (an entry ``x.*`` allows keys below x)."""
    return any(
        key.startswith(entry[:-1]) if entry.endswith(".*") else key == entry
        for entry in HYDRA_ALLOWED
    )


def check_text(line: str, source: str = "") -> None:
    """Refuse what no override may contain, from its text alone (before parsing).

    Args:
        line: One override as typed (or from a preset's sweep values).
        source: Where it comes from, for the message (e.g. ``sweep/quick``).

    Raises:
        ConfigError: Control characters, an instantiation key, or an interpolation
            (only plain references, in the output folder settings, are allowed).
    """
    where = f"{source}: " if source else ""
    if CONTROL.search(line):
        raise ConfigError(
            f"{where}{line!r}: control characters are not allowed in overrides; allowed: "
            "printable text on one line"
        )
    found = INSTANTIATE.search(line)
    if found:
        raise ConfigError(
            f"{where}{line}: {found.group(1)} is not allowed in overrides (Hydra would call a "
            "Python object); allowed: plain settings (alliancesim --cfg job lists them)"
        )
    if "${" not in line:
        return
    if text_key(line) not in FOLDER_KEYS:
        raise ConfigError(
            f"{where}{line}: interpolations are not allowed in overrides; allowed: a literal "
            "value (references such as ${hydra.job.num} only in hydra.run.dir, "
            "hydra.sweep.dir and hydra.sweep.subdir)"
        )
    if "${" in REFERENCE.sub("", line):
        raise ConfigError(
            f"{where}{line}: interpolation resolvers are not allowed in overrides; allowed: "
            "a literal folder, or references to config keys such as ${hydra.job.num}"
        )


def parse(overrides: Sequence[str], loader: ConfigLoader | None = None) -> list[Override]:
    """Parse override strings with Hydra's grammar; a syntax error is a ConfigError.

    Args:
        overrides: Override strings as on the command line.
        loader: The config loader of an initialised Hydra, which ``glob(...)`` sweeps over
            config groups need to list the group's options.
    """
    parser = OverridesParser.create(config_loader=loader)
    parsed: list[Override] = []
    for line in overrides:
        try:
            parsed += parser.parse_overrides([line])
        except OverrideParseException as error:  # names the override, and Hydra's grammar
            message = " ".join(str(error).split()).replace(" See https", "; allowed: see https")
            raise ConfigError(message) from None
        except HydraException as error:
            raise ConfigError(f"{line}: {one_line(error)}") from None
        except (ValueError, ArithmeticError, TypeError, RecursionError) as error:
            if isinstance(error, ConfigError):
                raise
            raise ConfigError(f"{line}: {error}; allowed: Hydra's override grammar") from None
    return parsed


def check_overrides(parsed: Sequence[Override], source: str = "") -> None:
    """Refuse overrides outside what a user may set (see the module's list).

    Args:
        parsed: Parsed overrides.
        source: Where they come from, for the message (e.g. ``sweep/quick``).

    Raises:
        ConfigError: A Hydra setting not in ``HYDRA_ALLOWED`` or swept, a package (``@``)
            override, an unknown config group, ``+key``/``++key``/``~key`` on a model key
            (a typo would be added silently and ignored), a sweep over a preset or the
            design, or ``analysis.params`` set otherwise than ``++analysis.params={...}``.
    """
    where = f"{source}: " if source else ""
    ranges = [o.input_line for o in parsed if o.key_or_group == PARAMS_KEY]
    if len(ranges) > 1:  # Hydra's sweeper keeps the last; composing merges them all
        raise ConfigError(
            f"{where}{ranges[-1]}: {PARAMS_KEY} is set twice; allowed: every range in one "
            f"++{PARAMS_KEY}={{key:[low,high],key:[low,high]}}"
        )
    for override in parsed:
        line = override.input_line
        key = override.key_or_group
        added = override.is_add() or override.is_force_add() or override.is_delete()
        sweep = override.is_sweep_override()
        if override.package is not None:
            raise ConfigError(
                f"{where}{line}: package overrides (@) are not allowed; allowed: group=option"
            )
        if ("/" in key and key not in GROUPS) or (is_hydra_key(key) and not hydra_allowed(key)):
            raise ConfigError(f"{where}{line}: {key} cannot be set; {HYDRA_HINT}")
        if is_hydra_key(key):
            if sweep:
                raise ConfigError(
                    f"{where}{line}: Hydra settings cannot be swept; allowed: one value"
                )
            if (override.is_delete() and not key.startswith("hydra.launcher.")) or (
                added and key in GROUPS
            ):
                raise ConfigError(
                    f"{where}{line}: {key} cannot be added or deleted; allowed: {key}=..."
                )
            continue
        if key == PARAMS_KEY or key.startswith(f"{PARAMS_KEY}."):
            check_params(override, where)
            continue
        if added:
            raise ConfigError(
                f"{where}{line}: adding or deleting model keys is not allowed; allowed: key=value "
                "for keys that exist (alliancesim --cfg job lists them)"
            )
        if sweep and (key in ("sweep", "analysis") or key.startswith("analysis.")):
            raise ConfigError(
                f"{where}{line}: {key} cannot be swept (every job of a sweep shares one "
                "preset and one design); allowed: one value, and one command per preset"
            )


def check_params(override: Override, where: str = "") -> None:
    """``analysis.params`` may only be set as ``++analysis.params={dotted.key:[low,high]}``.

    Raises:
        ConfigError: Another form, a sweep, a key that is not dotted names or bounds that
            are not two decimals (Hydra's struct config refuses ints in a list of floats).
    """
    line = override.input_line
    if override.get_key_element() != f"++{PARAMS_KEY}" or override.is_sweep_override():
        raise ConfigError(f"{where}{line}: design ranges cannot be set this way; {PARAMS_HINT}")
    value = override.value()
    if not isinstance(value, dict):
        raise ConfigError(
            f"{where}{line}: the value is not a {{key: [low, high]}} map; {PARAMS_HINT}"
        )
    for name, bounds in value.items():
        if not DOTTED.fullmatch(str(name)):
            raise ConfigError(f"{where}{line}: {name!r} is not a dotted config key; {PARAMS_HINT}")
        if not (isinstance(bounds, list) and len(bounds) == 2):
            raise ConfigError(f"{where}{line}: {name}={bounds!r} is not [low, high]; {PARAMS_HINT}")
        if not all(isinstance(b, float) for b in bounds):
            raise ConfigError(
                f"{where}{line}: {name}={bounds!r} needs decimal bounds (e.g. 10.0, not 10); "
                f"{PARAMS_HINT}"
            )


def sweep_count(override: Override) -> int | None:
    """How many values a ``range(...)`` sweep has (None for other overrides).

    Raises:
        ConfigError: A range with a non-finite bound, a zero step, or more than
            ``MAX_JOBS`` values (Hydra would list them all, or never stop).
    """
    value = override.value() if override.is_sweep_override() else None
    if not isinstance(value, RangeSweep):
        return None
    line = override.input_line
    bounds = (value.start, value.stop, value.step)
    if not all(isinstance(b, int) or (isinstance(b, float) and math.isfinite(b)) for b in bounds):
        raise ConfigError(
            f"{line}: a range needs finite numbers; allowed: range(start,stop[,step])"
        )
    start, stop, step = (decimal.Decimal(b) for b in bounds if b is not None)  # as Hydra does
    if step == 0:
        raise ConfigError(f"{line}: the step of a range is 0; allowed: a non-zero step")
    count = max(0, math.ceil((stop - start) / step))
    if count > MAX_JOBS:
        raise ConfigError(f"{line}: the range has more than {MAX_JOBS} values; allowed: fewer")
    return count


def group_values(override: Override) -> list[str]:
    """The options a config group override chooses, as strings (a sweep's every value)."""
    if not override.is_sweep_override():
        value = override.value()
        if value is None or isinstance(value, str):
            return [str(value) if value is not None else "null"]
        return [override.get_value_element_as_str()]
    if not override.is_discrete_sweep():
        return []  # an interval: refused when the sweep is expanded
    sweep_count(override)
    return list(override.sweep_string_iterator())


def check_groups(parsed: Iterable[Override], loader: ConfigLoader, source: str = "") -> None:
    """Every config group option must be the name of a file in that group.

    Args:
        parsed: Parsed overrides (parsed with ``loader``, for ``glob(...)``).
        loader: The config loader of an initialised Hydra.
        source: Where they come from, for the message (e.g. ``sweep/quick``).

    Raises:
        ConfigError: An option that is not a file of its group (a path, ``..``, a typo),
            naming ``group/option`` and the options there are.
    """
    where = f"{source}: " if source else ""
    for override in parsed:
        group = override.key_or_group
        if group not in GROUPS:
            continue
        options = sorted(loader.get_group_options(group))
        allowed = [*options, "null"] if group in NULL_GROUPS else options
        for value in group_values(override):
            if value not in allowed:
                raise ConfigError(
                    f"{where}{override.input_line}: there is no config {group}/{value}; "
                    f"allowed: {', '.join(allowed)}"
                )


def confine(
    overrides: Sequence[str], loader: ConfigLoader | None = None, source: str = ""
) -> list[Override]:
    """Check overrides' text, parse them and check their keys (and groups, given a loader).

    Returns:
        The parsed overrides.

    Raises:
        ConfigError: The first override not allowed, naming it and what is allowed.
    """
    for line in overrides:
        check_text(line, source)
    parsed = parse(overrides, loader)
    check_overrides(parsed, source)
    if loader is not None:
        check_groups(parsed, loader, source)
    return parsed


def check_design(base: Any, overrides: Sequence[str], multirun: bool) -> int:
    """The rows of the composed config's design (0 without one), checked before building it.

    Raises:
        ConfigError: More than ``MAX_JOBS`` rows, ranges set on the command line without a
            design method, or a design in a single run without ``sample`` (one row).
    """
    method = str(OmegaConf.select(base, "analysis.method"))
    n = OmegaConf.select(base, "analysis.n")
    names = list(OmegaConf.select(base, "analysis.params") or {})
    for name in names:  # a design row setting the design, or the row, would undo itself
        if name == "sample" or name.split(".")[0] == "analysis":
            raise ConfigError(
                f"{PARAMS_KEY}.{name}: the design cannot vary {name}; allowed: model, world "
                "and scenario settings"
            )
    dims = len(names)
    rows = {"sobol": n * (dims + 2), "morris": n * (dims + 1), "latin": n}.get(method, 0)
    if rows > MAX_JOBS:
        raise ConfigError(
            f"analysis.n={n}: the {method} design has {rows} rows; allowed: at most {MAX_JOBS}"
        )
    if method == "none" and any(o.startswith(f"++{PARAMS_KEY}=") for o in overrides):
        raise ConfigError(
            f"{PARAMS_KEY} is set but analysis.method is none; allowed: analysis.method="
            "sobol|morris|latin, or a preset with a design (sweep=sobol, morris, discovery)"
        )
    if rows and not multirun and OmegaConf.select(base, "sample") < 0:
        raise ConfigError(
            f"analysis.method={method} is a design of {rows} runs; allowed: -m to run them "
            f"all, or sample=0..{rows - 1} to run one"
        )
    if rows:
        check_not_designed(overrides, design_keys(base))
    return int(rows)


def design_keys(base: Any) -> dict[str, str]:
    """The keys each row of the composed config's design sets (``design.designed_keys``)."""
    declared = OmegaConf.select(base, "uncertainty.parameters") or []
    return designed_keys(
        str(OmegaConf.select(base, "analysis.source")),
        str(OmegaConf.select(base, "uncertainty.name")),
        [str(p.path) for p in declared],
        [str(k) for k in OmegaConf.select(base, PARAMS_KEY) or {}],
    )


def check_composed(node: Any) -> None:
    """Whatever set them, a composed config may not hold callbacks or extra search paths.

    Raises:
        ConfigError: ``hydra.callbacks`` or ``hydra.searchpath`` is set.
    """
    for key in ("hydra.callbacks", "hydra.searchpath"):
        value = OmegaConf.select(node, key, default=None)
        if value:
            raise ConfigError(f"{key} is set ({', '.join(map(str, value))}); allowed: nothing")


def folder_setting(overrides: Sequence[str], key: str) -> str | None:
    """The value the user gave an output folder setting (the last one), unquoted."""
    values = [o for o in parse(overrides) if o.key_or_group == key and not o.is_delete()]
    return str(values[-1].value()) if values else None


def check_folder(key: str, resolved: str, literal: str | None, cwd: Path) -> Path:
    """An output folder, confined: an absolute one the user chose, or one inside the cwd.

    Args:
        key: ``hydra.run.dir`` or ``hydra.sweep.dir``.
        resolved: Its value in the composed config, interpolations resolved.
        literal: The value the user gave (None: the config's default, or a preset's).
        cwd: The working directory.

    Returns:
        The folder, made absolute (symbolic links not followed).

    Raises:
        ConfigError: A relative folder outside the working directory (or the working
            directory itself), or a default one outside ``results/``.
    """
    check_names(key, resolved)
    if literal is not None and literal.strip().startswith(("/", "~")):
        return Path(os.path.normpath(Path(resolved).expanduser()))
    root = cwd if literal is not None else cwd / RESULTS_DIR
    folder = Path(os.path.normpath(cwd / Path(resolved).expanduser()))
    if root not in folder.parents:
        raise ConfigError(
            f"{key}={literal if literal is not None else resolved}: the folder {folder} is "
            f"not inside {root}; allowed: a folder inside the working directory (such as "
            "results/mine, without '..' leading out) or an absolute path"
        )
    return folder


def check_names(key: str, path: str) -> None:
    """Refuse a folder name longer than file systems allow (making it would fail mid-way).

    Raises:
        ConfigError: A part of ``path`` longer than ``MAX_NAME`` bytes.
    """
    for part in Path(path).parts:
        if len(part.encode(errors="surrogateescape")) > MAX_NAME:
            raise ConfigError(
                f"{key}: the folder name {part[:40]!r}... is {len(part.encode())} bytes long; "
                f"allowed: at most {MAX_NAME} bytes a name"
            )


def check_info(argv: Sequence[str], loader: ConfigLoader | None = None) -> None:
    """Confine an information command (``--help``, ``--cfg job`` ...) before Hydra gets it.

    Only the flags of ``INFO_FLAGS``, ``MULTIRUN_FLAGS`` and ``INFO_EXTRA_FLAGS`` are
    allowed (``--experimental-rerun`` would unpickle a file, ``--config-dir`` load configs
    from anywhere), and every override is confined as a run's would be.

    Args:
        argv: The command line after the program name.
        loader: The config loader of an initialised Hydra, to check config group options
            with; without one, Hydra is initialised on ``configs/`` for the check.

    Raises:
        ConfigError: A flag or override that is not allowed.
    """
    overrides: list[str] = []
    args = list(argv)
    while args:
        arg = args.pop(0)
        flag, eq, value = arg.partition("=")
        if not arg.startswith("-"):
            if text_key(arg) in COMPLETION_ARGS and any(
                a in ("-sc", "--shell-completion") for a in argv
            ):
                check_text(arg)  # a completion query: its text only
            else:
                overrides.append(arg)
            continue
        if flag in ("-c", "--cfg"):
            value = value if eq else (args.pop(0) if args else "")
            if value not in CFG_CHOICES:
                raise ConfigError(f"{flag} {value!r}: allowed: {', '.join(CFG_CHOICES)}")
        elif flag in ("-i", "--info"):
            if not eq and args and args[0] in INFO_CHOICES:
                args.pop(0)
            elif eq and value not in INFO_CHOICES:
                raise ConfigError(f"{arg}: allowed: {', '.join(INFO_CHOICES)}")
        elif flag in ("-p", "--package"):
            value = value if eq else (args.pop(0) if args else "")
            if not DOTTED.fullmatch(value):
                raise ConfigError(f"{flag} {value!r}: allowed: a dotted package name")
        elif eq or arg not in (*INFO_FLAGS, *MULTIRUN_FLAGS, *INFO_EXTRA_FLAGS):
            raise ConfigError(
                f"option {arg!r} is not allowed; allowed: -m/--multirun, --help, --hydra-help, "
                "--version, --cfg job|hydra|all [--resolve] [-p PACKAGE], --info [WHAT], "
                "--shell-completion, and key=value overrides"
            )
    modes = [m for m in MODES if any(a.partition("=")[0] in MODES[m] for a in argv)]
    if len(modes) > 1:  # Hydra would end with a traceback
        raise ConfigError(
            f"{' and '.join(modes)} cannot be combined; allowed: one of {', '.join(MODES)}"
        )
    confine(overrides)  # text, syntax and keys: before Hydra reads any file
    shows = "--cfg" in modes
    if loader is not None:
        parsed = confine(overrides, loader)
        if shows:
            check_shown(overrides, parsed)
        return
    register_configs()
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
            parsed = confine(overrides, GlobalHydra.instance().config_loader())
            if shows:
                check_shown(overrides, parsed)
    finally:
        GlobalHydra.instance().clear()


def check_shown(overrides: Sequence[str], parsed: Sequence[Override]) -> None:
    """The config ``--cfg`` prints must compose and check, as a run's would (in a Hydra).

    Raises:
        ConfigError: A sweep (``--cfg`` shows one config), a mistake in a config file
            (naming the file and line), a key below an unused lever, a bad value or type,
            or callbacks or search paths set.
    """
    sweeps = [o.input_line for o in parsed if o.is_sweep_override()]
    if sweeps:
        raise ConfigError(
            f"{sweeps[0]} is a sweep; --cfg shows one config; allowed: one value (alliancesim "
            "-m ... runs the sweep)"
        )
    node = compose_node(overrides, hydra_config=True)
    check_composed(node)
    to_run_config(node)
