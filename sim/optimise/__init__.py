"""Search lever settings with Optuna (``alliancesim-optimise``, docs/optimise.md).

The top layer beside ``sim.calibration``: it imports ``sim.analysis``, ``sim.runs`` and
``sim.config``; nothing imports it. One concept a module:

- ``config``: the typed config (``OptimiseConfig``, registered in Hydra's ConfigStore) and
  ``compose_optimise`` (presets in ``configs/optimise/`` plus overrides);
- ``evaluation``: a lever setting run on W worlds x S seeds through the results store,
  measured against the baseline world by world, seed by seed;
- ``space``: each lever's values as Optuna suggests them and as the store names them;
- ``search``: the Optuna study on disk, resumable;
- ``pareto``: the trials table, the Pareto set, the best setting;
- ``figure`` and ``outputs``: ``pareto.png``, ``pareto.csv``, ``trials.csv``, ``summary.md``;
- ``cli``: the command.
"""
