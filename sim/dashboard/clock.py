"""The dashboard's clock: quarters with their calendar dates, wherever the dashboard shows time.

Quarter 0 is the first quarter of the world's start year (``world.start_year``), as in the
results tables (:func:`sim.engine.alliance_table.quarter_dates`): in ``korea_2024``
quarter 0 is ``2024Q1``, quarter 3 is ``2024Q4`` and quarter 40 is ``2034Q1``.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, MultipleLocator

from sim.engine.alliance_table import quarter_dates
from sim.model import AllianceModel

TICK_SPACINGS: tuple[int, ...] = (1, 2, 4, 8, 12, 20, 40)  # quarters between date ticks
MAX_TICKS = 6  # most date ticks on a time axis (a ``2024Q1`` label is ~6 characters)


def date_of(model: AllianceModel, quarter: int | None = None) -> str:
    """The calendar quarter of ``quarter`` (the model's quarter now by default).

    Args:
        model: The model (its ``cfg.world.start_year`` is the year of quarter 0).
        quarter: Quarters from the start; ``None`` for ``model.steps``.

    Returns:
        A ``YYYYQn`` label, e.g. ``2024Q4`` for quarter 3 of a world starting in 2024.
    """
    step = model.steps if quarter is None else quarter
    return quarter_dates([step], model.cfg.world.start_year)[0]


def clock_text(model: AllianceModel) -> str:
    """Where the run stands: its quarter, of how many, and that quarter's date.

    Args:
        model: The running model.

    Returns:
        E.g. ``"Quarter 3 of 40 · 2024Q4"``; ``" · finished"`` follows at the horizon (Play
        and Step are then greyed out, and the pause button looked like a run in progress).
    """
    end = "" if model.running else " · finished"
    return f"Quarter {model.steps} of {model.cfg.steps} · {date_of(model)}{end}"


def span_text(model: AllianceModel) -> str:
    """The calendar span of the whole run, from quarter 0 to the horizon.

    Args:
        model: The model.

    Returns:
        E.g. ``"2024Q1 to 2034Q1"``.
    """
    return f"{date_of(model, 0)} to {date_of(model, model.cfg.steps)}"


def tick_spacing(horizon: int) -> int:
    """Quarters between date ticks so that a horizon gets at most :data:`MAX_TICKS` + 1 ticks.

    Args:
        horizon: Quarters on the axis (>= 0).

    Returns:
        The smallest spacing of :data:`TICK_SPACINGS` that fits, else the largest.
    """
    for spacing in TICK_SPACINGS:
        if horizon / spacing <= MAX_TICKS:
            return spacing
    return TICK_SPACINGS[-1]


def date_axis(ax: Axes, model: AllianceModel) -> None:
    """Label a time axis in quarters (its data) with calendar dates as tick labels.

    Args:
        ax: An axis whose x values are quarters from the start.
        model: The model (its start year and horizon).
    """
    horizon = max(model.cfg.steps, model.steps)
    start_year = model.cfg.world.start_year
    ax.set_xlim(0, horizon)
    ax.xaxis.set_major_locator(MultipleLocator(tick_spacing(horizon)))
    ax.xaxis.set_minor_locator(MultipleLocator(1))
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda x, _: quarter_dates([round(x)], start_year)[0])
    )
    ax.set_xlabel(f"Calendar quarter (quarter 0 = {date_of(model, 0)})")
