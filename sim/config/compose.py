"""Build a typed ``RunConfig`` from the config files, with command-line override syntax.

The files are the packaged ``configs/`` and, after them, the user's own folders of
``scenario/``, ``world/`` and ``sweep/`` files: ``alliancesim --config-dir DIR`` or the
environment variable ``ALLIANCESIM_CONFIG`` (folders separated by ``os.pathsep``). A file
there may not share its name with a packaged one (or another folder's): it would be hidden
or would hide it. A mistake inside a file (YAML syntax, an unknown key, a wrong type) is a
``ConfigError`` of one line naming the file and the line.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import re
import typing
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import yaml
from hydra import compose as hydra_compose
from hydra import initialize_config_dir
from hydra.core.config_search_path import ConfigSearchPath
from hydra.core.global_hydra import GlobalHydra
from hydra.core.plugins import Plugins
from hydra.errors import HydraException
from hydra.plugins.search_path_plugin import SearchPathPlugin
from omegaconf import DictConfig, OmegaConf, open_dict
from omegaconf.errors import OmegaConfBaseException

from sim.config.checks import type_name
from sim.config.schema import ConfigError, RunConfig, flat, register_configs
from sim.config.versions import check_version, override_key

CONFIG_DIR = Path(__file__).resolve().parents[2] / "configs"
USER_CONFIG_ENV = "ALLIANCESIM_CONFIG"  # the user's config folders, os.pathsep between them
USER_GROUPS = ("scenario", "world", "sweep")  # the groups a user's folder may add files to
USER_PROVIDER = "alliancesim-user"  # the search path entries' provider name
MERGING = "Error merging override "  # how Hydra starts the error of an override it applies


class UserConfigs(SearchPathPlugin):
    """Hydra's search path, extended by the folders in ``ALLIANCESIM_CONFIG`` (after ours)."""

    def manipulate_search_path(self, search_path: ConfigSearchPath) -> None:
        """Append each user folder to the search path Hydra is building."""
        for folder in os.environ.get(USER_CONFIG_ENV, "").split(os.pathsep):
            if folder:
                search_path.append(USER_PROVIDER, f"file://{folder}")


def user_config_dirs(folders: Sequence[str] = ()) -> list[Path]:
    """The user's config folders, checked: ``--config-dir`` ones, then ``ALLIANCESIM_CONFIG``'s.

    Args:
        folders: The folders given with ``--config-dir``, as typed.

    Returns:
        Each folder once, absolute (symbolic links resolved), in search order.

    Raises:
        ConfigError: A folder that does not exist, is not a folder, holds none of
            ``scenario/``, ``world/`` or ``sweep/``, or a file named as a packaged one.
    """
    named = [(f"--config-dir {folder}", folder) for folder in folders]
    named += [
        (f"{USER_CONFIG_ENV}={folder}", folder)
        for folder in os.environ.get(USER_CONFIG_ENV, "").split(os.pathsep)
        if folder
    ]
    found: list[Path] = []
    for source, folder in named:
        path = check_config_dir(source, folder)
        if path not in found:
            found.append(path)
    check_clashes(found)
    return found


def check_config_dir(source: str, folder: str) -> Path:
    """One user config folder, made absolute and checked (see ``user_config_dirs``)."""
    allowed = f"allowed: an existing folder holding {', '.join(f'{g}/' for g in USER_GROUPS)}"
    try:
        path = Path(folder).expanduser().resolve()
        exists, is_dir = path.exists(), path.is_dir()
    except (OSError, RuntimeError) as error:
        raise ConfigError(f"{source}: {error}; {allowed} files") from None
    if not exists:
        raise ConfigError(f"{source}: there is no folder {path}; {allowed} files")
    if not is_dir:
        raise ConfigError(f"{source}: {path} is a file, not a folder; {allowed} files")
    if not any((path / group).is_dir() for group in USER_GROUPS):
        raise ConfigError(
            f"{source}: {path} holds no {', '.join(f'{g}/' for g in USER_GROUPS)} folder; "
            f"{allowed} files (e.g. DIR/scenario/my_policy.yaml)"
        )
    return path


def check_clashes(folders: Sequence[Path]) -> None:
    """Refuse a user file named as a packaged one, or as one in an earlier user folder.

    Raises:
        ConfigError: Naming both files.
    """
    seen: dict[str, Path] = {}
    for folder in (CONFIG_DIR, *folders):
        for group in USER_GROUPS:
            for file in sorted((folder / group).glob("*.yaml")):
                key = f"{group}/{file.stem}"
                if key in seen:
                    raise ConfigError(
                        f"{file}: {key} is already {seen[key]}, which it would hide or be "
                        f"hidden by; allowed: another file name (the name chooses it: "
                        f"{group}=NAME)"
                    )
                seen[key] = file


@contextmanager
def user_configs(folders: Sequence[Path]) -> Iterator[None]:
    """Within: Hydra's search path holds ``folders`` after the packaged configs.

    Sets ``ALLIANCESIM_CONFIG`` to the folders (for this process and those it starts) and
    registers ``UserConfigs`` with Hydra; the variable is restored on leaving.
    """
    Plugins.instance().register(UserConfigs)
    saved = os.environ.get(USER_CONFIG_ENV)
    if folders:
        os.environ[USER_CONFIG_ENV] = os.pathsep.join(str(f) for f in folders)
    else:
        os.environ.pop(USER_CONFIG_ENV, None)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(USER_CONFIG_ENV, None)
        else:
            os.environ[USER_CONFIG_ENV] = saved


def config_file(name: str) -> Path | None:
    """The file of a config such as ``scenario/mine``: packaged first, then the user's."""
    folders = [f for f in os.environ.get(USER_CONFIG_ENV, "").split(os.pathsep) if f]
    for folder in (CONFIG_DIR, *map(Path, folders)):
        try:
            if (folder / f"{name}.yaml").is_file():
                return folder / f"{name}.yaml"
        except OSError:  # a name no file can have (too long): not a config file
            continue
    return None


def key_line(file: Path, full_key: str) -> int | None:
    """The line (from 1) of a dotted key in a YAML file, as deep as the file spells it."""
    try:
        root = yaml.compose(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    parts = full_key.split(".")
    for start in range(len(parts)):  # the file's package drops leading parts (scenario.)
        node, line = root, None
        for part in parts[start:]:
            if not isinstance(node, yaml.MappingNode):
                node = None
                break
            match = [(k, v) for k, v in node.value if getattr(k, "value", None) == part]
            if not match:
                node = None
                break
            line, node = match[0][0].start_mark.line + 1, match[0][1]
        if node is not None and line is not None:
            return line
    return None


def file_problem(error: BaseException) -> str | None:
    """One line for a mistake inside a config file, naming the file and line; else None."""
    seen: list[BaseException] = []
    cause: BaseException | None = error
    while cause is not None and cause not in seen:
        seen.append(cause)
        cause = cause.__cause__ or cause.__context__
    for cause in seen:
        if isinstance(cause, yaml.MarkedYAMLError):
            mark = cause.problem_mark or cause.context_mark
            what = " ".join(str(cause.problem or cause.context or "bad YAML").split())
            where = f"{mark.name}, line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            return (
                f"{where}: YAML syntax error: {what}; allowed: 'key: value' lines, keys below "
                "a key indented by the same number of spaces (no tabs)"
            )
    message = str(error).strip()
    if not message.startswith("In '"):
        return None
    name = message[4:].split("'", 1)[0]
    file = config_file(name)
    inner = next((c for c in seen if isinstance(c, OmegaConfBaseException)), None)
    if file is None or inner is None:
        return None
    line = key_line(file, str(getattr(inner, "full_key", "") or ""))
    where = f"{file}, line {line}" if line else str(file)
    return f"{where}: {one_line(inner)}"


def one_line(error: BaseException) -> str:
    """The innermost useful message of a Hydra/OmegaConf error, on one line.

    It names the key: OmegaConf's (``full_key``), unless that is not a path below the key
    of the override Hydra was applying (for a list element it may be ``0``), then the
    override's; and it says what is allowed (the key's type in ``RunConfig``).
    """
    outer = " ".join(str(error).split())
    override = outer[len(MERGING) :] if outer.startswith(MERGING) else ""
    while error.__cause__ is not None and not isinstance(error, OmegaConfBaseException):
        error = error.__cause__
    full_key = str(getattr(error, "full_key", "") or "")
    set_key = override.split("=", 1)[0].lstrip("+~")
    key = set_key if set_key and not full_key.startswith(set_key) else full_key
    if isinstance(error, OmegaConfBaseException) and key:
        message = str(getattr(error, "msg", "") or error).splitlines()[0]
        message = message.split(" full_key:")[0].rstrip(".")  # OmegaConf's key, repeated
        return f"{key}: {message}{allowed_hint(error) or type_hint(key)}"
    message = " ".join(str(error).split())
    return message.split(" Config search path")[0]  # drop Hydra's search-path dump


def allowed_hint(error: OmegaConfBaseException) -> str:
    """What is allowed instead: the schema's keys for an unknown key, its type for a value."""
    schema = getattr(error, "object_type", None)
    key = getattr(error, "key", None)
    if not (isinstance(schema, type) and dataclasses.is_dataclass(schema)):
        return ""
    names = [f.name for f in dataclasses.fields(schema)]
    if key not in names:
        return f"; allowed keys: {', '.join(names)}"
    return f"; allowed: a value of type {type_name(typing.get_type_hints(schema)[key])}"


def type_hint(key: str) -> str:
    """``; allowed: a value of type T`` for a dotted key of ``RunConfig`` (``""`` if none).

    An element of a list (``key[0]``) gets the type of the list's elements, and an entry of a
    mapping (``key.name``) the type of its values.
    """
    kind: typing.Any = RunConfig
    for part in key.split("."):
        name, *indices = part.replace("]", "").split("[")
        if typing.get_origin(kind) is dict:  # an entry of a mapping: its values' type
            kind = typing.get_args(kind)[1]
        else:
            schemas = [k for k in typing.get_args(kind) or (kind,) if dataclasses.is_dataclass(k)]
            if not schemas:
                return ""
            hints = typing.get_type_hints(schemas[0])
            if name not in hints:
                return f"; allowed keys: {', '.join(hints)}"
            kind = hints[name]
        for _ in indices:
            kind = (typing.get_args(kind) or (typing.Any,))[0]
    return f"; allowed: a value of type {type_name(kind)}"


def config_paths(schema: type = RunConfig, prefix: str = "") -> dict[str, str]:
    """Map each config dataclass's name to its dotted path in ``RunConfig``."""
    paths: dict[str, str] = {}
    hints = typing.get_type_hints(schema)
    for f in dataclasses.fields(schema):
        kinds = [t for t in typing.get_args(hints[f.name]) or (hints[f.name],) if t is not None]
        for kind in kinds:
            if isinstance(kind, type) and dataclasses.is_dataclass(kind):
                paths[kind.__name__] = f"{prefix}{f.name}"
                paths.update(config_paths(kind, f"{prefix}{f.name}."))
    return paths


def keyed(error: ConfigError) -> ConfigError:
    """The same error with each ``ClassName.field`` replaced by the config path."""
    message = str(error)
    cls, dot, _ = message.partition(".")
    if dot and cls == RunConfig.__name__:
        return ConfigError(message[len(cls) + 1 :])
    paths = config_paths()
    if not (dot and cls in paths):
        return error
    return ConfigError(
        re.sub(
            rf"(?<![A-Za-z0-9_.])({'|'.join(paths)})\.",
            lambda found: f"{paths[found.group(1)]}.",
            message,
        )
    )


def in_scenario_file(error: ConfigError, cfg: DictConfig) -> ConfigError:
    """The error prefixed with the scenario file and line that set its keys, where one did.

    Reason: a value out of range in a user's scenario file (``budget: -5``, a ``start``
    after its ``end``) is checked after composition, when the file is no longer known.
    The keys the message names are looked up in the scenario's file (its name is its
    file's, ``check_scenario_name``), which is blamed only if it holds each of them at the
    value the run has: a command-line override among them is not the file's mistake.
    """
    message = str(error)
    keys = re.findall(r"(scenario\.[A-Za-z0-9_.]+)=", message)
    name = OmegaConf.select(cfg, "scenario.name", default=None)
    file = config_file(f"scenario/{name}") if keys and name else None
    if file is None:
        return error
    try:
        written = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return error
    held = flat(written, "scenario.") if isinstance(written, dict) else {}
    for key in keys:
        if held.get(key) is None or held[key] != OmegaConf.select(cfg, key, default=None):
            return error
    line = key_line(file, keys[0])
    return ConfigError(f"{file}, line {line}: {message}" if line else f"{file}: {message}")


def to_run_config(cfg: DictConfig) -> RunConfig:
    """Turn a composed DictConfig into the typed dataclass (range checks run here).

    Raises:
        ConfigError: A value out of range, named by its config path.
    """
    if "hydra" in cfg:  # composed with Hydra's own config: drop it, keep the schema
        cfg = copy.deepcopy(cfg)
        with open_dict(cfg):
            del cfg["hydra"]
    try:
        run = OmegaConf.to_object(cfg)
    except ConfigError as error:
        raise in_scenario_file(keyed(error), cfg) from None
    except OmegaConfBaseException as error:
        raise ConfigError(one_line(error)) from error
    if not isinstance(run, RunConfig):
        raise TypeError(f"composed config is {type(run).__name__}, expected RunConfig")
    from sim.config.design import apply_sample, from_uncertainty
    from sim.config.uncertainty import check_uncertainty

    try:
        check_version(run.analysis.params, run.model.economics, "analysis.params")
        # The declared ranges are checked against this config only where its design draws
        # worlds from them: a world's own values, composed as overrides, may already scale a
        # list (``<list>.scale``) past where a range's bound would scale it again.
        if from_uncertainty(run.analysis):
            check_uncertainty(run.uncertainty, run)
        return apply_sample(run)
    except ConfigError as error:
        raise keyed(error) from None


def null_parent(overrides: Sequence[str], hydra_config: bool) -> str | None:
    """The first override setting a key below a null node (an unused lever), explained."""
    groups = [o for o in overrides if "=" in o and "." not in o.split("=")[0]]
    try:
        base = hydra_compose("config", overrides=groups, return_hydra_config=hydra_config)
    except Exception:  # the groups themselves are wrong: the caller reports that
        return None
    absent = object()
    for override in overrides:
        key = override.lstrip("+~").split("=")[0]
        parts = key.split(".")
        for depth in range(1, len(parts)):
            parent = ".".join(parts[:depth])
            if OmegaConf.select(base, parent, default=absent) is None:
                return (
                    f"{override}: {parent} is not set (null) in this config, so its keys "
                    "cannot be overridden; allowed: a scenario file that uses it (e.g. "
                    "configs/scenario/*.yaml) or a new one"
                )
    return None


def compose_node(overrides: Sequence[str], hydra_config: bool = False) -> DictConfig:
    """Compose the primary config inside an initialised Hydra; errors become ConfigError.

    Args:
        overrides: Hydra override strings.
        hydra_config: Also return Hydra's own config (output dirs, sweeper params).
    """
    try:
        node = hydra_compose("config", overrides=list(overrides), return_hydra_config=hydra_config)
    except yaml.YAMLError as error:
        raise ConfigError(file_problem(error) or f"a config file is not YAML: {error}") from None
    except (HydraException, OmegaConfBaseException) as error:
        in_file = file_problem(error)
        if in_file:
            raise ConfigError(in_file) from None
        explained = null_parent(overrides, hydra_config)
        raise ConfigError(explained or one_line(error)) from error
    except (AssertionError, AttributeError, ValueError) as error:  # e.g. merging into null
        explained = null_parent(overrides, hydra_config)
        raise ConfigError(
            explained
            or f"could not apply {list(overrides)}: {error}; allowed: key=value with an existing "
            "key, and for a config group one of its options (alliancesim --help lists them)"
        ) from error
    check_override_versions(node, overrides)
    check_scenario_name(node, overrides)
    return node


def check_scenario_name(node: DictConfig, overrides: Sequence[str]) -> None:
    """Refuse a scenario file whose ``name`` is not its file's name.

    Reason: the name labels the scenario's runs, folders and report rows; a copied file that
    keeps the original's name would be reported as the original (found by a newcomer
    copying ``open_data.yaml``, 2026-12-06).
    """
    chosen = [o.split("=", 1)[1] for o in overrides if "=" in o and override_key(o) == "scenario"]
    name = OmegaConf.select(node, "scenario.name", default=None, throw_on_resolution_failure=False)
    if chosen and name is not None and chosen[-1] != name:
        raise ConfigError(
            f"scenario={chosen[-1]}: its file sets name: {name}, so its runs would be labelled "
            f"as scenario {name}; allowed: name: {chosen[-1]} in {chosen[-1]}.yaml (a scenario's "
            "name is its file's name)"
        )


def check_override_versions(node: DictConfig, overrides: Sequence[str]) -> None:
    """Refuse overrides of keys the composed config's economics does not read.

    A value that does not resolve (an interpolation of a missing variable) is left to the
    typed config's conversion, which refuses it in one line naming the key.
    """
    economics = OmegaConf.select(
        node, "model.economics", default="", throw_on_resolution_failure=False
    )
    check_version([override_key(o) for o in overrides], str(economics), "the overrides")


def compose(overrides: Sequence[str] = ()) -> RunConfig:
    """Compose ``configs/config.yaml`` with overrides, as the command line would.

    The folders of ``ALLIANCESIM_CONFIG`` are searched after ``configs/``.

    Args:
        overrides: Hydra override strings, e.g. ``["world=synthetic", "steps=8"]``.

    Returns:
        The typed, range-checked run configuration.

    Raises:
        ConfigError: An unknown group option or key, a wrong type, or an out-of-range
            value, with a one-line message naming the key (and the file, for a mistake in
            a file); a bad folder in ``ALLIANCESIM_CONFIG``.
    """
    register_configs()
    if GlobalHydra.instance().is_initialized():  # inside a @hydra.main job
        return to_run_config(compose_node(overrides))
    with (
        user_configs(user_config_dirs()),
        initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"),
    ):
        return to_run_config(compose_node(overrides))


# the equal-spending variants' resolver (sim.config.spending imports this module: last)
import sim.config.spending  # noqa: E402, F401
