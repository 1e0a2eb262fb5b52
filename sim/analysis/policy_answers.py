"""The policy answers' words and comparisons across worlds (docs/make_policy_answers.py).

Each scenario against the scenario it is compared with, per world paired by seed
(``sim.analysis.robust``): sentences, tables and the cost of a year of gap, with numbers
written by ``sim.analysis.numbers``. Pure functions of the last-quarter results frame.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.analysis import numbers, robust, robust_money, robust_report, words
from sim.analysis.discovery import DiscoveredBox
from sim.engine.outcomes import BY_NAME

BASELINE = "baseline"
# cumulative R&D spending of the domestic firms, USD bn (computed here from domestic_rnd; not
# total_rnd, 99.5 % foreign: finding 35 of docs/model.md section 10)
RND = "domestic_rnd_total"
BAND = f"{100 * (robust.BAND[1] - robust.BAND[0]):.0f} %"  # "90 %": the band across worlds
ROBUST_SHARE = 0.9  # docs/robust.md: robust when better in nearly every world (29 of 32)
BETTER, WORSE, NEUTRAL = "#009988", "#CC3311", "#777777"  # the report's teal and red
GAP = "tech_gap_years"
# a last-quarter gap at or below this reads as parity: the gap is censored at 0 once a domestic
# unit holds the frontier (finding 39 item 4 of docs/model.md); said above CENSORED_SHARE
CENSORED_AT = 0.01  # years
CENSORED_SHARE = 0.10


def unit_of(outcome: str) -> str:
    """The outcome's unit (``USD bn`` for the cumulative R&D computed here)."""
    return "USD bn" if outcome == RND else BY_NAME[outcome].unit


def label_of(outcome: str) -> str:
    """The outcome's name in words, lower case inside a sentence."""
    if outcome == RND:
        return "domestic firms' R&D spending since the start"
    return robust_report.lower_first(BY_NAME[outcome].label.split(":")[0])


def as_registered(outcome: str) -> str:
    """The registry outcome whose unit ``outcome`` is written in (R&D: USD bn, as spending)."""
    return "spend_total" if outcome == RND else outcome


def number(x: float, outcome: str, signed: bool, level: bool = False) -> str:
    """``x`` in the outcome's unit (``sim.analysis.numbers``: no e-notation, pp for shares).

    Args:
        x: The value (shares as fractions).
        outcome: The outcome (its unit sets the decimals).
        signed: Whether to show a ``+`` (differences).
        level: A level, not a difference (shares in %, not pp).
    """
    if level:
        return numbers.level(x, as_registered(outcome))
    return numbers.difference(x, as_registered(outcome), signed=signed)


def rounds_to_zero(x: float, outcome: str) -> bool:
    """Whether ``x`` is 0 at the decimals it is shown with."""
    return numbers.is_zero(x, as_registered(outcome))


def effect_words(x: float, outcome: str) -> str:
    """A difference: ``no effect`` when it rounds to zero, else signed with its unit."""
    return numbers.effect(x, as_registered(outcome))


def band_words(low: float, high: float, outcome: str) -> str:
    """The band across worlds: ``no effect`` when both ends round to zero."""
    if not rounds_to_zero(low, outcome) and number(low, outcome, True) == number(
        high, outcome, True
    ):
        return f"{number(low, outcome, True)} in every world"
    return numbers.band(low, high, as_registered(outcome))


def parameter_words(key: str) -> str:
    """An uncertain parameter in words (its declared label: ``words.parameter_words``)."""
    return words.parameter_words(key)


def region_words(box: DiscoveredBox) -> str:
    """PRIM's box in words, each bound with 3 significant digits (no e-notation)."""
    parts = []
    for r in box.limits.itertuples():
        name, low, high = parameter_words(str(r.parameter)), r.low, r.high
        lo, hi = robust_report.plain(float(low), 3), robust_report.plain(float(high), 3)
        if low > r.sampled_low and high < r.sampled_high:
            parts.append(f"{name} is between {lo} and {hi}")
        elif high < r.sampled_high:
            parts.append(f"{name} is below {hi}")
        else:
            parts.append(f"{name} is above {lo}")
    return " and ".join(parts)


def percent(x: float) -> str:
    """A share as a whole percent."""
    return f"{100 * x:.0f} %"


def censored_note(final: pd.DataFrame, labels: Iterable[str]) -> str:
    """How many runs of ``labels`` end with the gap at parity, if above ``CENSORED_SHARE``.

    A run is one seed of one scenario in one world (a row of ``final``); ``labels`` may
    repeat (the first mention orders them). Returns a short sentence, or ``""`` when at most
    ``CENSORED_SHARE`` of the runs are censored.
    """
    labels = list(dict.fromkeys(labels))
    rows = final[final["label"].isin(labels)]
    if rows.empty or GAP not in rows.columns:
        return ""
    parity = rows[GAP] <= CENSORED_AT
    if parity.mean() <= CENSORED_SHARE:
        return ""
    each = parity.groupby(rows["label"]).mean()
    shares = ", ".join(f"{s} {percent(each[s])}" for s in labels if s in each)
    return (
        f"Censored at parity: the gap at the last quarter is at or below {CENSORED_AT:g} years "
        f"in {int(parity.sum())} of {len(parity)} runs ({shares}); there it cannot show how far "
        "ahead a scenario is."
    )


# ---------------------------------------------------------------- measuring


@dataclass
class Comparison:
    """One scenario against another on one outcome, across worlds."""

    scenario: str
    against: str
    outcome: str
    worlds: int
    median: float
    low: float
    high: float
    higher: int  # worlds where the effect is above zero (not "no effect": robust.judge's rule)
    lower: int
    box: DiscoveredBox | None  # PRIM's failure region (None: no direction is better)
    sign: int  # +1 higher is better, -1 lower is better, 0 neither

    @property
    def better(self) -> int:
        """Worlds better; for an outcome with no better direction, worlds higher."""
        return self.lower if self.sign < 0 else self.higher

    @property
    def worse(self) -> int:
        """Worlds worse; for an outcome with no better direction, worlds lower."""
        return self.higher if self.sign < 0 else self.lower

    @property
    def robust(self) -> bool:
        """Better in at least ``ROBUST_SHARE`` of worlds, the whole band on the better side."""
        if self.sign == 0 or self.worlds == 0:
            return False
        enough = self.better >= ROBUST_SHARE * self.worlds
        return enough and min(self.sign * self.low, self.sign * self.high) > 0


def direction(outcome: str, prefer: dict[str, int] | None = None) -> int:
    """+1 higher is better, -1 lower is better, 0 neither (``prefer``, else the registry)."""
    if prefer and outcome in prefer:
        return prefer[outcome]
    return 0 if outcome == RND else robust.direction(outcome)


def judged_as(outcome: str) -> str:
    """A higher-is-better registry outcome in ``outcome``'s unit, for PRIM to judge by.

    Where a question prefers the direction the registry does not give, the effect is flipped
    and judged as this outcome: the same unit keeps what rounds to "no effect" the same.
    """
    higher = [o for o in robust.ROBUST_OUTCOMES if robust.direction(o) > 0]
    same = [o for o in higher if BY_NAME[o].unit == unit_of(outcome)]
    return (same or higher)[0]


def compare(
    final: pd.DataFrame,
    params: list[str],
    scenario: str,
    against: str,
    outcome: str,
    prefer: dict[str, int] | None = None,
) -> Comparison:
    """``scenario`` minus ``against`` on ``outcome``, per world paired by seed, across worlds.

    PRIM's box of the worlds where it is not better is searched over ``params``; with none
    (``[]``) there is no box.
    """
    rows = final[final["label"].isin([scenario, against])]
    effects = robust.world_effects(rows, against, [outcome])
    values = effects["effect"].to_numpy(dtype=float)
    values = values[np.isfinite(values)]
    n = len(values)
    low, high = np.quantile(values, robust.BAND) if n else (np.nan, np.nan)
    sign = direction(outcome, prefer)
    box = None
    if sign != 0 and n and params:
        if sign != robust.direction(outcome):  # PRIM judges by the registry: flip the effect
            effects = effects.assign(effect=sign * effects["effect"])
            outcome_judged = judged_as(outcome)
            box = robust.failure_region(
                effects.assign(outcome=outcome_judged),
                robust.world_parameters(rows, params),
                scenario,
                outcome_judged,
            )
        else:
            box = robust.failure_region(
                effects, robust.world_parameters(rows, params), scenario, outcome
            )
    return Comparison(
        scenario,
        against,
        outcome,
        n,
        float(np.median(values)) if n else np.nan,
        float(low),
        float(high),
        int(sum(v > 0 and not numbers.is_zero(v, as_registered(outcome)) for v in values)),
        int(sum(v < 0 and not numbers.is_zero(v, as_registered(outcome)) for v in values)),
        box,
        sign,
    )


def world_values(final: pd.DataFrame, scenario: str, against: str, outcome: str) -> np.ndarray:
    """Each world's effect (for the figures)."""
    rows = final[final["label"].isin([scenario, against])]
    return robust.world_effects(rows, against, [outcome])["effect"].to_numpy(dtype=float)


def mechanism(final: pd.DataFrame, scenario: str, against: str, gap: Comparison) -> str:
    """The mechanism in one sentence where the outputs show it, else why it is not a finding.

    Shown: the gap moves the same way in at least ``ROBUST_SHARE`` of worlds with its whole
    band on that side, and the domestic firms' R&D spending since the start moves the
    opposite way in at least that share of the same worlds (in the model, R&D is what raises
    capability).
    """
    n = gap.worlds
    moved = max(gap.higher, gap.lower)
    one_side = gap.low > 0 or gap.high < 0
    if not n or moved < ROBUST_SHARE * n or not one_side:
        return (
            f"Not a finding: the gap does not move the same way in {percent(ROBUST_SHARE)} of "
            "the worlds with its whole band on one side, so the "
            "answer is a consequence of the declared assumptions and where in their ranges the "
            "world lies."
        )
    rows = final[final["label"].isin([scenario, against])]
    wide = robust.world_effects(rows, against, [GAP, RND]).pivot_table(
        index="world", columns="outcome", values="effect"
    )
    opposite = int((np.sign(wide[GAP]) * np.sign(wide[RND]) < 0).sum())
    rnd = compare(final, [], scenario, against, RND)
    if opposite >= ROBUST_SHARE * n:
        way = "raises" if rnd.median > 0 else "lowers"
        return (
            f"Mechanism (shown by the outputs): {scenario} {way} domestic firms' R&D spending "
            "since the start "
            f"against {against} (median {effect_words(rnd.median, RND)}), opposite to the gap "
            f"in {opposite} of {n} worlds, and in the model R&D is what moves capability."
        )
    return (
        "Mechanism not shown by the outputs: domestic firms' R&D spending since the start moves "
        f"opposite to the gap in only {opposite} of {n} worlds, so the answer is a consequence "
        "of the declared assumptions (for example the lever's assumed strength), not a finding."
    )


# ---------------------------------------------------------------- words


def sentence(c: Comparison) -> str:
    """One comparison in plain words, with its robustness and its PRIM failure region."""
    name, n = label_of(c.outcome), c.worlds
    band = band_words(c.low, c.high, c.outcome)
    spread = f"median {effect_words(c.median, c.outcome)}; {BAND} of worlds: {band}"
    if c.higher == c.lower == 0:
        return f"{c.scenario} against {c.against}: no effect on the {name} in any of {n} worlds."
    if band == "no effect":
        return (
            f"{c.scenario} against {c.against}: no effect on the {name} in at least {BAND} of "
            f"{n} worlds ({spread}; higher in {c.higher}, lower in {c.lower})."
        )
    sign = c.sign
    if sign == 0:
        return (
            f"The {name} is lower under {c.scenario} than under {c.against} in {c.lower} of "
            f"{n} plausible worlds and higher in {c.higher} ({spread})."
        )
    word = "lower" if sign < 0 else "higher"
    what = f"the {name} is {word} under {c.scenario} than under {c.against} ({spread})"
    if c.better == n:
        return f"In all {n} plausible worlds {what}."
    if c.better == 0:
        return (
            f"In none of {n} plausible worlds is the {name} {word} under {c.scenario} than "
            f"under {c.against} ({spread}); it is worse in {c.worse}, no different in "
            f"{n - c.worse}."
        )
    return f"In {c.better} of {n} plausible worlds {what}; {where_not(c)}."


def brief(c: Comparison) -> str:
    """An outcome's robustness in a few words: ``startups alive better in 6 of 6 (median ...)``."""
    name = label_of(c.outcome)
    if c.better == c.worse == 0:
        return f"{name}: no effect in any of {c.worlds} worlds"
    worse = f", worse in {c.worse}" if c.worse else ""
    return (
        f"{name}: better in {c.better} of {c.worlds}{worse} "
        f"(median {effect_words(c.median, c.outcome)})"
    )


def where_not(c: Comparison) -> str:
    """Where the scenario is not better, in words (PRIM's box with coverage and density)."""
    box = c.box
    if c.better == c.worlds:
        return "better in every world"
    if c.better == 0:
        return "better in no world" if c.worse else "no effect in any world"
    if box is None or box.limits.empty:
        return "no simple region of the uncertain parameters holds the worlds where it is not"
    return (
        f"it is not where {region_words(box)} (PRIM coverage {percent(box.coverage)}, "
        f"density {percent(box.density)})"
    )


def table(comparisons: list[Comparison]) -> str:
    """A Markdown table of comparisons."""
    lines = [
        f"| scenario | compared with | outcome | median effect | {BAND} of worlds | better in | "
        "where it is not better (PRIM: coverage, density) |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in comparisons:
        if c.sign == 0:
            better = f"higher in {c.higher}, lower in {c.lower} of {c.worlds}"
            region = "no better direction"
        else:
            better = f"{c.better} of {c.worlds}" + (f" (worse in {c.worse})" if c.worse else "")
            region = where_not(c).removeprefix("it is not where ")
        lines.append(
            f"| {c.scenario} | {c.against} | {label_of(c.outcome)} | "
            f"{effect_words(c.median, c.outcome)} | {band_words(c.low, c.high, c.outcome)} | "
            f"{better} | {region} |"
        )
    return "\n".join(lines)


def cost_section(final: pd.DataFrame) -> str:
    """The gap closed per extra USD bn against the baseline, across worlds.

    The numbers are the robust report's (``sim.analysis.robust_money``), for the scenarios
    that spend more than the baseline in every world.
    """
    summary = robust_money.summarise(robust_money.world_costs(final, BASELINE))
    costs = summary[summary["status"] == "costs more"]
    if costs.empty:
        return "No scenario of the sweep spends more than the baseline in every world.\n"
    lines = [
        "| scenario | extra spending (median over worlds) | years of gap closed per extra "
        f"USD bn (median) | {BAND} of worlds | closes gap in |",
        "|---|---|---|---|---|",
    ]
    for r in costs.sort_values("median", ascending=False).itertuples():
        lines.append(
            f"| {r.scenario} | {numbers.money(r.extra_usd_bn_median)} | "
            f"{numbers.per_usd_bn(r.median)} | {numbers.per_usd_bn(r.band_low)} to "
            f"{numbers.per_usd_bn(r.band_high)} | {r.positive} of {r.with_ratio} |"
        )
    return (
        "Each scenario that spends more than the baseline, in each world: the gap it closed "
        "beyond the baseline at the last quarter over the extra money it spent (a ratio of "
        "the means over the world's seeds of the seed-paired differences), in years per USD "
        "bn; positive closes the gap.\n\n" + "\n".join(lines) + "\n"
    )
