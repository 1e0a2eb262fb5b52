"""Range and choice checks shared by every config dataclass.

Each check raises ``ConfigError`` with one line naming the key, the bad value and what is
allowed, so a bad config fails when it is built.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import re
import types
import typing
from functools import cache
from typing import Any

import numpy as np

# Upper bounds sized to this kind of machine (2 cores, 24 GB): a world of 1e6 firms peaks at
# about 1.9 GB for 40 quarters, so 5e6 firms of one kind still fit in memory.
MAX_FIRMS = 5_000_000  # firms of one kind in a world, and firms in a world
MAX_STEPS = 400  # quarters in a run (100 years)
MAX_REPLICATES = 100_000  # replicates of one config
MAX_SEED = 2**63 - 1  # numpy's SeedSequence takes any non-negative int; keep it in int64
MAX_INT = 10**9  # any other integer setting (counts of quarters, consortia, candidates)
PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")  # a file or folder name, no path


class ConfigError(ValueError):
    """A config value is out of its allowed range; the message names key, value and range."""


def check_range(
    obj: object, name: str, low: float | None = None, high: float | None = None
) -> None:
    """Raise ConfigError unless ``obj.name`` lies in ``[low, high]``.

    Args:
        obj: The dataclass instance holding the field.
        name: The field name.
        low: Inclusive lower bound, or None for no bound.
        high: Inclusive upper bound, or None for no bound.
    """
    value = getattr(obj, name)
    lo = "-inf" if low is None else low
    hi = "inf" if high is None else high
    if not _finite(value):
        raise ConfigError(
            f"{type(obj).__name__}.{name}={value!r} is not a finite number; allowed: [{lo}, {hi}]"
        )
    if (low is not None and value < low) or (high is not None and value > high):
        raise ConfigError(
            f"{type(obj).__name__}.{name}={value!r} is out of range; allowed: [{lo}, {hi}]"
        )


def check_order(obj: object, low: str, high: str, strict: bool = False) -> None:
    """Raise ConfigError unless ``obj.low <= obj.high`` (``<`` if ``strict``), naming both.

    A bound taken from another field (``check_range(self, "end", self.start + 1)``) blames
    the field checked even when the user set the other one; this names both keys.
    """
    a, b = getattr(obj, low), getattr(obj, high)
    if (a < b) if strict else (a <= b):
        return
    cls, sign = type(obj).__name__, "<" if strict else "<="
    raise ConfigError(
        f"{cls}.{low}={a!r} and {cls}.{high}={b!r} are out of order; allowed: {low} {sign} {high}"
    )


def check_choice(obj: object, name: str, allowed: tuple[str, ...]) -> None:
    """Raise ConfigError unless ``obj.name`` is one of ``allowed``."""
    value = getattr(obj, name)
    if value not in allowed:
        raise ConfigError(
            f"{type(obj).__name__}.{name}={value!r} is not allowed; allowed: {', '.join(allowed)}"
        )


def check_weights(obj: object, name: str, length: int) -> None:
    """Raise ConfigError unless ``obj.name`` is ``length`` non-negative numbers, not all 0."""
    value = list(getattr(obj, name))
    if len(value) != length or min(value) < 0 or sum(value) <= 0:
        raise ConfigError(
            f"{type(obj).__name__}.{name}={value!r} is invalid; allowed: {length} non-negative "
            "weights with a positive sum"
        )


def check_unique(obj: object, name: str) -> None:
    """Raise ConfigError if the list ``obj.name`` names an element twice."""
    value = list(getattr(obj, name))
    twice = sorted({v for v in value if value.count(v) > 1})
    if twice:
        raise ConfigError(
            f"{type(obj).__name__}.{name}={value!r} names {', '.join(map(str, twice))} twice; "
            "allowed: each at most once"
        )


def check_plain_name(obj: object, name: str) -> None:
    """Raise ConfigError unless ``obj.name`` is a plain name (letters, digits, ``_.-``).

    Names end up in file and folder names: a path separator, ``..`` or an interpolation
    would let a name write outside the results folder or read outside the data folder.
    """
    value = getattr(obj, name)
    if not isinstance(value, str) or not PLAIN_NAME.fullmatch(value) or ".." in value:
        raise ConfigError(
            f"{type(obj).__name__}.{name}={value!r} is not a plain name; allowed: up to 100 "
            "letters, digits, '_', '.', '-', starting with a letter or digit, without '..'"
        )


def check_finite_fields(obj: object) -> None:
    """Raise ConfigError if a field of ``obj`` has the wrong type or a float is not finite.

    A float in a list counts too. Runs first in every config's ``__post_init__``, so that no
    later check compares with NaN (every comparison with NaN is false), derives a bound from
    an infinite value, or meets a value of another type than its field's (an interpolation
    such as ``${seed}`` in a list field gives the int it names: OmegaConf checks the types of
    scalar fields only). A float field of ``-0.0`` becomes ``0.0``: it passes a lower bound
    of 0 but numpy refuses it (``rng.lognormal(sigma=-0.0)``: "sigma < 0").
    """
    cls: Any = type(obj)  # (mypy: type[object] is hashable)
    hints = field_types(cls)
    for f in dataclasses.fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, f.name)
        if not conforms(value, hints[f.name]):
            raise ConfigError(
                f"{type(obj).__name__}.{f.name}={value!r} has the wrong type; allowed: a value "
                f"of type {type_name(hints[f.name])}"
            )
        values = value if isinstance(value, list) else [value]
        if not all(_finite(v) for v in values):
            raise ConfigError(
                f"{type(obj).__name__}.{f.name}={value!r} is not a finite number; allowed: a "
                "finite number"
            )
        if isinstance(value, float) and value == 0.0 and math.copysign(1.0, value) < 0:
            setattr(obj, f.name, 0.0)


@cache
def field_types(cls: Any) -> dict[str, Any]:
    """The type hints of a config dataclass's fields (resolved once per class)."""
    return typing.get_type_hints(cls)


def conforms(value: object, kind: Any) -> bool:
    """Whether ``value`` is of the type ``kind`` (an int passes as a float; tuples as lists).

    Understands what config fields use: ``bool``, ``int``, ``float``, ``str``, ``X | None``,
    ``list[X]``, ``dict[K, V]``, dataclasses and ``Any``; anything else passes.
    """
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind is Any:
        return True
    if kind is type(None):
        return value is None
    if isinstance(kind, types.UnionType) or origin is typing.Union:
        return any(conforms(value, a) for a in args)
    if kind is bool:
        return isinstance(value, bool | np.bool_)
    if kind is int:
        return isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_)
    if kind is float:
        return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)
    if kind is str:
        return isinstance(value, str)
    if origin is list:
        return isinstance(value, list | tuple) and all(conforms(v, args[0]) for v in value)
    if origin is dict:
        return isinstance(value, dict) and all(
            conforms(k, args[0]) and conforms(v, args[1]) for k, v in value.items()
        )
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return isinstance(value, kind)
    return True


def type_name(kind: Any) -> str:
    """A type as a user reads it: ``float``, ``list[float]``, ``SubsidyConfig | None``."""
    if isinstance(kind, type) and not typing.get_args(kind):
        return kind.__name__
    return str(kind).replace("typing.", "")


def _finite(value: object) -> bool:
    """Whether a number is finite (ints always are; bools are not numbers here)."""
    return not isinstance(value, float) or math.isfinite(value)


def check_tree(obj: object, path: str = "") -> None:
    """Refuse a non-finite float or an out-of-bounds int anywhere in a config tree.

    Walks the dataclass ``obj`` and every dataclass, list and dict inside it. Fields with
    their own range checks have run them already; this catches the fields without one
    (every float must be finite unless a field says otherwise, and no integer may exceed
    ``MAX_INT`` in magnitude, except a seed, which may reach ``MAX_SEED``).

    Args:
        obj: A config dataclass (``RunConfig`` at the top).
        path: The dotted path of ``obj`` in the tree, for messages.

    Raises:
        ConfigError: Naming the dotted key, the value and what is allowed.
    """
    prefix = f"{path}." if path else ""
    items: list[tuple[str, object]]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        items = [(f.name, getattr(obj, f.name)) for f in dataclasses.fields(obj)]
    elif isinstance(obj, dict):
        items = [(str(k), v) for k, v in obj.items()]
    elif isinstance(obj, list | tuple):
        items = [(f"{i}", v) for i, v in enumerate(obj)]
    else:
        return
    for key, value in items:
        where = f"{prefix}{key}" if not isinstance(obj, list | tuple) else f"{path}[{key}]"
        if isinstance(value, bool):
            continue
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(
                f"RunConfig.{where}={value!r} is not a finite number; allowed: a finite number"
            )
        if isinstance(value, int):
            limit = MAX_SEED if key == "seed" else MAX_INT
            if abs(value) > limit:
                raise ConfigError(
                    f"RunConfig.{where}={value!r} is out of range; allowed: at most {limit} "
                    "in magnitude"
                )
        check_tree(value, where)
