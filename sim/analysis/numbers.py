"""Numbers for people: each outcome's unit at a sensible precision, never in scientific notation.

One place decides how the report (and ``docs/make_policy_answers.py``) writes a number:

- a **level** (``level``): shares as percent (one decimal below 10 %, none above), years
  with two decimals, firms and other counts as integers, USD bn with one decimal, USD m as
  integers; thousands separated by commas, negatives with a true minus sign (U+2212);
- a **difference** (``difference``): the same, shares in percentage points (one decimal),
  signed (``+0.04 years``, ``\u22121.2 pp``); a difference that rounds to zero is ``0``;
- an **effect** (``effect``): a difference that reads ``no effect`` when it rounds to zero at
  its unit's precision; a **band** (``band``) of two effects: ``no effect`` when both ends
  round to zero, else ``\u22120.10 to +0.20 years``.

``is_zero`` says whether an effect rounds to zero (the report colours it neither better nor
worse then). ``number`` is the bare formatter. Everything takes an outcome name of the
registry (``sim.engine.outcomes``) or, for ``number``, a count of decimals.
"""

from __future__ import annotations

import math

from sim.engine.outcomes import BY_NAME

MINUS = "\u2212"
NO_EFFECT = "no effect"
# decimals per unit (shares: see PP_DECIMALS and the percent rule); other units: DEFAULT
DECIMALS: dict[str, int] = {
    "years": 2,
    "firms": 0,
    "alliances": 0,
    "consortia": 0,
    "points": 0,
    "USD bn": 1,
    "USD m": 0,
    "years per USD bn": 2,
    "frontier = 1 at start": 2,
    "index 0-1": 2,
}
DEFAULT_DECIMALS = 2
PP_DECIMALS = 1


def number(x: float, decimals: int, signed: bool = False, trim: bool = False) -> str:
    """``x`` rounded to ``decimals``, with thousands commas, never in scientific notation.

    A value that rounds to zero is ``0`` (no sign, no decimals); ``signed`` puts ``+``
    before positive values; ``trim`` drops trailing zeros (``5.0`` -> ``5``). Not finite:
    ``n/a``.

    Examples: ``number(-1182.4, 0)`` is ``\u22121,182``; ``number(0.000027, 2)`` is ``0``.
    """
    if not math.isfinite(x):
        return "n/a"
    text = f"{abs(x):,.{max(decimals, 0)}f}"
    if not text.strip("0.,"):
        return "0"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    if x < 0:
        return f"{MINUS}{text}"
    return f"+{text}" if signed else text


def unit(outcome: str) -> str:
    """The registry's unit of ``outcome`` (``share``, ``years``, ``USD bn``...)."""
    return BY_NAME[outcome].unit


def decimals(outcome: str, gap: bool = True, x: float = 0.0) -> int:
    """The decimals of ``outcome``: of a difference (``gap``) or of the level ``x``."""
    kind = unit(outcome)
    if kind == "share":
        return PP_DECIMALS if gap or abs(100 * x) < 10 else 0
    return DECIMALS.get(kind, DEFAULT_DECIMALS)


def _with_unit(text: str, outcome: str, gap: bool) -> str:
    kind = unit(outcome)
    if kind == "share":
        return f"{text} {'pp' if gap else '%'}"
    if kind.startswith("USD "):
        sign = text[0] if text[0] in ("+", MINUS) else ""
        return f"{sign}USD {text[len(sign) :]} {kind[4:]}"
    return f"{text} {kind}"


def scaled(x: float, outcome: str) -> float:
    """``x`` in the unit it is written in: shares times 100 (percent or pp), else ``x``."""
    return 100 * x if unit(outcome) == "share" else x


def level(x: float, outcome: str, trim: bool = False) -> str:
    """A level of ``outcome``: ``1.5 %``, ``25 %``, ``0.85 years``, ``1,234 firms``, ``USD 5.0 bn``.

    ``trim`` drops trailing zeros (``USD 5 bn``).
    """
    places = decimals(outcome, gap=False, x=x)
    return _with_unit(number(scaled(x, outcome), places, trim=trim), outcome, gap=False)


def difference(x: float, outcome: str, signed: bool = True, trim: bool = False) -> str:
    """A difference of ``outcome``: ``+0.2 pp``, ``\u22120.04 years``, ``0 years``, ``+USD 3.0 bn``.

    Shares in percentage points; ``signed`` puts ``+`` before positive values.
    """
    text = number(scaled(x, outcome), decimals(outcome), signed=signed, trim=trim)
    return _with_unit(text, outcome, gap=True)


def money(usd_bn: float, signed: bool = False) -> str:
    """Money: ``USD 3.0 bn``, or ``USD 30 m`` below USD 1 bn (it would round to ``0 bn``)."""
    if math.isfinite(usd_bn) and abs(usd_bn) < 1:
        text = number(1000 * usd_bn, DECIMALS["USD m"], signed=signed)
        if text == "0":
            return "USD 0"
        sign = text[0] if text[:1] in ("+", MINUS) else ""
        return f"{sign}USD {text[len(sign) :]} m"
    if signed:
        return difference(usd_bn, "spend_total")
    return level(usd_bn, "spend_total")


def per_usd_bn(x: float, signed: bool = True) -> str:
    """Years of gap per USD bn at its decimals; ``no effect`` where it rounds to zero."""
    if not math.isfinite(x):
        return "n/a"
    text = number(x, DECIMALS["years per USD bn"], signed=signed)
    return NO_EFFECT if text == "0" else text


def is_zero(x: float, outcome: str) -> bool:
    """Whether the difference ``x`` rounds to zero at ``outcome``'s precision (NaN: no)."""
    return math.isfinite(x) and number(scaled(x, outcome), decimals(outcome)) == "0"


def effect(x: float, outcome: str) -> str:
    """An effect: ``no effect`` when it rounds to zero, else a signed difference."""
    return NO_EFFECT if is_zero(x, outcome) else difference(x, outcome)


def band(low: float, high: float, outcome: str) -> str:
    """A band of effects: ``no effect`` when both ends round to zero, else ``a to b unit``."""
    if is_zero(low, outcome) and is_zero(high, outcome):
        return NO_EFFECT
    places = decimals(outcome)
    low_text, high_text = (number(scaled(v, outcome), places, signed=True) for v in (low, high))
    kind = unit(outcome)
    if kind.startswith("USD "):  # USD +1.0 to +3.0 bn
        return f"USD {low_text} to {high_text} {kind[4:]}"
    return _with_unit(f"{low_text} to {high_text}", outcome, gap=True)


def verdict(x: float, outcome: str) -> str:
    """``better``, ``worse``, ``no effect`` (rounds to zero) or ``neutral`` (no direction)."""
    if not math.isfinite(x) or is_zero(x, outcome):
        return NO_EFFECT
    better = BY_NAME[outcome].better
    if not better:
        return "neutral"
    return "better" if (x < 0) == (better == "lower") else "worse"
