"""Build a typed ``RunConfig`` from the config files, with command-line override syntax."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from hydra import compose as hydra_compose
from hydra import initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.config import ConfigError, RunConfig, register_configs

CONFIG_DIR = Path(__file__).resolve().parents[1] / "configs"


def one_line(error: BaseException) -> str:
    """The innermost useful message of a Hydra/OmegaConf error, on one line."""
    while error.__cause__ is not None and not isinstance(error, OmegaConfBaseException):
        error = error.__cause__
    if isinstance(error, OmegaConfBaseException) and getattr(error, "full_key", None):
        message = str(getattr(error, "msg", "") or error).splitlines()[0]
        return f"{error.full_key}: {message}"
    message = " ".join(str(error).split())
    return message.split(" Config search path")[0]  # drop Hydra's search-path dump


def to_run_config(cfg: DictConfig) -> RunConfig:
    """Turn a composed DictConfig into the typed dataclass (range checks run here)."""
    node = OmegaConf.masked_copy(cfg, [k for k in cfg if k != "hydra"]) if "hydra" in cfg else cfg
    run = OmegaConf.to_object(node)
    if not isinstance(run, RunConfig):
        raise TypeError(f"composed config is {type(run).__name__}, expected RunConfig")
    return run


def compose(overrides: Sequence[str] = (), config_name: str = "config") -> RunConfig:
    """Compose ``configs/<config_name>.yaml`` with overrides, as the command line would.

    Args:
        overrides: Hydra override strings, e.g. ``["world=synthetic", "steps=8"]``.
        config_name: The primary config file (without ``.yaml``).

    Returns:
        The typed, range-checked run configuration.

    Raises:
        ConfigError: An unknown group option or key, a wrong type, or an out-of-range
            value, with a one-line message naming the key.
    """
    register_configs()
    try:
        if GlobalHydra.instance().is_initialized():  # inside a @hydra.main job
            return to_run_config(hydra_compose(config_name, overrides=list(overrides)))
        with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
            return to_run_config(hydra_compose(config_name, overrides=list(overrides)))
    except (HydraException, OmegaConfBaseException) as error:
        raise ConfigError(one_line(error)) from error
