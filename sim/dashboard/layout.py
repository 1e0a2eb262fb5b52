"""The dashboard's page layout: the sidebar of run buttons, clock and settings, and the panels.

:func:`Dashboard` lays the page out as Mesa's ``SolaraViz`` does (Mesa's
``ModelController`` gives Reset, ▶ / ❚❚ and Step), with the dashboard's own settings and
clock: every slider shows its value beside it at all times, each policy lever has an
explicit "as scenario" checkbox instead of a sentinel value, and time reads in quarters
with their calendar dates (:mod:`sim.dashboard.clock`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import solara

from sim.dashboard.clock import clock_text, span_text
from sim.dashboard.controls import (
    DEFAULTS,
    SELECTS,
    SLIDERS,
    SliderSpec,
    scenario_lever,
    value_text,
)
from sim.dashboard.panels import AllianceNetwork, MembershipShares, RunSummary, TechnologyGap
from sim.dashboard.style import SECONDARY_INK
from sim.model import AllianceModel

with warnings.catch_warnings():
    # Mesa 3.3.1's own ComponentsView trips Solara's rules-of-hooks check when it is
    # defined (harmless; it is Mesa's code, not ours): keep it out of every start-up log.
    warnings.filterwarnings("ignore", message=r".*ComponentsView: `use_state` found")
    from mesa.visualization.solara_viz import ModelController
    from mesa.visualization.utils import update_counter

TITLE = "AI alliances and policy (alliancesim)"
PLAY_INTERVAL_MS = 300  # pause between quarters while playing
# the text beside a slider: a fixed column, so every slider's track has the same length
VALUE_STYLE = {"flex": "0 0 6.5em", "font-size": "13px", "font-variant-numeric": "tabular-nums"}
# every slider's label a fixed column too (long ones wrap), so the tracks line up
CSS = """
.alliancesim-control .v-input__slot > .v-label {
    flex: 0 0 8em; max-width: 8em; white-space: normal; line-height: 1.2; font-size: 14px;
}
"""

Settings = dict[str, Any]


@solara.component
def Clock(model: AllianceModel) -> None:
    """The quarter the run has reached, with its date, and the run's calendar span.

    Args:
        model: The model the page is running.
    """
    update_counter.get()
    with solara.Column(classes=["alliancesim-clock"], gap="2px"):
        solara.Text(clock_text(model), style={"font-weight": "bold"})
        solara.Text(f"Run covers {span_text(model)}", style={"font-size": "12px"})


@solara.component
def SettingSlider(spec: SliderSpec, settings: solara.Reactive[Settings]) -> None:
    """One slider with its value beside it, and an "as scenario" checkbox for a lever.

    While "as scenario" is ticked the slider is disabled and stands at the scenario's own
    value; unticking it makes that value the run's, for the user to move.

    Args:
        spec: The slider.
        settings: The page's settings (the model's keyword arguments on Reset).
    """
    now = settings.value
    value = now[spec.name]

    def put(new: Any) -> None:
        settings.set({**settings.value, spec.name: new})

    def as_scenario(ticked: bool) -> None:
        current = settings.value
        put(None if ticked else scenario_lever(current["world"], current["scenario"], spec.name)[0])

    if value is None:
        position: float = scenario_lever(now["world"], now["scenario"], spec.name)[0]
    else:
        position = value
    slider: Callable[..., Any] = solara.SliderInt if spec.integer else solara.SliderFloat
    with solara.Column(
        classes=["alliancesim-control", f"alliancesim-control-{spec.name}"], gap="0"
    ):
        with solara.Row(style={"align-items": "center"}, gap="8px"):
            slider(
                spec.label,
                value=int(position) if spec.integer else float(position),
                min=spec.min,
                max=spec.max,
                step=spec.step,
                on_value=put,
                disabled=value is None,
            )
            solara.Text(
                value_text(now, spec.name), classes=["alliancesim-value"], style=VALUE_STYLE
            )
        if spec.as_scenario:
            with solara.Row(classes=["alliancesim-as-scenario"], style={"margin-top": "-18px"}):
                solara.Checkbox(label="as scenario", value=value is None, on_value=as_scenario)


@solara.component
def SettingSelect(name: str, settings: solara.Reactive[Settings]) -> None:
    """One select of :data:`~sim.dashboard.controls.SELECTS`.

    Args:
        name: The setting.
        settings: The page's settings.
    """
    label, choices = SELECTS[name]

    def put(new: Any) -> None:
        settings.set({**settings.value, name: new})

    solara.Select(label, values=list(choices), value=settings.value[name], on_value=put)


@solara.component
def SettingsCard(settings: solara.Reactive[Settings]) -> None:
    """Every setting of the next run: world, scenario, the levers, seed and horizon.

    Args:
        settings: The page's settings.
    """
    SettingSelect("world", settings)
    SettingSelect("scenario", settings)
    for name in ("member_value", "refusal_cost", "clarity", "subsidy_budget"):
        SettingSlider(SLIDERS[name], settings)
    SettingSelect("subsidy_focus", settings)
    for name in ("seed", "quarters"):
        SettingSlider(SLIDERS[name], settings)
    solara.Text(
        "Changed settings take effect when you press Reset.",
        style={"font-size": "12px", "color": SECONDARY_INK},
    )


@solara.component
def Dashboard(model: AllianceModel) -> None:
    """The whole page: run buttons, clock and settings in the sidebar, four panels beside.

    Args:
        model: The model shown first (Reset replaces it with one built from the settings).
    """
    current: solara.Reactive[AllianceModel] = solara.use_reactive(model)
    settings = solara.use_reactive(DEFAULTS)
    play_interval = solara.use_reactive(PLAY_INTERVAL_MS)
    render_interval = solara.use_reactive(1)
    use_threads = solara.use_reactive(False)
    solara.Title(TITLE)
    solara.Style(CSS)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    with solara.Sidebar(), solara.Column():
        with solara.Card("Run"):
            ModelController(
                current,
                model_parameters=settings,
                play_interval=play_interval,
                render_interval=render_interval,
                use_threads=use_threads,
            )
            Clock(current.value)
        with solara.Card("Model Parameters"):
            SettingsCard(settings)
    with solara.GridFixed(columns=2, align_items="start"):
        AllianceNetwork(current.value)
        MembershipShares(current.value)
        TechnologyGap(current.value)
        RunSummary(current.value)
