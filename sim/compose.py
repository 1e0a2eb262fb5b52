"""Build a typed ``RunConfig`` from the config files, with command-line override syntax."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from hydra import compose as hydra_compose
from hydra import initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from omegaconf import DictConfig, OmegaConf

from sim.config import RunConfig, register_configs

CONFIG_DIR = Path(__file__).resolve().parents[1] / "configs"


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
    """
    register_configs()
    hydra = GlobalHydra.instance()
    if hydra.is_initialized():  # e.g. inside a @hydra.main job: reuse its search path
        return to_run_config(hydra_compose(config_name, overrides=list(overrides)))
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        return to_run_config(hydra_compose(config_name, overrides=list(overrides)))
