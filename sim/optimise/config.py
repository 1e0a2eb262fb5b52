"""The optimiser's typed config: which levers to search, over which worlds, for what.

``OptimiseConfig`` is registered in Hydra's ConfigStore (``optimise_main``, a primary config
whose defaults list picks ``configs/optimise/<preset>.yaml``), so a typo or a wrong type in
a preset or an override is an error. ``compose_optimise`` builds it from overrides such as
``optimise.n_trials=20`` without a ``@hydra.main``; ``check_config`` checks what the
dataclasses cannot check alone (each lever's bounds against the scenario's typed config).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sim.config.checks import MAX_SEED, MAX_STEPS, ConfigError, check_finite_fields, check_range

OBJECTIVES: tuple[str, ...] = ("cheapest_robust", "pareto")
LEVER_PREFIX = "scenario."  # a searched key is a scenario key: scenario.<lever>.<field>
PRIMARY = "optimise_main"  # the ConfigStore name of the primary config
# keys that may change between two runs of the same study (the rest define it)
RESUMABLE_KEYS: tuple[str, ...] = ("n_trials", "out", "jobs")
MAX_TRIALS = 100_000
MAX_WORLDS = 10_000


@dataclass
class LeverRange:
    """One searched lever: a dotted scenario key and its range.

    The lever (``scenario.<lever>``) is pulled in every trial; a lever the base scenario does
    not pull is pulled with its typed defaults (``sim/config/levers.py``) for its other keys.
    """

    path: str = ""  # dotted scenario key, e.g. scenario.subsidy.budget
    low: float = 0.0  # lowest value searched, in the key's unit (money: USD m a quarter)
    high: float = 1.0  # highest value searched
    step: float | None = None  # grid step (low + k * step), or None for a continuous range
    log: bool = False  # search on a log scale (low > 0; not with step)
    label: str = ""  # the lever in words for the figure and summary ("" : from the key)

    def __post_init__(self) -> None:
        check_finite_fields(self)
        self.low, self.high = float(self.low), float(self.high)
        where = f"lever {self.path or '?'!r}"
        if not self.path.startswith(LEVER_PREFIX) or len(self.path.split(".")) != 3:
            raise ConfigError(
                f"{where}: path={self.path!r} is not allowed; allowed: scenario.<lever>.<key>, "
                "e.g. scenario.subsidy.budget"
            )
        if not self.low < self.high:
            raise ConfigError(
                f"{where}: low={self.low!r}, high={self.high!r} are out of order; allowed: "
                "low < high"
            )
        if self.step is not None:
            self.step = float(self.step)
            cells = (self.high - self.low) / self.step if self.step > 0 else -1.0
            if cells < 1 or not math.isclose(cells, round(cells), abs_tol=1e-9):
                raise ConfigError(
                    f"{where}: step={self.step!r} is not allowed; allowed: a positive step "
                    f"dividing high - low = {self.high - self.low:g} into whole steps, or null"
                )
        if self.log and (self.low <= 0 or self.step is not None):
            raise ConfigError(
                f"{where}: log=true is not allowed with low={self.low!r}, step={self.step!r}; "
                "allowed: log only with low > 0 and step null"
            )

    @property
    def lever(self) -> str:
        """The lever's key in ``ScenarioConfig`` (``subsidy`` of ``scenario.subsidy.budget``)."""
        return self.path.split(".")[1]

    @property
    def words(self) -> str:
        """The lever in words: its label, or its key's last two parts."""
        return self.label or " ".join(self.path.split(".")[1:]).replace("_", " ")


def default_levers() -> list[LeverRange]:
    """The levers searched by default: money, compute, data and the mandate's pull."""
    return [
        LeverRange("scenario.subsidy.budget", 0.0, 500.0, label="Subsidy (USD m a quarter)"),
        LeverRange(
            "scenario.public_compute.cost_reduction",
            0.0,
            0.45,  # below 0.5: model.rnd.rd_cost x (1 - cost_reduction) must exceed 2
            label="Public compute (share of R&D cost)",
        ),
        LeverRange(
            "scenario.open_data.spillover_bonus", 0.0, 0.3, label="Open data (spillover bonus)"
        ),
        LeverRange(
            "scenario.mega_alliance.member_value",
            0.0,
            5.0,
            label="Mega-alliance (USD m a quarter per member)",
        ),
    ]


@dataclass
class ObjectiveConfig:
    """What a good lever setting is.

    ``cheapest_robust``: the least money spent (``spend_total``, USD bn) among settings whose
    technology gap is at least ``gap_reduction`` years smaller than the baseline's in at least
    ``share`` of the worlds (an Optuna constraint). ``pareto``: the settings no other beats on
    money spent, the change of the gap and the change of collusion harm at once.
    """

    kind: str = "cheapest_robust"  # cheapest_robust | pareto
    gap_reduction: float = 0.3  # X: years by which the gap must shrink in a world
    share: float = 0.9  # q: share of worlds that must meet it (0, 1]

    def __post_init__(self) -> None:
        check_finite_fields(self)
        if self.kind not in OBJECTIVES:
            raise ConfigError(
                f"optimise.objective.kind={self.kind!r} is unknown; allowed: "
                f"{', '.join(OBJECTIVES)}"
            )
        check_range(self, "gap_reduction", -100.0, 100.0)
        if not 0.0 < self.share <= 1.0:
            raise ConfigError(
                f"optimise.objective.share={self.share!r} is out of range; allowed: (0, 1]"
            )


@dataclass
class OptimiseConfig:
    """A lever search: levers, worlds and seeds per evaluation, objective, trials, folder."""

    world: str = "korea_2024"  # the world (configs/world/<name>.yaml)
    scenario: str = "baseline"  # the scenario the levers are set in (configs/scenario/)
    baseline: str = "baseline"  # the scenario every setting is compared with
    levers: list[LeverRange] = field(default_factory=default_levers)
    worlds: int = 8  # W: plausible worlds per evaluation (Latin hypercube, uncertainty group)
    seeds: int = 2  # S: seeds (replicates) per world
    world_seed: int = 0  # seed of the worlds' Latin hypercube
    seed: int = 0  # root seed of every run (its replicates are spawned from it)
    steps: int = 40  # quarters of every run
    uncertainty: str = "default"  # the uncertainty set (configs/uncertainty/<name>.yaml)
    overrides: list[str] = field(default_factory=list)  # more run overrides (world.n_foreign=2)
    objective: ObjectiveConfig = field(default_factory=ObjectiveConfig)
    n_trials: int = 20  # trials to finish in the study (a rerun with more continues it)
    startup_trials: int = 8  # random trials before TPE models the results
    sampler_seed: int = 0  # seed of Optuna's sampler
    jobs: int = 1  # worker processes running an evaluation's worlds
    out: str = "results/optimise"  # the output folder (study, results store, Pareto set)

    def __post_init__(self) -> None:
        self.levers = [LeverRange(**v) if isinstance(v, dict) else v for v in self.levers]
        if isinstance(self.objective, dict):
            self.objective = ObjectiveConfig(**self.objective)
        check_finite_fields(self)
        for name, high in (("worlds", MAX_WORLDS), ("seeds", 1000), ("steps", MAX_STEPS)):
            _positive(self, name, high)
        _positive(self, "n_trials", MAX_TRIALS)
        _positive(self, "jobs", 64)
        _positive(self, "startup_trials", MAX_TRIALS, low=0)
        for name in ("world_seed", "seed", "sampler_seed"):
            _positive(self, name, MAX_SEED, low=0)
        if not self.levers:
            raise ConfigError("optimise.levers=[] is not allowed; allowed: at least one lever")
        paths = [lever.path for lever in self.levers]
        twice = sorted({p for p in paths if paths.count(p) > 1})
        if twice:
            raise ConfigError(
                f"optimise.levers: {twice[0]!r} is listed twice; allowed: each key once"
            )
        if not self.out.strip():
            raise ConfigError("optimise.out='' is not allowed; allowed: a folder path")


def _positive(cfg: OptimiseConfig, name: str, high: int, low: int = 1) -> None:
    """Refuse a non-integer or out-of-range integer field of ``cfg``, naming it."""
    value = getattr(cfg, name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(
            f"optimise.{name}={value!r} is out of range; allowed: an integer in [{low}, {high}]"
        )


@dataclass
class OptimiseMain:
    """The primary config: a preset from ``configs/optimise/`` merged into ``optimise``."""

    defaults: list[Any] = field(default_factory=lambda: ["_self_", {"optimise": "default"}])
    optimise: OptimiseConfig = field(default_factory=OptimiseConfig)


def register_optimise_configs() -> None:
    """Register the primary config with Hydra's ConfigStore (idempotent)."""
    from hydra.core.config_store import ConfigStore

    ConfigStore.instance().store(name=PRIMARY, node=OptimiseMain)


def compose_optimise(overrides: Sequence[str] = ()) -> OptimiseConfig:
    """The typed optimiser config from a preset and Hydra-style overrides.

    Args:
        overrides: e.g. ``["optimise=quick", "optimise.n_trials=6"]``.

    Returns:
        The checked config (see also ``check_config``).

    Raises:
        ConfigError: One line naming the key, the value and what is allowed.
    """
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from hydra.errors import HydraException
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    from sim.config.compose import CONFIG_DIR, one_line

    register_optimise_configs()
    bad = [o for o in overrides if "=" not in o]
    if bad:
        raise ConfigError(
            f"{bad[0]!r} is not an override; allowed: key=value, e.g. optimise.n_trials=20"
        )
    outside = [o for o in overrides if not o.lstrip("+~").startswith("optimise")]
    if outside:
        raise ConfigError(
            f"{outside[0]!r}: only optimise keys are allowed here; allowed: optimise=<preset> "
            "or optimise.<key>=<value> (run keys go in optimise.overrides)"
        )
    _check_grammar(overrides)
    presets = sorted(p.stem for p in (CONFIG_DIR / "optimise").glob("*.yaml"))
    for override in overrides:
        key, _, value = override.partition("=")
        if key == "optimise" and value not in presets:
            raise ConfigError(
                f"optimise={value!r} is not a preset; allowed: {', '.join(presets)} "
                "(configs/optimise/)"
            )
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
            node = compose(PRIMARY, overrides=list(overrides))
        made = OmegaConf.to_object(node.optimise)
    except ConfigError as error:
        raise ConfigError(_keyed(str(error))) from None
    except (HydraException, OmegaConfBaseException) as error:
        raise ConfigError(one_line(error)) from None
    except (ValueError, AttributeError, TypeError, AssertionError) as error:
        what = " ".join(str(error).split())
        raise ConfigError(f"could not apply {list(overrides)}: {what}") from None
    if not isinstance(made, OptimiseConfig):
        raise ConfigError(f"composed config is {type(made).__name__}; allowed: OptimiseConfig")
    return made


def _check_grammar(overrides: Sequence[str]) -> None:
    """Refuse an override Hydra's grammar cannot read, naming it.

    Raises:
        ConfigError: One line naming the override and how to quote a value.
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException

    parser = OverridesParser.create()
    for override in overrides:
        try:
            parser.parse_override(override)
        except HydraException as error:
            what = str(error).split(" See https://")[0]
            raise ConfigError(
                f"{override!r} cannot be read ({what}); allowed: key=value in Hydra's override "
                "grammar, values holding '=' or ',' quoted, e.g. "
                "optimise.overrides=['world.n_conglomerates=4']"
            ) from None


def _keyed(message: str) -> str:
    """A dataclass check's message with ``ObjectiveConfig.x`` spelled ``optimise.objective.x``."""
    for name, path in (
        ("ObjectiveConfig.", "optimise.objective."),
        ("OptimiseConfig.", "optimise."),
        ("LeverRange.", "optimise.levers[]."),
    ):
        message = message.replace(name, path)
    return message


def study_fingerprint(cfg: OptimiseConfig) -> str:
    """A hash of everything that defines the study (not ``n_trials``, ``out`` or ``jobs``)."""
    return hashlib.sha256(json.dumps(study_identity(cfg), sort_keys=True).encode()).hexdigest()[:16]


def study_identity(cfg: OptimiseConfig) -> dict[str, Any]:
    """The config as plain values without the keys a resume may change."""
    plain = dataclasses.asdict(cfg)
    for key in RESUMABLE_KEYS:
        plain.pop(key, None)
    for lever in plain["levers"]:
        lever.pop("label", None)  # words only
    return plain
