"""Every parameter of the config is named in docs/model.md (issue 10, item 10: every parameter
with unit, default and source), so a field added without its documentation fails here."""

from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest

from sim.config.schema import ModelParams, WorldConfig

DOCS = Path(__file__).resolve().parents[2] / "docs" / "model.md"


def parameter_keys() -> list[str]:
    """``world.<field>`` and ``model.<group>.<field>`` for every leaf field of the config."""
    keys = [f"world.{f.name}" for f in fields(WorldConfig)]
    for group in fields(ModelParams):
        default = ModelParams()
        value = getattr(default, group.name)
        if is_dataclass(value):
            keys += [f"model.{group.name}.{f.name}" for f in fields(value)]
        else:
            keys.append(f"model.{group.name}")
    return keys


@pytest.mark.parametrize("key", parameter_keys())
def test_each_parameter_is_named_in_the_model_document(key):
    text = DOCS.read_text(encoding="utf-8")
    name = key.rsplit(".", 1)[-1]
    # a table row or a sentence may name it in full (`model.choice.x`) or by its field (`x`)
    assert f"`{key}`" in text or f"`{name}`" in text or f", `{name}`" in text, key
