"""Uncertain and swept parameters in words, for every report, figure and answer.

One rule: a parameter declared in the default uncertainty (configs/uncertainty/default.yaml)
is called by its ``label`` there; any other key by its last part in words (``<list>.scale``
as ``<list> multiplier``).
"""

from __future__ import annotations

from functools import cache

from sim.config.uncertainty import load_uncertainty


@cache
def declared_labels() -> dict[str, str]:
    """Each declared uncertain parameter's words (``label`` in configs/uncertainty/default.yaml)."""
    return {p.path: p.label for p in load_uncertainty("default").parameters if p.label}


def parameter_words(key: str) -> str:
    """A parameter in words: its declared label, else its key's last part in words.

    Examples of the fallback: ``relatedness multiplier``, ``entry noise``.
    """
    if key in declared_labels():
        return declared_labels()[key]
    parts = key.split(".")
    name = f"{parts[-2]} multiplier" if parts[-1] == "scale" and len(parts) > 1 else parts[-1]
    return name.replace("_", " ")
