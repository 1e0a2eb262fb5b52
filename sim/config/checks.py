"""Range and choice checks shared by every config dataclass.

Each check raises ``ConfigError`` with one line naming the key, the bad value and what is
allowed, so a bad config fails when it is built.
"""

from __future__ import annotations


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
    if (low is not None and value < low) or (high is not None and value > high):
        lo = "-inf" if low is None else low
        hi = "inf" if high is None else high
        raise ConfigError(
            f"{type(obj).__name__}.{name}={value!r} is out of range; allowed: [{lo}, {hi}]"
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
