"""The figures that tell worlds from seeds (sim/analysis/figures_robust.py, figures.py)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.text import Text

from sim.analysis import figures, figures_robust, palette, words


def world_table() -> pd.DataFrame:
    """Per scenario and world: 'helps' closes the gap in 4 of 5 worlds, 'hurts' widens it."""
    rows = []
    for w in range(5):
        rows.append({"scenario": "helps", "world": w, "effect_tech_gap_years": -0.3 if w else 0.1})
        rows.append({"scenario": "hurts", "world": w, "effect_tech_gap_years": 0.2})
        rows.append({"scenario": "idle", "world": w, "effect_tech_gap_years": 1e-6})
    return pd.DataFrame(rows)


def texts(fig) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]


def test_each_world_is_a_dot_coloured_better_or_worse_never_green_for_worse():
    fig = figures_robust.world_effects(
        world_table(), ["tech_gap_years"], ["helps", "hurts", "idle"], "baseline", "t"
    )
    ax = fig.axes[0]
    dots = [c for c in ax.collections if len(c.get_offsets()) == 5]
    assert len(dots) == 3  # one dot per world for each scenario
    helps, hurts, idle = ({to_hex(c) for c in d.get_facecolors()} for d in dots)
    better, worse = to_hex(palette.BETTER), to_hex(palette.WORSE)
    assert helps == {better, worse}  # 4 worlds better, 1 worse
    assert hurts == {worse}  # never the better colour for a worse world
    assert idle == {to_hex(palette.FAINT)}  # rounds to no effect: neither colour
    assert [t.get_text() for t in ax.get_yticklabels()] == ["helps", "hurts", "idle"]
    words = " ".join(t.get_text() for t in texts(fig))
    assert "better (lower)" in words and "90 % of worlds" in words and "median" in words


def steps(worlds: int) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    rows = []
    labels = ["baseline", *(f"scenario_{i}" for i in range(7))]
    for label in labels:
        for w in range(worlds):
            for seed in range(2):
                for step in range(5):
                    row = {c: rng.uniform() for c in figures.OVER_TIME}
                    rows.append(
                        row | {"label": label, "sample": w, "replicate": seed, "step": step}
                    )
    return pd.DataFrame(rows)


@pytest.mark.parametrize("worlds", [True, False])
def test_over_time_is_small_multiples_with_direct_labels_and_readable_type(worlds):
    frame = steps(4)
    labels = list(dict.fromkeys(frame["label"]))
    fig = figures_robust.over_time(frame, labels, figures.OVER_TIME, worlds)
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == len(figures.OVER_TIME) * 3  # 7 scenarios: 3 groups of at most 3
    for ax in panels:
        assert ax.get_legend() is None
        lines = [ln for ln in ax.get_lines() if len(ln.get_xdata()) > 2]
        assert 2 <= len(lines) <= figures_robust.GROUP + 1  # the baseline and at most GROUP
        names = {t.get_text() for t in ax.texts}
        assert "baseline" in names  # labelled at the line's end
    title = fig.get_suptitle()
    assert ("90 % of worlds" in title) == worlds and ("90 % of seeds" in title) != worlds
    assert min(t.get_fontsize() for t in texts(fig)) >= 9
    # at least 9 pt as shown on a 1024-px page (the figure scaled to about 990 px)
    shown = min(1.0, 990 / (fig.get_figwidth() * 110))
    assert min(t.get_fontsize() for t in texts(fig)) * shown >= 8.9


def test_runs_without_a_world_beside_a_robust_sweep_keep_their_line():
    """A folder of sweeps may hold runs at the defaults (no ``sample``) beside a robust sweep:
    until 2026-12-06 their lines were empty and the report failed (IndexError)."""
    frame = steps(2)
    frame.loc[frame["label"] == "scenario_0", "sample"] = np.nan
    fig = figures_robust.over_time(frame, ["baseline", "scenario_0"], ["share_open"], True)
    lines = [ln for ln in fig.axes[0].get_lines() if len(ln.get_xdata()) == 5]
    assert len(lines) == 2 and all(np.isfinite(ln.get_ydata()).all() for ln in lines)


def test_axis_labels_are_words_never_dotted_keys():
    assert words.parameter_words("model.rnd.beta_public") == "the public spillover rate"
    assert words.parameter_words("model.rnd.not_declared.scale") == "not declared multiplier"
    assert words.parameter_words("model.rnd.beta_open_internal") == "beta open internal"
    fig = figures_robust.over_time(steps(2), ["baseline", "scenario_0"], ["share_open"], True)
    for ax in fig.axes:
        for label in (ax.get_xlabel(), ax.get_ylabel()):
            assert "share_open" not in label and "model." not in label
    assert "Share of firms in open alliances (%)" in fig.axes[0].get_ylabel().replace("\n", " ")


def test_direct_labels_keep_apart_and_inside_the_panel():
    placed = figures_robust.spread_labels([0.0, 0.01, 0.02, 0.5], 0.1, (0.0, 1.0))
    ordered = sorted(placed)
    assert all(b - a >= 0.1 - 1e-12 for a, b in itertools.pairwise(ordered))
    assert min(placed) >= 0.05 and max(placed) <= 0.95
    assert placed.index(min(placed)) == 0  # the order of the lines is kept
