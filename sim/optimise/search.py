"""The search: an Optuna study on disk, resumable, one stored ensemble per trial.

The study lives in ``<out>/study.journal`` (Optuna's ``JournalStorage`` on a file, appended
to as trials start and end), under the name ``alliancesim-optimise``; ``<out>/optimise.json``
records the config that made it. Running the same command again continues the study:

- trials already finished are kept (their runs stay in the store);
- a journal lock or a half-written journal line left by a killed process is cleared first;
- a trial cut short (the process killed, or an error raised inside it) is marked failed and
  its lever values are queued again first, so the same setting is evaluated next; the
  world runs it had finished are reused from the store, not redone;
- the study stops once ``n_trials`` trials have finished (a rerun with a larger
  ``n_trials`` continues to it; with the same, it only rewrites the outputs), or once
  every setting of a grid (levers with a ``step``) has been evaluated.

A proposal the study has already evaluated is not a trial: it is marked failed with the user
attribute ``repeat`` and a setting not yet seen, drawn from a generator seeded by
``sampler_seed`` and the trial's number, is queued in its place (``sim.optimise.space``).

A different config (other levers, bounds, objective, worlds, seeds ...: everything but
``n_trials``, ``out`` and ``jobs``) pointing at the same folder is refused in one line.

The sampler is Optuna's TPE, seeded from ``sampler_seed`` and the number of trials already in
the study, so a resumed study does not draw its first random settings again.
``cheapest_robust`` sets the trial's constraint ``gap_reduction - assured <= 0``
(``Trial.set_constraint``), ``assured`` being the reduction reached in at least ``share`` of
the worlds: met exactly when the target is met in that share of worlds, and otherwise
saying by how many years it is missed, which a share of whole worlds cannot. Optuna's
constrained TPE models feasible and infeasible trials apart and ranks infeasible ones by
how far they miss. A penalty added to the cost would instead need an arbitrary exchange
rate between USD bn and years.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, Literal

import numpy as np

from sim.analysis import robust
from sim.config.checks import ConfigError
from sim.optimise.config import OptimiseConfig, study_fingerprint, study_identity
from sim.optimise.evaluation import Evaluate, Measures, setting_key
from sim.optimise.space import snap, suggest, unseen
from sim.runs.lock import LOCK_FILE
from sim.runs.store import GarbledFile, read_json, write_json

STUDY = "alliancesim-optimise"
STUDY_FILE = "study.journal"
CONFIG_FILE = "optimise.json"
CONSTRAINT = "gap_target"  # years the assured reduction misses the target by (<= 0 meets)
INTERRUPTED = "interrupted"  # user attribute of a trial cut short (its setting is queued again)
REPEAT = "repeat"  # user attribute of a proposal already evaluated (not run, not counted)
FAILED_RUN = "failed_run"  # user attribute of a trial whose model run failed (it counts)
ATTRS: tuple[str, ...] = ("cost", "gap_effect", "harm_effect", "share_met", "assured")
Progress = Callable[[Any, Measures, int, int], None]


def check_folder(cfg: OptimiseConfig, out: Path, runs: str = "", record: bool = True) -> None:
    """Refuse an output folder holding another study (or anything else); record this one's.

    Args:
        cfg: The optimiser's config.
        out: The output folder.
        runs: A fingerprint of the composed run configs (``Evaluator.fingerprint``): the
            config files the runs are made from (world, scenarios, uncertainty, model
            defaults) may change under an unchanged optimiser config.
        record: Write ``optimise.json`` into a new folder (False: only check).

    Raises:
        ConfigError: The folder's ``optimise.json`` records another config (naming the first
            key that differs) or other run configs, or is garbled; or the folder holds files
            but no study.
    """
    file = out / CONFIG_FILE
    mine = {"fingerprint": study_fingerprint(cfg), "runs": runs, "study": study_identity(cfg)}
    if out.is_dir() and not file.is_file():
        other = sorted(p.name for p in out.iterdir() if p.name != LOCK_FILE)
        if other:
            raise ConfigError(
                f"optimise.out={str(out)!r} holds {other[0]!r} but no study ({CONFIG_FILE}); "
                "allowed: a new or empty folder, or the folder of this study"
            )
    if file.is_file():
        try:
            theirs = read_json(file)
        except GarbledFile as error:
            raise ConfigError(f"{error}; allowed: another optimise.out folder") from None
        if theirs.get("fingerprint") != mine["fingerprint"]:
            key = _first_difference(theirs.get("study", {}), mine["study"])
            raise ConfigError(
                f"optimise.out={str(out)!r} holds another study ({key} differs: "
                f"{_get(theirs.get('study', {}), key)!r} there, {_get(mine['study'], key)!r} "
                "now); allowed: the same config to resume (n_trials, jobs may change), or "
                "another optimise.out"
            )
        if runs and theirs.get("runs") not in (None, runs):
            raise ConfigError(
                f"optimise.out={str(out)!r} was made from other run configs (fingerprint "
                f"{theirs.get('runs')} there, {runs} now): a file the runs read (world, "
                "scenario, uncertainty or the model's defaults) has changed; allowed: another "
                "optimise.out, or those files as they were"
            )
        return
    if record:
        out.mkdir(parents=True, exist_ok=True)
        write_json(file, mine, parents=False)


def _first_difference(a: Any, b: Any, prefix: str = "optimise") -> str:
    """The dotted key of the first value that differs between two plain configs."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                return _first_difference(a.get(key), b.get(key), f"{prefix}.{key}")
    return prefix


def _get(plain: Any, key: str) -> Any:
    for part in key.split(".")[1:]:
        plain = plain.get(part) if isinstance(plain, dict) else None
    return plain


def directions(cfg: OptimiseConfig) -> list[Literal["minimize"]]:
    """The study's directions: the cost; or cost, gap effect and harm effect (all minimised)."""
    return ["minimize"] * (1 if cfg.objective.kind == "cheapest_robust" else 3)


def objective_values(cfg: OptimiseConfig, found: Measures) -> list[float]:
    """What the study minimises for an evaluation (see ``directions``)."""
    if cfg.objective.kind == "cheapest_robust":
        return [found.cost]
    return [found.cost, found.gap_effect, found.harm_effect]


def open_study(cfg: OptimiseConfig, out: Path) -> Any:
    """Create or load the study in ``out`` (its sampler seeded as the module docstring says)."""
    import optuna
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = JournalStorage(JournalFileBackend(str(out / STUDY_FILE)))
    try:
        before = len(storage.get_all_trials(storage.get_study_id_from_name(STUDY)))
    except KeyError:
        before = 0
    seed = int(np.random.SeedSequence([cfg.sampler_seed, before]).generate_state(1)[0])
    sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=cfg.startup_trials)
    return optuna.create_study(
        study_name=STUDY,
        storage=storage,
        sampler=sampler,
        directions=directions(cfg),
        load_if_exists=True,
    )


def recover(study: Any) -> int:
    """Mark the trials a killed process left running as failed and queue their settings again.

    Only one command works on a folder at a time (the caller holds its lock), so a running
    trial found here belongs to a process that ended.

    Returns:
        How many trials were recovered.
    """
    from optuna.trial import TrialState

    storage = study._storage  # the study's own storage object (no public accessor)
    study_id = storage.get_study_id_from_name(STUDY)
    stale = study.get_trials(deepcopy=False, states=(TrialState.RUNNING,))
    for trial in stale:
        trial_id = storage.get_trial_id_from_study_id_trial_number(study_id, trial.number)
        storage.set_trial_user_attr(trial_id, INTERRUPTED, True)
        storage.set_trial_state_values(trial_id, TrialState.FAIL)
        if trial.params:
            study.enqueue_trial(trial.params)
    return len(stale)


def clear_journal_lock(out: Path) -> bool:
    """Remove the journal's lock file that a killed process left behind; whether there was one.

    Optuna's file journal locks ``study.journal.lock`` around each write; a process killed
    inside a write leaves it, and the next one would wait 30 s before taking it over. Only
    the holder of the folder's lock (``sim.runs.lock``, which the kernel drops with its
    holder) runs a study here, so a journal lock found by it is stale.
    """
    lock = out / f"{STUDY_FILE}.lock"
    if not (lock.is_symlink() or lock.exists()):
        return False
    lock.unlink()
    return True


def repair_journal(out: Path) -> bool:
    """Cut a last line a killed process left half-written from the journal; whether it did.

    Each journal line is one whole JSON record; a record cut short has no line end, and the
    next record appended to it would make both unreadable.
    """
    journal = out / STUDY_FILE
    if not journal.is_file():
        return False
    with journal.open("rb+") as f:
        data = f.read()
        if not data or data.endswith(b"\n"):
            return False
        f.truncate(data.rfind(b"\n") + 1)
    return True


def setting(trial: Any, cfg: OptimiseConfig) -> dict[str, float]:
    """A finished trial's lever values, snapped as the store names them."""
    return {lever.path: snap(lever, trial.params[lever.path]) for lever in cfg.levers}


def counted(study: Any) -> list[Any]:
    """The trials that count towards ``n_trials``: complete, or failed inside the model."""
    from optuna.trial import TrialState

    return [
        t
        for t in study.get_trials(deepcopy=False)
        if t.state == TrialState.COMPLETE
        or (t.state == TrialState.FAIL and FAILED_RUN in t.user_attrs)
    ]


def finished_count(study: Any) -> int:
    """How many trials count towards ``n_trials`` (``counted``)."""
    return len(counted(study))


def run_study(
    cfg: OptimiseConfig, out: Path, evaluate: Evaluate, progress: Progress | None = None
) -> Any:
    """Run (or continue) the study until ``cfg.n_trials`` trials have finished.

    Args:
        cfg: The optimiser's config.
        out: The output folder (``check_folder`` must have accepted it; lock it first:
            a journal lock found in it is taken as stale and removed).
        evaluate: Lever values (by path) to their ``Measures``.
        progress: Called after each trial with (trial, measures, finished, n_trials).

    Returns:
        The Optuna study.
    """
    from optuna.trial import TrialState

    clear_journal_lock(out)
    repair_journal(out)
    study = open_study(cfg, out)
    recover(study)
    done = finished_count(study)
    seen = {tuple(setting(t, cfg).values()) for t in counted(study)}
    while done < cfg.n_trials:
        trial = study.ask()
        values = {lever.path: suggest(trial, lever) for lever in cfg.levers}
        if tuple(values.values()) in seen:  # known: try one not yet seen instead
            trial.set_user_attr(REPEAT, True)
            study.tell(trial, state=TrialState.FAIL)
            rng = np.random.default_rng(np.random.SeedSequence([cfg.sampler_seed, trial.number]))
            fresh = unseen(cfg.levers, seen, rng)
            if fresh is None:
                break  # every setting of the grid has been evaluated
            study.enqueue_trial(fresh)
            continue
        seen.add(tuple(values.values()))
        trial.set_user_attr("setting", setting_key(values))
        try:
            found = evaluate(values)
        except BaseException:  # cut short: no finished record; the setting is queued again
            trial.set_user_attr(INTERRUPTED, True)
            study.tell(trial, state=TrialState.FAIL)
            study.enqueue_trial(dict(trial.params))
            raise
        record = asdict(found)
        for key in (*ATTRS, "runs", "skipped"):
            trial.set_user_attr(key, record[key])
        trial.set_user_attr("gap_effects", list(found.gap_effects))
        if found.error:
            trial.set_user_attr(FAILED_RUN, found.error)
            study.tell(trial, state=TrialState.FAIL)
        else:
            constraint = cfg.objective.gap_reduction - found.assured - robust.ZERO
            trial.set_user_attr("constraint", constraint)
            if cfg.objective.kind == "cheapest_robust":  # TPE models feasible trials apart
                trial.set_constraint(CONSTRAINT, constraint)
            study.tell(trial, objective_values(cfg, found))
        done += 1
        if progress is not None:
            progress(trial, found, done, cfg.n_trials)
    return study
