"""Build a typed ``RunConfig`` from the config files, with command-line override syntax."""

from __future__ import annotations

import copy
import dataclasses
import typing
from collections.abc import Sequence
from pathlib import Path

from hydra import compose as hydra_compose
from hydra import initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf, open_dict
from omegaconf.errors import OmegaConfBaseException

from sim.config.schema import ConfigError, RunConfig, register_configs

CONFIG_DIR = Path(__file__).resolve().parents[2] / "configs"


def one_line(error: BaseException) -> str:
    """The innermost useful message of a Hydra/OmegaConf error, on one line."""
    while error.__cause__ is not None and not isinstance(error, OmegaConfBaseException):
        error = error.__cause__
    if isinstance(error, OmegaConfBaseException) and getattr(error, "full_key", None):
        message = str(getattr(error, "msg", "") or error).splitlines()[0]
        return f"{error.full_key}: {message}{allowed_hint(error)}"
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
    kind = typing.get_type_hints(schema)[key]
    return f"; allowed: a value of type {getattr(kind, '__name__', str(kind))}"


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
    """The same error with its ``ClassName.field`` replaced by the config path."""
    message = str(error)
    cls, dot, _ = message.partition(".")
    path = config_paths().get(cls)
    if dot and path:
        return ConfigError(path + message[len(cls) :])
    if dot and cls == RunConfig.__name__:
        return ConfigError(message[len(cls) + 1 :])
    return error


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
        raise keyed(error) from None
    except OmegaConfBaseException as error:
        raise ConfigError(one_line(error)) from error
    if not isinstance(run, RunConfig):
        raise TypeError(f"composed config is {type(run).__name__}, expected RunConfig")
    from sim.config.design import apply_sample  # a design row sets the uncertain parameters

    try:
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
        return hydra_compose("config", overrides=list(overrides), return_hydra_config=hydra_config)
    except (HydraException, OmegaConfBaseException) as error:
        explained = null_parent(overrides, hydra_config)
        raise ConfigError(explained or one_line(error)) from error
    except (AssertionError, AttributeError, ValueError) as error:  # e.g. merging into null
        explained = null_parent(overrides, hydra_config)
        raise ConfigError(
            explained
            or f"could not apply {list(overrides)}: {error}; allowed: key=value with an existing "
            "key, and for a config group one of its options (alliancesim --help lists them)"
        ) from error


def compose(overrides: Sequence[str] = ()) -> RunConfig:
    """Compose ``configs/config.yaml`` with overrides, as the command line would.

    Args:
        overrides: Hydra override strings, e.g. ``["world=synthetic", "steps=8"]``.

    Returns:
        The typed, range-checked run configuration.

    Raises:
        ConfigError: An unknown group option or key, a wrong type, or an out-of-range
            value, with a one-line message naming the key.
    """
    register_configs()
    if GlobalHydra.instance().is_initialized():  # inside a @hydra.main job
        return to_run_config(compose_node(overrides))
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        return to_run_config(compose_node(overrides))
